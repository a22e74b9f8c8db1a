//! Data platforms around the models: Databricks, Snowflake and database connection
//! strings with a password in them.

use crate::detector::{BASE, Detector, Family, Matcher};
use crate::structured;
use crate::verify;

pub static DATABRICKS: Detector = Detector {
    id: "databricks-token",
    kind: "databricks",
    family: Family::DataPlatform,
    title: "Databricks personal access token",
    keywords: &["dapi"],
    pattern: r"dapi[a-f0-9]{32}(?:-[0-9])?",
    prefix: "dapi",
    verify: Some(verify::databricks),
    positives: &[
        concat!(
            "DATABRICKS_TOKEN: 'dapid40cca85f0f5",
            "4f30445a3577",
            "e18a0a5a-3'"
        ),
        concat!(
            "host = adb-1234.5.azuredatabricks.net\ntoken = dapi7b6c29163d00",
            "d68df6db75d0",
            "c3f7eb93"
        ),
    ],
    negatives: &[
        concat!(
            "DATABRICKS_TOKEN=dapi40f1aec544ad",
            "77bf39768915",
            "e2ed4a220"
        ),
        "DATABRICKS_TOKEN=dapi<token>",
    ],
    ..BASE
};

pub static DATABRICKS_OAUTH: Detector = Detector {
    id: "databricks-oauth-secret",
    kind: "databricks",
    family: Family::DataPlatform,
    title: "Databricks OAuth client secret",
    keywords: &["dose"],
    pattern: r"dose[A-Za-z0-9]{32}",
    prefix: "dose",
    min_entropy: 3.5,
    verify: Some(verify::mixed),
    positives: &[concat!(
        "DATABRICKS_CLIENT_SECRET=\"doseiisJ3BB5642L",
        "DgdINOUXzJUG",
        "Ndd57nB5\""
    )],
    negatives: &["doseResponseCurveForTheTreatmentGroupA = 1"],
    ..BASE
};

pub static SNOWFLAKE: Detector = Detector {
    id: "snowflake-credential",
    kind: "snowflake",
    family: Family::DataPlatform,
    title: "Snowflake password or token",
    keywords: &["snowflake"],
    matcher: Matcher::Custom(structured::context_assignment),
    priority: 2,
    binary: false,
    positives: &[
        concat!(
            "SNOWFLAKE_ACCOUNT=acme-ml\nSNOWFLAKE_USER=loader\nSNOWFLAKE_PASSWORD=SRPs9WG1qLrr",
            "lIIrEJEk"
        ),
        concat!(
            "snowflake:\n  account: acme-ml.eu-west-1\n  user: loader\n  password: \"X0GBvc3LRaMs",
            "j2KM!\""
        ),
    ],
    negatives: &["SNOWFLAKE_ACCOUNT=acme-ml\nSNOWFLAKE_PASSWORD=${SNOWFLAKE_PASSWORD}"],
    ..BASE
};

pub static DATABASE_URL: Detector = Detector {
    id: "database-url-password",
    kind: "database-url",
    family: Family::DataPlatform,
    title: "Database connection string with a password",
    keywords: &["://"],
    matcher: Matcher::Custom(structured::db_url),
    priority: 2,
    binary: false,
    positives: &[
        concat!(
            "DATABASE_URL=postgres://app:14ikcZI2eG3H",
            "0P54QgZt@db.internal:5432/rag"
        ),
        concat!(
            "MONGO_URI=\"mongodb+srv://ingest:yDxT5Yn84bL3",
            "wwwQ@cluster0.mongodb.net/vectors\""
        ),
    ],
    negatives: &[
        "DATABASE_URL=postgres://user:password@localhost:5432/db",
        "DATABASE_URL=postgres://postgres:postgres@localhost/postgres",
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/rag",
    ],
    ..BASE
};

/// Every data-platform detector.
pub static ALL: &[&Detector] = &[&DATABRICKS, &DATABRICKS_OAUTH, &SNOWFLAKE, &DATABASE_URL];

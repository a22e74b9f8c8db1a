//! Data platforms around the models: Databricks, Snowflake and database connection
//! strings with a password in them.

use crate::detector::{BASE, Boundary, Detector, Family, Matcher, Site, Verdict};
use crate::noise;
use crate::structured;
use crate::text::{self, Classes};
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

/// Keys of an ODBC, ADO.NET or JDBC-style `key=value;` connection string that name the
/// server or the database: a `Password=` is a connection string's only with one of them.
const CONNECTION_KEYS: &[&[u8]] = &[
    b"server=",
    b"data source=",
    b"datasource=",
    b"driver=",
    b"host=",
    b"hostname=",
    b"address=",
    b"addr=",
    b"dsn=",
    b"database=",
    b"initial catalog=",
    b"uid=",
    b"user id=",
    b"userid=",
];

/// A `Password=`/`Pwd=` value inside a connection string: `;`-separated, with a server
/// or database key on the same line, and not a stand-in.
fn connection_password(token: &str, site: &Site<'_>) -> Verdict {
    let v = token.as_bytes();
    let line = text::lower(site.line());
    if !line.contains(&b';')
        || !CONNECTION_KEYS
            .iter()
            .any(|k| memchr::memmem::find(&line, k).is_some())
        || noise::is_placeholder(v)
        || noise::is_reference(v)
        || noise::is_password_word(v)
        || noise::spells_credential_word(v)
        || v.iter().any(|b| {
            matches!(
                b,
                b'$' | b'%' | b'{' | b'}' | b'<' | b'>' | b'[' | b']' | b'\\'
            )
        })
        || Classes::of(v).count() < 2
    {
        return Verdict::Reject;
    }
    Verdict::medium().with("format", "connection-string")
}

pub static CONNECTION_STRING: Detector = Detector {
    id: "connection-string-password",
    kind: "database-url",
    family: Family::DataPlatform,
    title: "Database connection string with a password",
    keywords: &[
        "Password=",
        "password=",
        "PASSWORD=",
        "Pwd=",
        "pwd=",
        "PWD=",
    ],
    pattern: r"(?i:password|pwd)=([^;'\x22\s<>]{4,128})",
    min_entropy: 2.5,
    verify: Some(connection_password),
    priority: 2,
    binary: false,
    boundary: Boundary::None,
    positives: &[
        concat!(
            "\"Server=tcp:sql.internal,1433;Database=rag;User ID=app;Password=",
            "Vq7Lm2Rk9Tz4Wx;Encrypt=True;\""
        ),
        concat!(
            "conn = \"Driver={ODBC Driver 18 for SQL Server};Server=db;Uid=etl;Pwd=",
            "Hn4Pz8Qc2Lv;\""
        ),
    ],
    negatives: &[
        "\"Server=sql.internal;Database=rag;User ID=app;Password=$(DB_PASSWORD);\"",
        "\"Server=sql.internal;Database=rag;User ID=app;Password=<password>;\"",
        "\"Server=localhost;Database=test;User ID=sa;Password=password;\"",
        concat!("reset_link = \"/account?password=Vq7Lm2", "Rk9Tz4Wx\""),
    ],
    ..BASE
};

/// Every data-platform detector.
/// MongoDB Atlas service-account secrets: `mdb_sa_sk_` and 40 characters.
pub static MONGODB_ATLAS_SA: Detector = Detector {
    id: "mongodb-atlas-service-account-secret",
    kind: "mongodb-atlas",
    family: Family::DataPlatform,
    title: "MongoDB Atlas service account secret",
    keywords: &["mdb_sa_sk_"],
    pattern: r"mdb_sa_sk_[A-Za-z0-9_-]{40}",
    prefix: "mdb_sa_sk_",
    min_entropy: 3.5,
    positives: &[concat!(
        "ATLAS_CLIENT_SECRET=mdb_sa_sk_Vq8Zt3Lw",
        "9Kc2Hn5Xr7Bd1Fj4Mp6Sy0Ga_Ue-Qi8W"
    )],
    negatives: &["ATLAS_CLIENT_SECRET=mdb_sa_sk_<your-secret>"],
    ..BASE
};

pub static ALL: &[&Detector] = &[
    &DATABRICKS,
    &DATABRICKS_OAUTH,
    &SNOWFLAKE,
    &DATABASE_URL,
    &CONNECTION_STRING,
    &MONGODB_ATLAS_SA,
];

//! Data platforms around the models: Databricks, Snowflake and database connection
//! strings with a password in them.

use super::{generic, shape};
use crate::assign;
use crate::credential_names::classify;
use crate::detector::{BASE, Boundary, CandidateSink, Detector, Family, Matcher, Site, Verdict};
use crate::noise;
use crate::text::{self, Classes};

/// Databricks personal access tokens are `dapi` + 32 hex (optionally `-N`).
fn databricks(token: &str, _: &Site<'_>) -> Verdict {
    let body = token.trim_start_matches("dapi");
    let hex = body.split('-').next().unwrap_or(body);
    if hex.len() == 32 && text::is_hex(hex.as_bytes()) {
        Verdict::high()
    } else {
        Verdict::Reject
    }
}

pub static DATABRICKS: Detector = Detector {
    id: "databricks-token",
    kind: "databricks",
    family: Family::DataPlatform,
    title: "Databricks personal access token",
    keywords: &["dapi"],
    pattern: r"dapi[a-f0-9]{32}(?:-[0-9])?",
    prefix: "dapi",
    check: Some(databricks),
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
    check: Some(shape::mixed),
    positives: &[concat!(
        "DATABRICKS_CLIENT_SECRET=\"doseiisJ3BB5642L",
        "DgdINOUXzJUG",
        "Ndd57nB5\""
    )],
    negatives: &["doseResponseCurveForTheTreatmentGroupA = 1"],
    ..BASE
};

/// Credentials assigned near a mention of a platform that has no token format of its
/// own (Snowflake passwords and tokens).
fn context_assignment(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    let buf = sink.buf;
    let (ws, we) = text::lines_around(buf, hit, 6, 6, 4096);
    if !sink.first_visit(det.id, ws) {
        return;
    }
    const NAMES: &[&[u8]] = &[
        b"password",
        b"passwd",
        b"pwd",
        b"passphrase",
        b"token",
        b"secret",
    ];
    let window = text::lower(&buf[ws..we]);
    let mut positions = Vec::new();
    for n in NAMES {
        positions.extend(memchr::memmem::find_iter(&window, n).map(|p| ws + p));
    }
    positions.sort_unstable();
    positions.dedup();
    for p in positions {
        let Some((name, name_start, v)) = assign::assignment_at(buf, p) else {
            continue;
        };
        if !sink.first_visit(det.id, name_start + 1) {
            continue;
        }
        let Some(info) = classify(name) else {
            continue;
        };
        let name = name.to_string();
        let value = &buf[v.start..v.end];
        if v.code || !generic::value_ok(sink, &info, value, v.quoted) || sink.marked(v.start, v.end)
        {
            continue;
        }
        sink.push_simple(det, v.start, v.end, Some(name), Verdict::medium());
    }
}

pub static SNOWFLAKE: Detector = Detector {
    id: "snowflake-credential",
    kind: "snowflake",
    family: Family::DataPlatform,
    title: "Snowflake password or token",
    keywords: &["snowflake"],
    matcher: Matcher::Custom(context_assignment),
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

/// `scheme://user:password@host` with a database scheme (the URL reader is
/// `generic::url_password`, shared with `generic::URL_PASSWORD`).
fn db_url(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    generic::url_password(sink, det, hit, true);
}

pub static DATABASE_URL: Detector = Detector {
    id: "database-url-password",
    kind: "database-url",
    family: Family::DataPlatform,
    title: "Database connection string with a password",
    keywords: &["://"],
    matcher: Matcher::Custom(db_url),
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
    check: Some(connection_password),
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

/// Every data-platform detector.
pub static ALL: &[&Detector] = &[
    &DATABRICKS,
    &DATABRICKS_OAUTH,
    &SNOWFLAKE,
    &DATABASE_URL,
    &CONNECTION_STRING,
    &MONGODB_ATLAS_SA,
];

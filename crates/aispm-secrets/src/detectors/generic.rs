//! Credentials without a provider format: a password or a high-entropy value assigned
//! to a credential name (`DB_PASSWORD=…`, `"client_secret": "…"`), and passwords in
//! URLs. Kept precise by reading the name (`token_count` and `private_key_id` are not
//! credentials) and the value (references, placeholders, digests, UUIDs, prose and
//! low-entropy words are not secrets).

use crate::assign;
use crate::credential_names::{self, CredClass, NameInfo, classify};
use crate::detector::{
    BASE, Boundary, Candidate, CandidateSink, Confidence, Detector, Family, Matcher, Site, Style,
    Verdict,
};
use crate::noise;
use crate::text::{self, Classes};
use serde_json::Value;

/// `NAME = value` where NAME reads as a credential and the value as a literal secret.
fn generic_assignment(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    let Some((s, e)) = assign::ident_at(sink.buf, hit) else {
        return;
    };
    if sink.same_ident_as_last(det.id, s) {
        return;
    }
    let Some((name, name_start, v)) = assign::assignment_of(sink.buf, s, e) else {
        return;
    };
    // In a `WORD NAME VALUE` line the word says whose credential it is: `acme TOKEN v`
    // reads as `acme_TOKEN`.
    let (ls, _) = text::line_bounds(sink.buf, name_start);
    let name = match assign::lead_word(sink.buf, ls, name_start) {
        Some(word) if !name.starts_with('-') && bare_value_follows(sink.buf, e) => {
            format!("{}_{name}", String::from_utf8_lossy(word))
        }
        _ => name.to_string(),
    };
    let Some(info) = classify(&name) else {
        return;
    };
    if !sink.first_visit(det.id, name_start) {
        return;
    }
    let value = &sink.buf[v.start..v.end];
    if v.code
        || !value_ok(sink, &info, value, v.quoted)
        || sink.marked(v.start, v.end)
        || (info.class == CredClass::Secret && public_client_secret(sink.buf, v.start))
    {
        return;
    }
    let kind = if info.class == CredClass::Password {
        "password"
    } else {
        det.kind
    };
    let verdict = Verdict::Accept {
        confidence: Confidence::Medium,
        props: vec![(
            "name_class",
            Value::from(format!("{:?}", info.class).to_lowercase()),
        )],
        kind: Some(kind),
    };
    sink.push_simple(det, v.start, v.end, Some(name), verdict);
}

/// Whether a value assigned to a credential name is a plausible literal secret (also
/// asked by `data::SNOWFLAKE` of the values it finds near a Snowflake mention).
pub(super) fn value_ok(sink: &CandidateSink<'_>, info: &NameInfo, v: &[u8], quoted: bool) -> bool {
    let style = sink.style;
    if style == Style::Binary || (!quoted && style == Style::Code) {
        return false;
    }
    let min_len = if info.class == CredClass::Password {
        8
    } else {
        12
    };
    if v.len() < min_len || v.len() > MAX_GENERIC_LEN || v.iter().any(|b| b.is_ascii_whitespace()) {
        return false;
    }
    // Long values are tokens only when nothing else explains them: no repeated block
    // (an encoded image or a padded fixture) and a generated alphabet.
    if v.len() > 256 && (info.class == CredClass::Password || !long_token_shaped(v)) {
        return false;
    }
    // Cheap shape tests first; the substring scans only for what is left.
    // A UUID or a hex string is a key only under a name that says so plainly (see
    // `names_hex_credential`); elsewhere it is an ID, a digest or a checksum.
    let hex_shaped = text::is_uuid(v) || noise::is_digest(v);
    if hex_shaped && !credential_names::names_hex_credential(info) {
        return false;
    }
    if noise::is_identifier_like(v)
        || v.starts_with(b"-----")
        || (v.starts_with(b"eyJ") && is_jwt_shaped(v))
        || v.iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_' | b'+'))
    {
        return false;
    }
    if info.class != CredClass::Password
        && (noise::is_word_like(v) || noise::is_camel_identifier(v) || noise::is_file_path(v))
    {
        return false;
    }
    // A bare `key` names lookup keys, object keys and labels far more often than
    // secrets: paths, dotted names and `prefix:rest` keys are those.
    if info.class == CredClass::Key
        && !info.qualified
        && v.iter().any(|b| matches!(b, b'/' | b'.' | b':'))
    {
        return false;
    }
    // Templates (`f"…{name}…"`, `"{0}"`), values built from ascending runs (`abc123`,
    // `123abc-456def-789ghi`), and query strings without a signature-sized value.
    if v.contains(&b'{') || noise::is_sequential(v) || noise::is_query_without_secret(v) {
        return false;
    }
    // Escapes and Windows paths (`\\u{1b}`, `SOFTWARE\\Microsoft`), and values that
    // spell a credential word (`secret123`, `my-token`), are not generated secrets.
    if v.contains(&b'\\') || noise::spells_credential_word(v) {
        return false;
    }
    if sink.has_known_prefix(v)
        || noise::is_reference(v)
        || noise::is_placeholder(v)
        || noise::is_known_example(v)
        || noise::is_encoded_prose(v)
        || noise::is_encoded_words(v)
        || noise::is_public_key(v)
    {
        return false;
    }
    // A value that spells its own name (`stripe_key = "stripe-key-1"`) was typed; a
    // generated secret behind a product prefix (`acme_9fK2…`) was not.
    let low = text::lower(v);
    if info.words.iter().filter(|w| w.len() >= 4).any(|w| {
        memchr::memmem::find(&low, w.as_bytes())
            .is_some_and(|_| low.len() < w.len() + 20 || !rest_is_random(&low, w))
    }) {
        return false;
    }
    let classes = Classes::of(v);
    let h = text::entropy(v);
    let ok = match info.class {
        CredClass::Password => classes.count() >= 2 && h >= 2.8,
        _ if !info.qualified => {
            v.len() >= 20 && classes.digit && classes.letter() && classes.count() >= 2 && h >= 3.5
        }
        _ => classes.digit && classes.letter() && h >= 3.0,
    };
    ok && (style != Style::Prose || (h >= 3.5 && v.len() >= 16))
}

/// Longest value the generic detector reads as one secret (long-lived tokens of some
/// services run to several hundred characters).
const MAX_GENERIC_LEN: usize = 1024;

/// Whether a long value reads as one generated token: its alphabet is a token's (no
/// padding inside, at most a few separators) and no 16-byte block repeats in it.
fn long_token_shaped(v: &[u8]) -> bool {
    let separators = v
        .iter()
        .filter(|&&b| matches!(b, b'.' | b'-' | b'_' | b'/' | b'+'))
        .count();
    if separators > v.len() / 16 || v[..v.len() - 2].contains(&b'=') {
        return false;
    }
    let mut seen = std::collections::HashSet::new();
    v.chunks_exact(16).all(|c| seen.insert(c))
}

/// Whether a value starting with `eyJ` is a JSON Web Token (its first segment decodes to
/// a JSON header naming an `alg`): the token detector judges those, including the ones it
/// rejects on purpose (unsigned, public anon keys, the documentation example).
fn is_jwt_shaped(v: &[u8]) -> bool {
    let head = v.split(|&b| b == b'.').next().unwrap_or(v);
    text::base64_decode(head)
        .and_then(|d| serde_json::from_slice::<Value>(&d).ok())
        .is_some_and(|h| h.get("alg").is_some())
}

/// Whether `low` without the first `word` in it is still a generated secret (at least 16
/// characters of letters and digits with a secret's entropy).
fn rest_is_random(low: &[u8], word: &str) -> bool {
    let Some(at) = memchr::memmem::find(low, word.as_bytes()) else {
        return false;
    };
    let rest: Vec<u8> = low[..at]
        .iter()
        .chain(&low[at + word.len()..])
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    rest.len() >= 16 && text::entropy(&rest) >= 3.5
}

/// Whether the client secret at `pos` belongs to an installed application whose
/// secret is published with it (its client ID is within a few hundred bytes).
fn public_client_secret(buf: &[u8], pos: usize) -> bool {
    let lo = pos.saturating_sub(512);
    let hi = (pos + 512).min(buf.len());
    noise::names_public_oauth_client(&buf[lo..hi])
}

/// Whether a blank, not an operator, separates the name ending at `e` from its value.
fn bare_value_follows(buf: &[u8], e: usize) -> bool {
    let rest = &buf[e..(e + 8).min(buf.len())];
    rest.first().is_some_and(|b| matches!(b, b' ' | b'\t'))
        && rest
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t'))
            .is_some_and(|b| !matches!(b, b'=' | b':'))
}

pub static GENERIC_SECRET: Detector = Detector {
    id: "generic-secret",
    kind: "generic",
    family: Family::Generic,
    title: "Hard-coded credential",
    keywords: &[
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "pass",
        "secret",
        "token",
        "key",
        "auth",
        "credential",
        "creds",
    ],
    matcher: Matcher::Custom(generic_assignment),
    default_confidence: Confidence::Medium,
    priority: 1,
    binary: false,
    positives: &[
        concat!("DB_PASSWORD=d40cca85f0f5", "4f30445a35"),
        concat!(
            "\"client_secret\": \"tP3skqoO6cD6",
            "RVAU5KhVrWmZ",
            "ZUvTyKWm\""
        ),
        concat!("datasource.password=TrjfRcF", "z4u2e#2"),
        concat!(
            "const signingSecret = \"QKnK6SeR6F4G",
            "uY0bq8deOfOG",
            "ncai3aO3PXtN",
            "hYF6\";"
        ),
        concat!("<password>T5yDiNGbAvBv", "jb!</password>"),
        // UUID- and hex-shaped keys under a name that says what they are.
        concat!(
            "const ACME_API_KEY = \"d4fa1621-8127-",
            "4828-b7d8-15fd916c3d6f\""
        ),
        concat!(
            "\"client_secret\": \"a413d5c2e3095be8",
            "2f803bc2d44c890d\""
        ),
        concat!(
            "WIDGETCO_API_TOKEN=3cc2bf0af824d586db06",
            "2726daa5f62840e7a4f7416d91f0e9a5a89c6285fb4e"
        ),
    ],
    negatives: &[
        "datasource.password=${SPRING_DB_PASSWORD}",
        concat!(
            "HMAC_SALT=467ab4a36ee0",
            "987b3544242b",
            "30e58d656ec4",
            "f3378c19cd58",
            "40f1aec544ad",
            "77bf"
        ),
        concat!(
            "WEIGHTS_SHA256 = \"39768915e2ed",
            "4a22437740af",
            "0dc481ee214e",
            "69886dd9078d",
            "3fe0a0887bee",
            "1afb\""
        ),
        concat!(
            "cache_secret = 'fa45289e0082",
            "c35845235890",
            "2ff3177e7e8c",
            "9263'"
        ),
        concat!(
            "encoded_secret = 'dGhlIHF1aWNr",
            "IGJyb3duIGZv",
            "eCBqdW1wcyBv",
            "dmVyIHRoZSBs",
            "YXp5IGRvZyBh",
            "Z2Fpbg=='"
        ),
        "password = 31415926535897",
        // A UUID or a digest under a name that does not say "secret" or "API key".
        concat!(
            "const request_token = \"067d6825-2275-",
            "4a46-8cb4-11ed9e8c3c0e\";"
        ),
        concat!(
            "job_key: 3cc2bf0af824d586db06",
            "2726daa5f62840e7a4f7416d91f0e9a5a89c6285fb4e"
        ),
        // A name that says only how the secret is written.
        concat!("hex_secret = '5be06a2f9c81d47e", "3a90b6c2f1d8e457'"),
        // The hash of a secret, as a secrets baseline records it.
        concat!(
            "\"hashed_secret\": \"db5ce5d54d629c32cc24",
            "8efa80a4e34054b19d53\","
        ),
        // A token published for clients on purpose.
        concat!(
            "publicToken = \"HCy0-wLwfC_xcV7_b",
            "WXghLJ8AcBYRoh-kgCwNuZk\""
        ),
        // The example UUID of RFC 4122.
        "API_KEY = \"123e4567-e89b-12d3-a456-426614174000\"",
        "password = \"changeme\"",
        "secret_note: not_a_secret",
        "tok := os.Getenv(\"API_TOKEN\")",
        "client = Anthropic(api_key=os.environ[\"CLAUDE_KEY\"])",
        "max_tokens = 4096",
        concat!(
            "\"private_key_id\": \"7e64b6ba0865",
            "ef5aa370e2e3",
            "0bdb0e7ab8d7",
            "e349\","
        ),
        "tokenizer.pad_token = tokenizer.eos_token",
        "password = get_password()",
        concat!("secret_name = \"prod/defUup", "bdEvSs/credentials\""),
        concat!(
            "session_token: '25fd81b3-4bf",
            "7-e8df-3380-",
            "9cd89bf6e31c'"
        ),
        concat!(
            "blob_secret: !!binary dGhlIHF1aWNr",
            "IGJyb3duIGZv",
            "eCBqdW1wcyBv",
            "dmVyIHRoZSBs",
            "YXp5IGRvZyBh",
            "Z2Fpbg=="
        ),
        concat!(
            "API_KEY = \"ReOgaDsGJnWW",
            "6RRo2HCXLhW7",
            "aKVwBG7w\"  # fake key for unit tests"
        ),
    ],
    ..BASE
};

const DB_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "mssql",
    "sqlserver",
    "oracle",
    "clickhouse",
    "snowflake",
    "cockroachdb",
    "cassandra",
    "neo4j",
    "neo4j+s",
    "bolt",
    "couchbase",
    "couchbases",
    "memcached",
    "db2",
    "jdbc:postgresql",
    "jdbc:mysql",
    "jdbc:sqlserver",
    "jdbc:oracle",
    "jdbc:mariadb",
    "postgresql+psycopg2",
    "postgresql+asyncpg",
    "mysql+pymysql",
    "mysql+mysqldb",
    "elasticsearch",
    "influxdb",
    "nats",
    "kafka",
    "sqlalchemy",
];

/// `scheme://user:password@host`: a password in a URL. `db` selects database schemes
/// (the data-platform detector) or the others (the generic one).
pub(super) fn url_password(
    sink: &mut CandidateSink<'_>,
    det: &'static Detector,
    hit: usize,
    db: bool,
) {
    let buf = sink.buf;
    let (ls, le) = text::line_bounds(buf, hit);
    let mut s = hit;
    while s > ls
        && (buf[s - 1].is_ascii_alphanumeric() || matches!(buf[s - 1], b'+' | b'.' | b'-' | b':'))
    {
        s -= 1;
    }
    let scheme = String::from_utf8_lossy(&buf[s..hit]).to_ascii_lowercase();
    let scheme = scheme.trim_start_matches(':');
    if scheme.is_empty() {
        return;
    }
    if DB_SCHEMES.contains(&scheme) != db {
        return;
    }
    let auth_start = hit + 3;
    let mut auth_end = auth_start;
    while auth_end < le
        && !matches!(
            buf[auth_end],
            b'/' | b'?'
                | b'#'
                | b' '
                | b'\t'
                | b'"'
                | b'\''
                | b'`'
                | b'<'
                | b'>'
                | b'\\'
                | b'|'
                | b'('
                | b')'
                | b','
        )
    {
        auth_end += 1;
    }
    let authority = &buf[auth_start..auth_end];
    let Some(at) = authority.iter().rposition(|&b| b == b'@') else {
        return;
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.iter().position(|&b| b == b':') else {
        return;
    };
    let user = &userinfo[..colon];
    let pass = &userinfo[colon + 1..];
    let host = &authority[at + 1..];
    let ps = auth_start + colon + 1;
    let pe = ps + pass.len();
    if pass.len() < 4
        || host.is_empty()
        || pass == user
        || pass
            .iter()
            .any(|b| matches!(b, b'[' | b']' | b'{' | b'}' | b'<' | b'>'))
        || noise::is_password_word(pass)
        || noise::is_placeholder(pass)
        || noise::is_reference(pass)
        || pass.iter().all(|&b| b == b'*' || b == b'x' || b == b'X')
        // A token with a provider prefix is that provider detector's to judge (which
        // may have rejected it on purpose: `ghp_x`).
        || sink.has_known_prefix(pass)
        // A host that cannot exist: not a URL but a test of URL parsing.
        || noise::is_malformed_host(host)
        || !sink.first_visit(det.id, ps)
        || sink.marked(ps, pe)
    {
        return;
    }
    let host_s = String::from_utf8_lossy(host).to_ascii_lowercase();
    let local = host_s.starts_with("localhost")
        || host_s.starts_with("127.")
        || host_s.starts_with("0.0.0.0")
        || host_s.starts_with("[::1]");
    let mut verdict = Verdict::medium().with("scheme", scheme.to_string());
    if local {
        verdict = verdict.with("local_host", true);
    }
    // Documentation and test hosts (`example.com`, `.test`): the password opens
    // nothing there, though one pasted into an example may be real elsewhere.
    if noise::is_reserved_host(host) {
        verdict = verdict.with("reserved_host", true);
    }
    let Ok(secret) = std::str::from_utf8(pass) else {
        return;
    };
    let name = assign::name_before(buf, s, ls).map(|n| n.text);
    let Verdict::Accept {
        confidence, props, ..
    } = verdict
    else {
        return;
    };
    sink.push(Candidate {
        det,
        kind: det.kind,
        start: ps,
        end: pe,
        extra: Vec::new(),
        span_start: ps,
        span_end: pe,
        secret: secret.to_string(),
        display: Some(format!("{scheme}://{}:", String::from_utf8_lossy(user))),
        name,
        confidence,
        props,
    });
}

fn url_credentials(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    url_password(sink, det, hit, false);
}

pub static URL_PASSWORD: Detector = Detector {
    id: "url-password",
    kind: "url-password",
    family: Family::Generic,
    title: "Password in a URL",
    keywords: &["://"],
    matcher: Matcher::Custom(url_credentials),
    default_confidence: Confidence::Medium,
    priority: 2,
    binary: false,
    positives: &[
        concat!(
            "mirror = 'http://deploy:mqkNyQsbfNbW",
            "PKzbzgAgYoHf@example.com'"
        ),
        concat!(
            "pip install --index-url https://ci:z9nOdXqSHiis",
            "J3BB5642LDgd@pypi.internal.acme-ml.io/simple torch"
        ),
    ],
    negatives: &[
        "See https://user:pass@example.com for the syntax.",
        concat!("url = \"https://aPvzNr", "6dQFet@sentry.io/42\""),
        "proxy = http://proxy:3128",
    ],
    ..BASE
};

/// Password hashes. An entry of a password file (`user:HASH` first on its line, as in
/// `/etc/shadow` or an `htpasswd`) opens an account once cracked: medium. A hash alone on
/// its line (a dumped hash list) or on a line that names a password (Jupyter's
/// `c.ServerApp.password = 'argon2:$argon2id$…'`) is low. A hash anywhere else in code or
/// text is most often a hashing library's test vector or a documentation sample, with the
/// plain text beside it, and is not reported.
fn password_hash(token: &str, site: &Site<'_>) -> Verdict {
    let scheme = token
        .trim_start_matches('$')
        .split('$')
        .next()
        .unwrap_or("")
        .to_string();
    let (ls, le) = text::line_bounds(site.buf, site.start);
    let before = &site.buf[ls..site.start];
    let after = &site.buf[site.end.min(le)..le];
    let entry = before
        .strip_suffix(b":")
        .map(<[u8]>::trim_ascii_start)
        .is_some_and(|user| {
            !user.is_empty()
                && user.len() <= 64
                && user
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'))
        });
    let alone = before.trim_ascii().is_empty() && after.trim_ascii().is_empty();
    // The name of the value, not a word further back on a long line.
    let low = text::lower(&before[before.len().saturating_sub(40)..]);
    let named = ["password", "passwd", "pwd", "passphrase"]
        .iter()
        .any(|w| memchr::memmem::find(&low, w.as_bytes()).is_some());
    let confidence = if entry {
        Confidence::Medium
    } else if alone || named {
        Confidence::Low
    } else {
        return Verdict::Reject;
    };
    Verdict::Accept {
        confidence,
        props: vec![
            ("hash_scheme", Value::from(scheme)),
            ("password_file_entry", Value::from(entry)),
        ],
        kind: None,
    }
}

/// Password hashes in the crypt formats (`$1$`, `$2b$`, `$5$`, `$6$`, Cisco `$8$`/`$9$`,
/// Argon2) and Kerberos AS-REP and TGS-REP hashes: what a shadow file, an `htpasswd`, a
/// router config or a roasting tool writes. Offline cracking turns them into the password,
/// so they are reported like a password, capped at medium.
pub static PASSWORD_HASH: Detector = Detector {
    id: "password-hash",
    kind: "password-hash",
    family: Family::Generic,
    title: "Password hash",
    keywords: &[
        "$1$",
        "$apr1$",
        "$2a$",
        "$2b$",
        "$2x$",
        "$2y$",
        "$5$",
        "$6$",
        "$8$",
        "$9$",
        "$argon2",
        "$krb5asrep$",
        "$krb5tgs$",
    ],
    pattern: concat!(
        r"\$(?:(?:1|apr1)\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}",
        r"|2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}",
        r"|[56]\$(?:rounds=[0-9]{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43}(?:[./A-Za-z0-9]{43})?",
        r"|[89]\$[./A-Za-z0-9]{14}\$[./A-Za-z0-9]{43}",
        r"|argon2(?:id|i|d)\$v=[0-9]{1,3}\$m=[0-9]{1,8},t=[0-9]{1,4},p=[0-9]{1,3}\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{16,128}",
        r"|krb5asrep\$(?:17|18|23)\$(?:[^$:\s]{1,128}:)?[0-9a-f]{24,32}\$[0-9a-f]{64,4096}",
        r"|krb5tgs\$(?:17|18|23)\$\*[^$*\s]{1,128}\*\$[0-9a-f]{24,32}\$[0-9a-f]{64,8192})"
    ),
    prefix: "$",
    boundary: Boundary::None,
    min_entropy: 3.2,
    check: Some(password_hash),
    default_confidence: Confidence::Medium,
    priority: 2,
    binary: false,
    reach: 9000,
    positives: &[
        concat!(
            "admin:$6$Zq3vW9xk$Hn7Lr2pT5mB8cF1dJ4s",
            "K6gY0aV3eX9uQ2iO7wE5tR8yU1pA4sD6fG9hJ2kL5zX8cV1bN4mQ7wE0rT3yU6iO9p:19000:0:99999:7:::"
        ),
        concat!(
            "user:$2b$12$KIXQJq4Lr9Zx2",
            "mT7vB8cOe5Hn3pW1sD6fG0aY4uR2iE9tQ7wL1kxz"
        ),
        concat!(
            "$krb5asrep$23$svc@CORP.LOCAL:",
            "3e156ada591263b8aab0965f5aebd837$",
            "007497cb51b6c8116d6407a782ea0e1c5402b17db7afa6b05a6d30ed164a9933c75e"
        ),
    ],
    negatives: &[
        "hash = \"$2b$12$<salt-and-hash>\"",
        "echo \"$1$2\"",
        concat!(
            "user:$6$saltsalt$",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        ),
    ],
    ..BASE
};

/// Every generic detector.
pub static ALL: &[&Detector] = &[&GENERIC_SECRET, &URL_PASSWORD, &PASSWORD_HASH];

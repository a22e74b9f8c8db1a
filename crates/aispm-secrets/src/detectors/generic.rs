//! Credentials without a provider format: a password or a high-entropy value assigned
//! to a credential name (`DB_PASSWORD=…`, `"client_secret": "…"`), and passwords in
//! URLs. Kept precise by reading the name (`token_count` and `private_key_id` are not
//! credentials) and the value (references, placeholders, digests, UUIDs, prose and
//! low-entropy words are not secrets).

use crate::detector::{BASE, Boundary, Confidence, Detector, Family, Matcher};
use crate::structured;

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
    matcher: Matcher::Custom(structured::generic_assignment),
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

pub static URL_PASSWORD: Detector = Detector {
    id: "url-password",
    kind: "url-password",
    family: Family::Generic,
    title: "Password in a URL",
    keywords: &["://"],
    matcher: Matcher::Custom(structured::url_credentials),
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
    verify: Some(crate::verify::password_hash),
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

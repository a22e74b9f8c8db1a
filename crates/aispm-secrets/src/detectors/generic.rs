//! Credentials without a provider format: a password or a high-entropy value assigned
//! to a credential name (`DB_PASSWORD=…`, `"client_secret": "…"`), and passwords in
//! URLs. Kept precise by reading the name (`token_count` and `private_key_id` are not
//! credentials) and the value (references, placeholders, digests, UUIDs, prose and
//! low-entropy words are not secrets).

use crate::detector::{BASE, Confidence, Detector, Family, Matcher};
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
        concat!("spring.datasource.password=TrjfRcF", "z4u2e#2"),
        concat!(
            "const signingSecret = \"QKnK6SeR6F4G",
            "uY0bq8deOfOG",
            "ncai3aO3PXtN",
            "hYF6\";"
        ),
        concat!("<password>T5yDiNGbAvBv", "jb!</password>"),
    ],
    negatives: &[
        "spring.datasource.password=${DB_PASSWORD}",
        concat!(
            "REQUEST_ID_SALT=7eb9340051e4",
            "67ab4a36ee09",
            "87b3544242b3",
            "0e58d656ec4f",
            "3378c19cd584",
            "0f1a"
        ),
        concat!(
            "MODEL_SHA256 = \"ec544ad77bf3",
            "9768915e2ed4",
            "a22437740af0",
            "dc481ee214e6",
            "9886dd9078d3",
            "fe0a\""
        ),
        concat!(
            "hex_secret = '0887bee1afbf",
            "a45289e0082c",
            "358452358902",
            "ff31'"
        ),
        concat!(
            "base64_secret = 'dGhlIHF1aWNr",
            "IGJyb3duIGZv",
            "eCBqdW1wcyBv",
            "dmVyIHRoZSBs",
            "YXp5IGRvZyBh",
            "Z2Fpbg=='"
        ),
        "password = 12345678901234",
        "password = \"changeme\"",
        "some_value_here: not_secret",
        "token := os.Getenv(\"COHERE_API_KEY\")",
        "fallback_client = anthropic.Anthropic(api_key=os.environ[\"ANTHROPIC_API_KEY\"])",
        "max_tokens = 4096",
        concat!(
            "\"private_key_id\": \"77e7e8c92637",
            "e64b6ba0865e",
            "f5aa370e2e30",
            "bdb0\","
        ),
        "tokenizer.pad_token = tokenizer.eos_token",
        "password = get_password()",
        concat!("secret_name = \"prod/dOVWQo", "byOdHn/credentials\""),
        concat!(
            "uuid_should_be_ignored: '49effade-292",
            "5-fd81-b34b-",
            "f7e8df33809c'"
        ),
        concat!(
            "low_entropy_binary_secret: !!binary dGhlIHF1aWNr",
            "IGJyb3duIGZv",
            "eCBqdW1wcyBv",
            "dmVyIHRoZSBs",
            "YXp5IGRvZyBh",
            "Z2Fpbg=="
        ),
        concat!(
            "test_agent::allowlisted_api_key: 'a9xRtpTX9he0",
            "Mvicyrv7G0xD",
            "ZqzAFtmC'  # pragma: allowlist secret"
        ),
        concat!(
            "API_KEY = \"ftN4WOKz8bwE",
            "P9CKWaQ5hUsg",
            "FReOgaDs\"  # fake key for unit tests"
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
            "basic_auth = 'http://username:whywouldyouusemqkN",
            "yQsbforpasswords@example.com'"
        ),
        concat!(
            "pip install --index-url https://ci:fN7bWPKz01bz",
            "gAg7YoH3fz9n@pypi.internal.acme-ml.io/simple torch"
        ),
    ],
    negatives: &[
        "See https://user:pass@example.com for the syntax.",
        concat!("url = \"https://GJnWW6", "RRo2HC@sentry.io/42\""),
        "proxy = http://proxy:3128",
    ],
    ..BASE
};

/// Every generic detector.
pub static ALL: &[&Detector] = &[&GENERIC_SECRET, &URL_PASSWORD];

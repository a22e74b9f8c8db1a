//! Precision on the shapes of real repositories: for every class of false positive seen
//! on public AI code (lookup keys and labels read as credentials, code read as values,
//! neighbouring call arguments, fakes and placeholders, base64 of plain words, keys
//! that are public by design, keyword context taken from a whole long line, repeated
//! values, weak evidence in test files), a negative shaped like it and a positive the
//! same code must keep. Every value is written here for the purpose; secrets are split
//! with `concat!` so that this file holds no whole one.

use aispm_core::{AnalysisContext, Analyzer, FileInput, FileKind, RawFinding, Severity, Source};
use aispm_secrets::text::base64_encode;
use aispm_secrets::{SecretsAnalyzer, scan_bytes};
use std::path::Path;

fn findings(path: &str, data: &str) -> Vec<RawFinding> {
    let data = data.as_bytes();
    let head = &data[..data.len().min(8192)];
    let input = FileInput::new(
        path,
        Path::new(path),
        FileKind::Text,
        data.len() as u64,
        head,
        Source::Bytes(data),
    );
    let mut cx = AnalysisContext::new(None, 0);
    SecretsAnalyzer::new().analyze(&input, &mut cx).unwrap();
    cx.findings
}

fn prop<'a>(f: &'a RawFinding, k: &str) -> Option<&'a str> {
    f.properties.get(k).and_then(|v| v.as_str())
}

/// Asserts that no detector reports anything in any of `cases` (`(path, text)`).
fn none(cases: &[(&str, String)]) {
    let mut problems = Vec::new();
    for (path, text) in cases {
        for d in scan_bytes(path, text.as_bytes()) {
            problems.push(format!(
                "{path}: {} reported {} in {:?}",
                d.detector.id,
                d.redacted,
                text.chars().take(60).collect::<String>()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Asserts that `detector` reports exactly one secret in each of `cases`.
fn one(detector: &str, cases: &[(&str, String)]) {
    let mut problems = Vec::new();
    for (path, text) in cases {
        let found: Vec<_> = scan_bytes(path, text.as_bytes())
            .into_iter()
            .map(|d| d.detector.id)
            .collect();
        if found != [detector] {
            problems.push(format!(
                "{path}: expected one {detector}, found {found:?} in {:?}",
                text.chars().take(60).collect::<String>()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn case(path: &str, text: impl Into<String>) -> (&str, String) {
    (path, text.into())
}

/// A random-looking value of 22 characters, in two halves.
const TOKEN: (&str, &str) = ("Zr8Kq2Lm9Xv4", "Tb7Wn3PdQ1");
fn token() -> String {
    format!("{}{}", TOKEN.0, TOKEN.1)
}

#[test]
fn lookup_keys_labels_and_object_keys_are_not_credentials() {
    none(&[
        case(
            "client_test.py",
            "objs = [{'Key': 'models/base-model/v2/weights.bin'}]",
        ),
        case(
            "canary.py",
            "shots = [{'Key': 'run7/step1-loaded-screenshot.png'}]",
        ),
        case(
            "listing.json",
            r#"  "assets": [{"assetKey": "export-out/j7/bundle.zip"}],"#,
        ),
        case(
            "stack.json",
            r#"    "ParameterKey": "WorkerGroupSettings3","#,
        ),
        case(
            "nodepool.yaml",
            "          - key: topology.example.io/zone-family\n            operator: In\n",
        ),
        case("alb.json", r#"        "Key": "access_logs.s3.enabled","#),
        case(
            "usage.md",
            r#"  "key": "1000X_2504_cohort/related_698/HG0041.final.cram.crai","#,
        ),
        case("ids.py", "        key = f\"cache_top_level:{lookup[1]}\""),
    ]);
    // Credential names keep their values, a bare `key` too when its value is a token.
    one(
        "generic-secret",
        &[
            case("settings.py", format!("api_key = \"{}\"", token())),
            case("config.yaml", format!("key: {}", token())),
            case(
                "deploy.json",
                format!(r#"  "client_secret": "{}","#, token()),
            ),
        ],
    );
}

#[test]
fn values_that_are_code_are_not_secrets() {
    none(&[
        // Source text quoted inside data files (a retrieval corpus, a chat log).
        case(
            "chunks.json",
            r#"{"content": "void f() {\n    String password = SaltMaker.generate(16);\n}"}"#,
        ),
        case(
            "chunks.jsonl",
            r#"{"content": "let mut res: *mut libc::passwd = ptr::null_mut();\n"}"#,
        ),
        case(
            "rules.guard",
            "let s3_no_plaintext_password = Resources.*[ Type == 'AWS::S3::Bucket' ]",
        ),
        case(
            "seed.sql",
            "insert into users values ('u1', 'a@b.c', crypt('password', gen_salt('bf')));",
        ),
        case("app.env", "DB_PASSWORD=make_password(account_seed)"),
    ]);
    one(
        "generic-secret",
        &[
            case(
                "chunks.json",
                format!(r#"{{"content": "String password = \"{}\";"}}"#, token()),
            ),
            case("app.env", format!("DB_PASSWORD={}", token())),
        ],
    );
}

#[test]
fn neighbouring_call_arguments_are_not_name_and_value() {
    none(&[
        case(
            "e2e_run.py",
            "log_step('create_cluster', 'PASS', f'endpoint={endpoint}')",
        ),
        case(
            "e2e_run.py",
            format!("report('run', 'TOKEN', '{}')", token()),
        ),
    ]);
    one(
        "generic-secret",
        &[case(
            "setup.py",
            format!("os.environ.setdefault(\"API_TOKEN\", \"{}\")", token()),
        )],
    );
}

#[test]
fn placeholders_fakes_and_shortened_values_are_not_secrets() {
    none(&[
        case(
            "remote.py",
            "sas_token=\"sp=r&st=2026-03-28T14:53:44Z&sv=2024-11-04&sr=c&sig=abc123\",",
        ),
        case("remote.py", "sas_token=\"sv=2024-11-04&sr=c&sig=abc\","),
        case(
            "prompts.txt",
            "| stack failed (RequestToken: 123abc-456def-789ghi, |",
        ),
        case("auth.py", "token = 'header.not_valid_base64.signature'"),
        case("LOG.md", format!("alice token: acme_pat_{}...", TOKEN.0)),
        case("LOG.md", format!("bob token: `acme_pat_{}…`", TOKEN.0)),
        case(
            "wiki.py",
            "leaked = \"fatal: 'https://x-access-token:ghp_x@github.com/o/r.git/'\"",
        ),
        case(
            "mounts.py",
            format!("\"https://user:{}@[invalid\",", token()),
        ),
        case(
            "real-host.md",
            "サーバーを起動します。`tool run -v API_KEY=abc123`（または `-f .env`）とすると、記録されます。",
        ),
    ]);
    one(
        "generic-secret",
        &[case(
            "remote.py",
            format!(
                "sas_token=\"sv=2024-11-04&sr=c&sig={}{}%2B{}%3D\"",
                TOKEN.0, TOKEN.1, TOKEN.0
            ),
        )],
    );
    one(
        "url-password",
        &[case(
            "mcp.py",
            format!("url = \"https://bob:{}@mcp.acme-ml.io/mcp\"", token()),
        )],
    );
    // A password for a documentation host: the input of a test, a low finding
    // elsewhere (the password pasted into an example may be real).
    for host in [
        "mcp.example.test:8443",
        "server.example.com",
        "docs.example",
    ] {
        let line = format!("url = \"https://bob:{}@{host}/mcp\"\n", token());
        assert!(findings("tests/test_mcp.py", &line).is_empty(), "{host}");
        let f = findings("client/mcp.py", &line);
        assert_eq!(f.len(), 1, "{host}");
        assert_eq!(f[0].severity, Severity::Low, "{host}");
    }
}

#[test]
fn base64_of_plain_words_is_not_a_secret() {
    let words = base64_encode(b"fixture-key-for-local-runs-bytes32");
    let login = base64_encode(b"AWS:mockedpassword");
    none(&[
        case("crypto_check.py", format!("TEST_KEY = \"{words}\"")),
        case(
            "docker_check.py",
            format!(r#"    "authorizationData": [{{"authorizationToken": "{login}"}}]"#),
        ),
    ]);
    let real = base64_encode(format!("AWS:{}{}", token(), TOKEN.1).as_bytes());
    one(
        "generic-secret",
        &[case(
            "docker_check.py",
            format!(r#"    "authorizationData": [{{"authorizationToken": "{real}"}}]"#),
        )],
    );
}

fn jwt(payload: &str) -> String {
    let head = base64_encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let body = base64_encode(payload.as_bytes());
    let strip = |s: String| s.trim_end_matches('=').replace('+', "-").replace('/', "_");
    format!("{}.{}.{}{}xQ", strip(head), strip(body), TOKEN.1, TOKEN.0)
}

#[test]
fn public_keys_and_published_demo_tokens_are_not_live_secrets() {
    none(&[
        case(
            "cassette.yaml",
            format!(
                r#"body: '{{"event": "x", "api_key": "phc_{}{}{}"}}'"#,
                TOKEN.0, TOKEN.1, TOKEN.0
            ),
        ),
        case(
            "cassette.yaml",
            concat!(
                "body: grant_type=refresh_token&client_id=764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur",
                ".apps.googleusercontent.com&client_secret=d-Qz81Lk2",
                "mP9xRw4TbV7Ny"
            ),
        ),
    ]);
    // A demo issuer: informational, with the reason, and no admin-scope finding.
    let demo = jwt(r#"{"iss":"acme-demo","role":"service_role","exp":1983812996}"#);
    let f = findings("setup.sql", &format!("service_role_key TEXT := '{demo}';"));
    let rules: Vec<_> = f.iter().map(|f| f.rule.id).collect();
    assert_eq!(rules, ["SEC008"]);
    assert_eq!(f[0].severity, Severity::Info);
    assert!(f[0].properties.contains_key("public_demo"));
    // The same token from a real issuer is a live admin credential.
    let live = jwt(r#"{"iss":"acme-prod","role":"service_role","exp":1983812996}"#);
    let f = findings("setup.sql", &format!("service_role_key TEXT := '{live}';"));
    let rules: Vec<_> = f.iter().map(|f| f.rule.id).collect();
    assert_eq!(rules, ["SEC008", "SEC103"]);
    assert_eq!(f[0].severity, Severity::Medium);
    // A client secret of any other OAuth client stays a secret.
    one(
        "generic-secret",
        &[case(
            "flow.yaml",
            format!(
                "body: client_id=1234-abc.apps.googleusercontent.com&client_secret={}&x=1",
                token()
            ),
        )],
    );
}

#[test]
fn expired_tokens_are_informational() {
    let old = jwt(r#"{"sub":"u-17","exp":1500000000,"iat":1499990000}"#);
    let f = findings("session.yaml", &format!("jwt: {old}"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Info);
    assert_eq!(prop(&f[0], "expired"), Some("2017-07-14"));
    assert!(f[0].message.contains("expired on 2017-07-14"));
    let fresh = jwt(r#"{"sub":"u-17","exp":4100000000,"iat":1499990000}"#);
    let f = findings("session.yaml", &format!("jwt: {fresh}"));
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(prop(&f[0], "confidence"), Some("high"));
}

#[test]
fn provider_keywords_count_only_close_to_the_value() {
    let hex = concat!(
        "6f3a41813350c6b208cfc5728b94",
        "13f7967c140adcf4332d61a1a16ae8df9fbc"
    );
    let prose = "The merge function takes two values and merges them together, favouring \
                 the replacement; the key order of the base is kept as it was before.";
    none(&[
        case(
            "evaluation.jsonl",
            format!(
                r#"{{"answer": "{prose}", "golden_doc_uuids": ["{hex}"], "doc_uuid": "{hex}"}}"#
            ),
        ),
        // A provider word a few lines above an unnamed value (a notebook's cell id).
        case(
            "notes.txt",
            format!("pip install together-client\nmarkdown\n{hex}\n## Setup API key\n"),
        ),
    ]);
    one(
        "together-legacy-api-key",
        &[case(
            "client.py",
            format!("client = Together(\n    api_key=\"{hex}\",\n)"),
        )],
    );
}

#[test]
fn one_finding_per_secret_per_line() {
    let t = token();
    let line = format!(
        r#"{{"a": "password = \"{t}\"", "b": "password = \"{t}\"", "c": "secret_key = '{t}'"}}"#
    );
    let found = scan_bytes("records.jsonl", line.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    // The same value on two lines is two locations.
    let two = format!("DB_PASSWORD={t}\nDB_PASSWORD={t}\n");
    assert_eq!(scan_bytes("app.env", two.as_bytes()).len(), 2);
}

#[test]
fn severity_follows_evidence() {
    let line = format!("DB_PASSWORD = \"{}\"\n", token());
    let app = findings("app/settings.py", &line);
    assert_eq!(app[0].severity, Severity::Medium);
    assert_eq!(prop(&app[0], "confidence"), Some("medium"));
    assert_eq!(prop(&app[0], "path_context"), None);
    for path in [
        "tests/unit/test_db.py",
        "pkg/test_settings.py",
        "tests/cassettes/flow.yaml",
        "docs/examples/setup.py",
    ] {
        let f = findings(path, &line);
        assert_eq!(f[0].severity, Severity::Low, "{path}");
        assert_eq!(prop(&f[0], "confidence"), Some("low"), "{path}");
        assert!(prop(&f[0], "path_context").is_some(), "{path}");
    }
    // A generic value in an agent configuration: the access finding is not above medium.
    let mcp = format!(
        r#"{{"mcpServers": {{"db": {{"env": {{"DB_PASSWORD": "{}"}}}}}}}}"#,
        token()
    );
    let f = findings("mcp.json", &mcp);
    assert_eq!(f.len(), 2);
    assert!(f.iter().all(|f| f.severity <= Severity::Medium));
    // A token whose structure its check accepted keeps its severity in a test file.
    let gh = aispm_secrets::detectors::code::GITHUB_CLASSIC.positives[0];
    let f = findings("tests/test_release.py", gh);
    assert_eq!(f[0].severity, f[0].rule.severity);
    assert_eq!(prop(&f[0], "confidence"), Some("high"));
}

#[test]
fn named_keys_with_owner_words_and_word_name_value_lines() {
    // A UUID or hex value under a key or token named after its owner is an issued key;
    // under a name that says what it is for in the program, it is a handle.
    one(
        "generic-secret",
        &[
            case(
                "a.env",
                concat!("diffbot_token=9f2c4e1a7b3d", "58e6a0c9f1d2b4e7a835"),
            ),
            case(
                "a.env",
                concat!("checklyhqTOKEN=5d1e9a3c7f2b", "48e6c0a9d1f3b5e7a24c"),
            ),
            case(
                "b.py",
                concat!("box_key = \"4Fa83E1Dc6b9", "2CAeE780C9b47dd9bE34\""),
            ),
            // One word before a credential name on its line: a Dockerfile's ENV, a note.
            case(
                "Dockerfile",
                concat!("ENV API_KEY Zk4Lp9Xq2Wv7", "Rn3Tb8Ys1Hc6"),
            ),
            case(
                "notes.txt",
                concat!("acme SECRET Tq9Xv2Lk7Wp3", "Zn8Rb4Yc1Hs6Md5F"),
            ),
        ],
    );
    none(&[
        case(
            "a.py",
            concat!(
                "session_token = \"067d6825-2275-",
                "4a46-8cb4-11ed9e8c3c0e\""
            ),
        ),
        case(
            "a.py",
            concat!(
                "upload_key = \"3cc2bf0af824d586db06",
                "2726daa5f62840e7a4f7\""
            ),
        ),
        case(
            "a.py",
            concat!("requestToken = \"5be06a2f9c81d47e", "3a90b6c2f1d8e457\""),
        ),
        // A sentence is not a `WORD NAME VALUE` line.
        case(
            "README.md",
            concat!(
                "Set the token Tq9Xv2Lk7Wp3",
                "Zn8Rb4Yc1Hs6Md5F before you run"
            ),
        ),
        case("a.sh", "export TOKEN $ACME_TOKEN"),
    ]);
}

#[test]
fn password_hashes_are_medium_only_in_password_files() {
    let shadow = concat!(
        "deploy:$6$Zq3vW9xk$Hn7Lr2pT5mB8cF1dJ4sK6gY0aV3eX9uQ2iO7wE5t",
        "R8yU1pA4sD6fG9hJ2kL5zX8cV1bN4mQ7wE0rT3yU6iO9p:19000:0:99999:7:::\n"
    );
    let f = findings("etc/shadow", shadow);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Medium);
    // A hashing library's test vector, the plain text beside it.
    let vector = concat!(
        "String hash = \"$argon2id$v=19$m=16384,t=2,p=1$nQ7kLm2Xp9Zw4Rv8Ty6Ub",
        "A$Hq3Nc8Vd2Lr7Ks1Pm5Xz9Wb4Tf6Yg0Ja2Ue8Ri3Oq\";\nString plain = \"Test123!\";\n"
    );
    assert!(findings("src/HashTest.java", vector).is_empty());
    // A notebook server's password, stored as its hash.
    let jupyter = concat!(
        "c.ServerApp.password = 'argon2:$argon2id$v=19$m=10240,t=10,p=8$Lq5Xv9Zk2Wp7Rn3T",
        "b8Ys1A$Hc6Md4Fq2Jn8Vt5Lw3Xp9Zr7Ks1Pb4Yd6Ug0Ta2Oe8'\n"
    );
    let f = findings("jupyter_server_config.py", jupyter);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Low);
}

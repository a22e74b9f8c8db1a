//! The analyzer on whole files: streaming in steps (secrets on step boundaries are
//! found once, on the right line), notebooks, binaries, minified blobs, base64-encoded
//! values, access findings, and fingerprint keys that do not depend on the line.

use aispm_core::{AnalysisContext, Analyzer, FileInput, FileKind, RawFinding, Source};
use aispm_secrets::detectors::{ai, cloud, code, keys, platform};
use aispm_secrets::{SecretsAnalyzer, scan_bytes};
use std::path::Path;

fn analyze_with(a: &SecretsAnalyzer, path: &str, kind: FileKind, data: &[u8]) -> Vec<RawFinding> {
    let head = &data[..data.len().min(8192)];
    let input = FileInput::new(
        path,
        Path::new(path),
        kind,
        data.len() as u64,
        head,
        Source::Bytes(data),
    );
    let mut cx = AnalysisContext::new(None, 0);
    a.analyze(&input, &mut cx).unwrap();
    assert!(cx.errors.is_empty(), "{:?}", cx.errors);
    cx.findings
}

fn analyze(path: &str, kind: FileKind, data: &[u8]) -> Vec<RawFinding> {
    analyze_with(&SecretsAnalyzer::new(), path, kind, data)
}

fn prop<'a>(f: &'a RawFinding, k: &str) -> Option<&'a str> {
    f.properties.get(k).and_then(|v| v.as_str())
}

/// The value line of a sample (`KEY=value`), for building files around it.
fn sample(det: &aispm_secrets::Detector) -> &'static str {
    det.positives[0]
}

#[test]
fn streaming_steps_find_each_secret_once_on_its_line() {
    let secrets = [
        sample(&ai::GROQ),
        sample(&platform::HUGGINGFACE),
        sample(&code::GITLAB),
        sample(&ai::ANTHROPIC),
        sample(&ai::OPENAI_PROJECT),
    ];
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut line = 1u32;
    for i in 0..600 {
        if i % 97 == 50 {
            let s = secrets[(i / 97) % secrets.len()];
            text.push_str(s);
            text.push('\n');
            expected.push(line);
            line += 1;
        }
        text.push_str(&format!(
            "    let value_{i} = compute(previous, {i}); // filler line\n"
        ));
        line += 1;
    }
    let data = text.as_bytes();
    let whole = analyze("src/app.env", FileKind::Text, data);
    let mut whole_lines: Vec<u32> = whole.iter().filter_map(|f| f.line).collect();
    whole_lines.sort();
    assert_eq!(whole_lines, expected);
    // Steps of 1 KiB with 256-byte overlaps put several secrets across boundaries.
    for (chunk, overlap) in [(1024, 256), (777, 300), (4096, 512)] {
        let stepped = analyze_with(
            &SecretsAnalyzer::with_steps(chunk, overlap),
            "src/app.env",
            FileKind::Text,
            data,
        );
        let mut lines: Vec<u32> = stepped.iter().filter_map(|f| f.line).collect();
        lines.sort();
        assert_eq!(lines, expected, "steps {chunk}/{overlap}");
        let keys: Vec<_> = stepped.iter().map(|f| f.fingerprint_key.clone()).collect();
        let whole_keys: Vec<_> = whole.iter().map(|f| f.fingerprint_key.clone()).collect();
        assert_eq!(keys, whole_keys);
    }
}

#[test]
fn fingerprint_key_follows_the_secret_not_the_line() {
    let s = sample(&ai::GROQ);
    let a = analyze(".env", FileKind::Text, format!("{s}\n").as_bytes());
    let b = analyze(
        ".env",
        FileKind::Text,
        format!("# moved\n\n{s}\n").as_bytes(),
    );
    assert_eq!(a[0].line, Some(1));
    assert_eq!(b[0].line, Some(3));
    assert_eq!(a[0].fingerprint_key, b[0].fingerprint_key);
    let key = a[0].fingerprint_key.as_deref().unwrap();
    assert!(key.starts_with("groq:") && key.len() == "groq:".len() + 16);
}

#[test]
fn notebook_lines_point_into_the_ipynb_file() {
    let src = sample(&ai::OPENAI_PROJECT);
    let key = &src[src.find('=').unwrap() + 1..];
    let hf = sample(&platform::HUGGINGFACE);
    let hf = &hf[hf.find('=').unwrap() + 1..];
    let nb = format!(
        "{{\n \"cells\": [\n  {{\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"import os\\n\",\n    \"os.environ[\\\"OPENAI_API_KEY\\\"] = \\\"{key}\\\"\\n\"\n   ],\n   \"outputs\": [\n    {{\"output_type\": \"stream\", \"text\": [\"token: {hf}\\n\"]}}\n   ]\n  }}\n ],\n \"nbformat\": 4\n}}\n"
    );
    let found = analyze("nb/eval.ipynb", FileKind::Notebook, nb.as_bytes());
    let openai = found
        .iter()
        .find(|f| prop(f, "secret_kind") == Some("openai"))
        .unwrap();
    assert_eq!(openai.line, Some(7));
    assert_eq!(prop(openai, "location"), Some("source"));
    assert_eq!(openai.properties["cell"], 0);
    let hf = found
        .iter()
        .find(|f| prop(f, "secret_kind") == Some("huggingface"))
        .unwrap();
    assert_eq!(hf.line, Some(10));
    assert_eq!(prop(hf, "location"), Some("output"));
    // A broken notebook is scanned as text, still with the right line.
    let broken = &nb[..nb.len() - 5];
    let found = analyze("nb/eval.ipynb", FileKind::Notebook, broken.as_bytes());
    assert!(found.iter().any(|f| f.line == Some(7)));
}

#[test]
fn binaries_and_minified_blobs() {
    let s = sample(&code::GITHUB_CLASSIC);
    let token = &s[s.find('=').unwrap() + 1..];
    let mut bin = vec![0u8, 1, 2, 3, 0xff, 0xfe];
    bin.extend_from_slice(&[0u8; 5000]);
    bin.extend_from_slice(token.as_bytes());
    bin.extend_from_slice(&[0u8; 100]);
    let found = analyze("bin/tool", FileKind::Binary, &bin);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, None);
    assert_eq!(found[0].properties["offset"], 5006);
    // A 4 MB single line of minified code with credential-like words everywhere.
    let mut blob = String::with_capacity(4 << 20);
    while blob.len() < (4 << 20) {
        blob.push_str("var a={key:b,token:c,password:d.secret,auth:e};function f(k){return k.key}");
    }
    blob.push_str(&format!(";var t=\"{token}\";"));
    let found = analyze("dist/app.min.js", FileKind::Text, blob.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, Some(1));
}

#[test]
fn base64_encoded_values_are_decoded_once() {
    let s = sample(&ai::GROQ);
    let token = &s[s.find('=').unwrap() + 1..];
    let enc = aispm_secrets::text::base64_encode(token.as_bytes());
    let manifest = format!("apiVersion: v1\nkind: Secret\ndata:\n  GROQ_API_KEY: {enc}\n");
    let found = analyze("k8s/secret.yaml", FileKind::Yaml, manifest.as_bytes());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, Some(4));
    assert_eq!(prop(&found[0], "encoding"), Some("base64"));
    assert_eq!(prop(&found[0], "secret_kind"), Some("groq"));
}

#[test]
fn access_findings() {
    let s = sample(&ai::OPENAI_PROJECT);
    let key = &s[s.find('=').unwrap() + 1..];
    let mcp = format!(
        "{{\"mcpServers\": {{\"tools\": {{\"command\": \"npx\", \"env\": {{\"OPENAI_API_KEY\": \"{key}\"}}}}}}}}\n"
    );
    for path in [
        ".mcp.json",
        "proj/.cursor/mcp.json",
        "claude_desktop_config.json",
        "tools/servers.json",
    ] {
        let found = analyze(path, FileKind::Json, mcp.as_bytes());
        let rules: Vec<&str> = found.iter().map(|f| f.rule.id).collect();
        assert_eq!(rules, ["SEC001", "SEC101"], "{path}");
        assert_eq!(found[1].properties["ai_credential"], true);
    }
    assert!(
        analyze(
            "config/app.json",
            FileKind::Json,
            format!("{{\"k\": \"{key}\"}}").as_bytes()
        )
        .iter()
        .all(|f| f.rule.id == "SEC001")
    );

    let aws = analyze(
        "deploy/compose.yml",
        FileKind::Yaml,
        cloud::AWS_ACCESS_KEY.positives[0].as_bytes(),
    );
    let rules: Vec<&str> = aws.iter().map(|f| f.rule.id).collect();
    assert_eq!(rules, ["SEC003", "SEC102"]);
    assert_eq!(aws[0].line, Some(1));
    assert_eq!(aws[0].end_line, Some(2));
    assert_eq!(prop(&aws[0], "aws_key_type"), Some("long-lived"));
    // A temporary (ASIA) key is not long-lived.
    let sts = analyze(
        "aws/credentials",
        FileKind::Text,
        cloud::AWS_ACCESS_KEY.positives[1].as_bytes(),
    );
    assert_eq!(
        sts.iter().map(|f| f.rule.id).collect::<Vec<_>>(),
        ["SEC003"]
    );

    let admin = analyze(
        ".env",
        FileKind::Text,
        ai::OPENAI_ADMIN.positives[0].as_bytes(),
    );
    assert_eq!(
        admin.iter().map(|f| f.rule.id).collect::<Vec<_>>(),
        ["SEC001", "SEC103"]
    );
    let sr = analyze(".env", FileKind::Text, keys::JWT.positives[1].as_bytes());
    assert_eq!(
        sr.iter().map(|f| f.rule.id).collect::<Vec<_>>(),
        ["SEC008", "SEC103"]
    );
}

#[test]
fn nothing_in_a_finding_holds_the_secret() {
    for det in aispm_secrets::detectors::all() {
        for p in det.positives {
            let secrets: Vec<String> = scan_bytes("x.env", p.as_bytes())
                .iter()
                .map(|d| d.secret().to_string())
                .collect();
            for f in analyze("x.env", FileKind::Text, p.as_bytes()) {
                let text = format!(
                    "{} {:?} {:?} {}",
                    f.message,
                    f.evidence,
                    f.fingerprint_key,
                    serde_json::to_string(&f.properties).unwrap()
                );
                for s in &secrets {
                    assert!(!text.contains(s.as_str()), "{}: secret in finding", det.id);
                }
            }
        }
    }
}

/// Random bytes mixed with keywords, partial keys, quotes and newlines never make the
/// scanner panic (every slice is bounds-checked against hostile input).
#[test]
fn hostile_input_does_not_panic() {
    let pieces: Vec<&[u8]> = vec![
        b"password",
        b"=",
        b"\"",
        b"'",
        b":",
        b"\n",
        b"\\n",
        b"-----BEGIN ",
        b"PRIVATE KEY-----",
        b"-----END ",
        b"AKIA",
        b"T3BlbkFJ",
        b"sk-proj-",
        b"://",
        b"@",
        b"{\"type\": \"service_account\"",
        b"\"private_key\"",
        b"PuTTY-User-Key-File-2: x\nPrivate-Lines: 3\n",
        b"eyJ",
        b".",
        b"ghp_",
        b"\"auths\"",
        b"\"auth\"",
        b"_authToken=",
        b"hooks.slack.com/",
        b"%",
        b"\\",
        b"<",
        b">",
        b"\0",
        b"key",
        b"token",
        b"\xff\xfe",
        b"\"cells\": [",
        b"nbformat",
        b"JQQJ9",
        b"snowflake",
        b"azure_openai",
        b"cohere",
        b" ",
        b"\t",
        b"]",
        b"[",
        b"(",
        b")",
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..400 {
        let mut buf = Vec::new();
        let len = (next() % 300) as usize;
        for _ in 0..len {
            if next() % 3 == 0 {
                buf.push((next() % 256) as u8);
            } else {
                buf.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
            }
        }
        for path in ["x.py", "x.env", "x.ipynb", "x.md"] {
            let _ = scan_bytes(path, &buf);
        }
        if round % 50 == 0 {
            let _ = analyze("x.yaml", FileKind::Yaml, &buf);
            let _ = analyze_with(
                &SecretsAnalyzer::with_steps(64, 16),
                "x.txt",
                FileKind::Text,
                &buf,
            );
        }
    }
}

#[test]
fn a_google_key_is_named_and_rated_by_what_is_around_it() {
    use aispm_core::Severity;
    let rate = |path: &str, text: &str| -> Vec<(&'static str, Severity, String)> {
        analyze(path, FileKind::Text, text.as_bytes())
            .iter()
            .map(|f| {
                let det = prop(f, "detector").unwrap_or_default().to_string();
                (f.rule.id, f.severity, det)
            })
            .collect()
    };
    // Beside Gemini: an AI provider key.
    let gemini = rate("src/llm.ts", sample(&ai::GEMINI_API_KEY));
    assert_eq!(
        gemini,
        [("SEC001", Severity::High, "gemini-api-key".into())]
    );
    // A Firebase web configuration: a public identifier, low.
    let firebase = rate("web/config.js", cloud::GOOGLE_API_KEY.positives[1]);
    assert_eq!(
        firebase,
        [("SEC003", Severity::Low, "google-api-key".into())]
    );
    // Any other Google API key: high at most, never critical.
    let maps = rate("deploy/.env", sample(&cloud::GOOGLE_API_KEY));
    assert_eq!(maps, [("SEC003", Severity::High, "google-api-key".into())]);
    // A refresh token recorded URL-encoded in an HTTP cassette: high, not generic.
    let refresh = rate(
        "tests/cassettes/auth.yaml",
        cloud::GOOGLE_OAUTH_REFRESH.positives[1],
    );
    assert!(
        refresh.contains(&(
            "SEC003",
            Severity::High,
            "google-oauth-refresh-token".into()
        )),
        "{refresh:?}"
    );
}

//! Every detector's own samples: each positive is found by that detector, no negative
//! is. Shared hard negatives (placeholders, references, digests, identifiers) are found
//! by no detector at all, and this crate's own sources hold no whole secret.

use aispm_secrets::{detectors, redact, scan_bytes};
use std::path::Path;

/// Samples are scanned as a configuration file (bare values count as literals).
const SAMPLE_PATH: &str = "sample.env";

fn show(s: &str) -> String {
    // Samples hold fake secrets; print them redacted like any output.
    let first = s.lines().next().unwrap_or_default();
    let cut: String = first.chars().take(24).collect();
    format!("{cut}… ({} bytes)", s.len())
}

#[test]
fn every_detector_finds_its_positives_and_spares_its_negatives() {
    let all = detectors::all();
    assert!(all.len() >= 60, "only {} detectors", all.len());
    let mut problems = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for d in &all {
        if !ids.insert(d.id) {
            problems.push(format!("{}: duplicate detector id", d.id));
        }
        if d.positives.is_empty() || d.negatives.is_empty() {
            problems.push(format!("{}: needs positive and negative samples", d.id));
        }
        for p in d.positives {
            let found = scan_bytes(SAMPLE_PATH, p.as_bytes());
            if !found.iter().any(|x| x.detector.id == d.id) {
                let others: Vec<&str> = found.iter().map(|x| x.detector.id).collect();
                problems.push(format!(
                    "{}: positive not found: {} (found: {others:?})",
                    d.id,
                    show(p)
                ));
            }
            for x in &found {
                if x.redacted.contains(x.secret()) || x.secret().len() < 8 {
                    problems.push(format!("{}: bad redaction or secret", d.id));
                }
            }
        }
        for n in d.negatives {
            if scan_bytes(SAMPLE_PATH, n.as_bytes())
                .iter()
                .any(|x| x.detector.id == d.id)
            {
                problems.push(format!("{}: negative reported: {}", d.id, show(n)));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Hard negatives no detector may report, whatever the file.
const NOISE: &[&str] = &[
    "OPENAI_API_KEY=${OPENAI_API_KEY}",
    "PROD_OPENAI_API_KEY=${OPENAI_API_KEY_PROD}",
    "HF_TOKEN: ${{ secrets.HF_TOKEN }}",
    "  api_key: \"{{ .Values.openai.apiKey }}\"",
    "GROQ_API_KEY=your_api_key_here",
    "MISTRAL_API_KEY=<MISTRAL_API_KEY>",
    "export ANTHROPIC_API_KEY=<your key>",
    "curl -H \"Authorization: Bearer $OPENAI_API_KEY\" https://api.openai.com/v1/models",
    "const key = process.env.ANTHROPIC_API_KEY ?? \"\";",
    "sha256: 9a129038d9a00aed0cf6a7ea059ca50a813449061ab87848cf1a13eafdf33b2c",
    "sha1: 5cab97f5a209481481ceb0b3c9dab9cba6bd17ce",
    "md5: 63f4f1e9b725370f459720575cd5f953",
    "uuid: 6f1d2c3b-8a9e-4f70-b1c2-d3e4f5a6b7c8",
    "etag: \"63f4f1e9b725370f459720575cd5f953\"",
    "image_digest: sha256:6105d6cc76af400325e94d588ce511be5bfdbb73b437dc51eca43917d7a43e3d",
    "integrity: sha512-1JpOMxzcLL3p/AUFKgVNJycJ+wO4aOu+gXohcRIOYSdPqCC16ANcMh5R532MJZbGsaEXksWowahORiDQ7Hb1Sw==",
    "      - uses: actions/setup-python@5cab97f5a209481481ceb0b3c9dab9cba6bd17ce",
    "// Revision is the git commit of this build.\nvar Revision = \"03e404fd168941cfed98f46654680130dd85968b\"",
    "  data_revision: a17c9aaa61e80a1bf71d0d850af4e5baa9800bbd",
    "  weights_md5: f1290186a5d0b1ceab27f4e77c0c5d68",
    "RUN_NAMESPACE = \"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\"",
    "      \"image/png\": \"iVBORw0KGgoAAAANSUhEUigpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3\",",
    "tokenizer.pad_token = tokenizer.eos_token",
    "max_tokens=1024, temperature=0.2",
    "password_reset_url = \"https://example.com/reset\"",
    "api_key_header = \"X-API-Key\"",
    "PRIMARY_KEY = \"id\"",
];

#[test]
fn shared_hard_negatives_are_not_reported() {
    let mut problems = Vec::new();
    for path in ["settings.py", "config.yaml", ".env", "README.md"] {
        for n in NOISE {
            for d in scan_bytes(path, n.as_bytes()) {
                problems.push(format!("{path}: {} reported {}", d.detector.id, d.redacted));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn this_crate_holds_no_whole_secret() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("src"), &mut files);
    walk(&root.join("tests"), &mut files);
    let mut problems = Vec::new();
    for f in files {
        let data = std::fs::read(&f).unwrap();
        for d in scan_bytes(&f.to_string_lossy(), &data) {
            problems.push(format!(
                "{}:{}: {} {}",
                f.display(),
                d.line.unwrap_or(0),
                d.detector.id,
                d.redacted
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn redaction_shows_a_prefix_and_a_hash_only() {
    let d = detectors::ai::GROQ.positives[0];
    let found = scan_bytes(SAMPLE_PATH, d.as_bytes());
    let x = &found[0];
    assert!(x.redacted.starts_with("gsk_…"));
    assert_eq!(x.redacted.chars().count(), "gsk_…".chars().count() + 8);
    assert!(!d.contains(&x.redacted));
    assert_eq!(redact(x.detector, x.secret(), None), x.redacted);
}

/// base64url without padding, for building tokens at run time (a long JWT cannot be
/// written as a sample without holding one whole in the source).
fn b64url(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, &b| acc << 8 | b as u32) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[test]
fn a_service_account_jwt_of_several_kilobytes_is_found() {
    // The shape of a Kubernetes service-account token: RS256, long claims, a 256-byte
    // signature. Every value is made up for this test.
    let header = b64url(br#"{"alg":"RS256","kid":"fake-key-id-for-tests-0123456789"}"#);
    let mut claims = String::from(
        r#"{"iss":"https://kubernetes.default.svc.cluster.local","sub":"system:serviceaccount:ml:trainer","aud":["https://kubernetes.default.svc"],"exp":1893456000,"iat":1735689600,"kubernetes.io":{"namespace":"ml","serviceaccount":{"name":"trainer","uid":"0d7f3c2a-9b1e-4c6d-8a5f-2e7b9c4d1f60"}},"groups":["#,
    );
    for i in 0..24 {
        claims.push_str(&format!(r#""group-{i:02}-of-the-trainer","#));
    }
    claims.push_str(r#""last"]}"#);
    let payload = b64url(claims.as_bytes());
    let sig: Vec<u8> = (0..256u32).map(|i| (i * 37 + 11) as u8).collect();
    let token = format!("{header}.{payload}.{}", b64url(&sig));
    assert!(token.len() > 1200, "{}", token.len());
    let text = format!("token: {token}\n");
    let found = scan_bytes(SAMPLE_PATH, text.as_bytes());
    assert!(
        found.iter().any(|d| d.detector.id == "jwt"),
        "{:?}",
        found.iter().map(|d| d.detector.id).collect::<Vec<_>>()
    );
}

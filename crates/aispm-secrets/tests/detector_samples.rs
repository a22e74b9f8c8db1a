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
    "STAGING_OPENAI_API_KEY=${OPENAI_API_KEY_STAGING}",
    "HF_TOKEN: ${{ secrets.HF_TOKEN }}",
    "  HF_TOKEN: \"{{ .Values.hfToken }}\"",
    "MISTRAL_API_KEY=your_api_key_here",
    "COHERE_API_KEY=<COHERE_API_KEY>",
    "export OPENAI_API_KEY=<your key>",
    "curl -H \"Authorization: Bearer $OPENAI_API_KEY\" https://api.openai.com/v1/models",
    "export const openaiKey = process.env.OPENAI_API_KEY ?? \"\";",
    "sha256: 3fc7f5047ac52d525b3a313a72596a03a08deb9134f6898a35445109f42061ee",
    "sha1: f4c46e8ada0021f61c2c9f9c34219059e4f98e27",
    "md5: 7ff0dafb8e8555498b399749c64273c2",
    "uuid: c0a8012e-5b7d-4f3a-9e21-7d4b6a1f0c33",
    "etag: \"5cbe47ea777d91b215f291946f5e97d0\"",
    "docker_digest: sha256:7398581962667dfc33e5bb7b6e90e87d76b8a89879ad3442902a4369b2e4cdcb",
    "npm_integrity: sha512-Een3XDdrIDdFHx1ryTh2PAz8ApGzntOe4UnylytguVIs/Meu/CQXCfjw4D0C6fKYTuhCHCXpjIm3fztFdCvIxQ==",
    "      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab",
    "// BuildID is the git commit of this binary.\nvar BuildID = \"5858eba830458d820a1ca2c02147ca54d67b0336\"",
    "  dataset_commit: 1e551f652bd94e9cf92fa07854d8d015262a9b6a",
    "  checksum_md5: 0e40a019101e13ee43a8638fac55eeb9",
    "SESSION_NAMESPACE = \"3f2c9a4e-7b1d-4c8e-9f0a-12ab34cd56ef\"",
    "      \"image/png\": \"iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAHUlEQVR4nGP8z8Dwn4GBgYEBpqCgoCDJAADl+Qx7CudrbAAAAABJRU5ErkJggg==\",",
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

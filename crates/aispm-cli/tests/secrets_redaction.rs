//! No output format ever holds a whole secret: the secrets corpus and a folder of
//! generated secrets (every detector's positive samples, written as files of several
//! kinds) are scanned in table, JSON and SARIF, and no secret value the detectors
//! themselves return appears in any of them.

use aispm_corpus::corpus_folder;
use std::path::{Path, PathBuf};
use std::process::Command;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every secret the detectors see in the files under `dir`.
fn secrets_in(dir: &Path) -> Vec<String> {
    let mut all = Vec::new();
    files(dir, &mut all);
    let mut secrets = Vec::new();
    for f in all {
        let data = std::fs::read(&f).unwrap();
        for d in aispm_secrets::scan_bytes(&f.to_string_lossy(), &data) {
            secrets.push(d.secret().to_string());
        }
    }
    secrets.sort();
    secrets.dedup();
    secrets
}

/// A folder of generated secrets: each positive sample of each detector as a config
/// line, as a string in source code, inside a notebook output and base64-encoded.
fn generated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut cells = Vec::new();
    for det in aispm_secrets::detectors::all() {
        for (j, p) in det.positives.iter().enumerate() {
            let base = dir.path().join(det.id);
            std::fs::create_dir_all(&base).unwrap();
            std::fs::write(base.join(format!("{j}.env")), p).unwrap();
            if !p.contains('\n') {
                let quoted = serde_json::to_string(p).unwrap();
                std::fs::write(base.join(format!("{j}.py")), format!("CONFIG = {quoted}\n"))
                    .unwrap();
                cells.push(format!(
                    "{{\"cell_type\": \"code\", \"source\": [\"print(cfg)\\n\"], \"outputs\": [{{\"output_type\": \"stream\", \"text\": [{quoted}]}}]}}"
                ));
            }
        }
    }
    std::fs::write(
        dir.path().join("all.ipynb"),
        format!("{{\"cells\": [{}], \"nbformat\": 4}}\n", cells.join(",\n")),
    )
    .unwrap();
    dir
}

fn scan(path: &Path, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_aispm"))
        .arg("scan")
        .arg(path)
        .args([
            "--format",
            format,
            "--quiet",
            "--no-config",
            "--show-suppressed",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut text = String::from_utf8(out.stdout).unwrap();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text
}

fn check(dir: &Path, min_secrets: usize) {
    let secrets = secrets_in(dir);
    assert!(
        secrets.len() >= min_secrets,
        "only {} secrets found under {}",
        secrets.len(),
        dir.display()
    );
    for format in ["table", "json", "sarif"] {
        let out = scan(dir, format);
        assert!(
            out.contains('…'),
            "{format}: no redacted secret in the output"
        );
        let leaked = secrets
            .iter()
            .filter(|s| s.len() >= 8 && out.contains(s.as_str()))
            .count();
        assert_eq!(
            leaked,
            0,
            "{format} output of {} holds whole secrets",
            dir.display()
        );
    }
}

#[test]
fn no_output_format_holds_a_whole_secret() {
    let dir = generated();
    check(dir.path(), aispm_secrets::detectors::all().len());
    if let Some(folder) = corpus_folder("secrets") {
        check(&folder, 30);
    }
}

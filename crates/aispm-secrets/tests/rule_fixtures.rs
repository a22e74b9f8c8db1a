//! Every secrets rule has positive and negative fixtures under `fixtures/<RULE_ID>/`:
//! realistic source and configuration files holding fake credentials in the providers'
//! formats (built from the detectors' own samples), each line that must fire marked
//! `expect: RULE_ID` in the file's comment syntax (strict JSON, PEM files, `.npmrc`
//! and `.htpasswd` carry none; their snapshot records the lines). The whole folder is
//! scanned through the engine, as the CLI would, and every finding is compared with
//! the rule's snapshot in `tests/snapshots/` (redacted evidence only).

#[test]
fn rule_fixtures_and_snapshots() {
    aispm_testkit::check_rule_fixtures(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        vec![Box::new(aispm_secrets::SecretsAnalyzer::new())],
        aispm_secrets::rules::RULES,
    );
}

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The snapshots hold redacted evidence only: no secret found in a fixture appears in
/// any of them, whole.
#[test]
fn snapshots_hold_no_whole_secret() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fixtures = Vec::new();
    files(&root.join("fixtures"), &mut fixtures);
    let mut secrets = Vec::new();
    for f in fixtures {
        let data = std::fs::read(&f).unwrap();
        for d in aispm_secrets::scan_bytes(&f.to_string_lossy(), &data) {
            secrets.push(d.secret().to_string());
        }
    }
    assert!(
        secrets.len() >= 30,
        "{} secrets in the fixtures",
        secrets.len()
    );
    let mut snapshots = Vec::new();
    files(&root.join("tests/snapshots"), &mut snapshots);
    for s in snapshots {
        let text = std::fs::read_to_string(&s).unwrap();
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{} holds a whole secret",
                s.display()
            );
        }
    }
}

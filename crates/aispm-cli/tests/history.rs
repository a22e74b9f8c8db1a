//! `aispm scan --history` end to end on the corpus bundle
//! (`../shared/corpus/secrets/history.bundle`): the history is walked, the report keeps
//! the contract in every format, and once the build has secret rules (`SEC…`), every
//! labelled secret that was added and later removed is reported from its commit, as
//! removed from the tip but alive in history.

use aispm_core::ScanReport;
use aispm_corpus::{KindMap, corpus_folder, load_labels, run_scan};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_aispm"))
}

fn validate(schema_path: &Path, draft: jsonschema::Draft, instance: &Value) -> Vec<String> {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let v = jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles offline");
    v.iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Clones the bundle into a temporary folder; `None` when the corpus or `git` is not
/// there.
fn clone_bundle() -> Option<(tempfile::TempDir, PathBuf)> {
    let folder = corpus_folder("secrets")?;
    let bundle = folder.join("history.bundle");
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let out = Command::new("git")
        .arg("clone")
        .arg("-q")
        .arg(&bundle)
        .arg(&repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output();
    match out {
        Ok(o) if o.status.success() => Some((dir, repo)),
        Ok(o) => panic!(
            "git clone of {} failed: {}",
            bundle.display(),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => {
            eprintln!("git is not available ({e}); history bundle test skipped");
            None
        }
    }
}

/// IDs of the secret rules of this build.
fn secret_rules() -> Vec<String> {
    let out = Command::new(bin())
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    rules
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .filter(|id| id.starts_with("SEC"))
        .map(str::to_string)
        .collect()
}

#[test]
fn history_bundle_names_the_commit_of_each_removed_secret() {
    let Some((_dir, repo)) = clone_bundle() else {
        return;
    };
    let report: ScanReport = run_scan(bin(), &repo, &["--history"]).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    let errors = validate(
        &repo_root().join("schemas/aispm-report-v1.schema.json"),
        jsonschema::Draft::Draft7,
        &json,
    );
    assert!(errors.is_empty(), "{errors:#?}");
    let stats = report.stats.history.as_ref().expect("history stats");
    assert_eq!(stats.repositories, 1);
    assert_eq!(stats.commits, 4, "{stats:?}");
    assert!(stats.refs >= 1);
    assert!(stats.unique_blobs >= 5, "{stats:?}");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);

    let sec = secret_rules();
    if sec.is_empty() {
        eprintln!(
            "no SEC rules in this build (the secrets analyzer is not merged): \
             history machinery checked, the bundle's secret labels are checked once SEC rules exist"
        );
        return;
    }
    let folder = corpus_folder("secrets").unwrap();
    let labels = load_labels(&folder).unwrap();
    let kinds = KindMap::load().unwrap_or_default();
    let history_labels: Vec<_> = labels
        .iter()
        .filter(|l| l.expected && l.commit.is_some())
        .collect();
    assert!(!history_labels.is_empty(), "the corpus labels history rows");
    let mut missing = Vec::new();
    for l in &history_labels {
        let commit = l.commit.as_deref().unwrap();
        let file = l.file.as_deref().unwrap_or_default();
        // What reports the label's kind (`RULE` or `RULE:property=value` entries);
        // any secret rule while the map names none.
        let expected: Vec<String> = kinds
            .kinds()
            .find(|(k, _)| *k == &l.kind)
            .map(|(_, rules)| rules.clone())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| sec.clone());
        let reports_kind = |f: &aispm_core::Finding| {
            expected.iter().any(|e| match e.split_once(':') {
                None => *e == f.rule_id,
                Some((rule, cond)) => {
                    rule == f.rule_id
                        && cond.split_once('=').is_none_or(|(k, v)| {
                            f.properties.get(k).and_then(Value::as_str) == Some(v)
                        })
                }
            })
        };
        let found = report.findings.iter().find(|f| {
            let Some(h) = &f.history else { return false };
            h.commit == commit
                && h.path == file
                && !h.in_tip
                && reports_kind(f)
                && l.line.is_none_or(|line| {
                    f.line.is_some_and(|fl| {
                        fl <= l.end_line.unwrap_or(line) && f.end_line.unwrap_or(fl) >= line
                    })
                })
        });
        match found {
            Some(f) => {
                println!(
                    "history: {} {}:{} from commit {} ({}), removed from the tip",
                    f.rule_id,
                    file,
                    f.line.unwrap_or(0),
                    &commit[..7],
                    l.kind
                );
                assert!(
                    f.message
                        .contains("removed from the tip but alive in history"),
                    "{}",
                    f.message
                );
            }
            None => missing.push(format!("{} {file}:{:?} @ {commit}", l.kind, l.line)),
        }
    }
    assert!(
        missing.is_empty(),
        "history secrets not reported: {missing:#?}\nfindings: {:#?}",
        report.findings
    );
}

#[test]
fn history_reports_render_in_every_format() {
    let Some((_dir, repo)) = clone_bundle() else {
        return;
    };
    for format in ["table", "sarif"] {
        let out = Command::new(bin())
            .arg("scan")
            .arg(&repo)
            .args(["--history", "--quiet", "--no-config", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        if format == "table" {
            assert!(
                text.contains("git history: 1 repository") && text.contains("4 commits"),
                "{text}"
            );
        } else {
            let log: Value = serde_json::from_str(&text).unwrap();
            let errors = validate(
                &repo_root().join("crates/aispm-report/tests/schemas/sarif-2.1.0.json"),
                jsonschema::Draft::Draft4,
                &log,
            );
            assert!(errors.is_empty(), "{errors:#?}");
            assert_eq!(
                log["runs"][0]["properties"]["stats"]["history"]["commits"],
                4
            );
        }
    }
}

#[test]
fn history_outside_a_repository_is_an_error_record_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "hello\n").unwrap();
    let report: ScanReport = run_scan(bin(), dir.path(), &["--history"]).unwrap();
    let stats = report.stats.history.as_ref().expect("history stats");
    if stats.repositories == 0 {
        assert!(
            report
                .errors
                .iter()
                .any(|e| e.stage.as_deref() == Some("history")),
            "{:#?}",
            report.errors
        );
    }
    // Without --history the report has no history section at all.
    let plain = Command::new(bin())
        .arg("scan")
        .arg(dir.path())
        .args(["--quiet", "--no-config", "--format", "json"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("\"history\""));
}

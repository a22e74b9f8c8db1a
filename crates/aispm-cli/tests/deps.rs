//! `aispm scan` on dependency manifests and `aispm db import` / `aispm db status`,
//! each with its own data folder so that no user database is touched or used.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn aispm(data_dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aispm"));
    c.env("AISPM_DATA_DIR", data_dir).env_remove("NO_COLOR");
    c
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn scan(data_dir: &Path, root: &Path) -> Value {
    let out = aispm(data_dir)
        .args(["scan", "--format", "json", "--quiet", "--no-config"])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `(rule, package)` pairs; the one DEP004 of a manifest gives one per package.
fn rules_of(report: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            let rule = f["rule_id"].as_str().unwrap().to_string();
            let packages: Vec<String> = match f["properties"]["packages"].as_array() {
                Some(a) => a
                    .iter()
                    .map(|p| p.as_str().unwrap_or("").to_string())
                    .collect(),
                None => vec![
                    f["properties"]["package"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                ],
            };
            packages.into_iter().map(move |p| (rule.clone(), p))
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

const NPM_ADVISORY: &str = r#"{"id": "GHSA-test-0000-0001", "modified": "2026-01-01T00:00:00Z",
 "summary": "prose that is not kept", "aliases": ["CVE-2099-1"],
 "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
   "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.3.1"}]}]}],
 "database_specific": {"severity": "HIGH"}}"#;
const GO_ADVISORY: &str =
    r#"{"id": "GO-2099-1", "affected": [{"package": {"ecosystem": "Go", "name": "x"}}]}"#;

#[test]
fn scan_reports_dependencies_with_the_bundled_snapshot() {
    let data = tempfile::tempdir().unwrap();
    let proj = tempfile::tempdir().unwrap();
    write(
        proj.path(),
        "requirements.txt",
        b"langchain==0.0.305\ngradio>=3.40\nopenai\n",
    );
    let report = scan(data.path(), proj.path());
    let rules = rules_of(&report);
    for want in [
        ("DEP001", "langchain"),
        ("DEP003", "gradio"),
        ("DEP004", "gradio"),
        ("DEP004", "openai"),
    ] {
        assert!(
            rules.contains(&(want.0.into(), want.1.into())),
            "{want:?} not in {rules:?}"
        );
    }
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "DEP001")
        .unwrap();
    assert!(
        f["properties"]["advisory_db"]
            .as_str()
            .unwrap()
            .contains("bundled snapshot")
    );
    let deps = report["assets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "ai-dependency")
        .count();
    assert_eq!(deps, 3);
    // gradio and openai: one DEP004 for the manifest.
    let dep4 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "DEP004")
        .count();
    assert_eq!(dep4, 1);
    // The report says what data judged the dependencies, and that it is old (the
    // bundled snapshot is from 2024).
    let kinds: Vec<&str> = report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["advisory-data-stale", "advisory-data"]);
    assert_eq!(report["notices"][0]["level"], "warning");
    // The table's closing summary carries one line per notice.
    let out = aispm(data.path())
        .args(["scan", "--quiet", "--no-config"])
        .arg(proj.path())
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains(
            "warning: advisory data older than 90 days: PyPI bundled snapshot (2024-10-10, "
        ),
        "{table}"
    );
    assert!(
        table.contains("note: dependencies were matched against PyPI: bundled snapshot"),
        "{table}"
    );
}

#[test]
fn db_status_states_dates_and_only_ecosystems_with_data() {
    let data = tempfile::tempdir().unwrap();
    let status = aispm(data.path()).args(["db", "status"]).output().unwrap();
    assert!(status.status.success());
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.contains("PyPI:     bundled snapshot (2024-10-10, "),
        "{status}"
    );
    assert!(status.contains("npm:      no advisory data"), "{status}");
    assert!(
        status.contains("warning: the PyPI data is older than 90 days"),
        "{status}"
    );
    assert!(
        status.contains("warning: no advisory data for npm; import fresh OSV exports"),
        "{status}"
    );
    assert!(status.contains("aispm db import"), "{status}");
}

/// Range findings come from the analyzer's post-walk step; an inline comment on the
/// requirement still suppresses them, also when the file has no other finding.
#[test]
fn inline_ignore_applies_to_findings_of_the_post_walk_step() {
    let data = tempfile::tempdir().unwrap();
    let proj = tempfile::tempdir().unwrap();
    write(
        proj.path(),
        "requirements.txt",
        b"gradio>=3.40  # aispm:ignore DEP003,DEP004 upgraded by the platform image
",
    );
    let report = scan(data.path(), proj.path());
    assert!(rules_of(&report).is_empty(), "{:?}", rules_of(&report));
    let suppressed: Vec<&str> = report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["finding"]["rule_id"].as_str().or(s["rule_id"].as_str()))
        .collect();
    assert!(suppressed.contains(&"DEP003"), "{suppressed:?}");
}

#[test]
fn db_import_from_a_folder_and_a_zip_then_scans_use_it() {
    let data = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    write(
        src.path(),
        "osv/GHSA-test-0000-0001.json",
        NPM_ADVISORY.as_bytes(),
    );
    write(src.path(), "osv/GO-2099-1.json", GO_ADVISORY.as_bytes());
    write(src.path(), "osv/broken.json", b"{not json");
    write(src.path(), "osv/README.md", b"ignored");

    let out = aispm(data.path())
        .args(["db", "import"])
        .arg(src.path().join("osv"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "3 files read, 1 advisories kept, 0 withdrawn, 1 for other ecosystems, 1 unreadable"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("imported 1 advisories for 1 packages (npm 1)"),
        "{stdout}"
    );
    let db_file = data.path().join("advisories.osv.jsonl.gz");
    assert!(db_file.is_file());

    let status = aispm(data.path()).args(["db", "status"]).output().unwrap();
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(status.contains("npm:      imported database"), "{status}");
    assert!(status.contains("PyPI:     bundled snapshot"), "{status}");

    let proj = tempfile::tempdir().unwrap();
    write(
        proj.path(),
        "web/package-lock.json",
        br#"{"lockfileVersion": 3, "packages": {"node_modules/left-pad": {"version": "1.3.0"}}}"#,
    );
    write(proj.path(), "py/requirements.txt", b"torch==1.12.0\n");
    let report = scan(data.path(), proj.path());
    let findings = report["findings"].as_array().unwrap();
    let npm = findings.iter().find(|f| f["rule_id"] == "DEP002").unwrap();
    assert_eq!(npm["severity"], "high");
    assert!(
        npm["properties"]["advisory_db"]
            .as_str()
            .unwrap()
            .starts_with("imported from")
    );
    let py = findings.iter().find(|f| f["rule_id"] == "DEP001").unwrap();
    assert!(
        py["properties"]["advisory_db"]
            .as_str()
            .unwrap()
            .contains("bundled")
    );

    // An osv.dev-style zip replaces the earlier import.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("GHSA-test-0000-0001.json", opts).unwrap();
        std::io::Write::write_all(&mut z, NPM_ADVISORY.as_bytes()).unwrap();
        z.start_file("PYSEC-2099-1.json", opts).unwrap();
        std::io::Write::write_all(
            &mut z,
            br#"{"id": "PYSEC-2099-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "openai"}, "versions": ["1.0.0"]}]}"#,
        )
        .unwrap();
        z.finish().unwrap();
    }
    write(src.path(), "all.zip", &buf.into_inner());
    let out = aispm(data.path())
        .args(["db", "import"])
        .arg(src.path().join("all.zip"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("imported 2 advisories for 2 packages (PyPI 1, npm 1)"),
        "{stdout}"
    );
    // PyPI now comes from the import: torch 1.12.0 has no advisory there.
    let report = scan(data.path(), proj.path());
    assert!(!rules_of(&report).iter().any(|(r, _)| r == "DEP001"));
}

#[test]
fn db_import_of_nothing_is_an_error_and_keeps_the_old_database() {
    let data = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    aispm(data.path())
        .args(["db", "import"])
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no PyPI or npm advisory found"));
    assert!(!data.path().join("advisories.osv.jsonl.gz").exists());
    aispm(data.path())
        .args(["db", "import", "/nonexistent/aispm/osv"])
        .assert()
        .code(2);
}

#[test]
fn a_broken_imported_database_falls_back_to_the_bundled_one() {
    let data = tempfile::tempdir().unwrap();
    write(data.path(), "advisories.osv.jsonl.gz", b"not gzip");
    let proj = tempfile::tempdir().unwrap();
    write(proj.path(), "requirements.txt", b"torch==1.12.0\n");
    let report = scan(data.path(), proj.path());
    assert!(rules_of(&report).contains(&("DEP001".into(), "torch".into())));
    let errors = report["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["message"]
            .as_str()
            .unwrap()
            .contains("imported advisory database not used")),
        "{errors:#?}"
    );
}

#[test]
fn rules_and_explain_list_the_dependency_rules() {
    let data = tempfile::tempdir().unwrap();
    let out = aispm(data.path()).args(["rules"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for id in ["DEP001", "DEP002", "DEP003", "DEP004", "DEP005", "DEP006"] {
        assert!(text.contains(id), "{id} not listed");
    }
    aispm(data.path())
        .args(["explain", "DEP004"])
        .assert()
        .success()
        .stdout(predicates::str::contains("LLM03:2025"));
}

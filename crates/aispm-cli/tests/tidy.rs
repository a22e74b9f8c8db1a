//! Keeps ARCHITECTURE.md true: its crate table lists exactly the crates of the
//! workspace, each crate depends on no aispm crate the table does not allow, every
//! rule ID that ARCHITECTURE.md or README.md names exists (`aispm rules`), and every
//! rule follows the recipe: its check in its own file (or its family's table in the
//! same `rules/` folder), a fixture folder with positives and negatives, a snapshot,
//! and a `rule_fixtures` test in its crate that runs the harness.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the workspace root")
        .to_path_buf()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The crate table: crate name → the aispm crates it may depend on, in table order.
fn table() -> Vec<(String, BTreeSet<String>)> {
    let arch = read("ARCHITECTURE.md");
    let mut rows: Vec<(String, BTreeSet<String>)> = Vec::new();
    for line in arch.lines() {
        let Some(rest) = line.strip_prefix("| `crates/") else {
            continue;
        };
        let name = rest.split('`').next().unwrap_or_default().to_string();
        let deps_cell = line.rsplit('|').nth(1).unwrap_or_default();
        let allowed: BTreeSet<String> = if deps_cell.contains("every crate above") {
            rows.iter().map(|(n, _)| n.clone()).collect()
        } else {
            deps_cell
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|w| w.starts_with("aispm-"))
                .map(str::to_string)
                .collect()
        };
        rows.push((name, allowed));
    }
    rows
}

/// The aispm crates in a manifest's `[dependencies]` (not dev- or build-dependencies).
fn aispm_dependencies(manifest: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_deps = t == "[dependencies]";
            continue;
        }
        if in_deps && let Some((key, _)) = t.split_once('=') {
            // `aispm-core = { … }` or `aispm-core.workspace = true`.
            let name = key.trim().split('.').next().unwrap_or_default();
            if name.starts_with("aispm-") {
                out.insert(name.to_string());
            }
        }
    }
    out
}

#[test]
fn the_crate_table_lists_every_crate_and_its_allowed_dependencies() {
    let rows = table();
    let listed: BTreeSet<String> = rows.iter().map(|(n, _)| n.clone()).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        listed, on_disk,
        "ARCHITECTURE.md's crate table and crates/ disagree"
    );
    let allowed: BTreeMap<String, BTreeSet<String>> = rows.into_iter().collect();
    let mut problems = Vec::new();
    for name in &on_disk {
        let manifest = read(&format!("crates/{name}/Cargo.toml"));
        for dep in aispm_dependencies(&manifest) {
            if !allowed[name].contains(&dep) {
                problems.push(format!(
                    "{name} depends on {dep}, which ARCHITECTURE.md does not allow"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_rule_id_the_docs_name_exists() {
    let known = known_rules();
    let mut unknown = BTreeSet::new();
    for doc in ["ARCHITECTURE.md", "README.md"] {
        let text = read(doc);
        for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            let (prefix, digits) = word.split_at(word.len().saturating_sub(3));
            let is_id = ["SEC", "MDL", "CODE", "AGT", "MCP", "DEP", "ART"].contains(&prefix)
                && digits.len() == 3
                && digits.bytes().all(|b| b.is_ascii_digit());
            if is_id && !known.contains(word) {
                unknown.insert(format!("{doc}: {word}"));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "rule IDs named in the docs that no analyzer has: {unknown:?}"
    );
}

fn known_rules() -> BTreeSet<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_aispm"))
        .args(["rules", "--format", "json"])
        .output()
        .expect("aispm rules");
    assert!(out.status.success());
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    rules
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Whether the source defines a function (a line starting with `fn` after its
/// visibility), not merely mentions one in prose.
fn defines_fn(src: &str) -> bool {
    src.lines().any(|l| {
        let t = l.trim_start();
        ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn "]
            .iter()
            .any(|p| t.starts_with(p))
    })
}

/// The folders under `fixtures/` (two levels at most) named like a rule ID.
fn fixture_folders(fixtures: &Path) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(fixtures).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !e.path().is_dir() {
            continue;
        }
        if name.bytes().any(|b| b.is_ascii_digit()) {
            out.insert(name, e.path());
        } else {
            for e2 in std::fs::read_dir(e.path()).into_iter().flatten().flatten() {
                if e2.path().is_dir() {
                    out.insert(e2.file_name().to_string_lossy().into_owned(), e2.path());
                }
            }
        }
    }
    out
}

#[test]
fn every_rule_has_its_check_fixtures_and_snapshot() {
    let known = known_rules();
    let mut problems = Vec::new();
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("crates")).unwrap().flatten() {
        let krate = entry.path();
        let mut files = Vec::new();
        rs_files(&krate.join("src"), &mut files);
        let rule_files: Vec<(String, PathBuf, String)> = files
            .iter()
            .filter(|p| p.parent().is_some_and(|d| d.ends_with("rules")))
            .filter_map(|p| {
                let src = std::fs::read_to_string(p).ok()?;
                let id = src.split("id: \"").nth(1)?.split('"').next()?.to_string();
                known.contains(&id).then(|| (id, p.clone(), src))
            })
            .collect();
        if rule_files.is_empty() {
            continue;
        }
        let fixtures = fixture_folders(&krate.join("fixtures"));
        let name = entry.file_name().to_string_lossy().into_owned();
        let harness = std::fs::read_to_string(krate.join("tests/rule_fixtures.rs"))
            .is_ok_and(|t| t.contains("check_rule_fixtures"));
        if !harness {
            problems.push(format!(
                "{name}: tests/rule_fixtures.rs does not run aispm_testkit::check_rule_fixtures"
            ));
        }
        for (id, path, src) in &rule_files {
            found.insert(id.clone());
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let shown = path
                .strip_prefix(root())
                .unwrap_or(path)
                .display()
                .to_string();
            let in_table = || {
                std::fs::read_dir(path.parent().unwrap())
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p != path && !p.ends_with("mod.rs"))
                    .filter_map(|p| std::fs::read_to_string(p).ok())
                    .any(|t| t.contains(&format!("{stem}::")) && defines_fn(&t))
            };
            if !defines_fn(src) && !in_table() {
                problems.push(format!(
                    "{id}: {shown} has no check, and no table beside it refers to it"
                ));
            }
            match fixtures.get(id) {
                None => problems.push(format!("{id}: no fixtures/{id}/ folder in {name}")),
                Some(dir) => {
                    let names: Vec<String> = std::fs::read_dir(dir)
                        .into_iter()
                        .flatten()
                        .flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect();
                    if !names.iter().any(|n| n.starts_with("pos_"))
                        || !names.iter().any(|n| n.starts_with("neg_"))
                    {
                        problems.push(format!("{id}: its fixtures need a pos_ and a neg_ entry"));
                    }
                }
            }
            if !krate.join(format!("tests/snapshots/{id}.snap")).is_file() {
                problems.push(format!("{id}: no tests/snapshots/{id}.snap in {name}"));
            }
        }
    }
    for id in known.difference(&found) {
        problems.push(format!(
            "{id}: no rule file under a crate's rules/ folder declares it"
        ));
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

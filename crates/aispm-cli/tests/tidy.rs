//! Keeps ARCHITECTURE.md true: its crate table lists exactly the crates of the
//! workspace, each crate depends on no aispm crate the table does not allow, and every
//! rule ID that ARCHITECTURE.md or README.md names exists (`aispm rules`).

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
    let out = Command::new(env!("CARGO_BIN_EXE_aispm"))
        .args(["rules", "--format", "json"])
        .output()
        .expect("aispm rules");
    assert!(out.status.success());
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let known: BTreeSet<String> = rules
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect();
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

//! Test support for aispm's analyzers (never shipped): the one rule-fixture harness.
//!
//! # Layout
//! Each analyzer crate keeps its rules' fixtures under `fixtures/`, one folder per rule
//! named by its ID (`fixtures/CODE010/`, or grouped one level deeper by family, as
//! `fixtures/pickle/MDL001/`). In a rule's folder:
//! - `pos_*` files (or folders, where a file must carry its own name, such as a
//!   `requirements.txt` or a skill's `SKILL.md`) must each be reported by the rule;
//! - `neg_*` files or folders must not be;
//! - in text fixtures, every line that must fire carries a marker comment
//!   `expect: RULE_ID` (several IDs separated by commas) in the comment syntax of the
//!   file (`# expect: CODE010`, `// expect: MCP003`). For every rule named in a file's
//!   markers, the lines it reports in that file are exactly the marked lines. Formats
//!   without comments (binary files, strict JSON) and files where a comment would change
//!   what is judged carry no markers; their snapshot records the lines.
//!
//! # What is checked
//! [`check_rule_fixtures`] scans the fixtures folder once through the engine with the
//! real analyzers (as `aispm scan` would: typing by content, archives, suppressions,
//! `finish` hooks), checks the rules above and compares, per rule, every finding in
//! the rule's folder — path, line, severity, rule, message and evidence — with the
//! snapshot `tests/snapshots/<RULE_ID>.snap` of the calling crate (`insta`). A new or
//! changed snapshot is written with
//! `INSTA_UPDATE=always cargo test -p <crate> --test rule_fixtures`; review the diff.
//!
//! An error record other than a limit is a problem, except with
//! [`check_rule_fixtures_with_errors`], for rules whose condition is also an error
//! record by design (the engine's own rules): there the error records of a rule's
//! folder are written into its snapshot.

#![forbid(unsafe_code)]

use aispm_core::{Analyzer, ErrorRecord, Finding, Rule};
use aispm_engine::{ScanOptions, Scanner};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The marker that names the rules a fixture line must fire.
pub const MARKER: &str = "expect:";

/// Scans `crate_dir/fixtures` with `analyzers` (the engine's own rules are always
/// active) and checks every rule of `rules` against its fixture folder and snapshot.
/// Panics with every problem found, listed together.
pub fn check_rule_fixtures(crate_dir: &Path, analyzers: Vec<Box<dyn Analyzer>>, rules: &[&Rule]) {
    check(crate_dir, analyzers, rules, false);
}

/// [`check_rule_fixtures`] for rules whose condition is, by design, also an error
/// record: the engine's own rules (an encrypted member is reported and listed as not
/// analysed; a link leaving the root is reported and listed as not followed). Every
/// error record inside the folder of one of `rules` is expected, and is written into
/// that rule's snapshot after the findings (path, kind, stage, message), so it is
/// checked as strictly as they are; an error record anywhere else is still a problem
/// unless it is a limit.
pub fn check_rule_fixtures_with_errors(
    crate_dir: &Path,
    analyzers: Vec<Box<dyn Analyzer>>,
    rules: &[&Rule],
) {
    check(crate_dir, analyzers, rules, true);
}

fn check(
    crate_dir: &Path,
    analyzers: Vec<Box<dyn Analyzer>>,
    rules: &[&Rule],
    snapshot_errors: bool,
) {
    let fixtures = crate_dir.join("fixtures");
    let scanner = Scanner::new(analyzers, ScanOptions::default())
        .unwrap_or_else(|e| panic!("the analyzers' rules do not register: {e}"));
    let report = scanner.scan(std::slice::from_ref(&fixtures), None);
    let folders = rule_folders(&fixtures);
    let in_rule_folder = |path: &str| {
        rules.iter().any(|r| {
            folders
                .get(r.id)
                .is_some_and(|rel| path.starts_with(&format!("{rel}/")))
        })
    };
    let mut problems = Vec::new();
    for e in &report.errors {
        if e.kind != aispm_core::ErrorKind::Limit && !(snapshot_errors && in_rule_folder(&e.path)) {
            problems.push(format!("scan error: {}: {}", e.path, e.message));
        }
    }
    let mut snapshots = BTreeMap::new();
    for rule in rules {
        let Some(rel) = folders.get(rule.id) else {
            problems.push(format!(
                "{}: no fixture folder named {} under {}",
                rule.id,
                rule.id,
                fixtures.display()
            ));
            continue;
        };
        let prefix = format!("{rel}/");
        let in_folder: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.path.starts_with(&prefix))
            .collect();
        check_folder(rule, &fixtures, rel, &in_folder, &mut problems);
        let mut text = render(&prefix, &in_folder);
        if snapshot_errors {
            let errors: Vec<&ErrorRecord> = report
                .errors
                .iter()
                .filter(|e| e.path.starts_with(&prefix))
                .collect();
            text.push_str(&render_errors(&prefix, &errors));
        }
        snapshots.insert(rule.id, text);
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(crate_dir.join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for (id, text) in &snapshots {
            let r = std::panic::catch_unwind(|| insta::assert_snapshot!(*id, text.as_str()));
            if r.is_err() {
                problems.push(format!(
                    "{id}: findings differ from tests/snapshots/{id}.snap"
                ));
            }
        }
    });
    assert!(
        problems.is_empty(),
        "{} rule-fixture problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every folder under `fixtures` (at most two levels deep) named like a rule ID, by
/// ID, as a path relative to `fixtures` with `/` separators.
pub fn rule_folders(fixtures: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![(fixtures.to_path_buf(), String::new(), 0)];
    while let Some((dir, rel, depth)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !e.path().is_dir() || name.starts_with("pos_") || name.starts_with("neg_") {
                continue;
            }
            let here = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if is_rule_id(&name) {
                out.insert(name, here);
            } else if depth < 1 {
                stack.push((e.path(), here, depth + 1));
            }
        }
    }
    out
}

/// `ABC123`: capital letters, then digits.
pub fn is_rule_id(s: &str) -> bool {
    let letters = s.bytes().take_while(u8::is_ascii_uppercase).count();
    letters > 0 && letters < s.len() && s.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

fn check_folder(
    rule: &Rule,
    fixtures: &Path,
    rel: &str,
    found: &[&Finding],
    problems: &mut Vec<String>,
) {
    let dir = fixtures.join(rel);
    let mut entries: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    let pos = entries
        .iter()
        .filter(|(n, _)| n.starts_with("pos_"))
        .count();
    let neg = entries
        .iter()
        .filter(|(n, _)| n.starts_with("neg_"))
        .count();
    if pos == 0 || neg == 0 {
        problems.push(format!(
            "{}: needs at least one pos_ and one neg_ fixture in {rel}",
            rule.id
        ));
    }
    for (name, path) in &entries {
        let top = format!("{rel}/{name}");
        let of_rule: Vec<&&Finding> = found
            .iter()
            .filter(|f| f.rule_id == rule.id && within(&f.path, &top))
            .collect();
        if name.starts_with("pos_") && of_rule.is_empty() {
            problems.push(format!("{top}: not reported by {}", rule.id));
        }
        if name.starts_with("neg_") && !of_rule.is_empty() {
            problems.push(format!(
                "{top}: reported by {} at line(s) {:?}",
                rule.id,
                of_rule.iter().map(|f| f.line).collect::<Vec<_>>()
            ));
        }
        for file in files_under(path) {
            let file_rel = format!(
                "{rel}/{}",
                file.strip_prefix(&dir)
                    .unwrap_or(&file)
                    .to_string_lossy()
                    .replace('\\', "/")
            );
            check_markers(&file, &file_rel, found, problems);
        }
    }
}

/// A finding's path is this fixture, a file inside this fixture folder, or a member of
/// this fixture archive.
fn within(path: &str, top: &str) -> bool {
    path == top
        || path
            .strip_prefix(top)
            .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('!'))
}

fn files_under(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The marked lines of a text file, by rule ID (1-based lines).
pub fn markers(text: &str) -> BTreeMap<String, BTreeSet<u32>> {
    let mut out: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        let before = line[..at].trim_end();
        let commented = ["#", "//", "--", ";", "<!--", "/*", "REM", "::", "%"]
            .iter()
            .any(|c| before.contains(c));
        if !commented {
            continue;
        }
        let rest = &line[at + MARKER.len()..];
        for word in rest
            .split([',', ' ', '\t'])
            .map(|w| w.trim_end_matches(['*', '/', '-', '>']))
        {
            if is_rule_id(word) {
                out.entry(word.to_string())
                    .or_default()
                    .insert(i as u32 + 1);
            }
        }
    }
    out
}

fn check_markers(file: &Path, rel: &str, found: &[&Finding], problems: &mut Vec<String>) {
    let Ok(bytes) = std::fs::read(file) else {
        return;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return;
    };
    for (id, want) in markers(text) {
        let got: BTreeSet<u32> = found
            .iter()
            .filter(|f| f.rule_id == id && f.path == rel)
            .filter_map(|f| f.line)
            .collect();
        if got != want {
            problems.push(format!(
                "{rel}: {id} marked on lines {want:?}, reported on {got:?}"
            ));
        }
    }
}

/// One line per finding, in report order: path (relative to the rule's folder), line,
/// severity, rule, message; then its evidence, indented.
fn render(prefix: &str, found: &[&Finding]) -> String {
    let mut out = String::new();
    for f in found {
        let line = f.line.map(|l| l.to_string()).unwrap_or_else(|| "-".into());
        out.push_str(&format!(
            "{}:{line} {} {}: {}\n",
            &f.path[prefix.len()..],
            f.severity.as_str(),
            f.rule_id,
            f.message
        ));
        if let Some(e) = &f.evidence {
            for l in e.lines() {
                out.push_str(&format!("    | {l}\n"));
            }
        }
    }
    if out.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

/// The error records of a rule's folder, in report order, after a heading: path
/// (relative to the folder), kind, stage and message.
fn render_errors(prefix: &str, errors: &[&ErrorRecord]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let mut out = String::from("errors:\n");
    for e in errors {
        let kind = format!("{:?}", e.kind).to_lowercase();
        let stage = e.stage.as_deref().unwrap_or("-");
        out.push_str(&format!(
            "{} {kind} ({stage}): {}\n",
            &e.path[prefix.len()..],
            e.message
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_read_from_comments_only() {
        let m = markers(
            "a = 1  # expect: CODE010\nb = 'expect: CODE011'\nc() // expect: MCP003, MCP004\n<!-- expect: AGT005 -->\n",
        );
        assert_eq!(m["CODE010"], BTreeSet::from([1]));
        assert!(!m.contains_key("CODE011"));
        assert_eq!(m["MCP004"], BTreeSet::from([3]));
        assert_eq!(m["AGT005"], BTreeSet::from([4]));
    }

    #[test]
    fn rule_ids() {
        assert!(is_rule_id("MDL001") && is_rule_id("SEC101"));
        assert!(!is_rule_id("pickle") && !is_rule_id("MDL") && !is_rule_id("001"));
    }
}

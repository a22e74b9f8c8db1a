//! Every dependency rule has a positive and a negative fixture under
//! `fixtures/<RULE_ID>/` (each in its own folder, so that no lock file or sibling
//! changes the judgment): each `pos_*` file is reported by its rule, no `neg_*` file
//! is. A `pos_*` or `neg_*` folder is one project (manifests with their lock files):
//! some file in a `pos_*` folder is reported, none in a `neg_*` folder.

use aispm_deps::DepsAnalyzer;
use aispm_deps::db::Advisories;
use aispm_engine::{ScanOptions, Scanner};
use std::path::Path;

#[test]
fn every_rule_reports_its_positives_and_spares_its_negatives() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let scanner = Scanner::new(
        vec![Box::new(DepsAnalyzer::with_advisories(
            Advisories::bundled_only(),
        ))],
        ScanOptions::default(),
    )
    .unwrap();
    let report = scanner.scan(std::slice::from_ref(&root), None);
    assert_eq!(report.stats.errors, 0, "{:#?}", report.errors);
    let mut problems = Vec::new();
    for rule in aispm_deps::rules::RULES {
        let dir = root.join(rule.id);
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| format!("{}/{}", rule.id, e.file_name().to_string_lossy()))
            .collect();
        files.sort();
        // A fixture is a file, or a folder (a project with its lock files) whose
        // files count together.
        let reported = |f: &str| {
            report.findings.iter().any(|x| {
                x.rule_id == rule.id
                    && (x.path == f
                        || x.path
                            .strip_prefix(f)
                            .is_some_and(|rest| rest.starts_with('/')))
            })
        };
        let (pos, neg): (Vec<&String>, Vec<&String>) = files
            .iter()
            .filter(|f| f.contains("/pos_") || f.contains("/neg_"))
            .partition(|f| f.contains("/pos_"));
        if pos.is_empty() || neg.is_empty() {
            problems.push(format!("{}: needs a pos_ and a neg_ fixture", rule.id));
        }
        for f in pos {
            if !reported(f) {
                problems.push(format!("{f}: not reported by {}", rule.id));
            }
        }
        for f in neg {
            if reported(f) {
                problems.push(format!("{f}: reported by {}", rule.id));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

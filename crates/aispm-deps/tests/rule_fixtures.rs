//! Every dependency rule against its fixtures, through the one harness
//! (`aispm_testkit::check_rule_fixtures`): `fixtures/<RULE_ID>/` holds `pos_*` and
//! `neg_*` folders, each one project (manifests must carry their own names, and a lock
//! or constraints file beside a manifest changes its judgment); lines that must fire
//! carry `# expect: RULE_ID` where the format has comments; the findings are compared
//! with `tests/snapshots/<RULE_ID>.snap`. JSON manifests and locks carry no markers,
//! nor do TOML lock files: their entries' lines are found by reading `name = "..."`
//! lines whole, so a trailing comment would move the finding. Their snapshots record
//! the lines.
//!
//! The bundled advisory snapshot decides DEP001–DEP003, not an imported database of
//! the machine running the tests.

use aispm_deps::DepsAnalyzer;
use aispm_deps::db::Advisories;

#[test]
fn rule_fixtures_and_snapshots() {
    aispm_testkit::check_rule_fixtures(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        vec![Box::new(DepsAnalyzer::with_advisories(
            Advisories::bundled_only(),
        ))],
        aispm_deps::rules::RULES,
    );
}

/// The harness lets limit records pass; the fixtures reach no limit either.
#[test]
fn fixtures_scan_without_any_error_record() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let scanner = aispm_engine::Scanner::new(
        vec![Box::new(DepsAnalyzer::with_advisories(
            Advisories::bundled_only(),
        ))],
        aispm_engine::ScanOptions::default(),
    )
    .expect("the rules register");
    let report = scanner.scan(std::slice::from_ref(&root), None);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
}

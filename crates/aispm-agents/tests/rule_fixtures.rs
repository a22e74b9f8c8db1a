//! Every agents rule has positive and negative fixtures under `fixtures/<RULE_ID>/`
//! (a fixture that must carry its own file name, such as a skill's `SKILL.md`, is a
//! `pos_*`/`neg_*` folder), checked by the one harness, `aispm_testkit`: each `pos_*`
//! is reported by its rule, no `neg_*` is, lines marked `expect: RULE_ID` are exactly
//! the lines reported, and every finding matches `tests/snapshots/<RULE_ID>.snap`. The
//! whole folder is scanned through the engine, as the CLI would. The other tests here
//! check what the snapshots do not say.

use aispm_agents::AgentsAnalyzer;
use aispm_engine::{ScanOptions, Scanner};
use std::path::Path;

/// This crate asks more of its fixtures than the harness does: two positives and two
/// negatives per rule.
#[test]
fn every_rule_has_two_positives_and_two_negatives() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut problems = Vec::new();
    for rule in aispm_agents::rules::RULES {
        let dir = root.join(rule.id);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let pos = names.iter().filter(|n| n.starts_with("pos_")).count();
        let neg = names.iter().filter(|n| n.starts_with("neg_")).count();
        if pos < 2 || neg < 2 {
            problems.push(format!("{}: {pos} pos_ and {neg} neg_ fixtures", rule.id));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn findings_have_lines_and_mcp_evidence_has_no_values() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let scanner = Scanner::new(
        vec![Box::new(AgentsAnalyzer::new())],
        ScanOptions::default(),
    )
    .unwrap();
    let report = scanner.scan(std::slice::from_ref(&root), None);
    for f in &report.findings {
        assert!(f.line.is_some(), "{f:?}");
        assert!(!f.remediation.is_empty());
        let e = f.evidence.as_deref().unwrap_or("");
        assert!(!e.contains("${"), "{e}");
    }
    // MCP servers are inventoried with their key's line.
    let servers: Vec<_> = report
        .assets
        .iter()
        .filter(|a| a.kind == aispm_core::AssetKind::McpServer)
        .collect();
    assert!(servers.len() >= 30, "{}", servers.len());
    assert!(servers.iter().all(|a| a.line.is_some()));
}

#[test]
fn disabled_servers_are_reported_low() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/MCP002/pos_disabled_still_low.json");
    let scanner = Scanner::new(
        vec![Box::new(AgentsAnalyzer::new())],
        ScanOptions::default(),
    )
    .unwrap();
    let report = scanner.scan(std::slice::from_ref(&root), None);
    let f: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "MCP002")
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, aispm_core::Severity::Low);
    assert!(f[0].message.contains("disabled"));
}

#[test]
fn rule_fixtures_and_snapshots() {
    aispm_testkit::check_rule_fixtures(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        vec![Box::new(aispm_agents::AgentsAnalyzer::new())],
        aispm_agents::rules::RULES,
    );
}

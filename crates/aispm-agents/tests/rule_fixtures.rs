//! Every agents rule has positive and negative fixtures under `fixtures/<RULE_ID>/`:
//! each `pos_*` file is reported by its rule, no `neg_*` file is (a fixture that must
//! carry its own file name, such as a skill's `SKILL.md`, is a `pos_*`/`neg_*` folder). The whole folder is
//! scanned through the engine, as the CLI would.

use aispm_agents::AgentsAnalyzer;
use aispm_engine::{ScanOptions, Scanner};
use std::path::Path;

#[test]
fn every_rule_reports_its_positives_and_spares_its_negatives() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let scanner = Scanner::new(
        vec![Box::new(AgentsAnalyzer::new())],
        ScanOptions::default(),
    )
    .unwrap();
    let report = scanner.scan(std::slice::from_ref(&root), None);
    assert_eq!(report.stats.errors, 0, "{:#?}", report.errors);
    let mut problems = Vec::new();
    for rule in aispm_agents::rules::RULES {
        let dir = root.join(rule.id);
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| format!("{}/{}", rule.id, e.file_name().to_string_lossy()))
            .collect();
        files.sort();
        let reported = |f: &str| {
            report.findings.iter().any(|x| {
                x.rule_id == rule.id && (x.path == f || x.path.starts_with(&format!("{f}/")))
            })
        };
        let (pos, neg): (Vec<&String>, Vec<&String>) = files
            .iter()
            .filter(|f| f.contains("/pos_") || f.contains("/neg_"))
            .partition(|f| f.contains("/pos_"));
        if pos.len() < 2 || neg.len() < 2 {
            problems.push(format!("{}: needs two pos_ and two neg_ fixtures", rule.id));
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

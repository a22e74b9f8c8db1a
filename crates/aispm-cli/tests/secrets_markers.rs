//! Allow-list comments of other secret scanners (`pragma: allowlist secret`,
//! `gitleaks:allow`, ...) are honoured for the secret rules, and what they cover is
//! listed as suppressed with the marker as the reason, never dropped unseen.

use serde_json::Value;
use std::process::Command;

#[test]
fn other_scanners_allow_comments_suppress_visibly() {
    let dir = tempfile::tempdir().unwrap();
    // Assembled at run time so that this source file holds no token.
    let token = |tail: &str| format!("hf_{}{tail}", "aIBnYYURLgfBeKJkwreHBIgJ");
    let text = format!(
        "A = \"{}\"  # pragma: allowlist secret\n\
         # pragma: allowlist nextline secret\n\
         B = \"{}\"\n\
         C = \"{}\"  # gitleaks:allow\n\
         D = \"{}\"\n",
        token("LVHKtPskqo"),
        token("mQzXwPvcRd"),
        token("GtYhNbVfEk"),
        token("ZpLoKmIjUh"),
    );
    std::fs::write(dir.path().join("settings.py"), text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_aispm"))
        .args(["scan", "--format", "json", "--quiet", "--no-config"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = |v: &Value| -> Vec<u64> {
        let mut l: Vec<u64> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.get("finding").unwrap_or(f))
            .filter(|f| f["rule_id"].as_str().unwrap().starts_with("SEC"))
            .map(|f| f["line"].as_u64().unwrap())
            .collect();
        l.sort();
        l.dedup();
        l
    };
    assert_eq!(lines(&report["findings"]), vec![5], "{report:#}");
    assert_eq!(lines(&report["suppressed"]), vec![1, 3, 4], "{report:#}");
    let reasons: Vec<&str> = report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["suppression"]["reason"].as_str())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("gitleaks:allow")),
        "{reasons:?}"
    );
}

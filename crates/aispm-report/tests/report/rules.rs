use crate::fixture;
use aispm_core::RuleInfo;
use aispm_report::{Format, render_rules};
use std::io;

fn rules_text(format: Format, color: bool) -> io::Result<String> {
    let mut out = Vec::new();
    render_rules(&fixture::registry(), format, color, &mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[test]
fn rules_table_lists_every_rule_with_short_controls() {
    let text = rules_text(Format::Table, false).expect("table renders");
    assert!(!text.contains('\x1b'));
    for id in ["TST001", "TST002", "TST003"] {
        assert!(text.contains(id), "{id} missing from\n{text}");
    }
    assert!(text.contains("LLM03, ML06, AML.T0010.003"), "{text}");
    assert!(text.contains("NIST MEASURE 2.7"), "{text}");
    assert!(!text.contains("LLM03:2025"), "{text}");
    assert!(text.trim_end().ends_with("3 rules"));
    insta::assert_snapshot!("rules_table", text);
}

#[test]
fn rules_table_in_colour_has_escape_codes() {
    let text = rules_text(Format::Table, true).expect("table renders");
    assert!(text.contains('\x1b'));
}

#[test]
fn rules_json_is_an_array_of_rule_info() {
    let text = rules_text(Format::Json, false).expect("json renders");
    let infos: Vec<RuleInfo> = serde_json::from_str(&text).expect("array of RuleInfo");
    let ids: Vec<&str> = infos.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["TST001", "TST002", "TST003"]);
    assert_eq!(infos[0].frameworks.len(), fixture::PICKLE.controls.len());
    assert!(text.ends_with("]\n"));
}

#[test]
fn rules_have_no_sarif_form() {
    let err = rules_text(Format::Sarif, false).expect_err("sarif is refused");
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("--format table"), "{err}");
}

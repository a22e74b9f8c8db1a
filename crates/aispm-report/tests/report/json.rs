use crate::{fixture, rendered};
use aispm_core::ScanReport;
use aispm_report::{Format, RenderOptions};

#[test]
fn json_round_trips_the_contract() {
    let report = fixture::report();
    let text = rendered(&report, Format::Json, &RenderOptions::default());
    assert!(text.ends_with("}\n"), "pretty JSON with a trailing newline");

    let back: ScanReport = serde_json::from_str(&text).expect("output parses as a ScanReport");
    assert_eq!(back.schema_version, report.schema_version);
    assert_eq!(back.tool.name, report.tool.name);
    assert_eq!(back.tool.version, report.tool.version);
    assert_eq!(back.scan.started_at, report.scan.started_at);
    assert_eq!(back.scan.duration_ms, report.scan.duration_ms);
    assert_eq!(back.scan.roots, report.scan.roots);
    assert_eq!(back.scan.config, report.scan.config);
    assert_eq!(back.scan.limits, report.scan.limits);
    assert_eq!(back.stats, report.stats);
    assert_eq!(back.assets, report.assets);
    assert_eq!(back.findings, report.findings);
    assert_eq!(back.suppressed, report.suppressed);
    assert_eq!(back.errors, report.errors);

    // The writer does not reshape the contract: same document as serde produces.
    let direct = serde_json::to_value(&report).expect("report serialises");
    let written: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(written, direct);
}

#[test]
fn options_do_not_change_json() {
    let report = fixture::report();
    let plain = rendered(&report, Format::Json, &RenderOptions::default());
    let opts = RenderOptions {
        color: true,
        show_suppressed: true,
        max_findings_per_severity: Some(0),
        show_low: true,
        verbose: true,
        width: Some(40),
    };
    assert_eq!(rendered(&report, Format::Json, &opts), plain);
    assert!(!plain.contains('\x1b'));
    // SARIF, like JSON, always carries everything whatever the table options.
    assert_eq!(
        rendered(&report, Format::Sarif, &opts),
        rendered(&report, Format::Sarif, &RenderOptions::default())
    );
}

#[test]
fn history_provenance_round_trips_and_is_absent_without_history() {
    let report = fixture::history_report();
    let text = rendered(&report, Format::Json, &RenderOptions::default());
    let back: ScanReport = serde_json::from_str(&text).expect("parses");
    assert_eq!(back.findings, report.findings);
    assert_eq!(back.stats, report.stats);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["stats"]["history"]["commits"], 4);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["history"]["in_tip"] == false)
    );

    let plain = rendered(&fixture::report(), Format::Json, &RenderOptions::default());
    assert!(
        !plain.contains("\"history\""),
        "no history keys without --history"
    );
}

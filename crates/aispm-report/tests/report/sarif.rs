use crate::{fixture, rendered};
use aispm_report::{Format, RenderOptions};
use serde_json::{Value, json};

const SCHEMA: &str = include_str!("../schemas/sarif-2.1.0.json");

/// Validates against the vendored OASIS schema. It is a draft-04 schema with only
/// internal references, so nothing is fetched (and `jsonschema` is built without
/// its resolvers); formats (`uri`, `uri-reference`, `date-time`) are checked too.
fn schema_errors(instance: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(SCHEMA).expect("vendored schema is JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("vendored schema compiles offline");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn sarif(report: &aispm_core::ScanReport) -> Value {
    let text = rendered(report, Format::Sarif, &RenderOptions::default());
    assert!(text.ends_with('\n'));
    serde_json::from_str(&text).expect("SARIF output is JSON")
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results array")
}

fn result_for<'a>(log: &'a Value, rule: &str, suppressed: bool) -> &'a Value {
    results(log)
        .iter()
        .find(|r| r["ruleId"] == rule && r.get("suppressions").is_some() == suppressed)
        .unwrap_or_else(|| panic!("no result for {rule}"))
}

#[test]
fn sarif_validates_against_the_schema() {
    let log = sarif(&fixture::report());
    let errors = schema_errors(&log);
    assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));

    let empty = sarif(&fixture::empty_report());
    let errors = schema_errors(&empty);
    assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));
}

#[test]
fn schema_check_is_not_vacuous() {
    let mut log = sarif(&fixture::report());
    // A result without a message and with a 0 start line is invalid SARIF.
    let first = &mut log["runs"][0]["results"][0];
    first
        .as_object_mut()
        .expect("result object")
        .remove("message");
    first["locations"][0]["physicalLocation"]["region"] = json!({"startLine": 0});
    assert!(schema_errors(&log).len() >= 2);
}

#[test]
fn header_and_driver() {
    let log = sarif(&fixture::report());
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "aispm");
    assert_eq!(driver["version"], "0.1.0");
    assert_eq!(driver["semanticVersion"], "0.1.0");
    assert!(driver.get("informationUri").is_none());
    // The root is relative, so no base URI can be given.
    assert!(log["runs"][0].get("originalUriBaseIds").is_none());
}

#[test]
fn rules_are_sorted_described_and_scored() {
    let log = sarif(&fixture::report());
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules array");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["TST001", "TST002", "TST003"]);

    let pickle = &rules[0];
    assert_eq!(pickle["name"], "test-pickle-code-execution");
    assert_eq!(pickle["shortDescription"]["text"], fixture::PICKLE.title);
    assert_eq!(pickle["fullDescription"]["text"], fixture::PICKLE.what);
    assert_eq!(pickle["help"]["text"], fixture::PICKLE.remediation);
    assert_eq!(pickle["help"]["markdown"], fixture::PICKLE.doc());
    assert_eq!(pickle["defaultConfiguration"]["level"], "error");
    assert_eq!(pickle["properties"]["precision"], "high");
    let tags: Vec<&str> = pickle["properties"]["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        tags,
        [
            "security",
            "model",
            "LLM03:2025",
            "ML06:2023",
            "AML.T0010.003",
            "AML.T0011.000",
            "MEASURE 2.7"
        ]
    );

    let scores: Vec<&str> = rules
        .iter()
        .map(|r| {
            r["properties"]["security-severity"]
                .as_str()
                .expect("score")
        })
        .collect();
    assert_eq!(scores, ["9.5", "8.0", "5.5"]);
    let levels: Vec<&str> = rules
        .iter()
        .filter_map(|r| r["defaultConfiguration"]["level"].as_str())
        .collect();
    assert_eq!(levels, ["error", "error", "warning"]);
}

#[test]
fn results_carry_level_index_fingerprint_and_location() {
    let report = fixture::report();
    let log = sarif(&report);
    assert_eq!(results(&log).len(), 4, "three findings and one suppressed");

    for r in results(&log) {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"][idx]["id"],
            r["ruleId"]
        );
        assert!(
            r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "every result has a message"
        );
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
    }
    for f in &report.findings {
        let r = result_for(&log, &f.rule_id, false);
        assert_eq!(r["partialFingerprints"]["aispm/v1"], f.fingerprint.as_str());
        assert_eq!(r["properties"]["severity"], f.severity.as_str());
        assert_eq!(r["properties"]["category"], f.category.as_str());
    }

    let levels: Vec<(&str, &str)> = ["TST001", "TST002", "TST003"]
        .iter()
        .map(|id| {
            (
                *id,
                result_for(&log, id, false)["level"]
                    .as_str()
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            ("TST001", "error"),
            ("TST002", "error"),
            ("TST003", "warning")
        ]
    );

    let token = result_for(&log, "TST002", false);
    let phys = &token["locations"][0]["physicalLocation"];
    assert_eq!(phys["artifactLocation"]["uri"], "config/.env");
    assert_eq!(phys["region"], json!({"startLine": 2, "endLine": 2}));
    assert!(
        token["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("Evidence: HF_TOKEN=hf_Ab…[redacted]"))
    );
}

#[test]
fn archive_member_without_line_points_at_the_outer_file() {
    let log = sarif(&fixture::report());
    let pickle = result_for(&log, "TST001", false);
    let phys = &pickle["locations"][0]["physicalLocation"];
    assert_eq!(phys["artifactLocation"]["uri"], "downloads/my%20model.zip");
    assert!(phys.get("region").is_none(), "line None means no region");
    assert_eq!(pickle["properties"]["archivePath"], fixture::ARCHIVE_MEMBER);
    assert!(
        pickle["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains(fixture::ARCHIVE_MEMBER))
    );
    assert!(
        pickle["properties"]["assetId"]
            .as_str()
            .is_some_and(|id| id.starts_with("model:"))
    );
}

#[test]
fn suppressed_findings_are_results_with_suppressions() {
    let log = sarif(&fixture::report());
    let r = result_for(&log, "TST002", true);
    assert_eq!(
        r["suppressions"],
        json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": "test fixture, not a real token"
        }])
    );
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/.env"
    );
}

#[test]
fn errors_are_tool_execution_notifications() {
    let log = sarif(&fixture::report());
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    let notes = inv["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "warning");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "models/broken.safetensors"
    );
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("header length exceeds file size"))
    );
    assert_eq!(notes[0]["properties"]["stage"], "safetensors");
}

#[test]
fn external_suppressions_and_absolute_roots() {
    let mut report = fixture::report();
    report.scan.roots = vec!["/nonexistent/aispm/repo".to_string()];
    report.suppressed[0].suppression = aispm_core::Suppression {
        kind: aispm_core::SuppressionKind::Baseline,
        reason: None,
    };
    // A finding of a rule this build does not know still gets a descriptor.
    let mut unknown = report.findings[0].clone();
    unknown.rule_id = "ZZZ999".to_string();
    unknown.line = Some(0);
    report.findings.push(unknown);

    let log = sarif(&report);
    let errors = schema_errors(&log);
    assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));
    assert_eq!(
        log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///nonexistent/aispm/repo/"
    );
    let r = result_for(&log, "TST002", true);
    assert_eq!(r["suppressions"][0]["kind"], "external");
    assert_eq!(
        r["suppressions"][0]["justification"],
        "fingerprint is in the baseline"
    );

    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(rules.last().map(|r| &r["id"]), Some(&json!("ZZZ999")));
    let z = result_for(&log, "ZZZ999", false);
    assert!(
        z["locations"][0]["physicalLocation"]
            .get("region")
            .is_none()
    );
}

#[test]
fn sarif_snapshot() {
    let text = rendered(&fixture::report(), Format::Sarif, &RenderOptions::default());
    insta::assert_snapshot!("sarif", text);
}

#[test]
fn history_findings_carry_their_commit() {
    let log = sarif(&fixture::history_report());
    let errors = schema_errors(&log);
    assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));
    let gone = results(&log)
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/.env")
        .expect("the history-only finding is a result");
    let h = &gone["properties"]["history"];
    assert_eq!(h["commit"], "0f58141650ca969a7f4a6cbc855fdc4d915f0f5c");
    assert_eq!(h["author"], "Dev Example");
    assert_eq!(h["date"], "2024-03-02T11:00:00Z");
    assert_eq!(h["path"], "app/.env");
    assert_eq!(h["inTip"], false);
    assert!(
        gone["message"]["text"]
            .as_str()
            .unwrap()
            .contains("removed from the tip but alive in history")
    );
    let kept = results(&log)
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "config/.env")
        .expect("the tip finding");
    assert_eq!(kept["properties"]["history"]["inTip"], true);
    // Without --history nothing changes.
    let plain = sarif(&fixture::report());
    assert!(
        results(&plain)
            .iter()
            .all(|r| r["properties"].get("history").is_none())
    );
}

//! Detections as findings: the secret rule of the detector's family, plus the access
//! rules (`SEC101`–`SEC103`) where the place or the format says more. Nothing of the
//! secret but its redacted form goes into a message, evidence or property.

use crate::Detection;
use crate::detector::{Confidence, Family};
use crate::rules;
use aispm_core::{RawFinding, Rule, Severity};
use serde_json::Value;

/// MCP client and coding-agent configuration files, by name, or by an `mcpServers`
/// table in a JSON, YAML or TOML file.
pub fn is_agent_config(path: &str, head: &[u8]) -> bool {
    let inner = path.rsplit('!').next().unwrap_or(path).replace('\\', "/");
    let lower = inner.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    const NAMES: &[&str] = &[
        "mcp.json",
        ".mcp.json",
        "claude_desktop_config.json",
        "mcp_config.json",
        "mcp_settings.json",
        "cline_mcp_settings.json",
        ".claude.json",
    ];
    const PATHS: &[&str] = &[
        ".cursor/mcp.json",
        ".vscode/mcp.json",
        ".claude/settings.json",
        ".claude/settings.local.json",
        ".gemini/settings.json",
        ".codex/config.toml",
        ".continue/config.json",
        ".continue/config.yaml",
        ".windsurf/mcp_config.json",
        ".codeium/windsurf/mcp_config.json",
        ".roo/mcp.json",
        ".kiro/settings/mcp.json",
        ".amazonq/mcp.json",
    ];
    if NAMES.contains(&name) || PATHS.iter().any(|p| lower.ends_with(p)) {
        return true;
    }
    let ext = name.rsplit('.').next().unwrap_or("");
    matches!(ext, "json" | "jsonc" | "yaml" | "yml" | "toml")
        && [&b"mcpServers"[..], b"mcp_servers", b"\"context_servers\""]
            .iter()
            .any(|k| memchr::memmem::find(head, k).is_some())
}

fn prop<'a>(d: &'a Detection, key: &str) -> Option<&'a Value> {
    d.props.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// Where a file sits when that says its values are test data or examples: test
/// folders and test files, fixtures, recorded HTTP cassettes and snapshots (`test`),
/// documentation and example folders (`docs`).
pub fn path_context(path: &str) -> Option<&'static str> {
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    let parts: Vec<&str> = lower.split(['/', '!']).filter(|p| !p.is_empty()).collect();
    let (name, dirs) = parts.split_last()?;
    const TEST_DIRS: &[&str] = &[
        "test",
        "tests",
        "__tests__",
        "testing",
        "spec",
        "specs",
        "testdata",
        "test_data",
        "test-data",
        "fixtures",
        "fixture",
        "cassettes",
        "__snapshots__",
        "__mocks__",
        "mocks",
        "e2e",
    ];
    const DOC_DIRS: &[&str] = &[
        "docs",
        "doc",
        "examples",
        "example",
        "samples",
        "sample",
        "tutorials",
        "demo",
        "demos",
    ];
    let stem = name.split('.').next().unwrap_or(name);
    let test_file = stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || *name == "conftest.py"
        || [".test.", ".spec.", "_spec."]
            .iter()
            .any(|m| name.contains(m));
    if test_file || dirs.iter().any(|d| TEST_DIRS.contains(d)) {
        Some("test")
    } else if dirs.iter().any(|d| DOC_DIRS.contains(d)) {
        Some("docs")
    } else {
        None
    }
}

/// The confidence a finding reports: the detection's, one step lower in test or
/// example files for a value whose format proves nothing by itself (a generic
/// assignment, or a common shape accepted for a provider mention nearby). A value
/// with a provider prefix or a structure keeps its confidence there: recorded HTTP
/// cassettes and fixtures do hold live tokens.
fn confidence_of(d: &Detection, context: Option<&str>) -> Confidence {
    let shapeless = d.detector.family == Family::Generic || d.detector.priority <= 2;
    match (context, d.confidence) {
        (Some(_), Confidence::Medium | Confidence::High) if shapeless => Confidence::Low,
        (_, c) => c,
    }
}

fn severity_of(d: &Detection, rule: &Rule, confidence: Confidence) -> Severity {
    let mut s = rule.severity;
    if prop(d, "encrypted") == Some(&Value::Bool(true)) {
        s = s.min(Severity::Medium);
    }
    // A detector caps what its family's rule says where the credential opens less: a
    // public identifier, a token that expires within the hour.
    if let Some(cap) = prop(d, "max_severity").and_then(|v| v.as_str()?.parse::<Severity>().ok()) {
        s = s.min(cap);
    }
    if prop(d, "mode").and_then(Value::as_str) == Some("test") {
        s = Severity::Low;
    }
    if prop(d, "local_host") == Some(&Value::Bool(true))
        || prop(d, "reserved_host") == Some(&Value::Bool(true))
    {
        s = Severity::Low;
    }
    // A generic assignment is never more than medium, whatever rule reports it.
    if d.detector.family == Family::Generic {
        s = s.min(Severity::Medium);
    }
    if confidence == Confidence::Low {
        s = s.min(Severity::Low);
    }
    // Published demo tokens and tokens that expired long ago open nothing.
    if prop(d, "public_demo").is_some() || prop(d, "expired").is_some() {
        s = Severity::Info;
    }
    s
}

fn place(d: &Detection) -> String {
    let mut s = String::new();
    if let Some(n) = &d.name {
        s.push_str(&format!(" assigned to `{}`", clip(n, 80)));
    }
    if let Some(cell) = prop(d, "cell").and_then(Value::as_u64) {
        let loc = prop(d, "location")
            .and_then(Value::as_str)
            .unwrap_or("source");
        s.push_str(&format!(" in notebook cell {cell} ({loc})"));
    }
    if prop(d, "encoding").and_then(Value::as_str) == Some("base64") {
        s.push_str(" (base64-encoded)");
    }
    if prop(d, "public_demo").is_some() {
        s.push_str("; its issuer names a demo, so it is a published development token");
    }
    if let Some(date) = prop(d, "expired").and_then(Value::as_str) {
        s.push_str(&format!("; it expired on {date}"));
    }
    s
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

fn base(
    rule: &'static Rule,
    path: &str,
    d: &Detection,
    message: String,
    key: String,
) -> RawFinding {
    let context = path_context(path);
    let confidence = confidence_of(d, context);
    let mut f = RawFinding::new(rule, path, message)
        .key(key)
        .severity(severity_of(d, rule, confidence));
    if let Some(l) = d.line {
        f = f.lines(l, d.end_line.unwrap_or(l));
    }
    if let Some(c) = context {
        f = f.property("path_context", c);
    }
    f = f
        .property("secret_kind", d.kind)
        .property("detector", d.detector.id)
        .property("confidence", confidence.as_str())
        .property("redacted", d.redacted.clone())
        .property("secret_hash", d.hash[..8].to_string())
        .property("ai_credential", d.detector.ai);
    if d.line.is_none() {
        f = f.property("offset", d.offset);
    }
    for (k, v) in &d.props {
        f = f.property(k, v.clone());
    }
    f
}

/// Every finding for the detections of one file.
pub fn findings_for(path: &str, detections: &[Detection], agent_config: bool) -> Vec<RawFinding> {
    let mut out = Vec::new();
    let in_tests = path_context(path) == Some("test");
    for d in detections {
        // A password for a reserved documentation host in a test is the test's input
        // (URL parsing, credential scrubbing), not a credential.
        if in_tests && prop(d, "reserved_host") == Some(&Value::Bool(true)) {
            continue;
        }
        let rule = rules::rule_for(d.detector.family);
        let mut title = d.detector.title.to_string();
        if d.detector.family == Family::Cloud && prop(d, "paired") == Some(&Value::Bool(true)) {
            title = "AWS access key with its secret access key".into();
        }
        let message = format!("{title} `{}`{}", d.redacted, place(d));
        let evidence = match &d.name {
            Some(n) => format!("{} = {}", clip(n, 80), d.redacted),
            None => d.redacted.clone(),
        };
        out.push(base(rule, path, d, message, d.fingerprint_key()).evidence(evidence.clone()));
        if agent_config {
            let what = if d.detector.ai {
                "AI credential"
            } else {
                "credential"
            };
            out.push(
                base(
                    &rules::CREDENTIAL_IN_AGENT_CONFIG,
                    path,
                    d,
                    format!(
                        "{what} ({}) `{}` written into an agent configuration{}",
                        d.detector.title,
                        d.redacted,
                        place(d)
                    ),
                    format!("agent:{}", d.fingerprint_key()),
                )
                .evidence(evidence.clone()),
            );
        }
        let long_lived = prop(d, "aws_key_type").and_then(Value::as_str) == Some("long-lived")
            || prop(d, "lifetime").and_then(Value::as_str) == Some("long-lived")
            || d.kind == "gcp-service-account";
        if long_lived {
            let instead = match d.kind {
                "gcp-service-account" => "workload identity or short-lived tokens",
                "aws-bedrock" => "short-term Bedrock API keys or IAM roles",
                _ => "temporary (STS) credentials from a role",
            };
            out.push(
                base(
                    &rules::LONG_LIVED_KEY,
                    path,
                    d,
                    format!(
                        "long-lived {} `{}` where {instead} exist",
                        d.detector.title, d.redacted
                    ),
                    format!("lifetime:{}", d.fingerprint_key()),
                )
                .evidence(evidence.clone()),
            );
        }
        if let Some(scope) = prop(d, "scope").and_then(Value::as_str) {
            out.push(
                base(
                    &rules::ADMIN_SCOPED_KEY,
                    path,
                    d,
                    format!("{} `{}` has {scope} scope", d.detector.title, d.redacted),
                    format!("scope:{}", d.fingerprint_key()),
                )
                .evidence(evidence),
            );
        }
    }
    out
}

//! Detections as findings: the secret rule of the detector's family, plus the access
//! rules (`SEC101`–`SEC103`) where the place or the format says more. Nothing of the
//! secret but its redacted form goes into a message, evidence or property.

use crate::Detection;
use crate::detector::Family;
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

fn severity_of(d: &Detection, rule: &Rule) -> Severity {
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
    if prop(d, "local_host") == Some(&Value::Bool(true)) {
        s = Severity::Low;
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
    let mut f = RawFinding::new(rule, path, message).key(key);
    if let Some(l) = d.line {
        f = f.lines(l, d.end_line.unwrap_or(l));
    }
    f = f
        .property("secret_kind", d.kind)
        .property("detector", d.detector.id)
        .property("confidence", d.confidence.as_str())
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
    for d in detections {
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
        out.push(
            base(rule, path, d, message, d.fingerprint_key())
                .evidence(evidence.clone())
                .severity(severity_of(d, rule)),
        );
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

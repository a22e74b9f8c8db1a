//! What a detection is as a finding, whichever rule reports it: the [`Leak`] view the
//! rules get, the severity and confidence that follow from the evidence (a detector's
//! `max_severity` cap, test and example paths, test-mode keys, local and reserved hosts,
//! demo and expired tokens) and the properties every finding carries. Nothing of the
//! secret but its redacted form goes into a message, evidence or property. Which rules
//! report a detection is `rules/`' business.

use crate::Detection;
use crate::detector::{Confidence, Family};
use aispm_core::{RawFinding, Rule, Severity};
use serde_json::Value;

pub(crate) fn prop<'a>(d: &'a Detection, key: &str) -> Option<&'a Value> {
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

/// A secret found in a file, as the rules see it: the detection, the path of its file
/// and the evidence every finding about it shows (the name it is assigned to and its
/// redacted form, never the secret).
#[derive(Debug)]
pub struct Leak<'a> {
    pub path: &'a str,
    pub d: &'a Detection,
    pub evidence: String,
}

impl<'a> Leak<'a> {
    pub fn new(path: &'a str, d: &'a Detection) -> Leak<'a> {
        let evidence = match &d.name {
            Some(n) => format!("{} = {}", clip(n, 80), d.redacted),
            None => d.redacted.clone(),
        };
        Leak { path, d, evidence }
    }

    /// A property of the detection (set by its detector's check).
    pub fn prop(&self, key: &str) -> Option<&'a Value> {
        prop(self.d, key)
    }

    /// Where the secret stands, for messages: the name it is assigned to, the notebook
    /// cell, an encoding, and why a token opens nothing.
    pub fn place(&self) -> String {
        place(self.d)
    }

    /// A finding of `rule` about this secret, keyed on `key`: severity and confidence
    /// from the evidence, lines, the detection's properties and the evidence.
    pub fn finding(&self, rule: &'static Rule, message: String, key: String) -> RawFinding {
        let (path, d) = (self.path, self.d);
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
        f.evidence(self.evidence.clone())
    }
}

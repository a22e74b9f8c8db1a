//! SARIF 2.1.0 for code-scanning platforms (GitHub code scanning in particular).
//!
//! One run; the driver lists every rule that a finding or a suppressed finding names,
//! sorted by ID. Findings become results, suppressed findings become results with a
//! `suppressions` entry, and error records become tool execution notifications of
//! the one invocation. Archive members point at the outer file on disk, since that
//! is what a code-scanning UI can open; the full `outer.zip!inner` path is kept in
//! the message and in `properties.archivePath`. A finding from the git history
//! (`--history`) carries its commit, author, date, path in that commit and whether the
//! scanned tree still has it in `properties.history`; the run has no
//! `versionControlProvenance`, which requires a repository URI the scan does not know.

use crate::text::error_kind_str;
use aispm_core::report::ARCHIVE_SEPARATOR;
use aispm_core::{
    ControlRef, ErrorRecord, Finding, Rule, RuleRegistry, ScanReport, Severity, Stats,
    SuppressionKind,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// GitHub code scanning keeps only the first 20 tags of a rule.
const MAX_TAGS: usize = 20;

pub(crate) fn write_sarif(
    report: &ScanReport,
    rules: &RuleRegistry,
    out: &mut dyn Write,
) -> io::Result<()> {
    let log = build(report, rules);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BTreeMap<&'static str, ArtifactLocation>>,
    invocations: Vec<Invocation<'a>>,
    results: Vec<SarifResult<'a>>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    roots: &'a [String],
    stats: &'a Stats,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    semantic_version: Option<&'a str>,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    short_description: Message,
    full_description: Message,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Help {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    precision: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    severity: Severity,
    category: aispm_core::Category,
    #[serde(skip_serializing_if = "Option::is_none")]
    asset_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    archive_path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<HistoryProperties<'a>>,
}

/// Where a finding's content came from in the git history.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HistoryProperties<'a> {
    commit: &'a str,
    author: &'a str,
    email: &'a str,
    date: &'a str,
    path: &'a str,
    /// `false`: removed from the tip but alive in history.
    in_tip: bool,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
    properties: InvocationProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InvocationProperties<'a> {
    started_at: &'a str,
    duration_ms: u64,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    properties: NotificationProperties<'a>,
}

#[derive(Serialize)]
struct NotificationProperties<'a> {
    kind: &'static str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<&'a str>,
}

fn build<'a>(report: &'a ScanReport, rules: &RuleRegistry) -> Log<'a> {
    let all = || {
        report
            .findings
            .iter()
            .chain(report.suppressed.iter().map(|s| &s.finding))
    };

    // Every rule named by a result, once, by ID. The first finding of a rule the
    // registry does not know supplies its description.
    let mut named: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in all() {
        named.entry(f.rule_id.as_str()).or_insert(f);
    }
    let descriptors: Vec<ReportingDescriptor> = named
        .iter()
        .map(|(id, f)| match rules.get(id) {
            Some(rule) => rule_descriptor(id, rule),
            None => fallback_descriptor(f),
        })
        .collect();
    let index: BTreeMap<&str, usize> = named.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let rule_index = |id: &str| index.get(id).copied().unwrap_or_default();

    let mut results: Vec<SarifResult<'a>> = report
        .findings
        .iter()
        .map(|f| result(f, rule_index(&f.rule_id), None))
        .collect();
    results.extend(report.suppressed.iter().map(|s| {
        let kind = match s.suppression.kind {
            SuppressionKind::Inline => "inSource",
            SuppressionKind::Baseline
            | SuppressionKind::RuleSelection
            | SuppressionKind::PathExclusion => "external",
        };
        let justification = match s.suppression.reason.as_deref().map(str::trim) {
            Some(r) if !r.is_empty() => r.to_string(),
            _ => match s.suppression.kind {
                SuppressionKind::Inline => "suppressed by an aispm:ignore comment",
                SuppressionKind::Baseline => "fingerprint is in the baseline",
                SuppressionKind::RuleSelection => "rule is not selected",
                SuppressionKind::PathExclusion => "path is excluded for this rule",
            }
            .to_string(),
        };
        let suppression = Suppression {
            kind,
            status: "accepted",
            justification,
        };
        result(
            &s.finding,
            rule_index(&s.finding.rule_id),
            Some(suppression),
        )
    }));

    let notifications = report.errors.iter().map(notification).collect();

    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "aispm",
                    version: &report.tool.version,
                    semantic_version: is_semver(&report.tool.version)
                        .then_some(report.tool.version.as_str()),
                    rules: descriptors,
                },
            },
            original_uri_base_ids: srcroot(&report.scan.roots),
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
                properties: InvocationProperties {
                    started_at: &report.scan.started_at,
                    duration_ms: report.scan.duration_ms,
                },
            }],
            results,
            properties: RunProperties {
                roots: &report.scan.roots,
                stats: &report.stats,
            },
        }],
    }
}

/// SARIF level of a severity.
pub(crate) fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning's `security-severity` score: over 9.0 is critical, 7.0–8.9
/// high, 4.0–6.9 medium, 0.1–3.9 low.
pub(crate) fn security_severity(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// `security` (GitHub only scores rules tagged so), the category, then control IDs.
fn tags<'c>(category: &str, controls: impl Iterator<Item = &'c str>) -> Vec<String> {
    let mut tags = vec!["security".to_string(), category.to_string()];
    for id in controls {
        if tags.len() == MAX_TAGS {
            break;
        }
        if !tags.iter().any(|t| t == id) {
            tags.push(id.to_string());
        }
    }
    tags
}

fn rule_descriptor(id: &str, rule: &Rule) -> ReportingDescriptor {
    ReportingDescriptor {
        id: id.to_string(),
        name: Some(rule.name.to_string()),
        short_description: Message {
            text: rule.title.to_string(),
        },
        full_description: Message {
            text: rule.what.trim().to_string(),
        },
        help: Help {
            text: rule.remediation.trim().to_string(),
            markdown: Some(rule.doc()),
        },
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags: tags(rule.category.as_str(), rule.controls.iter().map(|c| c.id)),
            security_severity: security_severity(rule.severity),
            precision: "high",
        },
    }
}

/// A descriptor for a rule this build does not know (a report written by another
/// version), made from what the finding carries.
fn fallback_descriptor(f: &Finding) -> ReportingDescriptor {
    let title = non_empty(&f.title, &f.rule_id);
    ReportingDescriptor {
        id: f.rule_id.clone(),
        name: None,
        short_description: Message {
            text: title.to_string(),
        },
        full_description: Message {
            text: title.to_string(),
        },
        help: Help {
            text: non_empty(&f.remediation, title).to_string(),
            markdown: None,
        },
        default_configuration: Configuration {
            level: level(f.severity),
        },
        properties: RuleProperties {
            tags: tags(
                f.category.as_str(),
                f.frameworks.iter().map(|c: &ControlRef| c.id.as_str()),
            ),
            security_severity: security_severity(f.severity),
            precision: "high",
        },
    }
}

fn non_empty<'s>(s: &'s str, fallback: &'s str) -> &'s str {
    if s.trim().is_empty() {
        fallback
    } else {
        s.trim()
    }
}

fn result<'a>(
    f: &'a Finding,
    rule_index: usize,
    suppression: Option<Suppression>,
) -> SarifResult<'a> {
    let (artifact, member) = artifact_location(&f.path);
    let mut text = non_empty(&f.message, non_empty(&f.title, &f.rule_id)).to_string();
    if let Some(ev) = f
        .evidence
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        text.push_str("\nEvidence: ");
        text.push_str(ev);
    }
    if member {
        text.push_str("\nArchive member: ");
        text.push_str(&f.path);
    }
    // SARIF lines are 1-based; a 0 from a buggy analyzer is treated as "no line".
    let region = f.line.filter(|&l| l > 0).map(|start_line| Region {
        start_line,
        end_line: f.end_line.filter(|&e| e >= start_line),
    });
    SarifResult {
        rule_id: &f.rule_id,
        rule_index,
        level: level(f.severity),
        message: Message { text },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact,
                region,
            },
        }],
        partial_fingerprints: BTreeMap::from([("aispm/v1", f.fingerprint.as_str())]),
        suppressions: suppression.into_iter().collect(),
        properties: ResultProperties {
            severity: f.severity,
            category: f.category,
            asset_id: f.asset_id.as_deref(),
            archive_path: member.then_some(f.path.as_str()),
            history: f.history.as_ref().map(|h| HistoryProperties {
                commit: &h.commit,
                author: &h.author,
                email: &h.email,
                date: &h.date,
                path: &h.path,
                in_tip: h.in_tip,
            }),
        },
    }
}

fn notification(e: &ErrorRecord) -> Notification<'_> {
    let (artifact, _) = artifact_location(&e.path);
    let kind = error_kind_str(e.kind);
    let message = non_empty(&e.message, "no details");
    Notification {
        level: "warning",
        message: Message {
            text: format!("{kind} error in {}: {message}", e.path),
        },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact,
                region: None,
            },
        }],
        properties: NotificationProperties {
            kind,
            path: &e.path,
            stage: e.stage.as_deref(),
        },
    }
}

/// The artifact location of a display path, and whether it names an archive member
/// (then the location is the outermost archive).
fn artifact_location(path: &str) -> (ArtifactLocation, bool) {
    let (outer, member) = match path.split_once(ARCHIVE_SEPARATOR) {
        Some((outer, inner)) if !outer.is_empty() && !inner.is_empty() => (outer, true),
        _ => (path, false),
    };
    (file_location(outer), member)
}

/// Whether a path uses `\` as its separator: a Windows path, recognised by a drive
/// letter or by the platform that renders it. On other platforms `\` is an ordinary
/// file-name character and is percent-encoded.
fn uses_backslashes(path: &str) -> bool {
    std::path::MAIN_SEPARATOR == '\\' || has_drive_letter(&path.replace('\\', "/"))
}

fn has_drive_letter(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

/// An absolute path becomes a `file:` URI; a relative one (display paths are
/// relative to the scan root) a relative reference against `%SRCROOT%`.
fn file_location(path: &str) -> ArtifactLocation {
    let path = if uses_backslashes(path) {
        path.replace('\\', "/")
    } else {
        path.to_string()
    };
    match absolute_file_uri(&path) {
        Some(uri) => ArtifactLocation {
            uri,
            uri_base_id: None,
        },
        None => {
            let mut rel = path.as_str();
            while let Some(rest) = rel.strip_prefix("./") {
                rel = rest;
            }
            let rel = rel.trim_start_matches('/');
            let uri = if rel.is_empty() {
                ".".to_string()
            } else {
                percent_encode(rel)
            };
            ArtifactLocation {
                uri,
                uri_base_id: Some(SRCROOT),
            }
        }
    }
}

/// `file:` URI of an absolute path (`/a/b`, `C:/a/b`, `//server/share/a`), with
/// forward slashes.
fn absolute_file_uri(path: &str) -> Option<String> {
    if let Some(unc) = path.strip_prefix("//") {
        Some(format!("file://{}", percent_encode(unc)))
    } else if path.starts_with('/') {
        Some(format!("file://{}", percent_encode(path)))
    } else if has_drive_letter(path) {
        // Keep the drive's colon: `file:///C:/dir`.
        Some(format!(
            "file:///{}:{}",
            &path[..1],
            percent_encode(&path[2..])
        ))
    } else {
        None
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`. Encoding
/// `:` also keeps a relative reference from being read as a scheme.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

const HEX: [u8; 16] = *b"0123456789ABCDEF";

/// `%SRCROOT%` as an absolute directory URI, when there is exactly one root and it
/// is an absolute directory path. A relative root cannot be expressed (the base of
/// an `originalUriBaseIds` entry must be absolute), and a file root would make
/// display paths relative to its directory, not to itself.
fn srcroot(roots: &[String]) -> Option<BTreeMap<&'static str, ArtifactLocation>> {
    let [root] = roots else { return None };
    let root = if uses_backslashes(root) {
        root.replace('\\', "/")
    } else {
        root.clone()
    };
    if std::path::Path::new(&root).is_file() {
        return None;
    }
    let mut uri = absolute_file_uri(&root)?;
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(BTreeMap::from([(
        SRCROOT,
        ArtifactLocation {
            uri,
            uri_base_id: None,
        },
    )]))
}

/// `MAJOR.MINOR.PATCH` with an optional pre-release or build suffix.
fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(path: &str) -> (String, Option<&'static str>, bool) {
        let (a, member) = artifact_location(path);
        (a.uri, a.uri_base_id, member)
    }

    #[test]
    fn relative_paths_are_encoded_against_srcroot() {
        assert_eq!(
            loc("models/my model.pt"),
            ("models/my%20model.pt".into(), Some(SRCROOT), false)
        );
        assert_eq!(loc("./a/b.pkl"), ("a/b.pkl".into(), Some(SRCROOT), false));
        assert_eq!(
            loc("a:b/c#d?e%"),
            ("a%3Ab/c%23d%3Fe%25".into(), Some(SRCROOT), false)
        );
        assert_eq!(loc("données/é.csv").0, "donn%C3%A9es/%C3%A9.csv");
    }

    #[test]
    fn archive_members_point_at_the_outer_file() {
        assert_eq!(
            loc("dl/my model.zip!inner dir/x.pkl"),
            ("dl/my%20model.zip".into(), Some(SRCROOT), true)
        );
        assert_eq!(
            loc("a.tar!b.zip!c.pkl"),
            ("a.tar".into(), Some(SRCROOT), true)
        );
        // A bare `!` at either end is not a member path.
        assert!(!loc("weird!").2);
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        assert_eq!(
            loc("/srv/a b/m.pt"),
            ("file:///srv/a%20b/m.pt".into(), None, false)
        );
        assert_eq!(loc("C:\\Users\\x\\m.pt").0, "file:///C:/Users/x/m.pt");
        assert_eq!(loc("//host/share/m.pt").0, "file://host/share/m.pt");
    }

    #[test]
    fn srcroot_only_for_one_absolute_root() {
        assert!(srcroot(&[".".into()]).is_none());
        assert!(srcroot(&["/a".into(), "/b".into()]).is_none());
        let base = srcroot(&["/nonexistent/aispm root".into()]);
        assert_eq!(
            base.as_ref()
                .and_then(|m| m.get(SRCROOT))
                .map(|a| a.uri.as_str()),
            Some("file:///nonexistent/aispm%20root/")
        );
    }

    #[test]
    fn semver() {
        assert!(is_semver("0.1.0"));
        assert!(is_semver("1.2.3-rc.1+build"));
        assert!(!is_semver("1.2"));
        assert!(!is_semver("dev"));
    }
}

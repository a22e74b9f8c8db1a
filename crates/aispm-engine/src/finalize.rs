//! Turning what the analyzers reported into the final report: fingerprints, rule
//! metadata, asset links, suppressions (rule selection, path ignores, inline comments,
//! baseline), ordering and statistics.

use crate::config::PathIgnore;
use crate::history::HistoryResult;
use crate::scanner::{Counters, Scanner};
use aispm_core::report::{SCHEMA_VERSION, ScanInfo, ToolInfo, fingerprint};
use aispm_core::{
    Asset, ErrorRecord, FileInput, Finding, Notice, RawFinding, Rule, ScanReport, Stats,
    SuppressedFinding, Suppression, SuppressionKind,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// The marker of an inline suppression comment.
pub const INLINE_MARKER: &str = "aispm:ignore";

/// What one file on disk produced (including its archive members).
#[derive(Debug, Default)]
pub struct FileResult {
    pub findings: Vec<RawFinding>,
    pub assets: Vec<Asset>,
    pub errors: Vec<ErrorRecord>,
    pub inline: Vec<InlineSuppression>,
    pub notices: Vec<Notice>,
}

impl FileResult {
    /// Nothing to keep: also no inline suppressions, which a file without findings of
    /// its own holds when an analyzer's `finish` hook may report on it.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
            && self.assets.is_empty()
            && self.errors.is_empty()
            && self.notices.is_empty()
            && self.inline.is_empty()
    }
}

/// An `aispm:ignore RULE[,RULE] reason` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineSuppression {
    pub path: String,
    pub line: u32,
    pub selectors: Vec<String>,
    pub reason: Option<String>,
    /// The comment is a line of its own, so it also covers the line below it (a
    /// comment at the end of a line of code covers that line only).
    pub covers_next: bool,
}

/// Results of all files, merged.
#[derive(Debug, Default)]
pub struct Collected {
    pub findings: Vec<RawFinding>,
    pub assets: Vec<Asset>,
    pub errors: Vec<ErrorRecord>,
    pub inline: Vec<InlineSuppression>,
    pub notices: Vec<Notice>,
}

impl Collected {
    pub fn push(&mut self, mut r: FileResult) {
        self.findings.append(&mut r.findings);
        self.assets.append(&mut r.assets);
        self.errors.append(&mut r.errors);
        self.inline.append(&mut r.inline);
        self.notices.append(&mut r.notices);
    }
}

/// Which findings are reported and which are suppressed.
#[derive(Debug, Clone, Default)]
pub struct SelectionOptions {
    /// Rule IDs or prefixes to report; all when empty.
    pub select: Vec<String>,
    /// Rule IDs or prefixes not to report.
    pub ignore: Vec<String>,
    pub path_ignores: Vec<PathIgnore>,
    pub baseline: Option<Baseline>,
}

impl SelectionOptions {
    /// Whether `--select` and `--ignore` let this rule be reported.
    pub fn reports(&self, rule_id: &str) -> bool {
        (self.select.is_empty() || selected(rule_id, &self.select))
            && !selected(rule_id, &self.ignore)
    }

    /// Whether an analyzer with these rules has anything to report: one of its rules
    /// is selected. An analyzer without rules (the inventory reports assets only) runs
    /// unless `--select` asks for particular rules.
    pub fn runs_analyzer(&self, rules: &[&Rule]) -> bool {
        if rules.is_empty() {
            return self.select.is_empty();
        }
        rules.iter().any(|r| self.reports(r.id))
    }
}

/// Why a baseline could not be read or written ([`Baseline::load`],
/// [`Baseline::save`]). Where the message includes the underlying error's, that
/// error is kept but not also given as the `source` (an error chain such as the
/// command line's would print it twice).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be read.
    #[error("cannot read baseline {}: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file is not a baseline (not JSON, or not its shape).
    #[error("invalid baseline {}: {error}", path.display())]
    Invalid {
        path: PathBuf,
        error: serde_json::Error,
    },
    /// The baseline could not be serialised.
    #[error(transparent)]
    Serialize(#[from] serde_json::Error),
    /// The file could not be written.
    #[error("cannot write baseline {}: {error}", path.display())]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// A set of known findings, by fingerprint, so that only new ones fail a build.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Baseline {
    pub schema_version: u32,
    pub tool: String,
    pub findings: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    pub path: String,
}

impl Baseline {
    pub fn from_report(report: &ScanReport) -> Baseline {
        let mut findings: Vec<BaselineEntry> = report
            .findings
            .iter()
            .chain(
                report
                    .suppressed
                    .iter()
                    .filter(|s| s.suppression.kind == SuppressionKind::Baseline)
                    .map(|s| &s.finding),
            )
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                path: f.path.clone(),
            })
            .collect();
        findings.sort();
        findings.dedup();
        Baseline {
            schema_version: 1,
            tool: "aispm".into(),
            findings,
        }
    }

    /// Reads a baseline file written by [`save`](Self::save).
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|error| BaselineError::Read {
            path: path.to_path_buf(),
            error,
        })?;
        serde_json::from_str(&text).map_err(|error| BaselineError::Invalid {
            path: path.to_path_buf(),
            error,
        })
    }

    /// Writes the baseline as pretty-printed JSON.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(path, text + "\n").map_err(|error| BaselineError::Write {
            path: path.to_path_buf(),
            error,
        })
    }

    fn set(&self) -> HashSet<&str> {
        self.findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect()
    }
}

/// Reads the `aispm:ignore` comments of a text file that has findings with lines.
pub(crate) fn collect_inline_suppressions(
    input: &FileInput<'_>,
    result: &mut FileResult,
    reports_later: bool,
) {
    let has_lines = result
        .findings
        .iter()
        .any(|f| f.path == input.path && f.line.is_some());
    if !has_lines && !reports_later {
        return;
    }
    let Ok(Some(bytes)) = input.read_all(64 << 20) else {
        return;
    };
    let markers = markers();
    if !markers.is_match(&bytes[..]) {
        return;
    }
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let Some(m) = markers.find(line) else {
            continue;
        };
        let line_no = i as u32 + 1;
        if m.pattern().as_usize() == 0 {
            let Some(pos) = memchr::memmem::find(line, INLINE_MARKER.as_bytes()) else {
                continue;
            };
            let rest = String::from_utf8_lossy(&line[pos + INLINE_MARKER.len()..]).into_owned();
            if let Some((selectors, reason)) = parse_inline(&rest) {
                result.inline.push(InlineSuppression {
                    path: input.path.to_string(),
                    line: line_no,
                    selectors,
                    reason,
                    covers_next: comment_only(line),
                });
            }
        } else {
            let marker = FOREIGN_SECRET_MARKERS[m.pattern().as_usize() - 1];
            result.inline.push(InlineSuppression {
                path: input.path.to_string(),
                line: line_no,
                selectors: vec!["SEC".to_string()],
                reason: Some(format!("`{marker}` comment of another secret scanner")),
                covers_next: comment_only(line) || marker.contains("nextline"),
            });
        }
    }
}

/// Whether a line holds nothing but a comment (in any of the usual syntaxes).
fn comment_only(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    [
        &b"#"[..],
        b"//",
        b"/*",
        b"*",
        b"--",
        b"<!--",
        b";",
        b"%",
        b"{#",
        b"{{!",
        b"'",
        b"rem ",
    ]
    .iter()
    .any(|p| t.len() >= p.len() && t[..p.len()].eq_ignore_ascii_case(p))
}

/// Allow-list comments of other secret scanners. aispm honours them for its secret
/// rules (`SEC`) on the comment's line and the line below, like its own comment, and
/// lists what they cover as suppressed.
pub const FOREIGN_SECRET_MARKERS: &[&str] = &[
    "pragma: allowlist secret",
    "pragma: allowlist nextline secret",
    "pragma: whitelist secret",
    "gitleaks:allow",
    "trufflehog:ignore",
    "kingfisher:ignore",
    "nosecret",
];

/// `aispm:ignore` (pattern 0), then the foreign markers (ASCII case ignored).
fn markers() -> &'static aho_corasick::AhoCorasick {
    static M: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        let mut all = vec![INLINE_MARKER];
        all.extend_from_slice(FOREIGN_SECRET_MARKERS);
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(all)
            .expect("marker automaton")
    })
}

/// Parses what follows `aispm:ignore`: rule IDs or prefixes separated by commas or
/// spaces, then an optional reason. At least one selector is required.
pub fn parse_inline(rest: &str) -> Option<(Vec<String>, Option<String>)> {
    if !rest.starts_with([' ', '\t', ':', '=']) {
        return None;
    }
    let mut selectors = Vec::new();
    let mut remaining = rest.trim_start_matches([':', '=']).trim_start();
    loop {
        let end = remaining
            .find(|c: char| c.is_whitespace() || c == ',')
            .unwrap_or(remaining.len());
        let token = &remaining[..end];
        if !is_selector(token) {
            break;
        }
        selectors.push(token.to_ascii_uppercase());
        remaining = remaining[end..].trim_start_matches(',').trim_start();
    }
    if selectors.is_empty() {
        return None;
    }
    let mut reason = remaining.trim().trim_start_matches(['-', ':', '#']).trim();
    for closer in ["*/", "-->", "#}"] {
        reason = reason.strip_suffix(closer).unwrap_or(reason).trim_end();
    }
    Some((selectors, (!reason.is_empty()).then(|| reason.to_string())))
}

fn is_selector(t: &str) -> bool {
    let letters = t.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = t.len() - letters;
    (3..=4).contains(&letters)
        && digits <= 3
        && t[letters..].bytes().all(|b| b.is_ascii_digit())
        && t[..letters].bytes().all(|b| b.is_ascii_uppercase())
}

fn selected(rule_id: &str, sels: &[String]) -> bool {
    sels.iter().any(|s| {
        let s = s.trim();
        !s.is_empty() && rule_id.len() >= s.len() && rule_id[..s.len()].eq_ignore_ascii_case(s)
    })
}

/// Report order of assets (path, kind, ID), one asset per ID: when two analyzers
/// describe the same asset (the inventory and the agents analyzer both see a
/// `SKILL.md`), the first keeps its values and gains the properties, line, size and
/// hash it lacked from the others.
pub(crate) fn order_assets(assets: &mut Vec<Asset>) {
    assets.sort_by(|a, b| (&a.path, a.kind, &a.id).cmp(&(&b.path, b.kind, &b.id)));
    assets.dedup_by(|dup, kept| {
        if dup.id != kept.id {
            return false;
        }
        for (k, v) in std::mem::take(&mut dup.properties) {
            kept.properties.entry(k).or_insert(v);
        }
        kept.line = kept.line.or(dup.line);
        if kept.size == 0 {
            kept.size = dup.size;
        }
        if kept.sha256.is_empty() {
            kept.sha256 = std::mem::take(&mut dup.sha256);
        }
        true
    });
}

/// Assembles the report from everything collected.
pub(crate) fn build_report(
    scanner: &Scanner,
    mut collected: Collected,
    history: Option<HistoryResult>,
    counters: &Counters,
    roots: &[PathBuf],
    started: time::OffsetDateTime,
    elapsed: Duration,
) -> ScanReport {
    let options = scanner.options();
    let sel = &options.selection;

    // Deterministic order before occurrence numbering.
    collected.findings.sort_by(|a, b| {
        (
            &a.path,
            a.rule.id,
            a.line,
            &a.fingerprint_key,
            &a.evidence,
            &a.message,
        )
            .cmp(&(
                &b.path,
                b.rule.id,
                b.line,
                &b.fingerprint_key,
                &b.evidence,
                &b.message,
            ))
    });
    order_assets(&mut collected.assets);

    // Whole-file assets by path, for linking findings that name none.
    let mut asset_by_path: HashMap<&str, &str> = HashMap::new();
    for a in &collected.assets {
        if a.line.is_none() {
            asset_by_path
                .entry(a.path.as_str())
                .or_insert(a.id.as_str());
        }
    }
    // A finding on an archive member links to the member's asset, else the container's.
    let link = |path: &str| -> Option<String> {
        let mut p = path;
        loop {
            if let Some(id) = asset_by_path.get(p) {
                return Some((*id).to_string());
            }
            match p.rfind('!') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    };

    let path_ignores: Vec<(globset::GlobSet, &PathIgnore)> = sel
        .path_ignores
        .iter()
        .filter_map(|pi| {
            let mut b = globset::GlobSetBuilder::new();
            for g in &pi.paths {
                if let Ok(glob) = globset::GlobBuilder::new(g)
                    .literal_separator(false)
                    .build()
                {
                    b.add(glob);
                }
            }
            b.build().ok().map(|set| (set, pi))
        })
        .collect();
    let mut inline: HashMap<&str, Vec<&InlineSuppression>> = HashMap::new();
    for s in &collected.inline {
        inline.entry(s.path.as_str()).or_default().push(s);
    }
    let baseline = sel.baseline.as_ref().map(Baseline::set).unwrap_or_default();

    // The history's earliest occurrence of each (rule, key).
    let mut history = history;
    let earliest = history
        .as_ref()
        .map(earliest_in_history)
        .unwrap_or_default();

    let mut occurrences: HashMap<(String, String, String), u32> = HashMap::new();
    let mut findings = Vec::new();
    let mut suppressed = Vec::new();
    let mut in_tip: HashSet<(&str, String)> = HashSet::new();
    for raw in &collected.findings {
        let key = finding_key(raw);
        let provenance = history.as_ref().and_then(|h| {
            let origin = match earliest.get(&(raw.rule.id, key.clone())) {
                Some(&i) => h.findings[i].origin,
                None => {
                    let file = raw.path.split('!').next().unwrap_or(&raw.path);
                    *h.tip_origins.get(file)?
                }
            };
            let mut p = h.origins[origin].provenance.clone();
            p.in_tip = true;
            Some(p)
        });
        if history.is_some() {
            in_tip.insert((raw.rule.id, key.clone()));
        }
        let n = occurrences
            .entry((raw.rule.id.to_string(), raw.path.clone(), key.clone()))
            .or_insert(0);
        let occurrence = *n;
        *n += 1;
        let finding = Finding {
            rule_id: raw.rule.id.to_string(),
            title: raw.rule.title.to_string(),
            severity: raw.severity,
            category: raw.rule.category,
            path: raw.path.clone(),
            line: raw.line,
            end_line: raw.end_line,
            message: raw.message.clone(),
            evidence: raw.evidence.clone(),
            fingerprint: fingerprint(raw.rule.id, &raw.path, &key, occurrence),
            asset_id: raw.asset_id.clone().or_else(|| link(&raw.path)),
            frameworks: raw.rule.control_refs(),
            remediation: raw.rule.remediation.trim().to_string(),
            properties: raw.properties.clone(),
            history: provenance,
        };
        let suppression = suppression_for(&finding, sel, &path_ignores, &inline, &baseline);
        match suppression {
            Some(s) => suppressed.push(SuppressedFinding {
                finding,
                suppression: s,
            }),
            None => findings.push(finding),
        }
    }

    // What only the history still holds.
    if let Some(h) = &history {
        let no_inline = HashMap::new();
        let mut only_history: Vec<usize> = earliest
            .iter()
            .filter(|(k, _)| !in_tip.contains(&(k.0, k.1.clone())))
            .map(|(_, &i)| i)
            .collect();
        only_history.sort_unstable();
        for i in only_history {
            let hf = &h.findings[i];
            let raw = &hf.raw;
            let key = finding_key(raw);
            let mut provenance = h.origins[hf.origin].provenance.clone();
            provenance.in_tip = false;
            let finding = Finding {
                rule_id: raw.rule.id.to_string(),
                title: raw.rule.title.to_string(),
                severity: raw.severity,
                category: raw.rule.category,
                path: raw.path.clone(),
                line: raw.line,
                end_line: raw.end_line,
                message: format!(
                    "{} (removed from the tip but alive in history: commit {}, {})",
                    raw.message,
                    provenance.short_commit(),
                    provenance.path
                ),
                evidence: raw.evidence.clone(),
                fingerprint: history_fingerprint(raw.rule.id, &raw.path, &key),
                // Assets are of the scanned tree; a link to one it no longer has is dropped.
                asset_id: raw
                    .asset_id
                    .clone()
                    .filter(|id| collected.assets.iter().any(|a| &a.id == id)),
                frameworks: raw.rule.control_refs(),
                remediation: raw.rule.remediation.trim().to_string(),
                properties: raw.properties.clone(),
                history: Some(provenance),
            };
            let suppression = hf
                .inline
                .clone()
                .or_else(|| suppression_for(&finding, sel, &path_ignores, &no_inline, &baseline));
            match suppression {
                Some(s) => suppressed.push(SuppressedFinding {
                    finding,
                    suppression: s,
                }),
                None => findings.push(finding),
            }
        }
    }
    let order = |f: &Finding| {
        (
            std::cmp::Reverse(f.severity),
            f.path.clone(),
            f.line,
            f.rule_id.clone(),
        )
    };
    findings.sort_by_key(order);
    suppressed.sort_by_key(|s| order(&s.finding));

    let mut errors = collected.errors;
    let history_stats = history.as_mut().map(|h| {
        errors.append(&mut h.errors);
        h.stats.clone()
    });
    errors.sort();
    errors.dedup();

    let stats = Stats {
        files_seen: counters.files_seen.load(Ordering::Relaxed),
        files_analyzed: counters.files_analyzed.load(Ordering::Relaxed),
        bytes_read: counters.bytes_read.load(Ordering::Relaxed),
        findings: findings.len() as u64,
        suppressed: suppressed.len() as u64,
        errors: errors.len() as u64,
        assets: collected.assets.len() as u64,
        archive_members: counters.archive_members.load(Ordering::Relaxed),
        // Every limit record, whoever wrote it: the engine, an analyzer that returned a
        // limit or recorded one and went on, a `finish` hook, the walk, the history.
        limits_hit: errors
            .iter()
            .filter(|e| e.kind == aispm_core::ErrorKind::Limit)
            .count() as u64,
        files_not_hashed: counters.files_not_hashed.load(Ordering::Relaxed),
        skipped_gitignored: counters.skipped_gitignored.load(Ordering::Relaxed),
        skipped_excluded: counters.skipped_excluded.load(Ordering::Relaxed),
        tracked_gitignored: counters.tracked_gitignored.load(Ordering::Relaxed),
        analyzers_not_run: scanner.analyzers_not_run().to_vec(),
        history: history_stats,
    };
    let started_at = started
        .replace_nanosecond(0)
        .unwrap_or(started)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    ScanReport {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "aispm".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        scan: ScanInfo {
            started_at,
            duration_ms: elapsed.as_millis() as u64,
            roots: roots
                .iter()
                .map(|r| r.to_string_lossy().into_owned())
                .collect(),
            config: options.config_path.clone(),
            limits: options.limits.to_json_map(),
        },
        stats,
        assets: collected.assets,
        findings,
        suppressed,
        errors,
        notices: {
            // Each distinct notice once, warnings first.
            let mut n = collected.notices;
            n.sort_by(|a, b| (b.level, &a.kind, &a.message).cmp(&(a.level, &b.kind, &b.message)));
            n.dedup();
            n
        },
    }
}

fn suppression_for(
    f: &Finding,
    sel: &SelectionOptions,
    path_ignores: &[(globset::GlobSet, &PathIgnore)],
    inline: &HashMap<&str, Vec<&InlineSuppression>>,
    baseline: &HashSet<&str>,
) -> Option<Suppression> {
    if !sel.reports(&f.rule_id) {
        return Some(Suppression {
            kind: SuppressionKind::RuleSelection,
            reason: Some("rule not selected".into()),
        });
    }
    for (set, pi) in path_ignores {
        if (pi.rules.is_empty() || selected(&f.rule_id, &pi.rules)) && set.is_match(&f.path) {
            return Some(Suppression {
                kind: SuppressionKind::PathExclusion,
                reason: pi.reason.clone(),
            });
        }
    }
    if let Some(s) = inline
        .get(f.path.as_str())
        .and_then(|list| inline_suppression(&f.rule_id, f.line, f.end_line, list))
    {
        return Some(s);
    }
    if baseline.contains(f.fingerprint.as_str()) {
        return Some(Suppression {
            kind: SuppressionKind::Baseline,
            reason: None,
        });
    }
    None
}

/// The inline comment among `list` (comments of the finding's file) that covers a
/// finding on `line..=end_line`: on one of those lines, or a comment-only line just
/// above.
pub(crate) fn inline_suppression(
    rule_id: &str,
    line: Option<u32>,
    end_line: Option<u32>,
    list: &[&InlineSuppression],
) -> Option<Suppression> {
    let line = line?;
    let lines = line..=end_line.unwrap_or(line);
    list.iter()
        .find(|s| {
            (lines.contains(&s.line) || (s.covers_next && s.line + 1 == line))
                && selected(rule_id, &s.selectors)
        })
        .map(|s| Suppression {
            kind: SuppressionKind::Inline,
            reason: s.reason.clone(),
        })
}

/// What identifies a finding within its file: the analyzer's key, else the evidence,
/// else the message.
fn finding_key(raw: &RawFinding) -> String {
    raw.fingerprint_key
        .clone()
        .or_else(|| raw.evidence.clone())
        .unwrap_or_else(|| raw.message.clone())
}

/// Fingerprint of a finding only the git history holds: distinct from the fingerprint
/// the same finding has in a file of the scanned tree (deleting a secret from the tip
/// does not make a baseline entry cover the copy in history), and independent of
/// commit ids, so rewriting unrelated history keeps it.
pub fn history_fingerprint(rule_id: &str, path: &str, key: &str) -> String {
    fingerprint(rule_id, &format!("git-history:{path}"), key, 0)
}

/// For each (rule, key) found in history blobs, the index of its earliest occurrence:
/// occurrences an inline comment does not cover first, then the earliest commit, then
/// path and line.
fn earliest_in_history(h: &HistoryResult) -> HashMap<(&'static str, String), usize> {
    let mut best: HashMap<(&'static str, String), usize> = HashMap::new();
    let rank = |i: usize| {
        let f = &h.findings[i];
        (
            f.inline.is_some(),
            h.origins[f.origin].order,
            &f.raw.path,
            f.raw.line,
            i,
        )
    };
    for (i, f) in h.findings.iter().enumerate() {
        let slot = best
            .entry((f.raw.rule.id, finding_key(&f.raw)))
            .or_insert(i);
        if rank(i) < rank(*slot) {
            *slot = i;
        }
    }
    best
}

/// Counts of findings at or above each severity, for gating.
pub fn count_at_or_above(report: &ScanReport, min: aispm_core::Severity) -> usize {
    report.findings.iter().filter(|f| f.severity >= min).count()
}

/// Findings per rule, for summaries.
pub fn findings_by_rule(report: &ScanReport) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in &report.findings {
        *m.entry(f.rule_id.clone()).or_insert(0) += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_errors_name_the_file_and_the_cause() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.json");
        let io = std::fs::read_to_string(&missing).unwrap_err();
        assert_eq!(
            Baseline::load(&missing).unwrap_err().to_string(),
            format!("cannot read baseline {}: {io}", missing.display())
        );
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{").unwrap();
        let json = serde_json::from_str::<Baseline>("{").unwrap_err();
        assert_eq!(
            Baseline::load(&bad).unwrap_err().to_string(),
            format!("invalid baseline {}: {json}", bad.display())
        );
        let unwritable = missing.join("x.json");
        let e = Baseline::default().save(&unwritable).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("cannot write baseline {}: ", unwritable.display())),
            "{e}"
        );
        assert!(std::error::Error::source(&e).is_none());
    }

    #[test]
    fn one_asset_per_id_with_the_properties_of_both() {
        use aispm_core::AssetKind;
        let mut inventory = Asset::new(AssetKind::AgentSkill, "s/SKILL.md", "", "agent-skill");
        inventory.set("license", "MIT");
        inventory.set("description", "from the inventory");
        let mut agents = Asset::new(AssetKind::AgentSkill, "s/SKILL.md", "", "skill-md");
        agents.set("description", "from the agents analyzer");
        agents.set("skill_name", "sync");
        agents.line = Some(1);
        let other = Asset::new(AssetKind::AgentSkill, "t/SKILL.md", "", "agent-skill");
        let mut assets = vec![other, inventory, agents];
        order_assets(&mut assets);
        assert_eq!(assets.len(), 2);
        let a = &assets[0];
        assert_eq!(a.path, "s/SKILL.md");
        assert_eq!(a.format, "agent-skill");
        assert_eq!(a.properties["license"], "MIT");
        assert_eq!(a.properties["description"], "from the inventory");
        assert_eq!(a.properties["skill_name"], "sync");
        assert_eq!(a.line, Some(1));
    }

    #[test]
    fn inline_comment_syntax() {
        assert_eq!(
            parse_inline(" SEC001 test fixture, not a real key"),
            Some((
                vec!["SEC001".into()],
                Some("test fixture, not a real key".into())
            ))
        );
        assert_eq!(
            parse_inline(" SEC001,MDL reason -->"),
            Some((vec!["SEC001".into(), "MDL".into()], Some("reason".into())))
        );
        assert_eq!(parse_inline(" SEC001"), Some((vec!["SEC001".into()], None)));
        assert_eq!(parse_inline(" because I said so"), None);
        assert_eq!(parse_inline("d SEC001"), None);
        assert_eq!(
            parse_inline(": ART001 - known bomb fixture"),
            Some((vec!["ART001".into()], Some("known bomb fixture".into())))
        );
    }

    #[test]
    fn selection_by_prefix() {
        assert!(selected("MDL001", &["MDL".into()]));
        assert!(selected("MDL001", &["mdl00".into()]));
        assert!(!selected("MDL001", &["SEC".into()]));
        assert!(!selected("MDL001", &["".into()]));
    }
}

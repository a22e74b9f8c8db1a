//! Suppression: what keeps a finding out of the report's `findings` and lists it in
//! `suppressed` with its reason. Rule selection (`--select`, `--ignore`), path ignores
//! (`[[ignore]]` in `aispm.toml`), inline comments (`aispm:ignore RULE reason`, and
//! other secret scanners' allow-list comments for the secret rules) and baselines.
//!
//! Inline comments are read during the walk, from each text file that has findings or
//! that an analyzer may report on later ([`collect_inline_suppressions`]), into the
//! file's [`FileResult`]; finalisation then decides, per finding, which suppression
//! applies ([`Suppressor`]). This module depends on no other module of the engine but
//! `config`.

use crate::config::PathIgnore;
use aispm_core::{
    Asset, ErrorRecord, FileInput, Finding, Notice, RawFinding, Rule, ScanReport, Suppression,
    SuppressionKind,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

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

/// Decides, for each finding of the report, which suppression applies, in this order:
/// rule selection, path ignores, inline comments, baseline.
pub(crate) struct Suppressor<'a> {
    selection: &'a SelectionOptions,
    path_ignores: Vec<(globset::GlobSet, &'a PathIgnore)>,
    /// Inline comments by the path of their file.
    inline: HashMap<&'a str, Vec<&'a InlineSuppression>>,
    baseline: HashSet<&'a str>,
}

impl<'a> Suppressor<'a> {
    /// Compiles the path ignores' globs (an invalid glob matches nothing) and indexes the
    /// inline comments read during the walk by file.
    pub fn new(selection: &'a SelectionOptions, inline: &'a [InlineSuppression]) -> Self {
        let path_ignores = selection
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
        let mut by_path: HashMap<&str, Vec<&InlineSuppression>> = HashMap::new();
        for s in inline {
            by_path.entry(s.path.as_str()).or_default().push(s);
        }
        Suppressor {
            selection,
            path_ignores,
            inline: by_path,
            baseline: selection
                .baseline
                .as_ref()
                .map(Baseline::set)
                .unwrap_or_default(),
        }
    }

    /// The suppression of a finding of the scanned tree, if any.
    pub fn of(&self, f: &Finding) -> Option<Suppression> {
        self.suppression(f, true)
    }

    /// The suppression of a finding only the history holds: the scanned tree's inline
    /// comments do not apply to it (the blob's own comments were applied when it was
    /// read).
    pub fn of_history_only(&self, f: &Finding) -> Option<Suppression> {
        self.suppression(f, false)
    }

    fn suppression(&self, f: &Finding, with_inline: bool) -> Option<Suppression> {
        if !self.selection.reports(&f.rule_id) {
            return Some(Suppression {
                kind: SuppressionKind::RuleSelection,
                reason: Some("rule not selected".into()),
            });
        }
        for (set, pi) in &self.path_ignores {
            if (pi.rules.is_empty() || selected(&f.rule_id, &pi.rules)) && set.is_match(&f.path) {
                return Some(Suppression {
                    kind: SuppressionKind::PathExclusion,
                    reason: pi.reason.clone(),
                });
            }
        }
        if with_inline
            && let Some(s) = self
                .inline
                .get(f.path.as_str())
                .and_then(|list| inline_suppression(&f.rule_id, f.line, f.end_line, list))
        {
            return Some(s);
        }
        if self.baseline.contains(f.fingerprint.as_str()) {
            return Some(Suppression {
                kind: SuppressionKind::Baseline,
                reason: None,
            });
        }
        None
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

/// Whether a rule ID starts with one of the selectors (IDs or prefixes, ASCII case
/// ignored; empty selectors select nothing).
pub(crate) fn selected(rule_id: &str, sels: &[String]) -> bool {
    sels.iter().any(|s| {
        let s = s.trim();
        !s.is_empty() && rule_id.len() >= s.len() && rule_id[..s.len()].eq_ignore_ascii_case(s)
    })
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

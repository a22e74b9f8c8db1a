//! Corpus harness: runs a scan over a labelled folder of `../shared/corpus/` (read in
//! place, never copied), matches findings and assets to `labels.jsonl`, and measures
//! recall and precision per kind.
//!
//! Two label shapes exist:
//! - text corpora (`secrets`, `pii`, `iac`, `code`, `agents`): one row per expected
//!   finding or hard negative, with `path`, `line`/`end_line`, `kind`, `expected`;
//! - the model corpus: one row per file with `label` = malicious / unsafe / benign.
//!
//! Kinds map to the rule IDs that report them in one file, `tests/corpus-kinds.json`
//! at the workspace root (`{"secret/openai": ["SEC001"], ...}`). A rule that reports
//! several kinds is told apart by a finding property, written `RULE:property=value`
//! (`"secret/openai": ["SEC001:secret_kind=openai"]`). `inventory/*` kinds map to asset
//! kinds written `asset:<kind>` (`"inventory/ai-sdk": ["asset:ai-sdk-usage"]`).
#![forbid(unsafe_code)]

use aispm_core::{ScanReport, Severity};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `../shared/corpus` beside the repository, or `$AISPM_CORPUS` when set.
pub fn corpus_root() -> PathBuf {
    match std::env::var_os("AISPM_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => workspace_root().join("..").join("shared").join("corpus"),
    }
}

/// One folder of the corpus, or `None` (with a message on stderr) when the corpus is
/// not present beside the checkout.
pub fn corpus_folder(name: &str) -> Option<PathBuf> {
    let p = corpus_root().join(name);
    if p.join("labels.jsonl").is_file() {
        Some(p)
    } else {
        eprintln!("corpus folder {} not found; set AISPM_CORPUS", p.display());
        None
    }
}

/// A row of a text corpus' `labels.jsonl`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Label {
    pub path: String,
    #[serde(default)]
    pub line: Option<u32>,
    #[serde(default)]
    pub end_line: Option<u32>,
    pub kind: String,
    pub expected: bool,
    #[serde(default)]
    pub alt_kinds: Vec<String>,
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A row of the model corpus' `labels.jsonl`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct FileLabel {
    pub path: String,
    pub format: String,
    pub label: String,
    #[serde(default)]
    pub why: Option<String>,
}

/// Why labels, the kind map or a scan report could not be had. Where the message
/// includes the underlying error's, that error is kept but not also given as the
/// `source` (an error chain would print it twice).
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// A file could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A line of a JSON Lines file is not a valid row (`line` counts from 1).
    #[error("{}:{line}: {error}", path.display())]
    Row {
        path: PathBuf,
        line: usize,
        error: serde_json::Error,
    },
    /// The kind map is not a JSON object of string lists.
    #[error(transparent)]
    KindMap(#[from] serde_json::Error),
    /// The `aispm` binary could not be started.
    #[error("cannot run {}: {error}", bin.display())]
    Run { bin: PathBuf, error: std::io::Error },
    /// `aispm` exited with neither 0 nor 1 (`code` is `None` when a signal ended it).
    #[error("aispm exited with {code:?}: {stderr}")]
    Exit { code: Option<i32>, stderr: String },
    /// The standard output of `aispm` is not a JSON report.
    #[error("report is not valid JSON: {0}")]
    Report(serde_json::Error),
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, CorpusError> {
    let text = std::fs::read_to_string(path).map_err(|error| CorpusError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|error| CorpusError::Row {
                path: path.to_path_buf(),
                line: i + 1,
                error,
            })
        })
        .collect()
}

/// The rows of a text corpus' `labels.jsonl` in `folder`.
pub fn load_labels(folder: &Path) -> Result<Vec<Label>, CorpusError> {
    read_jsonl(&folder.join("labels.jsonl"))
}

/// The rows of the model corpus' `labels.jsonl` in `folder`.
pub fn load_file_labels(folder: &Path) -> Result<Vec<FileLabel>, CorpusError> {
    read_jsonl(&folder.join("labels.jsonl"))
}

/// Kind → rule IDs (and `asset:<kind>` entries for inventory kinds).
#[derive(Debug, Clone, Default)]
pub struct KindMap {
    kinds: BTreeMap<String, Vec<String>>,
}

impl KindMap {
    /// A kind map from its JSON text (`{"kind": ["RULE", ...], ...}`).
    pub fn from_json(text: &str) -> Result<KindMap, CorpusError> {
        let kinds: BTreeMap<String, Vec<String>> = serde_json::from_str(text)?;
        Ok(KindMap { kinds })
    }

    /// `tests/corpus-kinds.json` of the workspace.
    pub fn load() -> Result<KindMap, CorpusError> {
        let path = workspace_root().join("tests").join("corpus-kinds.json");
        let text =
            std::fs::read_to_string(&path).map_err(|error| CorpusError::Read { path, error })?;
        Self::from_json(&text)
    }

    pub fn kinds(&self) -> impl Iterator<Item = (&String, &Vec<String>)> {
        self.kinds.iter()
    }

    pub fn contains(&self, kind: &str) -> bool {
        self.kinds.contains_key(kind)
    }

    /// Kinds a finding stands for: entries naming its rule, and `RULE:property=value`
    /// entries whose property the finding carries with that value.
    pub fn kinds_of_finding(&self, f: &aispm_core::Finding) -> Vec<&str> {
        self.kinds
            .iter()
            .filter(|(_, rules)| rules.iter().any(|r| entry_matches(r, f)))
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// Kinds a rule reports (plain `RULE` entries only).
    pub fn kinds_of_rule(&self, rule_id: &str) -> Vec<&str> {
        self.kinds
            .iter()
            .filter(|(_, rules)| rules.iter().any(|r| r == rule_id))
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// Kinds an asset kind stands for.
    pub fn kinds_of_asset(&self, asset_kind: &str) -> Vec<&str> {
        let key = format!("asset:{asset_kind}");
        self.kinds
            .iter()
            .filter(|(_, rules)| rules.contains(&key))
            .map(|(k, _)| k.as_str())
            .collect()
    }
}

fn entry_matches(entry: &str, f: &aispm_core::Finding) -> bool {
    match entry.split_once(':') {
        None => entry == f.rule_id,
        Some(("asset", _)) => false,
        Some((rule, cond)) => {
            rule == f.rule_id
                && cond.split_once('=').is_some_and(|(key, want)| {
                    f.properties.get(key).is_some_and(|v| match v {
                        serde_json::Value::String(s) => s == want,
                        other => serde_json::from_str::<serde_json::Value>(want)
                            .is_ok_and(|w| &w == other),
                    })
                })
        }
    }
}

/// Runs the built `aispm` binary over `folder` and parses its JSON report.
pub fn run_scan(bin: &Path, folder: &Path, extra_args: &[&str]) -> Result<ScanReport, CorpusError> {
    let out = Command::new(bin)
        .arg("scan")
        .arg(folder)
        .args(["--format", "json", "--quiet", "--no-config"])
        .args(extra_args)
        .output()
        .map_err(|error| CorpusError::Run {
            bin: bin.to_path_buf(),
            error,
        })?;
    if !out.status.success() && out.status.code() != Some(1) {
        return Err(CorpusError::Exit {
            code: out.status.code(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    serde_json::from_slice(&out.stdout).map_err(CorpusError::Report)
}

/// Something reported, reduced to what matching needs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reported {
    pub path: String,
    pub line: Option<u32>,
    pub end_line: Option<u32>,
    pub kind: String,
    /// Rule ID, or `asset:<kind>` for inventory entries.
    pub source: String,
}

/// Counts for one kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindScore {
    /// Expected rows found.
    pub found: usize,
    /// Expected rows.
    pub expected: usize,
    /// Reports of this kind that match no expected row (hard negatives included).
    pub false_positives: usize,
    pub misses: Vec<String>,
    pub false_alarms: Vec<String>,
}

impl KindScore {
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.expected)
    }

    pub fn precision(&self) -> f64 {
        ratio(self.found, self.found + self.false_positives)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Scores of a text corpus, per kind and overall.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub corpus: String,
    pub per_kind: BTreeMap<String, KindScore>,
    /// Kinds in the labels with no rule mapped yet (not counted).
    pub unmapped_kinds: BTreeSet<String>,
}

impl Evaluation {
    pub fn found(&self) -> usize {
        self.per_kind.values().map(|s| s.found).sum()
    }

    pub fn expected(&self) -> usize {
        self.per_kind.values().map(|s| s.expected).sum()
    }

    pub fn false_positives(&self) -> usize {
        self.per_kind.values().map(|s| s.false_positives).sum()
    }

    pub fn recall(&self) -> f64 {
        ratio(self.found(), self.expected())
    }

    pub fn precision(&self) -> f64 {
        ratio(self.found(), self.found() + self.false_positives())
    }

    /// A printable table of the figures and the misses.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "corpus {}: recall {:.3} ({}/{}), precision {:.3} ({} false positives)",
            self.corpus,
            self.recall(),
            self.found(),
            self.expected(),
            self.precision(),
            self.false_positives()
        );
        let _ = writeln!(
            s,
            "{:<44} {:>8} {:>8} {:>6} {:>8} {:>9}",
            "kind", "expected", "found", "fp", "recall", "precision"
        );
        for (k, v) in &self.per_kind {
            let _ = writeln!(
                s,
                "{:<44} {:>8} {:>8} {:>6} {:>8.3} {:>9.3}",
                k,
                v.expected,
                v.found,
                v.false_positives,
                v.recall(),
                v.precision()
            );
        }
        for (k, v) in &self.per_kind {
            for m in &v.misses {
                let _ = writeln!(s, "  miss  {k}: {m}");
            }
            for f in &v.false_alarms {
                let _ = writeln!(s, "  false {k}: {f}");
            }
        }
        if !self.unmapped_kinds.is_empty() {
            let list: Vec<&str> = self.unmapped_kinds.iter().map(String::as_str).collect();
            let _ = writeln!(
                s,
                "kinds not yet mapped to rules (not counted): {}",
                list.join(", ")
            );
        }
        s
    }
}

/// Everything in a report as `(path, line, kind)` triples, through the kind map.
pub fn reported(report: &ScanReport, kinds: &KindMap) -> Vec<Reported> {
    let mut out = Vec::new();
    for f in &report.findings {
        for k in kinds.kinds_of_finding(f) {
            out.push(Reported {
                path: f.path.clone(),
                line: f.line,
                end_line: f.end_line,
                kind: k.to_string(),
                source: f.rule_id.clone(),
            });
        }
    }
    for a in &report.assets {
        for k in kinds.kinds_of_asset(a.kind.as_str()) {
            out.push(Reported {
                path: a.path.clone(),
                line: a.line,
                end_line: None,
                kind: k.to_string(),
                source: format!("asset:{}", a.kind.as_str()),
            });
        }
    }
    out
}

fn overlaps(label: &Label, r: &Reported) -> bool {
    let Some(start) = label.line else { return true };
    let end = label.end_line.unwrap_or(start).max(start);
    match r.line {
        Some(l) => {
            let r_end = r.end_line.unwrap_or(l).max(l);
            l <= end && r_end >= start
        }
        None => false,
    }
}

fn label_accepts(label: &Label, kind: &str) -> bool {
    label.kind == kind || label.alt_kinds.iter().any(|k| k == kind)
}

/// Matches reports to labels following the corpus' rule: same path, kind equal to the
/// row's kind or one of its `alt_kinds`, overlapping lines (rows without a line match
/// on path). Each expected row counts once. A report that matches no expected row is a
/// false positive of its kind, when that kind appears in this corpus' labels.
pub fn evaluate(
    corpus: &str,
    report: &ScanReport,
    labels: &[Label],
    kinds: &KindMap,
) -> Evaluation {
    let mut ev = Evaluation {
        corpus: corpus.to_string(),
        ..Evaluation::default()
    };
    let label_kinds: BTreeSet<&str> = labels.iter().map(|l| l.kind.as_str()).collect();
    let mapped = |k: &str| kinds.kinds.get(k).is_some_and(|r| !r.is_empty());
    for k in &label_kinds {
        if mapped(k) {
            ev.per_kind.entry(k.to_string()).or_default();
        } else {
            ev.unmapped_kinds.insert(k.to_string());
        }
    }
    let reports = reported(report, kinds);
    let mut used = vec![false; reports.len()];
    for label in labels.iter().filter(|l| l.expected && mapped(&l.kind)) {
        let score = ev.per_kind.entry(label.kind.clone()).or_default();
        score.expected += 1;
        let hit = reports.iter().enumerate().find(|(_, r)| {
            r.path == label.path && label_accepts(label, &r.kind) && overlaps(label, r)
        });
        match hit {
            Some(_) => {
                score.found += 1;
                for (i, r) in reports.iter().enumerate() {
                    if r.path == label.path && label_accepts(label, &r.kind) && overlaps(label, r) {
                        used[i] = true;
                    }
                }
            }
            None => score.misses.push(format!(
                "{}:{}",
                label.path,
                label.line.map(|l| l.to_string()).unwrap_or_default()
            )),
        }
    }
    // Reports of this corpus' kinds that no expected row explains.
    let mut seen = BTreeSet::new();
    for (i, r) in reports.iter().enumerate() {
        if used[i] || !ev.per_kind.contains_key(&r.kind) {
            continue;
        }
        // The same place reported twice (two rules for one kind) is one false positive.
        if !seen.insert((r.path.clone(), r.line, r.kind.clone())) {
            continue;
        }
        let score = ev.per_kind.entry(r.kind.clone()).or_default();
        score.false_positives += 1;
        let why = labels
            .iter()
            .find(|l| {
                !l.expected && l.path == r.path && label_accepts(l, &r.kind) && overlaps(l, r)
            })
            .and_then(|l| l.note.clone())
            .map(|n| format!(" (hard negative: {n})"))
            .unwrap_or_default();
        score.false_alarms.push(format!(
            "{}:{} by {}{}",
            r.path,
            r.line.map(|l| l.to_string()).unwrap_or_default(),
            r.source,
            why
        ));
    }
    ev
}

/// Scores of the model corpus.
#[derive(Debug, Clone, Default)]
pub struct FileEvaluation {
    pub malicious: usize,
    pub malicious_detected: usize,
    pub unsafe_total: usize,
    pub unsafe_detected: usize,
    pub benign: usize,
    pub benign_flagged: usize,
    pub missed: Vec<String>,
    pub false_alarms: Vec<String>,
    /// Labelled files the scan recorded an error for.
    pub errored: Vec<String>,
}

impl FileEvaluation {
    pub fn true_positive_rate(&self) -> f64 {
        ratio(self.malicious_detected, self.malicious)
    }

    pub fn unsafe_detection_rate(&self) -> f64 {
        ratio(self.unsafe_detected, self.unsafe_total)
    }

    pub fn false_positive_rate(&self) -> f64 {
        if self.benign == 0 {
            0.0
        } else {
            self.benign_flagged as f64 / self.benign as f64
        }
    }

    pub fn summary(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "model corpus: malicious detected {}/{} (TPR {:.3}), unsafe detected {}/{} ({:.3}), benign flagged {}/{} (FPR {:.3}), files with errors {}",
            self.malicious_detected,
            self.malicious,
            self.true_positive_rate(),
            self.unsafe_detected,
            self.unsafe_total,
            self.unsafe_detection_rate(),
            self.benign_flagged,
            self.benign,
            self.false_positive_rate(),
            self.errored.len()
        );
        for m in &self.missed {
            let _ = writeln!(s, "  missed  {m}");
        }
        for f in &self.false_alarms {
            let _ = writeln!(s, "  flagged {f}");
        }
        s
    }
}

/// Whether a report path is the labelled file or a member of it (`file!member`).
pub fn is_same_or_member(report_path: &str, label_path: &str) -> bool {
    report_path == label_path
        || report_path
            .strip_prefix(label_path)
            .is_some_and(|rest| rest.starts_with('!'))
}

/// A file counts as detected when a finding at or above `threshold` is reported on it
/// or on one of its archive members. Only the given categories count (the model corpus
/// measures model findings).
pub fn evaluate_files(
    report: &ScanReport,
    labels: &[FileLabel],
    threshold: Severity,
    categories: &[aispm_core::Category],
) -> FileEvaluation {
    let mut ev = FileEvaluation::default();
    for l in labels {
        let detected = report.findings.iter().any(|f| {
            f.severity >= threshold
                && categories.contains(&f.category)
                && is_same_or_member(&f.path, &l.path)
        });
        if report
            .errors
            .iter()
            .any(|e| is_same_or_member(&e.path, &l.path))
        {
            ev.errored.push(l.path.clone());
        }
        let line = format!(
            "{} [{}] {}",
            l.path,
            l.format,
            l.why.clone().unwrap_or_default()
        );
        match l.label.as_str() {
            "malicious" => {
                ev.malicious += 1;
                if detected {
                    ev.malicious_detected += 1;
                } else {
                    ev.missed.push(line);
                }
            }
            "unsafe" => {
                ev.unsafe_total += 1;
                if detected {
                    ev.unsafe_detected += 1;
                }
            }
            _ => {
                ev.benign += 1;
                if detected {
                    ev.benign_flagged += 1;
                    ev.false_alarms.push(line);
                }
            }
        }
    }
    ev
}

#[cfg(test)]
mod tests {
    use super::*;
    use aispm_core::report::{ScanInfo, ToolInfo};
    use aispm_core::{Asset, AssetKind, Category, Finding, Stats};

    #[test]
    fn errors_name_the_file_and_line() {
        let json = serde_json::from_str::<serde_json::Value>("[").unwrap_err();
        assert_eq!(
            KindMap::from_json("[").unwrap_err().to_string(),
            serde_json::from_str::<BTreeMap<String, Vec<String>>>("[")
                .unwrap_err()
                .to_string()
        );
        let folder = std::env::temp_dir().join(format!("aispm-corpus-test-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let labels = folder.join("labels.jsonl");
        std::fs::write(&labels, "\n[\n").unwrap();
        assert_eq!(
            load_labels(&folder).unwrap_err().to_string(),
            format!("{}:2: {json}", labels.display())
        );
        std::fs::remove_dir_all(&folder).unwrap();
        let io = std::fs::read_to_string(&labels).unwrap_err();
        assert_eq!(
            load_file_labels(&folder).unwrap_err().to_string(),
            format!("cannot read {}: {io}", labels.display())
        );
    }

    fn finding(rule: &str, path: &str, line: Option<u32>) -> Finding {
        Finding {
            rule_id: rule.into(),
            title: String::new(),
            severity: Severity::High,
            category: Category::Secret,
            path: path.into(),
            line,
            end_line: None,
            message: String::new(),
            evidence: None,
            fingerprint: String::new(),
            asset_id: None,
            frameworks: vec![],
            remediation: String::new(),
            properties: Default::default(),
            history: None,
        }
    }

    fn report(findings: Vec<Finding>, assets: Vec<Asset>) -> ScanReport {
        ScanReport {
            schema_version: 1,
            tool: ToolInfo {
                name: "aispm".into(),
                version: "0".into(),
            },
            scan: ScanInfo {
                started_at: String::new(),
                duration_ms: 0,
                roots: vec![],
                config: None,
                limits: Default::default(),
            },
            stats: Stats::default(),
            assets,
            findings,
            suppressed: vec![],
            errors: vec![],
            notices: vec![],
        }
    }

    fn label(path: &str, line: u32, kind: &str, expected: bool) -> Label {
        Label {
            path: path.into(),
            line: Some(line),
            end_line: None,
            kind: kind.into(),
            expected,
            alt_kinds: vec![],
            commit: None,
            file: None,
            note: None,
        }
    }

    #[test]
    fn matching_counts_recall_precision_and_hard_negatives() {
        let kinds = KindMap::from_json(
            r#"{"secret/openai": ["SEC001"], "secret/aws": ["SEC010", "SEC011"], "secret/none": [],
                "inventory/ai-sdk": ["asset:ai-sdk-usage"]}"#,
        )
        .unwrap();
        let mut pk = label("a.py", 5, "secret/private-key", true);
        pk.end_line = Some(9);
        pk.kind = "secret/aws".into();
        let labels = vec![
            label("a.py", 1, "secret/openai", true),
            label("a.py", 2, "secret/openai", true),
            label("a.py", 3, "secret/openai", false),
            pk,
            label("b.py", 1, "secret/none", true),
            label("c.js", 4, "inventory/ai-sdk", true),
        ];
        let mut sdk = Asset::new(AssetKind::AiSdkUsage, "c.js", "openai", "javascript");
        sdk.line = Some(4);
        let r = report(
            vec![
                finding("SEC001", "a.py", Some(1)),
                finding("SEC001", "a.py", Some(3)),
                finding("SEC010", "a.py", Some(7)),
                finding("SEC011", "a.py", Some(8)),
                finding("ART001", "a.py", Some(1)),
            ],
            vec![sdk],
        );
        let ev = evaluate("t", &r, &labels, &kinds);
        let o = &ev.per_kind["secret/openai"];
        assert_eq!((o.expected, o.found, o.false_positives), (2, 1, 1));
        assert!(o.false_alarms[0].contains("a.py:3"));
        let a = &ev.per_kind["secret/aws"];
        assert_eq!((a.expected, a.found, a.false_positives), (1, 1, 0));
        assert_eq!(ev.per_kind["inventory/ai-sdk"].found, 1);
        assert!(ev.unmapped_kinds.contains("secret/none"));
        assert_eq!(ev.expected(), 4);
        assert_eq!(ev.found(), 3);
        assert!((ev.recall() - 0.75).abs() < 1e-9);
        assert!((ev.precision() - 0.75).abs() < 1e-9);
        assert!(ev.summary().contains("miss  secret/openai: a.py:2"));
    }

    #[test]
    fn property_entries_tell_kinds_of_one_rule_apart() {
        let kinds = KindMap::from_json(
            r#"{"secret/openai": ["SEC001:secret_kind=openai"], "secret/groq": ["SEC001:secret_kind=groq"],
                "secret/generic": ["SEC009"]}"#,
        )
        .unwrap();
        let mut a = finding("SEC001", "a.env", Some(1));
        a.properties.insert("secret_kind".into(), "openai".into());
        let mut b = finding("SEC001", "a.env", Some(2));
        b.properties.insert("secret_kind".into(), "mistral".into());
        assert_eq!(kinds.kinds_of_finding(&a), vec!["secret/openai"]);
        assert!(kinds.kinds_of_finding(&b).is_empty());
        assert_eq!(
            kinds.kinds_of_finding(&finding("SEC009", "a.env", Some(3))),
            vec!["secret/generic"]
        );
        let labels = vec![
            label("a.env", 1, "secret/openai", true),
            label("a.env", 2, "secret/groq", false),
        ];
        let ev = evaluate("t", &report(vec![a, b], vec![]), &labels, &kinds);
        assert_eq!(ev.per_kind["secret/openai"].found, 1);
        assert_eq!(ev.false_positives(), 0);
    }

    #[test]
    fn file_labels_count_archive_members() {
        let labels = vec![
            FileLabel {
                path: "m.zip".into(),
                format: "zip".into(),
                label: "malicious".into(),
                why: None,
            },
            FileLabel {
                path: "b.pkl".into(),
                format: "pickle".into(),
                label: "benign".into(),
                why: None,
            },
            FileLabel {
                path: "u.npy".into(),
                format: "numpy".into(),
                label: "unsafe".into(),
                why: None,
            },
        ];
        let mut f = finding("MDL001", "m.zip!data.pkl", None);
        f.category = Category::Model;
        let mut low = finding("MDL002", "b.pkl", None);
        low.category = Category::Model;
        low.severity = Severity::Low;
        let r = report(vec![f, low], vec![]);
        let ev = evaluate_files(&r, &labels, Severity::Medium, &[Category::Model]);
        assert_eq!(ev.malicious_detected, 1);
        assert_eq!(ev.benign_flagged, 0);
        assert_eq!(ev.unsafe_detected, 0);
        assert!(is_same_or_member("m.zip!x", "m.zip"));
        assert!(!is_same_or_member("m.zip2", "m.zip"));
    }
}

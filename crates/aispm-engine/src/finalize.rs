//! Turning what the walk, the analyzers and the history reported into the final
//! report. [`build_report`] runs the phases in order: findings sorted for occurrence
//! numbering, assets ordered and merged, findings linked to assets, suppressions
//! decided (by `suppress`), history provenance attached and the findings only the
//! history holds added, then errors, statistics and notices.

use crate::dispatch::Counters;
use crate::history::HistoryResult;
use crate::options::ScanOptions;
use crate::suppress::{Collected, Suppressor};
use aispm_core::report::{SCHEMA_VERSION, ScanInfo, ToolInfo, fingerprint};
use aispm_core::{
    Asset, ErrorRecord, Finding, HistoryStats, Notice, RawFinding, ScanReport, Stats,
    SuppressedFinding, Suppression,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// For each (rule, key) found in history blobs, the index of its earliest occurrence.
type Earliest = HashMap<(&'static str, String), usize>;

/// Assembles the report from everything collected.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_report(
    options: &ScanOptions,
    analyzers_not_run: &[String],
    mut collected: Collected,
    mut history: Option<HistoryResult>,
    counters: &Counters,
    roots: &[PathBuf],
    started: time::OffsetDateTime,
    elapsed: Duration,
) -> ScanReport {
    // Deterministic order before occurrence numbering.
    sort_for_numbering(&mut collected.findings);
    order_assets(&mut collected.assets);

    let links = AssetLinks::new(&collected.assets);
    let suppressor = Suppressor::new(&options.selection, &collected.inline);
    let earliest = history
        .as_ref()
        .map(earliest_in_history)
        .unwrap_or_default();
    let mut reported = Reported::default();
    let in_tip = tree_findings(
        &collected.findings,
        history.as_ref(),
        &earliest,
        &links,
        &suppressor,
        &mut reported,
    );
    if let Some(h) = &history {
        history_only_findings(
            h,
            &earliest,
            &in_tip,
            &collected.assets,
            &suppressor,
            &mut reported,
        );
    }
    let Reported {
        mut findings,
        mut suppressed,
    } = reported;
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

    let (errors, history_stats) = merged_errors(collected.errors, history.as_mut());
    let stats = stats(
        counters,
        &findings,
        &suppressed,
        &collected.assets,
        &errors,
        analyzers_not_run,
        history_stats,
    );
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
        notices: ordered_notices(collected.notices),
    }
}

/// Findings by file, rule, line and key, so that occurrence numbers (and with them
/// fingerprints) do not depend on the thread schedule.
fn sort_for_numbering(findings: &mut [RawFinding]) {
    findings.sort_by(|a, b| {
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
}

/// Whole-file assets by path, for linking findings that name no asset.
struct AssetLinks<'a> {
    by_path: HashMap<&'a str, &'a str>,
}

impl<'a> AssetLinks<'a> {
    fn new(assets: &'a [Asset]) -> Self {
        let mut by_path: HashMap<&str, &str> = HashMap::new();
        for a in assets {
            if a.line.is_none() {
                by_path.entry(a.path.as_str()).or_insert(a.id.as_str());
            }
        }
        AssetLinks { by_path }
    }

    /// A finding on an archive member links to the member's asset, else the
    /// container's.
    fn link(&self, path: &str) -> Option<String> {
        let mut p = path;
        loop {
            if let Some(id) = self.by_path.get(p) {
                return Some((*id).to_string());
            }
            match p.rfind('!') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }
}

/// The report's findings and suppressed findings, in the making.
#[derive(Default)]
struct Reported {
    findings: Vec<Finding>,
    suppressed: Vec<SuppressedFinding>,
}

impl Reported {
    fn push(&mut self, finding: Finding, suppression: Option<Suppression>) {
        match suppression {
            Some(s) => self.suppressed.push(SuppressedFinding {
                finding,
                suppression: s,
            }),
            None => self.findings.push(finding),
        }
    }
}

/// The scanned tree's findings, numbered per (rule, path, key) for their fingerprints,
/// linked to assets, with the history's provenance when the history was scanned, then
/// suppressed or reported. Returns the (rule, key) pairs the tree still produces.
fn tree_findings(
    raws: &[RawFinding],
    history: Option<&HistoryResult>,
    earliest: &Earliest,
    links: &AssetLinks<'_>,
    suppressor: &Suppressor<'_>,
    out: &mut Reported,
) -> HashSet<(&'static str, String)> {
    let mut occurrences: HashMap<(String, String, String), u32> = HashMap::new();
    let mut in_tip: HashSet<(&'static str, String)> = HashSet::new();
    for raw in raws {
        let key = finding_key(raw);
        let provenance = history.and_then(|h| {
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
            fingerprint: fingerprint(raw.rule.id, &raw.path, &key, occurrence),
            asset_id: raw.asset_id.clone().or_else(|| links.link(&raw.path)),
            history: provenance,
            ..finding_of(raw)
        };
        let suppression = suppressor.of(&finding);
        out.push(finding, suppression);
    }
    in_tip
}

/// What a finding takes from its raw form and its rule; the callers set how it is
/// fingerprinted, linked and placed in history.
fn finding_of(raw: &RawFinding) -> Finding {
    Finding {
        rule_id: raw.rule.id.to_string(),
        title: raw.rule.title.to_string(),
        severity: raw.severity,
        category: raw.rule.category,
        path: raw.path.clone(),
        line: raw.line,
        end_line: raw.end_line,
        message: raw.message.clone(),
        evidence: raw.evidence.clone(),
        fingerprint: String::new(),
        asset_id: None,
        frameworks: raw.rule.control_refs(),
        remediation: raw.rule.remediation.trim().to_string(),
        properties: raw.properties.clone(),
        history: None,
    }
}

/// What only the history still holds: the earliest occurrence of each (rule, key) the
/// scanned tree no longer produces, once, from its commit, with a fingerprint of its
/// own. A blob's own inline comment suppresses it; the tree's comments do not.
fn history_only_findings(
    h: &HistoryResult,
    earliest: &Earliest,
    in_tip: &HashSet<(&'static str, String)>,
    assets: &[Asset],
    suppressor: &Suppressor<'_>,
    out: &mut Reported,
) {
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
            message: format!(
                "{} (removed from the tip but alive in history: commit {}, {})",
                raw.message,
                provenance.short_commit(),
                provenance.path
            ),
            fingerprint: history_fingerprint(raw.rule.id, &raw.path, &key),
            // Assets are of the scanned tree; a link to one it no longer has is dropped.
            asset_id: raw
                .asset_id
                .clone()
                .filter(|id| assets.iter().any(|a| &a.id == id)),
            history: Some(provenance),
            ..finding_of(raw)
        };
        let suppression = hf
            .inline
            .clone()
            .or_else(|| suppressor.of_history_only(&finding));
        out.push(finding, suppression);
    }
}

/// The walk's and the analyzers' errors with the history's, sorted and each once; and
/// the history's statistics.
fn merged_errors(
    mut errors: Vec<ErrorRecord>,
    history: Option<&mut HistoryResult>,
) -> (Vec<ErrorRecord>, Option<HistoryStats>) {
    let history_stats = history.map(|h| {
        errors.append(&mut h.errors);
        h.stats.clone()
    });
    errors.sort();
    errors.dedup();
    (errors, history_stats)
}

/// The statistics: the walk's counters and the counts of what the report holds.
fn stats(
    counters: &Counters,
    findings: &[Finding],
    suppressed: &[SuppressedFinding],
    assets: &[Asset],
    errors: &[ErrorRecord],
    analyzers_not_run: &[String],
    history: Option<HistoryStats>,
) -> Stats {
    Stats {
        files_seen: counters.files_seen.load(Ordering::Relaxed),
        files_analyzed: counters.files_analyzed.load(Ordering::Relaxed),
        bytes_read: counters.bytes_read.load(Ordering::Relaxed),
        findings: findings.len() as u64,
        suppressed: suppressed.len() as u64,
        errors: errors.len() as u64,
        assets: assets.len() as u64,
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
        analyzers_not_run: analyzers_not_run.to_vec(),
        history,
    }
}

/// Each distinct notice once, warnings first.
fn ordered_notices(mut n: Vec<Notice>) -> Vec<Notice> {
    n.sort_by(|a, b| (b.level, &a.kind, &a.message).cmp(&(a.level, &b.kind, &b.message)));
    n.dedup();
    n
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
}

//! The human report: findings grouped by severity (highest first) with their
//! remediation, optionally the suppressed findings, a compact inventory, the errors,
//! and one summary line. Everything taken from scanned files is sanitised before it
//! reaches the terminal, and no escape code is written unless colour is on.

use crate::RenderOptions;
use crate::text::{
    ANSI_BOLD, count, error_kind_str, human_bytes, one_line, paint, sanitize, seconds,
    severity_ansi, thousands, truncate_chars,
};
use aispm_core::report::SuppressionKind;
use aispm_core::{
    Asset, AssetKind, ErrorRecord, Finding, HistoryStats, Notice, NoticeLevel, RuleRegistry,
    ScanReport, Severity, SuppressedFinding,
};
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Width of tables when it cannot be taken from a terminal. Fixed rather than read
/// from the environment so that piped output and snapshots are reproducible.
const DEFAULT_WIDTH: u16 = 120;
/// Longest evidence shown, in characters.
const EVIDENCE_CHARS: usize = 120;
/// Rows shown in the inventory, suppressed and error tables.
const MAX_ROWS: usize = 50;

pub(crate) fn write_report(
    report: &ScanReport,
    rules: &RuleRegistry,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_findings(report, rules, opts, out)?;
    if opts.show_suppressed && !report.suppressed.is_empty() {
        write_suppressed(&report.suppressed, opts, out)?;
    }
    write_inventory(&report.assets, opts, out)?;
    if !report.errors.is_empty() {
        write_errors(&report.errors, opts, out)?;
    }
    if let Some(h) = &report.stats.history {
        writeln!(out, "{}", history_line(h))?;
    }
    writeln!(
        out,
        "{}",
        paint(opts.color, ANSI_BOLD, &summary_line(report))
    )?;
    render_notices(&report.notices, opts, out)
}

/// One line per report-level notice (`warning: …` / `note: …`), after the summary.
fn render_notices(notices: &[Notice], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    for n in notices {
        let (label, style) = match n.level {
            NoticeLevel::Warning => ("warning", severity_ansi(Severity::Medium)),
            NoticeLevel::Info => ("note", ""),
        };
        let label = if style.is_empty() {
            label.to_string()
        } else {
            paint(opts.color, style, label)
        };
        writeln!(out, "{label}: {}", one_line(&n.message))?;
    }
    Ok(())
}

/// A table in the house style; styled only when `color` is on.
pub(crate) fn new_table(color: bool, header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if color {
        // The caller asked for colour, so this is (most likely) a terminal: fit it.
        t.enforce_styling();
        if t.width().is_none() {
            t.set_width(DEFAULT_WIDTH);
        }
    } else {
        t.force_no_tty().set_width(DEFAULT_WIDTH);
    }
    t.set_header(header.iter().map(|h| {
        let cell = Cell::new(h);
        if color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    t
}

/// A cell in the colour of `sev` (through comfy-table, so widths stay right).
pub(crate) fn severity_cell(color: bool, sev: Severity, text: &str) -> Cell {
    let cell = Cell::new(text);
    if !color {
        return cell;
    }
    match sev {
        Severity::Critical | Severity::High => cell.fg(Color::Red),
        Severity::Medium => cell.fg(Color::Yellow),
        Severity::Low => cell.fg(Color::Blue),
        Severity::Info => cell.add_attribute(Attribute::Dim),
    }
}

fn heading(opts: &RenderOptions, style: &str, text: &str) -> String {
    paint(opts.color, style, text)
}

fn location(path: &str, line: Option<u32>) -> String {
    let path = sanitize(path);
    match line {
        Some(l) => format!("{path}:{l}"),
        None => path.into_owned(),
    }
}

/// The location of a finding; with `@ commit` when it came from the git history.
fn finding_location(f: &Finding) -> String {
    let loc = location(&f.path, f.line);
    match &f.history {
        Some(h) => format!("{loc} @ {}", sanitize(h.short_commit())),
        None => loc,
    }
}

fn by_location<'a>(a: &&'a Finding, b: &&'a Finding) -> std::cmp::Ordering {
    (&a.path, a.line, &a.rule_id).cmp(&(&b.path, b.line, &b.rule_id))
}

fn write_findings(
    report: &ScanReport,
    rules: &RuleRegistry,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    if report.findings.is_empty() {
        writeln!(out, "No findings.")?;
        return writeln!(out);
    }
    for sev in Severity::ALL {
        let mut group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == sev)
            .collect();
        if group.is_empty() {
            continue;
        }
        group.sort_by(by_location);
        let label = format!("{} ({})", sev.as_str().to_ascii_uppercase(), group.len());
        writeln!(out, "{}", heading(opts, severity_ansi(sev), &label))?;

        let shown = opts
            .max_findings_per_severity
            .map_or(group.len(), |m| m.min(group.len()));
        let mut t = new_table(opts.color, &["Rule", "Location", "Finding"]);
        for f in &group[..shown] {
            t.add_row(vec![
                severity_cell(opts.color, sev, &sanitize(&f.rule_id)),
                Cell::new(finding_location(f)),
                Cell::new(finding_text(f)),
            ]);
        }
        if shown > 0 {
            writeln!(out, "{t}")?;
        }
        let hidden = group.len() - shown;
        if hidden > 0 {
            writeln!(
                out,
                "... and {hidden} more {} {}, see --format json",
                sev.as_str(),
                if hidden == 1 { "finding" } else { "findings" }
            )?;
        }
        write_remediation(&group[..shown], rules, out)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Title, then the message when it adds something, then the evidence.
fn finding_text(f: &Finding) -> String {
    let title = one_line(&f.title);
    let message = one_line(&f.message);
    let mut text = title.clone();
    if !message.is_empty() && message != title {
        text.push('\n');
        text.push_str(&message);
    }
    if let Some(ev) = f.evidence.as_deref() {
        let ev = one_line(ev);
        if !ev.is_empty() {
            text.push_str("\nevidence: ");
            text.push_str(&truncate_chars(&ev, EVIDENCE_CHARS));
        }
    }
    text
}

/// One remediation line per rule seen in the group, in first-seen order.
fn write_remediation(
    group: &[&Finding],
    rules: &RuleRegistry,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut seen: Vec<&str> = Vec::new();
    for f in group {
        if seen.contains(&f.rule_id.as_str()) {
            continue;
        }
        seen.push(&f.rule_id);
        let fix = if f.remediation.trim().is_empty() {
            rules
                .get(&f.rule_id)
                .map(|r| r.remediation)
                .unwrap_or_default()
        } else {
            &f.remediation
        };
        let fix = one_line(fix);
        if !fix.is_empty() {
            writeln!(out, "  fix {}: {fix}", sanitize(&f.rule_id))?;
        }
    }
    Ok(())
}

fn suppression_text(s: &SuppressedFinding) -> String {
    let kind = match s.suppression.kind {
        SuppressionKind::Inline => "inline",
        SuppressionKind::Baseline => "baseline",
        SuppressionKind::RuleSelection => "rule selection",
        SuppressionKind::PathExclusion => "path exclusion",
    };
    match s.suppression.reason.as_deref().map(one_line) {
        Some(reason) if !reason.is_empty() => format!("{kind}: {reason}"),
        _ => kind.to_string(),
    }
}

fn write_suppressed(
    suppressed: &[SuppressedFinding],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let label = format!("SUPPRESSED ({})", suppressed.len());
    writeln!(out, "{}", heading(opts, ANSI_BOLD, &label))?;
    let mut t = new_table(opts.color, &["Rule", "Severity", "Location", "Reason"]);
    for s in suppressed.iter().take(MAX_ROWS) {
        let f = &s.finding;
        t.add_row(vec![
            Cell::new(sanitize(&f.rule_id)),
            severity_cell(opts.color, f.severity, f.severity.as_str()),
            Cell::new(finding_location(f)),
            Cell::new(suppression_text(s)),
        ]);
    }
    writeln!(out, "{t}")?;
    more_line(suppressed.len(), "suppressed findings", out)?;
    writeln!(out)
}

fn more_line(total: usize, what: &str, out: &mut dyn Write) -> io::Result<()> {
    if total > MAX_ROWS {
        writeln!(
            out,
            "... and {} more {what}, see --format json",
            thousands((total - MAX_ROWS) as u64)
        )?;
    }
    Ok(())
}

/// What an asset is, in a few words: the package and its requirement, the SDK, the
/// model or server named, else the framework and architecture of a model file.
fn asset_detail(a: &Asset) -> String {
    const MAX: usize = 48;
    let prop = |k: &str| a.properties.get(k).and_then(|v| v.as_str());
    let mut d = if let Some(p) = prop("package") {
        match prop("requirement") {
            Some(r) if !r.is_empty() => format!("{p} {r}"),
            _ => p.to_string(),
        }
    } else if let Some(v) = ["sdk", "model", "server", "repo_id", "name"]
        .iter()
        .find_map(|k| prop(k))
    {
        v.to_string()
    } else {
        [prop("framework"), prop("architecture")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    };
    if d.chars().count() > MAX {
        d = d.chars().take(MAX - 1).collect::<String>() + "…";
    }
    d
}

fn write_inventory(assets: &[Asset], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let label = format!("INVENTORY ({})", count(assets.len() as u64, "asset"));
    writeln!(out, "{}", heading(opts, ANSI_BOLD, &label))?;
    if assets.is_empty() {
        writeln!(out, "No AI assets found.")?;
        return writeln!(out);
    }
    let mut by_kind: BTreeMap<AssetKind, usize> = BTreeMap::new();
    for a in assets {
        *by_kind.entry(a.kind).or_default() += 1;
    }
    let kinds: Vec<String> = by_kind
        .iter()
        .map(|(k, n)| format!("{} {}", k.as_str(), thousands(*n as u64)))
        .collect();
    writeln!(out, "By kind: {}", kinds.join(", "))?;

    let mut sorted: Vec<&Asset> = assets.iter().collect();
    sorted.sort_by(|a, b| (a.kind, &a.path, a.line).cmp(&(b.kind, &b.path, b.line)));
    let mut t = new_table(opts.color, &["Kind", "Format", "Path", "Detail", "Size"]);
    for a in sorted.iter().take(MAX_ROWS) {
        // Assets that live inside a file (an import, a declared server) have no size
        // of their own.
        let size = if a.size == 0 && a.line.is_some() {
            "-".to_string()
        } else {
            human_bytes(a.size)
        };
        t.add_row(vec![
            Cell::new(a.kind.as_str()),
            Cell::new(sanitize(&a.format)),
            Cell::new(location(&a.path, a.line)),
            Cell::new(sanitize(&asset_detail(a))),
            Cell::new(size),
        ]);
    }
    writeln!(out, "{t}")?;
    more_line(assets.len(), "assets", out)?;
    writeln!(out)
}

fn write_errors(
    errors: &[ErrorRecord],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let label = format!("ERRORS ({})", errors.len());
    writeln!(out, "{}", heading(opts, ANSI_BOLD, &label))?;
    let mut t = new_table(opts.color, &["Path", "Kind", "Message"]);
    for e in errors.iter().take(MAX_ROWS) {
        let kind = error_kind_str(e.kind);
        let kind = match e.stage.as_deref() {
            Some(stage) => format!("{kind} ({})", one_line(stage)),
            None => kind.to_string(),
        };
        t.add_row(vec![
            Cell::new(sanitize(&e.path)),
            Cell::new(kind),
            Cell::new(one_line(&e.message)),
        ]);
    }
    writeln!(out, "{t}")?;
    more_line(errors.len(), "errors", out)?;
    writeln!(out)
}

/// `git history: 1 repository, 3 refs, 1,200 commits, 5,000 unique blobs (800 as in
/// the scanned tree), 4,100 scanned (12.3 MB), 1 submodule not followed`.
fn history_line(h: &HistoryStats) -> String {
    let mut line = format!(
        "git history: {}, {}, {}, {} ({} as in the scanned tree), {} scanned ({})",
        if h.repositories == 1 {
            "1 repository".to_string()
        } else {
            format!("{} repositories", thousands(h.repositories))
        },
        count(h.refs, "ref"),
        count(h.commits, "commit"),
        count(h.unique_blobs, "unique blob"),
        thousands(h.blobs_in_tip),
        thousands(h.blobs_scanned),
        human_bytes(h.bytes_read),
    );
    if h.submodules > 0 {
        line.push_str(&format!(
            ", {} not followed",
            count(h.submodules, "submodule")
        ));
    }
    line
}

/// `aispm: 12 findings (2 critical, ...), 4 suppressed, 35 assets, 2 errors in
/// 1,234 files (56.7 MB) in 0.42 s`.
pub(crate) fn summary_line(report: &ScanReport) -> String {
    let per_severity: Vec<String> = Severity::ALL
        .iter()
        .map(|&sev| {
            let n = report.findings.iter().filter(|f| f.severity == sev).count();
            format!("{} {sev}", thousands(n as u64))
        })
        .collect();
    format!(
        "aispm: {} ({}), {} suppressed, {}, {} in {} ({}) in {}",
        count(report.findings.len() as u64, "finding"),
        per_severity.join(", "),
        thousands(report.suppressed.len() as u64),
        count(report.assets.len() as u64, "asset"),
        count(report.errors.len() as u64, "error"),
        count(report.stats.files_seen, "file"),
        human_bytes(report.stats.bytes_read),
        seconds(report.scan.duration_ms),
    )
}

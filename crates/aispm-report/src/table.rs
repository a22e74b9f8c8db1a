//! The human report: findings grouped by severity (highest first) with their
//! remediation, low and info findings folded into one line per rule unless asked for,
//! optionally the suppressed findings, the inventory rolled up per kind and name, the
//! errors, and a closing summary (per-rule counts, the files with most findings, what
//! was not analysed, the one-line summary, then report-level notices).
//!
//! Everything taken from scanned files is sanitised before it reaches the terminal,
//! and no escape code is written unless colour is on. Piped output is never wrapped
//! (a line is as long as its content, so `grep` and editors see whole paths); on a
//! terminal, text wraps at word boundaries and a path stays on one line.

use crate::RenderOptions;
use crate::rollup::{Group, kind_rank, roll_up};
use crate::text::{
    ANSI_BOLD, count, error_kind_str, human_bytes, one_line, paint, sanitize, seconds,
    severity_ansi, thousands, truncate_chars, truncate_middle, wrap_words,
};
use aispm_core::report::SuppressionKind;
use aispm_core::{
    Asset, AssetKind, ErrorRecord, Finding, HistoryStats, Notice, NoticeLevel, RuleRegistry,
    ScanReport, Severity, Stats, SuppressedFinding,
};
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};

/// Width of tables when it cannot be taken from a terminal. Fixed rather than read
/// from the environment so that piped output and snapshots are reproducible.
const DEFAULT_WIDTH: u16 = 120;
/// Longest evidence shown, in characters.
const EVIDENCE_CHARS: usize = 120;
/// Rows shown in the suppressed and error tables (all with `--verbose`).
const MAX_ROWS: usize = 50;
/// Inventory groups shown per kind (all with `--verbose`).
const GROUPS_PER_KIND: usize = 10;
/// Files named in the summary.
const TOP_FILES: usize = 8;
/// Medium findings listed per rule (all with `--verbose`).
const RULE_ROWS: usize = 10;
/// Narrowest a word in a table column is cut to (the row overflows beyond).
const MIN_WORD_WIDTH: usize = 8;
/// Narrowest a path in a table column is cut to when other columns leave it less.
const MIN_PATH_WIDTH: usize = 12;
/// Narrowest text column when wrapping to a terminal.
const MIN_TEXT_WIDTH: usize = 30;

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
    write_summary(report, rules, opts, out)
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

/// A table in the house style for `aispm rules`; styled only when `color` is on.
pub(crate) fn new_table(color: bool, header: &[&str]) -> Table {
    let width = if color {
        // The caller asked for colour, so this is (most likely) a terminal: fit it.
        Some(Table::new().width().unwrap_or(DEFAULT_WIDTH))
    } else {
        Some(DEFAULT_WIDTH)
    };
    styled_table(color, width, header)
}

/// A table fitted to `width` (wrapping cells at word boundaries), or, without a
/// width, never wrapped.
fn styled_table(color: bool, width: Option<u16>, header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    match width {
        Some(w) => {
            t.set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(w);
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
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

/// One cell of a [`Grid`]: its text, in the colour of a severity when it has one.
struct GridCell {
    text: String,
    severity: Option<Severity>,
}

impl GridCell {
    fn plain(text: impl Into<String>) -> GridCell {
        GridCell {
            text: text.into(),
            severity: None,
        }
    }

    fn painted(severity: Severity, text: impl Into<String>) -> GridCell {
        GridCell {
            text: text.into(),
            severity: Some(severity),
        }
    }
}

/// The rows of a report table, laid out by us rather than by comfy-table so that a
/// word is never split over lines: on a terminal each column is as wide as its
/// longest word (up to a third of the line; a longer word is cut in the middle with
/// `…`), cells wrap between words, and the one path column is never wrapped but cut
/// in the middle to the room the other columns leave. Piped, nothing is wrapped or
/// cut.
struct Grid<'h> {
    header: &'h [&'h str],
    path_column: Option<usize>,
    rows: Vec<Vec<GridCell>>,
}

impl<'h> Grid<'h> {
    fn new(header: &'h [&'h str], path_column: Option<usize>) -> Grid<'h> {
        Grid {
            header,
            path_column,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, cells: Vec<GridCell>) {
        self.rows.push(cells);
    }

    /// Each column's width on a terminal of `width`: at least its longest word up to a
    /// third of the line (longer words are cut in the middle), a path column what the
    /// others leave (at least [`MIN_PATH_WIDTH`]), at most its longest line; the room
    /// left goes to the paths first, then is shared out evenly.
    fn widths(&self, width: usize) -> Vec<usize> {
        let columns = self.header.len();
        let mut min = vec![0usize; columns];
        let mut max = vec![0usize; columns];
        let cells = std::iter::once(self.header.iter().map(|h| h.to_string()).collect()).chain(
            self.rows
                .iter()
                .map(|r| r.iter().map(|c| c.text.clone()).collect::<Vec<_>>()),
        );
        for row in cells {
            for (i, text) in row.iter().enumerate().take(columns) {
                let longest_line = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
                max[i] = max[i].max(longest_line);
                if Some(i) != self.path_column {
                    min[i] = min[i].max(longest_word(text));
                }
            }
        }
        // A word wider than a third of the line (a long model ID) is cut in the middle
        // rather than widening its column past the terminal.
        let word_cap = (width / 3).max(MIN_PATH_WIDTH);
        for m in &mut min {
            *m = (*m).min(word_cap);
        }
        // Borders and padding: `│ a ┆ b │` is three characters per column and one.
        let mut room = width.saturating_sub(3 * columns + 1);
        if let Some(p) = self.path_column.filter(|p| *p < columns) {
            // Paths take what the other columns' words leave, down to a floor.
            let left = room.saturating_sub(min.iter().sum());
            min[p] = max[p].min(left.max(MIN_PATH_WIDTH));
        }
        // Still too wide: narrow the widest column, one character at a time, down to
        // a floor; its longest words are then cut in the middle.
        while min.iter().sum::<usize>() > room {
            let Some((widest, &w)) = min.iter().enumerate().max_by_key(|(_, w)| **w) else {
                break;
            };
            if w <= MIN_WORD_WIDTH {
                break;
            }
            min[widest] = w - 1;
        }
        let mut widths = min.clone();
        room = room.saturating_sub(widths.iter().sum());
        // A whole path first, then the rest shared out.
        if let Some(p) = self.path_column.filter(|p| *p < columns) {
            let add = (max[p] - widths[p]).min(room);
            widths[p] += add;
            room -= add;
        }
        while room > 0 {
            let growing: Vec<usize> = (0..columns).filter(|&i| widths[i] < max[i]).collect();
            if growing.is_empty() {
                break;
            }
            let share = (room / growing.len()).max(1);
            for i in growing {
                let add = share.min(max[i] - widths[i]).min(room);
                widths[i] += add;
                room -= add;
            }
        }
        widths
    }

    fn write(self, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
        let widths = opts.width.map(|w| self.widths(usize::from(w)));
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled);
        if opts.color {
            t.enforce_styling();
        } else {
            t.force_no_tty();
        }
        t.set_header(self.header.iter().map(|h| {
            let cell = Cell::new(h);
            if opts.color {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }));
        for row in self.rows {
            let cells = row.into_iter().enumerate().map(|(i, cell)| {
                let text = match widths.as_ref().and_then(|w| w.get(i)) {
                    Some(&w) if Some(i) == self.path_column => {
                        truncate_middle(&cell.text, w).into_owned()
                    }
                    Some(&w) => cell
                        .text
                        .lines()
                        .flat_map(|l| wrap_words(l, w))
                        .map(|l| truncate_middle(&l, w).into_owned())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    None => cell.text,
                };
                match cell.severity {
                    Some(sev) => severity_cell(opts.color, sev, &text),
                    None => Cell::new(text),
                }
            });
            t.add_row(cells);
        }
        writeln!(out, "{t}")
    }
}

fn longest_word(text: &str) -> usize {
    text.split_whitespace()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0)
}

/// A path on its own line: whole when piped; on a terminal cut in the middle to
/// leave `reserve` columns for the rest of the line.
fn fit_path(opts: &RenderOptions, path: &str, reserve: usize) -> String {
    match opts.width {
        Some(w) => {
            let max = usize::from(w).saturating_sub(reserve).max(MIN_TEXT_WIDTH);
            truncate_middle(path, max).into_owned()
        }
        None => path.to_string(),
    }
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

/// A finding as listed, with how many identical ones (same rule, path, line, message
/// and commit) it stands for.
struct Listed<'a> {
    finding: &'a Finding,
    times: usize,
}

/// Identical findings once each, in the order of `group`. The analyzers do not
/// report duplicates; this keeps the view readable if one ever does.
fn dedupe<'a>(group: &[&'a Finding]) -> Vec<Listed<'a>> {
    type Key<'k> = (&'k str, &'k str, Option<u32>, &'k str, Option<&'k str>);
    let mut index: HashMap<Key<'a>, usize> = HashMap::new();
    let mut listed: Vec<Listed<'a>> = Vec::new();
    for f in group {
        let key = (
            f.rule_id.as_str(),
            f.path.as_str(),
            f.line,
            f.message.as_str(),
            f.history.as_ref().map(|h| h.commit.as_str()),
        );
        match index.get(&key) {
            Some(&i) => listed[i].times += 1,
            None => {
                index.insert(key, listed.len());
                listed.push(Listed {
                    finding: f,
                    times: 1,
                });
            }
        }
    }
    listed
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
        let folded =
            matches!(sev, Severity::Low | Severity::Info) && !opts.show_low && !opts.verbose;
        if folded {
            write_folded(sev, &group, opts, out)?;
            writeln!(out)?;
            continue;
        }
        let label = format!("{} ({})", sev.as_str().to_ascii_uppercase(), group.len());
        writeln!(out, "{}", heading(opts, severity_ansi(sev), &label))?;

        let (listed, rest) = cap_per_rule(dedupe(&group), sev, opts);
        let shown = opts
            .max_findings_per_severity
            .filter(|_| !opts.verbose)
            .map_or(listed.len(), |m| m.min(listed.len()));
        let rule_width = listed
            .iter()
            .map(|l| sanitize(&l.finding.rule_id).chars().count())
            .max()
            .unwrap_or(0);
        for l in &listed[..shown] {
            write_finding(l, rule_width, opts, out)?;
        }
        let hidden: usize = listed[shown..].iter().map(|l| l.times).sum();
        if hidden > 0 {
            writeln!(
                out,
                "... and {hidden} more {} {}, see --format json",
                sev.as_str(),
                if hidden == 1 { "finding" } else { "findings" }
            )?;
        }
        if !rest.is_empty() {
            write_rule_counts(
                sev,
                &rest,
                "… and {n} more {sev} {findings} in {files} ({title}); --verbose lists them",
                opts,
                out,
            )?;
        }
        let shown_findings: Vec<&Finding> = listed[..shown].iter().map(|l| l.finding).collect();
        write_remediation(&shown_findings, rules, opts, out)?;
        writeln!(out)?;
    }
    Ok(())
}

/// `  RULE  path:line ×N` and, indented below it, the title, the message when it adds
/// something, and the evidence.
fn write_finding(
    l: &Listed<'_>,
    rule_width: usize,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let f = l.finding;
    let rule = sanitize(&f.rule_id);
    let pad = rule_width.saturating_sub(rule.chars().count());
    let indent = 2 + rule_width + 2;
    let times = if l.times > 1 {
        format!("  ×{}", l.times)
    } else {
        String::new()
    };
    let loc = finding_location(f);
    let loc = match opts.width {
        Some(w) => {
            let room = usize::from(w).saturating_sub(indent + times.chars().count());
            truncate_middle(&loc, room.max(MIN_TEXT_WIDTH)).into_owned()
        }
        None => loc,
    };
    writeln!(
        out,
        "  {}{}  {loc}{times}",
        paint(opts.color, severity_ansi(f.severity), &rule),
        " ".repeat(pad)
    )?;
    let margin = " ".repeat(indent);
    for text in finding_text(f) {
        for line in wrap_for(opts, &text, indent) {
            writeln!(out, "{margin}{line}")?;
        }
    }
    Ok(())
}

/// A line of prose, wrapped on a terminal with its continuation lines indented.
fn write_note(text: &str, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    for (i, line) in wrap_for(opts, text, 2).into_iter().enumerate() {
        writeln!(out, "{}{line}", if i == 0 { "" } else { "  " })?;
    }
    Ok(())
}

/// `text` as the lines it takes at `indent`: one line when piped, wrapped at word
/// boundaries on a terminal.
fn wrap_for(opts: &RenderOptions, text: &str, indent: usize) -> Vec<String> {
    match opts.width {
        Some(w) => wrap_words(
            text,
            usize::from(w).saturating_sub(indent).max(MIN_TEXT_WIDTH),
        ),
        None => vec![text.to_string()],
    }
}

/// Title, then the message when it adds something, then the evidence; each one line.
fn finding_text(f: &Finding) -> Vec<String> {
    let title = one_line(&f.title);
    let message = one_line(&f.message);
    let mut text = vec![title.clone()];
    if !message.is_empty() && message != title {
        text.push(message);
    }
    if let Some(ev) = f.evidence.as_deref() {
        let ev = one_line(ev);
        if !ev.is_empty() {
            text.push(format!("evidence: {}", truncate_chars(&ev, EVIDENCE_CHARS)));
        }
    }
    text
}

/// Per rule in a severity: how many findings, in how many files.
struct RuleCount<'a> {
    rule: &'a str,
    title: &'a str,
    findings: usize,
    files: BTreeSet<&'a str>,
    top: Severity,
}

fn count_by_rule<'a>(findings: impl Iterator<Item = &'a Finding>) -> Vec<RuleCount<'a>> {
    let mut by_rule: BTreeMap<&str, RuleCount<'a>> = BTreeMap::new();
    for f in findings {
        let c = by_rule.entry(&f.rule_id).or_insert_with(|| RuleCount {
            rule: &f.rule_id,
            title: &f.title,
            findings: 0,
            files: BTreeSet::new(),
            top: f.severity,
        });
        c.findings += 1;
        c.files.insert(&f.path);
        c.top = c.top.max(f.severity);
    }
    let mut counts: Vec<RuleCount<'a>> = by_rule.into_values().collect();
    counts.sort_by(|a, b| {
        b.top
            .cmp(&a.top)
            .then(b.findings.cmp(&a.findings))
            .then(a.rule.cmp(b.rule))
    });
    counts
}

/// Medium findings of a rule after its first [`RULE_ROWS`] (in location order) are
/// counted rather than listed, so one noisy rule does not bury the others; critical
/// and high findings are always listed, and `--verbose` lists everything.
fn cap_per_rule<'a>(
    listed: Vec<Listed<'a>>,
    sev: Severity,
    opts: &RenderOptions,
) -> (Vec<Listed<'a>>, Vec<&'a Finding>) {
    if opts.verbose || sev != Severity::Medium {
        return (listed, Vec::new());
    }
    let mut per_rule: HashMap<&str, usize> = HashMap::new();
    let mut kept = Vec::new();
    let mut rest = Vec::new();
    for l in listed {
        let n = per_rule.entry(l.finding.rule_id.as_str()).or_default();
        *n += 1;
        if *n <= RULE_ROWS {
            kept.push(l);
        } else {
            rest.extend(std::iter::repeat_n(l.finding, l.times));
        }
    }
    (kept, rest)
}

/// Low and info findings, one line per rule: `DEP004  34 low findings in 12 files:
/// title`.
fn write_folded(
    sev: Severity,
    group: &[&Finding],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let label = format!(
        "{} ({}), folded: --show-low lists them",
        sev.as_str().to_ascii_uppercase(),
        group.len()
    );
    writeln!(out, "{}", heading(opts, severity_ansi(sev), &label))?;
    write_rule_counts(
        sev,
        group,
        "{n} {sev} {findings} in {files}: {title}",
        opts,
        out,
    )
}

/// One line per rule of `findings`: the rule, then `pattern` filled in (`{n}`: the
/// count, `{sev}`, `{findings}`: "finding" or "findings", `{files}`: "3 files",
/// `{title}`: the rule's title).
fn write_rule_counts(
    sev: Severity,
    findings: &[&Finding],
    pattern: &str,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let counts = count_by_rule(findings.iter().copied());
    let rule_width = counts
        .iter()
        .map(|c| sanitize(c.rule).chars().count())
        .max()
        .unwrap_or(0);
    let indent = 2 + rule_width + 2;
    for c in &counts {
        let rule = sanitize(c.rule);
        let pad = rule_width.saturating_sub(rule.chars().count());
        let text = pattern
            .replace("{n}", &thousands(c.findings as u64))
            .replace("{sev}", sev.as_str())
            .replace(
                "{findings}",
                if c.findings == 1 {
                    "finding"
                } else {
                    "findings"
                },
            )
            .replace("{files}", &count(c.files.len() as u64, "file"))
            .replace("{title}", &one_line(c.title));
        let mut lines = wrap_for(opts, &text, indent).into_iter();
        writeln!(
            out,
            "  {}{}  {}",
            paint(opts.color, severity_ansi(sev), &rule),
            " ".repeat(pad),
            lines.next().unwrap_or_default()
        )?;
        for line in lines {
            writeln!(out, "{}{line}", " ".repeat(indent))?;
        }
    }
    Ok(())
}

/// One remediation line per rule seen in the group, in first-seen order.
fn write_remediation(
    group: &[&Finding],
    rules: &RuleRegistry,
    opts: &RenderOptions,
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
        if fix.is_empty() {
            continue;
        }
        let text = format!("fix {}: {fix}", sanitize(&f.rule_id));
        let mut lines = wrap_for(opts, &text, 6).into_iter();
        writeln!(out, "  {}", lines.next().unwrap_or_default())?;
        for line in lines {
            writeln!(out, "      {line}")?;
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

/// How many rows a capped table shows.
fn row_cap(opts: &RenderOptions) -> usize {
    if opts.verbose { usize::MAX } else { MAX_ROWS }
}

fn write_suppressed(
    suppressed: &[SuppressedFinding],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let label = format!("SUPPRESSED ({})", suppressed.len());
    writeln!(out, "{}", heading(opts, ANSI_BOLD, &label))?;
    let mut t = Grid::new(&["Rule", "Severity", "Location", "Reason"], Some(2));
    for s in suppressed.iter().take(row_cap(opts)) {
        let f = &s.finding;
        t.push(vec![
            GridCell::plain(sanitize(&f.rule_id)),
            GridCell::painted(f.severity, f.severity.as_str()),
            GridCell::plain(finding_location(f)),
            GridCell::plain(suppression_text(s)),
        ]);
    }
    t.write(opts, out)?;
    more_line(suppressed.len(), row_cap(opts), "suppressed findings", out)?;
    writeln!(out)
}

fn more_line(total: usize, shown: usize, what: &str, out: &mut dyn Write) -> io::Result<()> {
    if total > shown {
        writeln!(
            out,
            "... and {} more {what}; --verbose lists them all",
            thousands((total - shown) as u64)
        )?;
    }
    Ok(())
}

/// What an asset is, in a few words: the package and its requirement, the SDK, the
/// model or server named, else the framework and architecture of a model file.
fn asset_detail(a: &Asset) -> String {
    const MAX: usize = 48;
    let prop = |k: &str| a.properties.get(k).and_then(|v| v.as_str());
    let flag = |k: &str| a.properties.get(k).and_then(|v| v.as_bool()) == Some(true);
    let mut d = if a.kind == AssetKind::Agent {
        // The name, the model, and what it can run.
        let mut parts: Vec<&str> = [prop("agent_name"), prop("model")]
            .into_iter()
            .flatten()
            .collect();
        if flag("code_execution") {
            parts.push("code execution");
        }
        if flag("shell_access") {
            parts.push("shell");
        }
        if parts.is_empty() {
            parts.extend(prop("framework"));
        }
        parts.join("; ")
    } else if let Some(p) = prop("package") {
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

/// Where a group is: its location when it is in one place, else how many files.
fn group_location(g: &Group<'_>) -> String {
    match (g.files(), g.assets.as_slice()) {
        (1, [only]) => location(&only.path, only.line),
        (1, [first, ..]) => sanitize(&first.path).into_owned(),
        (n, _) => count(n as u64, "file"),
    }
}

fn write_inventory(assets: &[Asset], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let label = format!("INVENTORY ({})", count(assets.len() as u64, "asset"));
    writeln!(out, "{}", heading(opts, ANSI_BOLD, &label))?;
    if assets.is_empty() {
        writeln!(out, "No AI assets found.")?;
        return writeln!(out);
    }
    let mut by_kind: BTreeMap<(usize, AssetKind), usize> = BTreeMap::new();
    for a in assets {
        *by_kind.entry((kind_rank(a.kind), a.kind)).or_default() += 1;
    }
    let kinds: Vec<String> = by_kind
        .iter()
        .map(|((_, k), n)| format!("{} {}", k.as_str(), thousands(*n as u64)))
        .collect();
    write_note(&format!("By kind: {}", kinds.join(", ")), opts, out)?;

    let groups = roll_up(assets);
    // The location last: it is the widest column when a group is in one file.
    let mut t = Grid::new(&["Kind", "Name", "Count", "Detail", "Where"], Some(4));
    let per_kind = if opts.verbose {
        usize::MAX
    } else {
        GROUPS_PER_KIND
    };
    let mut folded_any = false;
    let mut start = 0;
    while start < groups.len() {
        let kind = groups[start].kind;
        let end = groups[start..]
            .iter()
            .position(|g| g.kind != kind)
            .map_or(groups.len(), |n| start + n);
        let of_kind = &groups[start..end];
        for (i, g) in of_kind.iter().take(per_kind).enumerate() {
            t.push(vec![
                GridCell::plain(if i == 0 { kind.as_str() } else { "" }),
                GridCell::plain(sanitize(&g.name)),
                GridCell::plain(thousands(g.assets.len() as u64)),
                GridCell::plain(sanitize(&g.detail())),
                GridCell::plain(group_location(g)),
            ]);
        }
        if of_kind.len() > per_kind {
            let rest = &of_kind[per_kind..];
            let n: usize = rest.iter().map(|g| g.assets.len()).sum();
            let files: BTreeSet<&str> = rest
                .iter()
                .flat_map(|g| g.assets.iter().map(|a| a.path.as_str()))
                .collect();
            t.push(vec![
                GridCell::plain(""),
                GridCell::plain(format!("… {} more", thousands(rest.len() as u64))),
                GridCell::plain(thousands(n as u64)),
                GridCell::plain("--verbose lists them"),
                GridCell::plain(count(files.len() as u64, "file")),
            ]);
            folded_any = true;
        }
        start = end;
    }
    t.write(opts, out)?;
    let in_groups = format!(
        "{} in {}",
        count(assets.len() as u64, "asset"),
        count(groups.len() as u64, "group")
    );
    if folded_any {
        write_note(
            &format!(
                "{in_groups}; the largest {GROUPS_PER_KIND} of each kind shown, --verbose \
                 lists every group and asset"
            ),
            opts,
            out,
        )?;
    } else if !opts.verbose && groups.len() < assets.len() {
        write_note(
            &format!("{in_groups}; --verbose lists every asset"),
            opts,
            out,
        )?;
    }
    writeln!(out)?;
    if opts.verbose {
        write_assets(assets, opts, out)?;
    }
    Ok(())
}

/// Every asset, one row each (`--verbose`).
fn write_assets(assets: &[Asset], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let label = format!("ASSETS ({})", thousands(assets.len() as u64));
    writeln!(out, "{}", heading(opts, ANSI_BOLD, &label))?;
    let mut sorted: Vec<&Asset> = assets.iter().collect();
    sorted.sort_by(|a, b| {
        (kind_rank(a.kind), &a.path, a.line).cmp(&(kind_rank(b.kind), &b.path, b.line))
    });
    let mut t = Grid::new(&["Kind", "Format", "Path", "Detail", "Size"], Some(2));
    for a in sorted {
        // Assets that live inside a file (an import, a declared server) have no size
        // of their own.
        let size = if a.size == 0 && a.line.is_some() {
            "-".to_string()
        } else {
            human_bytes(a.size)
        };
        t.push(vec![
            GridCell::plain(a.kind.as_str()),
            GridCell::plain(sanitize(&a.format)),
            GridCell::plain(location(&a.path, a.line)),
            GridCell::plain(sanitize(&asset_detail(a))),
            GridCell::plain(size),
        ]);
    }
    t.write(opts, out)?;
    writeln!(out)
}

fn write_errors(
    errors: &[ErrorRecord],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let label = format!("ERRORS ({})", errors.len());
    writeln!(out, "{}", heading(opts, ANSI_BOLD, &label))?;
    let mut t = Grid::new(&["Path", "Kind", "Message"], Some(0));
    for e in errors.iter().take(row_cap(opts)) {
        let kind = error_kind_str(e.kind);
        let kind = match e.stage.as_deref() {
            Some(stage) => format!("{kind} ({})", one_line(stage)),
            None => kind.to_string(),
        };
        t.push(vec![
            GridCell::plain(sanitize(&e.path)),
            GridCell::plain(kind),
            GridCell::plain(one_line(&e.message)),
        ]);
    }
    t.write(opts, out)?;
    more_line(errors.len(), row_cap(opts), "errors", out)?;
    writeln!(out)
}

/// The closing summary: per-rule counts, the files with most findings, what was not
/// analysed and why, errors, the one-line summary, then report-level notices.
fn write_summary(
    report: &ScanReport,
    rules: &RuleRegistry,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "{}", heading(opts, ANSI_BOLD, "SUMMARY"))?;
    if !report.findings.is_empty() {
        let mut t = Grid::new(&["Rule", "Severity", "Findings", "Files", "Title"], None);
        for c in count_by_rule(report.findings.iter()) {
            let title = rules
                .get(c.rule)
                .map(|r| r.title)
                .filter(|t| !t.trim().is_empty())
                .unwrap_or(c.title);
            t.push(vec![
                GridCell::painted(c.top, sanitize(c.rule)),
                GridCell::painted(c.top, c.top.as_str()),
                GridCell::plain(thousands(c.findings as u64)),
                GridCell::plain(thousands(c.files.len() as u64)),
                GridCell::plain(one_line(title)),
            ]);
        }
        t.write(opts, out)?;
        write_top_files(&report.findings, opts, out)?;
    }
    for line in coverage_lines(report) {
        write_note(&line, opts, out)?;
    }
    if let Some(h) = &report.stats.history {
        write_note(&history_line(h), opts, out)?;
    }
    writeln!(
        out,
        "{}",
        paint(opts.color, ANSI_BOLD, &summary_line(report))
    )?;
    render_notices(&report.notices, opts, out)
}

/// `Top files:` then `  12  path  (1 high, 11 low)` for the files with the most
/// serious findings, most first.
fn write_top_files(
    findings: &[Finding],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut by_file: BTreeMap<&str, BTreeMap<std::cmp::Reverse<Severity>, usize>> = BTreeMap::new();
    for f in findings {
        *by_file
            .entry(&f.path)
            .or_default()
            .entry(std::cmp::Reverse(f.severity))
            .or_default() += 1;
    }
    if by_file.len() < 2 {
        return Ok(());
    }
    let mut files: Vec<(&str, Severity, usize, String)> = by_file
        .into_iter()
        .map(|(path, sevs)| {
            let top = sevs.keys().next().map_or(Severity::Info, |r| r.0);
            let total = sevs.values().sum();
            let breakdown = sevs
                .iter()
                .map(|(s, n)| format!("{} {}", thousands(*n as u64), s.0))
                .collect::<Vec<_>>()
                .join(", ");
            (path, top, total, breakdown)
        })
        .collect();
    files.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    let shown = files.len().min(TOP_FILES);
    writeln!(
        out,
        "Top files (of {} with findings, most serious first):",
        thousands(files.len() as u64)
    )?;
    let count_width = files[..shown]
        .iter()
        .map(|f| thousands(f.2 as u64).len())
        .max()
        .unwrap_or(1);
    for (path, top, total, breakdown) in &files[..shown] {
        let n = thousands(*total as u64);
        let tail = format!("  ({breakdown})");
        let reserve = 2 + count_width + 2 + tail.chars().count();
        let path = fit_path(opts, &sanitize(path), reserve);
        writeln!(
            out,
            "  {}  {path}{}",
            paint(
                opts.color,
                severity_ansi(*top),
                &format!("{n:>count_width$}")
            ),
            tail
        )?;
    }
    Ok(())
}

/// What the scan covered and what it did not: files that no analyzer reads, limits
/// reached, files too large to hash, files the walk skipped, errors.
fn coverage_lines(report: &ScanReport) -> Vec<String> {
    let s = &report.stats;
    let mut lines = Vec::new();
    let mut files = format!(
        "Files: {} seen, {} analysed",
        thousands(s.files_seen),
        thousands(s.files_analyzed)
    );
    let unread = s.files_seen.saturating_sub(s.files_analyzed);
    if unread > 0 {
        files.push_str(&format!(", {} not read by any analyzer", thousands(unread)));
    }
    if s.archive_members > 0 {
        files.push_str(&format!(
            " (including {})",
            count(s.archive_members, "archive member")
        ));
    }
    lines.push(files);
    let mut skipped: Vec<String> = skipped_by_walk(s)
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, why)| format!("{} {why}", thousands(n)))
        .collect();
    if s.limits_hit > 0 {
        skipped.push(format!(
            "{} {} reached (see ERRORS)",
            thousands(s.limits_hit),
            if s.limits_hit == 1 { "limit" } else { "limits" }
        ));
    }
    if s.files_not_hashed > 0 {
        skipped.push(format!(
            "{} over max_hash_size not hashed (analysed in full)",
            thousands(s.files_not_hashed)
        ));
    }
    if !skipped.is_empty() {
        lines.push(format!(
            "Skipped (a folder counts once): {}",
            skipped.join(", ")
        ));
    }
    if s.tracked_gitignored > 0 {
        lines.push(format!(
            "Scanned although .gitignore matches them: {} tracked by git (ignore \
             patterns apply to untracked files only)",
            count(s.tracked_gitignored, "file")
        ));
    }
    if !s.analyzers_not_run.is_empty() {
        let names: Vec<String> = s.analyzers_not_run.iter().map(|n| one_line(n)).collect();
        lines.push(format!(
            "Not run, the rule selection leaves them nothing to report: {}",
            names.join(", ")
        ));
    }
    if !report.errors.is_empty() {
        let mut kinds: BTreeMap<&str, u64> = BTreeMap::new();
        for e in &report.errors {
            *kinds.entry(error_kind_str(e.kind)).or_default() += 1;
        }
        let kinds: Vec<String> = kinds
            .iter()
            .map(|(k, n)| format!("{} {k}", thousands(*n)))
            .collect();
        lines.push(format!(
            "Errors: {} ({}), listed under ERRORS",
            thousands(report.errors.len() as u64),
            kinds.join(", ")
        ));
    }
    lines
}

/// Files the walk did not scan, with why, from the engine's skip counters (a folder
/// skipped whole counts once).
fn skipped_by_walk(s: &Stats) -> Vec<(u64, &'static str)> {
    vec![
        (s.skipped_gitignored, "untracked and ignored by .gitignore"),
        (
            s.skipped_excluded,
            "excluded by --exclude, .aispmignore or .ignore",
        ),
    ]
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

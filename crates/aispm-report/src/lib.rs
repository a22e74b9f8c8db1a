//! Report writers: this crate owns how a [`ScanReport`] and the rule catalogue are
//! shown to people and handed to machines. It renders three formats: a human table
//! (findings grouped by severity with low and info folded per rule, the inventory
//! rolled up per kind and name, errors and a closing summary),
//! the JSON contract unchanged, and SARIF 2.1.0 for code-scanning platforms. It reads
//! nothing from the scan and decides nothing about findings; it only formats.
#![forbid(unsafe_code)]

mod rollup;
mod rules;
mod sarif;
mod table;
mod text;

use aispm_core::{RuleRegistry, ScanReport};
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

pub use rules::render_rules;

/// Output format of `aispm scan` and `aispm rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Human-readable tables (the default).
    #[default]
    Table,
    /// The JSON contract ([`ScanReport`] as is).
    Json,
    /// SARIF 2.1.0, for code-scanning platforms.
    Sarif,
}

impl Format {
    /// Every format, in the order they are listed in help texts.
    pub const ALL: [Format; 3] = [Format::Table, Format::Json, Format::Sarif];

    /// The name used on the command line (`table`, `json`, `sarif`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of `table`, `json`, `sarif`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}` (expected one of table, json, sarif)")]
pub struct ParseFormatError(String);

impl FromStr for Format {
    type Err = ParseFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim();
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| ParseFormatError(s.to_string()))
    }
}

/// How the human table is drawn. JSON and SARIF ignore these options: they always
/// carry everything, without colour.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Emit ANSI colours. Off by default; the caller decides (terminal, `NO_COLOR`,
    /// `--color`). When on, tables also fit the terminal's width if stdout is one.
    pub color: bool,
    /// List suppressed findings in their own section (they are always counted).
    pub show_suppressed: bool,
    /// Show at most this many findings per severity; the rest are counted.
    pub max_findings_per_severity: Option<usize>,
    /// List low and info findings one by one. Off by default: they are folded into
    /// one line per rule with a count, so they do not bury the rest.
    pub show_low: bool,
    /// Everything: low and info findings listed, every inventory group, every asset,
    /// every error and suppressed finding.
    pub verbose: bool,
    /// Width of the terminal the table goes to. `None` (a file or a pipe): nothing is
    /// wrapped or cut, each line is as long as its content. `Some`: messages wrap at
    /// word boundaries to fit and a path too wide for a line is cut in the middle
    /// (never split over lines).
    pub width: Option<u16>,
}

/// The width of the terminal standard output goes to, or `None` when it is not a
/// terminal.
pub fn terminal_width() -> Option<u16> {
    comfy_table::Table::new().width()
}

/// Writes `report` to `out` in `format`.
///
/// `rules` supplies rule metadata that findings do not carry (rule names and
/// documentation for SARIF, remediation when a finding has none).
pub fn render(
    report: &ScanReport,
    rules: &RuleRegistry,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table::write_report(report, rules, opts, out),
        Format::Json => write_json(report, out),
        Format::Sarif => sarif::write_sarif(report, rules, out),
    }
}

/// Pretty JSON plus a trailing newline, so the output is a well-formed text file.
fn write_json<T: serde::Serialize + ?Sized>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_print() {
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>(), Ok(f));
        }
        assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
        assert_eq!(" json ".parse::<Format>(), Ok(Format::Json));
        let err = "xml".parse::<Format>().err();
        assert_eq!(
            err.map(|e| e.to_string()),
            Some("unknown format `xml` (expected one of table, json, sarif)".to_string())
        );
        assert_eq!(Format::default(), Format::Table);
    }

    #[test]
    fn default_options_have_no_colour() {
        let o = RenderOptions::default();
        assert!(!o.color);
        assert!(!o.show_suppressed);
        assert_eq!(o.max_findings_per_severity, None);
        assert!(!o.show_low && !o.verbose);
        assert_eq!(o.width, None);
    }
}

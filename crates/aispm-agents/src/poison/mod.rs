//! Tool poisoning: tool descriptions that instruct the model instead of describing
//! the tool. Descriptions are taken from MCP tool listings ([`listing`]: JSON with a
//! `tools` array of named, described tools, at any depth, including parameter
//! descriptions), from Python MCP servers ([`python`]: docstrings of
//! `@mcp.tool()`-style decorated functions and `description=` arguments) and from
//! JavaScript/TypeScript MCP servers ([`script`]: `server.tool(name, description, …)`,
//! `registerTool(…, {description})` and `description:` properties in files that use the
//! MCP SDK). Code is scanned with a small string-aware lexer ([`lexer`]), never parsed
//! or run.
//!
//! Each description is scored on kinds of signal ([`signals`]) and handed to the rule
//! (`rules::agt001_tool_poisoning`), which decides: at least two kinds agreeing and a
//! score at its threshold, so emphasis such as "IMPORTANT: dates must be ISO 8601" is
//! never enough.

pub mod lexer;
pub mod listing;
pub mod python;
pub mod script;
pub mod signals;

pub use listing::analyze_json;
pub use python::analyze_python;
pub use script::analyze_script;

use crate::rules;
use crate::text::LineIndex;
use aispm_core::{AnalysisContext, AnalysisError, ErrorKind};
use lexer::{Lexer, concatenated, js_string, python_string};
use regex::Regex;
use signals::MAX_DESCRIPTION;
use std::sync::OnceLock;

/// Tools examined per file; the ones past it are counted in a limit record.
const MAX_TOOLS: usize = 5_000;
/// Decorators and calls examined per file; the ones past it are counted in a limit
/// record.
const MAX_SITES: usize = 20_000;

/// A description found in a file, with its lines.
#[derive(Debug, Clone)]
pub struct Description {
    /// The tool it describes (`tool.parameter` for a parameter); empty when a
    /// `description` property in code is not tied to a tool.
    pub tool: String,
    /// The text, decoded.
    pub text: String,
    /// First and last line of the text in the file.
    pub line: u32,
    pub end_line: u32,
}

/// Judges the descriptions found in a file; one limit record counts those judged on
/// their first [`MAX_DESCRIPTION`] bytes only.
fn report_found(path: &str, found: &[Description], cx: &mut AnalysisContext) {
    let mut long = 0usize;
    for d in found {
        long += usize::from(d.text.len() > MAX_DESCRIPTION);
        rules::check_tool_description(path, d, cx);
    }
    if long > 0 {
        cx.error(
            path,
            ErrorKind::Limit,
            format!(
                "{long} tool descriptions longer than {} KiB were judged on their first {} KiB only",
                MAX_DESCRIPTION >> 10,
                MAX_DESCRIPTION >> 10
            ),
        );
    }
}

/// Records that `n` tool sites (`what`) past a per-file cap were not examined.
fn not_examined(path: &str, n: usize, what: &str, cx: &mut AnalysisContext) {
    if n > 0 {
        cx.error(
            path,
            ErrorKind::Limit,
            format!("{n} {what} past the per-file cap were not examined for tool poisoning"),
        );
    }
}

/// `description=`/`description:` values not already found at the same line (Python
/// keyword arguments, JavaScript properties), as descriptions without a tool name.
/// Returns how many past [`MAX_TOOLS`] were not examined.
fn description_properties(
    text: &str,
    idx: &LineIndex,
    python: bool,
    found: &mut Vec<Description>,
    cx: &mut AnalysisContext,
) -> Result<usize, AnalysisError> {
    let lex: Lexer = if python { python_string } else { js_string };
    // JavaScript joins literals with `+`, Python by juxtaposition.
    let plus = !python;
    let mut sites = description_kwarg(python).find_iter(text).enumerate();
    for (n, m) in sites.by_ref() {
        if n >= MAX_TOOLS {
            return Ok(1 + sites.count());
        }
        if n % 256 == 0 {
            cx.check_time()?;
        }
        if let Some(lit) = concatenated(text, m.end(), lex, plus)
            && !found.iter().any(|d| d.line == idx.line(lit.start))
        {
            found.push(Description {
                tool: String::new(),
                text: lit.text,
                line: idx.line(lit.start),
                end_line: idx.line(lit.end.saturating_sub(1)),
            });
        }
    }
    Ok(0)
}

/// Where a `description=` keyword argument (Python) or `description:` property
/// (JavaScript) starts its value.
fn description_kwarg(python: bool) -> &'static Regex {
    static PY: OnceLock<Regex> = OnceLock::new();
    static JS: OnceLock<Regex> = OnceLock::new();
    if python {
        PY.get_or_init(|| Regex::new(r"\bdescription\s*=\s*").unwrap_or_else(|e| panic!("{e}")))
    } else {
        JS.get_or_init(|| {
            Regex::new(r#"(?:\bdescription|["']description["'])\s*:\s*"#)
                .unwrap_or_else(|e| panic!("{e}"))
        })
    }
}

/// The messages of the limit records of a context (for the tests).
#[cfg(test)]
fn limit_messages(cx: &AnalysisContext) -> Vec<String> {
    cx.errors
        .iter()
        .filter(|e| e.kind == ErrorKind::Limit)
        .map(|e| e.message.clone())
        .collect()
}

//! Agent and MCP analysis for aispm: MCP client configurations (servers inventoried,
//! unpinned launchers, clear-text transports, broad filesystem roots, shells,
//! privileged containers, toxic combinations), poisoned tool descriptions in tool
//! listings and MCP server code, deceptive Unicode (tag characters, bidi controls,
//! zero-width runs) in any text, prompt injection planted in documents and datasets,
//! agent skills (`SKILL.md`) with their harmful instructions and the scripts they ship,
//! and an inventory of prompt files and agent configurations.
//!
//! Everything is static: configurations are read, never launched; server code is
//! scanned as text with a small string-aware lexer, never imported. Files are read
//! whole up to the analyzer's size cap; JSON is read by a bounded reader of our own
//! that keeps every key's line ([`json`]).
//!
//! The readers ([`mcp`], [`poison`], [`skill`], [`inventory`]) hand what they find to
//! the rules' checks through the dispatch table in [`rules`]; the text detectors that
//! other analyzers need too (invisible Unicode, prompt injection) are
//! `aispm_formats::unicode` and `aispm_formats::injection`.
#![forbid(unsafe_code)]

pub mod inventory;
pub mod json;
pub mod mcp;
pub mod poison;
pub mod rules;
pub mod skill;
pub mod text;

use aispm_core::{
    AnalysisContext, AnalysisError, Analyzer, Asset, ErrorKind, FileInput, FileKind, Rule,
};
use std::sync::{Mutex, PoisonError};

/// Text files larger than this are not analysed (configurable per analyzer).
pub const MAX_FILE_SIZE: u64 = 32 << 20;

/// JSON documents larger than this are not parsed as structures (their lines are
/// still searched for hidden Unicode and injections).
pub const MAX_JSON_SIZE: usize = 8 << 20;

/// The agents analyzer. It keeps the scripts it saw during the walk (their paths, and
/// the few that score as harmful) until `finish`, which ties them to the skills whose
/// folders hold them.
#[derive(Debug, Default)]
pub struct AgentsAnalyzer {
    scripts: Mutex<Vec<skill::ScriptRecord>>,
}

impl AgentsAnalyzer {
    pub fn new() -> Self {
        Self::default()
    }

    fn keep_script(&self, record: skill::ScriptRecord) {
        self.scripts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(record);
    }
}

/// How the file's name and content place it, which decides the rules that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    Script,
    Json,
    Yaml,
    Document,
    Other,
}

pub fn lang_of(ext: &str, kind: FileKind) -> Lang {
    match ext {
        "py" | "pyi" => Lang::Python,
        "js" | "mjs" | "cjs" | "ts" | "mts" | "cts" | "jsx" | "tsx" => Lang::Script,
        "json" | "jsonc" | "json5" => Lang::Json,
        "yaml" | "yml" => Lang::Yaml,
        "md" | "markdown" | "mdx" | "txt" | "text" | "html" | "htm" | "xhtml" | "jsonl"
        | "ndjson" | "csv" | "tsv" | "rst" | "adoc" | "xml" => Lang::Document,
        _ => match kind {
            FileKind::Json => Lang::Json,
            FileKind::Jsonl | FileKind::Csv | FileKind::Tsv | FileKind::Markdown => Lang::Document,
            FileKind::Yaml => Lang::Yaml,
            _ => Lang::Other,
        },
    }
}

impl Analyzer for AgentsAnalyzer {
    fn name(&self) -> &'static str {
        "agents"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    fn accepts(&self, file: &FileInput<'_>) -> bool {
        (file.kind.is_text() && file.kind != FileKind::Notebook)
            || (file.kind == FileKind::Binary && skill::is_utf16_powershell(file.path, file.head))
            // An empty script (a package's `__init__.py`) is still one of a skill's files.
            || (file.kind == FileKind::Empty && skill::is_script(file.path, file.head))
    }

    fn default_max_file_size(&self) -> u64 {
        MAX_FILE_SIZE
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let utf16 = skill::is_utf16_powershell(file.path, file.head);
        if memchr_zero(file.head) && !utf16 {
            return Ok(());
        }
        let Some(bytes) = file.read_all(MAX_FILE_SIZE)? else {
            return Err(AnalysisError::Limit(format!(
                "{} bytes is over the agents analyzer's {} bytes",
                file.size, MAX_FILE_SIZE
            )));
        };
        if utf16 {
            // A PowerShell script saved as UTF-16 is still a script a skill may run; it
            // is judged as a script only.
            let text = skill::decode_utf16(&bytes, 2 * skill::MAX_SCRIPT_BYTES);
            if let Some(r) = skill::script_record(file.path, file.head, &text, cx) {
                self.keep_script(r);
            }
            return Ok(());
        }
        let text = String::from_utf8_lossy(&bytes);
        // Before the other checks, so a script is listed with its skill even when they
        // run out of time.
        if let Some(r) = skill::script_record(file.path, file.head, &text, cx) {
            self.keep_script(r);
        }
        analyze_text(file.path, &file.extension(), file.kind, &text, cx)
    }

    /// Ties the scripts seen during the walk to the skills whose folders hold them:
    /// lists them on the skill assets and reports the harmful ones (AGT006).
    fn finish(&self, assets: &mut [Asset], cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let scripts =
            std::mem::take(&mut *self.scripts.lock().unwrap_or_else(PoisonError::into_inner));
        skill::link_scripts(assets, scripts, cx);
        Ok(())
    }
}

fn memchr_zero(head: &[u8]) -> bool {
    head.contains(&0)
}

/// Every check on one text file; `path` is the display path, `ext` its lower-case
/// extension. The entry point for tests and other callers holding text.
pub fn analyze_text(
    path: &str,
    ext: &str,
    kind: FileKind,
    text: &str,
    cx: &mut AnalysisContext,
) -> Result<(), AnalysisError> {
    let lang = lang_of(ext, kind);
    let json_escapes = matches!(ext, "json" | "jsonc" | "jsonl" | "ndjson")
        || matches!(kind, FileKind::Json | FileKind::Jsonl);
    rules::check_text(path, text, json_escapes, cx)?;

    // Structured content: MCP configurations, tool listings, agent configurations.
    let mut structured = false;
    // A JSON document over the size cap that names MCP servers or tools near its start
    // is said not to be read as one, rather than passed over in silence; other large
    // JSON (datasets, exports) is only searched line by line, as documents are.
    if lang == Lang::Json && text.len() > MAX_JSON_SIZE && names_mcp_or_tools(text) {
        cx.error(
            path,
            ErrorKind::Limit,
            format!(
                "JSON of {} bytes is over the {} MiB cap for MCP configurations and tool listings; read only line by line",
                text.len(),
                MAX_JSON_SIZE >> 20
            ),
        );
    }
    if lang == Lang::Json && text.len() <= MAX_JSON_SIZE {
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with(['{', '[', '/'])
            && let Ok(root) = json::parse(text)
        {
            cx.check_time()?;
            structured |= mcp::analyze_json(path, &root, cx);
            structured |= poison::analyze_json(path, &root, cx);
            structured |= inventory::agents_json(path, &root, cx);
        }
    }
    if lang == Lang::Yaml {
        structured |= mcp::analyze_yaml(path, text, cx);
        structured |= inventory::agents_yaml(path, text, cx);
    }
    match lang {
        Lang::Python => {
            poison::analyze_python(path, text, cx)?;
            if !is_test(path) {
                inventory::mcp_servers_in_code(path, text, true, cx);
            }
        }
        Lang::Script => {
            poison::analyze_script(path, text, cx)?;
            if !is_test(path) {
                inventory::mcp_servers_in_code(path, text, false, cx);
            }
        }
        _ => {}
    }
    // A skill is instructions by design: judged by its own rule, not as a document.
    if skill::analyze(path, text, cx) {
        return Ok(());
    }
    let prompt = inventory::prompt_file(path, ext, text, cx);
    if !structured && !prompt && matches!(lang, Lang::Document | Lang::Json) {
        rules::check_document(path, ext, text, cx)?;
    }
    Ok(())
}

/// Servers built in the project's tests are fixtures, not its servers, and would flood
/// the inventory.
fn is_test(path: &str) -> bool {
    aispm_core::role::Role::of_path(path) == aispm_core::role::Role::Test
}

/// Whether the first 64 KiB of a JSON document name MCP servers or tool listings.
fn names_mcp_or_tools(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(64 << 10)];
    [
        "\"mcpServers\"",
        "\"context_servers\"",
        "\"inputSchema\"",
        "\"tools\"",
    ]
    .iter()
    .any(|k| memchr::memmem::find(head, k.as_bytes()).is_some())
}

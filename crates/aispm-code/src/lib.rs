//! Source analysis for AI application code: Python, JavaScript, TypeScript (and TSX)
//! parsed with tree-sitter, and the code cells of Jupyter notebooks.
//!
//! Per file: one Aho-Corasick pass over the bytes decides whether anything AI-related
//! can be in it (SDK names, model-loading and risky APIs, LLM call names); only then
//! is the file parsed, once, and walked (`flow.rs`) for the inventory (AI SDK imports
//! → `ai-sdk-usage` assets, model names and Hub repositories → `model-reference`
//! assets, MCP servers started → `mcp-server` assets, agents built with an agent
//! framework → `agent` assets) and the `CODE` rules: model output reaching code execution, shell, SQL,
//! HTML, file paths and deserialisers (intra-procedural taint with same-file function
//! summaries), request input written into system prompts, unsafe model loading,
//! `trust_remote_code`, unpinned Hub revisions, LangChain dangerous flags and tools,
//! and TLS verification turned off. Notebook cells are analysed as one module, in
//! order, with every line mapped back to its line in the `.ipynb` file.
#![forbid(unsafe_code)]

pub mod flow;
pub mod lang;
pub use aispm_core::role;
pub mod rules;
pub mod sdk;

use aho_corasick::AhoCorasick;
use aispm_core::notebook::{self, Location};
use aispm_core::{
    AnalysisContext, AnalysisError, Analyzer, Asset, AssetKind, ErrorKind, FileInput, FileKind,
    RawFinding, Rule,
};
use lang::Lang;
use std::sync::OnceLock;

/// Source files larger than this are generated or bundled code; they are listed as
/// not analysed.
pub const MAX_SOURCE_SIZE: u64 = 4 << 20;

/// Words without which no rule and no inventory entry of this analyzer can apply.
const KEYWORDS: &[&str] = &[
    // SDKs and frameworks (import names and packages)
    "openai",
    "anthropic",
    "genai",
    "generativeai",
    "vertexai",
    "mistral",
    "cohere",
    "langchain",
    "langgraph",
    "langsmith",
    "llama_index",
    "llamaindex",
    "llama_cpp",
    "transformers",
    "diffusers",
    "sentence_transformers",
    "huggingface",
    "peft",
    "vllm",
    "litellm",
    "ollama",
    "crewai",
    "from autogen",
    "import autogen",
    "autogen_",
    "semantic_kernel",
    "dspy",
    "from haystack",
    "import haystack",
    "from mcp",
    "import mcp",
    "mcp.",
    "Mcp",
    "modelcontextprotocol",
    "groq",
    "fireworks",
    "import replicate",
    "from replicate",
    "voyageai",
    "pinecone",
    "weaviate",
    "qdrant",
    "chromadb",
    "smolagents",
    "pydantic_ai",
    "gpt4all",
    "tiktoken",
    "xai_sdk",
    "deepseek",
    "@ai-sdk",
    "\"ai\"",
    "'ai'",
    "\"ai/",
    "'ai/",
    "bedrock",
    "@mastra",
    "import together",
    "from together",
    "import guidance",
    "from guidance",
    "import instructor",
    "from instructor",
    "import trl",
    "from trl",
    "from agno",
    "import agno",
    "agno.",
    "google.adk",
    "@google/adk",
    "from agents",
    "import agents",
    "from strands",
    "import strands",
    "strands_tools",
    "browser_use",
    "praisonaiagents",
    "camel.agents",
    "from camel",
    "from swarm",
    "import swarm",
    "MCP",
    "@xenova/transformers",
    // LLM calls reached through a client passed in
    "chat.completions",
    "completions.create",
    "completions.stream",
    "messages.create",
    "messages.stream",
    "generate_content",
    "generateContent",
    "invoke_model",
    "converse",
    "ChatCompletion",
    // model loading and ML libraries
    "torch",
    "joblib",
    "numpy",
    "pandas",
    "sklearn",
    "tensorflow",
    "keras",
    "xgboost",
    "lightgbm",
    "catboost",
    "faiss",
    "onnx",
    "safetensors",
    "allow_pickle",
    "safe_mode",
    "unsafe_deserialization",
    "trust_remote_code",
    "from_pretrained",
    "hf_hub_download",
    "snapshot_download",
    "allow_dangerous",
    "SentenceTransformer",
    "CrossEncoder",
];

/// General-purpose deserialisers: reason to parse only beside something that says the
/// file handles models or ML data (`MODEL_HINTS`). Alone they are everyday Python — a
/// standard library uses `pickle` in a hundred files — and an AI posture tool has
/// nothing to say about them there.
/// Written as the reads themselves (a load, an unpickler, an import of one, an alias
/// of the module): a file that only writes pickles or names the module in prose
/// loads nothing.
const GENERAL_RISKY: &[&str] = &[
    "pickle.load",
    "pickle.Unpickler",
    "Unpickler(",
    "from pickle import",
    "import pickle as",
    "dill.load",
    "from dill import",
    "import dill as",
    "shelve.open",
    "from shelve import",
    "import shelve as",
    "cloudpickle.load",
    "from cloudpickle import",
    "import cloudpickle as",
];

/// Words and file suffixes that make a general deserialiser's input a model, a
/// checkpoint or ML data.
const MODEL_HINTS: &[&str] = &[
    "model =",
    "model=",
    "model_",
    "_model",
    "model.",
    "models/",
    "Model(",
    "checkpoint",
    "ckpt",
    "weights",
    "embedding",
    "tokenizer",
    ".pkl",
    ".pickle",
    ".pt\"",
    ".pt'",
    ".pth",
    ".bin\"",
    ".bin'",
];

/// A searcher over `words`, built as a DFA: these lists are small and searched over
/// every source byte, where the DFA is the fastest of the automata.
fn automaton(words: &'static [&'static str]) -> AhoCorasick {
    aho_corasick::AhoCorasickBuilder::new()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(words)
        .or_else(|_| AhoCorasick::new(words))
        .expect("static keyword list builds")
}

/// Whether the file can hold anything the analyzer reports: an AI keyword (SDK,
/// LLM call, model loading, ML library), or a general deserialiser beside a model
/// or checkpoint hint. Each list is one Aho-Corasick search that stops at its first
/// hit, and most files stop at the first.
pub fn worth_parsing(bytes: &[u8]) -> bool {
    static LISTS: OnceLock<[AhoCorasick; 3]> = OnceLock::new();
    let [ai, risky, hints] = LISTS.get_or_init(|| {
        [
            automaton(KEYWORDS),
            automaton(GENERAL_RISKY),
            automaton(MODEL_HINTS),
        ]
    });
    ai.is_match(bytes) || (risky.is_match(bytes) && hints.is_match(bytes))
}

/// The source analyzer.
#[derive(Debug, Default)]
pub struct CodeAnalyzer;

impl CodeAnalyzer {
    pub fn new() -> Self {
        CodeAnalyzer
    }
}

/// What one analysed text produced, with lines already mapped to the file.
struct Mapped {
    outcome: flow::Outcome,
    lang: Lang,
}

impl Analyzer for CodeAnalyzer {
    fn name(&self) -> &'static str {
        "code"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    fn accepts(&self, file: &FileInput<'_>) -> bool {
        match file.kind {
            FileKind::Notebook => true,
            FileKind::Text => Lang::from_extension(&file.extension()).is_some(),
            _ => false,
        }
    }

    fn default_max_file_size(&self) -> u64 {
        MAX_SOURCE_SIZE
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let bytes = file.read_all(MAX_SOURCE_SIZE)?.ok_or_else(|| {
            AnalysisError::Limit(format!(
                "source file larger than {MAX_SOURCE_SIZE} bytes (generated or bundled code); not parsed"
            ))
        })?;
        if !worth_parsing(&bytes) {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mapped = if file.kind == FileKind::Notebook {
            match notebook_source(bytes.as_slice()) {
                Some((src, lines)) => {
                    cx.check_time()?;
                    let Some(mut outcome) = flow::analyze_at(&src, Lang::Python, file.path) else {
                        return Err(AnalysisError::Parse(
                            "the Python parser could not be loaded".into(),
                        ));
                    };
                    remap(&mut outcome, &lines);
                    Mapped {
                        outcome,
                        lang: Lang::Python,
                    }
                }
                None => return Ok(()),
            }
        } else {
            let Some(lang) = Lang::from_extension(&file.extension()) else {
                return Ok(());
            };
            cx.check_time()?;
            let Some(outcome) = flow::analyze_at(text, lang, file.path) else {
                return Err(AnalysisError::Parse(
                    "the parser could not be loaded".into(),
                ));
            };
            Mapped { outcome, lang }
        };
        cx.check_time()?;
        emit(file, mapped, cx);
        Ok(())
    }
}

/// Maps lines of the decoded notebook source back to lines of the `.ipynb` file.
fn remap(outcome: &mut flow::Outcome, lines: &[u32]) {
    let map = |l: u32| -> u32 {
        l.checked_sub(1)
            .and_then(|i| lines.get(i as usize))
            .copied()
            .unwrap_or(l)
    };
    for h in &mut outcome.hits {
        h.line = map(h.line);
        h.end_line = map(h.end_line).max(h.line);
    }
    for s in &mut outcome.sdks {
        s.line = map(s.line);
    }
    for m in &mut outcome.models {
        m.line = map(m.line);
    }
    for m in &mut outcome.servers {
        m.line = map(m.line);
    }
    for a in &mut outcome.agents {
        a.line = map(a.line);
    }
}

/// The code cells of a notebook as one Python module, magics and shell escapes
/// blanked, with the file line of every line.
fn notebook_source(raw: &[u8]) -> Option<(String, Vec<u32>)> {
    let view = notebook::view(raw)?;
    let code_cells = code_cells(raw);
    let mut src = String::new();
    let mut lines = Vec::new();
    let text = String::from_utf8_lossy(&view.text);
    for (line, origin) in text.split('\n').zip(view.lines.iter()) {
        if origin.location != Location::Source {
            continue;
        }
        let Some(cell) = origin.cell else { continue };
        if !code_cells.contains(&cell) {
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('%') || trimmed.starts_with('!') {
            src.push('\n');
        } else {
            src.push_str(line);
            src.push('\n');
        }
        lines.push(origin.line);
    }
    Some((src, lines))
}

/// Indices of the cells whose `cell_type` is `code`.
fn code_cells(raw: &[u8]) -> Vec<u32> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(raw) else {
        return Vec::new();
    };
    v.get("cells")
        .and_then(|c| c.as_array())
        .map(|cells| {
            cells
                .iter()
                .enumerate()
                .filter(|(_, c)| c.get("cell_type").and_then(|t| t.as_str()) == Some("code"))
                .map(|(i, _)| i as u32)
                .collect()
        })
        .unwrap_or_default()
}

fn emit(file: &FileInput<'_>, mapped: Mapped, cx: &mut AnalysisContext) {
    let Mapped { outcome, lang } = mapped;
    let language = if file.kind == FileKind::Notebook {
        "notebook"
    } else {
        lang.as_str()
    };
    if outcome.truncated {
        cx.error(
            file.path,
            ErrorKind::Limit,
            "syntax nested deeper than the source analyzer follows; the deepest parts were not analysed",
        );
    }
    // The inventory lists what the project uses; its tests exercise fixtures
    // (`test-model`, a stub server) that are not part of what it runs.
    let inventory = role::Role::of_path(file.path) != role::Role::Test;
    for s in outcome.sdks.iter().filter(|_| inventory) {
        let mut a = Asset::new(
            AssetKind::AiSdkUsage,
            file.path,
            &format!("{}:{}", s.sdk, s.package),
            language,
        )
        .with_property("sdk", s.sdk)
        .with_property("package", s.package.clone())
        .with_property("module", s.module.clone())
        .with_property("modules", s.modules.clone())
        .with_property("imports", s.imports)
        .with_property("language", lang.as_str());
        if !outcome.endpoints.is_empty() {
            a.set("endpoints", outcome.endpoints.clone());
        }
        a.line = Some(s.line);
        cx.asset(a);
    }
    for m in outcome.models.iter().filter(|_| inventory) {
        let mut a = Asset::new(AssetKind::ModelReference, file.path, &m.model, language)
            .with_property("model", m.model.clone())
            .with_property("api", m.api.clone())
            .with_property("hub", m.hub);
        if let Some(p) = &m.provider {
            a.set("provider", p.clone());
        }
        if m.hub {
            a.set("repo_id", m.model.clone());
            a.set(
                "pinned",
                m.revision
                    .as_deref()
                    .is_some_and(|r| r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())),
            );
        }
        if let Some(r) = &m.revision {
            a.set("revision", r.clone());
        }
        if let Some(e) = &m.endpoint {
            a.set("endpoint", e.clone());
        }
        a.line = Some(m.line);
        cx.asset(a);
    }
    if inventory {
        emit_agents(file, &outcome, language, cx);
    }
    let mut server_ids = Vec::with_capacity(outcome.servers.len());
    for (i, m) in outcome.servers.iter().enumerate() {
        let name = m.package.clone().unwrap_or_else(|| m.program.clone());
        let mut a = Asset::new(
            AssetKind::McpServer,
            file.path,
            &format!("{name}#{i}"),
            language,
        )
        .with_property("server_name", name)
        .with_property("transport", "stdio")
        .with_property("command", m.program.clone())
        .with_property("api", m.api.clone())
        .with_property("started_from", "code");
        if let Some(l) = m.launcher {
            a.set("launcher", l);
            a.set("pinned", m.pinned);
        }
        if let Some(p) = &m.package {
            a.set("package", p.clone());
        }
        if let Some(v) = &m.version {
            a.set("version", v.clone());
        }
        a.line = Some(m.line);
        server_ids.push(a.id.clone());
        if inventory {
            cx.asset(a);
        }
    }
    for h in outcome.hits {
        let mut f = RawFinding::new(h.rule, file.path, h.message)
            .lines(h.line, h.end_line)
            .evidence(h.evidence.clone())
            .key(h.evidence)
            .property("language", lang.as_str());
        if let Some(s) = h.severity {
            f = f.severity(s);
        }
        if inventory && let Some(id) = h.server.and_then(|i| server_ids.get(i)) {
            f = f.asset(id.clone());
        }
        cx.report(f);
    }
}

/// One `agent` asset per agent the code builds. The ID is the agent's name and its
/// occurrence among agents of that name in the file, so it survives edits that move
/// or add other agents.
fn emit_agents(
    file: &FileInput<'_>,
    outcome: &flow::Outcome,
    language: &str,
    cx: &mut AnalysisContext,
) {
    let capped = outcome.agents_found > outcome.agents.len();
    if capped {
        cx.error(
            file.path,
            ErrorKind::Limit,
            format!(
                "{} agents built in this file; the first {} are inventoried",
                outcome.agents_found,
                outcome.agents.len()
            ),
        );
    }
    let mut seen: Vec<&str> = Vec::with_capacity(outcome.agents.len());
    for g in &outcome.agents {
        let n = seen.iter().filter(|s| **s == g.name).count();
        seen.push(&g.name);
        let mut a = Asset::new(
            AssetKind::Agent,
            file.path,
            &format!("code:{}#{n}", g.name),
            language,
        )
        .with_property("framework", g.framework)
        .with_property("agent_name", short(&g.name, 80))
        .with_property("named_by", g.named_by)
        .with_property("class", g.class.clone())
        .with_property("api", g.api.clone())
        .with_property("defined_in", "code");
        if let Some(m) = &g.model {
            a.set("model", m.clone());
            if let Some(p) = sdk::provider_of_model(m) {
                a.set("provider", p);
            }
        }
        if let Some(c) = g.tools_count {
            a.set("tools", g.tools.clone());
            a.set("tools_count", c);
        }
        if !g.sub_agents.is_empty() {
            a.set("sub_agents", g.sub_agents.clone());
        }
        if let Some(why) = &g.code_execution {
            a.set("code_execution", true);
            a.set("code_execution_evidence", why.clone());
        }
        if let Some(why) = &g.shell {
            a.set("shell_access", true);
            a.set("shell_access_evidence", why.clone());
        }
        if capped {
            a.set("agents_in_file", outcome.agents_found);
        }
        a.line = Some(g.line);
        cx.asset(a);
    }
}

/// At most `max` characters, with an ellipsis when cut.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_skips_plain_code() {
        assert!(!worth_parsing(b"def add(a, b):\n    return a + b\n"));
        assert!(worth_parsing(b"import openai\n"));
        assert!(worth_parsing(b"x = torch.load(p)\n"));
        // A general deserialiser needs a model or checkpoint beside it.
        assert!(!worth_parsing(
            b"import pickle\nstate = pickle.loads(blob)\n"
        ));
        assert!(worth_parsing(
            b"import pickle\nclf = pickle.load(open('clf.pkl', 'rb'))\n"
        ));
        assert!(worth_parsing(b"import pickle\nmodel = pickle.load(f)\n"));
        assert!(worth_parsing(b"import dill as d\nmodel = d.load(f)\n"));
        // Writing a model's pickle, or naming the module in prose, loads nothing.
        assert!(!worth_parsing(
            b"import pickle\npickle.dump(model, open('m.pkl', 'wb'))\n"
        ));
        // Words that only contain a framework's name are not it.
        assert!(!worth_parsing(b"const camelCase = toCamel(x);\n"));
    }

    #[test]
    fn notebook_lines_map_to_the_file() {
        let nb = br##"{
 "cells": [
  {"cell_type": "markdown", "source": ["eval(x)\n"]},
  {
   "cell_type": "code",
   "source": [
    "!pip install openai\n",
    "from openai import OpenAI\n",
    "c = OpenAI()\n"
   ]
  },
  {
   "cell_type": "code",
   "source": [
    "r = c.chat.completions.create(model=\"gpt-4o\", messages=[])\n",
    "exec(r.choices[0].message.content)\n"
   ]
  }
 ]
}"##;
        let (src, lines) = notebook_source(nb).unwrap();
        let mut outcome = flow::analyze(&src, Lang::Python).unwrap();
        remap(&mut outcome, &lines);
        let hits: Vec<_> = outcome.hits.iter().map(|h| (h.rule.id, h.line)).collect();
        assert_eq!(hits, vec![("CODE001", 16)]);
        assert_eq!(outcome.sdks[0].line, 8);
    }
}

//! One walk over a parsed file: imports and SDK inventory (`flow/imports.rs`), model
//! references (`inventory.rs`), agents built in code (`agents.rs`, the frameworks'
//! APIs in `agents/apis.rs`), MCP servers started (`mcp.rs`), the evidence about
//! agent tools (`tools.rs`) and an intra-procedural taint analysis from model output
//! (and request input) (`taint.rs`, driven by the statement walk in `walk.rs`). The
//! walk hands the rules a view of what it reads (`call.rs`: a `Call`, a `Property`,
//! an `Assignment`) through the dispatch table in `crate::rules`, answers their
//! questions (`facts.rs`) and records their findings (`report.rs`); the rules'
//! checks live in their own files under `rules/`. Each file adds methods to the one
//! `Walker`; this file holds the walker, its entry points and the helpers every
//! section shares.
//!
//! Taint is a bit set per name (`LLM`, `USER`), kept in a stack of scopes (module,
//! then each function, closures see their enclosing scopes). Statements are visited in
//! source order and assignments update the current scope, so `x = ask(q)` then
//! `eval(x)` is a flow while `x = "1"` in between ends it. Taint propagates through
//! attributes, subscripts, string building, containers, `await`, conditional
//! expressions, methods called on tainted values and calls with tainted arguments,
//! and stops at parsers and sanitisers (`ast.literal_eval`, `json.loads`,
//! `JSON.parse`, `DOMPurify.sanitize`, escaping functions, numeric conversions).
//! Functions of the same file get a summary (does the return value carry model
//! output?), computed in a first pass so helpers defined after their callers count.

use crate::lang::Lang;
use crate::role::Role;
use crate::rules;
use crate::sdk;
use aispm_core::{Rule, Severity};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use tree_sitter::{Node, TreeCursor};

mod agents;
mod call;
mod facts;
mod imports;
mod inventory;
mod mcp;
mod report;
mod taint;
mod tools;
mod walk;

pub use agents::{AgentDef, MAX_AGENTS_PER_FILE};
pub(crate) use call::{Assignment, Call, Property};
pub use mcp::{Launch, McpLaunch, parse_launch};
pub(crate) use tools::Destination;

/// Model output.
pub const LLM: u8 = 1;
/// Data from the request or the user (for the system-prompt rule).
pub const USER: u8 = 2;

/// Statements that hold statements: where imports and module constants can be.
const STATEMENT_CONTAINERS: &[&str] = &[
    "module",
    "program",
    "block",
    "statement_block",
    "function_definition",
    "decorated_definition",
    "class_definition",
    "class_body",
    "class_declaration",
    "if_statement",
    "elif_clause",
    "else_clause",
    "try_statement",
    "except_clause",
    "finally_clause",
    "with_statement",
    "for_statement",
    "while_statement",
    "expression_statement",
    "export_statement",
    "lexical_declaration",
    "variable_declaration",
    "function_declaration",
    "method_definition",
    "catch_clause",
    "for_in_statement",
    "switch_statement",
    "switch_body",
    "switch_case",
    "if_statement_clause",
    "ambient_declaration",
    "internal_module",
];

/// Calls that run their first argument as a command line through a shell (model
/// output reaching them is `CODE002`; a same-file function calling them is a shell
/// for `CODE018`).
pub(crate) const SHELL_CALLS: &[&str] = &[
    "os.system",
    "os.popen",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "commands.getoutput",
    "asyncio.create_subprocess_shell",
    "pexpect.spawn",
    "pexpect.run",
];

/// Deepest syntax nesting walked; deeper parts are reported as not analysed.
const MAX_DEPTH: usize = 400;
/// Deepest expression nesting evaluated for taint.
const MAX_EXPR_DEPTH: usize = 48;

/// A rule match.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: &'static Rule,
    /// 1-based lines in the parsed text.
    pub line: u32,
    pub end_line: u32,
    pub message: String,
    pub evidence: String,
    pub severity: Option<Severity>,
    /// Index in [`Outcome::servers`] of the MCP server the finding is about.
    pub server: Option<usize>,
}

/// The imports of one AI SDK package in a file, rolled up.
#[derive(Debug, Clone)]
pub struct SdkUse {
    pub sdk: &'static str,
    /// The package (`langchain_openai`, `google.adk`, `@langchain/core`).
    pub package: String,
    /// The first module imported.
    pub module: String,
    /// Every module imported from the package, in order of first import.
    pub modules: Vec<String>,
    /// Import statements of the package.
    pub imports: u32,
    /// Line of the first import.
    pub line: u32,
}

/// A model named in code.
#[derive(Debug, Clone)]
pub struct ModelRef {
    pub model: String,
    pub line: u32,
    pub api: String,
    pub provider: Option<String>,
    pub hub: bool,
    pub revision: Option<String>,
    pub endpoint: Option<String>,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub hits: Vec<Hit>,
    pub sdks: Vec<SdkUse>,
    pub models: Vec<ModelRef>,
    /// Syntax nested deeper than the walk follows.
    pub truncated: bool,
    /// Base URLs and endpoints configured for AI clients.
    pub endpoints: Vec<String>,
    /// MCP servers the code starts.
    pub servers: Vec<McpLaunch>,
    /// Agents the code builds with an agent framework (at most
    /// [`MAX_AGENTS_PER_FILE`]).
    pub agents: Vec<AgentDef>,
    /// Agents found, including those past the cap.
    pub agents_found: usize,
}

/// Analyses one parsed file as application code with no known location.
pub fn analyze(src: &str, lang: Lang) -> Option<Outcome> {
    analyze_at(src, lang, "")
}

/// Analyses one parsed file found at `path` (a display path): its [`Role`] weighs the
/// findings, its folders tell a package's own imports from uses of it.
pub fn analyze_at(src: &str, lang: Lang, path: &str) -> Option<Outcome> {
    let tree = lang.parse(src)?;
    let root = tree.root_node();
    let inner = path.rsplit('!').next().unwrap_or(path);
    let mut dirs: Vec<String> = inner
        .split(['/', '\\'])
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    dirs.pop();
    let mut w = Walker {
        src,
        lang,
        role: Role::of_path(path),
        dirs,
        table: lang.table(),
        early: RefCell::new(HashSet::new()),
        imports: HashMap::new(),
        has_ai: false,
        download: None,
        funcs: HashMap::new(),
        consts: HashMap::new(),
        scopes: vec![HashMap::new()],
        returns: Vec::new(),
        report: false,
        out: Outcome::default(),
        seen: HashSet::new(),
        seen_models: HashSet::new(),
        shell_funcs: HashSet::new(),
        pending: Vec::new(),
        called: HashSet::new(),
        agent_names: HashSet::new(),
        has_mcp: false,
        openai_agents: false,
        agent_sdk: false,
        local_defs: HashSet::new(),
        bound: HashMap::new(),
        agent_vars: HashMap::new(),
        agent_nodes: Vec::new(),
    };
    w.collect(root);
    w.has_mcp = w
        .imports
        .values()
        .any(|m| m.to_ascii_lowercase().contains("mcp"));
    w.collect_shell_functions(root);
    w.report = true;
    w.walk(&mut root.walk(), 0);
    // A helper called before its definition was read as clean: walk again with every
    // summary known (rare; most files define helpers before their callers).
    if w.early
        .borrow()
        .iter()
        .any(|name| w.funcs.get(*name).is_some_and(|&t| t != 0))
    {
        w.out.hits.clear();
        w.out.servers.clear();
        w.out.agents.clear();
        w.out.agents_found = 0;
        w.bound.clear();
        w.agent_vars.clear();
        w.agent_nodes.clear();
        w.seen.clear();
        w.pending.clear();
        w.scopes = vec![HashMap::new()];
        w.returns.clear();
        w.walk(&mut root.walk(), 0);
    }
    Some(w.out)
}

/// The walk over one parsed file, and what it knows so far. The rules see it through
/// the questions of `flow/facts.rs` and report through `flow/report.rs`; its fields
/// are the walk's own.
pub(crate) struct Walker<'s> {
    src: &'s str,
    lang: Lang,
    /// What the file is for (tests and examples weigh less).
    role: Role,
    /// Folders the file is in, to tell a package's own imports (`crewai/agent.py`
    /// importing `crewai`) from uses of it.
    dirs: Vec<String>,
    table: &'static crate::lang::Table,
    /// Names called before a function of that name was summarised.
    early: RefCell<HashSet<&'s str>>,
    /// Local name → qualified name (`np` → `numpy`, `load` → `torch.load`,
    /// `exec` → `child_process.exec`).
    imports: HashMap<String, String>,
    /// The file imports an AI SDK.
    has_ai: bool,
    /// The file downloads something (hub, HTTP, object storage); read from the text
    /// when a pickle load needs a severity.
    download: Option<bool>,
    /// Function name → taint of its return value.
    funcs: HashMap<String, u8>,
    /// Module-level string constants.
    consts: HashMap<String, String>,
    scopes: Vec<HashMap<String, u8>>,
    returns: Vec<u8>,
    report: bool,
    out: Outcome,
    seen: HashSet<(&'static str, u32)>,
    seen_models: HashSet<String>,
    /// Functions and classes of this file that run shell command lines.
    shell_funcs: HashSet<String>,
    /// Host code executors held in a name, not yet handed to anything.
    pending: Vec<(String, Node<'s>)>,
    /// Every callee of the file, resolved (`torch.save`), and every method name
    /// prefixed with a dot (`.to_pickle`).
    called: HashSet<String>,
    /// Names bound to agents, teams and crews of an AI framework (`bot = Agent(...)`).
    agent_names: HashSet<String>,
    /// The file imports an MCP client or server library.
    has_mcp: bool,
    /// The file's imports prove the OpenAI Agents SDK (`from agents import Runner`).
    openai_agents: bool,
    /// The file imports a framework that builds agents (or a module named `agents`).
    agent_sdk: bool,
    /// Classes and functions the file defines (they shadow imported names).
    local_defs: HashSet<&'s str>,
    /// Names bound to a call or a literal container, last binding in source order
    /// (to follow `tools = [...]`, `llm = ChatOpenAI(model=...)` into an agent).
    bound: HashMap<&'s str, Node<'s>>,
    /// Names bound to an agent of [`Outcome::agents`], by index.
    agent_vars: HashMap<&'s str, usize>,
    /// Agent-building calls (node ID) and their index in [`Outcome::agents`].
    agent_nodes: Vec<(usize, usize)>,
}

pub(crate) fn line_of(n: Node) -> u32 {
    n.start_position().row as u32 + 1
}

fn end_line_of(n: Node) -> u32 {
    n.end_position().row as u32 + 1
}

pub(crate) fn named_children(n: Node) -> Vec<Node> {
    let mut c = n.walk();
    n.named_children(&mut c).collect()
}

/// Evidence: the source text on one line, bounded, with long credential-like tokens
/// cut so that a key written into a flagged call is never copied whole.
fn evidence_of(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(one_line.len().min(200));
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        let credential_like = token.len() >= 20
            && token.chars().any(|c| c.is_ascii_digit())
            && token.chars().any(|c| c.is_ascii_alphabetic());
        if credential_like {
            out.extend(token.chars().take(4));
            out.push('…');
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in one_line.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '=') {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    if out.chars().count() > 160 {
        let cut: String = out.chars().take(157).collect();
        return format!("{cut}...");
    }
    out
}

/// Whether a string names a Hugging Face Hub repository (`org/name`) rather than a
/// local folder or file.
pub fn is_hub_id(s: &str) -> bool {
    let Some((org, name)) = s.split_once('/') else {
        return false;
    };
    let ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 96
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    if !ok(org) || !ok(name) || org.starts_with('.') || name.starts_with('.') {
        return false;
    }
    const LOCAL_FOLDERS: &[&str] = &[
        "models",
        "model",
        "artifacts",
        "artefacts",
        "checkpoints",
        "checkpoint",
        "outputs",
        "output",
        "data",
        "tmp",
        "cache",
        "weights",
        "saved_models",
        "runs",
        "results",
        "experiments",
    ];
    if LOCAL_FOLDERS.contains(&org.to_ascii_lowercase().as_str()) {
        return false;
    }
    const FILE_EXTENSIONS: &[&str] = &[
        "pt",
        "pth",
        "bin",
        "json",
        "safetensors",
        "onnx",
        "pkl",
        "h5",
        "ckpt",
        "gguf",
        "txt",
        "joblib",
        "keras",
        "npz",
        "npy",
    ];
    match name.rsplit_once('.') {
        Some((_, ext)) => !FILE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()),
        None => true,
    }
}

/// Whether a Hub ID is a placeholder for the reader's own repository
/// (`your-username/my-model`, `<org>/<model>`, `username/model`).
pub fn is_placeholder_repo(id: &str) -> bool {
    let org = id.split('/').next().unwrap_or(id).to_ascii_lowercase();
    org.starts_with("your")
        || org.starts_with('<')
        || org.contains("username")
        || matches!(
            org.as_str(),
            "my-org" | "myorg" | "my_org" | "my-user" | "xxx"
        )
}

impl<'s> Walker<'s> {
    /// The source text of a node.
    pub(crate) fn text(&self, n: Node) -> &'s str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    /// The kind of a node, as the grammar names it (`call`, `call_expression`, …).
    pub(crate) fn kind(&self, n: Node) -> &'static str {
        self.table.kind(n)
    }

    /// A node's child by field name (`function`, `left`, `key`, …).
    pub(crate) fn field(&self, n: Node<'s>, name: &str) -> Option<Node<'s>> {
        match crate::lang::Table::field_index(name).and_then(|i| self.table.fields.get(i)) {
            Some(&0) => None,
            Some(&id) => n.child_by_field_id(id),
            None => n.child_by_field_name(name),
        }
    }

    // Helpers shared by the sections in `flow/` and the rules.

    /// The value of a plain string literal (no interpolation), or a module constant.
    pub(crate) fn string_literal(&self, n: Node) -> Option<String> {
        match self.kind(n) {
            "string" => {
                let mut content = String::new();
                for c in named_children(n) {
                    match self.kind(c) {
                        "string_content" | "string_fragment" => content.push_str(self.text(c)),
                        "string_start" | "string_end" => {}
                        "escape_sequence" => content.push_str(self.text(c)),
                        _ => return None,
                    }
                }
                if self.lang.is_python() {
                    // An f-string prefix makes interpolation children; plain prefixes are fine.
                    let start = self.text(n);
                    if start.starts_with(['f', 'F']) && n.named_child_count() > 2 {
                        return None;
                    }
                }
                Some(content)
            }
            "template_string" => {
                if named_children(n)
                    .iter()
                    .any(|c| self.kind(*c) == "template_substitution")
                {
                    return None;
                }
                let t = self.text(n);
                Some(t.trim_matches('`').to_string())
            }
            "identifier" => self.consts.get(self.text(n)).cloned(),
            _ => None,
        }
    }

    pub(crate) fn is_literal_true(&self, n: Node) -> bool {
        self.kind(n) == "true"
    }

    pub(crate) fn is_literal_false(&self, n: Node) -> bool {
        self.kind(n) == "false"
    }

    /// Callee segments: `client.chat.completions.create` → [client, chat, completions,
    /// create]; a call in the chain is `()`, a subscript `[]`, anything else `?`.
    fn segs(&self, n: Node<'s>) -> Vec<&'s str> {
        let mut out = Vec::new();
        self.segs_into(n, &mut out, 0);
        out
    }

    fn segs_into(&self, n: Node<'s>, out: &mut Vec<&'s str>, depth: usize) {
        if depth > 32 {
            out.push("?");
            return;
        }
        match self.kind(n) {
            "identifier"
            | "property_identifier"
            | "this"
            | "super"
            | "private_property_identifier" => out.push(self.text(n)),
            "attribute" => {
                if let Some(o) = self.field(n, "object") {
                    self.segs_into(o, out, depth + 1);
                }
                if let Some(a) = self.field(n, "attribute") {
                    out.push(self.text(a));
                }
            }
            "member_expression" => {
                if let Some(o) = self.field(n, "object") {
                    self.segs_into(o, out, depth + 1);
                }
                if let Some(p) = self.field(n, "property") {
                    out.push(self.text(p));
                }
            }
            "call" | "call_expression" => {
                if let Some(f) = self.field(n, "function") {
                    self.segs_into(f, out, depth + 1);
                }
                out.push("()");
            }
            "subscript" => {
                if let Some(v) = self.field(n, "value") {
                    self.segs_into(v, out, depth + 1);
                }
                out.push("[]");
            }
            "subscript_expression" => {
                if let Some(v) = self.field(n, "object") {
                    self.segs_into(v, out, depth + 1);
                }
                out.push("[]");
            }
            "parenthesized_expression"
            | "await"
            | "await_expression"
            | "non_null_expression"
            | "as_expression" => match n.named_child(0) {
                Some(c) => self.segs_into(c, out, depth + 1),
                None => out.push("?"),
            },
            _ => out.push("?"),
        }
    }

    /// Segments with the first one replaced by what it was imported as.
    fn resolve(&self, segs: &[&str]) -> String {
        let Some(first) = segs.first() else {
            return String::new();
        };
        let head = self
            .imports
            .get(*first)
            .cloned()
            .unwrap_or_else(|| first.to_string());
        let mut s = head;
        for seg in &segs[1..] {
            s.push('.');
            s.push_str(seg);
        }
        s
    }

    fn callee(&self, call: Node<'s>) -> Option<Node<'s>> {
        self.field(call, "function")
            .or_else(|| self.field(call, "constructor"))
    }

    /// Positional arguments and keyword arguments (Python keywords; JavaScript
    /// properties of object-literal arguments).
    fn args(&self, call: Node<'s>) -> (Vec<Node<'s>>, Vec<(&'s str, Node<'s>)>) {
        let mut pos = Vec::new();
        let mut kw = Vec::new();
        let Some(args) = self.field(call, "arguments") else {
            return (pos, kw);
        };
        for a in named_children(args) {
            match self.kind(a) {
                "keyword_argument" => {
                    if let (Some(k), Some(v)) = (self.field(a, "name"), self.field(a, "value")) {
                        kw.push((self.text(k), v));
                    }
                }
                "comment" => {}
                "object" => {
                    for p in named_children(a) {
                        if self.kind(p) == "pair"
                            && let (Some(k), Some(v)) =
                                (self.field(p, "key"), self.field(p, "value"))
                        {
                            kw.push((self.text(k).trim_matches(['"', '\'']), v));
                        }
                    }
                    pos.push(a);
                }
                _ => pos.push(a),
            }
        }
        (pos, kw)
    }

    fn kwarg<'a>(kw: &'a [(&'s str, Node<'s>)], name: &str) -> Option<Node<'s>> {
        kw.iter().find(|(k, _)| *k == name).map(|&(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(src: &str, lang: Lang) -> Vec<(String, u32)> {
        let out = analyze(src, lang).unwrap();
        let mut v: Vec<_> = out
            .hits
            .iter()
            .map(|h| (h.rule.id.to_string(), h.line))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn hub_ids() {
        assert!(is_hub_id("some-lab/chat-7b"));
        assert!(is_hub_id("meta-llama/Llama-3.1-8B"));
        assert!(!is_hub_id("./artifacts/finetuned"));
        assert!(!is_hub_id("gpt2"));
        assert!(!is_hub_id("models/bert"));
        assert!(!is_hub_id("org/model.bin"));
        assert!(!is_hub_id("a/b/c"));
    }

    #[test]
    fn python_flow_through_helper_and_sanitizers() {
        let src = r#"
from openai import OpenAI
import ast, subprocess
client = OpenAI()

def ask(p):
    r = client.chat.completions.create(model="gpt-4o", messages=[])
    return r.choices[0].message.content

def a(q):
    eval(ask(q))

def b(q):
    x = ask(q)
    x = "1 + 1"
    eval(x)

def c(q):
    return ast.literal_eval(ask(q))

def d(q):
    cmd = ask(q)
    subprocess.run(["ls", "-l"])
    subprocess.run(cmd, shell=True)
"#;
        assert_eq!(
            ids(src, Lang::Python),
            vec![("CODE001".to_string(), 11), ("CODE002".to_string(), 24)]
        );
    }

    #[test]
    fn helper_defined_after_use() {
        let src = r#"
import anthropic
def run(q):
    os.system(ask(q))
def ask(q):
    return anthropic.Anthropic().messages.create(model="claude-3-5-haiku-latest", max_tokens=5, messages=[]).content[0].text
"#;
        assert_eq!(ids(src, Lang::Python), vec![("CODE002".to_string(), 4)]);
    }

    #[test]
    fn js_sinks_and_safe_twins() {
        let src = r#"
import OpenAI from "openai";
import { exec } from "node:child_process";
const openai = new OpenAI();
export async function f(q, re) {
  const r = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [] });
  const a = r.choices[0].message.content;
  document.body.innerHTML = a;
  document.body.textContent = a;
  document.body.innerHTML = DOMPurify.sanitize(a);
  re.exec(a);
  exec(a);
  eval(JSON.parse(a).x);
}
"#;
        assert_eq!(
            ids(src, Lang::JavaScript),
            vec![("CODE002".to_string(), 12), ("CODE004".to_string(), 8)]
        );
    }

    #[test]
    fn request_input_into_system_prompt() {
        let src = r#"
from flask import request
from openai import OpenAI
client = OpenAI()
def chat():
    persona = request.args["persona"]
    return client.chat.completions.create(model="gpt-4o", messages=[
        {"role": "system", "content": f"You are {persona}"},
        {"role": "user", "content": request.json["q"]},
    ])
"#;
        assert_eq!(ids(src, Lang::Python), vec![("CODE007".to_string(), 8)]);
    }

    #[test]
    fn evidence_cuts_credentials() {
        let e = evidence_of("OpenAI(api_key=\"sk-proj-abcdef1234567890abcdef\")");
        assert!(!e.contains("abcdef1234567890"), "{e}");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let src = format!("x = {}1{}\n", "(".repeat(3000), ")".repeat(3000));
        let out = analyze(&src, Lang::Python).unwrap();
        assert!(out.truncated);
    }
}

//! One walk over a parsed file: imports and SDK inventory, model references, agents
//! built in code (`agents.rs`), MCP servers started (`mcp.rs`), the
//! pattern rules (unsafe loaders, Hub pinning, dangerous flags) and an intra-procedural
//! taint analysis from model output (and request input) to sinks.
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
mod mcp;
mod tools;

pub use agents::{AgentDef, MAX_AGENTS_PER_FILE};
pub use mcp::{Launch, McpLaunch, parse_launch};

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

/// Calls that run their first argument as a command line through a shell.
const SHELL_CALLS: &[&str] = &[
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

struct Walker<'s> {
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

fn line_of(n: Node) -> u32 {
    n.start_position().row as u32 + 1
}

fn end_line_of(n: Node) -> u32 {
    n.end_position().row as u32 + 1
}

fn named_children(n: Node) -> Vec<Node> {
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

/// The object a method is called on, lower-cased (`db` of `db.execute`).
fn receiver_of(segs: &[&str]) -> Option<String> {
    segs.len()
        .checked_sub(2)
        .map(|i| segs[i].to_ascii_lowercase())
}

fn is_hex40(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
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

/// Whether `Class.from_pretrained` reads only data files (tokenizer, configuration,
/// processor), neither weights nor (without `trust_remote_code`) code.
fn loads_data_only(class: &str) -> bool {
    [
        "Tokenizer",
        "TokenizerFast",
        "Config",
        "Configuration",
        "Processor",
        "FeatureExtractor",
        "ImageProcessor",
    ]
    .iter()
    .any(|s| class.ends_with(s))
}

/// Calls whose result carries no model output any more.
fn is_sanitizer(last: &str, resolved: &str) -> bool {
    const QUALIFIED: &[&str] = &[
        "json.loads",
        "json.load",
        "orjson.loads",
        "ujson.loads",
        "simplejson.loads",
        "JSON.parse",
        "yaml.safe_load",
        "html.escape",
        "shlex.quote",
        "re.escape",
        "bleach.clean",
        "markupsafe.escape",
    ];
    const NAMES: &[&str] = &[
        "literal_eval",
        "int",
        "float",
        "bool",
        "len",
        "escape",
        "quote",
        "quote_plus",
        "clean",
        "sanitize",
        "sanitize_html",
        "sanitizeHtml",
        "sanitizeHTML",
        "escapeHtml",
        "escapeHTML",
        "escape_html",
        "encodeURIComponent",
        "encodeURI",
        "parseInt",
        "parseFloat",
        "Number",
        "Boolean",
        "isdigit",
        "isnumeric",
        "isalnum",
        "isalpha",
        "startswith",
        "endswith",
        "startsWith",
        "endsWith",
        "includes",
        "count",
        "hexdigest",
        "digest",
        "model_validate_json",
        "model_validate",
        "parse_raw",
        "parse_obj",
        "safe_load",
        "filterXSS",
        "xss",
        "escape_string",
        "quote_identifier",
    ];
    QUALIFIED.contains(&resolved) || NAMES.contains(&last)
}

/// Method names of LLM calls that count only in files importing an AI SDK.
const WEAK_SOURCES: &[&str] = &[
    "invoke",
    "ainvoke",
    "complete",
    "acomplete",
    "chat",
    "achat",
    "generate",
    "agenerate",
    "kickoff",
    "kickoff_async",
    "stream_chat",
    "predict_messages",
    "generateText",
    "streamText",
    "generateObject",
    "useChat",
    "useCompletion",
    "useAssistant",
    "completion",
    "acompletion",
    "text_generation",
    "chat_completion",
    "textGeneration",
    "chatCompletion",
];

impl<'s> Walker<'s> {
    /// A constant whose line's comment tells the reader to put their own value in
    /// (`model_name = "someone/model"  # Replace with your HF username`) stands for the
    /// reader's repository: it is kept as the placeholder `<your-value>`.
    fn unless_stand_in(&self, n: Node, value: String) -> String {
        let rest = self.src.get(n.end_byte()..).unwrap_or("");
        let line = rest.split('\n').next().unwrap_or("");
        let comment = line
            .find('#')
            .or_else(|| line.find("//"))
            .map_or("", |i| &line[i..])
            .to_ascii_lowercase();
        const SAYS: &[&str] = &[
            "replace with your",
            "change to your",
            "change this to your",
            "set to your",
            "use your own",
            "your username",
            "your hf username",
            "your hub username",
            "your own repo",
        ];
        if SAYS.iter().any(|w| comment.contains(w)) {
            "<your-value>".to_string()
        } else {
            value
        }
    }

    fn text(&self, n: Node) -> &'s str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    fn kind(&self, n: Node) -> &'static str {
        self.table.kind(n)
    }

    fn field(&self, n: Node<'s>, name: &str) -> Option<Node<'s>> {
        match crate::lang::Table::field_index(name).and_then(|i| self.table.fields.get(i)) {
            Some(&0) => None,
            Some(&id) => n.child_by_field_id(id),
            None => n.child_by_field_name(name),
        }
    }

    // ---------------------------------------------------------------- imports

    /// Imports, SDK uses and module constants, from statements at any nesting
    /// (iterative: no recursion limit needed).
    fn collect(&mut self, root: Node<'s>) {
        let mut cursor = root.walk();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            match self.kind(n) {
                "import_statement" if self.lang.is_python() => self.py_import(n),
                "import_from_statement" if self.lang.is_python() => self.py_import_from(n),
                "import_statement" => self.js_import(n),
                "variable_declarator" => self.js_require(n),
                "assignment" if self.lang.is_python() => {
                    if let (Some(l), Some(r)) = (self.field(n, "left"), self.field(n, "right"))
                        && self.kind(l) == "identifier"
                        && let Some(s) = self.string_literal(r)
                    {
                        let s = self.unless_stand_in(n, s);
                        self.consts.insert(self.text(l).to_string(), s);
                    }
                }
                "class_definition"
                | "function_definition"
                | "class_declaration"
                | "function_declaration" => {
                    if let Some(name) = self.field(n, "name") {
                        self.local_defs.insert(self.text(name));
                    }
                }
                _ => {}
            }
            // Imports and constants are statements: expressions are not entered.
            let kind = self.kind(n);
            if STATEMENT_CONTAINERS.contains(&kind) {
                let children: Vec<Node> = n.named_children(&mut cursor).collect();
                stack.extend(children.into_iter().rev());
            }
        }
    }

    /// Records an import of an AI SDK: one entry per SDK package per file, with its
    /// modules and import count. A package's own modules importing each other
    /// (`crewai/agent.py` importing `crewai.tools`) make the file AI code but are
    /// not a use of the SDK.
    fn add_sdk(&mut self, sdk: &'static str, module: &str, line: u32) {
        self.has_ai = true;
        self.agent_sdk |= agents::is_agent_sdk(sdk);
        let package: Vec<&str> = if self.lang.is_python() {
            sdk::python_package(module)
        } else {
            vec![sdk::javascript_package(module)]
        };
        if self.lang.is_python() && self.own_package(&package) {
            return;
        }
        let package = package.join(".");
        if let Some(s) = self
            .out
            .sdks
            .iter_mut()
            .find(|s| s.package == package && s.sdk == sdk)
        {
            s.imports += 1;
            if !s.modules.iter().any(|m| m == module) {
                s.modules.push(module.to_string());
            }
            return;
        }
        self.out.sdks.push(SdkUse {
            sdk,
            package,
            module: module.to_string(),
            modules: vec![module.to_string()],
            imports: 1,
            line,
        });
    }

    fn py_import(&mut self, n: Node<'s>) {
        for c in named_children(n) {
            let (module, local) = match self.kind(c) {
                "dotted_name" => {
                    let m = self.text(c);
                    (m, m.split('.').next().unwrap_or(m))
                }
                "aliased_import" => {
                    let (Some(name), Some(alias)) = (self.field(c, "name"), self.field(c, "alias"))
                    else {
                        continue;
                    };
                    (self.text(name), self.text(alias))
                }
                _ => continue,
            };
            let bound = if self.kind(c) == "dotted_name" {
                local.to_string()
            } else {
                module.to_string()
            };
            self.imports.insert(local.to_string(), bound);
            if let Some(sdk) = sdk::python_sdk(module) {
                self.add_sdk(sdk, module, line_of(n));
            }
        }
    }

    fn py_import_from(&mut self, n: Node<'s>) {
        let Some(m) = self.field(n, "module_name") else {
            return;
        };
        let module = self.text(m).to_string();
        let mut cursor = n.walk();
        let names: Vec<Node> = n.children_by_field_name("name", &mut cursor).collect();
        for &c in &names {
            let (name, local) = match self.kind(c) {
                "dotted_name" => (self.text(c), self.text(c)),
                "aliased_import" => {
                    let (Some(name), Some(alias)) = (self.field(c, "name"), self.field(c, "alias"))
                    else {
                        continue;
                    };
                    (self.text(name), self.text(alias))
                }
                _ => continue,
            };
            self.imports.insert(
                local.to_string(),
                format!("{}.{name}", module.trim_start_matches('.')),
            );
        }
        if let Some(sdk) = sdk::python_sdk(&module) {
            self.add_sdk(sdk, &module, line_of(n));
        } else {
            let imported: Vec<&str> = names
                .iter()
                .map(|c| match self.field(*c, "name") {
                    Some(name) if self.kind(*c) == "aliased_import" => self.text(name),
                    _ => self.text(*c),
                })
                .collect();
            if sdk::is_openai_agents(&module, &imported) {
                self.openai_agents = true;
                self.add_sdk("openai-agents", &module, line_of(n));
            } else if module == "agents" || module.starts_with("agents.") {
                // Perhaps the SDK: the calls' keywords decide (`agents.rs`).
                self.agent_sdk = true;
            }
        }
    }

    fn js_module(spec: &str) -> String {
        spec.strip_prefix("node:").unwrap_or(spec).to_string()
    }

    fn js_import(&mut self, n: Node<'s>) {
        let Some(source) = self.field(n, "source") else {
            return;
        };
        let Some(spec) = self.string_literal(source) else {
            return;
        };
        let module = Self::js_module(&spec);
        for c in named_children(n) {
            if self.kind(c) != "import_clause" {
                continue;
            }
            for part in named_children(c) {
                match self.kind(part) {
                    "identifier" => {
                        self.imports
                            .insert(self.text(part).to_string(), module.clone());
                    }
                    "namespace_import" => {
                        for id in named_children(part) {
                            self.imports
                                .insert(self.text(id).to_string(), module.clone());
                        }
                    }
                    "named_imports" => {
                        for spec_node in named_children(part) {
                            if self.kind(spec_node) != "import_specifier" {
                                continue;
                            }
                            let Some(name) = self.field(spec_node, "name") else {
                                continue;
                            };
                            let local = self.field(spec_node, "alias").unwrap_or(name);
                            self.imports.insert(
                                self.text(local).to_string(),
                                format!("{module}.{}", self.text(name)),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(sdk) = sdk::javascript_sdk(&spec) {
            self.add_sdk(sdk, &spec, line_of(n));
        }
    }

    /// `const x = require("m")`, `const { a, b: c } = require("m")`, and module-level
    /// string constants.
    fn js_require(&mut self, n: Node<'s>) {
        let (Some(name), Some(value)) = (self.field(n, "name"), self.field(n, "value")) else {
            return;
        };
        if self.kind(name) == "identifier"
            && let Some(s) = self.string_literal(value)
        {
            let s = self.unless_stand_in(n, s);
            self.consts.insert(self.text(name).to_string(), s);
            return;
        }
        if self.kind(value) != "call_expression" {
            return;
        }
        let Some(f) = self.field(value, "function") else {
            return;
        };
        // `const run = promisify(exec)`: the wrapper is the function it wraps.
        if self.kind(name) == "identifier" && matches!(self.text(f), "promisify" | "util.promisify")
        {
            if let Some(inner) = self
                .field(value, "arguments")
                .and_then(|a| named_children(a).first().copied())
            {
                let target = self.resolve(&self.segs(inner));
                self.imports.insert(self.text(name).to_string(), target);
            }
            return;
        }
        if self.text(f) != "require" {
            return;
        }
        let Some(args) = self.field(value, "arguments") else {
            return;
        };
        let Some(spec) = named_children(args)
            .first()
            .and_then(|a| self.string_literal(*a))
        else {
            return;
        };
        let module = Self::js_module(&spec);
        match self.kind(name) {
            "identifier" => {
                self.imports
                    .insert(self.text(name).to_string(), module.clone());
            }
            "object_pattern" => {
                for p in named_children(name) {
                    match self.kind(p) {
                        "shorthand_property_identifier_pattern" => {
                            let t = self.text(p);
                            self.imports.insert(t.to_string(), format!("{module}.{t}"));
                        }
                        "pair_pattern" => {
                            if let (Some(k), Some(v)) =
                                (self.field(p, "key"), self.field(p, "value"))
                            {
                                self.imports.insert(
                                    self.text(v).to_string(),
                                    format!("{module}.{}", self.text(k)),
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        if let Some(sdk) = sdk::javascript_sdk(&spec) {
            self.add_sdk(sdk, &spec, line_of(n));
        }
    }

    // ---------------------------------------------------------------- helpers

    /// The value of a plain string literal (no interpolation), or a module constant.
    fn string_literal(&self, n: Node) -> Option<String> {
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

    fn is_literal_true(&self, n: Node) -> bool {
        self.kind(n) == "true"
    }

    fn is_literal_false(&self, n: Node) -> bool {
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

    // ---------------------------------------------------------------- taint

    fn lookup(&self, name: &str) -> u8 {
        for scope in self.scopes.iter().rev() {
            if let Some(&t) = scope.get(name) {
                return t;
            }
        }
        0
    }

    fn bind(&mut self, name: &str, taint: u8) {
        if let Some(scope) = self.scopes.last_mut() {
            if taint == 0 {
                if scope.contains_key(name) {
                    scope.insert(name.to_string(), 0);
                }
            } else {
                scope.insert(name.to_string(), taint);
            }
        }
    }

    fn user_source(&self, text: &str) -> bool {
        const PREFIXES: &[&str] = &[
            "request.args",
            "request.form",
            "request.json",
            "request.values",
            "request.data",
            "request.GET",
            "request.POST",
            "request.query_params",
            "request.body",
            "request.query",
            "request.params",
            "req.body",
            "req.query",
            "req.params",
            "ctx.request.body",
            "ctx.query",
            "event.body",
        ];
        PREFIXES.iter().any(|p| {
            text.starts_with(p)
                && text[p.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| matches!(c, '.' | '[' | '('))
        })
    }

    fn taint(&self, n: Node<'s>, depth: usize) -> u8 {
        if depth > MAX_EXPR_DEPTH {
            return 0;
        }
        match self.kind(n) {
            "identifier" | "shorthand_property_identifier" => self.lookup(self.text(n)),
            "attribute" | "member_expression" => {
                let t = self.text(n);
                let mut m = self.lookup(t);
                if self.user_source(t) {
                    m |= USER;
                }
                if self.has_ai && self.tool_call_field(n) {
                    m |= LLM;
                }
                let obj = self.field(n, "object");
                m | obj.map_or(0, |o| self.taint(o, depth + 1))
            }
            "subscript" => {
                let mut m = self
                    .field(n, "value")
                    .map_or(0, |o| self.taint(o, depth + 1));
                if self.user_source(self.text(n)) {
                    m |= USER;
                }
                m
            }
            "subscript_expression" => self
                .field(n, "object")
                .map_or(0, |o| self.taint(o, depth + 1)),
            "call" | "call_expression" => self.call_taint(n, depth),
            "new_expression" => 0,
            "comparison_operator"
            | "not_operator"
            | "unary_operator"
            | "lambda"
            | "arrow_function"
            | "function_expression"
            | "function"
            | "integer"
            | "float"
            | "number"
            | "true"
            | "false"
            | "none"
            | "null"
            | "undefined"
            | "regex" => 0,
            "binary_expression" => {
                let op = self
                    .field(n, "operator")
                    .map(|o| self.text(o))
                    .unwrap_or("");
                if matches!(op, "+" | "??" | "||" | "&&") {
                    self.or_children(n, depth)
                } else {
                    0
                }
            }
            "string"
            | "concatenated_string"
            | "template_string"
            | "template_substitution"
            | "interpolation"
            | "binary_operator"
            | "boolean_operator"
            | "parenthesized_expression"
            | "await"
            | "await_expression"
            | "conditional_expression"
            | "ternary_expression"
            | "list"
            | "tuple"
            | "set"
            | "dictionary"
            | "pair"
            | "array"
            | "object"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
            | "type_assertion"
            | "spread_element"
            | "list_splat"
            | "expression_list"
            | "format_expression"
            | "list_comprehension"
            | "generator_expression"
            | "sequence_expression"
            | "named_expression"
            | "for_in_clause"
            | "if_clause"
            | "jsx_expression" => self.or_children(n, depth),
            _ => 0,
        }
    }

    /// A field of a model's tool call: the model chose its name and arguments
    /// (`tool_call.function.arguments`, `msg.tool_calls[0]`, `tool_use.input`).
    fn tool_call_field(&self, n: Node<'s>) -> bool {
        let segs = self.segs(n);
        let k = segs.len();
        segs.iter().any(|s| {
            matches!(
                *s,
                "tool_calls" | "function_call" | "toolCalls" | "functionCall"
            )
        }) || (k >= 2 && segs[k - 2] == "function" && matches!(segs[k - 1], "arguments" | "name"))
            || (k >= 2
                && matches!(
                    segs[k - 2],
                    "tool_use" | "toolUse" | "tool_call" | "toolCall"
                )
                && matches!(segs[k - 1], "input" | "name" | "arguments" | "args"))
    }

    fn or_children(&self, n: Node<'s>, depth: usize) -> u8 {
        let mut m = 0;
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            m |= self.taint(c, depth + 1);
            if m == LLM | USER {
                break;
            }
        }
        m
    }

    /// Whether a call returns model output, by its callee.
    fn is_llm_source(&self, segs: &[&str], resolved: &str) -> bool {
        let n = segs.len();
        let last = segs.last().copied().unwrap_or("");
        let ends = |suffix: &[&str]| {
            n >= suffix.len()
                && segs[n - suffix.len()..]
                    .iter()
                    .zip(suffix)
                    .all(|(a, b)| a == b)
        };
        let strong = ends(&["completions", "create"])
            || ends(&["responses", "create"])
            || ends(&["messages", "create"])
            || ends(&["messages", "stream"])
            || ends(&["ChatCompletion", "create"])
            || ends(&["Completion", "create"])
            || ends(&["chat", "complete"])
            || ends(&["completions", "parse"])
            || ends(&["chat", "stream"])
            || matches!(
                last,
                "generate_content"
                    | "generate_content_async"
                    | "generateContent"
                    | "generateContentStream"
                    | "invoke_model"
                    | "converse"
            );
        if strong {
            return true;
        }
        if !self.has_ai {
            return false;
        }
        if n >= 2 && WEAK_SOURCES.contains(&last) {
            return true;
        }
        if n >= 2 {
            let receiver = segs[n - 2].to_ascii_lowercase();
            let run = matches!(
                last,
                "run" | "arun" | "run_sync" | "run_async" | "run_streamed" | "run_live" | "stream"
            );
            // Agents, teams, crews and runners of agent frameworks (`agent.run(q)`,
            // `Runner.run(agent, q)`, `runner.run_async(...)` events, `team.arun`).
            if run
                && (["agent", "runner", "team", "crew", "workflow", "swarm"]
                    .iter()
                    .any(|r| receiver.contains(r))
                    || self.agent_names.contains(segs[n - 2]))
                || matches!(last, "run" | "arun") && receiver.contains("chain")
            {
                return true;
            }
        }
        // A bare function imported from an AI SDK (`completion` from litellm,
        // `generateText` from `ai`, `chat` from ollama).
        if n == 1 && WEAK_SOURCES.contains(&last) {
            return self
                .imports
                .get(last)
                .and_then(|m| {
                    let root = m.rsplit_once('.').map_or(m.as_str(), |(a, _)| a);
                    if self.lang.is_python() {
                        sdk::python_sdk(root)
                    } else {
                        sdk::javascript_sdk(root)
                    }
                })
                .is_some()
                || resolved.is_empty();
        }
        false
    }

    fn call_taint(&self, call: Node<'s>, depth: usize) -> u8 {
        let Some(f) = self.callee(call) else {
            return 0;
        };
        let segs = self.segs(f);
        let resolved = self.resolve(&segs);
        let last = segs.last().copied().unwrap_or("");
        if self.is_llm_source(&segs, &resolved) {
            return LLM;
        }
        if is_sanitizer(last, &resolved) {
            return 0;
        }
        // `input()` and `sys.argv` are the operator of a command-line program, who
        // already controls the prompt: not a trust boundary.
        let mut m = 0;
        if matches!(last, "get_json" | "json" | "formData" | "text")
            && segs.len() >= 2
            && matches!(segs[segs.len() - 2], "request" | "req")
        {
            m |= USER;
        }
        // Same-file functions: their summary (a call of `self.ask`/`this.ask` too).
        let summary_name = match segs.as_slice() {
            [name] => Some(*name),
            [recv, name] if matches!(*recv, "self" | "this" | "cls") => Some(*name),
            _ => None,
        };
        if let Some(name) = summary_name {
            match self.funcs.get(name) {
                Some(&t) => return m | t,
                None => {
                    self.early.borrow_mut().insert(name);
                }
            }
        }
        // Methods of tainted values and calls with tainted arguments.
        if let Some(obj) = self.field(f, "object") {
            m |= self.taint(obj, depth + 1);
        }
        if let Some(args) = self.field(call, "arguments") {
            for a in named_children(args) {
                let a = if self.kind(a) == "keyword_argument" {
                    match self.field(a, "value") {
                        Some(v) => v,
                        None => continue,
                    }
                } else {
                    a
                };
                m |= self.taint(a, depth + 1);
            }
        }
        m
    }

    // ---------------------------------------------------------------- walk

    fn is_function(&self, n: Node) -> bool {
        matches!(
            self.kind(n),
            "function_definition"
                | "function_declaration"
                | "generator_function_declaration"
                | "function_expression"
                | "function"
                | "generator_function"
                | "arrow_function"
                | "method_definition"
        )
    }

    fn function_name(&self, n: Node<'s>) -> Option<&'s str> {
        if let Some(name) = self.field(n, "name") {
            return Some(self.text(name));
        }
        let parent = n.parent()?;
        match self.kind(parent) {
            "variable_declarator" => self.field(parent, "name").map(|x| self.text(x)),
            "pair" => self.field(parent, "key").map(|x| self.text(x)),
            "assignment_expression" | "assignment" => self
                .field(parent, "left")
                .map(|x| self.text(x).rsplit('.').next().unwrap_or("")),
            _ => None,
        }
    }

    /// Visits the node under `cursor` and everything below it, children in source
    /// order before the node itself (so a statement's effects follow its parts'), with
    /// one cursor for the whole walk.
    fn walk(&mut self, cursor: &mut TreeCursor<'s>, depth: usize) {
        let n = cursor.node();
        if depth > MAX_DEPTH {
            self.out.truncated = true;
            return;
        }
        let kind = self.kind(n);
        let function = self.is_function(n);
        if function {
            self.scopes.push(HashMap::new());
            self.returns.push(0);
        }
        // A loop variable takes the taint of what is iterated, before the body runs.
        let binds_loop = matches!(kind, "for_statement" | "for_in_statement");
        if cursor.goto_first_child() {
            loop {
                let c = cursor.node();
                if c.is_named() {
                    self.walk(cursor, depth + 1);
                    if binds_loop && cursor.field_name() == Some("right") {
                        let t = self.taint(c, 0);
                        if let Some(left) = self.field(n, "left") {
                            self.bind_target(left, t);
                            // `for i, x in enumerate(xs)`: the index is a number.
                            if self.kind(c) == "call"
                                && self.callee(c).is_some_and(|f| self.text(f) == "enumerate")
                                && matches!(self.kind(left), "pattern_list" | "tuple_pattern")
                                && let Some(index) = left.named_child(0)
                            {
                                self.bind_target(index, 0);
                            }
                        }
                    }
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
        if !function {
            self.after(n);
            return;
        }
        if kind == "arrow_function"
            && let Some(body) = self.field(n, "body")
            && self.kind(body) != "statement_block"
        {
            let t = self.taint(body, 0);
            if let Some(r) = self.returns.last_mut() {
                *r |= t;
            }
        }
        let r = self.returns.pop().unwrap_or(0);
        self.scopes.pop();
        if let Some(name) = self.function_name(n)
            && !name.is_empty()
        {
            let e = self.funcs.entry(name.to_string()).or_insert(0);
            *e |= r;
        }
    }

    /// Remembers a name bound to an agent of an AI framework (`bot = Agent(...)`,
    /// `const team = new Team(...)`), whose `run` returns model output.
    fn note_agent(&mut self, target: Node<'s>, value: Node<'s>) {
        if !self.has_ai || !matches!(self.kind(target), "identifier" | "attribute") {
            return;
        }
        let value = if self.kind(value) == "await" || self.kind(value) == "await_expression" {
            match value.named_child(0) {
                Some(v) => v,
                None => return,
            }
        } else {
            value
        };
        if !matches!(
            self.kind(value),
            "call" | "call_expression" | "new_expression"
        ) {
            return;
        }
        let Some(f) = self.callee(value) else { return };
        let segs = self.segs(f);
        let last = segs.last().copied().unwrap_or("");
        if last.ends_with("Agent") || matches!(last, "Team" | "Crew" | "Workflow" | "Swarm") {
            self.agent_names.insert(self.text(target).to_string());
        }
    }

    /// Remembers what a plain name is bound to when it may describe an agent's model
    /// or tools (a call or a literal container), in files that can build agents.
    fn note_binding(&mut self, target: Node<'s>, value: Node<'s>) {
        if self.agent_sdk
            && self.kind(target) == "identifier"
            && matches!(
                self.kind(value),
                "call"
                    | "call_expression"
                    | "new_expression"
                    | "await"
                    | "await_expression"
                    | "list"
                    | "array"
                    | "tuple"
                    | "dictionary"
                    | "object"
            )
        {
            self.bound.insert(self.text(target), value);
        }
    }

    fn bind_target(&mut self, target: Node<'s>, t: u8) {
        match self.kind(target) {
            "identifier"
            | "attribute"
            | "member_expression"
            | "shorthand_property_identifier_pattern" => {
                let name = self.text(target).to_string();
                self.bind(&name, t);
            }
            "subscript" | "subscript_expression" => {
                let base = self
                    .field(target, "value")
                    .or_else(|| self.field(target, "object"));
                if let Some(b) = base
                    && t != 0
                {
                    let name = self.text(b).to_string();
                    let old = self.lookup(&name);
                    self.bind(&name, old | t);
                }
            }
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "array_pattern"
            | "object_pattern"
            | "expression_list"
            | "tuple"
            | "list"
            | "pair_pattern"
            | "rest_pattern"
            | "assignment_pattern"
            | "object_assignment_pattern"
            | "parenthesized_expression"
            | "list_splat_pattern" => {
                for c in named_children(target) {
                    if self.kind(target) == "pair_pattern"
                        && self.field(target, "key").is_some_and(|k| k == c)
                    {
                        continue;
                    }
                    self.bind_target(c, t);
                }
            }
            _ => {}
        }
    }

    fn after(&mut self, n: Node<'s>) {
        match self.kind(n) {
            "assignment" | "assignment_expression" => {
                let (Some(left), Some(right)) = (self.field(n, "left"), self.field(n, "right"))
                else {
                    return;
                };
                let t = self.taint(right, 0);
                if self.report && !self.lang.is_python() {
                    self.check_html_assignment(n, left, t);
                    self.check_tls_env(n, left, right);
                }
                self.note_agent(left, right);
                self.note_binding(left, right);
                self.bind_target(left, t);
            }
            "augmented_assignment" | "augmented_assignment_expression" => {
                let (Some(left), Some(right)) = (self.field(n, "left"), self.field(n, "right"))
                else {
                    return;
                };
                let t = self.taint(right, 0);
                if self.report && !self.lang.is_python() {
                    self.check_html_assignment(n, left, t);
                }
                let name = self.text(left).to_string();
                let old = self.lookup(&name);
                self.bind(&name, old | t);
            }
            "variable_declarator" => {
                let (Some(name), Some(value)) = (self.field(n, "name"), self.field(n, "value"))
                else {
                    return;
                };
                let t = self.taint(value, 0);
                self.note_agent(name, value);
                self.note_binding(name, value);
                self.bind_target(name, t);
            }
            "with_item" => {
                // `with open(p) as f:` — `as_pattern` holds the value and the alias.
                if let Some(v) = self.field(n, "value")
                    && self.kind(v) == "as_pattern"
                    && let Some(alias) = self.field(v, "alias")
                    && let Some(value) = v.named_child(0)
                {
                    let t = self.taint(value, 0);
                    for c in named_children(alias) {
                        self.bind_target(c, t);
                    }
                }
            }
            "named_expression" => {
                if let (Some(name), Some(value)) = (self.field(n, "name"), self.field(n, "value")) {
                    let t = self.taint(value, 0);
                    self.bind_target(name, t);
                }
            }
            "return_statement" => {
                if self.report
                    && let Some(e) = n.named_child(0)
                {
                    self.hand_on(e);
                }
                let t = match n.named_child(0) {
                    Some(e) => self.taint(e, 0),
                    None => 0,
                };
                if let Some(r) = self.returns.last_mut() {
                    *r |= t;
                }
            }
            "call" | "call_expression" | "new_expression" if self.report => self.check_call(n),
            "jsx_attribute" if self.report => self.check_jsx_attribute(n),
            "pair" if self.report && !self.lang.is_python() => self.check_js_pair(n),
            "dictionary" | "object" if self.report => {
                self.check_system_message(n);
                self.check_mcp_map(n);
            }
            _ => {}
        }
    }

    // ---------------------------------------------------------------- reporting

    fn hit(
        &mut self,
        rule: &'static Rule,
        n: Node<'s>,
        message: String,
        severity: Option<Severity>,
    ) {
        let line = line_of(n);
        let Some(severity) = self.weigh(rule, severity) else {
            return;
        };
        if !self.seen.insert((rule.id, line)) {
            return;
        }
        self.out.hits.push(Hit {
            rule,
            line,
            end_line: end_line_of(n).max(line),
            message,
            evidence: evidence_of(self.text(n)),
            severity,
            server: None,
        });
    }

    /// The severity of a finding in a file of this role; `None`: not reported. Tests
    /// run fixed inputs against the project's own fixtures: a dangerous loader there
    /// is low; whether a test pins the models it downloads, and the flags and tools a
    /// test exercises against mock models (`trust_remote_code`, host shells and code
    /// executors, TLS verification off towards a patched client) are no finding.
    /// Examples and notebooks are code for a reader to adapt: unpinned downloads
    /// there are low, demos of host shell tools medium. Flows of model output into
    /// sinks keep their severity anywhere.
    fn weigh(&self, rule: &'static Rule, severity: Option<Severity>) -> Option<Option<Severity>> {
        let pinning = matches!(rule.id, "CODE015" | "CODE017" | "CODE020");
        let exercised = matches!(rule.id, "CODE014" | "CODE018" | "CODE019");
        let configuration = matches!(
            rule.id,
            "CODE010" | "CODE011" | "CODE012" | "CODE013" | "CODE016"
        );
        match self.role {
            Role::Test if pinning || exercised => None,
            Role::Test if configuration => Some(Some(Severity::Low)),
            Role::Example if pinning => Some(Some(Severity::Low)),
            // A demo of a host shell or REPL tool shows the reader how to wire it.
            Role::Example if rule.id == "CODE018" => Some(Some(
                severity.unwrap_or(rule.severity).min(Severity::Medium),
            )),
            _ => Some(severity),
        }
    }

    fn check_call(&mut self, call: Node<'s>) {
        let Some(f) = self.callee(call) else {
            return;
        };
        let segs = self.segs(f);
        if segs.is_empty() {
            return;
        }
        let resolved = self.resolve(&segs);
        let last = segs.last().copied().unwrap_or("");
        let (pos, kw) = self.args(call);
        if self.lang.is_python() {
            self.python_sinks(call, &segs, &resolved, last, &pos, &kw);
            self.python_patterns(call, &segs, &resolved, last, &pos, &kw);
        } else {
            self.js_sinks(call, &segs, &resolved, last, &pos, &kw);
        }
        if self.has_ai || self.has_mcp {
            self.check_mcp_call(call, last, &pos, &kw);
        }
        self.model_refs(call, &resolved, last, &pos, &kw);
        // Tests build agents as fixtures: no inventory.
        if self.agent_sdk && self.role != Role::Test {
            self.agent_call(call, &segs, &resolved, last, &pos, &kw);
        }
    }

    /// A bare name that no import rebinds (`eval`, `open`): the language's own.
    fn is_builtin(&self, segs: &[&str]) -> bool {
        segs.len() == 1 && !self.imports.contains_key(segs[0])
    }

    fn tainted_llm(&self, n: Option<Node<'s>>) -> bool {
        n.is_some_and(|n| self.taint(n, 0) & LLM != 0)
    }

    fn sink(&mut self, rule: &'static Rule, call: Node<'s>, what: &str) {
        let msg = format!("Model output reaches `{what}`");
        self.hit(rule, call, msg, None);
    }

    fn python_sinks(
        &mut self,
        call: Node<'s>,
        segs: &[&'s str],
        resolved: &str,
        last: &str,
        pos: &[Node<'s>],
        kw: &[(&'s str, Node<'s>)],
    ) {
        let arg0 = pos.first().copied();
        let bare = self.is_builtin(segs);
        // Code execution.
        let exec = (bare && matches!(last, "eval" | "exec" | "compile" | "execfile"))
            || matches!(resolved, "builtins.eval" | "builtins.exec")
            || last == "render_template_string"
            || (resolved.starts_with("jinja2") && matches!(last, "Template" | "from_string"))
            || (last == "from_string" && segs.len() >= 2);
        if exec && self.tainted_llm(arg0) {
            self.sink(&rules::code001_llm_output_to_exec::RULE, call, last);
            return;
        }
        // Shell.
        let shell_always = SHELL_CALLS.contains(&resolved)
            || resolved == "asyncio.create_subprocess_exec"
            || resolved.starts_with("os.exec")
            || resolved.starts_with("os.spawn");
        if shell_always && self.tainted_llm(arg0) {
            self.sink(&rules::code002_llm_output_to_shell::RULE, call, resolved);
            return;
        }
        if resolved.starts_with("subprocess.")
            && matches!(
                last,
                "run" | "call" | "check_call" | "check_output" | "Popen"
            )
        {
            let argv = arg0.or_else(|| Self::kwarg(kw, "args"));
            let shell = Self::kwarg(kw, "shell").is_some_and(|v| self.is_literal_true(v));
            let hit = match argv {
                Some(a) if matches!(self.kind(a), "list" | "tuple") => {
                    let items = named_children(a);
                    let program = items.first().and_then(|p| self.string_literal(*p));
                    let via_shell = program.as_deref().is_some_and(|p| {
                        let p = p.rsplit('/').next().unwrap_or(p);
                        matches!(
                            p,
                            "sh" | "bash"
                                | "zsh"
                                | "dash"
                                | "cmd"
                                | "cmd.exe"
                                | "powershell"
                                | "pwsh"
                        )
                    });
                    self.tainted_llm(items.first().copied())
                        || ((via_shell || shell)
                            && items.iter().any(|i| self.tainted_llm(Some(*i))))
                }
                Some(a) => self.tainted_llm(Some(a)),
                None => false,
            };
            if hit {
                self.sink(&rules::code002_llm_output_to_shell::RULE, call, resolved);
                return;
            }
        }
        // SQL.
        let receiver = receiver_of(segs);
        let sql_receiver = receiver.as_deref().is_some_and(|r| {
            !["executor", "agent", "chain", "tool", "graph", "crew"]
                .iter()
                .any(|x| r.contains(x))
        });
        if matches!(
            last,
            "execute"
                | "executemany"
                | "executescript"
                | "exec_driver_sql"
                | "raw"
                | "read_sql"
                | "read_sql_query"
                | "mogrify"
        ) && segs.len() >= 2
            && sql_receiver
            && self.tainted_llm(arg0.or_else(|| Self::kwarg(kw, "sql")))
        {
            self.sink(&rules::code003_llm_output_to_sql::RULE, call, last);
            return;
        }
        // HTML.
        let unsafe_html =
            Self::kwarg(kw, "unsafe_allow_html").is_some_and(|v| self.is_literal_true(v));
        let html = matches!(last, "Markup" | "mark_safe" | "HTMLResponse")
            || matches!(
                resolved,
                "streamlit.html" | "streamlit.components.v1.html" | "gradio.HTML"
            )
            || (resolved == "streamlit.markdown" || last == "markdown") && unsafe_html;
        if html && self.tainted_llm(arg0.or_else(|| Self::kwarg(kw, "content"))) {
            self.sink(&rules::code004_llm_output_to_html::RULE, call, last);
            return;
        }
        // File paths.
        let path = (bare && last == "open")
            || matches!(
                resolved,
                "io.open"
                    | "os.remove"
                    | "os.unlink"
                    | "os.rmdir"
                    | "os.removedirs"
                    | "shutil.rmtree"
                    | "shutil.move"
                    | "shutil.copy"
                    | "shutil.copyfile"
                    | "shutil.copytree"
                    | "flask.send_file"
            );
        if path && self.tainted_llm(arg0) {
            self.sink(&rules::code005_llm_output_to_path::RULE, call, resolved);
            return;
        }
        // Deserialisation.
        let safe_loader = Self::kwarg(kw, "Loader")
            .or_else(|| pos.get(1).copied())
            .is_some_and(|l| self.text(l).contains("Safe"));
        let deser = matches!(
            resolved,
            "pickle.loads"
                | "dill.loads"
                | "marshal.loads"
                | "jsonpickle.decode"
                | "yaml.unsafe_load"
                | "cloudpickle.loads"
        ) || (resolved == "yaml.load" && !safe_loader);
        if deser && self.tainted_llm(arg0) {
            self.sink(
                &rules::code006_llm_output_deserialised::RULE,
                call,
                resolved,
            );
        }
    }

    fn js_sinks(
        &mut self,
        call: Node<'s>,
        segs: &[&'s str],
        resolved: &str,
        last: &str,
        pos: &[Node<'s>],
        kw: &[(&'s str, Node<'s>)],
    ) {
        let arg0 = pos.first().copied();
        let bare = self.is_builtin(segs);
        // Code execution.
        let exec = (bare && matches!(last, "eval" | "Function"))
            || (segs.len() == 2 && segs[0] == "window" && last == "eval")
            || matches!(
                resolved,
                "vm.runInNewContext"
                    | "vm.runInThisContext"
                    | "vm.runInContext"
                    | "vm.compileFunction"
                    | "vm.Script"
            )
            || (bare
                && matches!(last, "setTimeout" | "setInterval")
                && arg0.is_some_and(|a| {
                    !matches!(
                        self.kind(a),
                        "arrow_function" | "function_expression" | "function" | "identifier"
                    )
                }));
        if exec && pos.iter().any(|a| self.tainted_llm(Some(*a))) {
            self.sink(&rules::code001_llm_output_to_exec::RULE, call, last);
            return;
        }
        // Shell.
        let shell =
            matches!(
                resolved,
                "child_process.exec"
                    | "child_process.execSync"
                    | "child_process.spawn"
                    | "child_process.spawnSync"
                    | "child_process.execFile"
                    | "child_process.execFileSync"
                    | "execa"
                    | "execa.execa"
                    | "execa.execaCommand"
                    | "execa.execaCommandSync"
                    | "execa.execaSync"
                    | "shelljs.exec"
            ) || (segs.len() == 2 && matches!(segs[0], "shell" | "shelljs") && last == "exec");
        if shell {
            let shell_opt = Self::kwarg(kw, "shell").is_some_and(|v| self.is_literal_true(v));
            let hit = self.tainted_llm(arg0)
                || (shell_opt && pos.iter().skip(1).any(|a| self.tainted_llm(Some(*a))));
            if hit {
                self.sink(&rules::code002_llm_output_to_shell::RULE, call, resolved);
                return;
            }
        }
        // SQL.
        let receiver = receiver_of(segs);
        // `query` is also the method of retrievers, indexes and query engines.
        let sql_receiver = receiver.as_deref().is_some_and(|r| {
            let not_sql: &[&str] = if last == "query" {
                &[
                    "index",
                    "engine",
                    "retriever",
                    "vector",
                    "store",
                    "collection",
                    "search",
                    "graph",
                    "agent",
                    "chain",
                    "tool",
                    "$",
                    "jquery",
                    "document",
                    "router",
                    "url",
                ]
            } else {
                &["executor", "agent", "chain", "tool", "graph"]
            };
            !not_sql.iter().any(|x| r.contains(x))
        });
        if matches!(
            last,
            "query"
                | "execute"
                | "raw"
                | "prepare"
                | "unsafe"
                | "$queryRawUnsafe"
                | "$executeRawUnsafe"
        ) && segs.len() >= 2
            && sql_receiver
            && self.tainted_llm(arg0)
        {
            self.sink(&rules::code003_llm_output_to_sql::RULE, call, last);
            return;
        }
        // HTML.
        let html = (last == "insertAdjacentHTML" && self.tainted_llm(pos.get(1).copied()))
            || (segs.len() == 2
                && segs[0] == "document"
                && matches!(last, "write" | "writeln")
                && self.tainted_llm(arg0))
            || (last == "html"
                && segs.len() >= 3
                && matches!(segs[0], "$" | "jQuery")
                && segs[1] == "()"
                && self.tainted_llm(arg0));
        if html {
            self.sink(&rules::code004_llm_output_to_html::RULE, call, last);
            return;
        }
        // File paths.
        let fs = resolved.starts_with("fs.")
            || resolved.starts_with("fs/promises.")
            || resolved.starts_with("fs-extra.");
        if fs
            && matches!(
                last,
                "readFile"
                    | "readFileSync"
                    | "writeFile"
                    | "writeFileSync"
                    | "appendFile"
                    | "appendFileSync"
                    | "unlink"
                    | "unlinkSync"
                    | "rm"
                    | "rmSync"
                    | "rmdir"
                    | "rmdirSync"
                    | "createReadStream"
                    | "createWriteStream"
                    | "open"
                    | "openSync"
                    | "copyFile"
                    | "copyFileSync"
                    | "rename"
                    | "renameSync"
            )
            && self.tainted_llm(arg0)
        {
            self.sink(&rules::code005_llm_output_to_path::RULE, call, resolved);
        }
    }

    fn check_html_assignment(&mut self, n: Node<'s>, left: Node<'s>, t: u8) {
        if t & LLM == 0 || self.kind(left) != "member_expression" {
            return;
        }
        let prop = self
            .field(left, "property")
            .map(|p| self.text(p))
            .unwrap_or("");
        if matches!(prop, "innerHTML" | "outerHTML") {
            self.hit(
                &rules::code004_llm_output_to_html::RULE,
                n,
                format!("Model output is assigned to `{prop}`"),
                None,
            );
        }
    }

    fn check_tls_env(&mut self, n: Node<'s>, left: Node<'s>, right: Node<'s>) {
        if self.text(left).ends_with("NODE_TLS_REJECT_UNAUTHORIZED")
            && matches!(self.string_literal(right).as_deref(), Some("0"))
            || self.text(left).ends_with("NODE_TLS_REJECT_UNAUTHORIZED") && self.text(right) == "0"
        {
            self.hit(
                &rules::code019_tls_verification_disabled::RULE,
                n,
                "Certificate verification is disabled for the whole Node.js process".into(),
                None,
            );
        }
    }

    fn check_jsx_attribute(&mut self, n: Node<'s>) {
        let children = named_children(n);
        let Some(name) = children.first() else {
            return;
        };
        if self.text(*name) != "dangerouslySetInnerHTML" {
            return;
        }
        if children
            .iter()
            .skip(1)
            .any(|v| self.taint(*v, 0) & LLM != 0)
        {
            self.hit(
                &rules::code004_llm_output_to_html::RULE,
                n,
                "Model output is rendered with `dangerouslySetInnerHTML`".into(),
                None,
            );
        }
    }

    fn check_js_pair(&mut self, n: Node<'s>) {
        let (Some(k), Some(v)) = (self.field(n, "key"), self.field(n, "value")) else {
            return;
        };
        let key = self.text(k).trim_matches(['"', '\'']);
        if key == "dangerouslySetInnerHTML" && self.taint(v, 0) & LLM != 0 {
            self.hit(
                &rules::code004_llm_output_to_html::RULE,
                n,
                "Model output is rendered with `dangerouslySetInnerHTML`".into(),
                None,
            );
        }
        if key == "rejectUnauthorized" && self.is_literal_false(v) && self.has_ai {
            self.hit(
                &rules::code019_tls_verification_disabled::RULE,
                n,
                "TLS certificate verification is disabled (`rejectUnauthorized: false`)".into(),
                None,
            );
        }
    }

    /// Keys (literal or as written) and values of a dictionary or object literal.
    fn pairs(&self, n: Node<'s>) -> Vec<(String, Node<'s>)> {
        named_children(n)
            .into_iter()
            .filter(|p| self.kind(*p) == "pair")
            .filter_map(|p| {
                let (k, v) = (self.field(p, "key")?, self.field(p, "value")?);
                let key = self
                    .string_literal(k)
                    .unwrap_or_else(|| self.text(k).to_string());
                Some((key, v))
            })
            .collect()
    }

    /// `{"role": "system", "content": <request data>}`.
    fn check_system_message(&mut self, n: Node<'s>) {
        if !self.has_ai {
            return;
        }
        let mut system = false;
        let mut content = None;
        for (key, v) in self.pairs(n) {
            match key.as_str() {
                "role" => system = self.string_literal(v).as_deref() == Some("system"),
                "content" => content = Some(v),
                _ => {}
            }
        }
        if system && content.is_some_and(|c| self.taint(c, 0) & USER != 0) {
            self.hit(
                &rules::code007_untrusted_input_in_system_prompt::RULE,
                n,
                "Request input is written into a system message".into(),
                None,
            );
        }
    }

    fn python_patterns(
        &mut self,
        call: Node<'s>,
        segs: &[&'s str],
        resolved: &str,
        last: &str,
        pos: &[Node<'s>],
        kw: &[(&'s str, Node<'s>)],
    ) {
        let arg0 = pos.first().copied();
        // System prompts built from request input.
        if self.has_ai {
            let system_arg = match last {
                "SystemMessage" | "from_template"
                    if segs.iter().any(|s| s.starts_with("System")) || last == "SystemMessage" =>
                {
                    arg0.or_else(|| Self::kwarg(kw, "content"))
                        .or_else(|| Self::kwarg(kw, "template"))
                }
                "create" | "stream" => {
                    Self::kwarg(kw, "system").or_else(|| Self::kwarg(kw, "instructions"))
                }
                "Agent" | "Assistant" | "AssistantAgent" => Self::kwarg(kw, "instructions")
                    .or_else(|| Self::kwarg(kw, "system_message"))
                    .or_else(|| Self::kwarg(kw, "system_prompt")),
                _ => None,
            };
            if system_arg.is_some_and(|a| self.taint(a, 0) & USER != 0) {
                self.hit(
                    &rules::code007_untrusted_input_in_system_prompt::RULE,
                    call,
                    "Request input is written into the system prompt".into(),
                    None,
                );
            }
        }
        // torch.load
        if resolved == "torch.load" {
            // A module that writes checkpoints with `torch.save` and reads them back
            // loads its own files: an attacker needs write access to them first.
            let own = self.called.contains("torch.save");
            let note = if own {
                " (checkpoints this module writes itself with `torch.save`)"
            } else {
                ""
            };
            match Self::kwarg(kw, "weights_only") {
                None => self.hit(
                    &rules::code010_torch_load_unsafe::RULE,
                    call,
                    format!("`torch.load` without `weights_only=True` (a full unpickler before PyTorch 2.6){note}"),
                    Some(if own { Severity::Low } else { Severity::Medium }),
                ),
                Some(v) if self.is_literal_false(v) => self.hit(
                    &rules::code010_torch_load_unsafe::RULE,
                    call,
                    format!("`torch.load` with `weights_only=False` unpickles arbitrary objects{note}"),
                    own.then_some(Severity::Medium),
                ),
                _ => {}
            }
        }
        // Pickle-based loads.
        const PICKLE: &[&str] = &[
            "pickle.load",
            "pickle.loads",
            "pickle.Unpickler",
            "cPickle.load",
            "cPickle.loads",
            "_pickle.load",
            "_pickle.loads",
            "joblib.load",
            "sklearn.externals.joblib.load",
            "dill.load",
            "dill.loads",
            "cloudpickle.load",
            "cloudpickle.loads",
            "pandas.read_pickle",
            "shelve.open",
        ];
        // `pickle.loads(pickle.dumps(x))`: a copy of an object in memory, no data read.
        let round_trip = arg0.is_some_and(|a| {
            matches!(self.kind(a), "call")
                && self.callee(a).is_some_and(|f| {
                    let inner = self.resolve(&self.segs(f));
                    inner.ends_with("dumps")
                        && inner.rsplit_once('.').map(|(m, _)| m)
                            == resolved.rsplit_once('.').map(|(m, _)| m)
                })
        });
        if PICKLE.contains(&resolved) && !round_trip {
            if self.download.is_none() {
                const DOWNLOADS: &[&str] = &[
                    "hf_hub_download",
                    "snapshot_download",
                    "urlretrieve",
                    "urlopen",
                    "download_file",
                    "download_fileobj",
                    "get_object",
                    "requests.get",
                    "httpx.get",
                    "requests.request",
                    "wget",
                ];
                self.download = Some(DOWNLOADS.iter().any(|d| self.src.contains(d)));
            }
            let downloads = self.download == Some(true);
            // A module that also writes this format reads back what it wrote (a cache,
            // a checkpoint): exploitable only with write access to those files.
            let module = resolved.rsplit_once('.').map_or(resolved, |(m, _)| m);
            let writes = ["dump", "save"]
                .iter()
                .any(|w| self.called.contains(&format!("{module}.{w}")))
                || (module == "pandas" && self.called.contains(".to_pickle"));
            let sev = if downloads {
                None
            } else if writes {
                Some(Severity::Low)
            } else {
                Some(Severity::Medium)
            };
            let msg = if downloads {
                format!(
                    "`{resolved}` in code that downloads artefacts runs any code embedded in the data"
                )
            } else if writes {
                format!(
                    "`{resolved}` runs any code embedded in the data it loads (files this module writes itself)"
                )
            } else {
                format!("`{resolved}` runs any code embedded in the data it loads")
            };
            self.hit(&rules::code011_pickle_load::RULE, call, msg, sev);
        }
        if resolved == "numpy.load"
            && Self::kwarg(kw, "allow_pickle").is_some_and(|v| self.is_literal_true(v))
        {
            self.hit(
                &rules::code012_numpy_allow_pickle::RULE,
                call,
                "`numpy.load` with `allow_pickle=True`".into(),
                None,
            );
        }
        let keras = resolved.starts_with("keras")
            || resolved.starts_with("tensorflow")
            || resolved.starts_with("tf.");
        if (last == "load_model"
            && (keras || segs.contains(&"keras"))
            && Self::kwarg(kw, "safe_mode").is_some_and(|v| self.is_literal_false(v)))
            || last == "enable_unsafe_deserialization"
        {
            self.hit(
                &rules::code013_keras_unsafe::RULE,
                call,
                "Keras safe mode is turned off".into(),
                None,
            );
        }
        if Self::kwarg(kw, "trust_remote_code").is_some_and(|v| self.is_literal_true(v)) {
            self.hit(
                &rules::code014_trust_remote_code::RULE,
                call,
                format!(
                    "`{last}` with `trust_remote_code=True` runs code from the model repository"
                ),
                None,
            );
        }
        if Self::kwarg(kw, "allow_dangerous_deserialization")
            .is_some_and(|v| self.is_literal_true(v))
        {
            self.hit(
                &rules::code016_langchain_dangerous_deserialization::RULE,
                call,
                format!(
                    "`{last}` with `allow_dangerous_deserialization=True` unpickles the stored data"
                ),
                None,
            );
        }
        // Hub pinning.
        let revision = Self::kwarg(kw, "revision");
        let pinned = revision.map(|r| match self.string_literal(r) {
            Some(s) => is_hex40(&s),
            None => true, // a variable: trusted to hold a commit
        });
        if last == "from_pretrained" {
            let repo = arg0.or_else(|| Self::kwarg(kw, "pretrained_model_name_or_path"));
            if let Some(id) = repo.and_then(|r| self.string_literal(r))
                && is_hub_id(&id)
                && !is_placeholder_repo(&id)
                && pinned != Some(true)
            {
                let class = segs.len().checked_sub(2).map_or("", |i| segs[i]);
                let data_only = loads_data_only(class);
                let what = if data_only {
                    "its tokenizer, configuration or processor files"
                } else {
                    "weights and code"
                };
                let msg = match revision.and_then(|r| self.string_literal(r)) {
                    Some(rev) => format!(
                        "`{id}` is loaded ({what}) at `{rev}`, a branch or tag, not a commit"
                    ),
                    None => format!(
                        "`{id}` is loaded ({what}) from the Hub without a pinned `revision`"
                    ),
                };
                // Data files read by a reader's example or a maintainer's script are
                // no finding; in shipped code they are a low note.
                if !(data_only && self.role == Role::Example) {
                    let sev = data_only.then_some(Severity::Low);
                    self.hit(&rules::code015_hub_model_unpinned::RULE, call, msg, sev);
                }
            }
        }
        let download_repo = match last {
            "hf_hub_download" | "snapshot_download" => arg0.or_else(|| Self::kwarg(kw, "repo_id")),
            "pipeline" if resolved.starts_with("transformers") => {
                Self::kwarg(kw, "model").or_else(|| pos.get(1).copied())
            }
            "SentenceTransformer" | "CrossEncoder" => {
                arg0.or_else(|| Self::kwarg(kw, "model_name_or_path"))
            }
            _ => None,
        };
        if let Some(id) = download_repo.and_then(|r| self.string_literal(r))
            && is_hub_id(&id)
            && !is_placeholder_repo(&id)
            && pinned != Some(true)
        {
            self.hit(
                &rules::code017_hub_download_unpinned::RULE,
                call,
                format!("`{id}` is fetched from the Hub by `{last}` without a pinned `revision`"),
                None,
            );
        }
        if self.has_ai {
            self.check_agent_tool(call, resolved, last, pos, kw);
            // `ssl=False` turns verification off in aiohttp requests and connectors;
            // in a database or vector-store client it selects plain TCP, which is
            // not this rule.
            let aiohttp_like = resolved.starts_with("aiohttp")
                || last == "TCPConnector"
                || (segs.len() >= 2
                    && matches!(
                        last,
                        "get"
                            | "post"
                            | "put"
                            | "patch"
                            | "delete"
                            | "head"
                            | "options"
                            | "request"
                            | "ws_connect"
                    ));
            if Self::kwarg(kw, "verify").is_some_and(|v| self.is_literal_false(v))
                || (aiohttp_like
                    && Self::kwarg(kw, "ssl").is_some_and(|v| self.is_literal_false(v)))
            {
                self.hit(
                    &rules::code019_tls_verification_disabled::RULE,
                    call,
                    format!("`{last}` is called with certificate verification disabled"),
                    None,
                );
            }
        }
    }

    // ---------------------------------------------------------------- inventory

    fn model_refs(
        &mut self,
        call: Node<'s>,
        resolved: &str,
        last: &str,
        pos: &[Node<'s>],
        kw: &[(&'s str, Node<'s>)],
    ) {
        if !self.has_ai {
            return;
        }
        let endpoint = [
            "base_url",
            "baseURL",
            "api_base",
            "azure_endpoint",
            "endpoint",
            "host",
        ]
        .iter()
        .find_map(|k| Self::kwarg(kw, k).and_then(|v| self.string_literal(v)))
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
        if let Some(e) = &endpoint
            && !self.out.endpoints.contains(e)
        {
            self.out.endpoints.push(e.clone());
        }
        let mut found: Vec<(String, bool)> = Vec::new();
        for key in [
            "model",
            "model_name",
            "model_id",
            "modelId",
            "deployment_name",
            "azure_deployment",
            "deployment",
        ] {
            if let Some(v) = Self::kwarg(kw, key).and_then(|v| self.string_literal(v)) {
                found.push((v, false));
            }
        }
        // transformers.js: `pipeline("task", "org/model")`.
        if last == "pipeline"
            && (resolved.starts_with("@xenova/transformers")
                || resolved.starts_with("@huggingface/transformers"))
            && let Some(v) = pos.get(1).and_then(|v| self.string_literal(*v))
        {
            found.push((v, true));
        }
        if matches!(
            last,
            "from_pretrained"
                | "hf_hub_download"
                | "snapshot_download"
                | "SentenceTransformer"
                | "CrossEncoder"
        ) && let Some(v) = pos
            .first()
            .copied()
            .or_else(|| Self::kwarg(kw, "repo_id"))
            .and_then(|v| self.string_literal(v))
        {
            found.push((v, true));
        }
        let revision = Self::kwarg(kw, "revision").and_then(|v| self.string_literal(v));
        for (model, from_hub) in found {
            let valid = !model.is_empty()
                && model.len() <= 120
                && !model.contains(char::is_whitespace)
                && !model.starts_with(['.', '/', '~', '$', '{', '<'])
                && !model.contains("://");
            if !valid || (from_hub && !is_hub_id(&model)) || is_placeholder_repo(&model) {
                continue;
            }
            if !self.seen_models.insert(model.clone()) {
                continue;
            }
            let hub = from_hub || is_hub_id(&model) && sdk::provider_of_model(&model).is_none();
            self.out.models.push(ModelRef {
                provider: sdk::provider_of_model(&model)
                    .map(str::to_string)
                    .or_else(|| hub.then(|| "huggingface".to_string())),
                model,
                line: line_of(call),
                api: resolved.chars().take(80).collect(),
                hub,
                revision: revision.clone(),
                endpoint: endpoint.clone(),
            });
        }
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

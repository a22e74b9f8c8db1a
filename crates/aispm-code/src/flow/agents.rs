//! Agents constructed in code: one `agent` asset per constructor or factory call of
//! an agent framework the file imports (CrewAI `Agent(role=…)`, agno and Google ADK
//! agents, the OpenAI Agents SDK, LangChain and LangGraph agent factories, AutoGen,
//! smolagents, LlamaIndex, Pydantic AI, Semantic Kernel, Mastra, the Vercel AI SDK, …).
//!
//! Precision comes from the imports: a call counts only when its callee resolves to a
//! module of the framework that defines it (`from crewai import Agent`, `import
//! google.adk.agents as a; a.LlmAgent(…)`), so a bare `Agent(…)` of a file importing
//! nothing agent-related, a class of the same file named `Agent`, type hints,
//! `isinstance` checks and docstrings are no agent. The OpenAI Agents SDK's import
//! name `agents` is a common local package name: its `Agent` counts when the file's
//! imports prove the SDK, or the call has the SDK's own keywords. A framework's own
//! source tree (the file sits in a folder named like the package, as for SDK usage)
//! builds agents for its internal use; those are not the project's agents.
//!
//! What the call shows statically is kept: the name (`name=`, `role=`, a first
//! positional string, a CrewAI `config=…['key']`, else the name the result is bound
//! to or the function returning it), the model when it is a literal (directly or in a
//! model client's constructor), the tools listed, sub-agents and hand-offs, and the
//! capabilities that matter for security: code execution and shell access.

use super::{Call, Walker, line_of, named_children};
use crate::role::Role;
use crate::sdk;
use tree_sitter::Node;

mod apis;
pub(super) use apis::is_agent_sdk;
use apis::*;

/// The most agents listed per file; the rest are counted.
pub const MAX_AGENTS_PER_FILE: usize = 50;
/// The most tool and sub-agent names kept per agent.
const MAX_NAMES: usize = 20;
/// How many bound names are followed to find a model or a tool list.
const MAX_FOLLOW: usize = 3;

/// An agent built in code.
#[derive(Debug, Clone, Default)]
pub struct AgentDef {
    pub line: u32,
    /// The agent's name, or the best stable stand-in (see `named_by`).
    pub name: String,
    /// Where the name came from: `name`, `role`, `argument`, `config`, `variable`,
    /// `function`, `keyword`, `key` or `class`.
    pub named_by: &'static str,
    /// The framework, as the SDK inventory names it (`crewai`, `google-adk`, …).
    pub framework: &'static str,
    /// The class or factory called (`Agent`, `create_react_agent`).
    pub class: String,
    /// The qualified callee (`crewai.Agent`, `langgraph.prebuilt.create_react_agent`).
    pub api: String,
    /// The model, when it is a literal.
    pub model: Option<String>,
    /// Names of the tools listed (at most [`MAX_NAMES`]).
    pub tools: Vec<String>,
    /// Entries of the tool list, when it is a literal list (or bound to one).
    pub tools_count: Option<usize>,
    /// Sub-agents and hand-offs listed (at most [`MAX_NAMES`]).
    pub sub_agents: Vec<String>,
    /// Why the agent can run code it writes, when it can.
    pub code_execution: Option<String>,
    /// Why the agent can run shell commands, when it can.
    pub shell: Option<String>,
}

/// What a tool entry is built by.
enum ToolOrigin {
    /// A class or factory called, and whether it comes from an AI framework (an
    /// import of one, or no import at all) rather than the project's own code.
    Class(String, bool),
    /// A tool named by a string.
    Named(String),
    /// A name bound to nothing this file shows.
    Name,
}

impl<'s> Walker<'s> {
    /// A file in a package's own source tree: a folder of its path is named like the
    /// package (`crewai/agent.py` importing `crewai`, `trl/scripts/sft.py` importing
    /// `trl`). A folder of that name inside an examples, documentation or tests
    /// folder is an example's own (`examples/research_bot/agents/` importing the
    /// OpenAI Agents SDK's `agents`, `cookbook/models/anthropic/` importing
    /// `anthropic`).
    pub(super) fn own_package(&self, package: &[&str]) -> bool {
        if package.is_empty() {
            return false;
        }
        self.dirs.windows(package.len()).enumerate().any(|(i, w)| {
            w.iter().zip(package).all(|(d, p)| d == p)
                && !self.dirs[..i].iter().any(|d| Role::of_folder(d).is_some())
        })
    }

    /// Inventories the agent this call builds, if it builds one.
    pub(super) fn agent_call(&mut self, c: &Call<'s>) {
        let (call, segs, resolved, last) = (c.node, &c.segs[..], c.resolved.as_str(), c.last);
        let (pos, kw) = (&c.pos[..], &c.kw[..]);
        // `Agent(…)`, `ReActAgent.from_tools(…)`, `Agent.create({…})`; the class by
        // the name it was imported as (`UserProxyAgent as UP`).
        let factory = segs.len() >= 2 && (last.starts_with("from_") || last == "create");
        let mut path = resolved;
        if factory {
            path = path.rsplit_once('.').map_or("", |(m, _)| m);
        }
        let Some((module, class)) = path.rsplit_once('.') else {
            return;
        };
        if !is_agent_name(class) {
            return;
        }
        // A class or function of the same file with that name shadows any import.
        if segs.len() <= 2 && self.local_defs.contains(segs[0]) {
            return;
        }
        let python = self.lang.is_python();
        let sdk = if python {
            if module == "agents" || module.starts_with("agents.") {
                let shaped = Self::kwarg(kw, "name").is_some()
                    && kw.iter().any(|(k, _)| OPENAI_AGENTS_KEYWORDS.contains(k));
                (self.openai_agents || shaped).then_some("openai-agents")
            } else {
                sdk::python_sdk(module)
            }
        } else {
            sdk::javascript_sdk(module)
        };
        let Some(sdk) = sdk else { return };
        let Some(api) = APIS
            .iter()
            .find(|a| a.python == python && a.sdk == sdk && a.names.contains(&class))
        else {
            return;
        };
        if python && self.own_package(&sdk::python_package(module)) {
            return;
        }
        // An executor wrapping an agent of this file is that agent.
        if class == "AgentExecutor"
            && let Some(inner) = Self::kwarg(kw, "agent").and_then(|a| self.agent_of(a))
        {
            self.merge_executor(inner, call, kw);
            return;
        }
        self.out.agents_found += 1;
        if self.out.agents.len() >= MAX_AGENTS_PER_FILE {
            return;
        }
        let (name, named_by) = self.agent_name(call, class, api, pos, kw);
        let model = MODEL_KEYS
            .iter()
            .find_map(|k| Self::kwarg(kw, k))
            .or_else(|| api.model_at.and_then(|i| pos.get(i).copied()))
            .and_then(|m| self.model_of(m, 0));
        // `ReActAgent.from_tools(tools, llm=…)` takes the tools first.
        let tools_at = if factory && last.starts_with("from_tools") {
            Some(0)
        } else {
            api.tools_at
        };
        let tools_node = Self::kwarg(kw, "tools")
            .or_else(|| Self::kwarg(kw, "functions"))
            .or_else(|| tools_at.and_then(|i| pos.get(i).copied()));
        let mut def = AgentDef {
            line: line_of(call),
            name,
            named_by,
            framework: api.sdk,
            class: class.to_string(),
            api: resolved.chars().take(120).collect(),
            model,
            tools: Vec::new(),
            tools_count: None,
            sub_agents: Vec::new(),
            code_execution: None,
            shell: None,
        };
        if let Some(t) = tools_node {
            self.read_tools(t, &mut def);
        }
        if let Some(s) = ["sub_agents", "handoffs", "agents"]
            .iter()
            .find_map(|k| Self::kwarg(kw, k))
            && let Some(items) = self.list_items(s, 0)
        {
            def.sub_agents = items
                .iter()
                .filter_map(|i| self.entry_name(*i))
                .take(MAX_NAMES)
                .collect();
        }
        self.capabilities(&mut def, api, module, class, kw);
        let index = self.out.agents.len();
        self.out.agents.push(def);
        self.agent_nodes.push((call.id(), index));
        if let Some(var) = self.bound_name(call) {
            self.agent_vars.insert(var, index);
        }
    }

    /// The index of the agent of this file an expression is (a name bound to one, or
    /// the call itself).
    fn agent_of(&self, n: Node<'s>) -> Option<usize> {
        match self.kind(n) {
            "identifier" | "attribute" | "member_expression" => {
                self.agent_vars.get(self.text(n)).copied()
            }
            "call" | "call_expression" => self
                .agent_nodes
                .iter()
                .find(|(id, _)| *id == n.id())
                .map(|&(_, i)| i),
            _ => None,
        }
    }

    /// `AgentExecutor(agent=agent, tools=tools)`: the tools and flags join the agent.
    fn merge_executor(&mut self, index: usize, call: Node<'s>, kw: &[(&'s str, Node<'s>)]) {
        let mut extra = AgentDef::default();
        if let Some(t) = Self::kwarg(kw, "tools") {
            self.read_tools(t, &mut extra);
        }
        if let Some(a) = self.out.agents.get_mut(index) {
            if a.tools_count.is_none() {
                a.tools = extra.tools;
                a.tools_count = extra.tools_count;
            }
            a.code_execution = a.code_execution.take().or(extra.code_execution);
            a.shell = a.shell.take().or(extra.shell);
        }
        if let Some(var) = self.bound_name(call) {
            self.agent_vars.insert(var, index);
        }
    }

    /// The name a call's result is bound to: `x = Agent(…)`, `const x = new Agent(…)`,
    /// `self.x = Agent(…)` (its last part).
    fn bound_name(&self, call: Node<'s>) -> Option<&'s str> {
        let (p, child) = self.outer(call)?;
        let target = match self.kind(p) {
            "assignment" | "assignment_expression" => {
                (self.field(p, "right") == Some(child)).then(|| self.field(p, "left"))??
            }
            "variable_declarator" => self.field(p, "name")?,
            _ => return None,
        };
        match self.kind(target) {
            "identifier" => Some(self.text(target)),
            "attribute" | "member_expression" => self
                .field(target, "attribute")
                .or_else(|| self.field(target, "property"))
                .map(|a| self.text(a)),
            _ => None,
        }
    }

    /// The parent of an expression through `await`, parentheses and conditional
    /// expressions (`x = Agent(…) if key else None`), and the child of that parent
    /// the expression is under.
    fn outer(&self, n: Node<'s>) -> Option<(Node<'s>, Node<'s>)> {
        let mut child = n;
        let mut p = n.parent()?;
        while matches!(
            self.kind(p),
            "await"
                | "await_expression"
                | "parenthesized_expression"
                | "as_expression"
                | "conditional_expression"
                | "ternary_expression"
        ) {
            child = p;
            p = p.parent()?;
        }
        Some((p, child))
    }

    /// A literal that can be a name: non-empty, one line, bounded.
    fn name_literal(&self, n: Node<'s>) -> Option<String> {
        self.string_literal(n)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s.len() <= 200 && !s.contains('\n'))
    }

    /// The agent's name and where it came from.
    fn agent_name(
        &self,
        call: Node<'s>,
        class: &str,
        api: &Api,
        pos: &[Node<'s>],
        kw: &[(&'s str, Node<'s>)],
    ) -> (String, &'static str) {
        for (key, by) in [("name", "name"), ("role", "role"), ("agent_name", "name")] {
            if let Some(n) = Self::kwarg(kw, key).and_then(|v| self.name_literal(v)) {
                return (n, by);
            }
        }
        if let Some(n) = api
            .name_at
            .and_then(|i| pos.get(i))
            .and_then(|v| self.name_literal(*v))
        {
            return (n, "argument");
        }
        // CrewAI: `Agent(config=self.agents_config["researcher"])`.
        if let Some(c) = Self::kwarg(kw, "config")
            && matches!(self.kind(c), "subscript" | "subscript_expression")
            && let Some(key) = self
                .field(c, "subscript")
                .or_else(|| self.field(c, "index"))
                .and_then(|k| self.name_literal(k))
        {
            return (key, "config");
        }
        if let Some(var) = self.bound_name(call) {
            return (var.to_string(), "variable");
        }
        if let Some((p, _)) = self.outer(call) {
            match self.kind(p) {
                "return_statement" => {
                    let mut a = p.parent();
                    while let Some(n) = a {
                        if self.is_function(n) {
                            if let Some(f) = self.function_name(n).filter(|f| !f.is_empty()) {
                                return (f.to_string(), "function");
                            }
                            break;
                        }
                        a = n.parent();
                    }
                }
                "keyword_argument" => {
                    if let Some(k) = self.field(p, "name") {
                        return (self.text(k).to_string(), "keyword");
                    }
                }
                "pair" => {
                    if let Some(k) = self.field(p, "key").and_then(|k| {
                        self.name_literal(k)
                            .or_else(|| Some(self.text(k).to_string()))
                    }) {
                        return (k, "key");
                    }
                }
                _ => {}
            }
        }
        (class.to_string(), "class")
    }

    /// The model an expression names: a literal, a model client built with a literal
    /// (`OpenAIChat(id="gpt-4o")`, `openai("gpt-4o")`), a name bound to either, or an
    /// AutoGen `llm_config` dictionary.
    fn model_of(&self, n: Node<'s>, depth: usize) -> Option<String> {
        if depth > MAX_FOLLOW {
            return None;
        }
        let valid = |m: String| {
            let m = m.trim().to_string();
            (!m.is_empty() && m.len() <= 120 && !m.contains(char::is_whitespace)).then_some(m)
        };
        match self.kind(n) {
            "string" | "template_string" => self.string_literal(n).and_then(valid),
            "identifier" => {
                if let Some(s) = self.string_literal(n) {
                    return valid(s);
                }
                let bound = *self.bound.get(self.text(n))?;
                self.model_of(bound, depth + 1)
            }
            "call" | "call_expression" | "new_expression" | "await" | "await_expression" => {
                let call = if matches!(self.kind(n), "await" | "await_expression") {
                    n.named_child(0)?
                } else {
                    n
                };
                let (pos, kw) = self.args(call);
                // A first positional string names the model only in an AI SDK's own
                // constructor or factory (`openai("gpt-4o")`, `LiteLlm("…")`), not in
                // `os.getenv("OPENAI_MODEL")`.
                let sdk_call = self.callee(call).is_some_and(|f| {
                    let resolved = self.resolve(&self.segs(f));
                    let module = resolved.rsplit_once('.').map_or("", |(m, _)| m);
                    if self.lang.is_python() {
                        sdk::python_sdk(module).is_some()
                    } else {
                        sdk::javascript_sdk(module).is_some()
                    }
                });
                MODEL_ID_KEYS
                    .iter()
                    .find_map(|k| Self::kwarg(&kw, k))
                    .or_else(|| pos.first().copied().filter(|_| sdk_call))
                    .and_then(|v| match self.kind(v) {
                        "string" | "template_string" | "identifier" => {
                            self.string_literal(v).and_then(valid)
                        }
                        _ => None,
                    })
            }
            "dictionary" | "object" => {
                let pairs = self.pairs(n);
                if let Some((_, v)) = pairs.iter().find(|(k, _)| k == "model") {
                    return self.string_literal(*v).and_then(valid);
                }
                let (_, list) = pairs.iter().find(|(k, _)| k == "config_list")?;
                let first = named_children(*list).into_iter().next()?;
                self.model_of(first, depth + 1)
            }
            _ => None,
        }
    }

    /// The entries of a literal list, set or tuple, or of the one a name is bound to.
    fn list_items(&self, n: Node<'s>, depth: usize) -> Option<Vec<Node<'s>>> {
        match self.kind(n) {
            "list" | "array" | "tuple" | "set" => Some(
                named_children(n)
                    .into_iter()
                    .filter(|c| self.kind(*c) != "comment")
                    .collect(),
            ),
            "identifier" if depth < MAX_FOLLOW => {
                let bound = *self.bound.get(self.text(n))?;
                self.list_items(bound, depth + 1)
            }
            _ => None,
        }
    }

    /// What an entry of a tool or agent list is called: a name (its last part), the
    /// class or function of a call, a string.
    fn entry_name(&self, n: Node<'s>) -> Option<String> {
        let name = match self.kind(n) {
            "identifier" | "string" | "template_string" => {
                if self.kind(n) == "identifier" {
                    Some(self.text(n).to_string())
                } else {
                    self.name_literal(n)
                }
            }
            "attribute" | "member_expression" => self
                .field(n, "attribute")
                .or_else(|| self.field(n, "property"))
                .map(|a| self.text(a).to_string()),
            "call" | "call_expression" | "new_expression" => {
                let segs = self.segs(self.callee(n)?);
                // A wrapper around a function: the function is the tool.
                let last = segs.last().copied().unwrap_or("");
                let wrapped = matches!(
                    last,
                    "FunctionTool" | "function_tool" | "tool" | "Tool" | "from_function"
                )
                .then(|| self.args(n).0.first().copied())
                .flatten()
                .filter(|a| self.kind(*a) == "identifier")
                .map(|a| self.text(a).to_string());
                wrapped.or_else(|| {
                    segs.iter()
                        .rev()
                        .find(|s| !matches!(**s, "()" | "[]" | "?"))
                        .map(|s| s.to_string())
                })
            }
            _ => None,
        }?;
        Some(name.chars().take(80).collect())
    }

    /// The tools of an agent: names, count, and whether one is a shell or runs code.
    fn read_tools(&self, n: Node<'s>, def: &mut AgentDef) {
        let mut node = n;
        for _ in 0..MAX_FOLLOW {
            match self.kind(node) {
                "identifier" => match self.bound.get(self.text(node)) {
                    Some(b) => node = *b,
                    None => break,
                },
                _ => break,
            }
        }
        // `load_tools(["terminal", "python_repl"])`.
        if matches!(self.kind(node), "call" | "call_expression")
            && self
                .callee(node)
                .is_some_and(|f| self.segs(f).last() == Some(&"load_tools"))
            && let Some(list) = self.args(node).0.first().copied()
        {
            node = list;
        }
        let entries: Vec<Node<'s>> = match self.kind(node) {
            "list" | "array" | "tuple" | "set" => named_children(node)
                .into_iter()
                .filter(|c| self.kind(*c) != "comment")
                .collect(),
            // Mastra and the Vercel AI SDK: `tools: { weather, search: searchTool }`.
            "object" => named_children(node)
                .into_iter()
                .filter(|c| {
                    matches!(
                        self.kind(*c),
                        "pair" | "shorthand_property_identifier" | "spread_element"
                    )
                })
                .collect(),
            _ => return,
        };
        def.tools_count = Some(entries.len());
        for e in entries {
            let (label, origin) = match self.kind(e) {
                "pair" => {
                    let key = self.field(e, "key").map(|k| {
                        self.name_literal(k)
                            .unwrap_or_else(|| self.text(k).to_string())
                    });
                    let value = self.field(e, "value");
                    (key, value.and_then(|v| self.tool_origin(v)))
                }
                "shorthand_property_identifier" => {
                    (Some(self.text(e).to_string()), self.tool_origin(e))
                }
                _ => (self.entry_name(e), self.tool_origin(e)),
            };
            if let Some(l) = label
                && def.tools.len() < MAX_NAMES
            {
                def.tools.push(l.chars().take(80).collect());
            }
            let (shell, code, what) = match &origin {
                Some(ToolOrigin::Class(c, true)) => (
                    SHELL_TOOLS.contains(&c.as_str()),
                    CODE_TOOLS.contains(&c.as_str()),
                    c.as_str(),
                ),
                Some(ToolOrigin::Named(n)) => (
                    SHELL_NAMES.contains(&n.as_str()),
                    CODE_NAMES.contains(&n.as_str()),
                    n.as_str(),
                ),
                _ => (false, false, ""),
            };
            if def.shell.is_none() && shell {
                def.shell = Some(format!("tool `{what}`"));
            }
            if def.code_execution.is_none() && code {
                def.code_execution = Some(format!("tool `{what}`"));
            }
            // A function or class of this file that runs shell command lines.
            if def.shell.is_none()
                && matches!(self.kind(e), "identifier" | "attribute")
                && self.names_shell_function(e)
            {
                def.shell = Some(format!(
                    "tool `{}` runs shell command lines",
                    self.text(e).chars().take(80).collect::<String>()
                ));
            }
        }
    }

    /// The class or factory a tool entry is built by (following a name bound to a
    /// call), with where it comes from: `ShellTool()` and `shell = ShellTool();
    /// tools=[shell]` are both LangChain's `ShellTool` when imported from LangChain,
    /// and the project's own when imported from `./tools`.
    fn tool_origin(&self, n: Node<'s>) -> Option<ToolOrigin> {
        let mut node = n;
        for _ in 0..MAX_FOLLOW {
            match self.kind(node) {
                "identifier" | "shorthand_property_identifier" => {
                    match self.bound.get(self.text(node)) {
                        Some(b) => node = *b,
                        None => return Some(ToolOrigin::Name),
                    }
                }
                "call" | "call_expression" | "new_expression" => {
                    let segs = self.segs(self.callee(node)?);
                    let name = segs
                        .iter()
                        .rev()
                        .find(|s| !matches!(**s, "()" | "[]" | "?"))?
                        .to_string();
                    let resolved = self.resolve(&segs);
                    let module = resolved.rsplit_once('.').map_or("", |(m, _)| m);
                    let framework = if module.is_empty() {
                        // No import: a star import of a framework, or this file's own.
                        !self.local_defs.contains(name.as_str())
                    } else if self.lang.is_python() {
                        sdk::python_sdk(module).is_some()
                            || (self.openai_agents
                                && (module == "agents" || module.starts_with("agents.")))
                    } else {
                        sdk::javascript_sdk(module).is_some()
                    };
                    return Some(ToolOrigin::Class(name, framework));
                }
                "string" | "template_string" => {
                    return self.name_literal(node).map(ToolOrigin::Named);
                }
                _ => return None,
            }
        }
        None
    }

    /// The class a tool entry is built by, whatever its origin.
    fn tool_class(&self, n: Node<'s>) -> Option<String> {
        match self.tool_origin(n)? {
            ToolOrigin::Class(c, _) | ToolOrigin::Named(c) => Some(c),
            ToolOrigin::Name => None,
        }
    }

    /// Code execution and shell access visible in the call itself.
    fn capabilities(
        &self,
        def: &mut AgentDef,
        api: &Api,
        module: &str,
        class: &str,
        kw: &[(&'s str, Node<'s>)],
    ) {
        let on = |k: &str| Self::kwarg(kw, k).is_some_and(|v| self.is_literal_true(v));
        let off = |v: Node<'s>| {
            self.is_literal_false(v) || matches!(self.kind(v), "none" | "null" | "undefined")
        };
        let reason = if on("allow_code_execution") {
            Some("allow_code_execution=True".to_string())
        } else if on("allow_dangerous_code") {
            Some("allow_dangerous_code=True".to_string())
        } else if let Some(c) = Self::kwarg(kw, "code_execution_config")
            && !off(c)
        {
            Some("code_execution_config".to_string())
        } else if let Some(c) = Self::kwarg(kw, "code_executor")
            && !off(c)
        {
            let by = match self.kind(c) {
                "call" | "call_expression" => self.tool_class(c),
                _ => None,
            };
            Some(match by {
                Some(b) => format!("code_executor={b}"),
                None => "code_executor".to_string(),
            })
        } else if api.runs_code {
            Some(format!("`{class}` runs the code the model writes"))
        } else if class == "UserProxyAgent"
            && !module.starts_with("autogen_agentchat")
            && Self::kwarg(kw, "code_execution_config").is_none()
        {
            // AutoGen 0.2 and AG2: a user proxy executes code blocks unless told not to.
            Some("UserProxyAgent executes code by default".to_string())
        } else {
            None
        };
        if def.code_execution.is_none() {
            def.code_execution = reason;
        }
        // The OpenAI Agents SDK's sandbox agent: a shell in its workspace unless its
        // capabilities leave it out.
        if class == "SandboxAgent" && def.shell.is_none() {
            let shell = match Self::kwarg(kw, "capabilities") {
                None => Some("`SandboxAgent` default capabilities include a shell".to_string()),
                Some(c) => self.list_items(c, 0).and_then(|items| {
                    items
                        .iter()
                        .any(|i| self.tool_class(*i).as_deref() == Some("Shell"))
                        .then(|| "`SandboxAgent` capability `Shell`".to_string())
                }),
            };
            def.shell = shell;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::flow::{AgentDef, analyze, analyze_at};
    use crate::lang::Lang;

    fn agents(src: &str, lang: Lang) -> Vec<AgentDef> {
        analyze(src, lang).unwrap().agents
    }

    fn names(src: &str, lang: Lang) -> Vec<(String, &'static str, u32)> {
        agents(src, lang)
            .into_iter()
            .map(|a| (a.name, a.framework, a.line))
            .collect()
    }

    #[test]
    fn crewai() {
        let src = r#"
from crewai import Agent, Crew
from crewai_tools import SerperDevTool
search = SerperDevTool()
researcher = Agent(
    role="Senior Researcher",
    goal="Find",
    llm="gpt-4o",
    tools=[search, SerperDevTool()],
    allow_code_execution=True,
)
writer = Agent(role=ROLE, goal="Write")

class Crew1:
    @agent
    def analyst(self) -> Agent:
        return Agent(config=self.agents_config["analyst"], verbose=True)

    @agent
    def reporter(self) -> Agent:
        return Agent(role=self.role)
"#;
        let a = agents(src, Lang::Python);
        assert_eq!(a.len(), 4, "{a:?}");
        assert_eq!(a[0].name, "Senior Researcher");
        assert_eq!(a[0].named_by, "role");
        assert_eq!(a[0].framework, "crewai");
        assert_eq!(a[0].line, 5);
        assert_eq!(a[0].model.as_deref(), Some("gpt-4o"));
        assert_eq!(a[0].tools, vec!["search", "SerperDevTool"]);
        assert_eq!(a[0].tools_count, Some(2));
        assert!(a[0].code_execution.is_some());
        assert_eq!((a[1].name.as_str(), a[1].named_by), ("writer", "variable"));
        let src = "from agno.agent import Agent\nbot = Agent(model=m) if key else None\n";
        assert_eq!(agents(src, Lang::Python)[0].name, "bot");
        assert!(a[1].code_execution.is_none());
        assert_eq!((a[2].name.as_str(), a[2].named_by), ("analyst", "config"));
        assert_eq!(
            (a[3].name.as_str(), a[3].named_by),
            ("reporter", "function")
        );
    }

    #[test]
    fn agno_adk_and_openai_agents() {
        let src = r#"
from agno.agent import Agent
from agno.models.openai import OpenAIChat
from agno.tools.shell import ShellTools
from agno.tools.duckduckgo import DuckDuckGoTools
agent = Agent(name="Web Agent", model=OpenAIChat(id="gpt-4o"), tools=[DuckDuckGoTools(), ShellTools()])
"#;
        let a = agents(src, Lang::Python);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].framework, "agno");
        assert_eq!(a[0].model.as_deref(), Some("gpt-4o"));
        assert_eq!(a[0].tools, vec!["DuckDuckGoTools", "ShellTools"]);
        assert_eq!(a[0].shell.as_deref(), Some("tool `ShellTools`"));

        let src = r#"
from google.adk.agents import LlmAgent, SequentialAgent
from google.adk.models.lite_llm import LiteLlm
from google.adk.code_executors import BuiltInCodeExecutor
a = LlmAgent(name="writer", model=LiteLlm(model="openai/gpt-4o"), code_executor=BuiltInCodeExecutor())
b = LlmAgent(name="critic", model="gemini-2.0-flash")
root_agent = SequentialAgent(name="pipeline", sub_agents=[a, b])
"#;
        let a = agents(src, Lang::Python);
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].model.as_deref(), Some("openai/gpt-4o"));
        assert_eq!(
            a[0].code_execution.as_deref(),
            Some("code_executor=BuiltInCodeExecutor")
        );
        assert_eq!(a[2].class, "SequentialAgent");
        assert_eq!(a[2].sub_agents, vec!["a", "b"]);
        assert!(a.iter().all(|x| x.framework == "google-adk"));

        // Proven by the imports.
        let src = "from agents import Agent, Runner, function_tool\n@function_tool\ndef w(c): ...\nagent = Agent(name=\"Assistant\", tools=[w])\n";
        assert_eq!(
            names(src, Lang::Python),
            vec![("Assistant".into(), "openai-agents", 4)]
        );
        // A bare `from agents import Agent`: the SDK's own keywords decide.
        let src = "from agents import Agent\nplanner = Agent(name=\"Planner\", instructions=P, model=\"o3-mini\", output_type=Plan)\n";
        assert_eq!(
            names(src, Lang::Python),
            vec![("Planner".into(), "openai-agents", 2)]
        );
        let src = "from agents.sandbox import SandboxAgent, Manifest\nfrom agents.sandbox.capabilities import Filesystem, Shell\na = SandboxAgent(name=\"a\", default_manifest=m)\nb = SandboxAgent(name=\"b\", capabilities=[Filesystem()])\nc = SandboxAgent(name=\"c\", capabilities=[Filesystem(), Shell()])\n";
        let shells: Vec<bool> = agents(src, Lang::Python)
            .iter()
            .map(|a| a.shell.is_some())
            .collect();
        assert_eq!(shells, vec![true, false, true]);
        let src = "from agents import Agent\nbot = Agent(\"x\", 3)\n";
        assert!(names(src, Lang::Python).is_empty());
    }

    #[test]
    fn langchain_and_langgraph() {
        let src = r#"
from langchain_openai import ChatOpenAI
from langchain.agents import AgentExecutor, create_tool_calling_agent, load_tools
from langgraph.prebuilt import create_react_agent
from langchain_experimental.tools import PythonREPLTool
llm = ChatOpenAI(model="gpt-4o-mini")
tools = [PythonREPLTool(), search]
agent = create_tool_calling_agent(llm, tools, prompt)
executor = AgentExecutor(agent=agent, tools=tools)
graph = create_react_agent("anthropic:claude-3-7-sonnet-latest", tools=load_tools(["terminal"]), name="ops")
"#;
        let a = agents(src, Lang::Python);
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(a[0].name, "agent");
        assert_eq!(a[0].framework, "langchain");
        assert_eq!(a[0].model.as_deref(), Some("gpt-4o-mini"));
        assert_eq!(a[0].tools, vec!["PythonREPLTool", "search"]);
        assert_eq!(
            a[0].code_execution.as_deref(),
            Some("tool `PythonREPLTool`")
        );
        assert_eq!((a[1].name.as_str(), a[1].framework), ("ops", "langgraph"));
        assert_eq!(
            a[1].model.as_deref(),
            Some("anthropic:claude-3-7-sonnet-latest")
        );
        assert_eq!(a[1].shell.as_deref(), Some("tool `terminal`"));
    }

    #[test]
    fn autogen_smolagents_llamaindex_pydantic_sk() {
        let src = r#"
import autogen
from autogen_agentchat.agents import AssistantAgent, UserProxyAgent as UP
from autogen_ext.models.openai import OpenAIChatCompletionClient
a = AssistantAgent("planner", model_client=OpenAIChatCompletionClient(model="gpt-4o"))
u = UP("user")
old = autogen.UserProxyAgent("runner", llm_config={"config_list": [{"model": "gpt-4"}]})
off = autogen.UserProxyAgent("quiet", code_execution_config=False)
"#;
        let a = agents(src, Lang::Python);
        let got: Vec<_> = a
            .iter()
            .map(|x| (x.name.as_str(), x.code_execution.is_some()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("planner", false),
                ("user", false),
                ("runner", true),
                ("quiet", false)
            ]
        );
        assert_eq!(a[0].model.as_deref(), Some("gpt-4o"));
        assert_eq!(a[2].model.as_deref(), Some("gpt-4"));

        let src = "from smolagents import CodeAgent, ToolCallingAgent, InferenceClientModel\nm = InferenceClientModel(model_id=\"Qwen/Qwen2.5-72B-Instruct\")\nc = CodeAgent(tools=[], model=m)\nt = ToolCallingAgent(tools=[], model=m)\n";
        let a = agents(src, Lang::Python);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].model.as_deref(), Some("Qwen/Qwen2.5-72B-Instruct"));
        assert!(a[0].code_execution.is_some());
        assert!(a[1].code_execution.is_none());
        assert_eq!(a[0].tools_count, Some(0));

        let src = "from llama_index.core.agent import ReActAgent\nfrom llama_index.core.agent.workflow import FunctionAgent\nr = ReActAgent.from_tools([add, mul], llm=llm)\nf = FunctionAgent(name=\"calc\", tools=[add])\n";
        assert_eq!(agents(src, Lang::Python)[0].tools, vec!["add", "mul"]);
        assert_eq!(
            names(src, Lang::Python),
            vec![
                ("r".into(), "llama_index", 3),
                ("calc".into(), "llama_index", 4)
            ]
        );

        let src = "import os\nfrom agno.agent import Agent\nfrom agno.models.openai import OpenAIChat\nm = os.getenv(\"OPENAI_MODEL\", \"gpt-4o\")\na = Agent(model=m)\nb = Agent(model=OpenAIChat(m))\nc = Agent(model=os.getenv(\"MODEL\"))\n";
        assert!(agents(src, Lang::Python).iter().all(|a| a.model.is_none()));

        let src =
            "from pydantic_ai import Agent\nroulette = Agent('openai:gpt-4o', system_prompt='x')\n";
        let a = agents(src, Lang::Python);
        assert_eq!(a[0].model.as_deref(), Some("openai:gpt-4o"));
        assert_eq!(a[0].name, "roulette");

        let src = "from semantic_kernel.agents import ChatCompletionAgent\nagent = ChatCompletionAgent(service=svc, name=\"Host\", instructions=\"x\")\n";
        assert_eq!(
            names(src, Lang::Python),
            vec![("Host".into(), "semantic-kernel", 2)]
        );
    }

    #[test]
    fn javascript_and_typescript() {
        let src = r#"
import { Agent, run } from '@openai/agents';
import { Agent as MastraAgent } from '@mastra/core/agent';
import { openai } from '@ai-sdk/openai';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
export const triage = new Agent({ name: 'Triage', instructions: 'x', model: 'gpt-4.1', tools: [lookup] });
const weather = new MastraAgent({ name: 'Weather Agent', model: openai('gpt-4o-mini'), tools: { weatherTool, forecast: f } });
const graph = createReactAgent({ llm: model, tools: [search] });
"#;
        let a = agents(src, Lang::TypeScript);
        assert_eq!(a.len(), 3, "{a:?}");
        assert_eq!(
            (a[0].name.as_str(), a[0].framework),
            ("Triage", "openai-agents")
        );
        assert_eq!(a[0].model.as_deref(), Some("gpt-4.1"));
        assert_eq!(
            (a[1].name.as_str(), a[1].framework),
            ("Weather Agent", "mastra")
        );
        assert_eq!(a[1].model.as_deref(), Some("gpt-4o-mini"));
        assert_eq!(a[1].tools, vec!["weatherTool", "forecast"]);
        assert_eq!((a[2].name.as_str(), a[2].framework), ("graph", "langgraph"));
        let js =
            "const { Agent } = require('@openai/agents');\nconst a = new Agent({ name: 'A' });\n";
        assert_eq!(
            names(js, Lang::JavaScript),
            vec![("A".into(), "openai-agents", 2)]
        );
    }

    #[test]
    fn negatives() {
        // A class of the same file named `Agent`.
        let local = "from crewai import Task\nclass Agent:\n    def __init__(self, role): ...\nbot = Agent(role=\"x\")\n";
        assert!(agents(local, Lang::Python).is_empty());
        // A framework import shadowed by a local class.
        let shadow = "from crewai import Agent\nclass Agent:\n    pass\nbot = Agent(role=\"x\")\n";
        assert!(agents(shadow, Lang::Python).is_empty());
        // `Agent` from an unrelated module, and a bare `Agent` imported from nowhere.
        let unrelated = "from openai import OpenAI\nfrom myapp.core import Agent\nbot = Agent(name=\"x\", instructions=\"y\")\n";
        assert!(agents(unrelated, Lang::Python).is_empty());
        let bare = "import openai\nbot = Agent(name=\"x\")\n";
        assert!(agents(bare, Lang::Python).is_empty());
        // Type checks, hints and docstrings.
        let checks = "from crewai import Agent\ndef f(x: Agent) -> Agent:\n    \"\"\"Build with `Agent(role=\"r\", goal=\"g\")`.\"\"\"\n    if isinstance(x, Agent):\n        return x\n    # Agent(role=\"c\")\n";
        assert!(agents(checks, Lang::Python).is_empty());
        // A method named like a factory on some object.
        let method = "from langchain.agents import tool\nstudio.create_agent(name=\"x\")\nself.Agent(role=\"r\")\n";
        assert!(agents(method, Lang::Python).is_empty());
        // JS: a local `Agent` and one from an unrelated package.
        let js = "import { Agent } from './agent';\nimport OpenAI from 'openai';\nconst a = new Agent({ name: 'x' });\n";
        assert!(agents(js, Lang::TypeScript).is_empty());
        let js = "import { Agent } from 'https';\nimport OpenAI from 'openai';\nconst a = new Agent({ keepAlive: true });\n";
        assert!(agents(js, Lang::JavaScript).is_empty());
    }

    #[test]
    fn framework_trees_and_tests() {
        let src = "from crewai.agent import Agent\ndef helper():\n    return Agent(role=\"internal\", goal=\"g\")\n";
        // The framework's own tree builds agents for itself.
        let out = analyze_at(
            src,
            Lang::Python,
            "lib/crewai/src/crewai/utilities/helper.py",
        )
        .unwrap();
        assert!(out.agents.is_empty());
        // Maintainers' scripts shipped inside the package are still its own tree.
        let out = analyze_at(
            "from trl import SFTTrainer\n",
            Lang::Python,
            "trl/scripts/sft.py",
        )
        .unwrap();
        assert!(out.sdks.is_empty());
        // An example in a folder named like a package is the package's user.
        let src = "from agents import Agent, WebSearchTool\nsearch_agent = Agent(name=\"Search\", tools=[WebSearchTool()])\n";
        let out = analyze_at(src, Lang::Python, "examples/research_bot/agents/search.py").unwrap();
        assert_eq!(out.agents.len(), 1);
        assert_eq!(out.sdks.len(), 1);
        // Tests build fixtures.
        let src = "from crewai import Agent\nagent = Agent(role=\"r\", goal=\"g\")\n";
        let out = analyze_at(src, Lang::Python, "tests/test_agent.py").unwrap();
        assert!(out.agents.is_empty());
        let out = analyze_at(src, Lang::Python, "app/crew.py").unwrap();
        assert_eq!(out.agents.len(), 1);
    }

    #[test]
    fn every_api_name_passes_the_prefilter() {
        for api in super::APIS {
            for name in api.names {
                assert!(super::is_agent_name(name), "{name}");
            }
        }
        assert!(!super::is_agent_name("print"));
    }

    #[test]
    fn bounded_per_file() {
        let mut src = String::from("from crewai import Agent\n");
        for i in 0..80 {
            src.push_str(&format!("a{i} = Agent(role=\"r{i}\", goal=\"g\")\n"));
        }
        let out = analyze(&src, Lang::Python).unwrap();
        assert_eq!(out.agents.len(), super::MAX_AGENTS_PER_FILE);
        assert_eq!(out.agents_found, 80);
    }
}

//! Tools that give an agent code execution, a shell or unrestricted requests
//! (`CODE018`), judged on evidence rather than on a class name alone:
//!
//! - a class name is resolved through the imports: LangChain's `ShellTool` is a host
//!   shell, the OpenAI Agents SDK's `ShellTool` runs wherever its `environment` and
//!   `executor` say (a hosted container is not the host; a local environment or an
//!   executor of the same file that starts a shell is);
//! - a local code executor counts once it is handed to something (an agent, a tool,
//!   a team) or returned by a factory; a notebook that runs a code block through the
//!   executor itself gives nothing to an agent;
//! - a function of the same file that runs shell command strings (`os.system`,
//!   `shell=True`, `create_subprocess_shell`) counts when it is listed in `tools=`.

use super::{Walker, line_of, named_children};
use crate::rules;
use aispm_core::Severity;
use std::collections::HashSet;
use tree_sitter::Node;

/// LangChain (and compatible) tool classes that are a REPL or a host shell.
const LANGCHAIN_TOOLS: &[&str] = &[
    "PythonREPLTool",
    "PythonAstREPLTool",
    "PythonREPL",
    "ShellTool",
    "BashProcess",
];

/// Executors that run model-written code on the host.
const HOST_EXECUTORS: &[&str] = &["LocalCommandLineCodeExecutor"];

/// Toolkits of agent frameworks that run commands or code on the host.
const HOST_TOOLKITS: &[(&str, &str)] = &[
    ("agno.tools.shell", "ShellTools"),
    ("agno.tools.python", "PythonTools"),
    ("phi.tools.shell", "ShellTools"),
    ("phi.tools.python", "PythonTools"),
];

/// Whether a call (by resolved name) runs a command line through a shell on the host.
pub(super) fn is_shell_call(resolved: &str, shell_kw: bool) -> bool {
    super::SHELL_CALLS.contains(&resolved)
        || (shell_kw
            && resolved.starts_with("subprocess.")
            && matches!(
                resolved.rsplit('.').next().unwrap_or(""),
                "run" | "call" | "check_call" | "check_output" | "Popen"
            ))
}

impl<'s> Walker<'s> {
    /// Names of the functions and classes of this file that run shell command lines,
    /// and every callee of the file (read once, before the walk).
    pub(super) fn collect_shell_functions(&mut self, root: Node<'s>) {
        let mut found: HashSet<String> = HashSet::new();
        let mut cursor = root.walk();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if matches!(self.kind(n), "call" | "call_expression")
                && let Some(f) = self.callee(n)
            {
                let segs = self.segs(f);
                let resolved = self.resolve(&segs);
                if let Some(last) = segs.last() {
                    self.called.insert(format!(".{last}"));
                }
                self.called.insert(resolved.clone());
                let (_, kw) = self.args(n);
                let shell_kw = Self::kwarg(&kw, "shell").is_some_and(|v| self.is_literal_true(v));
                if is_shell_call(&resolved, shell_kw) {
                    let mut p = n.parent();
                    while let Some(a) = p {
                        if matches!(
                            self.kind(a),
                            "function_definition"
                                | "class_definition"
                                | "function_declaration"
                                | "method_definition"
                                | "class_declaration"
                        ) && let Some(name) = self.field(a, "name")
                        {
                            found.insert(self.text(name).to_string());
                        }
                        p = a.parent();
                    }
                }
            }
            stack.extend(n.named_children(&mut cursor));
        }
        self.shell_funcs = found;
    }

    /// Whether an expression names a same-file function or class that runs a shell:
    /// `run_shell`, `self._run`, `ShellExecutor()`.
    pub(super) fn names_shell_function(&self, n: Node<'s>) -> bool {
        let target = match self.kind(n) {
            "call" | "call_expression" => match self.callee(n) {
                Some(f) => f,
                None => return false,
            },
            _ => n,
        };
        let segs = self.segs(target);
        let name = match segs.as_slice() {
            [name] => *name,
            [recv, name] if matches!(*recv, "self" | "this" | "cls") => *name,
            _ => return false,
        };
        self.shell_funcs.contains(name)
    }

    /// `CODE018` for one call.
    pub(super) fn check_agent_tool(
        &mut self,
        call: Node<'s>,
        resolved: &str,
        last: &str,
        pos: &[Node<'s>],
        kw: &[(&'s str, Node<'s>)],
    ) {
        let rule = &rules::code018_dangerous_agent_tool::RULE;
        let arg0 = pos.first().copied();
        // Where the class came from: an import, or nowhere known (a star import or a
        // name of the same file): only LangChain's are judged by name.
        let origin = resolved.rsplit_once('.').map_or("", |(m, _)| m);
        let from_openai_agents = origin == "agents" || origin.starts_with("agents.");
        if matches!(last, "ShellTool" | "LocalShellTool") && from_openai_agents {
            self.openai_agents_shell(call, last, kw);
        } else if LANGCHAIN_TOOLS.contains(&last)
            && (origin.is_empty() || origin.starts_with("langchain"))
        {
            self.hit(
                rule,
                call,
                format!("`{last}` gives an agent a Python REPL or a host shell"),
                None,
            );
        } else if HOST_TOOLKITS
            .iter()
            .any(|(m, c)| last == *c && origin.starts_with(m))
        {
            self.hit(
                rule,
                call,
                format!("`{last}` lets an agent run commands or code on the host"),
                None,
            );
        } else if HOST_EXECUTORS.contains(&last) {
            self.host_executor(call, last);
        }
        let flag = |name: &str| Self::kwarg(kw, name).is_some_and(|v| self.is_literal_true(v));
        let dangerous_flag = (last == "CodeInterpreterTool" && flag("unsafe_mode"))
            || flag("allow_dangerous_code")
            || flag("allow_dangerous_requests")
            || (last == "load_tools"
                && arg0.is_some_and(|a| {
                    named_children(a).iter().any(|t| {
                        self.string_literal(*t).is_some_and(|s| {
                            matches!(s.as_str(), "terminal" | "python_repl" | "shell" | "bash")
                                || s.starts_with("requests")
                        })
                    })
                }))
            || Self::kwarg(kw, "code_execution_config").is_some_and(|c| {
                named_children(c).iter().any(|p| {
                    self.kind(*p) == "pair"
                        && self
                            .field(*p, "key")
                            .and_then(|k| self.string_literal(k))
                            .as_deref()
                            == Some("use_docker")
                        && self
                            .field(*p, "value")
                            .is_some_and(|v| self.is_literal_false(v))
                })
            });
        if dangerous_flag {
            self.hit(
                rule,
                call,
                format!("`{last}` gives an agent code execution, a shell or unrestricted requests"),
                None,
            );
        }
        // Same-file shell functions listed as an agent's tools.
        if let Some(tools) = Self::kwarg(kw, "tools")
            && matches!(self.kind(tools), "list" | "array" | "tuple")
        {
            for t in named_children(tools) {
                if matches!(
                    self.kind(t),
                    "identifier" | "attribute" | "member_expression"
                ) && self.names_shell_function(t)
                {
                    let name = self.text(t).to_string();
                    self.hit(
                        rule,
                        t,
                        format!(
                            "`{name}` runs shell command lines on the host and is given to an agent as a tool"
                        ),
                        None,
                    );
                }
            }
        }
        // A local executor held in a name counts once it is handed on.
        self.hand_on_pending(pos, kw);
    }

    /// The OpenAI Agents SDK's shell tools: reported when the environment is the local
    /// machine or the executor is a same-file function or class that starts a shell.
    fn openai_agents_shell(&mut self, call: Node<'s>, last: &str, kw: &[(&'s str, Node<'s>)]) {
        let env_type = Self::kwarg(kw, "environment").and_then(|e| {
            named_children(e).into_iter().find_map(|p| {
                (self.kind(p) == "pair"
                    && self
                        .field(p, "key")
                        .and_then(|k| self.string_literal(k))
                        .as_deref()
                        == Some("type"))
                .then(|| self.field(p, "value").and_then(|v| self.string_literal(v)))
                .flatten()
            })
        });
        let local_env = env_type.as_deref() == Some("local") || last == "LocalShellTool";
        let hosted = env_type
            .as_deref()
            .is_some_and(|t| t.starts_with("container"));
        let shell_executor =
            Self::kwarg(kw, "executor").is_some_and(|e| self.names_shell_function(e));
        if hosted || !(local_env || shell_executor) {
            return;
        }
        let approval = Self::kwarg(kw, "needs_approval").is_some_and(|v| self.is_literal_true(v));
        let (msg, sev) = if approval {
            (
                format!(
                    "`{last}` runs the agent's shell commands on this machine (each one needs approval)"
                ),
                Some(Severity::Medium),
            )
        } else {
            (
                format!("`{last}` runs the agent's shell commands on this machine"),
                None,
            )
        };
        self.hit(&rules::code018_dangerous_agent_tool::RULE, call, msg, sev);
    }

    /// A host code executor: reported where it is handed to a call or returned; held
    /// in a name, it waits until that name is handed on.
    fn host_executor(&mut self, call: Node<'s>, last: &str) {
        let mut parent = call.parent();
        while let Some(p) = parent {
            if matches!(
                self.kind(p),
                "await" | "await_expression" | "parenthesized_expression"
            ) {
                parent = p.parent();
            } else {
                break;
            }
        }
        let handed = match parent.map(|p| (p, self.kind(p))) {
            Some((_, "argument_list" | "arguments" | "keyword_argument" | "return_statement")) => {
                true
            }
            Some((p, "list" | "array" | "tuple" | "pair")) => p.parent().is_some_and(|g| {
                matches!(
                    self.kind(g),
                    "argument_list" | "arguments" | "keyword_argument" | "object"
                )
            }),
            Some((p, "assignment")) => {
                if let Some(l) = self.field(p, "left") {
                    self.pending.push((self.text(l).to_string(), call));
                }
                false
            }
            Some((p, "as_pattern")) => {
                if let Some(alias) = self.field(p, "alias") {
                    self.pending
                        .push((self.text(alias).trim().to_string(), call));
                }
                false
            }
            _ => false,
        };
        if handed {
            self.hit(
                &rules::code018_dangerous_agent_tool::RULE,
                call,
                format!("`{last}` runs model-written code on this machine, without a sandbox"),
                None,
            );
        }
    }

    /// Reports the pending executors whose names are arguments of this call.
    fn hand_on_pending(&mut self, pos: &[Node<'s>], kw: &[(&'s str, Node<'s>)]) {
        if self.pending.is_empty() {
            return;
        }
        let mut args: Vec<Node<'s>> = Vec::new();
        for a in pos.iter().copied().chain(kw.iter().map(|&(_, v)| v)) {
            if matches!(self.kind(a), "list" | "array" | "tuple") {
                args.extend(named_children(a));
            } else {
                args.push(a);
            }
        }
        for a in args {
            self.hand_on(a);
        }
    }

    /// Reports the pending executor named by `n`, if any (an argument or a return).
    pub(super) fn hand_on(&mut self, n: Node<'s>) {
        if !matches!(
            self.kind(n),
            "identifier" | "attribute" | "member_expression"
        ) {
            return;
        }
        let name = self.text(n);
        let Some(i) = self.pending.iter().position(|(p, _)| p == name) else {
            return;
        };
        let (_, ctor) = self.pending.swap_remove(i);
        let last = self
            .callee(ctor)
            .map(|f| self.segs(f).last().copied().unwrap_or("").to_string())
            .unwrap_or_default();
        let line = line_of(n);
        self.hit(
            &rules::code018_dangerous_agent_tool::RULE,
            ctor,
            format!(
                "`{last}` runs model-written code on this machine, without a sandbox (handed on at line {line})"
            ),
            None,
        );
    }
}

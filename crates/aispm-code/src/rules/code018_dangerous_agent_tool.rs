//! `CODE018`: tools that give an agent code execution, a shell or unrestricted
//! requests, judged on evidence rather than on a class name alone (the evidence is
//! read by `flow/tools.rs`):
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

use super::Weighing;
use crate::flow::{Call, Destination, Walker, line_of, named_children};
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};
use tree_sitter::Node;

/// CODE018: Agent given a code-execution, shell or unrestricted HTTP tool.
pub static RULE: Rule = Rule {
    id: "CODE018",
    name: "dangerous-agent-tool",
    title: "Agent given a code-execution, shell or unrestricted HTTP tool",
    category: Category::Code,
    severity: Severity::High,
    what: "Reports agent tools that execute code or commands on the host or make arbitrary requests. Classes are resolved through the imports: LangChain `PythonREPLTool`, `PythonAstREPLTool`, `PythonREPL`, `ShellTool`, `BashProcess`; agno `ShellTools` and `PythonTools`; the OpenAI Agents SDK's `ShellTool`/`LocalShellTool` only with a local environment (`environment={\"type\": \"local\"}`) or an executor of the same file that runs a shell (medium with `needs_approval=True`; hosted containers and stub executors are not the host). AutoGen's `LocalCommandLineCodeExecutor` once it is handed to an agent, a tool or a team, or returned by a factory (a notebook running a block through the executor itself gives nothing to an agent), and `use_docker=False`; CrewAI `CodeInterpreterTool(unsafe_mode=True)`; `load_tools` with `terminal`, `python_repl` or `requests_*`; `allow_dangerous_code=True`, `allow_dangerous_requests=True`; a function of the same file that runs shell command lines (`os.system`, `shell=True`, `create_subprocess_shell`) listed in `tools=`. Not reported in tests (a test exercises the tool against mock models); medium in examples and benchmark harnesses.",
    why: "An agent decides from its input which tools to call; with a REPL or shell, one injected instruction in a web page or e-mail is enough to run code or exfiltrate data (excessive agency).",
    example: "`tools = [PythonREPLTool(), ShellTool()]` passed to an agent that reads web pages.",
    remediation: "Give agents narrow tools with validated arguments; run code tools in a sandbox without credentials or network, and require human approval for side effects.",
    controls: &[
        LLM06,
        LLM05,
        ATLAS_T0053,
        ATLAS_M0026,
        ATLAS_M0028,
        ATLAS_M0029,
        NIST_MEASURE_2_7,
        EU_ART_14,
    ],
};

/// No finding in tests; at most medium in examples, where a demo of a host shell or
/// REPL tool shows the reader how to wire it.
pub(crate) const WEIGHING: Weighing = Weighing::HostToolDemo;

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

/// A Python call in a file using AI: a tool class, a toolkit or an executor, a
/// dangerous flag, same-file shell functions listed as tools, and held executors
/// handed on as arguments.
pub(crate) fn check<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    if !w.has_ai() {
        return;
    }
    let last = call.last;
    // Where the class came from: an import, or nowhere known (a star import or a
    // name of the same file): only LangChain's are judged by name.
    let origin = call.resolved.rsplit_once('.').map_or("", |(m, _)| m);
    let from_openai_agents = origin == "agents" || origin.starts_with("agents.");
    if matches!(last, "ShellTool" | "LocalShellTool") && from_openai_agents {
        openai_agents_shell(w, call);
    } else if LANGCHAIN_TOOLS.contains(&last)
        && (origin.is_empty() || origin.starts_with("langchain"))
    {
        w.hit(
            &RULE,
            call.node,
            format!("`{last}` gives an agent a Python REPL or a host shell"),
            None,
        );
    } else if HOST_TOOLKITS
        .iter()
        .any(|(m, c)| last == *c && origin.starts_with(m))
    {
        w.hit(
            &RULE,
            call.node,
            format!("`{last}` lets an agent run commands or code on the host"),
            None,
        );
    } else if HOST_EXECUTORS.contains(&last) {
        host_executor(w, call);
    }
    if dangerous_flag(w, call) {
        w.hit(
            &RULE,
            call.node,
            format!("`{last}` gives an agent code execution, a shell or unrestricted requests"),
            None,
        );
    }
    // Same-file shell functions listed as an agent's tools.
    if let Some(tools) = call.kwarg("tools")
        && matches!(w.kind(tools), "list" | "array" | "tuple")
    {
        for t in named_children(tools) {
            if matches!(w.kind(t), "identifier" | "attribute" | "member_expression")
                && w.names_shell_function(t)
            {
                let name = w.text(t).to_string();
                w.hit(
                    &RULE,
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
    for a in w.handed_arguments(call) {
        handed_on(w, a);
    }
}

/// A returned value: a held executor returned by a factory.
pub(crate) fn check_return<'s>(w: &mut Walker<'s>, value: Node<'s>) {
    handed_on(w, value);
}

/// `unsafe_mode`, `allow_dangerous_code`, `allow_dangerous_requests`, shell and REPL
/// tools loaded by name, AutoGen's `use_docker: False`.
fn dangerous_flag<'s>(w: &Walker<'s>, call: &Call<'s>) -> bool {
    let last = call.last;
    let flag = |name: &str| call.kwarg(name).is_some_and(|v| w.is_literal_true(v));
    (last == "CodeInterpreterTool" && flag("unsafe_mode"))
        || flag("allow_dangerous_code")
        || flag("allow_dangerous_requests")
        || (last == "load_tools"
            && call.arg0().is_some_and(|a| {
                named_children(a).iter().any(|t| {
                    w.string_literal(*t).is_some_and(|s| {
                        matches!(s.as_str(), "terminal" | "python_repl" | "shell" | "bash")
                            || s.starts_with("requests")
                    })
                })
            }))
        || call.kwarg("code_execution_config").is_some_and(|c| {
            named_children(c).iter().any(|p| {
                w.kind(*p) == "pair"
                    && w.field(*p, "key")
                        .and_then(|k| w.string_literal(k))
                        .as_deref()
                        == Some("use_docker")
                    && w.field(*p, "value").is_some_and(|v| w.is_literal_false(v))
            })
        })
}

/// The OpenAI Agents SDK's shell tools: reported when the environment is the local
/// machine or the executor is a same-file function or class that starts a shell.
fn openai_agents_shell<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    let last = call.last;
    let env_type = w.environment_type(call);
    let local_env = env_type.as_deref() == Some("local") || last == "LocalShellTool";
    let hosted = env_type
        .as_deref()
        .is_some_and(|t| t.starts_with("container"));
    let shell_executor = call
        .kwarg("executor")
        .is_some_and(|e| w.names_shell_function(e));
    if hosted || !(local_env || shell_executor) {
        return;
    }
    let approval = call
        .kwarg("needs_approval")
        .is_some_and(|v| w.is_literal_true(v));
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
    w.hit(&RULE, call.node, msg, sev);
}

/// A host code executor: reported where it is handed to a call or returned; held
/// in a name, it waits until that name is handed on.
fn host_executor<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    if w.follow_value(call.node) == Destination::Handed {
        let last = call.last;
        w.hit(
            &RULE,
            call.node,
            format!("`{last}` runs model-written code on this machine, without a sandbox"),
            None,
        );
    }
}

/// Reports the held executor `n` names, if any, where it was built.
fn handed_on<'s>(w: &mut Walker<'s>, n: Node<'s>) {
    let Some(ctor) = w.take_held(n) else {
        return;
    };
    let last = w.callee_last(ctor);
    let line = line_of(n);
    w.hit(
        &RULE,
        ctor,
        format!(
            "`{last}` runs model-written code on this machine, without a sandbox (handed on at line {line})"
        ),
        None,
    );
}

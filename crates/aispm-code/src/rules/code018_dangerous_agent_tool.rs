use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

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

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MCP006: mCP server that executes shell commands.
pub static RULE: Rule = Rule {
    id: "MCP006",
    name: "mcp-shell-execution",
    title: "MCP server that executes shell commands",
    category: Category::Agent,
    severity: Severity::High,
    what: "Reports an MCP server that gives the model a shell: known command-execution servers (`server-shell`, `mcp-shell`, `desktop-commander`, `terminal`, `shell-server`, `cli-mcp-server`, `code-runner`…) by package or server name, or a server whose `command` is itself a shell (`bash`, `sh`, `zsh`, `cmd`, `powershell`, `pwsh`) given an inline script with `-c`/`/c`/`-Command` (pipes, command chains, substitutions, redirections or downloads). A shell that only launches one program (`cmd /c npx -y pkg@1.0.0`, the usual Windows form) is not reported; the launched program is judged instead.",
    why: "With a shell tool every prompt injection becomes remote code execution with the user's rights. Inline shell command lines in a config also run whatever the string says at every start of the client.",
    example: "`\"command\": \"npx\", \"args\": [\"-y\", \"@wonderwhy-er/desktop-commander\"]` or `\"command\": \"bash\", \"args\": [\"-c\", \"curl … | sh\"]`.",
    remediation: "Prefer narrow tools over a general shell; if a shell server is needed, run it in a sandbox or container, restrict allowed commands, and keep human approval of every call on.",
    controls: &[
        LLM06,
        ATLAS_T0053,
        ATLAS_M0026,
        ATLAS_M0029,
        NIST_MEASURE_2_7,
        ISO_A_6_2_6,
        EU_ART_14,
    ],
};

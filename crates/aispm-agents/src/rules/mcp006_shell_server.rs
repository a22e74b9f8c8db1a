use crate::mcp::ServerView;
use crate::mcp::roles::tokens;
use crate::text::preview;
use aispm_core::framework::*;
use aispm_core::{AnalysisContext, Category, Rule, Severity};

/// MCP006: MCP server that executes shell commands.
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

/// Package and program names of servers that run commands for the model.
const SHELL_WORDS: &[&str] = &[
    "server-shell",
    "mcp-shell",
    "shell-mcp",
    "shell-server",
    "mcp-server-shell",
    "desktop-commander",
    "desktopcommander",
    "mcp-server-commands",
    "cli-mcp-server",
    "terminal-mcp",
    "mcp-terminal",
    "iterm-mcp",
    "code-runner",
    "mcp-run-command",
    "execute-command",
    "command-executor",
    "mcp-server-bash",
    "bash-mcp",
];

/// Shell programs.
const SHELLS: &[&str] = &[
    "bash",
    "sh",
    "zsh",
    "dash",
    "ksh",
    "fish",
    "cmd",
    "powershell",
    "pwsh",
];

/// Reports a server started by a shell with an inline script (`bash -c "… | sh"`), on
/// the script's line; else a server that is a command-execution server by its
/// identity or its name, on its package's (or its key's) line.
pub(crate) fn check(view: &ServerView, cx: &mut AnalysisContext) {
    let s = view.server;
    let (prog, args) = (&view.program, &view.args);
    let shell_pkg = SHELL_WORDS
        .iter()
        .find(|w| view.identity.contains(*w))
        .copied()
        .or_else(|| {
            tokens(&s.name.to_ascii_lowercase())
                .into_iter()
                .find(|t| matches!(*t, "shell" | "terminal" | "bash" | "exec" | "commander"))
                .map(|_| "server name")
        });
    let inline_script = if SHELLS.contains(&prog.as_str()) {
        args.iter()
            .position(|a| {
                matches!(
                    a.text.to_ascii_lowercase().as_str(),
                    "-c" | "/c" | "/k" | "-command" | "-encodedcommand" | "-lc"
                )
            })
            .and_then(|i| args.get(i + 1))
            .filter(|a| {
                a.text.contains(['|', ';', '>', '`'])
                    || a.text.contains("&&")
                    || a.text.contains("$(")
                    || a.text.contains("curl ")
                    || a.text.contains("wget ")
            })
    } else {
        None
    };
    if let Some(script) = inline_script {
        cx.report(
            view.finding(
                &RULE,
                script.line,
                format!(
                    "MCP server `{}` is started by a `{prog}` command line script",
                    view.name()
                ),
            )
            .evidence(format!("{prog} -c \"{}\"", preview(&script.text, 60)))
            .key(format!("{}:script", s.name)),
        );
    } else if let Some(w) = shell_pkg {
        let line = view.package.map_or(s.line, |p| p.line);
        cx.report(
            view.finding(
                &RULE,
                line,
                format!(
                    "MCP server `{}` gives the model a shell to run commands",
                    view.name()
                ),
            )
            .evidence(format!("command-execution server ({w})"))
            .key(format!("{}:shell", s.name)),
        );
    }
}

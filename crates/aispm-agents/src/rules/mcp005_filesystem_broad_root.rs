use crate::mcp::ServerView;
use crate::mcp::paths::is_broad_root;
use crate::text::preview;
use aispm_core::framework::*;
use aispm_core::{AnalysisContext, Category, Rule, Severity};

/// MCP005: filesystem MCP server given the whole disk or home folder.
pub static RULE: Rule = Rule {
    id: "MCP005",
    name: "mcp-filesystem-broad-root",
    title: "Filesystem MCP server given the whole disk or home folder",
    category: Category::Agent,
    severity: Severity::High,
    what: "Reports a filesystem MCP server (a package or server name containing `filesystem`, `file-system`, `server-fs`, `fs-mcp`, or a server named `fs`) given `/`, `~`, `$HOME`/`${HOME}`, `%USERPROFILE%`, `C:\\`, or a whole home folder (`/Users/<name>`, `/home/<name>`, `C:\\Users\\<name>`) as an allowed root. A folder below a home (`/Users/dev/projects`) is a project folder and is not reported.",
    why: "The model can read and write every file under the root: SSH and cloud keys, browser profiles, other projects, shell start-up files. A single prompt injection in a document or tool result is then enough to read credentials or plant code.",
    example: "`\"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem@2025.3.28\", \"/Users/alice\"]`.",
    remediation: "Give the server only the project folders it needs, read-only where possible; never the home folder or the root.",
    controls: &[
        LLM06,
        LLM02,
        ATLAS_M0026,
        ATLAS_M0028,
        ATLAS_T0086,
        NIST_MEASURE_2_7,
        ISO_A_6_2_6,
        EU_ART_14,
    ],
};

/// Words in a server's identity that make it a filesystem server.
const FS_WORDS: &[&str] = &[
    "filesystem",
    "file-system",
    "server-fs",
    "fs-mcp",
    "mcp-fs",
    "files-mcp",
];

/// Reports every argument of a filesystem server (by its identity, or a server named
/// `fs`) that is a broad root ([`is_broad_root`]), on the argument's line.
pub(crate) fn check(view: &ServerView, cx: &mut AnalysisContext) {
    let s = view.server;
    if !(FS_WORDS.iter().any(|w| view.identity.contains(w)) || s.name.eq_ignore_ascii_case("fs")) {
        return;
    }
    for a in &view.args {
        if is_broad_root(&a.text) {
            cx.report(
                view.finding(
                    &RULE,
                    a.line,
                    format!(
                        "Filesystem MCP server `{}` may read and write everything under `{}`",
                        view.name(),
                        preview(&a.text, 60)
                    ),
                )
                .evidence(format!("root {}", preview(&a.text, 60)))
                .key(format!("{}:{}", s.name, a.text)),
            );
        }
    }
}

//! `CODE020`: an MCP server the code starts through a package launcher without an
//! exact version (the servers and their command lines are read by `flow/mcp.rs`).

use super::Weighing;
use crate::flow::{Launch, Walker};
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};
use tree_sitter::Node;

/// CODE020: MCP server started from code with an unpinned package.
pub static RULE: Rule = Rule {
    id: "CODE020",
    name: "mcp-server-launched-unpinned",
    title: "MCP server started from code with an unpinned package",
    category: Category::Agent,
    severity: Severity::Medium,
    what: "Reports an MCP server that application code starts over stdio (`StdioServerParameters`, `MCPServerStdio`, `StdioClientTransport`, `MCPTools(command=…)`, a `{\"command\": …, \"args\": […]}` server map in a file using an MCP client) with `npx`, `bunx`, `pnpx`, `uvx` or `pipx run` and a package that has no exact version (`pkg`, `pkg@latest`, a range). The server is listed as an `mcp-server` asset either way; programs of the project itself (`python server.py`, `node dist/index.js`) are not reported.",
    why: "`npx -y pkg` and `uvx pkg` download and run whatever release the registry serves when the application starts, with the application's rights and the credentials in its environment. A compromised maintainer account or a malicious update runs in production without review.",
    example: "`StdioServerParameters(command=\"npx\", args=[\"-y\", \"@modelcontextprotocol/server-filesystem\", \"/data\"])`.",
    remediation: "Pin an exact version (`@modelcontextprotocol/server-filesystem@2025.3.28`, `mcp-server-fetch==2025.1.14`), or install the server as a locked dependency and start it from there.",
    controls: &[
        LLM03,
        ATLAS_T0010_005,
        ATLAS_T0109,
        ATLAS_M0014,
        NIST_MANAGE_3_1,
        NIST_GOVERN_6_1,
        ISO_A_10_3,
        EU_ART_15,
    ],
};

/// No finding in tests, low in examples.
pub(crate) const WEIGHING: Weighing = Weighing::Pinning;

/// A server launched at `at` (the call or the server map), the `server`-th of the file.
pub(crate) fn check<'s>(w: &mut Walker<'s>, at: Node<'s>, launch: &Launch, server: usize) {
    if launch.pinned {
        return;
    }
    let msg = match &launch.version {
        Some(v) => format!(
            "MCP server `{}` is started with `{}` at `{v}`, not an exact version",
            launch.package, launch.launcher
        ),
        None => format!(
            "MCP server `{}` is started with `{}` without a version: every start runs the newest release",
            launch.package, launch.launcher
        ),
    };
    w.hit_on_server(&RULE, at, msg, None, server);
}

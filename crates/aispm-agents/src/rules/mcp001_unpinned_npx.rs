use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MCP001: MCP server run with npx from an unpinned package.
///
/// Checked in `unpinned_launcher.rs` with MCP002: one matcher, the package a launcher fetches.
pub static RULE: Rule = Rule {
    id: "MCP001",
    name: "mcp-unpinned-npx",
    title: "MCP server run with npx from an unpinned package",
    category: Category::Agent,
    severity: Severity::Medium,
    what: "Reports an MCP server in a client configuration (Claude Desktop, Cursor, Windsurf, Cline, VS Code, Zed, project `.mcp.json`, Continue) that is started with `npx` and a package that has no exact version: a bare name, `pkg@latest` or another tag or range. `pkg@1.2.3` and `@scope/pkg@1.2.3` are pinned. npx flags (`-y`, `--yes`, `-p`/`--package`) are skipped to find the package; the finding is on the line of the package argument.",
    why: "`npx -y pkg` downloads and runs whatever version the registry serves at every start of the client, with the user's rights and the credentials in the server's environment. A compromised maintainer account, a hijacked package or a malicious update (a rug pull) runs code on the developer's machine the next time the editor starts, without review.",
    example: "`\"command\": \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \"/Users/dev/projects\"]` or `\"@playwright/mcp@latest\"`.",
    remediation: "Pin an exact version (`@modelcontextprotocol/server-filesystem@2025.3.28`), review upgrades like any dependency update, and prefer a locked local install for servers used every day.",
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

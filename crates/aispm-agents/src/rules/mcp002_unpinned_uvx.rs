use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MCP002: MCP server run with uvx or pipx from an unpinned package.
///
/// Checked in `unpinned_launcher.rs` with MCP001: one matcher, the package a launcher fetches.
pub static RULE: Rule = Rule {
    id: "MCP002",
    name: "mcp-unpinned-uvx",
    title: "MCP server run with uvx or pipx from an unpinned package",
    category: Category::Agent,
    severity: Severity::Medium,
    what: "Reports an MCP server started with `uvx` or `pipx run` whose package has no exact version: neither `pkg==1.2.3`, `pkg@1.2.3`, nor `--from pkg==1.2.3`. Options of uvx and pipx are skipped to find the package; the finding is on the line of the package argument.",
    why: "`uvx pkg` resolves the newest release from PyPI each time the cache is refreshed and runs it with the user's rights. A malicious or compromised release reaches every developer whose client starts the server, without review.",
    example: "`\"command\": \"uvx\", \"args\": [\"mcp-server-fetch\"]`.",
    remediation: "Pin an exact version (`mcp-server-fetch==2025.1.14` or `--from mcp-server-fetch==2025.1.14`) and review upgrades.",
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

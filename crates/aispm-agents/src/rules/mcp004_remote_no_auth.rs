use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MCP004: remote MCP server with no authentication configured.
pub static RULE: Rule = Rule {
    id: "MCP004",
    name: "mcp-remote-no-auth",
    title: "Remote MCP server with no authentication configured",
    category: Category::Agent,
    severity: Severity::Low,
    what: "Reports a remote MCP server (`url` over `https://`, not loopback) whose configuration carries no authentication: no `Authorization`, API-key or token header, no `oauth`/`auth` block. Servers that present themselves as documentation (`docs`, `documentation` or `knowledge` as a word of their name or URL) are public and anonymous by design and are not reported; findings on a server marked `\"disabled\": true` (by this and the other MCP rules) are low and say so. Clients that negotiate OAuth on their own may be fine; the finding is low severity and asks for a check.",
    why: "An MCP endpoint that accepts anonymous calls exposes its tools to anyone who finds the URL, and a client talking to it cannot tell it from an impostor; a tampered endpoint can poison tool descriptions and results.",
    example: "`\"tickets\": {\"type\": \"sse\", \"url\": \"https://tickets.example.org/sse\"}`.",
    remediation: "Require authentication on the server (OAuth 2.1 as the MCP specification describes, or a token header taken from `${input:…}` or `${env:…}`), and configure it in the client.",
    controls: &[
        LLM06,
        ATLAS_T0049,
        ATLAS_M0019,
        NIST_MEASURE_2_7,
        ISO_A_6_2_6,
        EU_ART_15,
    ],
};

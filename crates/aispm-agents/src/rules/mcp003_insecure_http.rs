use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MCP003: remote MCP server over plain HTTP.
pub static RULE: Rule = Rule {
    id: "MCP003",
    name: "mcp-insecure-http",
    title: "Remote MCP server over plain HTTP",
    category: Category::Agent,
    severity: Severity::High,
    what: "Reports an MCP server whose `url` (or `serverUrl`) uses plain `http://` to a host that is not loopback (`localhost`, `127.0.0.0/8`, `::1`, `0.0.0.0`). Private addresses are reported too: a LAN or VPN is not a trust boundary. The finding is on the URL's line.",
    why: "Tool calls, tool results and any bearer token travel in clear text: anyone on the path can read the data the agent sends and, worse, rewrite tool descriptions and results to inject instructions into the model.",
    example: "`\"url\": \"http://kb.internal.example.net:8080/sse\"`.",
    remediation: "Serve the MCP endpoint over HTTPS (TLS) and use `https://` in the client configuration; keep plain HTTP for loopback development servers only.",
    controls: &[
        LLM02,
        LLM01,
        ATLAS_T0024,
        ATLAS_M0012,
        NIST_MEASURE_2_7,
        ISO_A_6_2_6,
        EU_ART_15,
    ],
};

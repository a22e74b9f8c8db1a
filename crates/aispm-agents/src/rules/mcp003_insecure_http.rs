use crate::mcp::ServerView;
use crate::mcp::url::{display_url, is_loopback, is_reference, parse_url};
use crate::text::preview;
use aispm_core::framework::*;
use aispm_core::{AnalysisContext, Category, Rule, Severity};

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

/// Reports every URL the server is reached at (its endpoint and `http://` arguments)
/// that uses plain HTTP to a host that is not loopback, on the URL's line. A host that
/// is a variable reference is not judged.
pub(crate) fn check(view: &ServerView, cx: &mut AnalysisContext) {
    for u in view.urls() {
        let Some(p) = parse_url(&u.text) else {
            continue;
        };
        if p.host.is_empty() || is_reference(p.host) || p.scheme != "http" || is_loopback(p.host) {
            continue;
        }
        let shown = display_url(&u.text);
        cx.report(
            view.finding(
                &RULE,
                u.line,
                format!(
                    "MCP server `{}` is reached over plain HTTP at {}",
                    view.name(),
                    preview(p.host, 80)
                ),
            )
            .evidence(shown.clone())
            .key(format!("{}:{shown}", view.server.name)),
        );
    }
}

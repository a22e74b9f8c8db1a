use crate::mcp::ServerView;
use crate::mcp::config::Server;
use crate::mcp::url::{display_url, is_loopback, is_reference, parse_url};
use crate::text::preview;
use aispm_core::framework::*;
use aispm_core::{AnalysisContext, Category, Rule, Severity};

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

/// Reports a server whose endpoint is an `https://` URL to a host that is not loopback,
/// with no authentication configured ([`has_auth`]), no key or token in the query, and
/// that does not present itself as documentation ([`documentation_server`]), on the
/// URL's line.
pub(crate) fn check(view: &ServerView, cx: &mut AnalysisContext) {
    let s = view.server;
    for u in view.urls() {
        let Some(p) = parse_url(&u.text) else {
            continue;
        };
        if p.host.is_empty() || is_reference(p.host) {
            continue;
        }
        let is_endpoint = s
            .url
            .as_ref()
            .is_some_and(|x| x.line == u.line && x.text == u.text);
        let query = p.rest.to_ascii_lowercase();
        let query_auth = query.contains("key=") || query.contains("token=");
        if is_endpoint
            && p.scheme == "https"
            && !is_loopback(p.host)
            && !has_auth(s)
            && !query_auth
            && !documentation_server(s, &u.text)
        {
            let shown = display_url(&u.text);
            cx.report(
                view.finding(
                    &RULE,
                    u.line,
                    format!(
                        "Remote MCP server `{}` at {} has no authentication configured",
                        view.name(),
                        preview(p.host, 80)
                    ),
                )
                .evidence(shown.clone())
                .key(format!("{}:{shown}", s.name)),
            );
        }
    }
}

/// Whether a server carries authentication: an auth block, or a header whose name
/// speaks of a key, token, cookie, secret or authorization.
fn has_auth(s: &Server) -> bool {
    s.auth_block
        || s.header_names.iter().any(|h| {
            let h = h.to_ascii_lowercase();
            h.contains("auth")
                || h.contains("key")
                || h.contains("token")
                || h.contains("cookie")
                || h.contains("secret")
        })
}

/// Whether a remote server presents itself as documentation (its name or its URL
/// says `docs`, `documentation` or `knowledge`): public reference endpoints are
/// anonymous by design and hold nothing to protect, so no authentication is no finding.
fn documentation_server(s: &Server, url: &str) -> bool {
    let words = |t: &str| {
        t.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "docs" | "doc" | "documentation" | "knowledge"))
    };
    words(&s.name) || words(url)
}

use crate::mcp::ServerRoles;
use crate::mcp::roles::Roles;
use crate::text::preview;
use aispm_core::framework::*;
use aispm_core::{AnalysisContext, Category, RawFinding, Rule, Severity};
use std::collections::BTreeSet;

/// MCP008: MCP servers combine untrusted input, private data and an outbound channel.
pub static RULE: Rule = Rule {
    id: "MCP008",
    name: "mcp-toxic-combination",
    title: "MCP servers combine untrusted input, private data and an outbound channel",
    category: Category::Agent,
    severity: Severity::Medium,
    what: "Reports a client configuration whose servers together form the \"lethal trifecta\": one that ingests untrusted content (fetch, browser, web search, mail, issues, chat), one that reads private data (filesystem, databases, GitHub, drives, memory) and one that can send data out (fetch, HTTP, mail, chat, GitHub). One finding per configuration file names the three servers (on the first one's line); a server can fill several roles but three roles need at least two servers.",
    why: "A prompt injection planted in untrusted content (a web page, an issue, an e-mail) can make the agent read private data with one tool and send it out with another. Each server alone is reasonable; the combination is an exfiltration path.",
    example: "`fetch` (untrusted web content and outbound requests) with `filesystem` on the home folder and `github`.",
    remediation: "Split the servers across separate agent profiles or workspaces, keep human approval on for outbound tools, and restrict what the private-data servers can reach.",
    controls: &[
        LLM01,
        LLM06,
        LLM02,
        ATLAS_T0051_001,
        ATLAS_T0086,
        ATLAS_M0032,
        ATLAS_M0029,
        NIST_MEASURE_2_7,
        ISO_A_6_2_6,
        EU_ART_14,
    ],
};

/// Servers of a file considered for a combination (the first ones, in file order).
const MAX_CONSIDERED: usize = 60;

/// Reports one combination per file: a server reading untrusted input, one holding
/// private data and one sending data out, three distinct servers where there are
/// (else two playing the three roles), on the first of their lines.
pub(crate) fn check(path: &str, servers: &[ServerRoles], cx: &mut AnalysisContext) {
    // Candidates per role, the servers with fewer other roles first, so that a pure
    // ingestion source is named as the untrusted input rather than, say, GitHub.
    let pick = |f: fn(&Roles) -> bool| -> Vec<usize> {
        let mut v: Vec<(usize, &ServerRoles)> = servers
            .iter()
            .enumerate()
            .take(MAX_CONSIDERED)
            .filter(|(_, s)| f(&s.roles))
            .collect();
        v.sort_by_key(|(_, s)| s.roles.count());
        v.into_iter().map(|(i, _)| i).collect()
    };
    let untrusted = pick(|r| r.untrusted);
    let private = pick(|r| r.private);
    let outbound = pick(|r| r.outbound);
    let mut best: Option<(usize, usize, usize)> = None;
    'outer: for &a in &untrusted {
        for &b in &private {
            for &c in &outbound {
                let distinct = [a, b, c].iter().collect::<BTreeSet<_>>().len();
                if distinct == 3 {
                    best = Some((a, b, c));
                    break 'outer;
                }
                if distinct == 2 && best.is_none() {
                    best = Some((a, b, c));
                }
            }
        }
    }
    let Some((a, b, c)) = best else { return };
    let (a, b, c) = (servers[a].server, servers[b].server, servers[c].server);
    let names = [&a.name, &b.name, &c.name].map(|n| preview(n, 40));
    let line = a.line.min(b.line).min(c.line);
    cx.report(
        RawFinding::new(
            &RULE,
            path,
            format!(
                "MCP servers `{}` (untrusted input), `{}` (private data) and `{}` (outbound channel) together let an injected instruction exfiltrate data",
                names[0], names[1], names[2]
            ),
        )
        .line(line)
        .evidence(format!(
            "untrusted input: {}; private data: {}; outbound: {}",
            names[0], names[1], names[2]
        ))
        .key(format!("toxic:{}:{}:{}", names[0], names[1], names[2]))
        .property("servers", names.to_vec()),
    );
}

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MCP008: mCP servers combine untrusted input, private data and an outbound channel.
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

//! `SEC101`: a credential in an MCP client or coding-agent configuration, reported in
//! addition to the secret finding itself.

use crate::findings::Leak;
use aispm_core::framework::*;
use aispm_core::{Category, RawFinding, Rule, Severity};

/// SEC101: a credential is written into an MCP or AI agent configuration.
pub static RULE: Rule = Rule {
    id: "SEC101",
    name: "credential-in-agent-config",
    title: "Credential written into an MCP or AI agent configuration",
    category: Category::Access,
    severity: Severity::High,
    what: "Reports each secret found in an MCP client or coding-agent configuration: \
`mcp.json`, `.mcp.json`, `claude_desktop_config.json`, `.cursor/mcp.json`, \
`.vscode/mcp.json`, Windsurf, Cline, Continue, Gemini CLI, Codex and Claude Code settings, \
and any JSON, YAML or TOML file declaring `mcpServers`. This comes in addition to the \
secret finding itself; the `ai_credential` property says whether the credential is an AI \
service's.",
    why: "Agent configurations are read by the agent and passed to the tool servers it \
starts (`env` blocks), are copied between machines and projects, and are a known target \
of credential harvesting from AI agent configuration; a key there is exposed to every \
tool the agent runs, not only to the service it is meant for.",
    example: "`\"env\": {\"OPENAI_API_KEY\": \"sk-proj-…\"}` under a server in `.mcp.json`.",
    remediation: "Reference the credential instead of writing it (`\"${env:OPENAI_API_KEY}\"`, \
an input prompt, or the OS keychain), rotate the exposed key, and give each MCP server \
only the credentials it needs.",
    controls: &[
        LLM02,
        LLM06,
        ATLAS_T0083,
        ATLAS_T0055,
        ATLAS_M0026,
        ATLAS_M0028,
        NIST_MEASURE_2_7,
        EU_ART_15,
    ],
};

/// MCP client and coding-agent configuration files, by name, or by an `mcpServers`
/// table in a JSON, YAML or TOML file.
pub(crate) fn is_agent_config(path: &str, head: &[u8]) -> bool {
    let inner = path.rsplit('!').next().unwrap_or(path).replace('\\', "/");
    let lower = inner.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    const NAMES: &[&str] = &[
        "mcp.json",
        ".mcp.json",
        "claude_desktop_config.json",
        "mcp_config.json",
        "mcp_settings.json",
        "cline_mcp_settings.json",
        ".claude.json",
    ];
    const PATHS: &[&str] = &[
        ".cursor/mcp.json",
        ".vscode/mcp.json",
        ".claude/settings.json",
        ".claude/settings.local.json",
        ".gemini/settings.json",
        ".codex/config.toml",
        ".continue/config.json",
        ".continue/config.yaml",
        ".windsurf/mcp_config.json",
        ".codeium/windsurf/mcp_config.json",
        ".roo/mcp.json",
        ".kiro/settings/mcp.json",
        ".amazonq/mcp.json",
    ];
    if NAMES.contains(&name) || PATHS.iter().any(|p| lower.ends_with(p)) {
        return true;
    }
    let ext = name.rsplit('.').next().unwrap_or("");
    matches!(ext, "json" | "jsonc" | "yaml" | "yml" | "toml")
        && [&b"mcpServers"[..], b"mcp_servers", b"\"context_servers\""]
            .iter()
            .any(|k| memchr::memmem::find(head, k).is_some())
}

/// The finding for a detection in an agent configuration (`agent_config`, from
/// [`is_agent_config`]).
pub(crate) fn check(leak: &Leak<'_>, agent_config: bool) -> Option<RawFinding> {
    if !agent_config {
        return None;
    }
    let d = leak.d;
    let what = if d.detector.ai {
        "AI credential"
    } else {
        "credential"
    };
    Some(leak.finding(
        &RULE,
        format!(
            "{what} ({}) `{}` written into an agent configuration{}",
            d.detector.title,
            d.redacted,
            leak.place()
        ),
        format!("agent:{}", d.fingerprint_key()),
    ))
}

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

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

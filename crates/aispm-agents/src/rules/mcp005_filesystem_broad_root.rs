use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MCP005: filesystem MCP server given the whole disk or home folder.
pub static RULE: Rule = Rule {
    id: "MCP005",
    name: "mcp-filesystem-broad-root",
    title: "Filesystem MCP server given the whole disk or home folder",
    category: Category::Agent,
    severity: Severity::High,
    what: "Reports a filesystem MCP server (a package or server name containing `filesystem`, `file-system`, `server-fs`, `fs-mcp`, or a server named `fs`) given `/`, `~`, `$HOME`/`${HOME}`, `%USERPROFILE%`, `C:\\`, or a whole home folder (`/Users/<name>`, `/home/<name>`, `C:\\Users\\<name>`) as an allowed root. A folder below a home (`/Users/dev/projects`) is a project folder and is not reported.",
    why: "The model can read and write every file under the root: SSH and cloud keys, browser profiles, other projects, shell start-up files. A single prompt injection in a document or tool result is then enough to read credentials or plant code.",
    example: "`\"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem@2025.3.28\", \"/Users/alice\"]`.",
    remediation: "Give the server only the project folders it needs, read-only where possible; never the home folder or the root.",
    controls: &[
        LLM06,
        LLM02,
        ATLAS_M0026,
        ATLAS_M0028,
        ATLAS_T0086,
        NIST_MEASURE_2_7,
        ISO_A_6_2_6,
        EU_ART_14,
    ],
};

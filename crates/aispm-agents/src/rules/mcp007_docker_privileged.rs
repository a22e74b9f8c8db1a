use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MCP007: mCP server container run privileged or with the host root mounted.
pub static RULE: Rule = Rule {
    id: "MCP007",
    name: "mcp-docker-privileged",
    title: "MCP server container run privileged or with the host root mounted",
    category: Category::Agent,
    severity: Severity::High,
    what: "Reports an MCP server started with `docker`/`podman run` and `--privileged`, `--pid=host`, `--network=host` together with a root mount, `--cap-add=SYS_ADMIN`/`ALL`, or a bind mount of the host's `/`, the Docker socket or a home folder (`-v /:/host`, `--mount type=bind,source=/`).",
    why: "A container is only a boundary when it is confined. A privileged container or one with the host root or the Docker socket mounted gives the server, and any prompt injection that drives it, full control of the host.",
    example: "`\"command\": \"docker\", \"args\": [\"run\", \"-i\", \"--rm\", \"--privileged\", \"-v\", \"/:/host\", \"mcp/tools\"]`.",
    remediation: "Run MCP servers unprivileged, with only the folders they need mounted (read-only where possible), no Docker socket, and dropped capabilities.",
    controls: &[
        LLM06,
        ATLAS_M0026,
        ATLAS_M0032,
        NIST_MEASURE_2_7,
        ISO_A_6_2_6,
        EU_ART_15,
    ],
};

use crate::mcp::ServerView;
use crate::mcp::paths::is_broad_root;
use crate::text::preview;
use aispm_core::framework::*;
use aispm_core::{AnalysisContext, Category, Rule, Severity};

/// MCP007: MCP server container run privileged or with the host root mounted.
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

/// Reports every option of a `docker`/`podman`/`nerdctl run` command line that gives
/// the container the host: `--privileged`, the capabilities `ALL` or `SYS_ADMIN`, the
/// host's PID namespace, a mount of a dangerous host path ([`dangerous_mount`]), on the
/// option's line.
pub(crate) fn check(view: &ServerView, cx: &mut AnalysisContext) {
    let s = view.server;
    let (prog, args) = (&view.program, &view.args);
    if !(matches!(prog.as_str(), "docker" | "podman" | "nerdctl")
        && args.iter().any(|a| a.text == "run"))
    {
        return;
    }
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        let next = args.get(i + 1).map(|n| n.text.as_str()).unwrap_or("");
        let mut problem: Option<String> = None;
        if a == "--privileged" || a == "--privileged=true" {
            problem = Some("--privileged".into());
        } else if a == "--cap-add"
            && matches!(next.to_ascii_uppercase().as_str(), "ALL" | "SYS_ADMIN")
            || a.eq_ignore_ascii_case("--cap-add=all")
            || a.eq_ignore_ascii_case("--cap-add=sys_admin")
        {
            problem = Some(format!(
                "capability {}",
                if next.is_empty() || a.contains('=') {
                    a
                } else {
                    next
                }
            ));
        } else if a == "--pid=host" || (a == "--pid" && next == "host") {
            problem = Some("--pid=host".into());
        } else if a == "-v" || a == "--volume" || a.starts_with("--volume=") || a.starts_with("-v=")
        {
            let spec = a.split_once('=').map_or(next, |x| x.1);
            let src = spec.split(':').next().unwrap_or("");
            if dangerous_mount(src) {
                problem = Some(format!("mount of {}", preview(src, 60)));
            }
        } else if a == "--mount" || a.starts_with("--mount=") {
            let spec = a.strip_prefix("--mount=").unwrap_or(next);
            for kv in spec.split(',') {
                if let Some((k, v)) = kv.split_once('=')
                    && matches!(k, "source" | "src")
                    && dangerous_mount(v)
                {
                    problem = Some(format!("mount of {}", preview(v, 60)));
                }
            }
        }
        if let Some(p) = problem {
            cx.report(
                view.finding(
                    &RULE,
                    args[i].line,
                    format!(
                        "MCP server `{}` runs in a container with {p}: it controls the host",
                        view.name()
                    ),
                )
                .evidence(p.clone())
                .key(format!("{}:{p}", s.name)),
            );
        }
        i += 1;
    }
}

/// Host paths whose mount hands over the host: the root, the Docker socket, a home or
/// other broad root, `/etc`, `/var/run`.
fn dangerous_mount(src: &str) -> bool {
    let s = src.trim();
    s == "/" || s.ends_with("docker.sock") || is_broad_root(s) || s == "/etc" || s == "/var/run"
}

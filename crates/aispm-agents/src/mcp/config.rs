//! Client configurations in JSON, recognised by content: the servers under
//! `mcpServers` (Claude Desktop, Cursor, Windsurf, Cline, Claude Code `.mcp.json`, also
//! nested per project as in `.claude.json`), `servers` whose entries have a `command` or
//! `url` (VS Code `mcp.json` and `settings.json` under `mcp`), `context_servers` (Zed)
//! and Continue's JSON list, read into [`Server`]s with the line of every value.

use crate::json::{Node, Value};

/// Servers examined per file; the ones past it are counted and reported as a limit.
pub const MAX_SERVERS: usize = 1_000;

/// A string with the line it is on.
#[derive(Debug, Clone)]
pub struct Arg {
    pub text: String,
    pub line: u32,
}

/// One server of a client configuration.
#[derive(Debug, Clone, Default)]
pub struct Server {
    pub name: String,
    pub line: u32,
    /// The configuration key the server was found under.
    pub section: String,
    pub command: Option<Arg>,
    pub args: Vec<Arg>,
    pub url: Option<Arg>,
    pub transport_type: Option<String>,
    pub env_names: Vec<String>,
    pub header_names: Vec<String>,
    /// An `oauth`/`auth` block or similar.
    pub auth_block: bool,
    /// `"disabled": true`: the client does not start it until the user enables it.
    pub disabled: bool,
}

fn arg(n: &Node) -> Option<Arg> {
    n.as_str().map(|s| Arg {
        text: s.to_string(),
        line: n.line,
    })
}

fn looks_like_server(n: &Node) -> bool {
    n.is_object()
        && [
            "command",
            "url",
            "serverUrl",
            "httpUrl",
            "type",
            "transport",
        ]
        .iter()
        .any(|k| n.get(k).is_some())
}

fn server_from(name: &str, line: u32, section: &str, n: &Node) -> Server {
    let mut s = Server {
        name: name.to_string(),
        line,
        section: section.to_string(),
        disabled: n
            .get("disabled")
            .is_some_and(|d| matches!(d.value, Value::Bool(true))),
        ..Server::default()
    };
    let mut cmd_node = n;
    match n.get("command") {
        Some(c) if c.is_object() => {
            // Zed: "command": {"path": …, "args": […], "env": {…}}
            s.command = c.get("path").and_then(arg);
            cmd_node = c;
        }
        Some(c) => s.command = arg(c),
        None => {}
    }
    if let Some(args) = cmd_node.get("args").or_else(|| n.get("args")) {
        s.args = args.items().iter().filter_map(arg).collect();
    }
    s.url = ["url", "serverUrl", "httpUrl", "uri", "endpoint"]
        .iter()
        .find_map(|k| n.get(k).and_then(arg));
    s.transport_type = ["type", "transport"]
        .iter()
        .find_map(|k| n.get(k))
        .and_then(|t| t.as_str().or_else(|| t.get("type").and_then(Node::as_str)))
        .map(str::to_ascii_lowercase);
    let env = cmd_node.get("env").or_else(|| n.get("env"));
    if let Some(env) = env {
        s.env_names = env.entries().iter().map(|e| e.key.clone()).collect();
    }
    if let Some(h) = n
        .get("headers")
        .or_else(|| n.get("requestInit").and_then(|r| r.get("headers")))
    {
        s.header_names = h.entries().iter().map(|e| e.key.clone()).collect();
    }
    s.auth_block = n.entries().iter().any(|e| {
        let k = e.key.to_ascii_lowercase();
        matches!(
            k.as_str(),
            "oauth"
                | "auth"
                | "authorization"
                | "authprovider"
                | "authentication"
                | "bearer_token"
                | "bearertoken"
                | "apikey"
                | "api_key"
                | "token"
        )
    });
    s
}

/// The servers of a client configuration, and those past [`MAX_SERVERS`], counted
/// and not examined.
#[derive(Debug, Default)]
pub struct Found {
    pub servers: Vec<Server>,
    pub omitted: usize,
}

fn servers_in(node: &Node, section: &str, out: &mut Found) {
    match &node.value {
        Value::Object(entries) => {
            for e in entries {
                if looks_like_server(&e.node) {
                    if out.servers.len() >= MAX_SERVERS {
                        out.omitted += 1;
                        continue;
                    }
                    out.servers
                        .push(server_from(&e.key, e.key_line, section, &e.node));
                }
            }
        }
        Value::Array(items) => {
            // Continue's JSON form: a list of servers with a `name`.
            for item in items {
                if looks_like_server(item) {
                    if out.servers.len() >= MAX_SERVERS {
                        out.omitted += 1;
                        continue;
                    }
                    let name = item.get("name").and_then(Node::as_str).unwrap_or("");
                    out.servers
                        .push(server_from(name, item.line, section, item));
                }
            }
        }
        _ => {}
    }
}

/// Finds the servers of a client configuration (up to a few levels deep).
pub fn find_servers(root: &Node) -> Found {
    let mut out = Found::default();
    walk(root, 0, &mut out);
    out
}

fn walk(n: &Node, depth: usize, out: &mut Found) {
    if depth > 4 {
        return;
    }
    for e in n.entries() {
        match e.key.as_str() {
            "mcpServers" | "mcp_servers" | "context_servers" | "modelContextProtocolServers" => {
                servers_in(&e.node, &e.key, out)
            }
            // VS Code: only entries that look like servers.
            "servers" if e.node.entries().iter().any(|s| looks_like_server(&s.node)) => {
                servers_in(&e.node, &e.key, out)
            }
            _ if e.node.is_object() => walk(&e.node, depth + 1, out),
            _ => {}
        }
    }
}

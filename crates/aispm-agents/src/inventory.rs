//! Inventory of prompt files and agent configurations, recognised cheaply and
//! precisely:
//!
//! - `prompt` assets: `*.prompt` and `*.prompty` files; text or template files in a
//!   `prompts/` (or `prompt/`, `system_prompts/`) folder; files whose name contains
//!   `system_prompt`/`system-prompt`; and `.md`/`.txt` files whose first line starts
//!   like a system prompt ("You are a …", "You are an …").
//! - `agent` assets: CrewAI `agents.yaml` entries (top-level keys whose direct children
//!   are `role` and `goal`, with `backstory`), LangGraph
//!   `langgraph.json` graphs, AutoGen `OAI_CONFIG_LIST` model lists, and OpenAI
//!   Assistants/Agents JSON definitions (`instructions` with `tools` or `model`).
//! - `mcp-server` assets for MCP server implementations in code, one per server:
//!   Python `FastMCP("name")`/`MCPServer("name")` and `Server("name")` from
//!   `mcp.server`, JS/TS `new McpServer({ name: … })` (or `Server`/`FastMCP` from an
//!   MCP SDK), with the number of tools the file registers.

use crate::json::{Node, Value};
use crate::poison::lexer::{js_string, python_string, skip_trivia};
use crate::poison::python::tool_decorator;
use crate::poison::script::tool_call;
use crate::text::preview;
use aispm_core::{AnalysisContext, Asset, AssetKind, ErrorKind};
use regex::Regex;
use std::sync::OnceLock;

const PROMPT_EXTS: &[&str] = &[
    "md", "txt", "text", "prompt", "prompty", "j2", "jinja", "jinja2", "tmpl", "tpl", "mustache",
    "hbs", "yaml", "yml", "json", "xml", "",
];

fn first_line(text: &str) -> &str {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// Why a file is a prompt, if it is one.
pub fn prompt_reason(path: &str, ext: &str, text: &str) -> Option<&'static str> {
    let inner = path.rsplit('!').next().unwrap_or(path).replace('\\', "/");
    let lower = inner.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if matches!(ext, "prompt" | "prompty") {
        return Some("prompt file extension");
    }
    if !PROMPT_EXTS.contains(&ext) {
        return None;
    }
    if name.contains("system_prompt")
        || name.contains("system-prompt")
        || name.contains("systemprompt")
    {
        return Some("system prompt by name");
    }
    let dirs: Vec<&str> = lower.split('/').collect();
    if dirs.len() > 1
        && dirs[..dirs.len() - 1].iter().any(|d| {
            matches!(
                *d,
                "prompts"
                    | "prompt"
                    | "system_prompts"
                    | "system-prompts"
                    | "prompt_templates"
                    | "prompt-templates"
            )
        })
        && !name.starts_with("readme")
    {
        return Some("in a prompts folder");
    }
    if matches!(ext, "md" | "txt") {
        let first = first_line(text)
            .trim_start_matches('#')
            .trim_start()
            .to_ascii_lowercase();
        let opens = first.starts_with("you are a ")
            || first.starts_with("you are an ")
            || first.starts_with("you're a ");
        let padded = format!(" {first} ");
        let about_a_model = [
            "assistant",
            " ai ",
            " ai.",
            "agent",
            "bot",
            "model",
            "helpful",
            "expert",
            "gpt",
        ]
        .iter()
        .any(|w| padded.contains(w));
        if opens && about_a_model {
            return Some("starts like a system prompt");
        }
    }
    None
}

/// Adds a `prompt` asset when the file is a prompt; returns whether it is.
pub fn prompt_file(path: &str, ext: &str, text: &str, cx: &mut AnalysisContext) -> bool {
    let Some(reason) = prompt_reason(path, ext, text) else {
        return false;
    };
    let mut a = Asset::new(
        AssetKind::Prompt,
        path,
        "",
        if ext.is_empty() { "text" } else { ext },
    );
    a.size = text.len() as u64;
    a.line = Some(1);
    a.set("recognised_by", reason);
    let lower = path.to_ascii_lowercase();
    let role =
        if lower.contains("system") || first_line(text).to_ascii_lowercase().starts_with("you ") {
            "system"
        } else {
            "template"
        };
    a.set("role", role);
    a.set("lines", text.lines().count());
    if text.contains("{{") {
        a.set("template_variables", true);
    }
    cx.asset(a);
    true
}

fn agent(path: &str, name: &str, line: u32, framework: &str, format: &str) -> Asset {
    let mut a = Asset::new(AssetKind::Agent, path, name, format);
    a.line = Some(line);
    a.set("framework", framework);
    if !name.is_empty() {
        a.set("agent_name", preview(name, 80));
    }
    a
}

fn str_of<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.get(key).and_then(Node::as_str)
}

fn is_assistant(n: &Node) -> bool {
    str_of(n, "instructions").is_some()
        && (n.get("tools").is_some_and(Node::is_array) || str_of(n, "model").is_some())
}

fn assistant_asset(path: &str, n: &Node, i: usize) -> Asset {
    let name = str_of(n, "name").unwrap_or("");
    let mut a = agent(
        path,
        &format!("{name}#{i}"),
        n.line,
        "openai-assistants",
        "json",
    );
    if let Some(m) = str_of(n, "model") {
        a.set("model", preview(m, 80));
    }
    let tools: Vec<String> = n
        .get("tools")
        .map(|t| {
            t.items()
                .iter()
                .filter_map(|t| {
                    str_of(t, "type")
                        .or_else(|| str_of(t, "name"))
                        .or_else(|| t.get("function").and_then(|f| str_of(f, "name")))
                        .or_else(|| t.as_str())
                })
                .map(|s| preview(s, 60))
                .collect()
        })
        .unwrap_or_default();
    a.set("tools", tools);
    a
}

/// Agent configurations in JSON; returns whether the document is one.
pub fn agents_json(path: &str, root: &Node, cx: &mut AnalysisContext) -> bool {
    // LangGraph
    if let Some(graphs) = root.get("graphs")
        && graphs.is_object()
        && [
            "dependencies",
            "python_version",
            "node_version",
            "env",
            "dockerfile_lines",
        ]
        .iter()
        .any(|k| root.get(k).is_some())
    {
        for e in graphs.entries() {
            let mut a = agent(path, &e.key, e.key_line, "langgraph", "langgraph-json");
            if let Some(ep) = e.node.as_str().or_else(|| str_of(&e.node, "path")) {
                a.set("entrypoint", preview(ep, 120));
            }
            cx.asset(a);
        }
        return true;
    }
    // OpenAI Assistants / Agents
    if is_assistant(root) {
        cx.asset(assistant_asset(path, root, 0));
        return true;
    }
    let list = match &root.value {
        Value::Array(items) => Some(items.as_slice()),
        Value::Object(_) => root
            .get("agents")
            .or_else(|| root.get("assistants"))
            .map(Node::items),
        _ => None,
    };
    if let Some(items) = list {
        let assistants: Vec<&Node> = items.iter().filter(|n| is_assistant(n)).collect();
        if !assistants.is_empty() {
            for (i, n) in assistants.iter().enumerate() {
                cx.asset(assistant_asset(path, n, i));
            }
            return true;
        }
    }
    // AutoGen OAI_CONFIG_LIST
    if let Value::Array(items) = &root.value
        && !items.is_empty()
        && items.iter().all(|n| {
            str_of(n, "model").is_some()
                && ["api_key", "api_type", "base_url", "api_version", "api_base"]
                    .iter()
                    .any(|k| n.get(k).is_some())
        })
    {
        let mut a = agent(path, "", root.line, "autogen", "oai-config-list");
        let models: Vec<String> = items
            .iter()
            .filter_map(|n| str_of(n, "model"))
            .map(|m| preview(m, 80))
            .take(50)
            .collect();
        a.set("models", models);
        cx.asset(a);
        return true;
    }
    false
}

/// Lines of a YAML file read for agents; in an agents file a limit record counts the
/// lines past it.
const MAX_YAML_LINES: usize = 100_000;

/// CrewAI `agents.yaml`: top-level keys whose direct children include `role` and `goal`.
pub fn agents_yaml(path: &str, text: &str, cx: &mut AnalysisContext) -> bool {
    let mut found = false;
    // The name, its line, the indentation of its direct children, and their keys.
    type Entry = (String, u32, Option<usize>, Vec<String>);
    let mut current: Option<Entry> = None;
    let mut flush = |c: Option<Entry>, cx: &mut AnalysisContext| {
        if let Some((name, line, _, keys)) = c
            && keys.iter().any(|k| k == "role")
            && keys.iter().any(|k| k == "goal")
        {
            let mut a = agent(path, &name, line, "crewai", "crewai-yaml");
            a.set("backstory", keys.iter().any(|k| k == "backstory"));
            cx.asset(a);
            found = true;
        }
    };
    let mut lines = text.lines().enumerate();
    for (i, raw) in lines.by_ref().take(MAX_YAML_LINES) {
        let t = raw.trim_end();
        if t.trim().is_empty() || t.trim_start().starts_with('#') {
            continue;
        }
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let ind = t.len() - t.trim_start().len();
        if ind == 0 {
            flush(current.take(), cx);
            if let Some(k) = t.strip_suffix(':')
                && !k.contains(' ')
            {
                current = Some((
                    k.trim_matches(['"', '\'']).to_string(),
                    line,
                    None,
                    Vec::new(),
                ));
            }
        } else if let Some((_, _, child, keys)) = current.as_mut() {
            // Only direct children count: `role` and `goal` nested deeper (a flow
            // definition's `methods:` holding inline crews) do not make the top key
            // an agent.
            let child = *child.get_or_insert(ind);
            if ind == child
                && let Some((k, _)) = t.trim_start().split_once(':')
            {
                keys.push(k.trim().to_string());
            }
        }
    }
    flush(current.take(), cx);
    let unread = lines.count();
    if found && unread > 0 {
        cx.error(
            path,
            ErrorKind::Limit,
            format!("{unread} lines past the first {MAX_YAML_LINES} were not read for agents"),
        );
    }
    found
}

fn py_server_call() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?m)(^|[^\w.]|\bmcp\.server(?:\.lowlevel)?\.|\bfastmcp\.)(FastMCP|MCPServer|Server)\s*\(")
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

fn js_server_call() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"\bnew\s+(McpServer|FastMCP|Server)\s*\(\s*\{")
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

fn name_kwarg(python: bool) -> &'static Regex {
    static PY: OnceLock<Regex> = OnceLock::new();
    static JS: OnceLock<Regex> = OnceLock::new();
    if python {
        PY.get_or_init(|| Regex::new(r"^\s*name\s*=\s*").unwrap_or_else(|e| panic!("{e}")))
    } else {
        JS.get_or_init(|| {
            Regex::new(r#"(?:\bname|["']name["'])\s*:\s*"#).unwrap_or_else(|e| panic!("{e}"))
        })
    }
}

/// The most servers inventoried in one file; the last one inventoried counts the
/// server constructor calls past it (`more_in_file`).
const MAX_SERVERS: usize = 64;

/// MCP server implementations in Python or JS/TS code: one `mcp-server` asset per
/// constructor call that names the server; returns how many.
pub fn mcp_servers_in_code(
    path: &str,
    text: &str,
    python: bool,
    cx: &mut AnalysisContext,
) -> usize {
    let lower_has = |w: &str| text.contains(w);
    let (sdk, calls) = if python {
        // `Server` is only the MCP low-level server when imported from `mcp.server`.
        let mcp = lower_has("from mcp") || lower_has("import mcp") || lower_has("fastmcp");
        if !mcp {
            return 0;
        }
        (lower_has("mcp.server"), py_server_call())
    } else {
        if !(lower_has("@modelcontextprotocol/sdk") || lower_has("fastmcp")) {
            return 0;
        }
        (
            lower_has("@modelcontextprotocol/sdk/server"),
            js_server_call(),
        )
    };
    let bytes = text.as_bytes();
    let mut names: Vec<(String, u32, &str)> = Vec::new();
    // Constructor calls past the cap: counted, not read for a name (that read is not
    // linear in the file), and said on the last server inventoried.
    let mut more = 0usize;
    for c in calls.captures_iter(text) {
        let (Some(whole), Some(cm)) = (c.get(0), c.get(if python { 2 } else { 1 })) else {
            continue;
        };
        let class = cm.as_str();
        if class == "Server" && !sdk {
            continue;
        }
        // Not a definition (`class Server(`, `def FastMCP(`).
        let before = text[..cm.start()].trim_end_matches([' ', '\t']);
        if before.ends_with("class") || before.ends_with("def") || before.ends_with("function") {
            continue;
        }
        if names.len() >= MAX_SERVERS {
            more += 1;
            continue;
        }
        let open = whole.end();
        let name = if python {
            // First positional string, or `name=`.
            let p = skip_trivia(text, open, true);
            python_string(text, p).map(|l| l.text).or_else(|| {
                let m = name_kwarg(true).find(&text[p..])?;
                python_string(text, skip_trivia(text, p + m.end(), true)).map(|l| l.text)
            })
        } else {
            // `{ name: "…" }` within the object literal's first lines.
            let mut end = text.len().min(open + 400);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            name_kwarg(false)
                .find(&text[open..end])
                .and_then(|m| js_string(text, skip_trivia(text, open + m.end(), false)))
                .map(|l| l.text)
        };
        let Some(name) = name.filter(|n| !n.trim().is_empty() && n.len() <= 200) else {
            continue;
        };
        let line = u32::try_from(bytes[..cm.start()].iter().filter(|&&b| b == b'\n').count() + 1)
            .unwrap_or(u32::MAX);
        names.push((name, line, class));
    }
    if names.is_empty() {
        return 0;
    }
    let tools = if python {
        tool_decorator().find_iter(text).count()
    } else {
        tool_call().find_iter(text).count()
    };
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let format = match ext.as_str() {
        _ if python => "python",
        "ts" | "mts" | "cts" => "typescript",
        "tsx" => "tsx",
        _ => "javascript",
    };
    for (i, (name, line, class)) in names.iter().enumerate() {
        let mut a = Asset::new(
            AssetKind::McpServer,
            path,
            &format!("implementation:{name}#{i}"),
            format,
        );
        a.line = Some(*line);
        a.set("server_name", preview(name, 80));
        a.set("api", *class);
        a.set("implemented_in", "code");
        a.set("tools_in_file", tools);
        if more > 0 && i + 1 == names.len() {
            a.set("more_in_file", more);
        }
        cx.asset(a);
    }
    names.len()
}

#[cfg(test)]
mod tests {

    #[test]
    fn test_paths_are_told_apart() {
        use aispm_core::role::Role;
        let test = |p: &str| Role::of_path(p) == Role::Test;
        assert!(test("tests/server/test_fastmcp.py"));
        assert!(test("pkg/src/server.test.ts"));
        assert!(test("a.zip!tests/s.py"));
        assert!(!test("src/weather/server.py"));
        assert!(!test("examples/servers/simple.py"));
    }
    use super::*;
    use crate::json::parse;

    #[test]
    fn prompts() {
        assert!(prompt_reason("app/prompts/grader.md", "md", "Grade.").is_some());
        assert!(prompt_reason("x/sys.prompty", "prompty", "").is_some());
        assert!(prompt_reason("docs/intro.md", "md", "# Intro\nYou are a user.").is_none());
        assert!(prompt_reason("a/b.txt", "txt", "You are a helpful assistant.").is_some());
        assert!(prompt_reason("a/b.txt", "txt", "You are a valued customer.").is_none());
        assert!(prompt_reason("a/prompts/run.py", "py", "").is_none());
    }

    #[test]
    fn agents() {
        let mut cx = AnalysisContext::new(None, 0);
        assert!(agents_yaml(
            "agents.yaml",
            "researcher:\n  role: >\n    Senior researcher\n  goal: Find\n  backstory: x\nwriter:\n  role: W\n  goal: G\n",
            &mut cx
        ));
        assert_eq!(cx.assets.len(), 2);
        assert_eq!(cx.assets[1].line, Some(6));
        let lg = parse(r#"{"dependencies": ["."], "graphs": {"agent": "./src/agent.py:graph"}}"#)
            .unwrap();
        assert!(agents_json("langgraph.json", &lg, &mut cx));
        let oai = parse(r#"[{"model": "gpt-4o", "api_key": "x"}]"#).unwrap();
        assert!(agents_json("OAI_CONFIG_LIST", &oai, &mut cx));
        let asst = parse(r#"{"name": "a", "model": "gpt-4o", "instructions": "Help.", "tools": [{"type": "file_search"}]}"#).unwrap();
        assert!(agents_json("a.json", &asst, &mut cx));
        assert_eq!(cx.assets.len(), 5);
        assert!(!agents_json(
            "p.json",
            &parse(r#"{"name": "x"}"#).unwrap(),
            &mut cx
        ));
    }

    #[test]
    fn nested_role_and_goal_are_not_an_agent() {
        // A flow definition: inline crews nested under `methods:` are not agents of
        // the top-level key.
        let flow = "name: ExampleFlow\nmethods:\n  first_step:\n    start: true\n    do:\n      call: crew\n      with:\n        agents:\n          analyst:\n            role: Analyst\n            goal: Analyse\n            backstory: x\n  second_step:\n    do:\n      call: agent\n      with:\n        role: Router\n        goal: Route\n";
        let mut cx = AnalysisContext::new(None, 0);
        assert!(!agents_yaml("flow.yaml", flow, &mut cx));
        assert!(cx.assets.is_empty());
        // Direct children still make an agent, whatever their indentation.
        assert!(agents_yaml(
            "agents.yaml",
            "analyst:\n    role: Analyst\n    goal: Analyse\n    extra:\n        role: nested\n",
            &mut cx
        ));
        assert_eq!(cx.assets.len(), 1);
        assert_eq!(
            cx.assets[0]
                .properties
                .get("agent_name")
                .and_then(|v| v.as_str()),
            Some("analyst")
        );
    }

    fn servers(path: &str, src: &str, python: bool) -> Vec<Asset> {
        let mut cx = AnalysisContext::new(None, 0);
        mcp_servers_in_code(path, src, python, &mut cx);
        cx.assets
    }

    /// An agents file longer than the cap gets a limit record counting the lines
    /// not read; another YAML file does not.
    #[test]
    fn agents_yaml_lines_past_the_cap_are_counted() {
        let mut t = String::from("analyst:\n  role: Analyst\n  goal: Analyse\n");
        t.push_str(&"other: 1\n".repeat(MAX_YAML_LINES));
        let mut cx = AnalysisContext::new(None, 0);
        assert!(agents_yaml("agents.yaml", &t, &mut cx));
        let msgs: Vec<&str> = cx.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            ["3 lines past the first 100000 were not read for agents"]
        );
        let mut cx = AnalysisContext::new(None, 0);
        assert!(!agents_yaml(
            "k8s.yaml",
            &"a: 1\n".repeat(MAX_YAML_LINES + 5),
            &mut cx
        ));
        assert!(cx.errors.is_empty());
    }

    /// Servers past the cap are counted on the last one inventoried.
    #[test]
    fn servers_past_the_cap_are_counted() {
        let mut py = String::from("from mcp.server.fastmcp import FastMCP\n");
        for i in 0..70 {
            py.push_str(&format!("s{i} = FastMCP(\"server-{i}\")\n"));
        }
        let a = servers("s.py", &py, true);
        assert_eq!(a.len(), MAX_SERVERS);
        let counted: Vec<_> = a
            .iter()
            .filter_map(|a| a.properties.get("more_in_file"))
            .collect();
        assert_eq!(counted, [&serde_json::Value::from(70 - MAX_SERVERS)]);
        assert!(a[MAX_SERVERS - 1].properties.contains_key("more_in_file"));
    }

    #[test]
    fn mcp_server_implementations() {
        let py = "from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"notes\")\n\n@mcp.tool()\ndef a() -> str:\n    return ''\n\n@mcp.tool\ndef b() -> str:\n    return ''\n";
        let a = servers("s.py", py, true);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].line, Some(3));
        assert_eq!(
            a[0].properties.get("server_name").and_then(|v| v.as_str()),
            Some("notes")
        );
        assert_eq!(
            a[0].properties
                .get("tools_in_file")
                .and_then(|v| v.as_u64()),
            Some(2)
        );
        // Deterministic and distinct from a launched server's ID in the same file.
        assert_eq!(a[0].id, servers("s.py", py, true)[0].id);
        assert_ne!(
            a[0].id,
            aispm_core::report::asset_id(AssetKind::McpServer, "s.py", "notes#0")
        );
        // Low-level server, keyword name; two servers in one file get two IDs.
        let low = "from mcp.server.lowlevel import Server\nimport mcp.server\na = Server(name='one')\nb = mcp.server.Server('two')\n";
        let a = servers("l.py", low, true);
        assert_eq!(a.len(), 2);
        assert_ne!(a[0].id, a[1].id);
        // `Server` without the MCP SDK, definitions and unnamed calls are not servers.
        assert!(
            servers(
                "w.py",
                "from http import Server\nimport mcp\ns = Server('x')\n",
                true
            )
            .is_empty()
        );
        assert!(servers("d.py", "import mcp\nclass FastMCP(Base):\n    pass\n", true).is_empty());
        assert!(
            servers(
                "c.py",
                "from mcp import ClientSession\nc = ClientSession(r, w)\n",
                true
            )
            .is_empty()
        );
        let ts = "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nconst server = new McpServer({\n  name: 'weather',\n  version: '1.0.0',\n});\nserver.tool('a', 'A', {}, h);\nserver.registerTool('b', { description: 'B' }, h);\n";
        let a = servers("src/index.ts", ts, false);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].format, "typescript");
        assert_eq!(a[0].line, Some(2));
        assert_eq!(
            a[0].properties.get("server_name").and_then(|v| v.as_str()),
            Some("weather")
        );
        assert_eq!(
            a[0].properties
                .get("tools_in_file")
                .and_then(|v| v.as_u64()),
            Some(2)
        );
        assert!(servers("x.ts", "const s = new McpServer({ name: 'x' });\n", false).is_empty());
    }
}

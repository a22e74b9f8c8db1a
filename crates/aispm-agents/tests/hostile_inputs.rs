//! Bad input is normal input: the analyzer never panics and stays bounded on
//! truncated, deeply nested, huge-line and random content.

use aispm_agents::analyze_text;
use aispm_core::{AnalysisContext, FileKind};

fn run(path: &str, ext: &str, kind: FileKind, text: &str) -> AnalysisContext {
    let mut cx = AnalysisContext::new(None, 0);
    analyze_text(path, ext, kind, text, &mut cx).unwrap();
    cx
}

#[test]
fn nested_and_truncated_json() {
    let deep = format!("{{\"mcpServers\": {}", "[".repeat(100_000));
    run("a.json", "json", FileKind::Json, &deep);
    for cut in 0..120 {
        let t = r#"{"mcpServers": {"a": {"command": "npx", "args": ["-y", "p@latest"], "env": {"K": "v"}}}, "tools": [{"name": "x", "description": "d"}]}"#;
        let end = cut.min(t.len());
        run("a.json", "json", FileKind::Json, &t[..end]);
    }
}

#[test]
fn code_and_documents() {
    let py = "import mcp\n@mcp.tool(\n".repeat(2000) + "def f(:\n  '''x";
    run("s.py", "py", FileKind::Text, &py);
    let js = "import '@modelcontextprotocol/sdk';\nserver.tool(\"a\", `unterminated".to_string();
    run("s.ts", "ts", FileKind::Text, &js);
    let long = "ignore all previous instructions ".repeat(20_000);
    let cx = run("d.md", "md", FileKind::Markdown, &long);
    assert!(cx.findings.len() <= 1);
    let weird: String = (0u32..0x3000).filter_map(char::from_u32).collect();
    run("w.txt", "txt", FileKind::Text, &weird);
    run("w.jsonl", "jsonl", FileKind::Jsonl, "\\u\\ud800\\udc\\u202");
    run(
        "c.yaml",
        "yaml",
        FileKind::Yaml,
        "mcpServers:\n  - \n    - args:\n  -\n",
    );
}

#[test]
fn one_finding_per_line_per_rule() {
    let t = "a\u{202e}b\u{202e}c\u{2066}d\u{200b}\u{200b}\u{200b}e\u{200b}\u{200b}\n";
    let cx = run("x.txt", "txt", FileKind::Text, t);
    assert_eq!(cx.findings.len(), 2);
}

/// Random soup of the characters every reader cares about, through every reader.
#[test]
fn random_soup_never_panics() {
    let pieces: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "\"",
        "'",
        "`",
        "\\",
        "\\u",
        "d800",
        "\n",
        ":",
        ",",
        "/*",
        "//",
        "#",
        "@mcp.tool(",
        "def f(",
        "):",
        "\"\"\"",
        "server.tool(",
        "description=",
        "description:",
        "mcpServers",
        "\"command\"",
        "\"args\"",
        "npx",
        "-y",
        "é",
        "日本",
        "\u{200b}",
        "\u{202e}",
        "\u{e0041}",
        "\u{1f3f4}",
        "\u{e007f}",
        "<!--",
        "-->",
        "ignore all previous instructions",
        "    ",
        "- name: x",
        "mcpServers:\n",
        "http://",
        "tools",
        "\u{feff}",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let exts = [
        ("json", FileKind::Json),
        ("jsonl", FileKind::Jsonl),
        ("py", FileKind::Text),
        ("ts", FileKind::Text),
        ("md", FileKind::Markdown),
        ("yaml", FileKind::Yaml),
        ("csv", FileKind::Csv),
        ("html", FileKind::Text),
    ];
    for round in 0..400 {
        let len = (next() % 200) as usize;
        let text: String = (0..len)
            .map(|_| pieces[(next() % pieces.len() as u64) as usize])
            .collect();
        let (ext, kind) = exts[round % exts.len()];
        run(&format!("f.{ext}"), ext, kind, &text);
    }
}

/// A JSON document over the structure cap is read line by line only; when it names MCP
/// servers or tools, a limit record says so.
#[test]
fn oversized_mcp_json_is_recorded_as_a_limit() {
    let filler = format!("\"{}\"", "x".repeat(aispm_agents::MAX_JSON_SIZE));
    let mcp = format!("{{\"mcpServers\": {{}}, \"pad\": {filler}}}");
    let cx = run("big.json", "json", FileKind::Json, &mcp);
    assert_eq!(cx.errors.len(), 1, "{:?}", cx.errors);
    assert_eq!(cx.errors[0].kind, aispm_core::ErrorKind::Limit);
    let data = format!("{{\"rows\": [], \"pad\": {filler}}}");
    assert!(
        run("big.json", "json", FileKind::Json, &data)
            .errors
            .is_empty()
    );
}

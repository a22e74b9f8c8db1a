//! Every rule of the source analyzer has positive and negative fixtures under
//! `fixtures/<RULE_ID>/` (`pos_*`/`neg_*` files, or folders where the role of the path
//! matters: `tests/`, `examples/`, `scripts/`…), each line that must fire marked
//! `# expect: CODE0NN` or `// expect: CODE0NN`, scanned through the engine as the CLI
//! would, and a snapshot per rule in `tests/snapshots/`.

use aispm_code::flow::analyze_at;
use aispm_code::lang::Lang;

#[test]
fn rule_fixtures_and_snapshots() {
    aispm_testkit::check_rule_fixtures(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        vec![Box::new(aispm_code::CodeAnalyzer::new())],
        aispm_code::rules::RULES,
    );
}

/// A server's own constructor names the server: it starts nothing.
#[test]
fn a_server_constructor_is_no_launch() {
    let src = "from mcp.server.mcpserver import MCPServer\nmcp = MCPServer(\"Shrimp\")\n";
    let out = analyze_at(src, Lang::Python, "src/server.py").expect("parser loads");
    assert!(out.servers.is_empty(), "{:?}", out.servers);
    let src = "from agents.mcp import MCPServerStdio\ns = MCPServerStdio(\"npx\", args=[\"-y\", \"pkg\"])\n";
    let out = analyze_at(src, Lang::Python, "src/client.py").expect("parser loads");
    assert_eq!(out.servers.len(), 1, "{:?}", out.servers);
    let src = "from agno.tools.mcp import MCPTools\nt = MCPTools(\"npx -y @scope/server-x\")\n";
    let out = analyze_at(src, Lang::Python, "src/agent.py").expect("parser loads");
    assert_eq!(out.servers.len(), 1, "{:?}", out.servers);
}

//! Tool listings in JSON: a `tools` array (at any depth) of named tools with a
//! description, an input schema or parameters (MCP `tools/list` results, OpenAI
//! function lists with `function` wrappers), and the descriptions of their parameters.

use super::{Description, MAX_TOOLS, not_examined, report_found};
use crate::json::{Node, Value};
use aispm_core::AnalysisContext;

/// Finds tool listings in a JSON document and judges their descriptions. Returns
/// whether the document is a tool listing.
pub fn analyze_json(path: &str, root: &Node, cx: &mut AnalysisContext) -> bool {
    let mut found = Vec::new();
    let mut omitted = 0usize;
    collect_tools(root, 0, &mut found, &mut omitted);
    let listing = !found.is_empty();
    report_found(path, &found, cx);
    not_examined(path, omitted, "tool descriptions", cx);
    listing
}

/// Keeps a description, or counts it once [`MAX_TOOLS`] are kept.
fn keep(out: &mut Vec<Description>, omitted: &mut usize, d: Description) {
    if out.len() >= MAX_TOOLS {
        *omitted += 1;
    } else {
        out.push(d);
    }
}

fn is_tool(n: &Node) -> bool {
    n.get("name").and_then(Node::as_str).is_some()
        && (n.get("description").is_some()
            || n.get("inputSchema").is_some()
            || n.get("input_schema").is_some()
            || n.get("parameters").is_some())
}

fn collect_tools(n: &Node, depth: usize, out: &mut Vec<Description>, omitted: &mut usize) {
    if depth > 8 {
        return;
    }
    for e in n.entries() {
        if e.key == "tools"
            && e.node
                .items()
                .iter()
                .any(|t| is_tool(t) || t.get("function").is_some_and(is_tool))
        {
            for t in e.node.items() {
                let t = match t.get("function") {
                    Some(f) if is_tool(f) => f,
                    _ if is_tool(t) => t,
                    _ => continue,
                };
                let name = t
                    .get("name")
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .to_string();
                if let Some(d) = t.get("description")
                    && let Some(text) = d.as_str()
                {
                    keep(
                        out,
                        omitted,
                        Description {
                            tool: name.clone(),
                            text: text.to_string(),
                            line: d.line,
                            end_line: d.end_line,
                        },
                    );
                }
                // Parameter descriptions reach the model too.
                for key in ["inputSchema", "input_schema", "parameters"] {
                    if let Some(props) = t.get(key).and_then(|s| s.get("properties")) {
                        for p in props.entries() {
                            if let Some(d) = p.node.get("description")
                                && let Some(text) = d.as_str()
                            {
                                keep(
                                    out,
                                    omitted,
                                    Description {
                                        tool: format!("{name}.{}", p.key),
                                        text: text.to_string(),
                                        line: d.line,
                                        end_line: d.end_line,
                                    },
                                );
                            }
                        }
                    }
                }
            }
        } else if matches!(e.node.value, Value::Object(_) | Value::Array(_)) {
            collect_tools(&e.node, depth + 1, out, omitted);
        }
    }
    for item in n.items() {
        collect_tools(item, depth + 1, out, omitted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poison::limit_messages;
    use crate::poison::signals::MAX_DESCRIPTION;

    /// Tools past the cap in a JSON listing are not judged; a limit record counts them.
    #[test]
    fn json_tools_past_the_cap_are_counted() {
        let tools: Vec<String> = (0..MAX_TOOLS + 3)
            .map(|i| format!(r#"{{"name": "t{i}", "description": "Adds numbers."}}"#))
            .collect();
        let t = format!(r#"{{"tools": [{}]}}"#, tools.join(","));
        let mut cx = AnalysisContext::new(None, 0);
        assert!(analyze_json(
            "t.json",
            &crate::json::parse(&t).unwrap(),
            &mut cx
        ));
        assert_eq!(
            limit_messages(&cx),
            ["3 tool descriptions past the per-file cap were not examined for tool poisoning"]
        );
    }

    /// A description longer than the cap is judged on its first part, and a limit
    /// record says so. (In code a literal that long is past `MAX_SPAN`: not read.)
    #[test]
    fn long_descriptions_are_counted() {
        let long = "Adds numbers. ".repeat(MAX_DESCRIPTION / 8);
        let t = format!(r#"{{"tools": [{{"name": "t", "description": "{long}"}}]}}"#);
        let mut cx = AnalysisContext::new(None, 0);
        assert!(analyze_json(
            "t.json",
            &crate::json::parse(&t).unwrap(),
            &mut cx
        ));
        let msgs = limit_messages(&cx);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].starts_with("1 tool descriptions longer than 64 KiB"),
            "{msgs:?}"
        );
    }
}

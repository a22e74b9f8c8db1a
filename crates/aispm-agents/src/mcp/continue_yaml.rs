//! Continue's YAML configuration (`config.yaml` with a top-level `mcpServers:` list),
//! read line by line: every value keeps its exact line, and no YAML library is needed
//! for the few keys a server has.

use super::config::{Arg, Server};

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

/// The servers of Continue's `config.yaml` (`mcpServers:` as a list of `- name: …`
/// items with `command`, `args`, `env`, `url`), read line by line for exact lines;
/// those with neither a command nor a URL are left out. Empty when the document has
/// no top-level `mcpServers:`.
pub fn servers(text: &str) -> Vec<Server> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|l| l.trim_end() == "mcpServers:" && indent(l) == 0)
    else {
        return Vec::new();
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
    servers
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

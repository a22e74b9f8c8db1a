//! Evidence: values of the symbolic machine rendered as the Python expressions a
//! reader recognises (`os.system('echo hi')`), bounded in depth, items and length.

use super::{Machine, Node, V};
use crate::pickle::reader::TextKind;
use std::fmt::Write as _;

impl Machine<'_> {
    pub(super) fn render(&self, v: V) -> String {
        let mut s = String::new();
        self.render_into(v, 0, &mut s);
        truncate(&s, 240)
    }

    pub(super) fn render_call(&self, func: V, args: V) -> String {
        let mut s = String::new();
        self.render_into(func, 0, &mut s);
        s.push('(');
        match self.node(args) {
            Some(Node::Tuple(items)) => self.render_items(items, 0, &mut s),
            _ => {
                s.push('*');
                self.render_into(args, 0, &mut s);
            }
        }
        s.push(')');
        truncate(&s, 240)
    }

    fn render_items(&self, items: &[V], depth: u8, s: &mut String) {
        for (i, &item) in items.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            if i >= 6 || s.len() > 300 {
                s.push('…');
                break;
            }
            self.render_into(item, depth + 1, s);
        }
    }

    fn render_into(&self, v: V, depth: u8, s: &mut String) {
        if s.len() > 300 {
            return;
        }
        match v {
            V::None => s.push_str("None"),
            V::Bool(b) => s.push_str(if b { "True" } else { "False" }),
            V::Int(i) => {
                let _ = write!(s, "{i}");
            }
            V::BigInt => s.push_str("<int>"),
            V::Float(f) => {
                let _ = write!(s, "{f}");
            }
            V::Opaque => s.push('…'),
            V::Node(_) if depth > 5 => s.push('…'),
            V::Node(_) => match self.node(v) {
                None => s.push('…'),
                Some(Node::Text(t)) => {
                    if matches!(t.kind, TextKind::Bytes | TextKind::ByteArray) {
                        s.push('b');
                    }
                    s.push('\'');
                    for ch in String::from_utf8_lossy(&t.data).chars().take(60) {
                        match ch {
                            '\'' => s.push_str("\\'"),
                            '\\' => s.push_str("\\\\"),
                            c if c.is_control() => {
                                let _ = write!(s, "\\x{:02x}", u32::from(c) & 0xff);
                            }
                            c => s.push(c),
                        }
                    }
                    if t.len > 60 || !t.complete() {
                        s.push('…');
                    }
                    s.push('\'');
                }
                Some(Node::Global(g)) => match self.obs.imports.get(*g) {
                    Some(i) => s.push_str(&i.qualified()),
                    None => s.push('…'),
                },
                Some(Node::Unresolved { what, .. }) => s.push_str(what),
                Some(Node::Call { func, args }) => {
                    self.render_into(*func, depth + 1, s);
                    s.push('(');
                    match self.node(*args) {
                        Some(Node::Tuple(items)) => self.render_items(items, depth, s),
                        _ => self.render_into(*args, depth + 1, s),
                    }
                    s.push(')');
                }
                Some(Node::Tuple(items)) => {
                    s.push('(');
                    self.render_items(items, depth, s);
                    if items.len() == 1 {
                        s.push(',');
                    }
                    s.push(')');
                }
                Some(Node::List(items)) => {
                    s.push('[');
                    self.render_items(items, depth, s);
                    s.push(']');
                }
                Some(Node::Set(items)) => {
                    s.push('{');
                    self.render_items(items, depth, s);
                    s.push('}');
                }
                Some(Node::Dict(pairs)) => {
                    s.push('{');
                    for (i, (k, val)) in pairs.iter().enumerate() {
                        if i > 0 {
                            s.push_str(", ");
                        }
                        if i >= 4 {
                            s.push('…');
                            break;
                        }
                        self.render_into(*k, depth + 1, s);
                        s.push_str(": ");
                        self.render_into(*val, depth + 1, s);
                    }
                    s.push('}');
                }
                Some(Node::PersId(pid)) => {
                    s.push_str("persistent_load(");
                    self.render_into(*pid, depth + 1, s);
                    s.push(')');
                }
            },
        }
    }
}

/// Cuts `s` to at most `max` characters, marking the cut.
pub(super) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

//! The evidence about agent tools that `CODE018` (`rules/code018_dangerous_agent_tool.rs`)
//! judges: which functions and classes of the file run shell command lines (read once,
//! before the walk), the environment an SDK shell tool is given, and where a value a
//! call builds goes — handed to a call or returned, or held in a name until that name
//! is handed on (a local code executor counts only once it is given to something).

use super::{Call, Walker, named_children};
use std::collections::HashSet;
use tree_sitter::Node;

/// Where the value a call builds goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Destination {
    /// Handed to a call (an argument, an item of a list argument) or returned.
    Handed,
    /// Bound to a name: remembered until the name is handed on ([`Walker::take_held`]).
    Held,
    /// Anything else (used where it is built).
    Kept,
}

/// Whether a call (by resolved name) runs a command line through a shell on the host.
pub(super) fn is_shell_call(resolved: &str, shell_kw: bool) -> bool {
    super::SHELL_CALLS.contains(&resolved)
        || (shell_kw
            && resolved.starts_with("subprocess.")
            && matches!(
                resolved.rsplit('.').next().unwrap_or(""),
                "run" | "call" | "check_call" | "check_output" | "Popen"
            ))
}

impl<'s> Walker<'s> {
    /// Names of the functions and classes of this file that run shell command lines,
    /// and every callee of the file (read once, before the walk).
    pub(super) fn collect_shell_functions(&mut self, root: Node<'s>) {
        let mut found: HashSet<String> = HashSet::new();
        let mut cursor = root.walk();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if matches!(self.kind(n), "call" | "call_expression")
                && let Some(f) = self.callee(n)
            {
                let segs = self.segs(f);
                let resolved = self.resolve(&segs);
                if let Some(last) = segs.last() {
                    self.called.insert(format!(".{last}"));
                }
                self.called.insert(resolved.clone());
                let (_, kw) = self.args(n);
                let shell_kw = Self::kwarg(&kw, "shell").is_some_and(|v| self.is_literal_true(v));
                if is_shell_call(&resolved, shell_kw) {
                    let mut p = n.parent();
                    while let Some(a) = p {
                        if matches!(
                            self.kind(a),
                            "function_definition"
                                | "class_definition"
                                | "function_declaration"
                                | "method_definition"
                                | "class_declaration"
                        ) && let Some(name) = self.field(a, "name")
                        {
                            found.insert(self.text(name).to_string());
                        }
                        p = a.parent();
                    }
                }
            }
            stack.extend(n.named_children(&mut cursor));
        }
        self.shell_funcs = found;
    }

    /// Whether an expression names a same-file function or class that runs a shell:
    /// `run_shell`, `self._run`, `ShellExecutor()`.
    pub(crate) fn names_shell_function(&self, n: Node<'s>) -> bool {
        let target = match self.kind(n) {
            "call" | "call_expression" => match self.callee(n) {
                Some(f) => f,
                None => return false,
            },
            _ => n,
        };
        let segs = self.segs(target);
        let name = match segs.as_slice() {
            [name] => *name,
            [recv, name] if matches!(*recv, "self" | "this" | "cls") => *name,
            _ => return false,
        };
        self.shell_funcs.contains(name)
    }

    /// The `type` of an `environment={"type": …}` argument (the OpenAI Agents SDK's
    /// shell tools run where it says: `local`, `container_auto`, …).
    pub(crate) fn environment_type(&self, call: &Call<'s>) -> Option<String> {
        call.kwarg("environment").and_then(|e| {
            named_children(e).into_iter().find_map(|p| {
                (self.kind(p) == "pair"
                    && self
                        .field(p, "key")
                        .and_then(|k| self.string_literal(k))
                        .as_deref()
                        == Some("type"))
                .then(|| self.field(p, "value").and_then(|v| self.string_literal(v)))
                .flatten()
            })
        })
    }

    /// Where the value a call builds goes; a value bound to a name is remembered
    /// until the name is handed on ([`Walker::take_held`]).
    pub(crate) fn follow_value(&mut self, call: Node<'s>) -> Destination {
        let mut parent = call.parent();
        while let Some(p) = parent {
            if matches!(
                self.kind(p),
                "await" | "await_expression" | "parenthesized_expression"
            ) {
                parent = p.parent();
            } else {
                break;
            }
        }
        match parent.map(|p| (p, self.kind(p))) {
            Some((_, "argument_list" | "arguments" | "keyword_argument" | "return_statement")) => {
                Destination::Handed
            }
            Some((p, "list" | "array" | "tuple" | "pair")) => {
                if p.parent().is_some_and(|g| {
                    matches!(
                        self.kind(g),
                        "argument_list" | "arguments" | "keyword_argument" | "object"
                    )
                }) {
                    Destination::Handed
                } else {
                    Destination::Kept
                }
            }
            Some((p, "assignment")) => {
                if let Some(l) = self.field(p, "left") {
                    self.pending.push((self.text(l).to_string(), call));
                }
                Destination::Held
            }
            Some((p, "as_pattern")) => {
                if let Some(alias) = self.field(p, "alias") {
                    self.pending
                        .push((self.text(alias).trim().to_string(), call));
                }
                Destination::Held
            }
            _ => Destination::Kept,
        }
    }

    /// The arguments of a call that may name a held value: every argument, and the
    /// items of list arguments; none when nothing is held.
    pub(crate) fn handed_arguments(&self, call: &Call<'s>) -> Vec<Node<'s>> {
        if self.pending.is_empty() {
            return Vec::new();
        }
        let mut args: Vec<Node<'s>> = Vec::new();
        for a in call
            .pos
            .iter()
            .copied()
            .chain(call.kw.iter().map(|&(_, v)| v))
        {
            if matches!(self.kind(a), "list" | "array" | "tuple") {
                args.extend(named_children(a));
            } else {
                args.push(a);
            }
        }
        args
    }

    /// The call that built the held value `n` names (an identifier or attribute), now
    /// handed on: taken out of the held values.
    pub(crate) fn take_held(&mut self, n: Node<'s>) -> Option<Node<'s>> {
        if !matches!(
            self.kind(n),
            "identifier" | "attribute" | "member_expression"
        ) {
            return None;
        }
        let name = self.text(n);
        let i = self.pending.iter().position(|(p, _)| p == name)?;
        let (_, ctor) = self.pending.swap_remove(i);
        Some(ctor)
    }

    /// The last segment of the callee of a call expression (`LocalCommandLineCodeExecutor`).
    pub(crate) fn callee_last(&self, call: Node<'s>) -> String {
        self.callee(call)
            .map(|f| self.segs(f).last().copied().unwrap_or("").to_string())
            .unwrap_or_default()
    }
}

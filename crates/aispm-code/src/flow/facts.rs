//! What a rule may ask the walk besides a node's text, kind and literal value (in
//! `flow.rs`): the file's role and imports, the taint of an expression, what else the
//! module calls, and the literal pairs of a dictionary.

use super::*;

/// Calls and names that show a file fetches artefacts from elsewhere (hub, HTTP,
/// object storage).
const DOWNLOADS: &[&str] = &[
    "hf_hub_download",
    "snapshot_download",
    "urlretrieve",
    "urlopen",
    "download_file",
    "download_fileobj",
    "get_object",
    "requests.get",
    "httpx.get",
    "requests.request",
    "wget",
];

impl<'s> Walker<'s> {
    /// What the file is for (tests and examples weigh less).
    pub(crate) fn role(&self) -> Role {
        self.role
    }

    /// The file imports an AI SDK.
    pub(crate) fn has_ai(&self) -> bool {
        self.has_ai
    }

    /// A bare name that no import rebinds (`eval`, `open`): the language's own.
    pub(crate) fn is_builtin(&self, segs: &[&str]) -> bool {
        segs.len() == 1 && !self.imports.contains_key(segs[0])
    }

    /// Whether the expression carries model output.
    pub(crate) fn tainted_llm(&self, n: Option<Node<'s>>) -> bool {
        n.is_some_and(|n| self.taint(n, 0) & LLM != 0)
    }

    /// Whether the expression carries request input.
    pub(crate) fn tainted_user(&self, n: Node<'s>) -> bool {
        self.taint(n, 0) & USER != 0
    }

    /// Whether the module calls `name` anywhere: a resolved callee (`torch.save`) or,
    /// written `.name`, a method of any object (`.to_pickle`).
    pub(crate) fn module_calls(&self, name: &str) -> bool {
        self.called.contains(name)
    }

    /// Whether the file downloads something (hub, HTTP, object storage), read from
    /// its text once, when first asked.
    pub(crate) fn downloads_artefacts(&mut self) -> bool {
        if self.download.is_none() {
            self.download = Some(DOWNLOADS.iter().any(|d| self.src.contains(d)));
        }
        self.download == Some(true)
    }

    /// The resolved name of the function a call expression calls (`pickle.dumps`).
    pub(crate) fn callee_name(&self, call: Node<'s>) -> Option<String> {
        self.callee(call).map(|f| self.resolve(&self.segs(f)))
    }

    /// Keys (literal or as written) and values of a dictionary or object literal.
    pub(crate) fn pairs(&self, n: Node<'s>) -> Vec<(String, Node<'s>)> {
        named_children(n)
            .into_iter()
            .filter(|p| self.kind(*p) == "pair")
            .filter_map(|p| {
                let (k, v) = (self.field(p, "key")?, self.field(p, "value")?);
                let key = self
                    .string_literal(k)
                    .unwrap_or_else(|| self.text(k).to_string());
                Some((key, v))
            })
            .collect()
    }
}

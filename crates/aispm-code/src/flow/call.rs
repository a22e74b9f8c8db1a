//! The views the walk hands the rules: a [`Call`] (ruff's `ExprCall`, with the callee
//! resolved through the imports), a [`Property`] of an object literal and an
//! [`Assignment`]; and the walk's handling of a call: the rules of its language
//! (`crate::rules`), then the readers that turn calls into inventory (MCP servers,
//! model references, agents).

use super::*;

/// A call (or `new` expression) as the rules see it.
pub(crate) struct Call<'s> {
    /// The call expression: findings about the call are reported on it.
    pub node: Node<'s>,
    /// The callee's segments: `client.chat.completions.create` → `[client, chat,
    /// completions, create]`; a call in the chain is `()`, a subscript `[]`, anything
    /// else `?`.
    pub segs: Vec<&'s str>,
    /// The segments with the first one replaced by what it was imported as
    /// (`np.load` → `numpy.load`, `exec` → `child_process.exec`).
    pub resolved: String,
    /// The last segment (`create`).
    pub last: &'s str,
    /// Positional arguments (in JavaScript, object-literal arguments too).
    pub pos: Vec<Node<'s>>,
    /// Keyword arguments (Python keywords; JavaScript properties of object-literal
    /// arguments).
    pub kw: Vec<(&'s str, Node<'s>)>,
}

impl<'s> Call<'s> {
    /// The first positional argument.
    pub fn arg0(&self) -> Option<Node<'s>> {
        self.pos.first().copied()
    }

    /// The positional argument at `i`.
    pub fn arg(&self, i: usize) -> Option<Node<'s>> {
        self.pos.get(i).copied()
    }

    /// The keyword argument (or object-literal property) `name`.
    pub fn kwarg(&self, name: &str) -> Option<Node<'s>> {
        Walker::kwarg(&self.kw, name)
    }

    /// The object a method is called on, lower-cased (`db` of `db.execute`).
    pub fn receiver(&self) -> Option<String> {
        self.segs
            .len()
            .checked_sub(2)
            .map(|i| self.segs[i].to_ascii_lowercase())
    }

    /// The segment before the last one, as written (`AutoModel` of
    /// `AutoModel.from_pretrained`), or `""`.
    pub fn class(&self) -> &'s str {
        self.segs.len().checked_sub(2).map_or("", |i| self.segs[i])
    }
}

/// A `key: value` property of a JavaScript object literal.
pub(crate) struct Property<'s> {
    pub node: Node<'s>,
    /// The key, quotes removed.
    pub key: &'s str,
    pub value: Node<'s>,
}

/// A JavaScript assignment (`a.b = c`, `a.b += c`).
pub(crate) struct Assignment<'s> {
    pub node: Node<'s>,
    pub left: Node<'s>,
    pub right: Node<'s>,
    /// The taint bits of `right`.
    pub taint: u8,
    /// `+=` and the like.
    pub augmented: bool,
}

impl<'s> Walker<'s> {
    /// The view of a call, or `None` when it has no callee segments.
    pub(super) fn call_view(&self, call: Node<'s>) -> Option<Call<'s>> {
        let f = self.callee(call)?;
        let segs = self.segs(f);
        if segs.is_empty() {
            return None;
        }
        let resolved = self.resolve(&segs);
        let last = segs.last().copied().unwrap_or("");
        let (pos, kw) = self.args(call);
        Some(Call {
            node: call,
            segs,
            resolved,
            last,
            pos,
            kw,
        })
    }

    /// A call: the rules of its language first, then the readers that turn calls
    /// into inventory (MCP servers, whose launches go to the rules too; model
    /// references; agents).
    pub(super) fn check_call(&mut self, call: Node<'s>) {
        let Some(c) = self.call_view(call) else {
            return;
        };
        if self.lang.is_python() {
            rules::on_python_call(self, &c);
        } else {
            rules::on_js_call(self, &c);
        }
        if self.has_ai || self.has_mcp {
            self.check_mcp_call(&c);
        }
        self.model_refs(&c);
        // Tests build agents as fixtures: no inventory.
        if self.agent_sdk && self.role != Role::Test {
            self.agent_call(&c);
        }
    }

    /// A JavaScript object property, handed to the rules.
    pub(super) fn check_property(&mut self, n: Node<'s>) {
        let (Some(k), Some(v)) = (self.field(n, "key"), self.field(n, "value")) else {
            return;
        };
        let p = Property {
            node: n,
            key: self.text(k).trim_matches(['"', '\'']),
            value: v,
        };
        rules::on_js_property(self, &p);
    }
}

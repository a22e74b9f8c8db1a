//! The walk: scopes, statements in source order, assignments and calls handed to the
//! rules (`crate::rules`, through the views of `call.rs`).

use super::*;

impl<'s> Walker<'s> {
    pub(super) fn is_function(&self, n: Node) -> bool {
        matches!(
            self.kind(n),
            "function_definition"
                | "function_declaration"
                | "generator_function_declaration"
                | "function_expression"
                | "function"
                | "generator_function"
                | "arrow_function"
                | "method_definition"
        )
    }

    pub(super) fn function_name(&self, n: Node<'s>) -> Option<&'s str> {
        if let Some(name) = self.field(n, "name") {
            return Some(self.text(name));
        }
        let parent = n.parent()?;
        match self.kind(parent) {
            "variable_declarator" => self.field(parent, "name").map(|x| self.text(x)),
            "pair" => self.field(parent, "key").map(|x| self.text(x)),
            "assignment_expression" | "assignment" => self
                .field(parent, "left")
                .map(|x| self.text(x).rsplit('.').next().unwrap_or("")),
            _ => None,
        }
    }

    /// Visits the node under `cursor` and everything below it, children in source
    /// order before the node itself (so a statement's effects follow its parts'), with
    /// one cursor for the whole walk.
    pub(super) fn walk(&mut self, cursor: &mut TreeCursor<'s>, depth: usize) {
        let n = cursor.node();
        if depth > MAX_DEPTH {
            self.out.truncated = true;
            return;
        }
        let kind = self.kind(n);
        let function = self.is_function(n);
        if function {
            self.scopes.push(HashMap::new());
            self.returns.push(0);
        }
        // A loop variable takes the taint of what is iterated, before the body runs.
        let binds_loop = matches!(kind, "for_statement" | "for_in_statement");
        if cursor.goto_first_child() {
            loop {
                let c = cursor.node();
                if c.is_named() {
                    self.walk(cursor, depth + 1);
                    if binds_loop && cursor.field_name() == Some("right") {
                        let t = self.taint(c, 0);
                        if let Some(left) = self.field(n, "left") {
                            self.bind_target(left, t);
                            // `for i, x in enumerate(xs)`: the index is a number.
                            if self.kind(c) == "call"
                                && self.callee(c).is_some_and(|f| self.text(f) == "enumerate")
                                && matches!(self.kind(left), "pattern_list" | "tuple_pattern")
                                && let Some(index) = left.named_child(0)
                            {
                                self.bind_target(index, 0);
                            }
                        }
                    }
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
        if !function {
            self.after(n);
            return;
        }
        if kind == "arrow_function"
            && let Some(body) = self.field(n, "body")
            && self.kind(body) != "statement_block"
        {
            let t = self.taint(body, 0);
            if let Some(r) = self.returns.last_mut() {
                *r |= t;
            }
        }
        let r = self.returns.pop().unwrap_or(0);
        self.scopes.pop();
        if let Some(name) = self.function_name(n)
            && !name.is_empty()
        {
            let e = self.funcs.entry(name.to_string()).or_insert(0);
            *e |= r;
        }
    }

    /// Remembers a name bound to an agent of an AI framework (`bot = Agent(...)`,
    /// `const team = new Team(...)`), whose `run` returns model output.
    pub(super) fn note_agent(&mut self, target: Node<'s>, value: Node<'s>) {
        if !self.has_ai || !matches!(self.kind(target), "identifier" | "attribute") {
            return;
        }
        let value = if self.kind(value) == "await" || self.kind(value) == "await_expression" {
            match value.named_child(0) {
                Some(v) => v,
                None => return,
            }
        } else {
            value
        };
        if !matches!(
            self.kind(value),
            "call" | "call_expression" | "new_expression"
        ) {
            return;
        }
        let Some(f) = self.callee(value) else { return };
        let segs = self.segs(f);
        let last = segs.last().copied().unwrap_or("");
        if last.ends_with("Agent") || matches!(last, "Team" | "Crew" | "Workflow" | "Swarm") {
            self.agent_names.insert(self.text(target).to_string());
        }
    }

    /// Remembers what a plain name is bound to when it may describe an agent's model
    /// or tools (a call or a literal container), in files that can build agents.
    pub(super) fn note_binding(&mut self, target: Node<'s>, value: Node<'s>) {
        if self.agent_sdk
            && self.kind(target) == "identifier"
            && matches!(
                self.kind(value),
                "call"
                    | "call_expression"
                    | "new_expression"
                    | "await"
                    | "await_expression"
                    | "list"
                    | "array"
                    | "tuple"
                    | "dictionary"
                    | "object"
            )
        {
            self.bound.insert(self.text(target), value);
        }
    }

    pub(super) fn bind_target(&mut self, target: Node<'s>, t: u8) {
        match self.kind(target) {
            "identifier"
            | "attribute"
            | "member_expression"
            | "shorthand_property_identifier_pattern" => {
                let name = self.text(target).to_string();
                self.bind(&name, t);
            }
            "subscript" | "subscript_expression" => {
                let base = self
                    .field(target, "value")
                    .or_else(|| self.field(target, "object"));
                if let Some(b) = base
                    && t != 0
                {
                    let name = self.text(b).to_string();
                    let old = self.lookup(&name);
                    self.bind(&name, old | t);
                }
            }
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "array_pattern"
            | "object_pattern"
            | "expression_list"
            | "tuple"
            | "list"
            | "pair_pattern"
            | "rest_pattern"
            | "assignment_pattern"
            | "object_assignment_pattern"
            | "parenthesized_expression"
            | "list_splat_pattern" => {
                for c in named_children(target) {
                    if self.kind(target) == "pair_pattern"
                        && self.field(target, "key").is_some_and(|k| k == c)
                    {
                        continue;
                    }
                    self.bind_target(c, t);
                }
            }
            _ => {}
        }
    }

    /// The two sides of an assignment (`augmented`: `+=` and the like) and the taint of
    /// the right one; a JS/TS assignment is handed to its rules first.
    fn assignment(&mut self, n: Node<'s>, augmented: bool) -> Option<(Node<'s>, Node<'s>, u8)> {
        let (left, right) = (self.field(n, "left")?, self.field(n, "right")?);
        let taint = self.taint(right, 0);
        if self.report && !self.lang.is_python() {
            let a = Assignment {
                node: n,
                left,
                right,
                taint,
                augmented,
            };
            rules::on_js_assignment(self, &a);
        }
        Some((left, right, taint))
    }

    pub(super) fn after(&mut self, n: Node<'s>) {
        match self.kind(n) {
            "assignment" | "assignment_expression" => {
                let Some((left, right, t)) = self.assignment(n, false) else {
                    return;
                };
                self.note_agent(left, right);
                self.note_binding(left, right);
                self.bind_target(left, t);
            }
            "augmented_assignment" | "augmented_assignment_expression" => {
                let Some((left, _, t)) = self.assignment(n, true) else {
                    return;
                };
                let name = self.text(left).to_string();
                let old = self.lookup(&name);
                self.bind(&name, old | t);
            }
            "variable_declarator" => {
                let (Some(name), Some(value)) = (self.field(n, "name"), self.field(n, "value"))
                else {
                    return;
                };
                let t = self.taint(value, 0);
                self.note_agent(name, value);
                self.note_binding(name, value);
                self.bind_target(name, t);
            }
            "with_item" => {
                // `with open(p) as f:` — `as_pattern` holds the value and the alias.
                if let Some(v) = self.field(n, "value")
                    && self.kind(v) == "as_pattern"
                    && let Some(alias) = self.field(v, "alias")
                    && let Some(value) = v.named_child(0)
                {
                    let t = self.taint(value, 0);
                    for c in named_children(alias) {
                        self.bind_target(c, t);
                    }
                }
            }
            "named_expression" => {
                if let (Some(name), Some(value)) = (self.field(n, "name"), self.field(n, "value")) {
                    let t = self.taint(value, 0);
                    self.bind_target(name, t);
                }
            }
            "return_statement" => {
                if self.report
                    && let Some(e) = n.named_child(0)
                {
                    rules::on_return(self, e);
                }
                let t = match n.named_child(0) {
                    Some(e) => self.taint(e, 0),
                    None => 0,
                };
                if let Some(r) = self.returns.last_mut() {
                    *r |= t;
                }
            }
            "call" | "call_expression" | "new_expression" if self.report => self.check_call(n),
            "jsx_attribute" if self.report => rules::on_jsx_attribute(self, n),
            "pair" if self.report && !self.lang.is_python() => self.check_property(n),
            "dictionary" | "object" if self.report => {
                rules::on_literal_map(self, n);
                self.check_mcp_map(n);
            }
            _ => {}
        }
    }
}

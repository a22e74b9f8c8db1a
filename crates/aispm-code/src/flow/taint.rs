//! The taint analysis: the bits a name or an expression carries (`LLM`, `USER`), function summaries, and what stops a flow (parsers, sanitisers).

use super::*;

/// Calls whose result carries no model output any more.
fn is_sanitizer(last: &str, resolved: &str) -> bool {
    const QUALIFIED: &[&str] = &[
        "json.loads",
        "json.load",
        "orjson.loads",
        "ujson.loads",
        "simplejson.loads",
        "JSON.parse",
        "yaml.safe_load",
        "html.escape",
        "shlex.quote",
        "re.escape",
        "bleach.clean",
        "markupsafe.escape",
    ];
    const NAMES: &[&str] = &[
        "literal_eval",
        "int",
        "float",
        "bool",
        "len",
        "escape",
        "quote",
        "quote_plus",
        "clean",
        "sanitize",
        "sanitize_html",
        "sanitizeHtml",
        "sanitizeHTML",
        "escapeHtml",
        "escapeHTML",
        "escape_html",
        "encodeURIComponent",
        "encodeURI",
        "parseInt",
        "parseFloat",
        "Number",
        "Boolean",
        "isdigit",
        "isnumeric",
        "isalnum",
        "isalpha",
        "startswith",
        "endswith",
        "startsWith",
        "endsWith",
        "includes",
        "count",
        "hexdigest",
        "digest",
        "model_validate_json",
        "model_validate",
        "parse_raw",
        "parse_obj",
        "safe_load",
        "filterXSS",
        "xss",
        "escape_string",
        "quote_identifier",
    ];
    QUALIFIED.contains(&resolved) || NAMES.contains(&last)
}

/// Method names of LLM calls that count only in files importing an AI SDK.
const WEAK_SOURCES: &[&str] = &[
    "invoke",
    "ainvoke",
    "complete",
    "acomplete",
    "chat",
    "achat",
    "generate",
    "agenerate",
    "kickoff",
    "kickoff_async",
    "stream_chat",
    "predict_messages",
    "generateText",
    "streamText",
    "generateObject",
    "useChat",
    "useCompletion",
    "useAssistant",
    "completion",
    "acompletion",
    "text_generation",
    "chat_completion",
    "textGeneration",
    "chatCompletion",
];

impl<'s> Walker<'s> {
    pub(super) fn lookup(&self, name: &str) -> u8 {
        for scope in self.scopes.iter().rev() {
            if let Some(&t) = scope.get(name) {
                return t;
            }
        }
        0
    }

    pub(super) fn bind(&mut self, name: &str, taint: u8) {
        if let Some(scope) = self.scopes.last_mut() {
            if taint == 0 {
                if scope.contains_key(name) {
                    scope.insert(name.to_string(), 0);
                }
            } else {
                scope.insert(name.to_string(), taint);
            }
        }
    }

    pub(super) fn user_source(&self, text: &str) -> bool {
        const PREFIXES: &[&str] = &[
            "request.args",
            "request.form",
            "request.json",
            "request.values",
            "request.data",
            "request.GET",
            "request.POST",
            "request.query_params",
            "request.body",
            "request.query",
            "request.params",
            "req.body",
            "req.query",
            "req.params",
            "ctx.request.body",
            "ctx.query",
            "event.body",
        ];
        PREFIXES.iter().any(|p| {
            text.starts_with(p)
                && text[p.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| matches!(c, '.' | '[' | '('))
        })
    }

    pub(super) fn taint(&self, n: Node<'s>, depth: usize) -> u8 {
        if depth > MAX_EXPR_DEPTH {
            return 0;
        }
        match self.kind(n) {
            "identifier" | "shorthand_property_identifier" => self.lookup(self.text(n)),
            "attribute" | "member_expression" => {
                let t = self.text(n);
                let mut m = self.lookup(t);
                if self.user_source(t) {
                    m |= USER;
                }
                if self.has_ai && self.tool_call_field(n) {
                    m |= LLM;
                }
                let obj = self.field(n, "object");
                m | obj.map_or(0, |o| self.taint(o, depth + 1))
            }
            "subscript" => {
                let mut m = self
                    .field(n, "value")
                    .map_or(0, |o| self.taint(o, depth + 1));
                if self.user_source(self.text(n)) {
                    m |= USER;
                }
                m
            }
            "subscript_expression" => self
                .field(n, "object")
                .map_or(0, |o| self.taint(o, depth + 1)),
            "call" | "call_expression" => self.call_taint(n, depth),
            "new_expression" => 0,
            "comparison_operator"
            | "not_operator"
            | "unary_operator"
            | "lambda"
            | "arrow_function"
            | "function_expression"
            | "function"
            | "integer"
            | "float"
            | "number"
            | "true"
            | "false"
            | "none"
            | "null"
            | "undefined"
            | "regex" => 0,
            "binary_expression" => {
                let op = self
                    .field(n, "operator")
                    .map(|o| self.text(o))
                    .unwrap_or("");
                if matches!(op, "+" | "??" | "||" | "&&") {
                    self.or_children(n, depth)
                } else {
                    0
                }
            }
            "string"
            | "concatenated_string"
            | "template_string"
            | "template_substitution"
            | "interpolation"
            | "binary_operator"
            | "boolean_operator"
            | "parenthesized_expression"
            | "await"
            | "await_expression"
            | "conditional_expression"
            | "ternary_expression"
            | "list"
            | "tuple"
            | "set"
            | "dictionary"
            | "pair"
            | "array"
            | "object"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
            | "type_assertion"
            | "spread_element"
            | "list_splat"
            | "expression_list"
            | "format_expression"
            | "list_comprehension"
            | "generator_expression"
            | "sequence_expression"
            | "named_expression"
            | "for_in_clause"
            | "if_clause"
            | "jsx_expression" => self.or_children(n, depth),
            _ => 0,
        }
    }

    /// A field of a model's tool call: the model chose its name and arguments
    /// (`tool_call.function.arguments`, `msg.tool_calls[0]`, `tool_use.input`).
    pub(super) fn tool_call_field(&self, n: Node<'s>) -> bool {
        let segs = self.segs(n);
        let k = segs.len();
        segs.iter().any(|s| {
            matches!(
                *s,
                "tool_calls" | "function_call" | "toolCalls" | "functionCall"
            )
        }) || (k >= 2 && segs[k - 2] == "function" && matches!(segs[k - 1], "arguments" | "name"))
            || (k >= 2
                && matches!(
                    segs[k - 2],
                    "tool_use" | "toolUse" | "tool_call" | "toolCall"
                )
                && matches!(segs[k - 1], "input" | "name" | "arguments" | "args"))
    }

    pub(super) fn or_children(&self, n: Node<'s>, depth: usize) -> u8 {
        let mut m = 0;
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            m |= self.taint(c, depth + 1);
            if m == LLM | USER {
                break;
            }
        }
        m
    }

    /// Whether a call returns model output, by its callee.
    pub(super) fn is_llm_source(&self, segs: &[&str], resolved: &str) -> bool {
        let n = segs.len();
        let last = segs.last().copied().unwrap_or("");
        let ends = |suffix: &[&str]| {
            n >= suffix.len()
                && segs[n - suffix.len()..]
                    .iter()
                    .zip(suffix)
                    .all(|(a, b)| a == b)
        };
        let strong = ends(&["completions", "create"])
            || ends(&["responses", "create"])
            || ends(&["messages", "create"])
            || ends(&["messages", "stream"])
            || ends(&["ChatCompletion", "create"])
            || ends(&["Completion", "create"])
            || ends(&["chat", "complete"])
            || ends(&["completions", "parse"])
            || ends(&["chat", "stream"])
            || matches!(
                last,
                "generate_content"
                    | "generate_content_async"
                    | "generateContent"
                    | "generateContentStream"
                    | "invoke_model"
                    | "converse"
            );
        if strong {
            return true;
        }
        if !self.has_ai {
            return false;
        }
        if n >= 2 && WEAK_SOURCES.contains(&last) {
            return true;
        }
        if n >= 2 {
            let receiver = segs[n - 2].to_ascii_lowercase();
            let run = matches!(
                last,
                "run" | "arun" | "run_sync" | "run_async" | "run_streamed" | "run_live" | "stream"
            );
            // Agents, teams, crews and runners of agent frameworks (`agent.run(q)`,
            // `Runner.run(agent, q)`, `runner.run_async(...)` events, `team.arun`).
            if run
                && (["agent", "runner", "team", "crew", "workflow", "swarm"]
                    .iter()
                    .any(|r| receiver.contains(r))
                    || self.agent_names.contains(segs[n - 2]))
                || matches!(last, "run" | "arun") && receiver.contains("chain")
            {
                return true;
            }
        }
        // A bare function imported from an AI SDK (`completion` from litellm,
        // `generateText` from `ai`, `chat` from ollama).
        if n == 1 && WEAK_SOURCES.contains(&last) {
            return self
                .imports
                .get(last)
                .and_then(|m| {
                    let root = m.rsplit_once('.').map_or(m.as_str(), |(a, _)| a);
                    if self.lang.is_python() {
                        sdk::python_sdk(root)
                    } else {
                        sdk::javascript_sdk(root)
                    }
                })
                .is_some()
                || resolved.is_empty();
        }
        false
    }

    pub(super) fn call_taint(&self, call: Node<'s>, depth: usize) -> u8 {
        let Some(f) = self.callee(call) else {
            return 0;
        };
        let segs = self.segs(f);
        let resolved = self.resolve(&segs);
        let last = segs.last().copied().unwrap_or("");
        if self.is_llm_source(&segs, &resolved) {
            return LLM;
        }
        if is_sanitizer(last, &resolved) {
            return 0;
        }
        // `input()` and `sys.argv` are the operator of a command-line program, who
        // already controls the prompt: not a trust boundary.
        let mut m = 0;
        if matches!(last, "get_json" | "json" | "formData" | "text")
            && segs.len() >= 2
            && matches!(segs[segs.len() - 2], "request" | "req")
        {
            m |= USER;
        }
        // Same-file functions: their summary (a call of `self.ask`/`this.ask` too).
        let summary_name = match segs.as_slice() {
            [name] => Some(*name),
            [recv, name] if matches!(*recv, "self" | "this" | "cls") => Some(*name),
            _ => None,
        };
        if let Some(name) = summary_name {
            match self.funcs.get(name) {
                Some(&t) => return m | t,
                None => {
                    self.early.borrow_mut().insert(name);
                }
            }
        }
        // Methods of tainted values and calls with tainted arguments.
        if let Some(obj) = self.field(f, "object") {
            m |= self.taint(obj, depth + 1);
        }
        if let Some(args) = self.field(call, "arguments") {
            for a in named_children(args) {
                let a = if self.kind(a) == "keyword_argument" {
                    match self.field(a, "value") {
                        Some(v) => v,
                        None => continue,
                    }
                } else {
                    a
                };
                m |= self.taint(a, depth + 1);
            }
        }
        m
    }
}

//! A Jinja-aware lexer for chat templates: splits a template into literal text and
//! code (statements `{% %}`, expressions `{{ }}`; comments `{# #}` and `{% raw %}`
//! blocks are text), and turns code into tokens with string literals decoded
//! (`\x5f`, `\u005f`, octal and the usual escapes), so that a name hidden behind
//! escapes is seen as the name it becomes when rendered.
//!
//! Linear in the input, never panics, bounded by [`MAX_TOKENS`]; problems of shape
//! (unterminated tags, strings or comments, unbalanced blocks) are collected, not
//! raised: a malformed template is still analysed as far as it goes.

/// Most tokens kept for one template; beyond that the rest is not tokenised.
pub const MAX_TOKENS: usize = 1 << 20;
/// Deepest block nesting tracked for the balance check.
const MAX_BLOCK_DEPTH: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// A name (`message`, `__class__`).
    Ident,
    /// A string literal, decoded.
    Str,
    /// An integer literal.
    Int,
    /// Any other number.
    Num,
    /// Punctuation and operators (`.`, `|`, `(`, `~`, `==`).
    Op,
    /// Opens a tag: `{{` or `{%`.
    Open,
    /// Closes a tag: `}}` or `%}`.
    Close,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokKind,
    /// Source text, except for strings (decoded content) and integers (digits).
    pub text: String,
    /// For strings: whether the literal used escapes (its source differs from `text`).
    pub escaped: bool,
    /// For integers: the value, saturated.
    pub int: i64,
    /// 1-based line of the token in the template.
    pub line: u32,
}

impl Token {
    fn new(kind: TokKind, text: impl Into<String>, line: u32) -> Self {
        Token {
            kind,
            text: text.into(),
            escaped: false,
            int: 0,
            line,
        }
    }

    pub fn is_op(&self, op: &str) -> bool {
        self.kind == TokKind::Op && self.text == op
    }

    pub fn is_ident(&self, name: &str) -> bool {
        self.kind == TokKind::Ident && self.text == name
    }
}

/// A problem of shape in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformation {
    pub line: u32,
    pub message: String,
}

/// The lexed template.
#[derive(Debug, Default, Clone)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub malformed: Vec<Malformation>,
    /// Whether the template holds any code at all.
    pub has_code: bool,
    /// Whether tokenising stopped at [`MAX_TOKENS`].
    pub truncated: bool,
    /// Byte offset where lexing gave up on an unterminated construct, if it did.
    pub stopped_at: Option<usize>,
}

impl Lexed {
    /// The tokens of each tag (between an `Open` and its `Close`, markers excluded).
    pub fn tags(&self) -> impl Iterator<Item = &[Token]> + '_ {
        self.tags_with_kind().map(|(_, t)| t)
    }

    /// Like [`tags`](Self::tags), with whether the tag is a statement (`{% %}`).
    pub fn tags_with_kind(&self) -> impl Iterator<Item = (bool, &[Token])> + '_ {
        let mut rest = &self.tokens[..];
        std::iter::from_fn(move || {
            let start = rest.iter().position(|t| t.kind == TokKind::Open)?;
            let statement = rest[start].text == "{%";
            let after = &rest[start + 1..];
            let end = after
                .iter()
                .position(|t| t.kind == TokKind::Close || t.kind == TokKind::Open)
                .unwrap_or(after.len());
            let tag = &after[..end];
            rest = &after[end..];
            Some((statement, tag))
        })
    }

    /// Whether the text is a Go template (Helm, Hugo) rather than Jinja: an expression
    /// starts with `.`, `$` or `/` (a `{{/* comment */}}`), which Jinja refuses to parse.
    pub fn is_go_template(&self) -> bool {
        self.tags_with_kind().any(|(statement, t)| {
            !statement
                && t.first()
                    .is_some_and(|f| f.is_op(".") || f.is_op("$") || f.is_op("/"))
        })
    }

    /// Whether the template renders a conversation: it reads `messages`,
    /// `add_generation_prompt` or a special token (`bos_token`, `eos_token`), the
    /// variables a chat-template renderer passes in. Deployment and CI templates do not.
    pub fn renders_chat(&self) -> bool {
        self.tokens.iter().any(|t| {
            t.kind == TokKind::Ident
                && matches!(
                    t.text.as_str(),
                    "messages" | "add_generation_prompt" | "bos_token" | "eos_token"
                )
        })
    }
}

struct Lexer<'a> {
    b: &'a [u8],
    i: usize,
    line: u32,
    out: Lexed,
    blocks: Vec<(String, u32)>,
}

/// Lexes a template.
pub fn lex(src: &str) -> Lexed {
    let mut lx = Lexer {
        b: src.as_bytes(),
        i: 0,
        line: 1,
        out: Lexed::default(),
        blocks: Vec::new(),
    };
    lx.run();
    for (name, line) in lx.blocks.drain(..).rev() {
        lx.out.malformed.push(Malformation {
            line,
            message: format!("`{{% {name} %}}` is never closed"),
        });
    }
    lx.out
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    fn malformed(&mut self, line: u32, message: impl Into<String>) {
        if self.out.malformed.len() < 64 {
            self.out.malformed.push(Malformation {
                line,
                message: message.into(),
            });
        }
    }

    fn push(&mut self, t: Token) -> bool {
        if self.out.tokens.len() >= MAX_TOKENS {
            self.out.truncated = true;
            return false;
        }
        self.out.tokens.push(t);
        true
    }

    /// Advances over text up to `to` (exclusive), counting lines.
    fn advance_to(&mut self, to: usize) {
        let to = to.min(self.b.len());
        self.line = self
            .line
            .saturating_add(memchr::memchr_iter(b'\n', &self.b[self.i..to]).count() as u32);
        self.i = to;
    }

    fn run(&mut self) {
        while self.i < self.b.len() {
            // Literal text up to the next `{`.
            let Some(off) = memchr::memchr(b'{', &self.b[self.i..]) else {
                self.advance_to(self.b.len());
                return;
            };
            self.advance_to(self.i + off);
            match self.peek(1) {
                Some(b'#') => {
                    let line = self.line;
                    match memchr::memmem::find(&self.b[self.i + 2..], b"#}") {
                        Some(end) => self.advance_to(self.i + 2 + end + 2),
                        None => {
                            self.malformed(line, "comment `{#` is never closed");
                            self.out.stopped_at.get_or_insert(self.i);
                            self.advance_to(self.b.len());
                        }
                    }
                }
                Some(b'{') => {
                    if !self.tag(b'}') {
                        return;
                    }
                }
                Some(b'%') => {
                    if !self.tag(b'%') {
                        return;
                    }
                }
                _ => self.i += 1,
            }
        }
    }

    /// Lexes one tag starting at `{{` / `{%`; `close` is the first byte of its end
    /// marker. Returns false when lexing must stop.
    fn tag(&mut self, close: u8) -> bool {
        let open_line = self.line;
        let open_at = self.i;
        let open = if close == b'}' { "{{" } else { "{%" };
        self.i += 2;
        if matches!(self.peek(0), Some(b'-' | b'+')) {
            self.i += 1;
        }
        self.out.has_code = true;
        if !self.push(Token::new(TokKind::Open, open, open_line)) {
            return false;
        }
        let first_tok = self.out.tokens.len();
        let mut depth = 0usize;
        loop {
            let Some(c) = self.peek(0) else {
                self.malformed(open_line, format!("tag `{open}` is never closed"));
                self.out.stopped_at.get_or_insert(open_at);
                return false;
            };
            // End of tag (with optional whitespace control before it).
            if depth == 0 {
                let ws = usize::from(matches!(c, b'-' | b'+'));
                if self.peek(ws) == Some(close) && self.peek(ws + 1) == Some(b'}') {
                    self.i += ws + 2;
                    let line = self.line;
                    if !self.push(Token::new(
                        TokKind::Close,
                        format!("{}}}", close as char),
                        line,
                    )) {
                        return false;
                    }
                    if close == b'%' {
                        return self.statement_done(first_tok, open_line);
                    }
                    return true;
                }
            }
            match c {
                b'\n' => {
                    self.line = self.line.saturating_add(1);
                    self.i += 1;
                }
                b' ' | b'\t' | b'\r' | b'\x0c' | b'\x0b' => self.i += 1,
                b'\'' | b'"' => {
                    if !self.string(c) {
                        return false;
                    }
                }
                b'0'..=b'9' => self.number(),
                c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                    let start = self.i;
                    while let Some(c) = self.peek(0) {
                        if c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80 {
                            self.i += 1;
                        } else {
                            break;
                        }
                    }
                    let text = String::from_utf8_lossy(&self.b[start..self.i]).into_owned();
                    let line = self.line;
                    if !self.push(Token::new(TokKind::Ident, text, line)) {
                        return false;
                    }
                }
                _ => {
                    let two = self.b.get(self.i..self.i + 2).unwrap_or_default();
                    let op: &[u8] = match two {
                        b"**" | b"//" | b"==" | b"!=" | b"<=" | b">=" => two,
                        _ => &self.b[self.i..self.i + 1],
                    };
                    match op {
                        b"(" | b"[" | b"{" => depth += 1,
                        b")" | b"]" | b"}" => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    self.i += op.len();
                    let text = String::from_utf8_lossy(op).into_owned();
                    let line = self.line;
                    if !self.push(Token::new(TokKind::Op, text, line)) {
                        return false;
                    }
                }
            }
        }
    }

    fn number(&mut self) {
        let start = self.i;
        let mut is_int = true;
        while let Some(c) = self.peek(0) {
            if c.is_ascii_alphanumeric() || c == b'_' {
                self.i += 1;
            } else if c == b'.' && self.peek(1).is_some_and(|d| d.is_ascii_digit()) {
                is_int = false;
                self.i += 1;
            } else {
                break;
            }
        }
        let text = String::from_utf8_lossy(&self.b[start..self.i]).into_owned();
        let digits: String = text.chars().filter(|c| *c != '_').collect();
        let (kind, int) = match (is_int, digits.parse::<i64>()) {
            (true, Ok(v)) => (TokKind::Int, v),
            (true, Err(_)) if digits.bytes().all(|b| b.is_ascii_digit()) => {
                (TokKind::Int, i64::MAX)
            }
            _ => (TokKind::Num, 0),
        };
        let mut t = Token::new(kind, text, self.line);
        t.int = int;
        self.push(t);
    }

    /// A string literal; decodes escapes as Python does.
    fn string(&mut self, quote: u8) -> bool {
        let line = self.line;
        let start = self.i;
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        let mut escaped = false;
        loop {
            let Some(c) = self.peek(0) else {
                self.malformed(line, "string literal is never closed");
                self.out.stopped_at.get_or_insert(start);
                return false;
            };
            self.i += 1;
            match c {
                c if c == quote => break,
                b'\n' => {
                    self.line = self.line.saturating_add(1);
                    out.push(c);
                }
                b'\\' => {
                    escaped = true;
                    self.escape(&mut out);
                }
                _ => out.push(c),
            }
        }
        let mut t = Token::new(TokKind::Str, String::from_utf8_lossy(&out), line);
        t.escaped = escaped;
        self.push(t)
    }

    fn hex(&mut self, n: usize) -> Option<u32> {
        let digits = self.b.get(self.i..self.i + n)?;
        let s = std::str::from_utf8(digits).ok()?;
        let v = u32::from_str_radix(s, 16).ok()?;
        self.i += n;
        Some(v)
    }

    fn escape(&mut self, out: &mut Vec<u8>) {
        let Some(c) = self.peek(0) else { return };
        self.i += 1;
        let push_char = |out: &mut Vec<u8>, v: u32| {
            let ch = char::from_u32(v).unwrap_or('\u{fffd}');
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        };
        match c {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'\n' => self.line = self.line.saturating_add(1),
            b'x' => match self.hex(2) {
                Some(v) => push_char(out, v),
                None => out.extend_from_slice(b"\\x"),
            },
            b'u' => match self.hex(4) {
                Some(v) => push_char(out, v),
                None => out.extend_from_slice(b"\\u"),
            },
            b'U' => match self.hex(8) {
                Some(v) => push_char(out, v),
                None => out.extend_from_slice(b"\\U"),
            },
            b'N' if self.peek(0) == Some(b'{') => {
                // Named characters: the punctuation names can hide; others are dropped.
                if let Some(e) = memchr::memchr(b'}', &self.b[self.i..]) {
                    let name = &self.b[self.i + 1..self.i + e];
                    match name.to_ascii_uppercase().as_slice() {
                        b"LOW LINE" => out.push(b'_'),
                        b"FULL STOP" => out.push(b'.'),
                        b"SPACE" => out.push(b' '),
                        _ => {}
                    }
                    self.i += e + 1;
                }
            }
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                for _ in 0..2 {
                    match self.peek(0) {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.i += 1;
                        }
                        _ => break,
                    }
                }
                push_char(out, v);
            }
            b'\\' | b'\'' | b'"' => out.push(c),
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }

    /// After a statement: tracks block balance and skips `raw` blocks.
    fn statement_done(&mut self, first_tok: usize, line: u32) -> bool {
        let toks = &self.out.tokens[first_tok..];
        let Some(first) = toks.first().filter(|t| t.kind == TokKind::Ident) else {
            return true;
        };
        let name = first.text.clone();
        let has_assign = toks.iter().any(|t| t.is_op("="));
        match name.as_str() {
            "raw" => {
                let Some(end) = find_endraw(&self.b[self.i..]) else {
                    self.malformed(line, "`{% raw %}` is never closed");
                    self.out.stopped_at.get_or_insert(self.i);
                    self.advance_to(self.b.len());
                    return false;
                };
                self.advance_to(self.i + end);
            }
            "for" | "if" | "macro" | "call" | "filter" | "block" | "with" | "autoescape"
            | "trans" | "generation" => self.open_block(name, line),
            "set" if !has_assign => self.open_block(name, line),
            "elif" | "else" | "pluralize"
                if !self
                    .blocks
                    .iter()
                    .any(|(b, _)| matches!(b.as_str(), "if" | "for" | "trans")) =>
            {
                self.malformed(line, format!("`{{% {name} %}}` outside of a block"));
            }
            n if n.starts_with("end") => {
                let opened = &n[3..];
                match self.blocks.last() {
                    Some((b, _)) if b == opened => {
                        self.blocks.pop();
                    }
                    Some((b, _)) => {
                        let b = b.clone();
                        self.malformed(line, format!("`{{% {n} %}}` closes `{{% {b} %}}`"));
                        if let Some(pos) = self.blocks.iter().rposition(|(x, _)| x == opened) {
                            self.blocks.truncate(pos);
                        }
                    }
                    None => self.malformed(line, format!("`{{% {n} %}}` without an opening block")),
                }
            }
            _ => {}
        }
        true
    }

    fn open_block(&mut self, name: String, line: u32) {
        if self.blocks.len() < MAX_BLOCK_DEPTH {
            self.blocks.push((name, line));
        } else {
            self.malformed(line, "blocks nested too deep");
        }
    }
}

/// Offset just past `{% endraw %}` (with optional whitespace control and spaces).
fn find_endraw(b: &[u8]) -> Option<usize> {
    let mut from = 0usize;
    while let Some(off) = memchr::memmem::find(&b[from..], b"{%") {
        let mut j = from + off + 2;
        if matches!(b.get(j), Some(b'-' | b'+')) {
            j += 1;
        }
        while b.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if b.get(j..j + 6) == Some(b"endraw") {
            j += 6;
            while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if matches!(b.get(j), Some(b'-' | b'+')) {
                j += 1;
            }
            if b.get(j..j + 2) == Some(b"%}") {
                return Some(j + 2);
            }
        }
        from = from + off + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokKind, String)> {
        lex(src)
            .tokens
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn text_and_tags() {
        let l = lex("Hi {{ message['role'] }}{# c {{ x }} #}{% if a %}b{% endif %}");
        assert!(l.malformed.is_empty(), "{:?}", l.malformed);
        let idents: Vec<&str> = l
            .tokens
            .iter()
            .filter(|t| t.kind == TokKind::Ident)
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(idents, ["message", "if", "a", "endif"]);
        assert_eq!(l.tags().count(), 3);
    }

    #[test]
    fn escapes_are_decoded() {
        let l = lex(
            r#"{{ x|attr('\x5f\x5fclass\x5f\x5f')|attr("\u005f_mro__")|attr('\137\137base__')|attr('\N{LOW LINE}_dict__') }}"#,
        );
        let strs: Vec<(&str, bool)> = l
            .tokens
            .iter()
            .filter(|t| t.kind == TokKind::Str)
            .map(|t| (t.text.as_str(), t.escaped))
            .collect();
        assert_eq!(
            strs,
            [
                ("__class__", true),
                ("__mro__", true),
                ("__base__", true),
                ("__dict__", true)
            ]
        );
    }

    #[test]
    fn whitespace_control_and_braces_inside_expressions() {
        let k = kinds("{%- set d = {'a': {'b': 1}} -%}{{- d -}}");
        assert_eq!(k.first().map(|x| x.0), Some(TokKind::Open));
        assert_eq!(k.iter().filter(|x| x.0 == TokKind::Close).count(), 2);
        assert!(k.iter().any(|x| x.1 == "d" && x.0 == TokKind::Ident));
    }

    #[test]
    fn raw_blocks_are_text() {
        let l = lex("{% raw %}{{ x.__class__ }}{% endraw %}{{ y }}");
        assert!(!l.tokens.iter().any(|t| t.text == "__class__"));
        assert!(l.tokens.iter().any(|t| t.text == "y"));
        assert!(l.malformed.is_empty());
    }

    #[test]
    fn malformed_shapes_are_collected() {
        assert!(!lex("{{ unclosed_bracket").malformed.is_empty());
        assert!(!lex("{% for m in messages %}x").malformed.is_empty());
        assert!(!lex("{{ 'abc }}").malformed.is_empty());
        assert!(!lex("{# never").malformed.is_empty());
        assert!(!lex("{% endif %}").malformed.is_empty());
        assert!(
            lex("{% set ns = namespace(a=1) %}{% set ns.a = 2 %}")
                .malformed
                .is_empty()
        );
        assert!(lex("{% set x %}a{% endset %}").malformed.is_empty());
    }

    #[test]
    fn go_templates_are_recognised() {
        assert!(lex("image: {{ .Values.image }}\n{{- include \"x\" . }}").is_go_template());
        assert!(lex("{{ $name := .Chart.Name }}").is_go_template());
        assert!(!lex("{{ message.content }}{% if x %}{% endif %}").is_go_template());
    }

    #[test]
    fn lines_are_counted() {
        let l = lex("a\nb\n{{ x\n . y }}");
        let y = l.tokens.iter().find(|t| t.text == "y").map(|t| t.line);
        assert_eq!(y, Some(4));
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        for s in [
            "{{",
            "{%",
            "{#",
            "{{'",
            "{{'\\",
            "{{'\\x",
            "{{'\\u12",
            "{{ 99999999999999999999999 }}",
            "{%-",
            "{{-}}",
            "{{ 1.5e }}",
            "{% raw %}",
            "{{ '\\N{ }}",
            "\u{fffd}{{ é }}",
        ] {
            let _ = lex(s);
        }
    }
}

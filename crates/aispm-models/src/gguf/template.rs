//! Server-side template injection in chat templates, decided from the token stream of
//! [`super::jinja`]: Python internals reached through dunder attributes (by dot,
//! subscript, `attr` filter or `getattr`), modules and code-execution callables,
//! attributes of the globals a Jinja or Flask environment exposes (`cycler`,
//! `joiner`, `lipsum`, `request`, `config`, `self`, ...), and names that only appear
//! once escapes are decoded or pieces are joined (`~`, `+`, `join`, `format`, `%`,
//! `chr`, `reverse`). Ordinary chat-template features (`namespace()`,
//! `raise_exception`, loops, `loop.index`, `message['role']`, `.strip()`, `tojson`)
//! carry none of these signals.

use super::jinja::{Lexed, TokKind, Token, lex};
use aispm_core::Severity;
use aispm_core::analyzer::TimeLimitReached;
use std::collections::BTreeSet;

/// What a template finding is about; each maps to one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    /// Python internals or code execution reached from the template.
    Injection,
    /// A sensitive name hidden by escapes or assembled from pieces.
    Obfuscation,
    /// Attributes of environment globals, private attributes, template loading.
    Reach,
    /// Unbalanced or unterminated tags.
    Malformed,
}

/// One aggregated finding of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFinding {
    pub signal: Signal,
    pub severity: Severity,
    /// 1-based line within the template.
    pub line: u32,
    /// What was seen, distinct, in order (at most [`MAX_ITEMS`]).
    pub items: Vec<String>,
    /// The first offending tag, rebuilt from its tokens (strings decoded).
    pub evidence: String,
}

const MAX_ITEMS: usize = 8;
const MAX_EVIDENCE: usize = 240;

/// Dunder names that open the way from a template value to the interpreter.
const SENSITIVE_DUNDERS: &[&str] = &[
    "__class__",
    "__mro__",
    "__base__",
    "__bases__",
    "__subclasses__",
    "__globals__",
    "__builtins__",
    "__init__",
    "__import__",
    "__getattribute__",
    "__getattr__",
    "__dict__",
    "__code__",
    "__func__",
    "__self__",
    "__module__",
    "__loader__",
    "__spec__",
    "__reduce__",
    "__reduce_ex__",
    "__call__",
    "__getitem__",
    "__closure__",
    "__new__",
    "__subclasshook__",
    "__objclass__",
    "__wrapped__",
    "__dir__",
    "__name__",
];

/// Dunders that only ever appear in a string as part of a payload (`'__import__("os")'`);
/// others (`__name__`, `__init__`, `__main__`) also turn up in prose and code samples of
/// system prompts, so inside longer strings only these count.
const PAYLOAD_DUNDERS: &[&str] = &[
    "__class__",
    "__mro__",
    "__base__",
    "__bases__",
    "__subclasses__",
    "__globals__",
    "__builtins__",
    "__import__",
    "__getattribute__",
    "__code__",
];

/// Modules whose reach from a template means host access.
const MODULES: &[&str] = &[
    "os",
    "sys",
    "subprocess",
    "builtins",
    "posix",
    "nt",
    "pty",
    "socket",
    "importlib",
    "shutil",
    "pickle",
    "marshal",
    "ctypes",
    "urllib",
    "requests",
    "modules",
    "runpy",
    "commands",
    "codecs",
    "base64",
    "binascii",
];

/// What a module is reached for: running, spawning, importing, reading, connecting.
const MODULE_ATTRIBUTES: &[&str] = &[
    "system",
    "popen",
    "environ",
    "spawnl",
    "spawnv",
    "spawnlp",
    "spawnvp",
    "execv",
    "execve",
    "execl",
    "execlp",
    "call",
    "run",
    "check_output",
    "check_call",
    "getoutput",
    "Popen",
    "modules",
    "import_module",
    "urlopen",
    "request",
    "get",
    "post",
    "loads",
    "load",
    "rmtree",
    "remove",
    "unlink",
    "listdir",
    "getcwd",
    "socket",
    "create_connection",
    "connect",
    "__import__",
    "eval",
    "exec",
    "open",
    "run_path",
    "run_module",
    "spawn",
    "decode",
    "b64decode",
    "path",
    "argv",
    "getenv",
    "putenv",
    "kill",
    "fork",
];

/// Attributes that expose the template engine itself.
const ENGINE_ATTRIBUTES: &[&str] = &["environment", "globals", "_TemplateReference__context"];

/// Integers this large in `range()` or a repetition only exhaust the renderer.
const HUGE: i64 = 1_000_000;

/// Callables that execute code, spawn processes or open connections.
const EXEC_CALLS: &[&str] = &[
    "popen",
    "system",
    "eval",
    "exec",
    "execfile",
    "__import__",
    "import_module",
    "getoutput",
    "getstatusoutput",
    "check_output",
    "check_call",
    "Popen",
    "spawnl",
    "spawnlp",
    "spawnv",
    "spawnvp",
    "execv",
    "execve",
    "execl",
    "execlp",
    "urlopen",
    "run_path",
    "run_module",
    "b64decode",
];

/// Callables that are no part of a chat template but not code execution by themselves.
const OTHER_CALLS: &[&str] = &[
    "open",
    "getattr",
    "setattr",
    "delattr",
    "globals",
    "locals",
    "vars",
    "compile",
    "input",
    "breakpoint",
    "file",
];

/// Globals of a Jinja (and Flask) environment through which `__globals__` is reached.
const REACH_GLOBALS: &[&str] = &[
    "cycler",
    "joiner",
    "namespace",
    "lipsum",
    "range",
    "dict",
    "url_for",
    "get_flashed_messages",
    "request",
    "config",
    "self",
    "session",
    "g",
];

/// Statements that load other templates (files, under a loader).
const LOADING_STATEMENTS: &[&str] = &["import", "include", "extends", "from"];

pub fn is_dunder(s: &str) -> bool {
    s.len() > 4
        && s.starts_with("__")
        && s.ends_with("__")
        && s[2..s.len() - 2]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && s[2..s.len() - 2].bytes().any(|b| b != b'_')
}

/// Sensitive dunders contained in `s`.
fn dunders_in(s: &str) -> impl Iterator<Item = &'static str> + '_ {
    SENSITIVE_DUNDERS
        .iter()
        .copied()
        .filter(move |d| s.contains(d))
}

struct Hits {
    hits: Vec<(Signal, Severity, u32, String, String)>,
}

impl Hits {
    fn add(&mut self, signal: Signal, sev: Severity, line: u32, what: String, tag: &[Token]) {
        if self.hits.len() < 4096 {
            self.hits.push((signal, sev, line, what, render(tag)));
        }
    }
}

/// Rebuilds a tag from its tokens for evidence, strings decoded and quoted.
fn render(tag: &[Token]) -> String {
    let mut s = String::new();
    for t in tag {
        if s.len() > MAX_EVIDENCE {
            break;
        }
        let glue = matches!(t.kind, TokKind::Op)
            && matches!(t.text.as_str(), "." | "(" | ")" | "[" | "]" | "|" | ",")
            || s.ends_with(['.', '(', '[', '|']);
        if !s.is_empty() && !glue {
            s.push(' ');
        }
        match t.kind {
            TokKind::Str => {
                s.push('\'');
                for c in t.text.chars() {
                    if c.is_control() {
                        s.push_str(&c.escape_default().to_string());
                    } else {
                        s.push(c);
                    }
                }
                s.push('\'');
            }
            _ => s.push_str(&t.text),
        }
    }
    truncate(&s, MAX_EVIDENCE)
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Analyses a template. `check` is called in loops (the per-file time limit).
pub fn analyze_template(
    src: &str,
    check: &mut dyn FnMut() -> Result<(), TimeLimitReached>,
) -> Result<Vec<TemplateFinding>, TimeLimitReached> {
    analyze_lexed_template(&lex(src), src, check)
}

/// [`analyze_template`] of a template already lexed from `src` (the caller can then
/// tell whether lexing stopped at [`super::jinja::MAX_TOKENS`]).
pub fn analyze_lexed_template(
    lexed: &Lexed,
    src: &str,
    check: &mut dyn FnMut() -> Result<(), TimeLimitReached>,
) -> Result<Vec<TemplateFinding>, TimeLimitReached> {
    let mut found = analyze_lexed(lexed, check)?;
    // Safety net: what follows an unterminated construct is not tokenised; payload
    // names there still count (a renderer that recovers differently may run them).
    if let Some(at) = lexed.stopped_at
        && !found.iter().any(|f| f.signal == Signal::Injection)
    {
        let rest = src.get(at..).unwrap_or_default();
        let names: Vec<String> = PAYLOAD_DUNDERS
            .iter()
            .filter(|d| rest.contains(*d))
            .map(|d| format!("`{d}` after a construct that is never closed"))
            .collect();
        if !names.is_empty() {
            let line =
                1 + memchr::memchr_iter(b'\n', &src.as_bytes()[..at.min(src.len())]).count() as u32;
            found.push(TemplateFinding {
                signal: Signal::Injection,
                severity: Severity::High,
                line,
                items: names.into_iter().take(MAX_ITEMS).collect(),
                evidence: truncate(rest, MAX_EVIDENCE),
            });
            found.sort_by_key(|f| f.signal);
        }
    }
    Ok(found)
}

pub fn analyze_lexed(
    lexed: &Lexed,
    check: &mut dyn FnMut() -> Result<(), TimeLimitReached>,
) -> Result<Vec<TemplateFinding>, TimeLimitReached> {
    let mut hits = Hits { hits: Vec::new() };
    let mut direct: BTreeSet<String> = BTreeSet::new();
    let mut soup = String::new();
    let defined = defined_names(lexed);
    for (n, (statement, tag)) in lexed.tags_with_kind().enumerate() {
        if n % 1024 == 0 {
            check()?;
        }
        scan_tag(statement, tag, &mut hits, &mut direct, &defined);
        fold_strings(tag, &mut soup);
    }
    // Names assembled from pieces: the decoded strings of the whole template, joined
    // in order (forwards and reversed), hold a sensitive dunder that no single token
    // spelled out.
    if soup.len() < 64 << 20 {
        let soup = soup.to_lowercase();
        let reversed: String = soup.chars().rev().collect();
        // Every string on its own, separated so that no name spans two of them.
        let mut singles = String::new();
        for t in lexed.tokens.iter().filter(|t| t.kind == TokKind::Str) {
            if singles.len() > 64 << 20 {
                break;
            }
            singles.push_str(&t.text.to_lowercase());
            singles.push('\0');
        }
        for d in dunders_in(&soup).chain(dunders_in(&reversed)) {
            // Spelled out inside one string (prose, a code sample): not assembled.
            let in_one_string = singles.contains(d);
            if !in_one_string && direct.insert(d.to_string()) {
                let line = lexed
                    .tokens
                    .iter()
                    .find(|t| {
                        t.kind == TokKind::Str && !t.text.is_empty() && d.contains(t.text.as_str())
                    })
                    .map_or(1, |t| t.line);
                let tag = tag_at_line(lexed, line);
                hits.add(
                    Signal::Obfuscation,
                    Severity::Critical,
                    line,
                    format!("`{d}` assembled from pieces at render time"),
                    tag,
                );
            }
        }
    }
    for m in &lexed.malformed {
        hits.hits.push((
            Signal::Malformed,
            Severity::Low,
            m.line,
            m.message.clone(),
            String::new(),
        ));
    }
    Ok(aggregate(hits.hits))
}

/// Names the template defines itself (macros, `set` targets, loop variables): calling
/// a macro named `system` is not calling `os.system`.
fn defined_names(lexed: &Lexed) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for tag in lexed.tags() {
        if let [first, rest @ ..] = tag
            && (first.is_ident("macro") || first.is_ident("set") || first.is_ident("for"))
        {
            for t in rest
                .iter()
                .take_while(|t| !t.is_ident("in") && !t.is_op("=") && !t.is_op("("))
            {
                if t.kind == TokKind::Ident && out.len() < 4096 {
                    out.insert(t.text.clone());
                }
            }
        }
    }
    out
}

fn tag_at_line(lexed: &Lexed, line: u32) -> &[Token] {
    lexed
        .tags()
        .find(|t| t.iter().any(|x| x.line == line))
        .unwrap_or_default()
}

fn aggregate(mut hits: Vec<(Signal, Severity, u32, String, String)>) -> Vec<TemplateFinding> {
    hits.sort_by_key(|h| h.0);
    let mut out: Vec<TemplateFinding> = Vec::new();
    for (signal, sev, line, what, evidence) in hits {
        match out.last_mut() {
            Some(f) if f.signal == signal => {
                f.severity = f.severity.max(sev);
                if f.items.len() < MAX_ITEMS && !f.items.contains(&what) {
                    f.items.push(what);
                }
                if f.evidence.is_empty() {
                    f.evidence = evidence;
                }
            }
            _ => out.push(TemplateFinding {
                signal,
                severity: sev,
                line,
                items: vec![what],
                evidence,
            }),
        }
    }
    out
}

fn scan_tag(
    statement: bool,
    tag: &[Token],
    hits: &mut Hits,
    direct: &mut BTreeSet<String>,
    defined: &BTreeSet<String>,
) {
    let is_statement_start = |j: usize| statement && j == 0;
    for (j, tok) in tag.iter().enumerate() {
        let prev = j.checked_sub(1).and_then(|p| tag.get(p));
        let prev2 = j.checked_sub(2).and_then(|p| tag.get(p));
        let next = tag.get(j + 1);
        let after_dot = prev.is_some_and(|p| p.is_op("."));
        let called = next.is_some_and(|n| n.is_op("("));
        let subscripted = prev.is_some_and(|p| p.is_op("["));
        let line = tok.line;
        match tok.kind {
            TokKind::Ident => {
                let name = tok.text.as_str();
                if is_dunder(name) {
                    direct.insert(name.to_string());
                    let how = if after_dot { "attribute" } else { "name" };
                    hits.add(
                        Signal::Injection,
                        Severity::Critical,
                        line,
                        format!("dunder {how} `{name}`"),
                        tag,
                    );
                    if name == "__subclasses__" && tag.first().is_some_and(|t| t.is_ident("for")) {
                        hits.add(
                            Signal::Injection,
                            Severity::Critical,
                            line,
                            "loop over `__subclasses__()` (class discovery)".into(),
                            tag,
                        );
                    }
                } else if after_dot && ENGINE_ATTRIBUTES.contains(&name) {
                    hits.add(
                        Signal::Reach,
                        Severity::High,
                        line,
                        format!("template engine internals `.{name}`"),
                        tag,
                    );
                } else if after_dot && name.starts_with('_') {
                    hits.add(
                        Signal::Reach,
                        Severity::Medium,
                        line,
                        format!("private attribute `{name}`"),
                        tag,
                    );
                }
                let defined_here = prev.is_some_and(|p| p.is_ident("macro") || p.is_ident("set"))
                    || (!after_dot && defined.contains(name));
                let module_head = !after_dot
                    && !defined_here
                    && next.is_some_and(|n| n.is_op("."))
                    && name != "modules";
                // A module counts when something dangerous follows it: `.os.popen`,
                // `os.environ`, `.modules['os']` (not `.resources.requests.cpu`).
                let dangerous_follow = match (next, tag.get(j + 2)) {
                    (Some(d), Some(a)) if d.is_op(".") => {
                        a.kind == TokKind::Ident && MODULE_ATTRIBUTES.contains(&a.text.as_str())
                    }
                    (Some(b), Some(a)) if b.is_op("[") => a.kind == TokKind::Str,
                    _ => false,
                };
                if (after_dot || module_head) && dangerous_follow && MODULES.contains(&name) {
                    hits.add(
                        Signal::Injection,
                        Severity::Critical,
                        line,
                        format!("module `{name}` reached as an attribute"),
                        tag,
                    );
                }
                if (called && !defined_here || after_dot && name != "system")
                    && EXEC_CALLS.contains(&name)
                {
                    hits.add(
                        Signal::Injection,
                        Severity::Critical,
                        line,
                        format!("call of `{name}()`"),
                        tag,
                    );
                } else if called && !defined_here && OTHER_CALLS.contains(&name) {
                    hits.add(
                        Signal::Reach,
                        Severity::High,
                        line,
                        format!("call of `{name}()`"),
                        tag,
                    );
                }
                if !after_dot && REACH_GLOBALS.contains(&name) {
                    let reached = match next {
                        Some(n) if n.is_op(".") || n.is_op("[") => true,
                        Some(n) if n.is_op("|") => !tag.get(j + 2).is_some_and(|f| {
                            f.kind == TokKind::Ident
                                && matches!(
                                    f.text.as_str(),
                                    "length" | "count" | "list" | "first" | "last"
                                )
                                && name == "range"
                        }),
                        _ => false,
                    };
                    // `range(...)`, `dict(...)`, `namespace(...)` are calls, and `g`
                    // or `session` are ordinary loop variables unless subscripted
                    // into internals (caught as dunders then).
                    let plain = matches!(name, "range" | "dict" | "g" | "session")
                        && !next.is_some_and(|n| n.is_op("|"));
                    if reached && !plain && !defined_here {
                        hits.add(
                            Signal::Reach,
                            Severity::High,
                            line,
                            format!("attributes of the environment global `{name}`"),
                            tag,
                        );
                    }
                }
                if is_statement_start(j) && LOADING_STATEMENTS.contains(&name) {
                    hits.add(
                        Signal::Reach,
                        Severity::High,
                        line,
                        format!("`{name}` statement loads another template"),
                        tag,
                    );
                }
                if name == "attr" && prev.is_some_and(|p| p.is_op("|")) && called {
                    let arg = tag.get(j + 2);
                    if !arg.is_some_and(|a| a.kind == TokKind::Str) {
                        hits.add(
                            Signal::Obfuscation,
                            Severity::High,
                            line,
                            "`attr` filter with a name computed at render time".into(),
                            tag,
                        );
                    }
                }
            }
            TokKind::Int if tok.int >= HUGE => {
                let repeat = prev.is_some_and(|p| p.is_op("*") || p.is_op("**"));
                let ranged = prev.is_some_and(|p| p.is_op("(") || p.is_op(","))
                    && tag[..j].iter().rev().take(4).any(|t| t.is_ident("range"));
                if repeat || ranged {
                    hits.add(
                        Signal::Reach,
                        Severity::High,
                        line,
                        format!("render-time resource exhaustion ({})", tok.text),
                        tag,
                    );
                }
            }
            TokKind::Str => {
                let s = tok.text.as_str();
                let found: Vec<&str> = PAYLOAD_DUNDERS
                    .iter()
                    .copied()
                    .filter(|d| s.contains(d))
                    .collect();
                let exact_dunder = is_dunder(s.trim());
                if !found.is_empty() || exact_dunder {
                    let name = if exact_dunder {
                        s.trim().to_string()
                    } else {
                        found.first().map(|x| x.to_string()).unwrap_or_default()
                    };
                    direct.extend(found.iter().map(|x| x.to_string()));
                    if exact_dunder {
                        direct.insert(s.trim().to_string());
                    }
                    if tok.escaped {
                        hits.add(
                            Signal::Obfuscation,
                            Severity::Critical,
                            line,
                            format!("`{name}` written with escape sequences"),
                            tag,
                        );
                    } else {
                        hits.add(
                            Signal::Injection,
                            Severity::Critical,
                            line,
                            format!("dunder name `{name}` in a string"),
                            tag,
                        );
                    }
                }
                // A name in a string is reached only through `|attr('x')`,
                // `getattr(o, 'x')` or a real subscript whose result is used further:
                // `x['system'](…)`, `modules['os'].popen`. A quoted role name in a list
                // (`in ['system', 'user']`) or a dict key (`roles['system']`) is data.
                let by_attr = prev2.is_some_and(|p| p.is_ident("attr") || p.is_ident("getattr"))
                    && prev.is_some_and(|p| p.is_op("("))
                    || prev.is_some_and(|p| p.is_op(","))
                        && tag[..j].iter().rev().take(8).any(|t| t.is_ident("getattr"));
                let real_subscript = subscripted
                    && prev2
                        .is_some_and(|p| p.kind == TokKind::Ident || p.is_op("]") || p.is_op(")"))
                    && next.is_some_and(|n| n.is_op("]"));
                let used = tag.get(j + 2);
                let reached = real_subscript
                    && if EXEC_CALLS.contains(&s) {
                        used.is_some_and(|u| u.is_op("("))
                    } else {
                        used.is_some_and(|u| u.is_op(".") || u.is_op("[") || u.is_op("("))
                    };
                if (by_attr || reached) && (MODULES.contains(&s) || EXEC_CALLS.contains(&s)) {
                    let sig = if tok.escaped {
                        Signal::Obfuscation
                    } else {
                        Signal::Injection
                    };
                    hits.add(
                        sig,
                        Severity::Critical,
                        line,
                        format!("`{s}` reached by name"),
                        tag,
                    );
                }
                // Import of a module by name: `__import__('os')`, `import_module('os')`.
                if prev.is_some_and(|p| p.is_op("("))
                    && prev2
                        .is_some_and(|p| p.is_ident("__import__") || p.is_ident("import_module"))
                {
                    hits.add(
                        Signal::Injection,
                        Severity::Critical,
                        line,
                        format!("import of `{s}`"),
                        tag,
                    );
                }
            }
            _ => {}
        }
    }
}

/// Appends the strings a tag builds to `soup`: literals, `chr(N)`, `'%c' % N`,
/// `format` substitutions and `'_' * 2` repetitions.
fn fold_strings(tag: &[Token], soup: &mut String) {
    const CAP: usize = 1 << 20;
    let mut j = 0usize;
    while j < tag.len() && soup.len() < CAP {
        let t = &tag[j];
        match t.kind {
            TokKind::Str => {
                // `'x' * N`
                if tag.get(j + 1).is_some_and(|o| o.is_op("*"))
                    && let Some(n) = tag.get(j + 2).filter(|n| n.kind == TokKind::Int)
                {
                    let times = usize::try_from(n.int.clamp(0, 16)).unwrap_or(0);
                    soup.push_str(&t.text.repeat(times));
                    j += 3;
                    continue;
                }
                // `'s'|replace('a', 'b')`, `'s'.replace('a', 'b')`
                let replace_call = tag.get(j + 1).is_some_and(|o| o.is_op("|") || o.is_op("."))
                    && tag.get(j + 2).is_some_and(|f| f.is_ident("replace"))
                    && tag.get(j + 3).is_some_and(|p| p.is_op("("));
                if replace_call {
                    let (args, end) = literal_args(tag, j + 4, false);
                    match args.as_slice() {
                        [Arg::Str(from), Arg::Str(to), ..] if !from.is_empty() => {
                            soup.push_str(&t.text.replace(from.as_str(), to));
                        }
                        _ => soup.push_str(&t.text),
                    }
                    j = end;
                    continue;
                }
                // `'fmt'|format(args)`, `'fmt'.format(args)`, `'fmt' % (args)`
                let fmt_call = tag.get(j + 1).is_some_and(|o| o.is_op("|") || o.is_op("."))
                    && tag.get(j + 2).is_some_and(|f| f.is_ident("format"))
                    && tag.get(j + 3).is_some_and(|p| p.is_op("("));
                let percent = tag.get(j + 1).is_some_and(|o| o.is_op("%"));
                if fmt_call || percent {
                    let args_from = if fmt_call { j + 4 } else { j + 2 };
                    let (args, end) = literal_args(tag, args_from, !fmt_call);
                    soup.push_str(&substitute(&t.text, &args));
                    j = end;
                    continue;
                }
                soup.push_str(&t.text);
            }
            TokKind::Ident if t.text == "chr" => {
                if tag.get(j + 1).is_some_and(|p| p.is_op("("))
                    && let Some(n) = tag.get(j + 2).filter(|n| n.kind == TokKind::Int)
                {
                    if let Some(c) = u32::try_from(n.int).ok().and_then(char::from_u32) {
                        soup.push(c);
                    }
                    j += 3;
                    continue;
                }
            }
            _ => {}
        }
        j += 1;
    }
}

enum Arg {
    Str(String),
    Int(i64),
}

/// Literal arguments from `from` up to the closing parenthesis (or, for `%` with a
/// single operand, that operand). Returns them and the index after them.
fn literal_args(tag: &[Token], from: usize, percent: bool) -> (Vec<Arg>, usize) {
    let mut args = Vec::new();
    let mut j = from;
    if percent && !tag.get(j).is_some_and(|t| t.is_op("(")) {
        match tag.get(j) {
            Some(t) if t.kind == TokKind::Str => args.push(Arg::Str(t.text.clone())),
            Some(t) if t.kind == TokKind::Int => args.push(Arg::Int(t.int)),
            _ => {}
        }
        return (args, j + 1);
    }
    if percent {
        j += 1;
    }
    let mut depth = 0usize;
    while let Some(t) = tag.get(j) {
        j += 1;
        if t.is_op("(") || t.is_op("[") {
            depth += 1;
        } else if t.is_op(")") || t.is_op("]") {
            if depth == 0 {
                break;
            }
            depth -= 1;
        } else if t.kind == TokKind::Str && args.len() < 64 {
            args.push(Arg::Str(t.text.clone()));
        } else if t.kind == TokKind::Int && args.len() < 64 {
            args.push(Arg::Int(t.int));
        }
    }
    (args, j)
}

/// `%s`/`%c`/`%d` and `{}`/`{N}` substitution with literal arguments.
fn substitute(fmt: &str, args: &[Arg]) -> String {
    let text = |a: &Arg, as_char: bool| match a {
        Arg::Str(s) => s.clone(),
        Arg::Int(n) if as_char => u32::try_from(*n)
            .ok()
            .and_then(char::from_u32)
            .map(String::from)
            .unwrap_or_default(),
        Arg::Int(n) => n.to_string(),
    };
    let mut out = String::new();
    let mut next = 0usize;
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0usize;
    while i < chars.len() && out.len() < 1 << 16 {
        let c = chars[i];
        if c == '%' && matches!(chars.get(i + 1), Some('s' | 'c' | 'd' | 'r')) {
            if let Some(a) = args.get(next) {
                out.push_str(&text(a, chars[i + 1] == 'c'));
            }
            next += 1;
            i += 2;
        } else if c == '{' {
            let close = chars[i + 1..].iter().position(|&x| x == '}');
            match close {
                Some(k) if k <= 6 => {
                    // `{}`, `{0}`, `{:c}`, `{0:c}`, `{:s}`.
                    let field: String = chars[i + 1..i + 1 + k].iter().collect();
                    let (index, spec) = field.split_once(':').unwrap_or((field.as_str(), ""));
                    if !index.bytes().all(|b| b.is_ascii_digit())
                        || !matches!(spec, "" | "c" | "s" | "d")
                    {
                        out.push(c);
                        i += 1;
                        continue;
                    }
                    let idx = if index.is_empty() {
                        next += 1;
                        next - 1
                    } else {
                        index.parse().unwrap_or(usize::MAX)
                    };
                    if let Some(a) = args.get(idx) {
                        out.push_str(&text(a, spec == "c"));
                    }
                    i += k + 2;
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str) -> Vec<TemplateFinding> {
        analyze_template(src, &mut || Ok(())).unwrap()
    }

    fn worst(src: &str) -> Option<Severity> {
        run(src).iter().map(|f| f.severity).max()
    }

    fn signals(src: &str) -> Vec<Signal> {
        run(src).iter().map(|f| f.signal).collect()
    }

    const BENIGN: &[&str] = &[
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
        "{%- set ns = namespace(system='') -%}{%- for m in messages -%}{%- if m.role == 'system' -%}{%- set ns.system = m.content -%}{%- elif m.role not in ['user','assistant'] -%}{{ raise_exception('bad role') }}{%- else -%}{{ '<|im_start|>' + m.role + '\n' + m.content + '<|im_end|>\n' }}{%- endif -%}{%- endfor -%}",
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}",
        "{% for message in messages %}{{ message['role'].title() }}: {{ message['content'].strip() }}\n{% endfor %}",
        "{% if tools %}{{ tools | tojson(indent=4) }}{% endif %}{% for m in messages %}{% if loop.last and m.role == 'assistant' %}{{ m.content | replace('<think>', '') }}{% endif %}{% endfor %}",
        "{% for message in messages %}{% if message.class == 'important' %}IMPORTANT: {{ message.content }}{% endif %}{% endfor %}",
        "{%- macro render(m) -%}{{ m['content'] }}{%- endmacro -%}{% for i in range(messages|length) %}{{ render(messages[i]) }}{% endfor %}{{ '%s: %s' | format('a', 'b') }}",
        "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% endfor %}",
        "{% set sys = messages[0]['content'] if messages[0]['role'] == 'system' else '' %}{{ sys }}{{ '__' }}{{ 'init' }}",
        "{% set default_system = 'You write Python. Guard scripts with if __name__ == \"__main__\": and define __init__ methods.' %}{{ default_system }}{% for m in messages %}{{ m.content }}{% endfor %}",
        "{%- for message in messages %}{%- if message.role == 'assistant' and message.tool_calls is defined %}{%- for tool_call in message.tool_calls %}{{- '<tool_call>\n' ~ {'name': tool_call.function.name, 'arguments': tool_call.function.arguments} | tojson ~ '\n</tool_call>' }}{%- endfor %}{%- elif message.content is string %}{{- message.content.split('</think>')[-1].lstrip('\n') }}{%- endif %}{%- endfor %}{%- if not date_string is defined %}{%- set date_string = strftime_now('%d %b %Y') %}{%- endif %}{{ date_string }}",
        "{% for tool in tools %}{% for key, value in tool.items() %}{{ key }}={{ value | tojson }}{% endfor %}{% endfor %}{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | join('\n') }}",
    ];

    /// Tool-calling template in the style of current instruction models: defaults for
    /// undefined variables, `strftime_now`, tests (`is defined`, `is mapping`), JSON in
    /// strings, comments, `tojson(indent=4)`, loop look-behind.
    const TOOL_TEMPLATE: &str = r#"{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not date_string is defined %}
    {%- if strftime_now is defined %}
        {%- set date_string = strftime_now("%d %b %Y") %}
    {%- else %}
        {%- set date_string = "26 Jul 2024" %}
    {%- endif %}
{%- endif %}
{#- This block extracts the system message. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>

" }}
{%- if tools is not none %}
    {{- "Environment: ipython
" }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "

" }}
    {%- endfor %}
{%- endif %}
{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>

'+ message['content'] + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {{- '{"name": "' + tool_call.name + '", ' }}
        {{- tool_call.arguments | tojson }}
        {{- "}" }}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- raise_exception("Cannot put tools in the first user message when there's no first user message!") if false }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>

' }}
{%- endif %}
"#;

    /// Role names quoted in a list or used as dict keys are data, not names reached.
    #[test]
    fn quoted_role_names_are_data() {
        for t in [
            "{%- if messages and messages[0]['role'] in ['system', 'developer'] -%}{{ '<|turn>system' }}{%- endif -%}",
            "{% set roles = {'system': 'S', 'user': 'U'} %}{{ roles['system'] }}{{ prefixes['system'] ~ m.content }}",
            "{{ ['os', 'sys'] | join(',') }}",
        ] {
            let f = run(t);
            assert!(f.is_empty(), "{t}\n{f:#?}");
        }
        for t in [
            "{{ x|attr('system')('id') }}",
            "{{ getattr(x, 'popen')('id') }}",
            "{{ lib['system']('id') }}",
            "{{ sysmods['os'].popen('id') }}",
        ] {
            assert_eq!(worst(t), Some(Severity::Critical), "{t}");
        }
    }

    #[test]
    fn tool_calling_template_stays_clean() {
        let f = run(TOOL_TEMPLATE);
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn real_world_templates_stay_clean() {
        for t in BENIGN {
            let f = run(t);
            assert!(f.is_empty(), "{t}\n{f:#?}");
        }
    }

    #[test]
    fn dunder_chains_are_critical() {
        for t in [
            "{{ ''.__class__.__mro__[1].__subclasses__() }}",
            "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
            "{% for c in [].__class__.__base__.__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}{{ c()._module.__builtins__['__import__']('os').system('x') }}{% endif %}{% endfor %}",
            "{{ self.__init__.__globals__['os'].system('x') }}",
            "{{ getattr(getattr('', '__class__'), '__mro__') }}",
            "{{ __builtins__['eval']('1') }}",
        ] {
            assert_eq!(worst(t), Some(Severity::Critical), "{t}");
            assert!(signals(t).contains(&Signal::Injection), "{t}");
        }
    }

    #[test]
    fn escaped_and_built_names_are_obfuscation() {
        for t in [
            r"{{ (messages|attr('\x5f\x5fclass\x5f\x5f')|attr('\x5f\x5fbase\x5f\x5f'))() }}",
            r"{{ x|attr('\u005f\u005fglobals\u005f\u005f') }}",
            "{{ x|attr('__cla' ~ 'ss__') }}",
            "{% set a = '__glo' %}{% set b = 'bals__' %}{{ x|attr(a ~ b) }}",
            "{{ x|attr(['_','_','mro','_','_']|join) }}",
            "{{ x[''.join([chr(95), chr(95), chr(98), chr(117), chr(105), chr(108), chr(116), chr(105), chr(110), chr(115), chr(95), chr(95)])] }}",
            "{{ x|attr('%c%cclass%c%c'|format(95,95,95,95)) }}",
            "{{ x|attr('{0}{0}init{0}{0}'.format('_')) }}",
            "{{ x|attr('_' * 2 ~ 'class' ~ '_' * 2) }}",
            "{{ x|attr('__ssalc__'|reverse) }}",
            "{{ x|attr('XXclassXX'|replace('X', '_')) }}",
            "{{ x|attr('{:c}{:c}class{:c}{:c}'.format(95, 95, 95, 95)) }}",
            "{{ x|attr('__CL' ~ 'ASS__'|lower) }}",
        ] {
            let s = signals(t);
            assert!(s.contains(&Signal::Obfuscation), "{t}: {s:?}");
            assert_eq!(worst(t), Some(Severity::Critical), "{t}");
        }
    }

    #[test]
    fn environment_globals_and_calls() {
        assert_eq!(worst("{{ lipsum|string }}"), Some(Severity::High));
        assert_eq!(worst("{{ config.items() }}"), Some(Severity::High));
        assert_eq!(worst("{{ request.application }}"), Some(Severity::High));
        assert_eq!(worst("{% include '/etc/passwd' %}"), Some(Severity::High));
        assert_eq!(worst("{{ x.os.listdir('/') }}"), Some(Severity::Critical));
        assert_eq!(
            worst("{{ x.requests.get('http://h.invalid') }}"),
            Some(Severity::Critical)
        );
        assert_eq!(worst("{{ x.popen('id') }}"), Some(Severity::Critical));
        assert_eq!(worst("{{ x|attr(name) }}"), Some(Severity::High));
        assert_eq!(worst("{{ c()._module }}"), Some(Severity::Medium));
        assert_eq!(worst("{{ os.environ }}"), Some(Severity::Critical));
        assert_eq!(worst("{{ x.sys.modules['os'] }}"), Some(Severity::Critical));
        assert_eq!(
            worst("cpu: {{ item.resources.requests.cpu }} {{ item.os.type }}"),
            None
        );
        assert_eq!(worst("{{ include('x') }}"), None);
        assert_eq!(
            worst("{% for os in systems %}{{ os.name }}{% endfor %}"),
            None
        );
        assert_eq!(
            worst("{{ self._TemplateReference__context }}"),
            Some(Severity::High)
        );
        assert_eq!(
            worst("{% for i in range(999999999) %}x{% endfor %}"),
            Some(Severity::High)
        );
        assert_eq!(worst("{{ 'a' * 100000000 }}"), Some(Severity::High));
        assert_eq!(
            worst("{% for i in range(messages|length) %}{{ i * 2 }}{% endfor %}"),
            None
        );
        assert_eq!(worst("{% set c = cycler('a', 'b') %}{{ c.next() }}"), None);
        assert_eq!(
            worst("{% macro system(m) %}{% endmacro %}{{ system(x) }}"),
            None
        );
    }

    #[test]
    fn malformed_is_low() {
        let f = run("{{ unclosed_bracket");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].signal, Signal::Malformed);
        assert_eq!(f[0].severity, Severity::Low);
    }

    #[test]
    fn payloads_after_an_unterminated_construct_still_count() {
        let f = run("{{ 'abc }}{{ x.__class__.__mro__ }}");
        assert!(
            f.iter()
                .any(|f| f.signal == Signal::Injection && f.severity == Severity::High)
        );
        assert_eq!(worst("{# {{ ''.__class__ }}"), Some(Severity::High));
        assert_eq!(worst("{{ unclosed"), Some(Severity::Low));
    }

    #[test]
    fn text_is_not_code() {
        assert_eq!(
            worst("Explain __class__ and os.system('x') in Python."),
            None
        );
        assert_eq!(worst("{# x.__class__ #}hello"), None);
    }

    #[test]
    fn time_limit_is_honoured() {
        let r = analyze_template("{{ a }}", &mut || Err(TimeLimitReached(1)));
        assert!(r.is_err());
    }
}

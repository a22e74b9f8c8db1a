//! The sinks model output must not reach: one matcher for six rules, as ruff's
//! `suspicious_function_call.rs` serves several. A call (or an assignment, a property,
//! a JSX attribute) is matched against the Python or the JavaScript/TypeScript tables
//! below; the first [`Sink`] whose argument carries model output (the walk's taint,
//! `flow/taint.rs`) gives the finding of its rule:
//!
//! | sink | rule |
//! |---|---|
//! | code execution | `code001_llm_output_to_exec::RULE` |
//! | shell | `code002_llm_output_to_shell::RULE` |
//! | SQL | `code003_llm_output_to_sql::RULE` |
//! | HTML (calls, `innerHTML`/`outerHTML`, `dangerouslySetInnerHTML`) | `code004_llm_output_to_html::RULE` |
//! | file paths | `code005_llm_output_to_path::RULE` |
//! | deserialisers (Python) | `code006_llm_output_deserialised::RULE` |

use super::{
    Weighing, code001_llm_output_to_exec, code002_llm_output_to_shell, code003_llm_output_to_sql,
    code004_llm_output_to_html, code005_llm_output_to_path, code006_llm_output_deserialised,
};
use crate::flow::{Assignment, Call, Property, SHELL_CALLS, Walker, named_children};
use aispm_core::Rule;
use tree_sitter::Node;

/// Flows of model output keep their severity in tests and examples too.
pub(crate) const WEIGHING: Weighing = Weighing::Anywhere;

/// What a sink does with the model output that reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    Exec,
    Shell,
    Sql,
    Html,
    Path,
    Deserialise,
}

impl Sink {
    fn rule(self) -> &'static Rule {
        match self {
            Sink::Exec => &code001_llm_output_to_exec::RULE,
            Sink::Shell => &code002_llm_output_to_shell::RULE,
            Sink::Sql => &code003_llm_output_to_sql::RULE,
            Sink::Html => &code004_llm_output_to_html::RULE,
            Sink::Path => &code005_llm_output_to_path::RULE,
            Sink::Deserialise => &code006_llm_output_deserialised::RULE,
        }
    }
}

/// A Python call reached by model output.
pub(crate) fn check_python_call<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    if let Some((sink, what)) = python_sink(w, call) {
        report_call(w, sink, call, what);
    }
}

/// A JavaScript or TypeScript call reached by model output.
pub(crate) fn check_js_call<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    if let Some((sink, what)) = js_sink(w, call) {
        report_call(w, sink, call, what);
    }
}

fn report_call<'s>(w: &mut Walker<'s>, sink: Sink, call: &Call<'s>, what: &str) {
    let msg = format!("Model output reaches `{what}`");
    w.hit(sink.rule(), call.node, msg, None);
}

// Python.

/// Programs that run their arguments as a command line.
const SHELLS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "cmd",
    "cmd.exe",
    "powershell",
    "pwsh",
];

/// `subprocess` functions that start a program.
const SUBPROCESS: &[&str] = &["run", "call", "check_call", "check_output", "Popen"];

/// Methods that run an SQL string.
const PY_SQL_METHODS: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "exec_driver_sql",
    "raw",
    "read_sql",
    "read_sql_query",
    "mogrify",
];

/// Receivers whose `execute` is an agent's, a chain's or a crew's, not a database's.
const PY_NOT_SQL: &[&str] = &["executor", "agent", "chain", "tool", "graph", "crew"];

/// Calls that open, move or delete the path they are given.
const PY_PATH_CALLS: &[&str] = &[
    "io.open",
    "os.remove",
    "os.unlink",
    "os.rmdir",
    "os.removedirs",
    "shutil.rmtree",
    "shutil.move",
    "shutil.copy",
    "shutil.copyfile",
    "shutil.copytree",
    "flask.send_file",
];

/// Deserialisers that build arbitrary objects.
const PY_DESERIALISERS: &[&str] = &[
    "pickle.loads",
    "dill.loads",
    "marshal.loads",
    "jsonpickle.decode",
    "yaml.unsafe_load",
    "cloudpickle.loads",
];

fn python_sink<'c, 's>(w: &Walker<'s>, call: &'c Call<'s>) -> Option<(Sink, &'c str)> {
    let (segs, resolved, last) = (&call.segs, call.resolved.as_str(), call.last);
    let arg0 = call.arg0();
    let bare = w.is_builtin(segs);
    // Code execution.
    let exec = (bare && matches!(last, "eval" | "exec" | "compile" | "execfile"))
        || matches!(resolved, "builtins.eval" | "builtins.exec")
        || last == "render_template_string"
        || (resolved.starts_with("jinja2") && matches!(last, "Template" | "from_string"))
        || (last == "from_string" && segs.len() >= 2);
    if exec && w.tainted_llm(arg0) {
        return Some((Sink::Exec, last));
    }
    // Shell.
    let shell_always = SHELL_CALLS.contains(&resolved)
        || resolved == "asyncio.create_subprocess_exec"
        || resolved.starts_with("os.exec")
        || resolved.starts_with("os.spawn");
    if shell_always && w.tainted_llm(arg0) {
        return Some((Sink::Shell, resolved));
    }
    if resolved.starts_with("subprocess.") && SUBPROCESS.contains(&last) {
        let argv = arg0.or_else(|| call.kwarg("args"));
        let shell = call.kwarg("shell").is_some_and(|v| w.is_literal_true(v));
        let hit = match argv {
            Some(a) if matches!(w.kind(a), "list" | "tuple") => {
                let items = named_children(a);
                let program = items.first().and_then(|p| w.string_literal(*p));
                let via_shell = program.as_deref().is_some_and(|p| {
                    let p = p.rsplit('/').next().unwrap_or(p);
                    SHELLS.contains(&p)
                });
                w.tainted_llm(items.first().copied())
                    || ((via_shell || shell) && items.iter().any(|i| w.tainted_llm(Some(*i))))
            }
            Some(a) => w.tainted_llm(Some(a)),
            None => false,
        };
        if hit {
            return Some((Sink::Shell, resolved));
        }
    }
    // SQL.
    let receiver = call.receiver();
    let sql_receiver = receiver
        .as_deref()
        .is_some_and(|r| !PY_NOT_SQL.iter().any(|x| r.contains(x)));
    if PY_SQL_METHODS.contains(&last)
        && segs.len() >= 2
        && sql_receiver
        && w.tainted_llm(arg0.or_else(|| call.kwarg("sql")))
    {
        return Some((Sink::Sql, last));
    }
    // HTML.
    let unsafe_html = call
        .kwarg("unsafe_allow_html")
        .is_some_and(|v| w.is_literal_true(v));
    let html = PY_HTML_CALLS.contains(&last)
        || PY_HTML_FUNCTIONS.contains(&resolved)
        || (resolved == "streamlit.markdown" || last == "markdown") && unsafe_html;
    if html && w.tainted_llm(arg0.or_else(|| call.kwarg("content"))) {
        return Some((Sink::Html, last));
    }
    // File paths.
    let path = (bare && last == "open") || PY_PATH_CALLS.contains(&resolved);
    if path && w.tainted_llm(arg0) {
        return Some((Sink::Path, resolved));
    }
    // Deserialisation.
    let safe_loader = call
        .kwarg("Loader")
        .or_else(|| call.arg(1))
        .is_some_and(|l| w.text(l).contains("Safe"));
    let deser = PY_DESERIALISERS.contains(&resolved) || (resolved == "yaml.load" && !safe_loader);
    if deser && w.tainted_llm(arg0) {
        return Some((Sink::Deserialise, resolved));
    }
    None
}

// JavaScript and TypeScript.

/// `vm` functions that compile or run a string.
const JS_VM: &[&str] = &[
    "vm.runInNewContext",
    "vm.runInThisContext",
    "vm.runInContext",
    "vm.compileFunction",
    "vm.Script",
];

/// Functions that start a program (the first argument) or a command line.
const JS_SHELL_CALLS: &[&str] = &[
    "child_process.exec",
    "child_process.execSync",
    "child_process.spawn",
    "child_process.spawnSync",
    "child_process.execFile",
    "child_process.execFileSync",
    "execa",
    "execa.execa",
    "execa.execaCommand",
    "execa.execaCommandSync",
    "execa.execaSync",
    "shelljs.exec",
];

/// Methods that run an SQL string.
const JS_SQL_METHODS: &[&str] = &[
    "query",
    "execute",
    "raw",
    "prepare",
    "unsafe",
    "$queryRawUnsafe",
    "$executeRawUnsafe",
];

/// Receivers whose `execute` or `raw` is an agent's or a chain's, not a database's.
const JS_NOT_SQL: &[&str] = &["executor", "agent", "chain", "tool", "graph"];

/// Receivers whose `query` is a retriever's, an index's or a router's, not a
/// database's.
const NOT_SQL_QUERY: &[&str] = &[
    "index",
    "engine",
    "retriever",
    "vector",
    "store",
    "collection",
    "search",
    "graph",
    "agent",
    "chain",
    "tool",
    "$",
    "jquery",
    "document",
    "router",
    "url",
];

/// `fs` functions that open, write, move or delete the path they are given.
const JS_FS_FUNCTIONS: &[&str] = &[
    "readFile",
    "readFileSync",
    "writeFile",
    "writeFileSync",
    "appendFile",
    "appendFileSync",
    "unlink",
    "unlinkSync",
    "rm",
    "rmSync",
    "rmdir",
    "rmdirSync",
    "createReadStream",
    "createWriteStream",
    "open",
    "openSync",
    "copyFile",
    "copyFileSync",
    "rename",
    "renameSync",
];

fn js_sink<'c, 's>(w: &Walker<'s>, call: &'c Call<'s>) -> Option<(Sink, &'c str)> {
    let (segs, resolved, last, pos) = (&call.segs, call.resolved.as_str(), call.last, &call.pos);
    let arg0 = call.arg0();
    let bare = w.is_builtin(segs);
    // Code execution.
    let exec = (bare && matches!(last, "eval" | "Function"))
        || (segs.len() == 2 && segs[0] == "window" && last == "eval")
        || JS_VM.contains(&resolved)
        || (bare
            && matches!(last, "setTimeout" | "setInterval")
            && arg0.is_some_and(|a| {
                !matches!(
                    w.kind(a),
                    "arrow_function" | "function_expression" | "function" | "identifier"
                )
            }));
    if exec && pos.iter().any(|a| w.tainted_llm(Some(*a))) {
        return Some((Sink::Exec, last));
    }
    // Shell.
    let shell = JS_SHELL_CALLS.contains(&resolved)
        || (segs.len() == 2 && matches!(segs[0], "shell" | "shelljs") && last == "exec");
    if shell {
        let shell_opt = call.kwarg("shell").is_some_and(|v| w.is_literal_true(v));
        let hit = w.tainted_llm(arg0)
            || (shell_opt && pos.iter().skip(1).any(|a| w.tainted_llm(Some(*a))));
        if hit {
            return Some((Sink::Shell, resolved));
        }
    }
    // SQL.
    let receiver = call.receiver();
    let sql_receiver = receiver.as_deref().is_some_and(|r| {
        // `query` is also the method of retrievers, indexes and query engines.
        let not_sql = if last == "query" {
            NOT_SQL_QUERY
        } else {
            JS_NOT_SQL
        };
        !not_sql.iter().any(|x| r.contains(x))
    });
    if JS_SQL_METHODS.contains(&last) && segs.len() >= 2 && sql_receiver && w.tainted_llm(arg0) {
        return Some((Sink::Sql, last));
    }
    // HTML.
    let html = (last == "insertAdjacentHTML" && w.tainted_llm(call.arg(1)))
        || (segs.len() == 2
            && segs[0] == "document"
            && matches!(last, "write" | "writeln")
            && w.tainted_llm(arg0))
        || (last == "html"
            && segs.len() >= 3
            && matches!(segs[0], "$" | "jQuery")
            && segs[1] == "()"
            && w.tainted_llm(arg0));
    if html {
        return Some((Sink::Html, last));
    }
    // File paths.
    let fs = resolved.starts_with("fs.")
        || resolved.starts_with("fs/promises.")
        || resolved.starts_with("fs-extra.");
    if fs && JS_FS_FUNCTIONS.contains(&last) && w.tainted_llm(arg0) {
        return Some((Sink::Path, resolved));
    }
    None
}

// HTML (`CODE004`): every place model output becomes markup. Calls are in the tables
// above (Python: the two lists below and `markdown(…, unsafe_allow_html=True)`;
// JavaScript: `insertAdjacentHTML`, `document.write`, jQuery's `.html()`); besides
// calls, DOM properties assigned to, and React's raw-HTML property and attribute.

/// Python calls that mark a string as safe HTML or serve it as HTML (with
/// `markdown(…, unsafe_allow_html=True)`, in `python_sink`).
const PY_HTML_CALLS: &[&str] = &["Markup", "mark_safe", "HTMLResponse"];

/// Python functions, by resolved name, that render their argument as HTML.
const PY_HTML_FUNCTIONS: &[&str] = &[
    "streamlit.html",
    "streamlit.components.v1.html",
    "gradio.HTML",
];

/// DOM properties that parse what is assigned to them as HTML.
const HTML_PROPERTIES: &[&str] = &["innerHTML", "outerHTML"];

/// React's property and attribute for raw HTML.
const RAW_HTML: &str = "dangerouslySetInnerHTML";

/// `el.innerHTML = <model output>` (and `+=`).
pub(crate) fn check_js_assignment<'s>(w: &mut Walker<'s>, a: &Assignment<'s>) {
    if a.taint & crate::flow::LLM == 0 || w.kind(a.left) != "member_expression" {
        return;
    }
    let prop = w.field(a.left, "property").map(|p| w.text(p)).unwrap_or("");
    if HTML_PROPERTIES.contains(&prop) {
        w.hit(
            Sink::Html.rule(),
            a.node,
            format!("Model output is assigned to `{prop}`"),
            None,
        );
    }
}

/// `<div dangerouslySetInnerHTML={{ __html: <model output> }} />`.
pub(crate) fn check_jsx_attribute<'s>(w: &mut Walker<'s>, n: Node<'s>) {
    let children = named_children(n);
    let Some(name) = children.first() else {
        return;
    };
    if w.text(*name) != RAW_HTML {
        return;
    }
    if children.iter().skip(1).any(|v| w.tainted_llm(Some(*v))) {
        w.hit(
            Sink::Html.rule(),
            n,
            format!("Model output is rendered with `{RAW_HTML}`"),
            None,
        );
    }
}

/// `createElement("div", { dangerouslySetInnerHTML: <model output> })`.
pub(crate) fn check_js_property<'s>(w: &mut Walker<'s>, p: &Property<'s>) {
    if p.key == RAW_HTML && w.tainted_llm(Some(p.value)) {
        w.hit(
            Sink::Html.rule(),
            p.node,
            format!("Model output is rendered with `{RAW_HTML}`"),
            None,
        );
    }
}

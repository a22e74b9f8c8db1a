//! GGUF models and chat templates. A GGUF file is walked ([`reader`]) with the
//! bounded reader of `aispm-formats`: header, metadata and tensor infos are checked
//! against the file size, and its chat templates are analysed for server-side template injection
//! ([`template`], on the tokens of [`jinja`]). The same template analysis covers
//! templates outside GGUF: `tokenizer_config.json` (`chat_template` as a string or a
//! list of `{name, template}`, and any other string value holding Jinja tags),
//! standalone `.jinja` / `.j2` / `.template` files, and YAML configs.
//!
//! Injection, reach and shape (`MDL040`, `MDL042`, `MDL043`) are judged on chat
//! templates only: GGUF metadata templates, JSON values under a `chat_template` key,
//! files named or holding `chat_template`, and any template that renders a
//! conversation (`messages`, `add_generation_prompt`, `bos_token`). Jinja used for
//! deployment files, CI workflows or Helm charts shares the braces, not the threat;
//! only names assembled to hide a dunder (`MDL041`) are reported in any template.
//!
//! Nothing is rendered: templates are only tokenised.

use aispm_core::analyzer::TimeLimitReached;
use aispm_core::{AnalysisContext, AnalysisError, Analyzer, FileInput, FileKind, Rule};
use serde_json::Value;

pub mod jinja;
pub mod reader;
pub mod rules;
pub mod template;

use template::{TemplateFinding, analyze_lexed_template};

/// Largest JSON, YAML or text file read whole for its templates.
const MAX_TEXT_FILE: u64 = 16 << 20;
/// Most template strings analysed in one JSON file; a limit record counts the rest.
const MAX_JSON_TEMPLATES: usize = 256;
/// Deepest JSON nesting searched for templates; a limit record counts those below.
const MAX_JSON_DEPTH: u32 = 64;
/// Extensions of standalone template files.
const TEMPLATE_EXTENSIONS: &[&str] = &["jinja", "jinja2", "j2", "template", "tmpl", "tpl"];

/// Analyzer for GGUF model files and chat templates wherever they are stored.
#[derive(Debug, Default)]
pub struct GgufAnalyzer;

impl GgufAnalyzer {
    pub fn new() -> Self {
        GgufAnalyzer
    }
}

fn head_has(head: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(head, needle).is_some()
}

fn has_tags(head: &[u8]) -> bool {
    head_has(head, b"{{") || head_has(head, b"{%")
}

/// How a file carries templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carrier {
    Gguf,
    /// JSON: every string value holding Jinja tags.
    Json,
    /// The whole file is template text (standalone templates, YAML).
    Text,
}

fn carrier(file: &FileInput<'_>) -> Option<Carrier> {
    let ext = file.extension();
    let template_ext = TEMPLATE_EXTENSIONS.contains(&ext.as_str());
    match file.kind {
        FileKind::Gguf => Some(Carrier::Gguf),
        // Named GGUF but matching no format: the reader reports the missing magic.
        FileKind::Binary if ext == "gguf" => Some(Carrier::Gguf),
        // Text typing goes by content (a template whose lines start with `{%` reads as
        // JSON lines); the template extension says what it is.
        FileKind::Json
        | FileKind::Jsonl
        | FileKind::Text
        | FileKind::Yaml
        | FileKind::Csv
        | FileKind::Tsv
        | FileKind::Toml
        | FileKind::Markdown
            if template_ext =>
        {
            Some(Carrier::Text)
        }
        FileKind::Json => {
            let name = file.file_name().to_ascii_lowercase();
            // tokenizer_config.json keeps `chat_template` after the added tokens, often
            // past the head.
            // (not tokenizer.json, the vocabulary, which holds no template).
            let named = name.contains("tokenizer_config")
                || name.contains("template")
                || name.contains("chat");
            (named || has_tags(file.head) || head_has(file.head, b"chat_template"))
                .then_some(Carrier::Json)
        }
        FileKind::Yaml => {
            (has_tags(file.head) || head_has(file.head, b"template")).then_some(Carrier::Text)
        }
        _ => None,
    }
}

impl Analyzer for GgufAnalyzer {
    fn name(&self) -> &'static str {
        "gguf"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    fn accepts(&self, file: &FileInput<'_>) -> bool {
        carrier(file).is_some()
    }

    /// GGUF files are read up to the end of their tensor infos and text files are
    /// capped on their own, so size is no reason to skip a file.
    fn default_max_file_size(&self) -> u64 {
        u64::MAX
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        match carrier(file) {
            Some(Carrier::Gguf) => analyze_gguf(file, cx),
            Some(Carrier::Json) => analyze_json(file, cx),
            Some(Carrier::Text) => analyze_text(file, cx),
            None => Ok(()),
        }
    }
}

fn analyze_gguf(file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
    let mut r = file.open()?;
    let info = {
        let check = |cx: &AnalysisContext| cx.check_time();
        let mut f = || check(cx);
        match reader::read_gguf(&mut r, file.size, &mut f) {
            Ok(info) => info,
            Err(reader::ReadError::Io(e)) => return Err(e.into()),
            Err(reader::ReadError::Time(t)) => return Err(t.into()),
        }
    };
    for issue in &info.issues {
        cx.report(rules::check_reader_issue(file.path, &info, issue));
    }
    for key in &info.unreadable_templates {
        cx.error(
            file.path,
            aispm_core::ErrorKind::Limit,
            format!(
                "chat template `{key}` is larger than {} bytes and was not analysed",
                reader::MAX_TEMPLATE
            ),
        );
    }
    for (key, t) in &info.templates {
        report_template(file, cx, key, t, Lines::None, true)?;
    }
    Ok(())
}

fn read_text(
    file: &FileInput<'_>,
    cx: &mut AnalysisContext,
) -> Result<Option<String>, AnalysisError> {
    match file.read_all(MAX_TEXT_FILE)? {
        Some(b) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
        None => {
            cx.error(
                file.path,
                aispm_core::ErrorKind::Limit,
                format!("larger than {MAX_TEXT_FILE} bytes; templates not analysed"),
            );
            Ok(None)
        }
    }
}

fn analyze_text(file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
    let Some(text) = read_text(file, cx)? else {
        return Ok(());
    };
    if !text.contains("{{") && !text.contains("{%") {
        return Ok(());
    }
    // Helm charts and other Go templates share the braces but not the language.
    let lexed = jinja::lex(&text);
    if lexed.is_go_template() {
        return Ok(());
    }
    let chat = file
        .file_name()
        .to_ascii_lowercase()
        .contains("chat_template")
        || text.contains("chat_template")
        || lexed.renders_chat();
    report_template(file, cx, "", &text, Lines::Template, chat)
}

/// A template found in text that is not known to be a chat template (broken JSON, a
/// JSON value under another key) is judged only if it renders a conversation or the
/// text names `chat_template`.
fn is_chat_text(text: &str) -> bool {
    text.contains("chat_template") || jinja::lex(text).renders_chat()
}

fn analyze_json(file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
    let Some(text) = read_text(file, cx)? else {
        return Ok(());
    };
    // Only parse JSON that holds tags somewhere.
    if !text.contains("{{") && !text.contains("{%") {
        return Ok(());
    }
    // JSON too costly to parse into a tree is analysed as template text, as broken
    // JSON is: the tags are still found.
    if crate::json::over_budget(text.as_bytes()).is_some() {
        let chat = is_chat_text(&text);
        return report_template(file, cx, "", &text, Lines::Template, chat);
    }
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        // Not JSON after all (or broken): analyse the text as a template if it has tags.
        Err(_) => {
            let chat = is_chat_text(&text);
            return report_template(file, cx, "", &text, Lines::Template, chat);
        }
    };
    let mut found: Vec<(String, String)> = Vec::new();
    let mut omitted = 0usize;
    collect_json_templates(&value, String::new(), &mut found, &mut omitted, 0);
    if omitted > 0 {
        cx.error(
            file.path,
            aispm_core::ErrorKind::Limit,
            format!(
                "{omitted} template strings past the first {MAX_JSON_TEMPLATES} (or nested deeper than {MAX_JSON_DEPTH}) were not analysed"
            ),
        );
    }
    for (key, t) in &found {
        let chat =
            key.to_ascii_lowercase().contains("chat_template") || jinja::lex(t).renders_chat();
        // Top-level keys are located in the text so the finding points at them.
        let line = (!key.contains(['.', '[']))
            .then(|| text.find(&format!("\"{key}\"")))
            .flatten()
            .map(|at| 1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..at]).count() as u32);
        let lines = line.map_or(Lines::None, Lines::At);
        report_template(file, cx, key, t, lines, chat)?;
    }
    Ok(())
}

/// String values holding Jinja tags, with a dotted key path (`chat_template`,
/// `chat_template[1].template`). Past [`MAX_JSON_TEMPLATES`] or [`MAX_JSON_DEPTH`]
/// they are counted in `omitted` instead (the parser bounds the nesting walked).
fn collect_json_templates(
    v: &Value,
    path: String,
    out: &mut Vec<(String, String)>,
    omitted: &mut usize,
    depth: u32,
) {
    let kept = out.len() < MAX_JSON_TEMPLATES && depth <= MAX_JSON_DEPTH;
    // Paths are only built for values that can still be kept.
    let child = |p: &dyn Fn() -> String| if kept { p() } else { String::new() };
    match v {
        Value::String(s) if s.contains("{{") || s.contains("{%") => {
            if kept {
                out.push((path, s.clone()));
            } else {
                *omitted += 1;
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let p = child(&|| format!("{path}[{i}]"));
                collect_json_templates(x, p, out, omitted, depth + 1);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let p = child(&|| {
                    if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    }
                });
                collect_json_templates(x, p, out, omitted, depth + 1);
            }
        }
        _ => {}
    }
}

/// Where a template's findings point in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lines {
    /// The template is the whole file: its lines are the file's.
    Template,
    /// The template is a value on this line.
    At(u32),
    /// No line (binary files, nested values).
    None,
}

/// Analyses one template and reports its findings; a template that is not a chat
/// template (`chat` false) is reported for obfuscated names only.
fn report_template(
    file: &FileInput<'_>,
    cx: &mut AnalysisContext,
    key: &str,
    src: &str,
    lines: Lines,
    chat: bool,
) -> Result<(), AnalysisError> {
    let lexed = jinja::lex(src);
    let findings: Vec<TemplateFinding> = {
        let mut check = || -> Result<(), TimeLimitReached> { cx.check_time() };
        analyze_lexed_template(&lexed, src, &mut check)?
    };
    if lexed.truncated {
        let place = if key.is_empty() {
            "template".to_string()
        } else {
            format!("template `{key}`")
        };
        cx.error(
            file.path,
            aispm_core::ErrorKind::Limit,
            format!(
                "{place}: only its first {} tokens were analysed",
                jinja::MAX_TOKENS
            ),
        );
    }
    let template = rules::Template {
        path: file.path,
        key,
        chat,
        lines,
    };
    for f in &findings {
        if let Some(rf) = rules::check_template(&template, f) {
            cx.report(rf);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aispm_core::Source;
    use std::path::Path;

    /// A template past the token cap is analysed as far as it was tokenised; a limit
    /// record says so.
    #[test]
    fn templates_past_the_token_cap_are_recorded() {
        let text = format!("{{{{ {}a }}}}", "a.".repeat(jinja::MAX_TOKENS / 2 + 1));
        let b = text.as_bytes();
        let input = FileInput::new(
            "chat_template.jinja",
            Path::new("chat_template.jinja"),
            FileKind::Text,
            b.len() as u64,
            &b[..aispm_core::HEAD_LEN],
            Source::Bytes(b),
        );
        let mut cx = AnalysisContext::new(None, 0);
        GgufAnalyzer::new().analyze(&input, &mut cx).unwrap();
        let msgs: Vec<&str> = cx.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [format!(
                "template: only its first {} tokens were analysed",
                jinja::MAX_TOKENS
            )]
        );
    }

    /// JSON too costly to parse into a tree is read as template text: a payload in it
    /// is still found.
    #[test]
    fn costly_json_is_analysed_as_template_text() {
        let n = crate::json::MAX_PARSED_BYTES as usize / 700 + 1;
        let text = format!(
            r#"{{"pad":[{}0],"chat_template":"{{{{ cycler.__init__.__globals__.os.popen('id').read() }}}}"}}"#,
            r#"{"a":0},"#.repeat(n)
        );
        assert!(crate::json::over_budget(text.as_bytes()).is_some());
        let b = text.as_bytes();
        let input = FileInput::new(
            "tokenizer_config.json",
            Path::new("tokenizer_config.json"),
            FileKind::Json,
            b.len() as u64,
            &b[..aispm_core::HEAD_LEN],
            Source::Bytes(b),
        );
        let mut cx = AnalysisContext::new(None, 0);
        GgufAnalyzer::new().analyze(&input, &mut cx).unwrap();
        // Found in the text (a JSON value would carry its key).
        assert!(
            cx.findings
                .iter()
                .any(|f| f.rule.id == "MDL040" && !f.properties.contains_key("template_key")),
            "{:?}",
            cx.findings
        );
    }

    /// Template strings past the cap, or nested deeper than the search goes, are not
    /// analysed: a limit record counts them.
    #[test]
    fn json_templates_past_the_caps_are_counted() {
        let many: Vec<String> = (0..MAX_JSON_TEMPLATES + 4)
            .map(|i| format!(r#""t{i}":"{{{{ x }}}}""#))
            .collect();
        let deep = format!(
            r#"{}"{{{{ y }}}}"{}"#,
            "[".repeat(MAX_JSON_DEPTH as usize + 2),
            "]".repeat(MAX_JSON_DEPTH as usize + 2)
        );
        let text = format!(r#"{{{},"deep":{deep}}}"#, many.join(","));
        let b = text.as_bytes();
        let input = FileInput::new(
            "tokenizer_config.json",
            Path::new("tokenizer_config.json"),
            FileKind::Json,
            b.len() as u64,
            &b[..b.len().min(aispm_core::HEAD_LEN)],
            Source::Bytes(b),
        );
        let mut cx = AnalysisContext::new(None, 0);
        GgufAnalyzer::new().analyze(&input, &mut cx).unwrap();
        let msgs: Vec<&str> = cx.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].starts_with("5 template strings past the first 256"),
            "{msgs:?}"
        );
    }
}

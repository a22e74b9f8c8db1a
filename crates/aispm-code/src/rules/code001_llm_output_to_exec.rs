//! `CODE001`. Its check is the code-execution sink of `llm_output_sinks.rs`, the one
//! matcher of the sinks of model output (`CODE001`–`CODE006`).

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE001: Model output reaches code execution.
pub static RULE: Rule = Rule {
    id: "CODE001",
    name: "llm-output-to-code-execution",
    title: "Model output reaches code execution",
    category: Category::Code,
    severity: Severity::Critical,
    what: "Reports model output (the result of a chat or completion call of an LLM SDK, followed through assignments, attributes, subscripts, string building and same-file helper functions that return it) passed to a code-execution sink: Python `eval`, `exec`, `compile`, Jinja `render_template_string` or `Template(...)`; JavaScript `eval`, `Function`/`new Function`, `vm.runIn*Context`, `new vm.Script`, string `setTimeout`/`setInterval`. Parsing the output with `ast.literal_eval`, `json.loads` or `JSON.parse` is not reported.",
    why: "Whoever controls the model's input controls its output: a prompt injection in a user message, a retrieved document or a tool result becomes arbitrary code running with the application's rights.",
    example: "`expr = ask(question)` then `eval(expr)`, where `ask` returns `client.chat.completions.create(...).choices[0].message.content`.",
    remediation: "Never execute model output. Ask the model for structured data (JSON with a schema) and parse it with a safe parser; if code execution is the feature, run it in a sandbox with no credentials, network or file system access and a human approval step.",
    controls: &[
        LLM05,
        LLM06,
        ATLAS_T0051,
        ATLAS_T0053,
        ATLAS_M0029,
        NIST_MEASURE_2_7,
        EU_ART_15,
        ISO_A_6_2_6,
    ],
};

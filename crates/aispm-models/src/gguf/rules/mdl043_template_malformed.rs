//! MDL043: its check is a row of the template-signal table (`template_signals.rs`),
//! shared with MDL040, MDL041 and MDL042.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL043: a chat template is malformed (unbalanced or unterminated tags).
pub static RULE: Rule = Rule {
    id: "MDL043",
    name: "chat-template-malformed",
    title: "Chat template is malformed (unterminated or unbalanced tags)",
    category: Category::Model,
    severity: Severity::Low,
    what: "Reports chat templates with an unterminated tag, string or comment, a block that \
is never closed (`{% for %}` without `{% endfor %}`), or a closing tag without its block.",
    why: "A template that does not parse fails at load or chat time, and parsers disagree on \
how to recover from broken templates, which leaves room for content that one tool ignores \
and another renders. It is a quality problem more than an attack.",
    example: "`{{ unclosed_bracket`",
    remediation: "Fix the template, or replace it with the publisher's original.",
    controls: &[LLM03, ML06, ATLAS_M0014, NIST_MEASURE_2_7],
};

//! MDL041: its check is a row of the template-signal table (`template_signals.rs`),
//! shared with MDL040, MDL042 and MDL043.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL041: a chat template hides a sensitive name behind escapes or builds it from pieces.
pub static RULE: Rule = Rule {
    id: "MDL041",
    name: "chat-template-obfuscated-name",
    title: "Chat template hides a sensitive name behind escapes or assembles it at render time",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reports chat templates in which a dunder or module name only appears once string \
escapes are decoded (`'\\x5f\\x5fclass\\x5f\\x5f'`, `'\\u005f...'`, octal) or once pieces are \
joined at render time (`~` or `+` concatenation, `join`, `format`, `%`, `chr()`, repetition, \
`reverse`), and `attr` filters whose attribute name is computed rather than written.",
    why: "Nobody escapes underscores or spells `__globals__` with `chr(95)` in a template that \
formats chat messages. These are the standard bypasses of scanners and sandboxes that look \
for the literal names; the template behaves exactly like the unobfuscated injection once \
rendered.",
    example: "`{{ (messages|attr('\\x5f\\x5fclass\\x5f\\x5f')|attr('\\x5f\\x5fbase\\x5f\\x5f')|\
attr('\\x5f\\x5fsubclasses\\x5f\\x5f'))() }}`",
    remediation: "Treat the model as malicious: do not load it, replace the template with a \
reviewed one, and render templates only in a sandboxed Jinja environment.",
    controls: &[
        LLM03,
        LLM05,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        ATLAS_M0014,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

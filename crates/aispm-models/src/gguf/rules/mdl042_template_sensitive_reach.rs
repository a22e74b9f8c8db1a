//! MDL042: its check is a row of the template-signal table (`template_signals.rs`),
//! shared with MDL040, MDL041 and MDL043.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL042: a chat template touches environment globals, private attributes or loaders.
pub static RULE: Rule = Rule {
    id: "MDL042",
    name: "chat-template-sensitive-reach",
    title: "Chat template touches environment globals, private attributes or other templates",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports chat templates that read attributes of the globals a Jinja or Flask \
environment exposes (`cycler`, `joiner`, `namespace`, `lipsum`, `url_for`, \
`get_flashed_messages`, `request`, `config`, `self`), access private attributes \
(`._module`), call `open`, `getattr` and similar builtins, or load other templates \
(`include`, `import`, `extends`).",
    why: "These globals are the usual stepping stones to `__globals__` and the interpreter; \
`config` and `request` leak server secrets, and template loading reads files from the host. \
A chat template only needs the messages and a few special tokens. Calling `namespace(...)` \
or `cycler(...)` is ordinary and not reported.",
    example: "`{{ lipsum|string }}`, `{{ config.items() }}`, `{% include '/etc/passwd' %}`",
    remediation: "Review the template against the publisher's original; remove anything that \
is not message formatting, and render templates in a sandboxed environment.",
    controls: &[
        LLM03,
        LLM05,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_M0014,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

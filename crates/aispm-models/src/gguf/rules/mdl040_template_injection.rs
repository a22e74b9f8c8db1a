//! MDL040: its check is a row of the template-signal table (`template_signals.rs`),
//! shared with MDL041, MDL042 and MDL043.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL040: a chat template reaches Python internals or executes code when rendered.
pub static RULE: Rule = Rule {
    id: "MDL040",
    name: "chat-template-injection",
    title: "Chat template reaches Python internals (server-side template injection)",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reports Jinja chat templates, in GGUF metadata (`tokenizer.chat_template`, \
`tokenizer.chat_template.*`), `tokenizer_config.json`, standalone `.jinja`/`.j2` files and \
YAML or JSON configs, whose code walks from a template value to the interpreter: dunder \
attributes (`__class__`, `__mro__`, `__subclasses__`, `__globals__`, `__builtins__`, \
`__init__`, `__import__`, ...) by dot, subscript, `attr` filter or `getattr`, modules such as \
`os`, `sys` or `subprocess` reached as attributes, and calls of `popen`, `system`, `eval`, \
`exec` or `__import__`.",
    why: "Inference servers render the chat template of every model they load, often outside \
Jinja's sandbox. A template that climbs from a string to `object.__subclasses__()` or to a \
function's `__globals__` runs arbitrary commands on the serving host the first time a \
conversation is formatted (CVE-2024-34359 in llama-cpp-python). Real chat templates only \
format messages; none of them needs Python internals.",
    example: "`{% for c in [].__class__.__base__.__subclasses__() %}{% if c.__name__ == \
'catch_warnings' %}{{ c()._module.__builtins__['__import__']('os').system('id') }}{% endif %}\
{% endfor %}`",
    remediation: "Do not load the model or tokenizer. Replace the chat template with the \
publisher's reviewed template, render templates only in a sandboxed Jinja environment \
(`ImmutableSandboxedEnvironment`), and obtain the artefact again from a trusted source.",
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

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL054: safetensors `__metadata__` holds code, commands, risky links or template payloads.
pub static RULE: Rule = Rule {
    id: "MDL054",
    name: "safetensors-suspicious-metadata",
    title: "safetensors metadata holds code, shell commands, risky links or template payloads",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports `__metadata__` strings of a safetensors file that read as Python \
(`import os`, `os.system`, `eval(`, `__import__`), as shell commands (`rm -rf`, \
`chmod 777`, `wget http…`, `| sh`), as links to pickles, scripts or executables, or as Jinja \
templates with injection gadgets (reported at the template's severity).",
    why: "safetensors was made so that loading weights runs no code; its metadata is plain \
text. Code and commands there only matter to a pipeline that evaluates metadata, which is \
exactly what such strings are staged for, and links to pickles invite users to fetch the \
unsafe format instead.",
    example: "`{\"__metadata__\": {\"model_info\": \"import os; os.system('echo pwned')\"}}`",
    remediation: "Do not feed metadata of this file to any evaluator, shell or template \
engine; review who produced it and obtain the model again from a trusted source.",
    controls: &[
        LLM03,
        LLM05,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_M0014,
        NIST_MEASURE_2_7,
    ],
};

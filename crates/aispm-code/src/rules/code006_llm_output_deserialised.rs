//! `CODE006`. Its check is the deserialiser sink of `llm_output_sinks.rs`, the one
//! matcher of the sinks of model output (`CODE001`–`CODE006`).

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE006: Model output is deserialised unsafely.
pub static RULE: Rule = Rule {
    id: "CODE006",
    name: "llm-output-deserialised",
    title: "Model output is deserialised unsafely",
    category: Category::Code,
    severity: Severity::High,
    what: "Reports model output passed to a deserialiser that can construct arbitrary objects: `pickle.loads`, `dill.loads`, `marshal.loads`, `jsonpickle.decode`, `yaml.load` without a safe loader, `yaml.unsafe_load`.",
    why: "These formats run code while loading; model output shaped by prompt injection becomes code execution.",
    example: "`obj = yaml.load(reply, Loader=yaml.Loader)` where `reply` is a completion.",
    remediation: "Ask for JSON and parse it with `json.loads` and a schema, or use `yaml.safe_load`.",
    controls: &[LLM05, ATLAS_T0051, NIST_MEASURE_2_7, EU_ART_15],
};

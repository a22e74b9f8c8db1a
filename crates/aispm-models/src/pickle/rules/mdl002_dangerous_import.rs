//! MDL002: its check is a row of the import-verdict table (`import_verdicts.rs`),
//! shared with MDL001, MDL004 and MDL014.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL002: Pickle references a dangerous callable.
pub static RULE: Rule = Rule {
    id: "MDL002",
    name: "pickle-dangerous-import",
    title: "Pickle references a dangerous callable",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reports pickles that import a dangerous callable (the same deny-list as MDL001) without calling it where the stream can be followed: the callable ends up inside the loaded object, for example as a dictionary value or an argument.",
    why: "A dangerous callable has no business inside model data. Code that later calls a field of the loaded object (a hook, a callback, a `__setstate__` installed elsewhere) runs it; and a reference that the symbolic reader cannot see being called is often a call it failed to follow.",
    example: "`weights.pkl` holding `{'hook': os.system}`: reported with the evidence `os.system`.",
    remediation: "Treat the file as malicious: do not load it, obtain the model from a trusted source, and convert it to safetensors.",
    controls: &[
        LLM03,
        ML06,
        ML10,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        ATLAS_M0011,
        ATLAS_M0014,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

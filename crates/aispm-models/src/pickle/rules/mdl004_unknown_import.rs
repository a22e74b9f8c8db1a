//! MDL004: its check is a row of the import-verdict table (`import_verdicts.rs`),
//! shared with MDL001, MDL002 and MDL014.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL004: Pickle imports a callable outside the allow-list.
pub static RULE: Rule = Rule {
    id: "MDL004",
    name: "pickle-unknown-import",
    title: "Pickle imports a callable outside the allow-list",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports imports that are neither on the allow-list of what ordinary checkpoints use (tensor rebuilders, storages, NumPy reconstructors, collections, scikit-learn estimators, ...) nor on the deny-list: custom classes, third-party functions, unusual builtins.",
    why: "Every import in a pickle is a callable the unpickler will resolve and usually call. A deny-list can never be complete (third-party gadgets appear every month), so anything unknown deserves a look before the file is trusted. A custom class also means the file cannot be loaded safely without the code that defines it.",
    example: "`model.pkl` importing `mylab.models.MyNet` and `builtins.print`.",
    remediation: "Check that every reported import is expected for this model and comes from code you trust. Prefer saving weights only (`state_dict` into safetensors) and rebuilding the class from code.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

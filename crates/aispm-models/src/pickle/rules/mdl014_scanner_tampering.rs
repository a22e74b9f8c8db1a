//! MDL014: its check is a row of the import-verdict table (`import_verdicts.rs`),
//! shared with MDL001, MDL002 and MDL004.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL014: Pickle imports a model-security scanner.
pub static RULE: Rule = Rule {
    id: "MDL014",
    name: "pickle-scanner-tampering",
    title: "Pickle imports a model-security scanner",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reports imports of model scanners and safe loaders (`modelscan`, `picklescan`, `fickling`, `modelaudit`, ...) from inside a pickle.",
    why: "Model data has no reason to import a scanner; doing so is how a payload disables or patches the hooks that were meant to stop it.",
    example: "`GLOBAL fickling.hook deactivate_safe_ml_environment` followed by a REDUCE.",
    remediation: "Do not load the file; treat it as malicious.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_M0014,
        NIST_MEASURE_2_7,
    ],
};

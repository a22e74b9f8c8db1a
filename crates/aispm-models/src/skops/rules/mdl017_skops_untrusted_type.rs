//! MDL017: its check is a row of the schema-verdict table (`schema_verdicts.rs`),
//! shared with MDL016.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL017: a skops file needs types outside the allow-list.
pub static RULE: Rule = Rule {
    id: "MDL017",
    name: "skops-untrusted-type",
    title: "skops model needs types outside the allow-list",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports types and functions named in a skops `schema.json` that are neither on the allow-list of ordinary estimators and data types (scikit-learn, NumPy, SciPy, builtins containers) nor on the deny-list.",
    why: "Loading the file requires trusting these types, and a custom class (often from `__main__`) cannot be checked without the code that defines it. Trusting types one does not know is how skops files are abused.",
    example: "`pipeline.skops` containing `__main__.DivideColumns`.",
    remediation: "Review each reported type; trust only types whose code you own or have reviewed, or rebuild the pipeline from code.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

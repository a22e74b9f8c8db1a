//! MDL016: its check is a row of the schema-verdict table (`schema_verdicts.rs`),
//! shared with MDL017.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL016: a skops file names a dangerous type or function.
pub static RULE: Rule = Rule {
    id: "MDL016",
    name: "skops-dangerous-type",
    title: "skops model names a dangerous type or function",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reads the `schema.json` of a skops archive and reports object, type and function nodes whose module and name are on the deny-list shared with the pickle analyzer (process execution, code evaluation, file and network access, nested deserialisers, ...).",
    why: "skops rebuilds every node by importing its module and calling or instantiating what it names. A user who trusts the listed types (`skops.io.load(..., trusted=...)`) or accepts `get_untrusted_types` blindly runs that callable on load.",
    example: "A `FunctionNode` with `module_path` `os` and `function` `system`.",
    remediation: "Do not load the file or trust its types. Obtain the model from a trusted source; load it with an empty trust list and review every untrusted type reported.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_M0011,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

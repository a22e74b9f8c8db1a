//! MDL052: its check is a row of the header-check table (`header_checks.rs`),
//! shared with MDL051 and MDL053.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL052: the safetensors header is not a valid header.
pub static RULE: Rule = Rule {
    id: "MDL052",
    name: "safetensors-invalid-header",
    title: "safetensors header is malformed",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports safetensors headers that are not UTF-8 JSON objects, tensor entries \
without a known dtype, a shape of non-negative integers or a `data_offsets` pair, and \
`__metadata__` that is not a map of strings to strings.",
    why: "A header the reference loader refuses means a corrupt or hand-made file; tools \
that parse leniently and tools that refuse disagree about what the model is.",
    example: "`{\"w\": {\"dtype\": \"Q9\", \"shape\": [-1], \"data_offsets\": [0]}}`",
    remediation: "Obtain the model again from a trusted source and verify its digest.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

//! MDL053: its check is a row of the header-check table (`header_checks.rs`),
//! shared with MDL051 and MDL052.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL053: safetensors tensor sizes disagree with their offsets or the data section.
pub static RULE: Rule = Rule {
    id: "MDL053",
    name: "safetensors-size-mismatch",
    title: "safetensors tensor sizes disagree with offsets or the data section",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Checks that each tensor's byte span equals `product(shape) × dtype size` \
(checked multiplication; an overflow is reported high), and that the tensors cover the data \
section exactly, with no gaps and no trailing bytes.",
    why: "A mismatch means a truncated or corrupt file, or bytes hidden between or after the \
tensors where no loader looks: a place to smuggle a payload past tools that only read \
declared tensors.",
    example: "A `F32` tensor of shape `[4]` (16 bytes) whose offsets give 8 bytes.",
    remediation: "Obtain the model again from a trusted source and verify its digest; \
inspect any uncovered bytes before trusting the file.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

use super::Pickled;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL015: Pickle exceeds the analysis limits.
pub static RULE: Rule = Rule {
    id: "MDL015",
    name: "pickle-resource-limit",
    title: "Pickle exceeds the analysis limits",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports pickles that need more opcodes, stack depth, MARK nesting, memo entries or streams than the analyzer allows. What was read before the limit is still reported.",
    why: "Real checkpoints stay far below these limits. Streams that exceed them are either denial-of-service payloads (pickle bombs that exhaust memory of the loader) or attempts to exhaust a scanner before it reaches the payload.",
    example: "A 20 MB pickle made of 10 million nested MARKs.",
    remediation: "Do not load the file until its origin is confirmed; re-export large models as safetensors.",
    controls: &[
        LLM10,
        LLM03,
        ML06,
        ATLAS_T0029,
        ATLAS_M0014,
        NIST_MEASURE_2_7,
    ],
};

/// The analysis stopped at one of the machine's limits (opcodes, stack, MARK nesting,
/// memo, streams).
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    if let Some(msg) = &file.obs.limit {
        out.push(
            RawFinding::new(
                &RULE,
                file.path,
                format!("Pickle exceeds the analysis limits: {msg}"),
            )
            .evidence(msg.clone()),
        );
    }
}

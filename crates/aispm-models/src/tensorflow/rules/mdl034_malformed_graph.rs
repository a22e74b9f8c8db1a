use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL034: a TensorFlow protobuf's structure is broken.
pub static RULE: Rule = Rule {
    id: "MDL034",
    name: "tf-malformed-graph",
    title: "TensorFlow SavedModel is malformed and was not fully inspected",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports `saved_model.pb` and GraphDef files whose protobuf encoding breaks the \
wire format (lengths past their message, invalid wire types) or exceeds the walk's \
limits, so operators after that point could not be checked.",
    why: "A scanner that stops at a parse error sees less than the loader does; a \
malformed graph is how operators are hidden from inspection.",
    example: "A `GraphDef.node` field that declares more bytes than the file holds.",
    remediation: "Obtain the model again from a trusted source and verify its checksum.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

/// The finding for a graph whose walk stopped at a wire-format error or a reader
/// limit (`problem` says which).
pub(crate) fn check(path: &str, problem: &str) -> RawFinding {
    RawFinding::new(
        &RULE,
        path,
        format!("the graph was not fully inspected: {problem}"),
    )
    .evidence(problem)
}

use crate::onnx::rules::Incomplete;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL039: an ONNX model's protobuf structure is broken.
pub static RULE: Rule = Rule {
    id: "MDL039",
    name: "onnx-malformed-model",
    title: "ONNX model is malformed and was not fully inspected",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports ONNX models whose protobuf encoding breaks the wire format (lengths past \
their message, invalid wire types) or nests subgraphs beyond any real model's depth, so \
the rest of the model could not be checked.",
    why: "A scanner that stops at a parse error sees less than a lenient loader does; \
malformed files are how payloads are hidden from inspection and how parsers are attacked.",
    example: "A `GraphProto` field that declares 4 GiB of nodes in a 1 KiB file.",
    remediation: "Obtain the model again from a trusted source and verify its checksum; do \
not load files that fail to parse.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

/// The finding for a model whose walk stopped early, and why.
pub(crate) fn check(path: &str, why: &Incomplete<'_>) -> RawFinding {
    let (message, problem) = match *why {
        Incomplete::Broken(m) => (format!("the model's protobuf encoding is broken: {m}"), m),
        Incomplete::Limit(m) => (format!("the model was not fully inspected: {m}"), m),
    };
    RawFinding::new(&RULE, path, message).evidence(problem)
}

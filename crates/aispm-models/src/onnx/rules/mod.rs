//! Rules of the ONNX analyzer, one file each. `check` runs them on what the model
//! walk found (`Model`); MDL036 and MDL037 read one table of operators from custom
//! domains, `custom_operators.rs`.

use crate::onnx::{OnnxFacts, Tensor};
use aispm_core::{RawFinding, Rule};
use std::path::Path;

mod custom_operators;
pub mod mdl035_external_data_escape;
pub mod mdl036_custom_domain_op;
pub mod mdl037_python_callback_op;
pub mod mdl038_oversized_declaration;
pub mod mdl039_malformed_model;

/// Every rule of the ONNX analyzer.
pub static RULES: &[&Rule] = &[
    &mdl035_external_data_escape::RULE,
    &mdl036_custom_domain_op::RULE,
    &mdl037_python_callback_op::RULE,
    &mdl038_oversized_declaration::RULE,
    &mdl039_malformed_model::RULE,
];

/// One model as its rules see it.
pub(crate) struct Model<'a> {
    pub path: &'a str,
    /// Where the model is on disk, when it is a file and not an archive member:
    /// external data locations are then also resolved through symbolic links.
    pub on_disk: Option<&'a Path>,
    pub facts: &'a OnnxFacts,
}

/// Why the walk of a model stopped early.
pub(crate) enum Incomplete<'a> {
    /// The protobuf encoding is broken.
    Broken(&'a str),
    /// A limit of the walk was reached.
    Limit(&'a str),
}

/// Runs the rules on what the walk of one model found.
pub(crate) fn check(model: &Model<'_>, out: &mut Vec<RawFinding>) {
    mdl035_external_data_escape::check(model, out);
    custom_operators::check(model, out); // MDL036, MDL037
    mdl038_oversized_declaration::check(model, out);
}

/// Runs the rules on a walk that stopped early.
pub(crate) fn check_incomplete_walk(path: &str, why: &Incomplete<'_>) -> RawFinding {
    mdl039_malformed_model::check(path, why)
}

/// Runs the rules on one tensor declaration while the model is walked: why it is
/// impossible, if it is (the walk keeps the first ones and counts the rest).
pub(crate) fn check_tensor(t: &Tensor, file_size: u64) -> Option<String> {
    mdl038_oversized_declaration::oversized(t, file_size)
}

//! Rules of the TensorFlow analyzer, one file each. `check` runs them on what the
//! graph walk found ([`GraphFacts`]); MDL030–MDL033 read one table of dangerous
//! operators, `dangerous_ops.rs`.

use crate::tensorflow::GraphFacts;
use aispm_core::{RawFinding, Rule};

mod dangerous_ops;
pub mod mdl030_python_op;
pub mod mdl031_file_read_op;
pub mod mdl032_file_write_op;
pub mod mdl033_network_op;
pub mod mdl034_malformed_graph;

/// Every rule of the TensorFlow analyzer.
pub static RULES: &[&Rule] = &[
    &mdl030_python_op::RULE,
    &mdl031_file_read_op::RULE,
    &mdl032_file_write_op::RULE,
    &mdl033_network_op::RULE,
    &mdl034_malformed_graph::RULE,
];

/// Runs the rules on the operators and assets of one graph.
pub(crate) fn check(path: &str, facts: &GraphFacts, out: &mut Vec<RawFinding>) {
    dangerous_ops::check(path, facts, out); // MDL030, MDL031, MDL032, MDL033
    mdl031_file_read_op::check_assets(path, facts, out);
}

/// Runs the rules on a walk that stopped early.
pub(crate) fn check_incomplete_walk(path: &str, problem: &str) -> RawFinding {
    mdl034_malformed_graph::check(path, problem)
}

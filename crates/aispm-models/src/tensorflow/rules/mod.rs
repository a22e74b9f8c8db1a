//! Rules of the TensorFlow analyzer, one file each.

use aispm_core::Rule;

pub mod mdl030_python_op;
pub mod mdl031_file_read_op;
pub mod mdl032_file_write_op;
pub mod mdl033_network_op;
pub mod mdl034_malformed_graph;

pub use mdl030_python_op::RULE as PYTHON_OP;
pub use mdl031_file_read_op::RULE as FILE_READ_OP;
pub use mdl032_file_write_op::RULE as FILE_WRITE_OP;
pub use mdl033_network_op::RULE as NETWORK_OP;
pub use mdl034_malformed_graph::RULE as MALFORMED_GRAPH;

/// Every rule of the TensorFlow analyzer.
pub static RULES: &[&Rule] = &[
    &PYTHON_OP,
    &FILE_READ_OP,
    &FILE_WRITE_OP,
    &NETWORK_OP,
    &MALFORMED_GRAPH,
];

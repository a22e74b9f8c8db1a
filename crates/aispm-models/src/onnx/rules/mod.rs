//! Rules of the ONNX analyzer, one file each.

use aispm_core::Rule;

pub mod mdl035_external_data_escape;
pub mod mdl036_custom_domain_op;
pub mod mdl037_python_callback_op;
pub mod mdl038_oversized_declaration;
pub mod mdl039_malformed_model;

pub use mdl035_external_data_escape::RULE as EXTERNAL_DATA_ESCAPE;
pub use mdl036_custom_domain_op::RULE as CUSTOM_DOMAIN_OP;
pub use mdl037_python_callback_op::RULE as PYTHON_CALLBACK_OP;
pub use mdl038_oversized_declaration::RULE as OVERSIZED_DECLARATION;
pub use mdl039_malformed_model::RULE as MALFORMED_MODEL;

/// Every rule of the ONNX analyzer.
pub static RULES: &[&Rule] = &[
    &EXTERNAL_DATA_ESCAPE,
    &CUSTOM_DOMAIN_OP,
    &PYTHON_CALLBACK_OP,
    &OVERSIZED_DECLARATION,
    &MALFORMED_MODEL,
];

//! Rules of the Keras analyzer, one file each.

use aispm_core::Rule;

pub mod mdl020_lambda_dangerous_code;
pub mod mdl021_lambda_layer;
pub mod mdl022_dangerous_module_reference;
pub mod mdl023_custom_object;
pub mod mdl024_unsafe_keras_gadget;
pub mod mdl025_uninspectable_config;

pub use mdl020_lambda_dangerous_code::RULE as LAMBDA_DANGEROUS_CODE;
pub use mdl021_lambda_layer::RULE as LAMBDA_LAYER;
pub use mdl022_dangerous_module_reference::RULE as DANGEROUS_MODULE_REFERENCE;
pub use mdl023_custom_object::RULE as CUSTOM_OBJECT;
pub use mdl024_unsafe_keras_gadget::RULE as UNSAFE_GADGET;
pub use mdl025_uninspectable_config::RULE as UNINSPECTABLE_CONFIG;

/// Every rule of the Keras analyzer.
pub static RULES: &[&Rule] = &[
    &LAMBDA_DANGEROUS_CODE,
    &LAMBDA_LAYER,
    &DANGEROUS_MODULE_REFERENCE,
    &CUSTOM_OBJECT,
    &UNSAFE_GADGET,
    &UNINSPECTABLE_CONFIG,
];

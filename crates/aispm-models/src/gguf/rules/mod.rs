//! Rules of the GGUF and chat-template analyzer, one file each.

use aispm_core::Rule;

pub mod mdl040_template_injection;
pub mod mdl041_template_obfuscation;
pub mod mdl042_template_sensitive_reach;
pub mod mdl043_template_malformed;
pub mod mdl044_gguf_malformed_header;
pub mod mdl045_gguf_tensor_layout;

pub use mdl040_template_injection::RULE as TEMPLATE_INJECTION;
pub use mdl041_template_obfuscation::RULE as TEMPLATE_OBFUSCATION;
pub use mdl042_template_sensitive_reach::RULE as TEMPLATE_SENSITIVE_REACH;
pub use mdl043_template_malformed::RULE as TEMPLATE_MALFORMED;
pub use mdl044_gguf_malformed_header::RULE as GGUF_MALFORMED_HEADER;
pub use mdl045_gguf_tensor_layout::RULE as GGUF_TENSOR_LAYOUT;

/// Every rule of the GGUF and chat-template analyzer.
pub static RULES: &[&Rule] = &[
    &TEMPLATE_INJECTION,
    &TEMPLATE_OBFUSCATION,
    &TEMPLATE_SENSITIVE_REACH,
    &TEMPLATE_MALFORMED,
    &GGUF_MALFORMED_HEADER,
    &GGUF_TENSOR_LAYOUT,
];

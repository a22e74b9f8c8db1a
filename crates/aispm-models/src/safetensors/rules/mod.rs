//! Rules of the safetensors analyzer, one file each.

use aispm_core::Rule;

pub mod mdl050_header_length;
pub mod mdl051_offsets;
pub mod mdl052_invalid_header;
pub mod mdl053_size_mismatch;
pub mod mdl054_suspicious_metadata;

pub use mdl050_header_length::RULE as HEADER_LENGTH;
pub use mdl051_offsets::RULE as OFFSETS;
pub use mdl052_invalid_header::RULE as INVALID_HEADER;
pub use mdl053_size_mismatch::RULE as SIZE_MISMATCH;
pub use mdl054_suspicious_metadata::RULE as SUSPICIOUS_METADATA;

/// Every rule of the safetensors analyzer.
pub static RULES: &[&Rule] = &[
    &HEADER_LENGTH,
    &OFFSETS,
    &INVALID_HEADER,
    &SIZE_MISMATCH,
    &SUSPICIOUS_METADATA,
];

//! Rules of the safetensors analyzer, one file each.

use aispm_core::Rule;

/// Every rule of the safetensors analyzer.
pub static RULES: &[&Rule] = &[];

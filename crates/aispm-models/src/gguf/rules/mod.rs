//! Rules of the gguf analyzer, one file each.

use aispm_core::Rule;

/// Every rule of the gguf analyzer.
pub static RULES: &[&Rule] = &[];

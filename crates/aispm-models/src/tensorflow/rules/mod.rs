//! Rules of the tensorflow analyzer, one file each.

use aispm_core::Rule;

/// Every rule of the tensorflow analyzer.
pub static RULES: &[&Rule] = &[];

//! Rules of the keras analyzer, one file each.

use aispm_core::Rule;

/// Every rule of the keras analyzer.
pub static RULES: &[&Rule] = &[];

//! Rules of the pickle analyzer, one file each.

use aispm_core::Rule;

/// Every rule of the pickle analyzer.
pub static RULES: &[&Rule] = &[];

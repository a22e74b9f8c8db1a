//! Rules of the skops analyzer, one file each.

use aispm_core::Rule;

pub mod mdl016_skops_dangerous_type;
pub mod mdl017_skops_untrusted_type;

pub use mdl016_skops_dangerous_type::RULE as DANGEROUS_TYPE;
pub use mdl017_skops_untrusted_type::RULE as UNTRUSTED_TYPE;

/// Every rule of the skops analyzer.
pub static RULES: &[&Rule] = &[&DANGEROUS_TYPE, &UNTRUSTED_TYPE];

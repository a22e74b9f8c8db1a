//! Rules of the skops analyzer, one file each. Both read the import policy's verdict
//! on a type the schema names, so they share one table, `schema_verdicts.rs`, which
//! `check` runs.

use aispm_core::{RawFinding, Rule};

pub mod mdl016_skops_dangerous_type;
pub mod mdl017_skops_untrusted_type;
mod schema_verdicts;

/// Every rule of the skops analyzer.
pub static RULES: &[&Rule] = &[
    &mdl016_skops_dangerous_type::RULE,
    &mdl017_skops_untrusted_type::RULE,
];

/// Runs the rules on one `(module, name)` pair named by the schema of the file at `path`.
pub(crate) fn check(path: &str, module: &str, name: &str) -> Option<RawFinding> {
    schema_verdicts::check(path, module, name) // MDL016, MDL017
}

//! Rules of the safetensors analyzer, one file each. The header's length is judged by
//! MDL050, the parsed header by one pass that feeds MDL051–MDL053 ([`header_checks`]),
//! its `__metadata__` strings by MDL054; the functions below run them.

use aispm_core::analyzer::TimeLimitReached;
use aispm_core::{RawFinding, Rule};
use aispm_formats::safetensors::LengthError;
use header_checks::HeaderReport;

pub mod header_checks;
pub mod mdl050_header_length;
pub mod mdl051_offsets;
pub mod mdl052_invalid_header;
pub mod mdl053_size_mismatch;
pub mod mdl054_suspicious_metadata;

/// Every rule of the safetensors analyzer.
pub static RULES: &[&Rule] = &[
    &mdl050_header_length::RULE,
    &mdl051_offsets::RULE,
    &mdl052_invalid_header::RULE,
    &mdl053_size_mismatch::RULE,
    &mdl054_suspicious_metadata::RULE,
];

/// Runs the rules on a file too short to hold the header length.
pub(crate) fn check_short_file(path: &str) -> RawFinding {
    mdl050_header_length::short_file(path)
}

/// Runs the rules on a header length field that cannot be true.
pub(crate) fn check_length(path: &str, e: &LengthError) -> RawFinding {
    mdl050_header_length::impossible_length(path, e)
}

/// Runs the rules on a validated header ([`header_checks::validate`]).
pub(crate) fn check_header(path: &str, rep: &HeaderReport, out: &mut Vec<RawFinding>) {
    header_checks::check(path, rep, out); // MDL051, MDL052, MDL053
}

/// Runs the rules on the header's `__metadata__` strings.
pub(crate) fn check_metadata(
    path: &str,
    entries: &[(String, String)],
    check: &mut dyn FnMut() -> Result<(), TimeLimitReached>,
    out: &mut Vec<RawFinding>,
) -> Result<(), TimeLimitReached> {
    mdl054_suspicious_metadata::check(path, entries, check, out)
}

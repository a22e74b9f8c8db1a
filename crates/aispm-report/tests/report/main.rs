//! Integration tests of the report writers on one synthetic report.

mod fixture;
mod json;
mod rules;
mod sarif;
mod table;

use aispm_report::{Format, RenderOptions, render};

/// Renders the report in `format` to a string.
pub fn rendered(report: &aispm_core::ScanReport, format: Format, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    render(report, &fixture::registry(), format, opts, &mut out).expect("rendering succeeds");
    String::from_utf8(out).expect("output is UTF-8")
}

//! ART005: `archive.rs` calls [`check`] before opening any container.

use crate::config::Limits;
use aispm_core::framework::*;
use aispm_core::{Category, RawFinding, Rule, Severity};

/// ART005: archives nested deeper than the configured depth.
pub static RULE: Rule = Rule {
    id: "ART005",
    name: "archive-nesting-too-deep",
    title: "Archives nested deeper than the configured limit",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports archives found inside archives beyond `max_archive_depth` levels; their \
content is not inspected.",
    why: "Deep nesting is a classic way to exhaust scanners (recursive zip bombs) or to hide \
a payload below the depth a scanner opens. Real model and dataset bundles rarely nest more \
than two levels.",
    example: "`bundle.zip!inner.zip!more.tar.gz!model.zip!data.pkl`.",
    remediation: "Flatten the bundle, or raise `max_archive_depth` in `aispm.toml` if the \
nesting is legitimate, and scan again.",
    controls: &[
        LLM10,
        LLM03,
        ML06,
        ATLAS_T0029,
        ATLAS_T0010_003,
        NIST_MEASURE_2_7,
    ],
};

/// An archive at nesting `depth` (0 for a file on disk) that `max_archive_depth` keeps
/// closed.
pub(crate) fn check(path: &str, depth: u32, limits: &Limits) -> Option<RawFinding> {
    (depth >= limits.max_archive_depth).then(|| {
        RawFinding::new(
            &RULE,
            path,
            format!(
                "archive at nesting depth {depth} is not opened (max_archive_depth = {})",
                limits.max_archive_depth
            ),
        )
        .evidence(format!("depth {depth}"))
    })
}

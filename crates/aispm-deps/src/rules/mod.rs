//! Rules of the dependency analyzer, one file each, and the dispatch that runs their
//! checks. Each rule file holds its documentation, metadata (`RULE`) and check;
//! DEP001 and DEP002 share one matcher, `vulnerable_table.rs`, which picks between
//! them by whether the package is an AI package.
//!
//! The analyzer hands the rules views (`crate::view`): a `Judgement` of one
//! requirement against its package's advisories — per file for an exact version
//! (`crate::exact`), after the walk for a range or no constraint that nothing pins
//! (`crate::open`) —, each package name a file declares or locks, and the
//! `Unpinned` requirements of each manifest (after the walk).

use crate::manifest::Dependency;
use crate::view::{Judgement, Unpinned};
use aispm_core::{AnalysisContext, Rule};

pub mod dep001_vulnerable_ai_package;
pub mod dep002_vulnerable_package;
pub mod dep003_range_allows_vulnerable;
pub mod dep004_unpinned_ai_package;
pub mod dep005_malicious_package;
pub mod dep006_lookalike_name;
mod vulnerable_table;

/// Every rule of the dependency analyzer.
pub static RULES: &[&Rule] = &[
    &dep001_vulnerable_ai_package::RULE,
    &dep002_vulnerable_package::RULE,
    &dep003_range_allows_vulnerable::RULE,
    &dep004_unpinned_ai_package::RULE,
    &dep005_malicious_package::RULE,
    &dep006_lookalike_name::RULE,
];

/// A requirement judged against its package's advisories (in this order, which is
/// the report's order for one requirement).
pub(crate) fn judgement(j: &Judgement<'_>, cx: &mut AnalysisContext) {
    vulnerable_table::check(j, cx); // DEP001, DEP002
    dep005_malicious_package::check(j, cx);
    dep003_range_allows_vulnerable::check(j, cx);
}

/// Each package name a file declares or locks, once per file.
pub(crate) fn package_name(path: &str, d: &Dependency, cx: &mut AnalysisContext) {
    dep006_lookalike_name::check(path, d, cx);
}

/// The requirements of one manifest that nothing pins (after the walk).
pub(crate) fn unpinned(u: &Unpinned<'_>, cx: &mut AnalysisContext) {
    dep004_unpinned_ai_package::check(u, cx);
}

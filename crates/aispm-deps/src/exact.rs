//! Judging a dependency with one known version (an exact pin in a manifest, any lock
//! file entry), per file during the walk: every advisory group that affects the
//! version is a hit, handed to the rules as a [`Judgement`].

use crate::advisory;
use crate::db::Advisories;
use crate::manifest::Dependency;
use crate::rules;
use crate::view::{Admits, Hit, Judgement};
use aispm_core::AnalysisContext;

/// Findings for `d` at `version`.
pub(crate) fn judge(
    advisories: &Advisories,
    path: &str,
    d: &Dependency,
    version: &str,
    cx: &mut AnalysisContext,
) {
    let groups = advisory::groups(advisories, d.ecosystem, &d.normalized);
    let hits = groups
        .iter()
        .filter(|g| g.affects(version))
        .map(|group| Hit {
            group,
            every_admitted: true,
        })
        .collect();
    rules::judgement(
        &Judgement {
            path,
            dep: d,
            admits: Admits::Version(version),
            hits,
        },
        cx,
    );
}

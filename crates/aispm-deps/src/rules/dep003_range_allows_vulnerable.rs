//! DEP003: a range nothing pins admits some versions an advisory affects, but not only
//! such versions (those are DEP001/DEP002, from the vulnerability table). One finding
//! per requirement, naming every such advisory and the lowest bound that clears them.

use crate::ai;
use crate::finding::{dep_finding, pkg_display};
use crate::osv::AnyVersion;
use crate::view::{Admits, Judgement};
use aispm_core::framework::*;
use aispm_core::{AnalysisContext, Category, Rule, Severity};

/// DEP003: a version range admits affected versions and no lock file pins the package.
pub static RULE: Rule = Rule {
    id: "DEP003",
    name: "range-allows-vulnerable-versions",
    title: "Version range allows known-vulnerable versions",
    category: Category::Dependency,
    severity: Severity::Low,
    what: "Reports a manifest requirement with a version range (`>=0.0.200`, `^0.1`, \
`~=2.3`) that admits versions affected by an advisory, when no lock file or constraints \
file in the same folder pins the package. Low for AI packages, info for others. A \
requirement with no constraint at all is not reported here (an unconstrained AI package \
is DEP004); a range that admits only affected versions is DEP001/DEP002.",
    why: "An installer picks the newest admitted version today, but the range still \
lets an old cache, a mirror, a conflicting constraint or a pinned transitive requirement \
install a vulnerable release, and nothing records what was installed.",
    example: "`gradio>=3.0` in `requirements.txt` admits releases affected by several \
advisories fixed in later 3.x and 4.x releases.",
    remediation: "Raise the lower bound to the fixed version the finding names, or pin \
the version with a lock file.",
    controls: &[LLM03, ML06, ATLAS_T0010_001, ATLAS_M0016, NIST_MANAGE_3_1],
};

/// DEP003 for a range that admits affected and unaffected versions.
pub(crate) fn check(j: &Judgement<'_>, cx: &mut AnalysisContext) {
    if j.admits != Admits::Range {
        return;
    }
    let partial: Vec<_> = j
        .hits
        .iter()
        .filter(|h| !h.every_admitted && !h.group.lead.is_malicious())
        .map(|h| h.group)
        .collect();
    let Some(first) = partial.first() else {
        return;
    };
    let d = j.dep;
    let is_ai = ai::category(d.ecosystem, &d.normalized).is_some();
    let ids: Vec<String> = partial.iter().map(|g| g.lead.id.clone()).collect();
    let floor = partial
        .iter()
        .filter_map(|g| g.highest_fix(d.ecosystem))
        .max_by(|a, b| {
            match (
                AnyVersion::parse(d.ecosystem, a),
                AnyVersion::parse(d.ecosystem, b),
            ) {
                (Some(AnyVersion::Pep440(x)), Some(AnyVersion::Pep440(y))) => x.cmp(&y),
                (Some(AnyVersion::Semver(x)), Some(AnyVersion::Semver(y))) => x.cmp(&y),
                _ => std::cmp::Ordering::Equal,
            }
        });
    let advice = match &floor {
        Some(v) => format!("; raise the lower bound to at least {v}"),
        None => String::new(),
    };
    let shown: Vec<&str> = ids.iter().take(8).map(String::as_str).collect();
    let more = if ids.len() > shown.len() {
        format!(" and {} more", ids.len() - shown.len())
    } else {
        String::new()
    };
    let mut f = dep_finding(
        &RULE,
        j.path,
        d,
        format!(
            "`{}` allows versions affected by {} advisories ({}{more}){advice}",
            pkg_display(d),
            ids.len(),
            shown.join(", ")
        ),
    )
    .severity(if is_ai { Severity::Low } else { Severity::Info })
    .evidence(format!("{} · {}{more}", pkg_display(d), shown.join(", ")))
    .key(format!("{} range", d.normalized))
    .property("advisory_ids", ids.clone())
    .property("advisory_db", first.db.clone());
    if let Some(v) = floor {
        f = f.property("minimum_safe_version", v);
    }
    cx.report(f);
}

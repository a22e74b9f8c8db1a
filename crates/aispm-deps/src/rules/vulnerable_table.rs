//! The vulnerability table shared by two rules: an advisory (not a malicious-package
//! report) that affects every version a requirement admits — the pinned or locked
//! version, or the whole of a range nothing pins — is reported as
//! [`dep001_vulnerable_ai_package::RULE`] when the package is an AI package and as
//! [`dep002_vulnerable_package::RULE`] otherwise. A requirement with no constraint is
//! not judged here: the newest release is what installs.

use super::{dep001_vulnerable_ai_package, dep002_vulnerable_package};
use crate::advisory::Group;
use crate::ai;
use crate::finding::{dep_finding, pkg_display};
use crate::view::{Admits, Judgement};
use aispm_core::{AnalysisContext, RawFinding, Severity};

/// DEP001 or DEP002 for every advisory group that affects every admitted version.
pub(crate) fn check(j: &Judgement<'_>, cx: &mut AnalysisContext) {
    if j.admits == Admits::AnyVersion {
        return;
    }
    for hit in &j.hits {
        if hit.every_admitted && !hit.group.lead.is_malicious() {
            cx.report(finding(j, hit.group));
        }
    }
}

fn finding(j: &Judgement<'_>, g: &Group<'_>) -> RawFinding {
    let d = j.dep;
    let is_ai = ai::category(d.ecosystem, &d.normalized).is_some();
    let (rule, default) = if is_ai {
        (&dep001_vulnerable_ai_package::RULE, Severity::High)
    } else {
        (&dep002_vulnerable_package::RULE, Severity::Medium)
    };
    let fixed = match j.admits {
        Admits::Version(v) => g.fixed_for(v),
        _ => g.highest_fix(d.ecosystem),
    };
    let fix_text = match &fixed {
        Some(v) => format!("fixed in {v}"),
        None => "no fixed version listed".to_string(),
    };
    let message = match j.admits {
        Admits::Version(v) => {
            format!("{} {v} is affected by {} ({fix_text})", d.name, g.lead.id)
        }
        _ => format!(
            "every version `{}` allows is affected by {} ({fix_text})",
            pkg_display(d),
            g.lead.id
        ),
    };
    let (severity, caveat) = adjusted_severity(g, default, fixed.is_some());
    let mut f = dep_finding(rule, j.path, d, message)
        .severity(severity)
        .evidence(format!(
            "{} · {} · {fix_text}",
            pkg_display(d),
            g.with_aliases()
        ))
        .key(format!("{} {}", d.normalized, g.lead.id));
    if let Admits::Version(v) = j.admits {
        f = f.property("version", v);
    }
    if let Some(v) = fixed {
        f = f.property("fixed_in", v);
    }
    if let Some(c) = caveat {
        f = f.property("severity_adjusted", c);
    }
    g.describe(f)
}

/// Why an advisory's rating was lowered: a "no fixed version" match is never
/// critical, and a record that reads as every release affected is low.
fn adjusted_severity(
    g: &Group<'_>,
    default: Severity,
    has_fix: bool,
) -> (Severity, Option<&'static str>) {
    let rated = g.severity().map_or(default, |(s, _)| s);
    if g.every_version() {
        (
            rated.min(Severity::Low),
            Some(
                "the advisory lists no fixed version and no affected versions, so it reads as every release being affected, which is rarely right (often a product's advisory filed on its client library, or a fix that was never entered); severity lowered to low",
            ),
        )
    } else if !has_fix && rated > Severity::High {
        (
            Severity::High,
            Some(
                "the advisory lists no fixed version; a match without a fix is rated at most high",
            ),
        )
    } else {
        (rated, None)
    }
}

//! DEP005: a malicious-package report (a curated incident or an OSV `MAL-` record)
//! names a version the requirement admits. Critical when the pinned or locked version
//! is named, or when every admitted version is; informational when a range or no
//! constraint merely admits named releases among clean ones.

use crate::advisory::Group;
use crate::finding::{dep_finding, pkg_display};
use crate::view::{Admits, Judgement};
use aispm_core::framework::*;
use aispm_core::{AnalysisContext, Category, RawFinding, Rule, Severity};

/// DEP005: a dependency is a known-malicious package or a compromised release.
pub static RULE: Rule = Rule {
    id: "DEP005",
    name: "malicious-package",
    title: "Known-malicious package or compromised release",
    category: Category::Dependency,
    severity: Severity::Critical,
    what: "Reports a dependency that a malicious-package report names: aispm's curated \
list of AI-package incidents with public sources (`torchtriton`; compromised `ultralytics` \
and `litellm` releases) and OSV `MAL-` records of an imported osv.dev export. Critical \
when the pinned or locked version is a named one, or when every version the requirement \
admits is (a package malicious in all its releases); informational when a range or an unconstrained \
requirement merely admits named releases among clean ones (`match`: `version`, \
`every-admitted-version`, `range-admits`), since an installer takes the newest release \
and compromised ones are usually withdrawn from the registry.",
    why: "Installing the package runs the attacker's code (install scripts, `.pth` files, \
import-time payloads) with the developer's or the build's rights; credentials on that \
machine must be treated as stolen.",
    example: "`litellm==1.82.8` or `torchtriton` in `requirements.txt`.",
    remediation: "Remove the package or move to a clean release, rebuild environments and \
images from scratch, and rotate every credential that was reachable where it was \
installed.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_001,
        ATLAS_T0011_001,
        ATLAS_M0016,
        NIST_MANAGE_3_1,
        EU_ART_15,
    ],
};

/// One DEP005 finding per requirement, naming every malicious-package report that
/// matches.
pub(crate) fn check(j: &Judgement<'_>, cx: &mut AnalysisContext) {
    let malicious = || j.hits.iter().filter(|h| h.group.lead.is_malicious());
    let how = match j.admits {
        Admits::Version(v) => MaliciousMatch::Version(v),
        Admits::Range | Admits::AnyVersion if malicious().any(|h| h.every_admitted) => {
            MaliciousMatch::OnlyBad
        }
        Admits::Range | Admits::AnyVersion => MaliciousMatch::RangeAdmits,
    };
    let hits: Vec<&Group<'_>> = malicious()
        .filter(|h| h.every_admitted || how == MaliciousMatch::RangeAdmits)
        .map(|h| h.group)
        .collect();
    if !hits.is_empty() {
        cx.report(finding(j, &hits, how));
    }
}

/// How a malicious-package report matched.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MaliciousMatch<'a> {
    /// The pinned or locked version is a named one (critical).
    Version(&'a str),
    /// Every version the requirement admits is named (critical).
    OnlyBad,
    /// The requirement admits named releases among clean ones (informational).
    RangeAdmits,
}

impl MaliciousMatch<'_> {
    fn as_str(&self) -> &'static str {
        match self {
            MaliciousMatch::Version(_) => "version",
            MaliciousMatch::OnlyBad => "every-admitted-version",
            MaliciousMatch::RangeAdmits => "range-admits",
        }
    }
}

fn finding(j: &Judgement<'_>, hits: &[&Group<'_>], how: MaliciousMatch<'_>) -> RawFinding {
    let d = j.dep;
    let ids: Vec<String> = hits.iter().map(|g| g.with_aliases()).collect();
    let message = match how {
        MaliciousMatch::Version(v) => format!(
            "{} {v} is named in a malicious-package report ({})",
            d.name,
            ids.join("; ")
        ),
        MaliciousMatch::OnlyBad => format!(
            "`{}` allows only versions named in a malicious-package report ({})",
            pkg_display(d),
            ids.join("; ")
        ),
        MaliciousMatch::RangeAdmits => {
            let named: Vec<String> = hits
                .iter()
                .flat_map(|g| g.listed_versions(d.ecosystem, &d.normalized))
                .take(8)
                .collect();
            let which = if named.is_empty() {
                String::new()
            } else {
                format!(" {}", named.join(", "))
            };
            format!(
                "`{}` admits the release{}{which} named in a malicious-package report ({}); \
nothing pins it to one, so an install today takes the newest release, but a lock, cache \
or mirror holding a named one would install it: pin or lock a clean version",
                pkg_display(d),
                if named.len() == 1 { "" } else { "s" },
                ids.join("; ")
            )
        }
    };
    let mut f = dep_finding(&RULE, j.path, d, message)
        .evidence(format!("{} · {}", pkg_display(d), ids.join("; ")))
        .key(format!("{} malicious", d.normalized))
        .property("match", how.as_str());
    match how {
        MaliciousMatch::Version(v) => f = f.property("version", v),
        MaliciousMatch::RangeAdmits => f = f.severity(Severity::Info),
        MaliciousMatch::OnlyBad => {}
    }
    hits[0].describe(f).property(
        "advisory_ids",
        hits.iter().map(|g| g.lead.id.clone()).collect::<Vec<_>>(),
    )
}

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

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

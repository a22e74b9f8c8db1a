use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

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

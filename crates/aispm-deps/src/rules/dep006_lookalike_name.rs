//! DEP006: a declared or locked package name is a confusable variant of an AI
//! package's name; the variants are those [`crate::malicious::lookalike`] recognises.

use crate::finding::dep_finding;
use crate::malicious;
use crate::manifest::Dependency;
use aispm_core::framework::*;
use aispm_core::{AnalysisContext, Category, Rule, Severity};

/// DEP006: a dependency's name imitates an AI package's name.
pub static RULE: Rule = Rule {
    id: "DEP006",
    name: "lookalike-package-name",
    title: "Package name imitates an AI package (possible typosquat)",
    category: Category::Dependency,
    severity: Severity::Medium,
    what: "Reports a dependency whose name is a confusable variant of a well-known AI \
package's name: two neighbouring letters swapped (`transfromers`), a letter doubled \
(`langchainn`), a double letter written once (`litelm`), look-alike characters \
(`0penai`), or separators added or removed (`torch-vision`). Plain one-letter \
substitutions and short names are not compared, and real packages that happen to be that \
close are excepted, to keep false positives rare.",
    why: "Typosquats of popular AI packages are published to catch mistyped installs and \
copied snippets, including names that code assistants invent; they run code at install \
or import time.",
    example: "`langchainn==0.1.0` in `requirements.txt`.",
    remediation: "Check the name against the project's documentation; replace it with the \
intended package and, if the look-alike was installed anywhere, treat that machine as \
compromised.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_001,
        ATLAS_T0011_001,
        NIST_GOVERN_6_1,
    ],
};

/// DEP006 when the dependency's name imitates an AI package's.
pub(crate) fn check(path: &str, d: &Dependency, cx: &mut AnalysisContext) {
    let Some(l) = malicious::lookalike(d.ecosystem, &d.normalized) else {
        return;
    };
    cx.report(
        dep_finding(
            &RULE,
            path,
            d,
            format!(
                "`{}` looks like the AI package `{}` ({})",
                d.name, l.target, l.how
            ),
        )
        .evidence(format!("{} ~ {}", d.name, l.target))
        .key(d.normalized.clone())
        .property("imitates", l.target),
    );
}

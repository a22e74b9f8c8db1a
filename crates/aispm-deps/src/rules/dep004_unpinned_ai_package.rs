//! DEP004: the AI packages of one manifest that nothing pins — no exact version, no
//! lock or constraints file in the folder or at a workspace root — are one finding per
//! manifest, decided after the walk, spanning their lines.

use crate::ai;
use crate::finding::pkg_display;
use crate::manifest::{Dependency, Requirement};
use crate::view::Unpinned;
use aispm_core::framework::*;
use aispm_core::{AnalysisContext, Category, RawFinding, Rule, Severity};

/// DEP004: an AI package is not pinned to one version and no lock file pins it.
pub static RULE: Rule = Rule {
    id: "DEP004",
    name: "unpinned-ai-package",
    title: "AI package not pinned to a version",
    category: Category::Dependency,
    severity: Severity::Low,
    what: "Reports the AI or ML packages a manifest declares without an exact version (no \
constraint, a range, a dist-tag such as `latest`, or a branch of a Git repository) that \
no lock file or constraints file in the same folder pins, nor a lock file at the root of \
a workspace the folder is a member of (uv, npm, pnpm, Yarn). One finding per manifest, \
listing the packages (`packages`, `requirements`) and spanning their lines, so an \
`aispm:ignore DEP004` comment on any of them suppresses it; packages built from the \
workspace itself, and a package's reference to itself, are not reported.",
    why: "Every install may pull a different release, so what runs in production is \
neither reviewed nor reproducible, and a compromised release reaches the application on \
the next build: releases of `ultralytics` (December 2024) and `litellm` (March 2026) on \
PyPI shipped a miner and a credential stealer to everyone who installed the newest \
version.",
    example: "`transformers` or `openai>=1.0` in `requirements.txt` with no lock file beside \
it; `\"ai\": \"latest\"` in `package.json`.",
    remediation: "Pin exact versions (`==` / an exact npm version) or commit a lock file \
(`uv.lock`, `poetry.lock`, `Pipfile.lock`, `package-lock.json`, ...), ideally with hashes, \
and update deliberately.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_001,
        ATLAS_M0023,
        NIST_GOVERN_6_1,
        ISO_A_10_3,
    ],
};

/// Whether an unpinned requirement counts: an AI package whose requirement names no
/// one release (a range, no constraint, a dist-tag, a moving Git or URL reference).
fn counts(d: &Dependency) -> bool {
    ai::category(d.ecosystem, &d.normalized).is_some()
        && !d.requirement.is_pinned()
        && !matches!(d.requirement, Requirement::Unparsed(_))
}

/// One DEP004 finding for every AI package of the manifest that nothing pins.
pub(crate) fn check(u: &Unpinned<'_>, cx: &mut AnalysisContext) {
    let deps: Vec<&Dependency> = u.deps.iter().copied().filter(|d| counts(d)).collect();
    let Some(first) = deps.first() else {
        return;
    };
    let mut shown: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for d in &deps {
        let display = pkg_display(d);
        if !shown.contains(&display) {
            shown.push(display);
        }
        if !names.contains(&d.normalized) {
            names.push(d.normalized.clone());
        }
    }
    let listed = if shown.len() > 10 {
        format!("{} and {} more", shown[..10].join(", "), shown.len() - 10)
    } else {
        shown.join(", ")
    };
    let message = if names.len() == 1 {
        let why = match &first.requirement {
            Requirement::Any => "has no version constraint".to_string(),
            Requirement::Direct { .. } => "points at a moving Git or URL reference".into(),
            _ => format!(
                "allows a range of versions (`{}`)",
                first.requirement.display()
            ),
        };
        format!(
            "AI package {} {why} and no lock file in this folder or at a workspace root pins it",
            first.name
        )
    } else {
        format!(
            "{} AI packages are not pinned and no lock file in this folder or at a workspace root pins them: {listed}",
            names.len()
        )
    };
    let lines: Vec<u32> = deps.iter().filter_map(|d| d.line).collect();
    let mut f = RawFinding::new(&RULE, u.path, message)
        .evidence(listed)
        .key("unpinned AI packages")
        .property("ecosystem", first.ecosystem.as_str())
        .property("packages", names.clone())
        .property("requirements", shown);
    if let (Some(lo), Some(hi)) = (lines.iter().min(), lines.iter().max()) {
        f = if lo == hi {
            f.line(*lo)
        } else {
            f.lines(*lo, *hi)
        };
    }
    if names.len() == 1 {
        f = f.property("package", names[0].clone());
    }
    cx.report(f);
}

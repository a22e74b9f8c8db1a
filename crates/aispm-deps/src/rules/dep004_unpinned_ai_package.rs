use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

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

//! Metadata only: the check is the vulnerability table this rule shares with DEP001
//! (`rules/vulnerable_table.rs`), which reports it.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// DEP002: a package that is not on the AI list has a known vulnerability.
pub static RULE: Rule = Rule {
    id: "DEP002",
    name: "vulnerable-package",
    title: "Dependency version with a known vulnerability",
    category: Category::Dependency,
    severity: Severity::Medium,
    what: "Reports a dependency that is not an AI package whose pinned or locked version is \
affected by an advisory of the offline OSV database (or whose range admits only affected \
versions). The severity comes from the advisory's CVSS v3 vector or database rating, else \
medium; capped as for DEP001 (at most high with no fixed version, low for a record that \
reads as every release affected).",
    why: "The web framework, HTTP client or parser under an AI application is as exposed as \
the AI framework itself; a vulnerable one is a way into the same process and its model \
keys.",
    example: "`requests==2.19.0` in `requirements.txt` (PYSEC-2018-28, CVE-2018-18074).",
    remediation: "Upgrade to a fixed version and refresh the lock file. Deselect the rule \
(`--ignore DEP002`) where another tool already covers general dependencies.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_001,
        ATLAS_M0016,
        NIST_MANAGE_3_1,
        ISO_A_10_3,
    ],
};

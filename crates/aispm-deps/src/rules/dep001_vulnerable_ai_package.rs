//! Metadata only: the check is the vulnerability table this rule shares with DEP002
//! (`rules/vulnerable_table.rs`), which reports it.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// DEP001: an AI package is pinned or locked at a version with a known vulnerability.
pub static RULE: Rule = Rule {
    id: "DEP001",
    name: "vulnerable-ai-package",
    title: "AI package version with a known vulnerability",
    category: Category::Dependency,
    severity: Severity::High,
    what: "Reports an AI or ML package (LLM SDKs and frameworks, model libraries, ML \
frameworks, serving, vector stores, MLOps; see `aispm-deps`'s list) whose version, as \
pinned in a manifest or resolved in a lock file, is affected by an advisory of the offline \
OSV database. Also reported when a version range admits only affected versions. The \
severity comes from the advisory's CVSS v3 vector or its database rating, else high; the \
evidence names the advisory, its aliases and the first fixed version. A match for which \
the advisory lists no fixed version is at most high; an advisory that reads as every \
release affected (a range open from 0, no fix, no version list) is low, with the reason \
in `severity_adjusted`. An open range with a version list is read as that list.",
    why: "AI frameworks run with the application's rights and handle untrusted prompts, \
documents and model files. Known flaws in them (code execution in chain loaders and \
prompt templates, path traversal in model servers, SSRF in document loaders) are used \
in practice because exploits are public once the advisory is.",
    example: "`langchain==0.0.305` in `requirements.txt`: PYSEC-2023-162 (CVE-2023-39631, CVSS \
9.8, fixed in 0.0.308), PYSEC-2023-205 and PYSEC-2024-43.",
    remediation: "Upgrade to a fixed version (the finding names the first one), refresh the \
lock file, and check whether the vulnerable feature was reachable.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_001,
        ATLAS_M0016,
        NIST_MANAGE_3_1,
        NIST_GOVERN_6_1,
        ISO_A_10_3,
        EU_ART_15,
    ],
};

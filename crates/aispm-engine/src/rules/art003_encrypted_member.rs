use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// ART003: an archive member is encrypted and cannot be inspected.
pub static RULE: Rule = Rule {
    id: "ART003",
    name: "encrypted-archive-member",
    title: "Encrypted archive member cannot be inspected",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports password-protected or encrypted archive members.",
    why: "Encryption hides the content from every scanner while a loader given the password \
still runs it. Attackers use it to smuggle malicious checkpoints past scanning; a scanner that \
treats such a file as clean fails open.",
    example: "`model.zip` whose `archive/data.pkl` is encrypted with ZipCrypto or AES.",
    remediation: "Obtain an unencrypted copy and scan it, or verify the artefact's digest \
against a trusted source before use.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

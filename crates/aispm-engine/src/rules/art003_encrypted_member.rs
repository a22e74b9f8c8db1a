//! ART003: `archive.rs` calls [`encrypted_member`] for every zip member whose
//! encryption flag is set, after looking at whether its data is in the clear.

use aispm_core::framework::*;
use aispm_core::{Category, RawFinding, Rule, Severity};

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

/// What a zip member's encryption flag stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encryption {
    /// The data is encrypted: its content is not inspected.
    Opaque,
    /// The flag is set over data stored in the clear: scanners that honour the flag
    /// skip the member, loaders that ignore it read it (the engine analyses it).
    FlagOnly,
}

/// The finding for a zip member flagged as encrypted.
pub(crate) fn encrypted_member(container: &str, name: &str, how: Encryption) -> RawFinding {
    let message = match how {
        Encryption::Opaque => {
            format!("zip member `{name}` is encrypted; its content cannot be inspected")
        }
        Encryption::FlagOnly => format!(
            "zip member `{name}` is flagged as encrypted but stored in the clear; scanners that honour the flag skip it, loaders that ignore it read it"
        ),
    };
    super::about_member(&RULE, container, name, message)
}

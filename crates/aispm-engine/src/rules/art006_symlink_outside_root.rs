//! ART006: the walk (`scanner.rs`) calls [`check`] for every symbolic link whose target
//! resolves.

use aispm_core::framework::*;
use aispm_core::{Category, RawFinding, Rule, Severity};
use std::path::Path;

/// ART006: a symbolic link in the scanned tree points outside of it.
pub static RULE: Rule = Rule {
    id: "ART006",
    name: "symlink-outside-root",
    title: "Symbolic link points outside the scanned tree",
    category: Category::Data,
    severity: Severity::Low,
    what: "Reports symbolic links whose target lies outside the scan root. They are not \
followed, so their targets are not scanned.",
    why: "A link in a model or data folder that points at `/etc`, a home directory or \
another project makes loaders read files the folder's owner did not ship (ONNX external data \
and tokenizer files are read this way), and hides content from a scan of the folder.",
    example: "`models/bert/vocab.txt -> /home/user/.ssh/id_rsa`.",
    remediation: "Replace the link with the file it should contain, or scan the target \
location as well.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, NIST_MEASURE_2_7],
};

/// A link at `display` whose resolved target is not under the canonical scan root;
/// `target_text` is the link's content as written.
pub(crate) fn check(
    display: &str,
    target: &Path,
    canonical_root: &Path,
    target_text: &str,
) -> Option<RawFinding> {
    if target.starts_with(canonical_root) {
        return None;
    }
    Some(
        RawFinding::new(
            &RULE,
            display,
            format!(
                "symbolic link points outside the scanned tree to `{target_text}`; not followed"
            ),
        )
        .evidence(format!("-> {target_text}"))
        .key(target_text.to_string()),
    )
}

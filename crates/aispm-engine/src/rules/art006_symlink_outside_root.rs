use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

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

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// ART004: an archive or compression format the engine recognises but cannot open.
pub static RULE: Rule = Rule {
    id: "ART004",
    name: "uninspectable-archive",
    title: "Archive or compressed file in a format that is not inspected",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports 7z, RAR and zstd files, and archives that cannot be opened (corrupt \
central directory, unsupported compression method). The scan fails closed: content it \
cannot read is never reported as clean.",
    why: "What cannot be read cannot be cleared. Model loaders and data pipelines may still \
unpack these files; treating them as clean would let a malicious model through.",
    example: "`checkpoint.7z` beside a training script; a `.zip` whose central directory is \
damaged.",
    remediation: "Repack the content as a plain zip or tar, or scan the extracted files. If \
the file is not needed, remove it.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

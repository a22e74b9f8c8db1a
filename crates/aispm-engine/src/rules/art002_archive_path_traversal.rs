use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// ART002: an archive member would be written outside the extraction folder.
pub static RULE: Rule = Rule {
    id: "ART002",
    name: "archive-path-traversal",
    title: "Archive member escapes the extraction folder",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports archive members whose names are absolute paths or climb out with `..`, \
and tar symbolic or hard links that point outside the archive.",
    why: "Extracting such an archive (a model bundle, a dataset, a checkpoint) writes files \
anywhere the extracting process can write: shell start-up files, SSH keys, Python \
`site-packages`. This \"zip slip\" turns a model download into code execution.",
    example: "A member named `../../.bashrc` or `/etc/cron.d/job` in `model.zip`; a tar entry \
`weights.bin -> /etc/passwd`.",
    remediation: "Do not extract the archive with tools that honour such names. Rebuild the \
archive with relative member paths only, or obtain the artefact from a trusted source.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

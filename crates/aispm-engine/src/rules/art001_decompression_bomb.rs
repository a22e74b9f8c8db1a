use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// ART001: an archive expands far beyond what a real model or dataset bundle would.
pub static RULE: Rule = Rule {
    id: "ART001",
    name: "decompression-bomb",
    title: "Archive expands beyond the configured limits (decompression bomb)",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports archives (zip, tar.gz, gzip, nested archives) whose members declare or \
produce more expanded data than the configured ratio or total allows, or whose zip entries \
share compressed data (the overlapping-file technique).",
    why: "A few kilobytes can expand to terabytes. Loading or extracting such a file exhausts \
disk and memory of the training or serving host, which is a denial of service; the same trick \
hides payloads from scanners that give up early. Legitimate checkpoints and datasets are \
stored uncompressed or compress modestly.",
    example: "`weights.zip` of 42 KB whose members claim 4.5 PB in total; a `.pt` file whose \
`data.pkl` is a deflated stream of 10 GB of zeros.",
    remediation: "Do not extract or load the file. Obtain the artefact again from a trusted \
source and verify its digest. If the expansion is legitimate, raise `max_expansion_ratio` or \
`max_expanded_bytes` in `aispm.toml` for that scan.",
    controls: &[
        LLM10,
        LLM03,
        ML06,
        ATLAS_T0029,
        ATLAS_T0010_003,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

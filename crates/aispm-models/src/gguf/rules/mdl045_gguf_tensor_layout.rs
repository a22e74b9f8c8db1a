//! MDL045: its check is a row of the reader-issue table (`reader_issues.rs`),
//! shared with MDL044.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL045: GGUF tensor infos disagree with the file (overflow, overlap, past the end).
pub static RULE: Rule = Rule {
    id: "MDL045",
    name: "gguf-tensor-layout",
    title: "GGUF tensor infos are inconsistent with the file",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Checks every GGUF tensor info without reading tensor data: dimension count, \
dimension product (checked multiplication), ggml type, offset alignment, and whether the \
tensor's bytes lie inside the data section and do not overlap other tensors. Overflowing \
dimensions, overlapping tensors and offsets far beyond the file are reported high; a short \
tail (a truncated download) and unknown types medium.",
    why: "Tensor sizes and offsets drive the loader's reads and memory maps; overflowing \
products and overlapping or out-of-range spans are out-of-bounds reads waiting for a loader \
that trusts them. A truncated file is at least corrupt and will not load as published.",
    example: "Two tensors whose byte ranges overlap; a tensor at offset 2^60 in a 1 MB file.",
    remediation: "Obtain the model again from a trusted source and verify its digest before \
loading it.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_M0014,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

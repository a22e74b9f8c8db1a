use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};
use aispm_formats::safetensors::LengthError;

/// MDL050: the safetensors header length cannot be true.
pub static RULE: Rule = Rule {
    id: "MDL050",
    name: "safetensors-header-length",
    title: "safetensors header length is implausible (near 2^64, over 100 MB or past the file)",
    category: Category::Model,
    severity: Severity::High,
    what: "Reads the 8-byte little-endian header length of a safetensors file and reports \
values near 2^64, above the format's 100 MB limit, or larger than the file.",
    why: "Loaders allocate the header from this field. A crafted length overflows size \
arithmetic or exhausts memory before any validation runs; a real file's header always fits \
in the file.",
    example: "A 15-byte file whose length field is `0xffffffffffffffff`.",
    remediation: "Do not load the file. Obtain the model again from a trusted source and \
verify its digest.",
    controls: &[
        LLM03,
        LLM10,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0029,
        ATLAS_M0014,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

/// A file too short to hold the 8-byte header length.
pub(crate) fn short_file(path: &str) -> RawFinding {
    RawFinding::new(&RULE, path, "file is shorter than the 8-byte header length")
}

/// A header length field that cannot be true: near 2^64, over the format's 100 MB cap
/// or past the end of the file (the reader's [`LengthError`] says which).
pub(crate) fn impossible_length(path: &str, e: &LengthError) -> RawFinding {
    RawFinding::new(&RULE, path, e.to_string())
        .severity(Severity::High)
        .evidence(format!("header length field = {}", e.length()))
}

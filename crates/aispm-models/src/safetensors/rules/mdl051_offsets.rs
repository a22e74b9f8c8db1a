//! MDL051: its check is a row of the header-check table (`header_checks.rs`),
//! shared with MDL052 and MDL053.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL051: safetensors tensor offsets overlap, are reversed or point past the file.
pub static RULE: Rule = Rule {
    id: "MDL051",
    name: "safetensors-offsets-out-of-bounds",
    title: "safetensors tensor offsets overlap, are reversed or run past the file",
    category: Category::Model,
    severity: Severity::High,
    what: "Checks every tensor's `data_offsets` `[begin, end]` in a safetensors header: \
reversed pairs, ends beyond the data section, ranges that overlap another tensor, and \
tensor names declared twice.",
    why: "Offsets are turned into slices of a memory map. Overlapping or out-of-range spans \
are how crafted files trigger out-of-bounds reads or make two tensors alias the same bytes; \
duplicate names let two loaders see different weights. The reference loader rejects all of \
these, so a file carrying them was made by hand.",
    example: "Tensors `a` `[0, 32]` and `b` `[16, 48]`; a tensor ending at 4 MB in a 144-byte \
file.",
    remediation: "Do not load the file. Obtain the model again from a trusted source and \
verify its digest.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0018,
        ATLAS_M0014,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

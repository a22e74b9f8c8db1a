//! MDL044: its check is a row of the reader-issue table (`reader_issues.rs`),
//! shared with MDL045.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL044: a GGUF header or metadata section is malformed or implausible.
pub static RULE: Rule = Rule {
    id: "MDL044",
    name: "gguf-malformed-header",
    title: "GGUF header or metadata is malformed or implausible (parser attack)",
    category: Category::Model,
    severity: Severity::High,
    what: "Reads the GGUF header (versions 1 to 3) and every metadata key/value with bounds \
checks, and reports counts that the file cannot hold (tensor or key counts near 2^64), keys, \
strings or arrays that run past the end of the file, unknown value types, arrays nested too \
deep, duplicate keys, a chat template that is not a string, a bad `general.alignment`, and \
unsupported versions (medium).",
    why: "Loaders allocate and loop on these fields. Crafted lengths and counts are how GGUF \
parsers have been attacked (heap overflows and out-of-memory in llama.cpp and its bindings); \
a real model never declares more entries than its bytes can hold.",
    example: "A 52-byte file whose header declares 2^64-16 tensors and a key of 2^63 bytes.",
    remediation: "Do not load the file. Obtain the model again from a trusted source, verify \
its digest, and keep GGUF loaders up to date.",
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

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// AGT004: zero-width characters hiding content.
///
/// Checked in `deceptive_unicode.rs` with AGT002 and AGT003: one scan of each line.
pub static RULE: Rule = Rule {
    id: "AGT004",
    name: "unicode-zero-width",
    title: "Zero-width characters hiding content",
    category: Category::Agent,
    severity: Severity::Medium,
    what: "Reports a line where zero-width characters (U+200B, U+200C, U+200D, U+2060, U+180E, U+FEFF) are used to hide content: a run of two or more in a row, or three or more on the line. Not counted: a byte-order mark at the start of the file, ZWJ inside emoji sequences, joiners and zero-width spaces between letters of scripts that use them (Persian ZWNJ, Indic, Thai), and the soft hyphen U+00AD, which is visible formatting. A single stray zero-width space in prose is not reported. Runs that decode as binary (two distinct characters as bits) get a decoded preview.",
    why: "Sequences of zero-width characters carry hidden data (binary-encoded instructions, watermarks, canary tokens) and split keywords so that filters miss them, while reviewers see nothing.",
    example: "`Rubric line 1: thesis is clear.` followed by 160 alternating U+200B/U+200C between two U+2060.",
    remediation: "Remove the characters and find out who added them; normalise text before it reaches models or filters.",
    controls: &[
        LLM01,
        LLM04,
        ATLAS_T0051_001,
        ATLAS_T0070,
        ATLAS_M0020,
        NIST_MEASURE_2_7,
        ISO_A_7_4,
        EU_ART_15,
    ],
};

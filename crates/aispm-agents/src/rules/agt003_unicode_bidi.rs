use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// AGT003: bidirectional control characters reordering text.
///
/// Checked in `deceptive_unicode.rs` with AGT002 and AGT004: one scan of each line.
pub static RULE: Rule = Rule {
    id: "AGT003",
    name: "unicode-bidi-control",
    title: "Bidirectional control characters reordering text",
    category: Category::Agent,
    severity: Severity::High,
    what: "Reports a line with bidi embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069). Right-to-left text without controls (Hebrew, Arabic) is not reported, nor are the marks U+200E/U+200F.",
    why: "Bidi controls make text display in a different order than it is stored (\"Trojan Source\", CVE-2021-42574): code, prompts or training data look harmless in review while the model or compiler sees something else, e.g. a comment that is really code.",
    example: "`if role != \"user\\u202e \\u2066# admin check\\u2069 \\u2066\":` in a fine-tuning completion.",
    remediation: "Remove the controls or replace them with visible escapes; reject them in code review and data pipelines.",
    controls: &[
        LLM04,
        LLM01,
        ATLAS_T0020,
        ATLAS_T0051_001,
        ATLAS_M0020,
        NIST_MEASURE_2_7,
        ISO_A_7_4,
        EU_ART_15,
    ],
};

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE013: Keras loads models with safe mode off.
pub static RULE: Rule = Rule {
    id: "CODE013",
    name: "keras-unsafe-deserialization",
    title: "Keras loads models with safe mode off",
    category: Category::Code,
    severity: Severity::High,
    what: "Reports `load_model(..., safe_mode=False)` from Keras or `tf.keras` and `keras.config.enable_unsafe_deserialization()`. Low in tests (the project's own fixtures).",
    why: "Safe mode is what stops a `.keras` file's Lambda layers from deserialising arbitrary Python bytecode.",
    example: "`keras.models.load_model(\"model.keras\", safe_mode=False)`.",
    remediation: "Keep safe mode on; replace Lambda layers with registered custom layers whose code ships with the application.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        ATLAS_M0011,
        NIST_MANAGE_3_2,
    ],
};

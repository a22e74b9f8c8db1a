//! `CODE013`: Keras safe mode turned off (`load_model(…, safe_mode=False)`,
//! `enable_unsafe_deserialization()`).

use super::Weighing;
use crate::flow::{Call, Walker};
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

/// Low in tests, which load the project's own fixtures.
pub(crate) const WEIGHING: Weighing = Weighing::LowInTests;

/// A Keras load with safe mode off, or safe mode turned off for the process.
pub(crate) fn check<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    let resolved = call.resolved.as_str();
    let keras = resolved.starts_with("keras")
        || resolved.starts_with("tensorflow")
        || resolved.starts_with("tf.");
    if (call.last == "load_model"
        && (keras || call.segs.contains(&"keras"))
        && call
            .kwarg("safe_mode")
            .is_some_and(|v| w.is_literal_false(v)))
        || call.last == "enable_unsafe_deserialization"
    {
        w.hit(
            &RULE,
            call.node,
            "Keras safe mode is turned off".into(),
            None,
        );
    }
}

//! `CODE014`: `trust_remote_code=True` on any call.

use super::Weighing;
use crate::flow::{Call, Walker};
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE014: Model loading runs code from the model repository.
pub static RULE: Rule = Rule {
    id: "CODE014",
    name: "trust-remote-code",
    title: "Model loading runs code from the model repository",
    category: Category::Code,
    severity: Severity::High,
    what: "Reports `trust_remote_code=True` passed to any call (`from_pretrained`, `pipeline`, `AutoConfig`, `load_dataset`, vLLM `LLM`, sentence-transformers). Not reported in tests (a test of the flag loads the project's own fixture models).",
    why: "With it, the loader imports Python files shipped inside the model repository; whoever can push to that repository, or squat a similar name, runs code on every machine that loads it.",
    example: "`AutoModelForCausalLM.from_pretrained(\"some-lab/chat-7b\", trust_remote_code=True)`.",
    remediation: "Use architectures supported natively by the library; where custom code is unavoidable, pin `revision` to a reviewed commit and vendor the code.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_M0014,
        NIST_MANAGE_3_2,
        EU_ART_15,
    ],
};

/// No finding in tests, which exercise the flag against the project's own models.
pub(crate) const WEIGHING: Weighing = Weighing::ExercisedInTests;

/// A call with `trust_remote_code=True`.
pub(crate) fn check<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    if call
        .kwarg("trust_remote_code")
        .is_some_and(|v| w.is_literal_true(v))
    {
        let last = call.last;
        w.hit(
            &RULE,
            call.node,
            format!("`{last}` with `trust_remote_code=True` runs code from the model repository"),
            None,
        );
    }
}

//! `CODE012`: `numpy.load(…, allow_pickle=True)`.

use super::Weighing;
use crate::flow::{Call, Walker};
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE012: `numpy.load` with `allow_pickle=True`.
pub static RULE: Rule = Rule {
    id: "CODE012",
    name: "numpy-load-allow-pickle",
    title: "`numpy.load` with `allow_pickle=True`",
    category: Category::Code,
    severity: Severity::High,
    what: "Reports `numpy.load(..., allow_pickle=True)` (object arrays are unpickled). Low in tests (the project's own fixtures).",
    why: "With pickling allowed, a `.npy` or `.npz` file can carry code that runs on load.",
    example: "`np.load(\"embeddings.npy\", allow_pickle=True)`.",
    remediation: "Store numeric arrays only and load them with the default `allow_pickle=False`.",
    controls: &[LLM03, ML06, ATLAS_T0011_000, ATLAS_M0011, NIST_MANAGE_3_2],
};

/// Low in tests, which load the project's own fixtures.
pub(crate) const WEIGHING: Weighing = Weighing::LowInTests;

/// `numpy.load(…, allow_pickle=True)`.
pub(crate) fn check<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    if call.resolved == "numpy.load"
        && call
            .kwarg("allow_pickle")
            .is_some_and(|v| w.is_literal_true(v))
    {
        w.hit(
            &RULE,
            call.node,
            "`numpy.load` with `allow_pickle=True`".into(),
            None,
        );
    }
}

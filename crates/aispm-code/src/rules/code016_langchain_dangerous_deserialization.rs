//! `CODE016`: `allow_dangerous_deserialization=True` on any call.

use super::Weighing;
use crate::flow::{Call, Walker};
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE016: LangChain dangerous deserialisation enabled.
pub static RULE: Rule = Rule {
    id: "CODE016",
    name: "langchain-dangerous-deserialization",
    title: "LangChain dangerous deserialisation enabled",
    category: Category::Code,
    severity: Severity::High,
    what: "Reports `allow_dangerous_deserialization=True` (FAISS, Annoy and other vector stores' `load_local`, LangChain `loads`). Low in tests (the project's own fixtures).",
    why: "The flag lets LangChain unpickle the stored index: a vector store copied from a shared bucket or another team runs code when loaded.",
    example: "`FAISS.load_local(\"s3-sync/shared_index\", emb, allow_dangerous_deserialization=True)`.",
    remediation: "Load only indexes this application wrote itself and keeps integrity-protected, or rebuild them from the source documents; prefer stores that do not pickle.",
    controls: &[
        LLM03,
        LLM08,
        ML06,
        ATLAS_T0011_000,
        ATLAS_M0011,
        NIST_MEASURE_2_7,
    ],
};

/// Low in tests, which load the project's own fixtures.
pub(crate) const WEIGHING: Weighing = Weighing::LowInTests;

/// A call with `allow_dangerous_deserialization=True`.
pub(crate) fn check<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    if call
        .kwarg("allow_dangerous_deserialization")
        .is_some_and(|v| w.is_literal_true(v))
    {
        let last = call.last;
        w.hit(
            &RULE,
            call.node,
            format!(
                "`{last}` with `allow_dangerous_deserialization=True` unpickles the stored data"
            ),
            None,
        );
    }
}

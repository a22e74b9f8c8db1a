use super::Pickled;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL007: Data follows the end of the pickle stream.
pub static RULE: Rule = Rule {
    id: "MDL007",
    name: "pickle-trailing-data",
    title: "Data follows the end of the pickle stream",
    category: Category::Model,
    severity: Severity::Low,
    what: "Reports bytes after the STOP opcode that are not a further pickle stream, in files that are a plain pickle (PyTorch legacy storages and joblib arrays are understood and not reported).",
    why: "Data after STOP is ignored by one loader and read by another (a second `pickle.load`, a polyglot file). It is a place to hide a payload from tools that stop at the first STOP.",
    example: "`model.pkl` followed by 2 KB of unexplained bytes.",
    remediation: "Find out what produced the extra bytes; re-export the model if the tail is not expected.",
    controls: &[LLM03, ML06, ATLAS_M0014, NIST_MEASURE_2_7],
};

/// Bytes after the last complete stream that are no further pickle.
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    if let Some(s) = &file.obs.trailing {
        out.push(
            RawFinding::new(&RULE, file.path, "Data follows the end of the pickle")
                .evidence(s.evidence.clone())
                .property("offset", s.offset),
        );
    }
}

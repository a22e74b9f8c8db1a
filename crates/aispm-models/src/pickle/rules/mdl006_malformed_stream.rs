use super::Pickled;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL006: Pickle stream is malformed or truncated.
pub static RULE: Rule = Rule {
    id: "MDL006",
    name: "pickle-malformed-stream",
    title: "Pickle stream is malformed or truncated",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports pickle streams that end inside an opcode, hold a byte that is no opcode, or carry a malformed argument. Everything read before the error is still analysed and reported.",
    why: "A truncated or broken pickle still executes every opcode before the error: the 'broken pickle' technique puts the payload first and corrupts the rest so that scanners that give up on a parse error report nothing while the loader has already run the payload.",
    example: "`model.pkl` with `GLOBAL builtins exec`, a REDUCE, then random bytes instead of STOP.",
    remediation: "Do not load the file. Obtain an intact copy from a trusted source and verify its digest.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_M0014,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

/// A stream the machine could not read to its end (the first stream of a file, or any
/// stream of a PyTorch legacy file), with how many imports were read before the error.
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    if let Some(s) = &file.obs.malformed {
        let seen = file.obs.imports.len();
        out.push(
            RawFinding::new(
                &RULE,
                file.path,
                format!(
                    "Pickle stream is malformed ({}); {seen} import(s) were read before the error",
                    s.evidence
                ),
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
}

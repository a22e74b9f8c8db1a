use super::Pickled;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL003: Pickle imports a name computed at load time.
pub static RULE: Rule = Rule {
    id: "MDL003",
    name: "pickle-dynamic-import",
    title: "Pickle imports a name computed at load time",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reports STACK_GLOBAL imports whose module or name is not a string literal: a value built at load time (`_operator.add('sys', 'tem')`), a memo slot that was never stored, or another object. When the name can be computed statically it is shown and judged as well.",
    why: "Legitimate pickles always import by literal name. Building the name at load time exists only to defeat scanners that read import names from the stream; the standard unpickler imports whatever the expression evaluates to.",
    example: "`STACK_GLOBAL('os', _operator.add('sys', 'tem')) -> os.system` followed by a REDUCE.",
    remediation: "Do not load the file; treat it as malicious and obtain the model from a trusted source.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        ATLAS_M0014,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

/// Every import whose module or name the machine could not read as a literal.
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    for s in &file.obs.dynamic {
        out.push(
            RawFinding::new(
                &RULE,
                file.path,
                "Pickle imports a name that is computed at load time or cannot be resolved",
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
}

use super::Pickled;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL013: Pickle BUILD installs dunder attributes or patches an import.
pub static RULE: Rule = Rule {
    id: "MDL013",
    name: "pickle-setstate-gadget",
    title: "Pickle BUILD installs dunder attributes or patches an import",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports BUILD opcodes whose state sets `__setstate__`, `__reduce__`, `__getattr__`, `__class__` or other dunder attributes, and BUILD applied directly to an imported module, class or function.",
    why: "Setting `__setstate__` turns the next BUILD into a call of any callable; patching attributes of an imported object (`numpy.prod.a = 'os'`) rewires what later imports and calls resolve to. Both are published scanner bypasses; ordinary objects never carry such state.",
    example: "`BUILD types.SimpleNamespace().__setstate__ = os.system`, then a second BUILD with the command.",
    remediation: "Do not load the file; treat it as malicious.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_M0014,
        NIST_MEASURE_2_7,
    ],
};

/// Every BUILD that installs a dunder attribute or sets attributes on an imported object.
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    for s in &file.obs.setstate {
        out.push(
            RawFinding::new(
                &RULE,
                file.path,
                "Pickle BUILD installs dunder attributes or patches an imported object",
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
}

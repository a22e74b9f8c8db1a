use super::Pickled;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL011: Pickle builds a Python code object or function.
pub static RULE: Rule = Rule {
    id: "MDL011",
    name: "pickle-code-object",
    title: "Pickle builds a Python code object or function",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports calls that build code objects or functions from serialised bytecode: `types.CodeType`, `types.FunctionType`, `marshal.loads`, dill's `_create_code`/`_create_function` and cloudpickle's `_make_function`, whether or not the result is called during loading.",
    why: "Serialised bytecode is arbitrary code. Once built it runs whenever the loaded object's function is called, and bytecode cannot be reviewed like source.",
    example: "A dill pickle whose stream calls `dill._dill._create_code(...)` for a lambda.",
    remediation: "Do not load such files from untrusted sources; ship code as reviewed source and data in safe formats.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        ATLAS_M0014,
        NIST_MEASURE_2_7,
    ],
};

/// Every call of a callable that builds a code object or a function from bytecode.
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    for s in &file.obs.code_objects {
        out.push(
            RawFinding::new(
                &RULE,
                file.path,
                "Pickle builds a code object or a function from serialised bytecode",
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
}

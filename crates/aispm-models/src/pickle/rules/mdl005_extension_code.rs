use super::Pickled;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL005: Pickle uses a copyreg extension code.
pub static RULE: Rule = Rule {
    id: "MDL005",
    name: "pickle-extension-code",
    title: "Pickle uses a copyreg extension code",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports EXT1, EXT2 and EXT4 opcodes, which import a callable through the copyreg extension registry by number instead of by name.",
    why: "The registry is empty in a standard interpreter, so no legitimate model uses these opcodes. What the number resolves to depends on the loading process, which hides the import from any static reader.",
    example: "`EXT1 0x2a` followed by a REDUCE.",
    remediation: "Do not load the file; re-export the model with a standard pickler, or better as safetensors.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_M0014,
        NIST_MEASURE_2_7,
    ],
};

/// Every EXT1/EXT2/EXT4 opcode (an import by extension code).
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    for s in &file.obs.ext_codes {
        out.push(
            RawFinding::new(
                &RULE,
                file.path,
                "Pickle imports through the copyreg extension registry",
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
}

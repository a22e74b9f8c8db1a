use super::Pickled;
use crate::pickle::machine::Layout;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL008: File holds several pickle streams.
pub static RULE: Rule = Rule {
    id: "MDL008",
    name: "pickle-multiple-streams",
    title: "File holds several pickle streams",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports files that hold more than one complete pickle stream, outside formats that do so by design (PyTorch legacy checkpoints). Every stream is analysed.",
    why: "Code that calls `pickle.load` repeatedly on one file runs every stream. A harmless first stream in front of a malicious second one fools scanners that read only the first.",
    example: "`data.pkl` holding a plain dictionary, then a second stream calling `os.system`.",
    remediation: "Check why the file has several streams; re-export it as a single stream or as safetensors.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

/// A plain pickle file holding more than one complete stream (PyTorch layouts hold
/// several by design).
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    let streams = file.obs.streams;
    if file.layout == Layout::Plain && streams > 1 {
        out.push(
            RawFinding::new(
                &RULE,
                file.path,
                format!("File holds {streams} pickle streams; every one runs when loaded in turn"),
            )
            .evidence(format!("{streams} streams")),
        );
    }
}

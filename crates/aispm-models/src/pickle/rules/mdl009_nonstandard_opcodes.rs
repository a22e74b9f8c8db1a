use super::Pickled;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL009: Pickle uses constructs the standard unpickler rejects.
pub static RULE: Rule = Rule {
    id: "MDL009",
    name: "pickle-nonstandard-opcodes",
    title: "Pickle uses constructs the standard unpickler rejects",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports stack underflows, missing MARKs, memo lookups of keys never stored, protocol numbers above 5, PROTO in the middle of a stream, out-of-band buffers in a file, and FRAME lengths that disagree with the stream (more bytes declared than remain, which the C unpickler rejects; an opcode crossing the end of its frame or a frame opened inside another, which the Python unpickler rejects). Frames are only a read-ahead hint to CPython, so opcodes are always read in sequence and a call after a lying frame is still found.",
    why: "Pickles written by a real pickler never contain these. Hand-crafted streams use them to make scanners and loaders disagree about what a file does (a parser differential).",
    example: "`BINGET 7` before any memo slot 7 was stored, feeding a STACK_GLOBAL.",
    remediation: "Treat the file as crafted: do not load it and obtain the model from a trusted source.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

/// Every distinct construct the standard unpickler rejects (a frame that lies about its
/// length, a memo key never stored, an unsupported protocol, ...).
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    for s in &file.obs.nonstandard {
        out.push(
            RawFinding::new(
                &RULE,
                file.path,
                format!(
                    "Pickle stream uses a construct the standard unpickler rejects: {}",
                    s.evidence
                ),
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
}

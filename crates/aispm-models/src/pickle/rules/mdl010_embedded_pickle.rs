use super::Pickled;
use crate::pickle::observations::NestedContent;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL010: Pickle carries a second pickle as data.
pub static RULE: Rule = Rule {
    id: "MDL010",
    name: "pickle-embedded-pickle",
    title: "Pickle carries a second pickle as data",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports bytes or strings inside a pickle that are themselves a pickle, stored raw, in hex or in base64. The embedded pickle is analysed too: the finding is high when it imports dangerous callables, medium when it imports anything outside the allow-list, low when it holds plain data.",
    why: "Nothing runs the inner pickle on load, but code that later passes the field to `pickle.loads` does, and scanners that read only the outer stream never see it. Staged payloads use exactly this.",
    example: "`{'encoded_weights': 'gASVPwAAAA...'}` whose base64 decodes to a pickle calling `builtins.print`.",
    remediation: "Find out which code reads the field; store tensors and configuration in safe formats instead of nested pickles.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0018_002,
        ATLAS_M0014,
        NIST_MEASURE_2_7,
    ],
};

/// Every pickle carried as data inside the stream (raw or encoded), its severity by
/// what the nested pickle imports.
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    for e in &file.obs.embedded {
        let (sev, what) = match e.content {
            NestedContent::Dangerous => (Severity::High, "with dangerous imports"),
            NestedContent::Unknown => (Severity::Medium, "with imports outside the allow-list"),
            NestedContent::Plain => (Severity::Low, "of plain data"),
        };
        out.push(
            RawFinding::new(
                &RULE,
                file.path,
                format!("Pickle carries a {} second pickle {what}", e.encoding),
            )
            .severity(sev)
            .evidence(e.evidence.clone())
            .property("offset", e.offset),
        );
    }
}

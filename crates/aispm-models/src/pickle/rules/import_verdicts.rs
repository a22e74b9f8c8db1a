//! The import policy's verdicts as findings: one table for the four rules that read
//! the same matcher, [`crate::pickle::policy::classify`], on every import the machine
//! resolved. A dangerous callable that the stream calls is
//! [`mdl001_dangerous_call`], one it only references is [`mdl002_dangerous_import`],
//! a model scanner imported is [`mdl014_scanner_tampering`], anything outside the
//! allow-list is [`mdl004_unknown_import`]; allowed imports are not reported.

use super::{
    Pickled, mdl001_dangerous_call, mdl002_dangerous_import, mdl004_unknown_import,
    mdl014_scanner_tampering,
};
use crate::pickle::policy::Verdict;
use aispm_core::RawFinding;

/// One finding per import whose verdict is not `Allowed`, keyed on its qualified name.
pub(crate) fn check(file: &Pickled<'_>, out: &mut Vec<RawFinding>) {
    let path = file.path;
    for imp in &file.obs.imports {
        let q = imp.qualified();
        let evidence = imp.evidence.clone().unwrap_or_else(|| q.clone());
        let f = match imp.verdict {
            Verdict::Allowed => continue,
            Verdict::Dangerous(why) if imp.called => RawFinding::new(
                &mdl001_dangerous_call::RULE,
                path,
                format!("Pickle calls {q} ({why}) when it is loaded"),
            ),
            Verdict::Dangerous(why) => RawFinding::new(
                &mdl002_dangerous_import::RULE,
                path,
                format!("Pickle references {q} ({why}); loading it imports the callable"),
            ),
            Verdict::ScannerTamper => RawFinding::new(
                &mdl014_scanner_tampering::RULE,
                path,
                format!("Pickle imports the model scanner {q}"),
            ),
            Verdict::Unknown => RawFinding::new(
                &mdl004_unknown_import::RULE,
                path,
                format!(
                    "Pickle {} {q}, which is not on the allow-list of ordinary checkpoints",
                    if imp.called { "calls" } else { "imports" }
                ),
            ),
        };
        out.push(f.evidence(evidence).key(q).property("offset", imp.offset));
    }
}

//! The import policy's verdicts on the types a skops schema names, as findings: one
//! table for the two rules that read the same matcher,
//! [`crate::pickle::policy::classify`]. A dangerous type or function (or a model
//! scanner) is [`mdl016_skops_dangerous_type`], one outside the allow-list is
//! [`mdl017_skops_untrusted_type`]; allowed types are not reported.

use super::{mdl016_skops_dangerous_type, mdl017_skops_untrusted_type};
use crate::pickle::policy::{self, Verdict};
use aispm_core::RawFinding;

/// The finding for one `module.name` of the schema, if its verdict is not `Allowed`.
pub(crate) fn check(path: &str, module: &str, name: &str) -> Option<RawFinding> {
    let (rule, why) = match policy::classify(module, name) {
        Verdict::Allowed => return None,
        Verdict::Dangerous(why) => (&mdl016_skops_dangerous_type::RULE, why),
        Verdict::ScannerTamper => (&mdl016_skops_dangerous_type::RULE, "scanner tampering"),
        Verdict::Unknown => (&mdl017_skops_untrusted_type::RULE, "not on the allow-list"),
    };
    Some(
        RawFinding::new(
            rule,
            path,
            format!("skops schema names `{module}.{name}` ({why})"),
        )
        .evidence(format!("{module}.{name}"))
        .key(format!("{module}.{name}")),
    )
}

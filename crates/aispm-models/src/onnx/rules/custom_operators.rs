//! Operators from outside the standard domains, as findings: one table for the two
//! rules that read the same matcher. An operator whose domain no standard runtime
//! ships and no function of the model defines needs code from the host: a Python
//! callback ([`mdl037_python_callback_op`]) or a native op library
//! ([`mdl036_custom_domain_op`]).

use super::{Model, mdl036_custom_domain_op, mdl037_python_callback_op};
use aispm_core::RawFinding;

/// Domains whose operators standard runtimes ship. `""` is `ai.onnx`.
const KNOWN_DOMAINS: &[&str] = &[
    "",
    "ai.onnx",
    "ai.onnx.ml",
    "ai.onnx.training",
    "ai.onnx.preview.training",
    "com.microsoft",
    "com.microsoft.nchwc",
    "com.microsoft.experimental",
    "org.pytorch.aten",
];

/// Operator names that run a Python callback registered by the host.
const PYTHON_OPS: &[&str] = &[
    "PyOp",
    "PythonOp",
    "PythonOpGrad",
    "PyFunc",
    "PyFuncStateless",
];

/// One finding per `(domain, operator)` of a custom domain.
pub(crate) fn check(model: &Model<'_>, out: &mut Vec<RawFinding>) {
    let facts = model.facts;
    for (domain, op) in &facts.ops {
        let known =
            KNOWN_DOMAINS.contains(&domain.as_str()) || facts.function_domains.contains(domain);
        if known {
            continue;
        }
        let shown = format!("{domain}::{op}");
        if PYTHON_OPS.contains(&op.as_str()) {
            out.push(
                RawFinding::new(
                    &mdl037_python_callback_op::RULE,
                    model.path,
                    format!("operator {op} of domain `{domain}` runs a Python callback registered by the host"),
                )
                .evidence(shown),
            );
        } else {
            out.push(
                RawFinding::new(
                    &mdl036_custom_domain_op::RULE,
                    model.path,
                    format!("operator {op} comes from the custom domain `{domain}`, which needs a native op library to run"),
                )
                .evidence(shown),
            );
        }
    }
}

//! MDL037: its check is a row of the custom-operator table (`custom_operators.rs`),
//! shared with MDL036.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL037: an ONNX node calls back into Python.
pub static RULE: Rule = Rule {
    id: "MDL037",
    name: "onnx-python-callback-op",
    title: "ONNX operator that calls Python code",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports ONNX nodes whose operator runs a Python callback at inference time, such \
as onnxruntime-extensions' `PyOp` (domain `ai.onnx.contrib`) and other `PyOp`, `PythonOp` or \
`PyFunc` operators outside the standard domains.",
    why: "The operator's behaviour is whatever Python function the host registered under \
its name. The model alone does not say what runs; a deployment that registers a generic \
callback turns model data into Python execution.",
    example: "A node `op_type: \"PyOp\" domain: \"ai.onnx.contrib\"`.",
    remediation: "Replace the Python operator with standard ONNX operators, or review and \
pin the callback the application registers for it.",
    controls: &[LLM03, ML06, ATLAS_T0011_000, ATLAS_M0011, NIST_MEASURE_2_7],
};

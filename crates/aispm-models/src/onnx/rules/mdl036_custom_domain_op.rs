//! MDL036: its check is a row of the custom-operator table (`custom_operators.rs`),
//! shared with MDL037.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL036: an ONNX node uses an operator from a domain no standard runtime provides.
pub static RULE: Rule = Rule {
    id: "MDL036",
    name: "onnx-custom-domain-op",
    title: "ONNX operator from an unknown custom domain",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports ONNX nodes (in the main graph, subgraphs, training graphs and model \
functions) whose domain is neither a standard ONNX domain (`ai.onnx`, `ai.onnx.ml`, \
`ai.onnx.training`, `ai.onnx.preview.training`), an ONNX Runtime contrib domain \
(`com.microsoft`, `com.microsoft.nchwc`, `com.microsoft.experimental`), `org.pytorch.aten`, \
nor a function the model defines itself.",
    why: "An operator from a custom domain only runs after the application registers a \
native custom-op library for it. The model therefore depends on code that is not in the \
model file and that nobody reviewed with it; a malicious or vulnerable op library runs \
with the permissions of the inference process.",
    example: "A node `op_type: \"Decrypt\" domain: \"com.example.ops\"`.",
    remediation: "Identify and review the library that implements the domain, pin it by \
hash, or re-export the model with standard operators only.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0011, NIST_MEASURE_2_7],
};

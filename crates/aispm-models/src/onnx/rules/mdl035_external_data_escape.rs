use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL035: an ONNX tensor's external data lies outside the model's folder.
pub static RULE: Rule = Rule {
    id: "MDL035",
    name: "onnx-external-data-escape",
    title: "ONNX external data location escapes the model folder",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports ONNX initializers whose `external_data` `location` is an absolute path, \
climbs out of the model's folder with `..`, or (for models on disk) names a symbolic link \
whose target lies outside that folder.",
    why: "ONNX loaders read external tensor data from `location` relative to the model file. \
A location such as `../../../../etc/passwd` or `/etc/shadow` makes the runtime read an \
arbitrary file into a tensor, where a model's outputs or an error message can disclose it \
(CVE-2022-25882, CVE-2024-27318, CVE-2025-51480).",
    example: "An initializer `W` with `data_location: EXTERNAL` and \
`external_data { key: \"location\" value: \"../../../../etc/passwd\" }`.",
    remediation: "Do not load the model. Legitimate external data is a file name (or a \
relative path without `..`) inside the model's own folder; re-export the model with \
`onnx.save_model(..., save_as_external_data=True, location=\"weights.bin\")`.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        NIST_MEASURE_2_7,
        EU_ART_15,
    ],
};

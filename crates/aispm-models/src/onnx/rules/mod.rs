//! Rules of the onnx analyzer, one file each.

use aispm_core::Rule;

/// Every rule of the onnx analyzer.
pub static RULES: &[&Rule] = &[];

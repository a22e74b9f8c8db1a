//! Model-file security: finds malicious and unsafe model files without executing,
//! importing, unpickling or loading them. One analyzer per format family, each with
//! its own rules (one file per rule under the family's `rules/` folder).
//!
//! The engine hands each analyzer a typed file (archive members included, named
//! `outer.zip!inner`); analyzers read bytes through bounded parsers of our own.
#![forbid(unsafe_code)]

pub mod gguf;
use aispm_core::json;
pub mod keras;
pub mod onnx;
pub mod pickle;
pub mod safetensors;
pub mod skops;
pub mod tensorflow;
pub mod wire;

use aispm_core::Analyzer;

/// Every model analyzer of this crate.
pub fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![
        Box::new(pickle::PickleAnalyzer::new()),
        Box::new(gguf::GgufAnalyzer::new()),
        Box::new(safetensors::SafetensorsAnalyzer::new()),
        Box::new(keras::KerasAnalyzer::new()),
        Box::new(tensorflow::TensorflowAnalyzer::new()),
        Box::new(onnx::OnnxAnalyzer::new()),
        Box::new(skops::SkopsAnalyzer::new()),
    ]
}

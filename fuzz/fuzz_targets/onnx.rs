//! The ONNX analyzer: the protobuf wire reader and the model walk (graphs, nodes,
//! attributes, subgraphs, functions, tensors and their external data).
#![no_main]

use aispm_core::FileKind;
use aispm_fuzz::{Placement, analyze};
use aispm_models::onnx::OnnxAnalyzer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let at = Placement::file("model.onnx", FileKind::Onnx);
    analyze(&OnnxAnalyzer::new(), &at, data);
});

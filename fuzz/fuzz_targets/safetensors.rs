//! The safetensors analyzer: length field, strict header validation and the
//! `__metadata__` checks.
#![no_main]

use aispm_core::FileKind;
use aispm_fuzz::{Placement, analyze};
use aispm_models::safetensors::SafetensorsAnalyzer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let at = Placement::file("model.safetensors", FileKind::Safetensors);
    analyze(&SafetensorsAnalyzer::new(), &at, data);
});

//! Onnx analysis (to be implemented).

use aispm_core::{AnalysisContext, AnalysisError, Analyzer, FileInput, Rule};

pub mod rules;

/// Analyzer for onnx model files.
#[derive(Debug, Default)]
pub struct OnnxAnalyzer;

impl OnnxAnalyzer {
    pub fn new() -> Self {
        OnnxAnalyzer
    }
}

impl Analyzer for OnnxAnalyzer {
    fn name(&self) -> &'static str {
        "onnx"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    fn accepts(&self, _file: &FileInput<'_>) -> bool {
        false
    }

    fn analyze(
        &self,
        _file: &FileInput<'_>,
        _cx: &mut AnalysisContext,
    ) -> Result<(), AnalysisError> {
        Ok(())
    }
}

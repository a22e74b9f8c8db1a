//! Tensorflow analysis (to be implemented).

use aispm_core::{AnalysisContext, AnalysisError, Analyzer, FileInput, Rule};

pub mod rules;

/// Analyzer for tensorflow model files.
#[derive(Debug, Default)]
pub struct TensorflowAnalyzer;

impl TensorflowAnalyzer {
    pub fn new() -> Self {
        TensorflowAnalyzer
    }
}

impl Analyzer for TensorflowAnalyzer {
    fn name(&self) -> &'static str {
        "tensorflow"
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

//! Safetensors analysis (to be implemented).

use aispm_core::{AnalysisContext, AnalysisError, Analyzer, FileInput, Rule};

pub mod rules;

/// Analyzer for safetensors model files.
#[derive(Debug, Default)]
pub struct SafetensorsAnalyzer;

impl SafetensorsAnalyzer {
    pub fn new() -> Self {
        SafetensorsAnalyzer
    }
}

impl Analyzer for SafetensorsAnalyzer {
    fn name(&self) -> &'static str {
        "safetensors"
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

//! Keras analysis (to be implemented).

use aispm_core::{AnalysisContext, AnalysisError, Analyzer, FileInput, Rule};

pub mod rules;

/// Analyzer for keras model files.
#[derive(Debug, Default)]
pub struct KerasAnalyzer;

impl KerasAnalyzer {
    pub fn new() -> Self {
        KerasAnalyzer
    }
}

impl Analyzer for KerasAnalyzer {
    fn name(&self) -> &'static str {
        "keras"
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

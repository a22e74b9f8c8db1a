//! Pickle analysis (to be implemented).

use aispm_core::{AnalysisContext, AnalysisError, Analyzer, FileInput, Rule};

pub mod rules;

/// Analyzer for pickle model files.
#[derive(Debug, Default)]
pub struct PickleAnalyzer;

impl PickleAnalyzer {
    pub fn new() -> Self {
        PickleAnalyzer
    }
}

impl Analyzer for PickleAnalyzer {
    fn name(&self) -> &'static str {
        "pickle"
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

//! Gguf analysis (to be implemented).

use aispm_core::{AnalysisContext, AnalysisError, Analyzer, FileInput, Rule};

pub mod rules;

/// Analyzer for gguf model files.
#[derive(Debug, Default)]
pub struct GgufAnalyzer;

impl GgufAnalyzer {
    pub fn new() -> Self {
        GgufAnalyzer
    }
}

impl Analyzer for GgufAnalyzer {
    fn name(&self) -> &'static str {
        "gguf"
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

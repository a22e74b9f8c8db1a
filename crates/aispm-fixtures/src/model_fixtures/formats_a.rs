//! Fixtures of the GGUF / chat-template and safetensors analyzers.

use super::Fixture;

/// Positive and negative fixtures, paths relative to the fixtures root.
pub fn fixtures() -> Vec<Fixture> {
    Vec::new()
}

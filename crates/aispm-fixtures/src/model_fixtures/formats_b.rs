//! Fixtures of the Keras, TensorFlow and ONNX analyzers.

use super::Fixture;

/// Positive and negative fixtures, paths relative to the fixtures root.
pub fn fixtures() -> Vec<Fixture> {
    Vec::new()
}

//! Fixtures of the pickle analyzer (pickle, PyTorch, NumPy, joblib).

use super::Fixture;

/// Positive and negative fixtures, paths relative to the fixtures root.
pub fn fixtures() -> Vec<Fixture> {
    Vec::new()
}

//! Positive and negative fixtures of the model-file rules, one module per group of
//! analyzer families, named by the families it holds: [`pickle`] (pickle and skops),
//! [`gguf_safetensors`], [`keras_tensorflow_onnx`]. `aispm-fixtures model-fixtures OUT`
//! writes them all; the committed copy lives in `crates/aispm-models/fixtures/` and a
//! test checks it is up to date.
//!
//! Layout: `<family>/<RULE_ID>/pos_*.<ext>` must be reported by that rule,
//! `<family>/<RULE_ID>/neg_*.<ext>` must not be.

use std::io;
use std::path::{Path, PathBuf};

pub mod gguf_safetensors;
pub mod keras_tensorflow_onnx;
pub mod pickle;

/// One fixture: path relative to the fixtures root, and its bytes.
pub type Fixture = (String, Vec<u8>);

/// Every fixture of every family, sorted by path.
pub fn all() -> Vec<Fixture> {
    let mut v = Vec::new();
    v.extend(pickle::fixtures());
    v.extend(pickle::skops_fixtures());
    v.extend(gguf_safetensors::fixtures());
    v.extend(keras_tensorflow_onnx::fixtures());
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Writes every fixture under `root`; returns the relative paths written.
pub fn write_all(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (rel, bytes) in all() {
        let p = root.join(&rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&p, bytes)?;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

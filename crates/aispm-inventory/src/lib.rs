//! The AI asset inventory: recognises models, datasets, notebooks, model cards, model
//! configurations, tokenizers, agent skills, vector stores kept as pickles and
//! Hugging Face cache repositories, and records each with the metadata that is cheap
//! to read (header fields, never whole tensors).
//!
//! Every reader here is bounded: header lengths, counts and strings are checked
//! against explicit caps before anything is allocated. After the walk, `enrich` ties
//! each model to the config, model card, tokenizer and shard index that describe it.
#![forbid(unsafe_code)]

mod enrich;
mod formats;
mod hf;
mod parquet;
mod text;
mod vector;

use aispm_core::{
    AnalysisContext, AnalysisError, Analyzer, Asset, AssetKind, FileInput, FileKind, Rule,
};

pub use enrich::enrich;

/// The inventory analyzer. It reports no findings, only assets.
#[derive(Debug, Default)]
pub struct InventoryAnalyzer;

impl InventoryAnalyzer {
    pub fn new() -> Self {
        InventoryAnalyzer
    }
}

static NO_RULES: &[&Rule] = &[];

impl Analyzer for InventoryAnalyzer {
    fn name(&self) -> &'static str {
        "inventory"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        NO_RULES
    }

    fn accepts(&self, file: &FileInput<'_>) -> bool {
        // Parts of a model container (a PyTorch zip's `data.pkl`, a Keras archive's
        // weights) belong to the container's asset, not to the inventory on their own.
        if file.parent.is_some_and(|p| p.kind.is_model()) {
            return false;
        }
        file.kind.is_model()
            || file.kind.is_dataset()
            || file.kind == FileKind::Notebook
            || text::is_candidate(file)
            || hf::is_ref_file(file.path)
    }

    fn default_max_file_size(&self) -> u64 {
        u64::MAX
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        if hf::is_ref_file(file.path) {
            return hf::record_cache_repo(file, cx);
        }
        let asset = if let Some(why) = vector::vector_store_evidence(file) {
            let mut a = file_asset(file, AssetKind::VectorStore, file.kind.as_str());
            a.set("evidence", why);
            Some(a)
        } else if file.kind.is_model() {
            Some(formats::model_asset(file, cx)?)
        } else if file.kind.is_dataset() {
            Some(formats::dataset_asset(file, cx)?)
        } else if file.kind == FileKind::Notebook {
            Some(text::notebook_asset(file)?)
        } else {
            text::text_asset(file)?
        };
        if let Some(mut asset) = asset {
            if let Some(repo) = hf::cache_repo_of(file.path) {
                asset.set("hf_repo", repo);
            }
            if let Some(parent) = file.parent {
                asset.set("container", parent.path.clone());
            }
            asset.size = file.size;
            cx.asset(asset);
        }
        Ok(())
    }

    fn finish(&self, assets: &mut [Asset], _cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        enrich::enrich(assets);
        Ok(())
    }
}

/// A whole-file asset for `file`.
pub(crate) fn file_asset(file: &FileInput<'_>, kind: AssetKind, format: &str) -> Asset {
    Asset::new(kind, file.path, "", format)
}

/// `s` cut to at most `max` bytes on a character boundary, with `…` when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// An in-memory file for unit tests.
#[cfg(test)]
pub(crate) fn bytes_input<'a>(path: &'a str, kind: FileKind, bytes: &'a [u8]) -> FileInput<'a> {
    FileInput::new(
        path,
        std::path::Path::new(path),
        kind,
        bytes.len() as u64,
        bytes,
        aispm_core::Source::Bytes(bytes),
    )
}

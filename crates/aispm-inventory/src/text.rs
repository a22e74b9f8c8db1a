//! Text assets: notebooks, model cards, model configurations and tokenizers.

use crate::file_asset;
use aispm_core::{AnalysisError, Asset, AssetKind, FileInput, FileKind};
use serde_json::Value;

/// Largest JSON document parsed for metadata.
const MAX_JSON: u64 = 64 << 20;
/// Keys of a model card's YAML front matter (Hugging Face model card metadata).
const CARD_KEYS: &[&str] = &[
    "license",
    "library_name",
    "pipeline_tag",
    "base_model",
    "datasets",
    "tags",
    "language",
    "model-index",
    "model_name",
    "license_name",
    "license_link",
    "inference",
];

/// Longest string copied from a config into an asset.
const MAX_CONFIG_STRING: usize = 200;
/// Most shard names kept from a shard index.
const MAX_SHARDS: usize = 1000;

/// Names worth opening: model cards, HF model configs, shard indexes, tokenizer files.
pub fn is_candidate(file: &FileInput<'_>) -> bool {
    let name = file.file_name();
    match file.kind {
        FileKind::Markdown => file.head.starts_with(b"---"),
        // A cache blob has no extension to make a model card Markdown.
        FileKind::Text => file.head.starts_with(b"---") && is_cache_blob(file.path),
        FileKind::Json => {
            matches!(
                name,
                "config.json"
                    | "tokenizer_config.json"
                    | "tokenizer.json"
                    | "generation_config.json"
                    | "adapter_config.json"
            ) || name.ends_with(".index.json")
                || is_cache_blob(file.path)
        }
        _ => false,
    }
}

/// A blob of a Hugging Face cache: content-addressed, so its name says nothing.
fn is_cache_blob(path: &str) -> bool {
    !path.contains('!') && path.contains("/blobs/") && crate::hf::cache_repo_of(path).is_some()
}

fn parse_json(file: &FileInput<'_>) -> Result<Option<Value>, AnalysisError> {
    match file.read_all(MAX_JSON)? {
        Some(bytes) => Ok(aispm_core::json::from_slice_bounded(&bytes).ok()),
        None => Err(AnalysisError::Limit(format!(
            "JSON over {MAX_JSON} bytes not parsed for metadata"
        ))),
    }
}

/// The parts of a notebook the inventory reads. Typed, so that cell sources and
/// outputs are skipped by the parser instead of becoming a value tree (a notebook
/// with image outputs is mostly base64).
#[derive(serde::Deserialize)]
struct NotebookHead {
    nbformat: Option<u64>,
    #[serde(default)]
    metadata: NotebookMeta,
    cells: Option<Vec<NotebookCell>>,
}

#[derive(serde::Deserialize, Default)]
struct NotebookMeta {
    kernelspec: Option<Kernelspec>,
    language_info: Option<LanguageInfo>,
}

#[derive(serde::Deserialize)]
struct Kernelspec {
    language: Option<String>,
    name: Option<String>,
}

#[derive(serde::Deserialize)]
struct LanguageInfo {
    name: Option<String>,
}

#[derive(serde::Deserialize)]
struct NotebookCell {
    cell_type: Option<String>,
    outputs: Option<Vec<serde::de::IgnoredAny>>,
}

pub fn notebook_asset(file: &FileInput<'_>) -> Result<Asset, AnalysisError> {
    let mut a = file_asset(file, AssetKind::Notebook, "ipynb");
    let Some(bytes) = file.read_all(MAX_JSON)? else {
        return Err(AnalysisError::Limit(format!(
            "JSON over {MAX_JSON} bytes not parsed for metadata"
        )));
    };
    // Nothing but the cell types and output counts is kept, so the parse costs no
    // more memory than the counts: no density check is needed.
    let nb = match serde_json::from_slice::<NotebookHead>(&bytes) {
        Ok(nb) => nb,
        // Valid JSON of another shape than nbformat's: listed without metadata.
        Err(_) if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok() => {
            return Ok(a);
        }
        Err(_) => return Err(AnalysisError::Parse("notebook is not valid JSON".into())),
    };
    if let Some(v) = nb.nbformat {
        a.set("nbformat", v);
    }
    let kernelspec = nb.metadata.kernelspec.as_ref();
    let lang = kernelspec
        .and_then(|k| k.language.as_deref())
        .or_else(|| nb.metadata.language_info.as_ref()?.name.as_deref());
    if let Some(l) = lang {
        a.set("language", l);
    }
    if let Some(k) = kernelspec.and_then(|k| k.name.as_deref()) {
        a.set("kernel", k);
    }
    if let Some(cells) = &nb.cells {
        let count = |t: &str| {
            cells
                .iter()
                .filter(|c| c.cell_type.as_deref() == Some(t))
                .count()
        };
        a.set("cells", cells.len());
        a.set("code_cells", count("code"));
        a.set("markdown_cells", count("markdown"));
        let outputs: usize = cells
            .iter()
            .filter_map(|c| c.outputs.as_ref())
            .map(Vec::len)
            .sum();
        a.set("outputs", outputs);
    }
    Ok(a)
}

/// Model cards, configs and tokenizers; `None` for other text.
pub fn text_asset(file: &FileInput<'_>) -> Result<Option<Asset>, AnalysisError> {
    match file.kind {
        FileKind::Markdown => Ok(model_card(file)),
        FileKind::Text if is_cache_blob(file.path) => Ok(model_card(file)),
        FileKind::Json => json_asset(file),
        _ => Ok(None),
    }
}

fn model_card(file: &FileInput<'_>) -> Option<Asset> {
    let text = String::from_utf8_lossy(file.head);
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let mut a = file_asset(file, AssetKind::ModelCard, "model-card");
    let mut found = false;
    let mut current_list: Option<(String, Vec<String>)> = None;
    let flush = |a: &mut Asset, list: &mut Option<(String, Vec<String>)>| {
        if let Some((k, v)) = list.take()
            && !v.is_empty()
        {
            a.set(&k, v);
        }
    };
    for line in lines {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            flush(&mut a, &mut current_list);
            return found.then_some(a);
        }
        if let Some(item) = line.trim_start().strip_prefix("- ") {
            if let Some((_, v)) = current_list.as_mut()
                && line.starts_with([' ', '-'])
                && v.len() < 50
            {
                v.push(unquote(item));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        flush(&mut a, &mut current_list);
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if !CARD_KEYS.contains(&key) {
            continue;
        }
        found = true;
        let value = value.trim();
        if value.is_empty() {
            current_list = Some((key.to_string(), Vec::new()));
        } else if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            let items: Vec<String> = inner
                .split(',')
                .map(unquote)
                .filter(|s| !s.is_empty())
                .take(50)
                .collect();
            a.set(key, items);
        } else {
            a.set(key, unquote(value));
        }
    }
    // Front matter not closed within the head: keep what was read.
    flush(&mut a, &mut current_list);
    found.then_some(a)
}

/// What a JSON blob of the cache is, by its keys, as the file name it would have.
fn blob_json_role(obj: &serde_json::Map<String, Value>) -> &'static str {
    let has = |k: &str| obj.contains_key(k);
    if obj.get("weight_map").is_some_and(Value::is_object) {
        "model.index.json"
    } else if has("architectures") || has("model_type") || has("peft_type") {
        "config.json"
    } else if has("tokenizer_class")
        || has("added_tokens_decoder")
        || (has("added_tokens") && has("model"))
    {
        "tokenizer.json"
    } else {
        "config.json"
    }
}

/// `model.safetensors.index.json` and its kin: which shard holds which tensor. Kept
/// as a model configuration with the shard names, so that the post-scan step can tie
/// the shards of one checkpoint together.
fn shard_index(file: &FileInput<'_>, obj: &serde_json::Map<String, Value>) -> Option<Asset> {
    let map = obj.get("weight_map")?.as_object()?;
    let shards: std::collections::BTreeSet<&str> = map
        .values()
        .filter_map(Value::as_str)
        .map(|s| s.rsplit('/').next().unwrap_or(s))
        .collect();
    let mut a = file_asset(file, AssetKind::ModelConfig, "hf-shard-index");
    a.set("tensor_count", map.len());
    a.set("shard_count", shards.len());
    a.set(
        "shards",
        shards
            .into_iter()
            .take(MAX_SHARDS)
            .map(truncate)
            .collect::<Vec<_>>(),
    );
    if let Some(meta) = obj.get("metadata").and_then(Value::as_object) {
        if let Some(n) = meta.get("total_size").and_then(Value::as_u64) {
            a.set("total_size", n);
        }
        if let Some(n) = meta.get("total_parameters").and_then(Value::as_u64) {
            a.set("parameter_count", n);
        }
    }
    Some(a)
}

fn truncate(s: &str) -> String {
    if s.len() <= MAX_CONFIG_STRING {
        return s.to_string();
    }
    let mut end = MAX_CONFIG_STRING;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches(['"', '\'']).to_string()
}

fn json_asset(file: &FileInput<'_>) -> Result<Option<Asset>, AnalysisError> {
    let name = file.file_name();
    let Some(v) = parse_json(file)? else {
        return Ok(None);
    };
    let Some(obj) = v.as_object() else {
        return Ok(None);
    };
    // A cache blob is named by its hash: what it is shows in its keys.
    let name = if is_cache_blob(file.path) {
        blob_json_role(obj)
    } else if name.ends_with(".index.json") {
        "model.index.json"
    } else {
        name
    };
    match name {
        "config.json" | "adapter_config.json" => {
            let is_model_config = obj.contains_key("architectures")
                || obj.contains_key("model_type")
                || obj.contains_key("peft_type")
                || obj.contains_key("_name_or_path")
                || obj.contains_key("_diffusers_version");
            if !is_model_config {
                return Ok(None);
            }
            let mut a = file_asset(file, AssetKind::ModelConfig, "hf-config");
            if let Some(arch) = obj.get("architectures").and_then(Value::as_array) {
                let names: Vec<&str> = arch.iter().filter_map(Value::as_str).take(10).collect();
                if let Some(first) = names.first() {
                    a.set("architecture", truncate(first));
                }
            } else if obj.contains_key("_diffusers_version")
                && let Some(class) = obj.get("_class_name").and_then(Value::as_str)
            {
                a.set("architecture", truncate(class));
            }
            for key in [
                "model_type",
                "torch_dtype",
                "dtype",
                "transformers_version",
                "_diffusers_version",
                "vocab_size",
                "hidden_size",
                "num_hidden_layers",
                "peft_type",
                "base_model_name_or_path",
                "_name_or_path",
            ] {
                match obj.get(key) {
                    Some(Value::String(v)) => a.set(key.trim_start_matches('_'), truncate(v)),
                    Some(v @ Value::Number(_)) => a.set(key.trim_start_matches('_'), v.clone()),
                    _ => {}
                }
            }
            if obj.get("auto_map").is_some() {
                a.set("custom_code", true);
            }
            Ok(Some(a))
        }
        "model.index.json" => Ok(shard_index(file, obj)),
        "tokenizer_config.json" | "tokenizer.json" => {
            let mut a = file_asset(file, AssetKind::Tokenizer, "hf-tokenizer");
            if let Some(c) = obj.get("tokenizer_class").and_then(Value::as_str) {
                a.set("tokenizer_class", c);
            }
            a.set("has_chat_template", obj.contains_key("chat_template"));
            Ok(Some(a))
        }
        "generation_config.json" => Ok(None),
        _ => Ok(None),
    }
}

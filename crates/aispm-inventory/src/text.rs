//! Text assets: notebooks, model cards, model configurations and tokenizers.

use crate::{file_asset, truncate};
use aispm_core::{AnalysisError, Asset, AssetKind, FileInput, FileKind};
use serde_json::Value;

/// Largest JSON document parsed for metadata.
const MAX_JSON: u64 = 64 << 20;
/// Front-matter keys only a model card has (Hugging Face model card metadata): one of
/// them makes any Markdown file with front matter a model card.
const MODEL_KEYS: &[&str] = &[
    "base_model",
    "pipeline_tag",
    "library_name",
    "model-index",
    "model_name",
    "inference",
];
/// Keys a model card shares with other documents (dataset cards, skills, blog
/// posts): they make a model card only of a README, the file a model repository's
/// card is, and only without the keys of another kind of card.
const SHARED_KEYS: &[&str] = &[
    "license",
    "license_name",
    "license_link",
    "datasets",
    "tags",
    "language",
    "metrics",
];
/// Keys of documents that are not model cards: Hugging Face dataset cards and Space
/// cards, static-site pages.
const OTHER_CARD_KEYS: &[&str] = &[
    "dataset_info",
    "task_categories",
    "size_categories",
    "configs",
    "sdk",
    "app_file",
    "emoji",
    "title",
    "layout",
    "permalink",
];
/// Front-matter values copied onto a model card asset.
const CARD_PROPERTIES: &[&str] = &[
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
/// Front-matter values copied onto an agent skill asset.
const SKILL_PROPERTIES: &[&str] = &["name", "description", "license", "allowed-tools", "version"];
/// Most front-matter keys read, and most items of one list.
const MAX_KEYS: usize = 200;
const MAX_ITEMS: usize = 50;
/// Longest front-matter value kept.
const MAX_VALUE: usize = 500;

/// Longest string copied from a config into an asset.
const MAX_CONFIG_STRING: usize = 200;
/// Most shard names kept from a shard index.
const MAX_SHARDS: usize = 1000;

/// Names worth opening: Markdown with front matter (model cards, agent skills), HF
/// model configs, shard indexes, tokenizer files.
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

/// Model cards, agent skills, configs and tokenizers; `None` for other text.
pub fn text_asset(file: &FileInput<'_>) -> Result<Option<Asset>, AnalysisError> {
    match file.kind {
        FileKind::Markdown => Ok(front_matter_asset(file)),
        FileKind::Text if is_cache_blob(file.path) => Ok(front_matter_asset(file)),
        FileKind::Json => json_asset(file),
        _ => Ok(None),
    }
}

/// A front-matter value: a scalar (block scalars folded to one line) or a list.
#[derive(Debug, PartialEq)]
enum FmValue {
    Scalar(String),
    List(Vec<String>),
}

/// The top-level keys of the YAML front matter at the head of a file, in order, with
/// their values; `None` without front matter. Bounded by the head, [`MAX_KEYS`],
/// [`MAX_ITEMS`] and [`MAX_VALUE`]. A block not closed within the head keeps what was
/// read.
fn front_matter(head: &[u8]) -> Option<Vec<(String, FmValue)>> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let mut out: Vec<(String, FmValue)> = Vec::new();
    // The value being continued: a list (`key:` then `- item`) or a block scalar.
    let mut open: Option<FmValue> = None;
    let close = |out: &mut Vec<(String, FmValue)>, open: &mut Option<FmValue>| {
        if let (Some(v), Some(last)) = (open.take(), out.last_mut()) {
            last.1 = v;
        }
    };
    for line in lines {
        let end = line.trim_end();
        if end == "---" || end == "..." {
            break;
        }
        if line.starts_with([' ', '\t', '-']) {
            let item = line.trim_start();
            match open.as_mut() {
                Some(FmValue::List(v)) if item.starts_with("- ") && v.len() < MAX_ITEMS => {
                    v.push(truncate(&unquote(&item[2..]), MAX_VALUE));
                }
                Some(FmValue::Scalar(s)) if !item.is_empty() && s.len() < MAX_VALUE => {
                    if !s.is_empty() {
                        s.push(' ');
                    }
                    s.push_str(item);
                    *s = truncate(s, MAX_VALUE);
                }
                _ => {}
            }
            continue;
        }
        close(&mut out, &mut open);
        if out.len() >= MAX_KEYS {
            break;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            continue;
        }
        let value = value.trim();
        let parsed = if value.is_empty() {
            open = Some(FmValue::List(Vec::new()));
            FmValue::List(Vec::new())
        } else if matches!(value.chars().next(), Some('>' | '|')) {
            open = Some(FmValue::Scalar(String::new()));
            FmValue::Scalar(String::new())
        } else if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            FmValue::List(
                inner
                    .split(',')
                    .map(|i| truncate(&unquote(i), MAX_VALUE))
                    .filter(|i| !i.is_empty())
                    .take(MAX_ITEMS)
                    .collect(),
            )
        } else {
            FmValue::Scalar(truncate(&unquote(value), MAX_VALUE))
        };
        out.push((key.to_string(), parsed));
    }
    close(&mut out, &mut open);
    Some(out)
}

/// What a file with front matter is: an agent skill (`SKILL.md` naming and
/// describing itself), a model card (by the card's own keys, or a README with model
/// metadata), or neither.
fn front_matter_asset(file: &FileInput<'_>) -> Option<Asset> {
    let fm = front_matter(file.head)?;
    let has = |keys: &[&str]| fm.iter().any(|(k, _)| keys.contains(&k.as_str()));
    let name = file.file_name();
    if name.eq_ignore_ascii_case("SKILL.md") && has(&["name"]) && has(&["description"]) {
        return Some(with_values(
            file_asset(file, AssetKind::AgentSkill, "agent-skill"),
            &fm,
            SKILL_PROPERTIES,
        ));
    }
    // A cache blob has lost its name; in a model repository it is the README.
    let readme = is_cache_blob(file.path)
        || name
            .rsplit_once('.')
            .map_or(name, |(stem, _)| stem)
            .eq_ignore_ascii_case("README");
    let card = has(MODEL_KEYS) || (readme && has(SHARED_KEYS) && !has(OTHER_CARD_KEYS));
    card.then(|| {
        with_values(
            file_asset(file, AssetKind::ModelCard, "model-card"),
            &fm,
            CARD_PROPERTIES,
        )
    })
}

fn with_values(mut a: Asset, fm: &[(String, FmValue)], keys: &[&str]) -> Asset {
    for (k, v) in fm {
        if !keys.contains(&k.as_str()) {
            continue;
        }
        match v {
            FmValue::Scalar(s) if !s.is_empty() => a.set(k, s.clone()),
            FmValue::List(items) if !items.is_empty() => a.set(k, items.clone()),
            _ => {}
        }
    }
    a
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
            .map(|s| truncate(s, MAX_CONFIG_STRING))
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
                    a.set("architecture", truncate(first, MAX_CONFIG_STRING));
                }
            } else if obj.contains_key("_diffusers_version")
                && let Some(class) = obj.get("_class_name").and_then(Value::as_str)
            {
                a.set("architecture", truncate(class, MAX_CONFIG_STRING));
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
                    Some(Value::String(v)) => {
                        a.set(key.trim_start_matches('_'), truncate(v, MAX_CONFIG_STRING))
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn asset_of(path: &str, text: &str) -> Option<Asset> {
        text_asset(&crate::bytes_input(
            path,
            FileKind::Markdown,
            text.as_bytes(),
        ))
        .unwrap()
    }

    fn kind_of(path: &str, text: &str) -> Option<AssetKind> {
        asset_of(path, text).map(|a| a.kind)
    }

    const SKILL: &str = "---\nname: release-notes\ndescription: >-\n  Writes release notes\n  from the changelog.\nlicense: MIT\nmetadata:\n  version: \"2\"\n---\n# Steps\n";

    #[test]
    fn a_skill_is_an_agent_skill_not_a_model_card() {
        let a = asset_of("skills/release/SKILL.md", SKILL).unwrap();
        assert_eq!(a.kind, AssetKind::AgentSkill);
        assert_eq!(a.properties["name"], "release-notes");
        assert_eq!(
            a.properties["description"],
            "Writes release notes from the changelog."
        );
        assert_eq!(a.properties["license"], "MIT");
        // Without a name and a description it is no skill; a licence alone does not
        // make it a model card either.
        assert_eq!(
            kind_of("x/SKILL.md", "---\nlicense: MIT\ntags: [a]\n---\n"),
            None
        );
    }

    #[test]
    fn model_cards_are_recognised_by_their_shape() {
        // A key only model cards have, whatever the file is called.
        let card = "---\nbase_model: org/base\npipeline_tag: text-generation\n---\n";
        assert_eq!(kind_of("m/card.md", card), Some(AssetKind::ModelCard));
        // Shared keys (licence, tags, languages) in the README of a folder.
        let readme = "---\nlicense: apache-2.0\ntags:\n  - llama\nlanguage: [en]\n---\n";
        let a = asset_of("m/README.md", readme).unwrap();
        assert_eq!(a.kind, AssetKind::ModelCard);
        assert_eq!(a.properties["tags"], serde_json::json!(["llama"]));
        // The same keys in any other page, a dataset card, a Space card or a site
        // page are no model card.
        assert_eq!(kind_of("docs/guide.md", readme), None);
        let dataset = "---\nlicense: mit\ntask_categories:\n- text-classification\nsize_categories:\n- 1K<n<10K\n---\n";
        assert_eq!(kind_of("data/README.md", dataset), None);
        let space = "---\ntitle: Demo\nemoji: 🚀\nsdk: gradio\nlicense: mit\n---\n";
        assert_eq!(kind_of("README.md", space), None);
        let post = "---\ntitle: Release 1.0\ntags: [release]\n---\n";
        assert_eq!(kind_of("blog/README.md", post), None);
        assert_eq!(kind_of("README.md", "no front matter\n"), None);
    }

    #[test]
    fn front_matter_is_bounded() {
        let mut text = String::from("---\n");
        for i in 0..400 {
            text.push_str(&format!("k{i}: v\n"));
        }
        text.push_str(&format!("tags:\n{}", "- t\n".repeat(100)));
        assert_eq!(front_matter(text.as_bytes()).unwrap().len(), MAX_KEYS);
        let long = format!("---\nbase_model: {}\n---\n", "x".repeat(5000));
        let a = asset_of("README.md", &long).unwrap();
        let v = a.properties["base_model"].as_str().unwrap();
        assert!(v.len() <= MAX_VALUE + 3, "{}", v.len());
    }
}

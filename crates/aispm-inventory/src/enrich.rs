//! Cross-file enrichment, run once after the walk: every model asset is tied to the
//! assets that describe it — the `config.json`, model card and tokenizer files in the
//! same folder (inside an archive: the same folder inside it), or in the same snapshot
//! of a Hugging Face cache repository — and takes from them what its own header does
//! not say: framework, architecture, model type, licence, base model, datasets,
//! pipeline tag, languages, dtypes. The header wins; a description that disagrees
//! with it is kept beside it as `<key>_conflict`. Shards of one checkpoint
//! (`model-00001-of-00003.safetensors`) get their position and, when the folder holds
//! one, a link to the shard index. Nothing is invented: a fact no file states stays
//! absent.
//!
//! Cache blobs are named by hash; the repository asset of a `refs/<name>` file says
//! which snapshot file links to which blob (`snapshot_blobs`), and a blob takes the
//! folder and name of its snapshot file. A blob no snapshot names is described only
//! by a config or card that is the only one of its repository's blobs.
//!
//! Choices never depend on the order of the assets: candidates are kept in maps keyed
//! by folder and name and compared by ID.

use crate::hf::{CachePlace, cache_place};
use aispm_core::{Asset, AssetKind};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Most items copied from one list (datasets, languages, base models).
const MAX_COPIED_ITEMS: usize = 50;
/// Longest string copied.
const MAX_COPIED_CHARS: usize = 200;

/// Frameworks that only name a tensor container, which a config or card can refine
/// (`safetensors` weights of a `transformers` model).
const NEUTRAL_FRAMEWORKS: &[&str] = &["safetensors", "numpy", "python-pickle", "hdf5", "unknown"];

/// Formats a config's `torch_dtype` speaks for. GGUF and ONNX files carry their own
/// (often quantised) types, which the original model's config does not describe.
const CONFIG_DTYPE_FORMATS: &[&str] = &[
    "safetensors",
    "pytorch-zip",
    "pytorch-legacy",
    "pytorch-tar",
    "torchscript",
    "pickle",
];

/// Where one file is, for matching it with its neighbours.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Location {
    /// 0 for a snapshot a `main` ref points at, 1 otherwise: the preferred place of a
    /// blob that several snapshots share.
    rank: u8,
    /// The folder: a directory, a directory inside an archive (with its `outer!`
    /// prefix), or a folder of a cache snapshot.
    folder: String,
    /// The file name in that folder; empty for a cache blob no snapshot names.
    name: String,
    /// Snapshot root folder and revision, inside a Hugging Face cache.
    snapshot: Option<(String, String)>,
    /// Path of the file inside its snapshot.
    snapshot_file: Option<String>,
}

/// `(revision, file in the snapshot, rank)` for each cache blob path.
type BlobNames = BTreeMap<String, Vec<(String, String, u8)>>;

fn blob_names(assets: &[Asset]) -> BlobNames {
    let mut out: BlobNames = BTreeMap::new();
    for a in assets.iter().filter(|a| a.kind == AssetKind::HfCacheRepo) {
        let Some(revision) = a.properties.get("revision").and_then(Value::as_str) else {
            continue;
        };
        let Some(map) = a
            .properties
            .get("snapshot_blobs")
            .and_then(Value::as_object)
        else {
            continue;
        };
        let rank = u8::from(a.properties.get("ref").and_then(Value::as_str) != Some("main"));
        for (file, hash) in map {
            let Some(hash) = hash.as_str() else { continue };
            let entry = out.entry(format!("{}/blobs/{hash}", a.path)).or_default();
            let item = (revision.to_string(), file.clone(), rank);
            if !entry.contains(&item) {
                entry.push(item);
            }
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| (a.2, &a.0, &a.1).cmp(&(b.2, &b.0, &b.1)));
    }
    out
}

/// Folder and file name of a path; inside an archive, of the member within it.
fn split_folder(path: &str) -> (&str, &str) {
    let start = path.rfind('!').map_or(0, |i| i + 1);
    match path[start..].rfind('/') {
        Some(i) => (&path[..start + i], &path[start + i + 1..]),
        None => (&path[..start], &path[start..]),
    }
}

fn locations(asset: &Asset, blobs: &BlobNames) -> Vec<Location> {
    let plain = |rank| {
        let (folder, name) = split_folder(&asset.path);
        Location {
            rank,
            folder: folder.to_string(),
            name: name.to_string(),
            snapshot: None,
            snapshot_file: None,
        }
    };
    match cache_place(&asset.path) {
        Some(CachePlace::Blob { repo_dir, .. }) => match blobs.get(&asset.path) {
            Some(names) => names
                .iter()
                .map(|(revision, file, rank)| {
                    let root = format!("{repo_dir}/snapshots/{revision}");
                    let full = format!("{root}/{file}");
                    let (folder, name) = split_folder(&full);
                    Location {
                        rank: *rank,
                        folder: folder.to_string(),
                        name: name.to_string(),
                        snapshot: Some((root, revision.clone())),
                        snapshot_file: Some(file.clone()),
                    }
                })
                .collect(),
            None => vec![Location {
                name: String::new(),
                ..plain(1)
            }],
        },
        Some(CachePlace::Snapshot {
            root,
            revision,
            file,
        }) => vec![Location {
            snapshot: Some((root.to_string(), revision.to_string())),
            snapshot_file: Some(file.to_string()),
            ..plain(0)
        }],
        None => vec![plain(0)],
    }
}

/// The describing assets of one folder, by role.
#[derive(Default)]
struct Folder {
    /// `(name, asset index)` of model configurations (`hf-config`).
    configs: Vec<(String, usize)>,
    cards: Vec<(String, usize)>,
    tokenizers: Vec<(String, usize)>,
    indexes: Vec<(String, usize)>,
}

fn folders(assets: &[Asset], blobs: &BlobNames) -> BTreeMap<String, Folder> {
    let mut out: BTreeMap<String, Folder> = BTreeMap::new();
    for (i, a) in assets.iter().enumerate() {
        if a.line.is_some() {
            continue;
        }
        let role = match (a.kind, a.format.as_str()) {
            (AssetKind::ModelConfig, "hf-config") => 0,
            (AssetKind::ModelCard, _) => 1,
            (AssetKind::Tokenizer, _) => 2,
            (AssetKind::ModelConfig, "hf-shard-index") => 3,
            _ => continue,
        };
        for loc in locations(a, blobs) {
            let f = out.entry(loc.folder).or_default();
            let list = match role {
                0 => &mut f.configs,
                1 => &mut f.cards,
                2 => &mut f.tokenizers,
                _ => &mut f.indexes,
            };
            list.push((loc.name, i));
        }
    }
    for f in out.values_mut() {
        for list in [
            &mut f.configs,
            &mut f.cards,
            &mut f.tokenizers,
            &mut f.indexes,
        ] {
            list.sort_by(|a, b| (&a.0, &assets[a.1].id).cmp(&(&b.0, &assets[b.1].id)));
            list.dedup_by(|a, b| a.1 == b.1);
        }
    }
    out
}

/// Which assets describe a model at one location.
#[derive(Default, Debug)]
struct Described {
    config: Option<usize>,
    card: Option<usize>,
    tokenizers: Vec<usize>,
    index: Option<usize>,
}

impl Described {
    fn is_empty(&self) -> bool {
        self.config.is_none()
            && self.card.is_none()
            && self.tokenizers.is_empty()
            && self.index.is_none()
    }
}

/// The one asset of a list named `name`, else the only one when names are unknown.
fn named(list: &[(String, usize)], names: &[&str], unnamed: bool) -> Option<usize> {
    if unnamed {
        return match list {
            [(_, i)] => Some(*i),
            _ => None,
        };
    }
    names.iter().find_map(|n| {
        list.iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(n))
            .map(|(_, i)| *i)
    })
}

fn describe(loc: &Location, folders: &BTreeMap<String, Folder>, assets: &[Asset]) -> Described {
    let unnamed = loc.name.is_empty();
    let here = folders.get(&loc.folder);
    // Inside a snapshot the repository root describes every file of the repository
    // (`onnx/model.onnx` beside a root `config.json`).
    let root = loc
        .snapshot
        .as_ref()
        .filter(|(root, _)| *root != loc.folder)
        .and_then(|(root, _)| folders.get(root));
    let config_names: &[&str] = if loc.name.starts_with("adapter_model") {
        &["adapter_config.json", "config.json"]
    } else {
        &["config.json"]
    };
    let config_of = |f: &Folder| named(&f.configs, config_names, unnamed);
    // A card named README.md, else the only card of the folder.
    let card_of = |f: &Folder| {
        named(&f.cards, &["README.md"], unnamed).or(match f.cards.as_slice() {
            [(_, i)] => Some(*i),
            _ => None,
        })
    };
    let tokenizers_of = |f: &Folder| f.tokenizers.iter().map(|(_, i)| *i).collect::<Vec<_>>();
    let mut tokenizers = here.map(tokenizers_of).unwrap_or_default();
    if tokenizers.is_empty() {
        tokenizers = root.map(tokenizers_of).unwrap_or_default();
    }
    let index = if unnamed || shard_position(&loc.name).is_none() {
        None
    } else {
        here.and_then(|f| {
            f.indexes
                .iter()
                .find(|(_, i)| lists_shard(&assets[*i], &loc.name))
                .map(|(_, i)| *i)
        })
    };
    Described {
        config: here
            .and_then(&config_of)
            .or_else(|| root.and_then(&config_of)),
        card: here.and_then(&card_of).or_else(|| root.and_then(&card_of)),
        tokenizers,
        index,
    }
}

fn lists_shard(index: &Asset, name: &str) -> bool {
    index
        .properties
        .get("shards")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|v| v.as_str() == Some(name)))
}

/// `(index, count)` of a shard named like `model-00001-of-00003.safetensors` (also
/// `_00001-of-00003`, GGUF splits): both numbers, 1 ≤ index ≤ count.
fn shard_position(name: &str) -> Option<(u64, u64)> {
    let b = name.as_bytes();
    for (i, _) in name.match_indices("-of-") {
        let digits_before = b[..i]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let start = i - digits_before;
        if digits_before == 0 || start == 0 || !matches!(b[start - 1], b'-' | b'_') {
            continue;
        }
        let after = &b[i + 4..];
        let digits_after = after.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits_after == 0 || after.get(digits_after).is_some_and(|&c| c != b'.') {
            continue;
        }
        let (Ok(index), Ok(count)) = (
            name[start..i].parse::<u64>(),
            name[i + 4..i + 4 + digits_after].parse::<u64>(),
        ) else {
            continue;
        };
        if (1..=count).contains(&index) {
            return Some((index, count));
        }
    }
    None
}

/// Links every model asset to what describes it and copies the facts over. Assets
/// that are not the inventory's are left alone.
pub fn enrich(assets: &mut [Asset]) {
    let blobs = blob_names(assets);
    let folders = folders(assets, &blobs);
    for i in 0..assets.len() {
        let a = &assets[i];
        let inventoried = matches!(
            a.kind,
            AssetKind::Model
                | AssetKind::ModelConfig
                | AssetKind::ModelCard
                | AssetKind::Tokenizer
                | AssetKind::Dataset
                | AssetKind::Notebook
        );
        if a.line.is_some() || !inventoried {
            continue;
        }
        let mut locs = locations(a, &blobs);
        locs.sort();
        if a.kind != AssetKind::Model {
            // The inventory's other files in a cache get their snapshot name too.
            if let Some(loc) = locs.first().filter(|l| l.snapshot_file.is_some()) {
                let mut props = std::mem::take(&mut assets[i].properties);
                snapshot_facts(&mut props, &assets[i].path, loc);
                assets[i].properties = props;
            }
            continue;
        }
        let chosen = locs
            .iter()
            .map(|l| (l, describe(l, &folders, assets)))
            .find(|(_, d)| !d.is_empty());
        let (loc, described) = match chosen {
            Some((l, d)) => (Some(l), d),
            None => (locs.first(), Described::default()),
        };
        // Describing assets are never models, so the model's own properties can be
        // taken out while the others are read.
        let mut props = std::mem::take(&mut assets[i].properties);
        if let Some(l) = loc {
            snapshot_facts(&mut props, &assets[i].path, l);
        }
        apply(&mut props, &assets[i].format, loc, &described, assets);
        assets[i].properties = props;
    }
}

type Properties = BTreeMap<String, Value>;

/// `revision` and `snapshot_file` of a file in a cache snapshot.
fn snapshot_facts(props: &mut Properties, path: &str, loc: &Location) {
    if let Some((_, revision)) = &loc.snapshot {
        props
            .entry("revision".to_string())
            .or_insert_with(|| Value::from(revision.as_str()));
    }
    if let Some(file) = &loc.snapshot_file
        && matches!(cache_place(path), Some(CachePlace::Blob { .. }))
    {
        props.insert("snapshot_file".into(), Value::from(file.as_str()));
    }
}

/// Copies the description onto the properties of a model asset of `format`.
fn apply(
    model: &mut Properties,
    format: &str,
    loc: Option<&Location>,
    d: &Described,
    assets: &[Asset],
) {
    let prop = |i: Option<usize>, key: &str| -> Option<&Value> {
        i.and_then(|i| assets[i].properties.get(key))
    };
    let text = |i: Option<usize>, key: &str| -> Option<String> {
        prop(i, key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| crate::truncate(s, MAX_COPIED_CHARS))
    };

    set(model, "has_model_card", d.card.is_some());
    let mut described_by: BTreeSet<&str> = BTreeSet::new();
    described_by.extend(d.config.map(|i| assets[i].id.as_str()));
    described_by.extend(d.card.map(|i| assets[i].id.as_str()));
    described_by.extend(d.tokenizers.iter().map(|&i| assets[i].id.as_str()));
    described_by.extend(d.index.map(|i| assets[i].id.as_str()));
    if !described_by.is_empty() {
        set(
            model,
            "described_by",
            described_by.into_iter().collect::<Vec<_>>(),
        );
    }

    // Framework: a container format's placeholder gives way to the library the card
    // or config names.
    let library = text(d.card, "library_name");
    let config_framework = d.config.and_then(|i| {
        let p = &assets[i].properties;
        if p.contains_key("peft_type") {
            Some("peft")
        } else if p.contains_key("diffusers_version") {
            Some("diffusers")
        } else if p.contains_key("transformers_version") || p.contains_key("architecture") {
            Some("transformers")
        } else {
            None
        }
    });
    let framework = library
        .as_deref()
        .map(str::to_ascii_lowercase)
        .or(config_framework.map(str::to_string));
    let neutral = model
        .get("framework")
        .and_then(Value::as_str)
        .is_none_or(|f| NEUTRAL_FRAMEWORKS.contains(&f));
    if let Some(f) = framework
        && neutral
    {
        set(model, "framework", f);
    }
    if let Some(l) = library {
        merge(model, "library_name", Value::from(l), same_text);
    }

    if let Some(arch) = text(d.config, "architecture") {
        merge(model, "architecture", Value::from(arch), same_architecture);
    }
    if let Some(t) = text(d.config, "model_type") {
        merge(model, "model_type", Value::from(t), same_text);
    }
    if d.config
        .and_then(|i| assets[i].properties.get("custom_code"))
        == Some(&Value::Bool(true))
    {
        set(model, "custom_code", true);
    }
    if let Some(t) = text(d.config, "peft_type") {
        merge(model, "peft_type", Value::from(t), same_text);
    }
    let dtype = text(d.config, "torch_dtype").or_else(|| text(d.config, "dtype"));
    if let Some(dt) = dtype
        && CONFIG_DTYPE_FORMATS.contains(&format)
    {
        merge(
            model,
            "dtypes",
            Value::from(vec![tensor_dtype(&dt)]),
            dtypes_agree,
        );
    }

    if let Some(license) = prop(d.card, "license").and_then(text_or_list) {
        merge(model, "license", license, same_text);
    }
    for key in ["license_name", "license_link", "pipeline_tag"] {
        if let Some(v) = text(d.card, key) {
            merge(model, key, Value::from(v), same_text);
        }
    }
    let base = prop(d.card, "base_model")
        .and_then(text_or_list)
        .or_else(|| text(d.config, "base_model_name_or_path").map(Value::from));
    if let Some(b) = base {
        merge(model, "base_model", b, same_text);
    }
    if let Some(v) = prop(d.card, "datasets").and_then(list) {
        merge(model, "datasets", v, same_text);
    }
    if let Some(v) = prop(d.card, "language").and_then(list) {
        merge(model, "languages", v, same_text);
    }
    if let Some(t) = d
        .tokenizers
        .iter()
        .find_map(|&i| text(Some(i), "tokenizer_class"))
    {
        merge(model, "tokenizer_class", Value::from(t), same_text);
    }

    if let Some(loc) = loc
        && !loc.name.is_empty()
        && let Some((index, count)) = shard_position(&loc.name)
    {
        set(model, "shard_index", index);
        set(model, "shard_count", count);
        if let Some(i) = d.index {
            set(model, "shard_of", assets[i].id.clone());
        }
    }
}

/// Sets `key` when the model lacks it; when it has another value, keeps its own and
/// records the description's as `<key>_conflict`.
fn merge(model: &mut Properties, key: &str, value: Value, same: fn(&Value, &Value) -> bool) {
    match model.get(key) {
        None => set(model, key, value),
        Some(own) if same(own, &value) => {}
        Some(_) => set(model, &format!("{key}_conflict"), value),
    }
}

fn set(model: &mut Properties, key: &str, value: impl Into<Value>) {
    model.insert(key.to_string(), value.into());
}

/// A string, or a list of strings (one item stays a string).
fn text_or_list(v: &Value) -> Option<Value> {
    match list(v)? {
        Value::Array(mut items) if items.len() == 1 => items.pop(),
        other => Some(other),
    }
}

/// A list of non-empty strings from a string or a list.
fn list(v: &Value) -> Option<Value> {
    let items: Vec<Value> = match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    }
    .into_iter()
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .take(MAX_COPIED_ITEMS)
    .map(|s| Value::from(crate::truncate(s, MAX_COPIED_CHARS)))
    .collect();
    (!items.is_empty()).then_some(Value::Array(items))
}

fn normalized(v: &Value) -> Vec<String> {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    match v {
        Value::String(s) => vec![norm(s)],
        Value::Array(a) => a.iter().filter_map(Value::as_str).map(norm).collect(),
        other => vec![other.to_string()],
    }
}

fn same_text(a: &Value, b: &Value) -> bool {
    let (mut a, mut b) = (normalized(a), normalized(b));
    a.sort();
    b.sort();
    a == b
}

/// A GGUF header names the family (`llama`), a config the class (`LlamaForCausalLM`):
/// one containing the other agrees.
fn same_architecture(a: &Value, b: &Value) -> bool {
    let (a, b) = (normalized(a).concat(), normalized(b).concat());
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

/// A config's dtype agrees with a header when the header's tensors include it.
fn dtypes_agree(own: &Value, described: &Value) -> bool {
    let own = normalized(own);
    normalized(described).iter().all(|d| own.contains(d))
}

/// A PyTorch dtype name (`bfloat16`, `torch.float16`) in the notation of tensor
/// headers (`BF16`, `F16`); other names are kept as written.
fn tensor_dtype(name: &str) -> String {
    let n = name.trim().trim_start_matches("torch.");
    let short = match n {
        "float32" | "float" => "F32",
        "float16" | "half" => "F16",
        "bfloat16" => "BF16",
        "float64" | "double" => "F64",
        "int8" => "I8",
        "uint8" => "U8",
        "int16" | "short" => "I16",
        "int32" | "int" => "I32",
        "int64" | "long" => "I64",
        "bool" => "BOOL",
        "float8_e4m3fn" => "F8_E4M3",
        "float8_e5m2" => "F8_E5M2",
        _ => return crate::truncate(n, MAX_COPIED_CHARS),
    };
    short.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_of_paths() {
        assert_eq!(split_folder("a/b/m.pt"), ("a/b", "m.pt"));
        assert_eq!(split_folder("m.pt"), ("", "m.pt"));
        assert_eq!(split_folder("x/a.zip!m.pt"), ("x/a.zip!", "m.pt"));
        assert_eq!(split_folder("a.zip!d/e/m.pt"), ("a.zip!d/e", "m.pt"));
        assert_eq!(
            split_folder("a.tar!b.zip!c/m.pt"),
            ("a.tar!b.zip!c", "m.pt")
        );
    }

    #[test]
    fn shard_names() {
        assert_eq!(
            shard_position("model-00001-of-00003.safetensors"),
            Some((1, 3))
        );
        assert_eq!(
            shard_position("pytorch_model-00002-of-00002.bin"),
            Some((2, 2))
        );
        assert_eq!(
            shard_position("llama-7b-q4_0-00003-of-00004.gguf"),
            Some((3, 4))
        );
        assert_eq!(shard_position("model_00001-of-00002"), Some((1, 2)));
        assert_eq!(shard_position("model-00004-of-00003.safetensors"), None);
        assert_eq!(shard_position("model-00000-of-00003.safetensors"), None);
        assert_eq!(shard_position("00001-of-00003.safetensors"), None);
        assert_eq!(shard_position("model-1-of-3x.bin"), None);
        assert_eq!(shard_position("model.safetensors"), None);
        assert_eq!(
            shard_position("model-99999999999999999999999-of-99999999999999999999999.bin"),
            None
        );
    }

    #[test]
    fn dtypes_and_agreement() {
        assert_eq!(tensor_dtype("bfloat16"), "BF16");
        assert_eq!(tensor_dtype("torch.float16"), "F16");
        assert_eq!(tensor_dtype("float8_e4m3fn"), "F8_E4M3");
        assert_eq!(tensor_dtype("auto"), "auto");
        let v = |s: &[&str]| Value::from(s.to_vec());
        assert!(dtypes_agree(&v(&["BF16", "F32"]), &v(&["BF16"])));
        assert!(!dtypes_agree(&v(&["I8"]), &v(&["F16"])));
        assert!(same_architecture(
            &Value::from("llama"),
            &Value::from("LlamaForCausalLM")
        ));
        assert!(!same_architecture(
            &Value::from("Sequential"),
            &Value::from("BertModel")
        ));
        assert!(same_text(
            &Value::from("Apache-2.0"),
            &Value::from("apache-2.0")
        ));
    }
}

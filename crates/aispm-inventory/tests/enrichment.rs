//! Cross-file enrichment end to end: small trees in a temporary folder are scanned by
//! the engine with the inventory analyzer, and each model asset must carry what its
//! config, model card, tokenizer and shard index say.

use aispm_core::{Asset, AssetKind, ScanReport};
use aispm_engine::{ScanOptions, Scanner};
use aispm_fixtures::gguf::{GgufValue, ggml_type};
use aispm_inventory::InventoryAnalyzer;
use serde_json::{Value, json};
use std::path::Path;

fn scan_threads(root: &Path, threads: usize) -> ScanReport {
    let scanner = Scanner::new(
        vec![Box::new(InventoryAnalyzer::new())],
        ScanOptions {
            threads,
            ..ScanOptions::default()
        },
    )
    .expect("no rules to clash");
    scanner.scan(&[root.to_path_buf()], None)
}

fn scan(root: &Path) -> ScanReport {
    scan_threads(root, 2)
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn asset<'r>(r: &'r ScanReport, kind: AssetKind, path: &str) -> &'r Asset {
    r.assets
        .iter()
        .find(|a| a.kind == kind && a.path == path)
        .unwrap_or_else(|| {
            let have: Vec<_> = r.assets.iter().map(|a| (a.kind, &a.path)).collect();
            panic!("no {kind:?} asset at {path}; have {have:#?}")
        })
}

fn model<'r>(r: &'r ScanReport, path: &str) -> &'r Asset {
    asset(r, AssetKind::Model, path)
}

fn prop<'a>(a: &'a Asset, key: &str) -> &'a Value {
    a.properties.get(key).unwrap_or(&Value::Null)
}

fn described_by(a: &Asset) -> Vec<&str> {
    prop(a, "described_by")
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn safetensors(dtype: &str) -> Vec<u8> {
    let bytes = vec![0u8; 4 * aispm_fixtures::safetensors::dtype_size(dtype).unwrap()];
    aispm_fixtures::safetensors(&[("w", dtype, &[2, 2], &bytes)], None)
}

fn gguf(arch: &str, license: &str) -> Vec<u8> {
    aispm_fixtures::gguf(
        &[
            ("general.architecture", GgufValue::String(arch.into())),
            ("general.license", GgufValue::String(license.into())),
        ],
        &[("t", &[4], ggml_type::F32, &[0u8; 16])],
    )
}

const CONFIG: &str = r#"{
  "architectures": ["LlamaForCausalLM"],
  "model_type": "llama",
  "torch_dtype": "bfloat16",
  "transformers_version": "4.44.2",
  "auto_map": {"AutoModel": "modeling_x.XModel"}
}"#;

const CARD: &str = "---
license: apache-2.0
library_name: transformers
pipeline_tag: text-generation
base_model: org/base-7b
datasets:
  - org/chat-data
  - org/more-data
language:
- en
- fr
tags:
  - llama
---

# A model
";

const TOKENIZER: &str = r#"{"tokenizer_class": "LlamaTokenizer", "chat_template": "{{ x }}"}"#;

#[test]
fn a_plain_folder_describes_its_models() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(root, "m/model.safetensors", &safetensors("BF16"));
    write(root, "m/config.json", CONFIG.as_bytes());
    write(root, "m/README.md", CARD.as_bytes());
    write(root, "m/tokenizer_config.json", TOKENIZER.as_bytes());
    write(root, "m/model-q4.gguf", &gguf("llama", "MIT"));
    write(root, "m/other-arch.gguf", &gguf("gpt2", "apache-2.0"));
    write(root, "lonely/model.safetensors", &safetensors("F16"));
    let r = scan(root);
    assert!(r.errors.is_empty(), "{:#?}", r.errors);

    let config = asset(&r, AssetKind::ModelConfig, "m/config.json");
    let card = asset(&r, AssetKind::ModelCard, "m/README.md");
    let tok = asset(&r, AssetKind::Tokenizer, "m/tokenizer_config.json");

    let st = model(&r, "m/model.safetensors");
    let mut expected = vec![config.id.as_str(), card.id.as_str(), tok.id.as_str()];
    expected.sort();
    assert_eq!(described_by(st), expected);
    assert_eq!(prop(st, "has_model_card"), true);
    // A container format gives way to the library the card names.
    assert_eq!(prop(st, "framework"), "transformers");
    assert_eq!(prop(st, "library_name"), "transformers");
    assert_eq!(prop(st, "architecture"), "LlamaForCausalLM");
    assert_eq!(prop(st, "model_type"), "llama");
    assert_eq!(prop(st, "license"), "apache-2.0");
    assert_eq!(prop(st, "pipeline_tag"), "text-generation");
    assert_eq!(prop(st, "base_model"), "org/base-7b");
    assert_eq!(
        prop(st, "datasets"),
        &json!(["org/chat-data", "org/more-data"])
    );
    assert_eq!(prop(st, "languages"), &json!(["en", "fr"]));
    assert_eq!(prop(st, "tokenizer_class"), "LlamaTokenizer");
    assert_eq!(prop(st, "custom_code"), true);
    // The header's dtypes stay, and agree with the config's.
    assert_eq!(prop(st, "dtypes"), &json!(["BF16"]));
    assert!(!st.properties.contains_key("dtypes_conflict"));
    assert!(!st.properties.contains_key("tags"));

    // A GGUF file keeps its own framework, dtypes and licence; the card's differing
    // licence is recorded beside it. `llama` agrees with `LlamaForCausalLM`.
    let q4 = model(&r, "m/model-q4.gguf");
    assert_eq!(prop(q4, "framework"), "gguf");
    assert_eq!(prop(q4, "architecture"), "llama");
    assert!(!q4.properties.contains_key("architecture_conflict"));
    assert_eq!(prop(q4, "license"), "MIT");
    assert_eq!(prop(q4, "license_conflict"), "apache-2.0");
    assert!(!q4.properties.contains_key("dtypes"));
    let other = model(&r, "m/other-arch.gguf");
    assert_eq!(prop(other, "architecture"), "gpt2");
    assert_eq!(prop(other, "architecture_conflict"), "LlamaForCausalLM");
    assert!(!other.properties.contains_key("license_conflict"));

    // Nothing beside it: nothing invented.
    let lonely = model(&r, "lonely/model.safetensors");
    assert_eq!(prop(lonely, "has_model_card"), false);
    assert_eq!(prop(lonely, "framework"), "safetensors");
    for key in ["described_by", "license", "architecture", "revision"] {
        assert!(!lonely.properties.contains_key(key), "{key}");
    }
    // The describing assets are not changed.
    assert!(!card.properties.contains_key("described_by"));
}

#[test]
fn a_config_dtype_fills_in_and_disagreement_is_recorded() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let pickle = aispm_fixtures::benign_state_dict_pickle();
    let zip = aispm_fixtures::pytorch_zip("archive", &pickle, &[]);
    write(root, "pt/pytorch_model.bin", &zip);
    write(root, "pt/config.json", CONFIG.as_bytes());
    write(root, "pt/model.safetensors", &safetensors("I8"));
    let r = scan(root);
    let bin = model(&r, "pt/pytorch_model.bin");
    assert_eq!(bin.format, "pytorch-zip");
    assert_eq!(prop(bin, "framework"), "pytorch");
    assert_eq!(prop(bin, "dtypes"), &json!(["BF16"]));
    assert_eq!(prop(bin, "has_model_card"), false);
    // Without a card the config still says it is a transformers model.
    let st = model(&r, "pt/model.safetensors");
    assert_eq!(prop(st, "framework"), "transformers");
    assert_eq!(prop(st, "dtypes"), &json!(["I8"]));
    assert_eq!(prop(st, "dtypes_conflict"), &json!(["BF16"]));
}

#[cfg(unix)]
#[test]
fn a_hugging_face_cache_snapshot_names_its_blobs() {
    use std::os::unix::fs::symlink;
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let repo = "hub/models--org--tiny";
    let commit = "0123456789abcdef0123456789abcdef01234567";
    let blob = |n: u8| format!("{:064x}", u64::from(n) * 0x1111);
    let files: [(&str, Vec<u8>); 5] = [
        ("model.safetensors", safetensors("BF16")),
        ("config.json", CONFIG.as_bytes().to_vec()),
        ("README.md", CARD.as_bytes().to_vec()),
        (
            "tokenizer.json",
            br#"{"version": "1.0", "added_tokens": [], "model": {"type": "BPE"}}"#.to_vec(),
        ),
        (
            "onnx/model.onnx",
            aispm_fixtures::onnx_model("pytorch", 17, &[("MatMul", "")], None),
        ),
    ];
    for (i, (name, bytes)) in files.iter().enumerate() {
        let hash = blob(i as u8 + 1);
        write(root, &format!("{repo}/blobs/{hash}"), bytes);
        let link = root.join(format!("{repo}/snapshots/{commit}/{name}"));
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        let up = if name.contains('/') {
            "../../../"
        } else {
            "../../"
        };
        symlink(format!("{up}blobs/{hash}"), link).unwrap();
    }
    write(root, &format!("{repo}/refs/main"), commit.as_bytes());
    let r = scan(root);
    assert!(r.errors.is_empty(), "{:#?}", r.errors);

    let path = |n: u8| format!("{repo}/blobs/{}", blob(n));
    let config = asset(&r, AssetKind::ModelConfig, &path(2));
    let card = asset(&r, AssetKind::ModelCard, &path(3));
    let tok = asset(&r, AssetKind::Tokenizer, &path(4));
    assert_eq!(prop(config, "snapshot_file"), "config.json");
    assert_eq!(prop(card, "snapshot_file"), "README.md");
    assert_eq!(prop(tok, "revision"), commit);

    let st = model(&r, &path(1));
    assert_eq!(prop(st, "hf_repo"), "org/tiny");
    assert_eq!(prop(st, "revision"), commit);
    assert_eq!(prop(st, "snapshot_file"), "model.safetensors");
    assert_eq!(prop(st, "license"), "apache-2.0");
    assert_eq!(prop(st, "architecture"), "LlamaForCausalLM");
    let mut expected = vec![config.id.as_str(), card.id.as_str(), tok.id.as_str()];
    expected.sort();
    assert_eq!(described_by(st), expected);

    // A file in a sub-folder of the snapshot is described by the repository root.
    let onnx = model(&r, &path(5));
    assert_eq!(prop(onnx, "snapshot_file"), "onnx/model.onnx");
    assert_eq!(prop(onnx, "framework"), "onnx");
    assert_eq!(prop(onnx, "license"), "apache-2.0");
    assert_eq!(prop(onnx, "has_model_card"), true);
    // The config's dtype is the original model's, not the ONNX file's.
    assert!(!onnx.properties.contains_key("dtypes"));

    let repo_asset = r
        .assets
        .iter()
        .find(|a| a.kind == AssetKind::HfCacheRepo)
        .unwrap();
    assert_eq!(
        prop(repo_asset, "snapshot_blobs")["onnx/model.onnx"],
        blob(5).as_str()
    );
}

#[test]
fn cache_blobs_no_snapshot_names_use_the_repository_only_config() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let repo = "hub/models--org--solo";
    write(
        root,
        &format!("{repo}/blobs/{:064x}", 1),
        &safetensors("F32"),
    );
    write(root, &format!("{repo}/blobs/{:064x}", 2), CONFIG.as_bytes());
    write(root, &format!("{repo}/blobs/{:064x}", 3), CARD.as_bytes());
    let r = scan(root);
    let st = model(&r, &format!("{repo}/blobs/{:064x}", 1));
    assert_eq!(prop(st, "architecture"), "LlamaForCausalLM");
    assert_eq!(prop(st, "license"), "apache-2.0");
    assert!(!st.properties.contains_key("revision"));
    assert!(!st.properties.contains_key("snapshot_file"));

    // Two configs: which one describes the model is unknown, so neither is used.
    write(
        root,
        &format!("{repo}/blobs/{:064x}", 4),
        b"{\"model_type\": \"bert\"}",
    );
    let r = scan(root);
    let st = model(&r, &format!("{repo}/blobs/{:064x}", 1));
    assert!(!st.properties.contains_key("architecture"));
    assert_eq!(prop(st, "license"), "apache-2.0");
}

#[test]
fn archive_members_are_described_inside_their_folder() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let st = safetensors("F32");
    let zip = aispm_fixtures::zip_of(&[
        ("tiny/model.safetensors", &st),
        ("tiny/config.json", CONFIG.as_bytes()),
        ("tiny/README.md", CARD.as_bytes()),
        ("other/model.safetensors", &st),
        ("model.safetensors", &st),
    ]);
    write(root, "bundle.zip", &zip);
    // A card beside the archive does not describe what is inside it.
    write(root, "README.md", CARD.as_bytes());
    let r = scan(root);
    let tiny = model(&r, "bundle.zip!tiny/model.safetensors");
    assert_eq!(prop(tiny, "container"), "bundle.zip");
    assert_eq!(prop(tiny, "architecture"), "LlamaForCausalLM");
    assert_eq!(prop(tiny, "license"), "apache-2.0");
    assert_eq!(described_by(tiny).len(), 2);
    for p in [
        "bundle.zip!other/model.safetensors",
        "bundle.zip!model.safetensors",
    ] {
        let m = model(&r, p);
        assert_eq!(prop(m, "has_model_card"), false, "{p}");
        assert!(!m.properties.contains_key("described_by"), "{p}");
    }
}

#[test]
fn shards_are_tied_to_their_index() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(
        root,
        "s/model-00001-of-00002.safetensors",
        &safetensors("BF16"),
    );
    write(
        root,
        "s/model-00002-of-00002.safetensors",
        &safetensors("BF16"),
    );
    write(
        root,
        "s/model.safetensors.index.json",
        br#"{"metadata": {"total_size": 32, "total_parameters": 8},
             "weight_map": {"a": "model-00001-of-00002.safetensors",
                            "b": "model-00002-of-00002.safetensors",
                            "c": "model-00002-of-00002.safetensors"}}"#,
    );
    write(
        root,
        "t/pytorch_model-00001-of-00003.bin",
        &aispm_fixtures::benign_state_dict_pickle(),
    );
    let r = scan(root);
    let index = asset(&r, AssetKind::ModelConfig, "s/model.safetensors.index.json");
    assert_eq!(index.format, "hf-shard-index");
    assert_eq!(prop(index, "shard_count"), 2);
    assert_eq!(prop(index, "tensor_count"), 3);
    assert_eq!(prop(index, "parameter_count"), 8);
    assert_eq!(prop(index, "total_size"), 32);
    for (i, name) in ["model-00001-of-00002", "model-00002-of-00002"]
        .iter()
        .enumerate()
    {
        let shard = model(&r, &format!("s/{name}.safetensors"));
        assert_eq!(prop(shard, "shard_index"), i as u64 + 1);
        assert_eq!(prop(shard, "shard_count"), 2);
        assert_eq!(prop(shard, "shard_of"), index.id.as_str());
        assert_eq!(described_by(shard), vec![index.id.as_str()]);
    }
    let lone = model(&r, "t/pytorch_model-00001-of-00003.bin");
    assert_eq!(prop(lone, "shard_index"), 1);
    assert_eq!(prop(lone, "shard_count"), 3);
    assert!(!lone.properties.contains_key("shard_of"));
}

#[test]
fn the_report_does_not_depend_on_the_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    for i in 0..12 {
        let dir = format!("m{}", i % 4);
        write(
            root,
            &format!("{dir}/model-{i}.safetensors"),
            &safetensors("F32"),
        );
        write(root, &format!("{dir}/config.json"), CONFIG.as_bytes());
        write(root, &format!("{dir}/README.md"), CARD.as_bytes());
        write(root, &format!("{dir}/x{i}.gguf"), &gguf("llama", "mit"));
    }
    let strip = |mut r: ScanReport| {
        r.scan.started_at.clear();
        r.scan.duration_ms = 0;
        serde_json::to_string_pretty(&r).unwrap()
    };
    let one = strip(scan_threads(root, 1));
    assert_eq!(one, strip(scan_threads(root, 2)));
    assert_eq!(one, strip(scan_threads(root, 2)));
    assert!(one.contains("described_by"));
}

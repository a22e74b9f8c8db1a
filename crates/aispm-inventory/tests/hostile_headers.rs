//! The inventory's header readers never panic on hostile bytes: every kind is fed
//! random content behind its magic, at random claimed sizes.

use aispm_core::{AnalysisContext, Analyzer, FileInput, FileKind, Source};
use aispm_inventory::InventoryAnalyzer;
use proptest::prelude::*;
use std::path::Path;

const CASES: &[(FileKind, &[u8], &str)] = &[
    (
        FileKind::Safetensors,
        b"\x40\x00\x00\x00\x00\x00\x00\x00{\"",
        "m.safetensors",
    ),
    (FileKind::Gguf, b"GGUF\x03\x00\x00\x00", "m.gguf"),
    (FileKind::Gguf, b"GGUF\x01\x00\x00\x00", "m.gguf"),
    (FileKind::Npy, b"\x93NUMPY\x01\x00", "a.npy"),
    (FileKind::Onnx, b"\x08\x07", "m.onnx"),
    (FileKind::Parquet, b"PAR1", "t.parquet"),
    (FileKind::KerasZip, b"PK\x03\x04", "m.keras"),
    (
        FileKind::Notebook,
        b"{\"nbformat\": 4, \"cells\": [",
        "n.ipynb",
    ),
    (FileKind::Csv, b"a,\"b", "d.csv"),
    (FileKind::Jsonl, b"{\"a\":", "d.jsonl"),
    (FileKind::Markdown, b"---\nlicense: [", "README.md"),
    (FileKind::Json, b"{\"architectures\":", "config.json"),
    (
        FileKind::Json,
        b"{\"weight_map\":",
        "model.safetensors.index.json",
    ),
    (FileKind::Json, b"{\"", "hub/models--a--b/blobs/0123"),
    (
        FileKind::Text,
        b"---\nlicense: ",
        "hub/models--a--b/blobs/4567",
    ),
    (FileKind::Pickle, b"\x80\x05", "m.pkl"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn header_readers_never_panic(case in 0..CASES.len(), tail in proptest::collection::vec(any::<u8>(), 0..600), trailer in any::<bool>()) {
        let (kind, magic, name) = CASES[case];
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&tail);
        if trailer {
            // A plausible Parquet trailer pointing anywhere.
            bytes.extend_from_slice(&(tail.len() as u32).to_le_bytes());
            bytes.extend_from_slice(b"PAR1");
        }
        let head = &bytes[..bytes.len().min(aispm_core::HEAD_LEN)];
        let input = FileInput::new(name, Path::new(name), kind, bytes.len() as u64, head, Source::Bytes(&bytes));
        let mut cx = AnalysisContext::new(None, 0);
        let a = InventoryAnalyzer::new();
        if a.accepts(&input) {
            let _ = a.analyze(&input, &mut cx);
        }
    }
}

/// Assets of every describing kind at paths drawn from a few folders, archives and a
/// cache repository, with properties of any JSON shape.
fn arb_assets() -> impl Strategy<Value = Vec<aispm_core::Asset>> {
    use aispm_core::{Asset, AssetKind};
    let folder = prop::sample::select(vec![
        "",
        "m",
        "m/sub",
        "a.zip!",
        "a.zip!m",
        "hub/models--o--n/blobs",
        "hub/models--o--n/snapshots/abc",
        "hub/models--o--n/snapshots/abc/onnx",
    ]);
    let name = prop::sample::select(vec![
        "config.json",
        "adapter_config.json",
        "README.md",
        "tokenizer.json",
        "model.safetensors",
        "model-00001-of-00002.safetensors",
        "model-00002-of-00002.safetensors",
        "model.safetensors.index.json",
        "adapter_model.bin",
        "0000000000000000000000000000000000000001",
    ]);
    let kind = prop::sample::select(vec![
        (AssetKind::Model, "safetensors"),
        (AssetKind::Model, "gguf"),
        (AssetKind::ModelConfig, "hf-config"),
        (AssetKind::ModelConfig, "hf-shard-index"),
        (AssetKind::ModelCard, "model-card"),
        (AssetKind::Tokenizer, "hf-tokenizer"),
        (AssetKind::HfCacheRepo, "hf-cache"),
    ]);
    let key = prop::sample::select(vec![
        "architecture",
        "license",
        "language",
        "datasets",
        "base_model",
        "torch_dtype",
        "dtypes",
        "framework",
        "library_name",
        "shards",
        "revision",
        "ref",
        "snapshot_blobs",
        "tokenizer_class",
    ]);
    let value = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        "[a-zA-Z0-9./-]{0,12}".prop_map(serde_json::Value::from),
        prop::collection::vec("[a-z0-9.-]{0,8}", 0..4).prop_map(serde_json::Value::from),
        Just(
            serde_json::json!({"model.safetensors": "0000000000000000000000000000000000000001",
                                "README.md": 7})
        ),
        Just(serde_json::json!(["model-00001-of-00002.safetensors"])),
    ];
    let asset = (
        folder,
        name,
        kind,
        prop::collection::vec((key, value), 0..6),
    )
        .prop_map(|(folder, name, (kind, format), props)| {
            let path = match (folder, kind) {
                ("", _) => name.to_string(),
                (f, _) if f.ends_with('!') => format!("{f}{name}"),
                (_, AssetKind::HfCacheRepo) => "hub/models--o--n".to_string(),
                (f, _) => format!("{f}/{name}"),
            };
            let mut a = Asset::new(kind, &path, "", format);
            for (k, v) in props {
                a.set(k, v);
            }
            a
        });
    prop::collection::vec(asset, 0..24)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn enrichment_never_panics_and_ignores_input_order(mut assets in arb_assets(), seed in any::<u64>()) {
        // The engine hands over each asset ID once.
        let mut seen = std::collections::HashSet::new();
        assets.retain(|a| seen.insert(a.id.clone()));
        let mut forward = assets.clone();
        aispm_inventory::enrich(&mut forward);
        // The same assets in another order give the same result for each asset.
        let mut shuffled = assets;
        let n = shuffled.len();
        if n > 1 {
            for i in 0..n {
                let j = (seed.wrapping_mul(i as u64 + 1) >> 7) as usize % n;
                shuffled.swap(i, j);
            }
        }
        aispm_inventory::enrich(&mut shuffled);
        let key = |a: &aispm_core::Asset| serde_json::to_string(a).unwrap();
        let mut f: Vec<String> = forward.iter().map(key).collect();
        let mut s: Vec<String> = shuffled.iter().map(key).collect();
        f.sort();
        s.sort();
        prop_assert_eq!(f, s);
    }
}

/// A safetensors header of millions of tiny objects would cost gigabytes once parsed
/// into a tree; the inventory refuses it before parsing (cost estimated from the text).
#[test]
fn object_dense_safetensors_header_is_refused_before_parsing() {
    let n = (aispm_core::json::MAX_PARSED_BYTES / 600) as usize;
    let mut header = b"{\"x\":[".to_vec();
    for _ in 0..n {
        header.extend_from_slice(b"{\"a\":0},");
    }
    header.extend_from_slice(b"0]}");
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(&header);
    let head = &bytes[..aispm_core::HEAD_LEN];
    let input = FileInput::new(
        "m.safetensors",
        Path::new("m.safetensors"),
        FileKind::Safetensors,
        bytes.len() as u64,
        head,
        Source::Bytes(&bytes),
    );
    let mut cx = AnalysisContext::new(None, 0);
    InventoryAnalyzer::new().analyze(&input, &mut cx).unwrap();
    assert_eq!(cx.assets.len(), 1);
    let errors = &cx.errors;
    assert!(
        errors.iter().any(|e| e.message.contains("too dense")),
        "{errors:?}"
    );
}

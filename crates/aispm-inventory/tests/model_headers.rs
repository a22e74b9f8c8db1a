//! The header metadata the inventory copies onto model assets, read through the shared
//! format readers (`aispm-formats`): GGUF keys and counts, safetensors tensors, dtypes
//! and metadata, ONNX top-level fields and opsets, npy dtypes; and the error records
//! of headers that cannot be true.

use aispm_core::{AnalysisContext, Analyzer, Asset, FileInput, FileKind, Source};
use aispm_fixtures::gguf::{GgufBuilder, GgufValue, ggml_type};
use aispm_inventory::InventoryAnalyzer;
use serde_json::{Value, json};
use std::path::Path;

fn scan(name: &str, kind: FileKind, bytes: &[u8]) -> (Asset, Vec<String>) {
    let head = &bytes[..bytes.len().min(aispm_core::HEAD_LEN)];
    let input = FileInput::new(
        name,
        Path::new(name),
        kind,
        bytes.len() as u64,
        head,
        Source::Bytes(bytes),
    );
    let mut cx = AnalysisContext::new(None, 0);
    let a = InventoryAnalyzer::new();
    assert!(a.accepts(&input), "{name}");
    a.analyze(&input, &mut cx).unwrap();
    let asset = cx
        .assets
        .into_iter()
        .find(|a| a.path == name)
        .expect("a model asset");
    let errors = cx.errors.into_iter().map(|e| e.message).collect();
    (asset, errors)
}

fn prop<'a>(a: &'a Asset, key: &str) -> &'a Value {
    a.properties.get(key).unwrap_or(&Value::Null)
}

#[test]
fn gguf_keys_and_counts() {
    let bytes = GgufBuilder::new()
        .architecture("llama")
        .name("tiny")
        .kv("general.file_type", GgufValue::U32(7))
        .kv("general.quantization_version", GgufValue::U32(2))
        .kv(
            "tokenizer.ggml.tokens",
            GgufValue::strings(&["<s>", "</s>"]),
        )
        .kv("general.license", GgufValue::strings(&["mit"]))
        .chat_template("{% for m in messages %}{{ m.content }}{% endfor %}")
        .tensor("t", &[4], ggml_type::F32, &[0u8; 16])
        .build();
    let (a, errors) = scan("m.gguf", FileKind::Gguf, &bytes);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(prop(&a, "gguf_version"), &json!(3));
    assert_eq!(prop(&a, "tensor_count"), &json!(1));
    assert_eq!(prop(&a, "metadata_count"), &json!(7));
    assert_eq!(prop(&a, "architecture"), &json!("llama"));
    assert_eq!(prop(&a, "name"), &json!("tiny"));
    assert_eq!(prop(&a, "file_type"), &json!(7));
    assert_eq!(prop(&a, "quantization_version"), &json!(2));
    // An array under a wanted key is recorded as present without a value.
    assert_eq!(a.properties.get("license"), Some(&Value::Null));
    assert_eq!(prop(&a, "has_chat_template"), &json!(true));
    assert_eq!(prop(&a, "chat_template_bytes"), &json!(50));
}

#[test]
fn gguf_counts_that_cannot_fit_are_an_error_record() {
    let mut bytes = b"GGUF".to_vec();
    bytes.extend_from_slice(&3u32.to_le_bytes());
    bytes.extend_from_slice(&(u64::MAX - 15).to_le_bytes());
    bytes.extend_from_slice(&1u64.to_le_bytes());
    bytes.extend_from_slice(&[0u8; 64]);
    let (a, errors) = scan("m.gguf", FileKind::Gguf, &bytes);
    assert_eq!(
        errors,
        [
            "gguf header: cannot parse: implausible counts: 18446744073709551600 tensors, 1 metadata entries"
        ]
    );
    assert_eq!(prop(&a, "gguf_version"), &json!(3));
    assert_eq!(prop(&a, "tensor_count"), &json!(u64::MAX - 15));
    assert_eq!(prop(&a, "header_valid"), &json!(false));
    let mut bytes = b"GGUF".to_vec();
    bytes.extend_from_slice(&9u32.to_le_bytes());
    bytes.extend_from_slice(&[0u8; 16]);
    let (a, errors) = scan("m.gguf", FileKind::Gguf, &bytes);
    assert_eq!(
        errors,
        ["gguf header: cannot parse: unsupported GGUF version 9"]
    );
    assert_eq!(prop(&a, "gguf_version"), &json!(9));
}

#[test]
fn safetensors_tensors_dtypes_and_metadata() {
    let meta = aispm_fixtures::safetensors::pt_metadata();
    let bytes = aispm_fixtures::safetensors::safetensors(
        &[
            ("a", "F32", &[2, 3], &[0u8; 24]),
            ("b", "F16", &[4], &[0u8; 8]),
        ],
        Some(&meta),
    );
    let (a, errors) = scan("m.safetensors", FileKind::Safetensors, &bytes);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(prop(&a, "tensor_count"), &json!(2));
    assert_eq!(prop(&a, "dtypes"), &json!(["F16", "F32"]));
    assert_eq!(prop(&a, "parameter_count"), &json!(10));
    assert_eq!(prop(&a, "metadata"), &json!({"format": "pt"}));
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap());
    assert_eq!(prop(&a, "header_bytes"), &json!(n));
}

#[test]
fn safetensors_lengths_that_cannot_be_true_are_an_error_record() {
    let mut bytes = u64::MAX.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"{\"a\":{}}");
    let (_, errors) = scan("m.safetensors", FileKind::Safetensors, &bytes);
    assert_eq!(
        errors,
        [
            "safetensors header: cannot parse: header length 18446744073709551615 exceeds the file or the 100 MB cap"
        ]
    );
    let mut bytes = 8u64.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"{\"a\":1,");
    bytes.push(b' ');
    let (_, errors) = scan("m.safetensors", FileKind::Safetensors, &bytes);
    assert_eq!(
        errors,
        ["safetensors header: cannot parse: EOF while parsing a value at line 1 column 8"]
    );
}

#[test]
fn onnx_top_level_fields_and_opsets() {
    let bytes = aispm_fixtures::onnx::onnx_model(
        "pytorch",
        17,
        &[("MatMul", ""), ("Relu", "com.microsoft")],
        None,
    );
    let (a, errors) = scan("m.onnx", FileKind::Onnx, &bytes);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(prop(&a, "producer_name"), &json!("pytorch"));
    assert!(prop(&a, "ir_version").is_u64());
    let opsets = prop(&a, "opsets").as_array().expect("opsets");
    assert!(opsets.contains(&json!({"domain": "ai.onnx", "version": 17})));
}

#[test]
fn npy_dtype_and_shape() {
    let bytes = aispm_fixtures::numpy::npy("<f4", &[3, 4], &[0u8; 48]);
    let (a, errors) = scan("a.npy", FileKind::Npy, &bytes);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(prop(&a, "npy_version"), &json!(1));
    assert_eq!(prop(&a, "dtype"), &json!("<f4"));
    assert_eq!(prop(&a, "object_dtype"), &json!(false));
    assert_eq!(prop(&a, "shape"), &json!("(3, 4)"));
    let bytes = aispm_fixtures::numpy::npy("|O", &[2], b"\x80\x04N.");
    let (a, _) = scan("o.npy", FileKind::Npy, &bytes);
    assert_eq!(prop(&a, "object_dtype"), &json!(true));
}

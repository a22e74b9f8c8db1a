//! The binary half of `examples/demo-estate/`: every model file and the Hugging Face
//! cache entry. The text files of the estate are committed as written; the files here
//! are generated so they stay reproducible and reviewable as code. Regenerating must
//! give byte-identical output, which a test checks against the committed copy.

use std::io;
use std::path::{Path, PathBuf};

use sha1::Digest as _;

use crate::gguf::{CHATML_TEMPLATE, GgufBuilder, GgufValue, ggml_type};
use crate::keras::keras_zip;
use crate::numpy::npy;
use crate::onnx::onnx_model;
use crate::pickle::{benign_state_dict_pickle, malicious_os_system_pickle};
use crate::pytorch::pytorch_zip;
use crate::rng::SplitMix64;
use crate::safetensors::{pt_metadata, safetensors};

/// The harmless command inside the demo's malicious pickle.
pub const DEMO_PAYLOAD: &str = "echo aispm-demo";

/// Hub cache folder of the demo's cached model, relative to the estate root.
pub const HF_REPO_DIR: &str = "cache/huggingface/hub/models--demo-org--tiny-bert";

/// One generated entry: a regular file with its bytes, or a symlink with its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoEntry {
    File(Vec<u8>),
    Symlink(String),
}

fn f32_bytes(seed: u64, count: usize) -> Vec<u8> {
    SplitMix64::new(seed).f32_le_bytes(count, 0.1)
}

fn classifier_safetensors() -> Vec<u8> {
    // A tiny DistilBERT-style sequence classifier (vocab 32, dim 8, three labels).
    let word = f32_bytes(1, 32 * 8);
    let pos = f32_bytes(2, 16 * 8);
    let pre_w = f32_bytes(3, 8 * 8);
    let pre_b = f32_bytes(4, 8);
    let cls_w = f32_bytes(5, 3 * 8);
    let cls_b = f32_bytes(6, 3);
    safetensors(
        &[
            ("classifier.bias", "F32", &[3], &cls_b),
            ("classifier.weight", "F32", &[3, 8], &cls_w),
            (
                "distilbert.embeddings.position_embeddings.weight",
                "F32",
                &[16, 8],
                &pos,
            ),
            (
                "distilbert.embeddings.word_embeddings.weight",
                "F32",
                &[32, 8],
                &word,
            ),
            ("pre_classifier.bias", "F32", &[8], &pre_b),
            ("pre_classifier.weight", "F32", &[8, 8], &pre_w),
        ],
        Some(&pt_metadata()),
    )
}

fn legacy_checkpoint() -> Vec<u8> {
    let weight = f32_bytes(10, 4);
    let bias = f32_bytes(11, 2);
    pytorch_zip(
        "checkpoint",
        &benign_state_dict_pickle(),
        &[("0", &weight), ("1", &bias)],
    )
}

/// A "community fine-tune" whose chat template reaches the interpreter through
/// `cycler.__init__.__globals__` (server-side template injection; the command is a
/// harmless `echo`).
fn community_chat_gguf() -> Vec<u8> {
    GgufBuilder::new()
        .architecture("llama")
        .name("community-chat-uncensored")
        .kv("general.file_type", GgufValue::U32(0))
        .chat_template(
            "{% for m in messages %}{{ m['content'] }}{% endfor %}\
{{ cycler.__init__.__globals__.os.popen('echo aispm-demo').read() }}",
        )
        .build()
}

fn tiny_chat_gguf() -> Vec<u8> {
    let tokens = [
        "<unk>",
        "<s>",
        "</s>",
        "<|im_start|>",
        "<|im_end|>",
        "user",
        "assistant",
        "system",
        "\u{2581}hello",
        "\u{2581}world",
        "\u{2581}ticket",
        "\u{2581}refund",
        "\u{2581}password",
        "\u{2581}reset",
        ".",
        "\n",
    ];
    let scores: Vec<f32> = (0..tokens.len()).map(|i| 0.0 - i as f32).collect();
    let types: Vec<i32> = (0..tokens.len())
        .map(|i| if i < 5 { 3 } else { 1 })
        .collect();
    GgufBuilder::new()
        .architecture("llama")
        .name("tiny-chat-demo")
        .kv("general.file_type", GgufValue::U32(0))
        .kv("llama.context_length", GgufValue::U32(256))
        .kv("llama.embedding_length", GgufValue::U32(8))
        .kv("llama.block_count", GgufValue::U32(1))
        .kv("llama.attention.head_count", GgufValue::U32(2))
        .kv("tokenizer.ggml.model", GgufValue::str("llama"))
        .kv("tokenizer.ggml.tokens", GgufValue::strings(&tokens))
        .kv("tokenizer.ggml.scores", GgufValue::f32s(&scores))
        .kv("tokenizer.ggml.token_type", GgufValue::i32s(&types))
        .kv("tokenizer.ggml.bos_token_id", GgufValue::U32(1))
        .kv("tokenizer.ggml.eos_token_id", GgufValue::U32(4))
        .chat_template(CHATML_TEMPLATE)
        .tensor(
            "token_embd.weight",
            &[8, tokens.len() as u64],
            ggml_type::F32,
            &f32_bytes(20, 8 * tokens.len()),
        )
        .tensor(
            "output_norm.weight",
            &[8],
            ggml_type::F32,
            &f32_bytes(21, 8),
        )
        .build()
}

/// The Keras model's config. The Lambda layer carries a base64 `code` string where
/// Keras would put marshalled bytecode; here it is a plain-text placeholder.
pub const KERAS_CONFIG: &str = r#"{"module": "keras", "class_name": "Sequential", "config": {"name": "sentiment", "trainable": true, "dtype": "float32", "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 64], "dtype": "int32", "sparse": false, "name": "tokens"}, "registered_name": null}, {"module": "keras.layers", "class_name": "Embedding", "config": {"name": "embedding", "trainable": true, "dtype": "float32", "input_dim": 5000, "output_dim": 16, "mask_zero": false}, "registered_name": null, "build_config": {"input_shape": [null, 64]}}, {"module": "keras.layers", "class_name": "GlobalAveragePooling1D", "config": {"name": "pool", "trainable": true, "dtype": "float32", "data_format": "channels_last", "keepdims": false}, "registered_name": null}, {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "normalise", "trainable": true, "dtype": "float32", "function": {"class_name": "__lambda__", "config": {"code": "YWlzcG0gZGVtbyBwbGFjZWhvbGRlcjogc3RhbmRzIHdoZXJlIG1hcnNoYWxsZWQgYnl0ZWNvZGUgd291bGQgYmU7IG5vdCByZWFsIGJ5dGVjb2Rl", "defaults": null, "closure": null}}, "output_shape": null, "arguments": {}}, "registered_name": null}, {"module": "keras.layers", "class_name": "Dense", "config": {"name": "sentiment", "trainable": true, "dtype": "float32", "units": 1, "activation": "sigmoid", "use_bias": true}, "registered_name": null, "build_config": {"input_shape": [null, 16]}}], "build_input_shape": [null, 64]}, "registered_name": null, "compile_config": {"optimizer": "adam", "loss": "binary_crossentropy", "metrics": ["accuracy"]}}"#;

/// `config.json` of the cached tiny BERT (the blob the snapshot's `config.json` links to).
pub const TINY_BERT_CONFIG: &str = r#"{
  "architectures": [
    "BertModel"
  ],
  "hidden_size": 4,
  "intermediate_size": 8,
  "max_position_embeddings": 16,
  "model_type": "bert",
  "num_attention_heads": 1,
  "num_hidden_layers": 1,
  "torch_dtype": "float32",
  "transformers_version": "4.44.2",
  "vocab_size": 16
}
"#;

fn tiny_bert_safetensors() -> Vec<u8> {
    safetensors(
        &[
            (
                "embeddings.word_embeddings.weight",
                "F32",
                &[16, 4],
                &f32_bytes(30, 64),
            ),
            ("pooler.dense.bias", "F32", &[4], &f32_bytes(31, 4)),
            ("pooler.dense.weight", "F32", &[4, 4], &f32_bytes(32, 16)),
        ],
        Some(&pt_metadata()),
    )
}

/// Git's blob id (SHA-1 of `blob <len>\0<content>`): the hub cache names non-LFS blobs
/// by it, and LFS blobs by the SHA-256 of their content.
fn git_blob_id(content: &[u8]) -> String {
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", content.len()).as_bytes());
    h.update(content);
    hex::encode(h.finalize())
}

/// The commit the demo cache's `refs/main` points at (a fixed, made-up id).
pub fn tiny_bert_commit() -> String {
    hex::encode(sha1::Sha1::digest(b"aispm demo-org/tiny-bert snapshot"))
}

/// The experiment-tracking key of the demo's training configuration: 40 hex digits
/// from a fixed seed, in the Weights & Biases format. Fake, never issued.
fn demo_wandb_key() -> String {
    let mut rng = SplitMix64::new(0x5ec2_e7de_3001);
    (0..40)
        .map(|_| char::from(b"0123456789abcdef"[rng.below(16) as usize]))
        .collect()
}

/// `training/config.yaml`: one leaked AI platform key (the W&B key, inline) and one
/// placeholder that must not be reported (the Hugging Face token). Generated so that
/// the key is reproducible and the repository holds it only in this one file.
pub fn training_config() -> String {
    format!(
        "# Fine-tuning run of the ticket router.\n\
base_model: distilbert-base-uncased\n\
epochs: 3\n\
learning_rate: 5.0e-5\n\
tracking:\n\
\x20 backend: wandb\n\
\x20 project: ticket-router\n\
\x20 wandb_api_key: {}\n\
hub:\n\
\x20 push_to_hub: false\n\
\x20 hf_token: \"<your-hf-token>\"\n",
        demo_wandb_key()
    )
}

/// Every generated entry, relative to the estate root, in a fixed order.
pub fn demo_entries() -> Vec<(String, DemoEntry)> {
    use DemoEntry::{File, Symlink};
    let vectors = f32_bytes(40, 20 * 8);
    let bert = tiny_bert_safetensors();
    let bert_sha = hex::encode(sha2::Sha256::digest(&bert));
    let config_id = git_blob_id(TINY_BERT_CONFIG.as_bytes());
    let commit = tiny_bert_commit();
    let repo = HF_REPO_DIR;
    vec![
        (
            "models/classifier/model.safetensors".into(),
            File(classifier_safetensors()),
        ),
        (
            "models/legacy/checkpoint.pt".into(),
            File(legacy_checkpoint()),
        ),
        (
            "models/legacy/untrusted_download.pkl".into(),
            File(malicious_os_system_pickle(DEMO_PAYLOAD)),
        ),
        ("models/llm/tiny-chat.gguf".into(), File(tiny_chat_gguf())),
        (
            "training/config.yaml".into(),
            File(training_config().into_bytes()),
        ),
        (
            "models/llm/community-chat.gguf".into(),
            File(community_chat_gguf()),
        ),
        (
            "models/onnx/exfil.onnx".into(),
            File(onnx_model(
                "pytorch",
                17,
                &[("MatMul", ""), ("Softmax", "")],
                Some("../../../../etc/passwd"),
            )),
        ),
        (
            "models/embeddings/vectors.npy".into(),
            File(npy("<f4", &[20, 8], &vectors)),
        ),
        (
            "models/onnx/classifier.onnx".into(),
            File(onnx_model(
                "pytorch",
                17,
                &[("MatMul", ""), ("Relu", ""), ("Softmax", "")],
                None,
            )),
        ),
        (
            "models/keras/sentiment.keras".into(),
            File(keras_zip(KERAS_CONFIG)),
        ),
        (
            format!("{repo}/refs/main"),
            File(commit.clone().into_bytes()),
        ),
        (format!("{repo}/blobs/{bert_sha}"), File(bert)),
        (
            format!("{repo}/blobs/{config_id}"),
            File(TINY_BERT_CONFIG.as_bytes().to_vec()),
        ),
        (
            format!("{repo}/snapshots/{commit}/model.safetensors"),
            Symlink(format!("../../blobs/{bert_sha}")),
        ),
        (
            format!("{repo}/snapshots/{commit}/config.json"),
            Symlink(format!("../../blobs/{config_id}")),
        ),
    ]
}

/// Writes every generated entry under `root` (creating folders, replacing what is
/// there) and returns their relative paths.
pub fn write_demo_estate(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (rel, entry) in demo_entries() {
        let path = root.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match entry {
            DemoEntry::File(bytes) => {
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    std::fs::remove_file(&path)?;
                }
                std::fs::write(&path, bytes)?;
            }
            DemoEntry::Symlink(target) => {
                if std::fs::symlink_metadata(&path).is_ok() {
                    std::fs::remove_file(&path)?;
                }
                make_symlink(&target, &path)?;
            }
        }
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

#[cfg(unix)]
fn make_symlink(target: &str, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

/// Without Unix symlinks the link becomes a copy of its target, which is what a hub
/// cache on a filesystem without symlinks holds too.
#[cfg(not(unix))]
fn make_symlink(target: &str, link: &Path) -> io::Result<()> {
    let source = link.parent().unwrap_or(Path::new(".")).join(target);
    std::fs::copy(source, link).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_deterministic_and_blob_names_match_content() {
        let a = demo_entries();
        assert_eq!(a, demo_entries());
        for (rel, entry) in &a {
            if let (Some(name), DemoEntry::File(bytes)) = (rel.split("/blobs/").nth(1), entry) {
                let sha256 = hex::encode(sha2::Sha256::digest(bytes));
                assert!(name == sha256 || name == git_blob_id(bytes), "{rel}");
            }
        }
        assert_eq!(tiny_bert_commit().len(), 40);
        // `git hash-object` of "hello\n".
        assert_eq!(
            git_blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }

    #[test]
    fn keras_config_is_valid_json() {
        let v: serde_json::Value = serde_json::from_str(KERAS_CONFIG).unwrap();
        assert_eq!(v["class_name"], "Sequential");
        let _: serde_json::Value = serde_json::from_str(TINY_BERT_CONFIG).unwrap();
    }
}

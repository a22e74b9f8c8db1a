//! The demo estate's models carry what their configs and model cards say, and the
//! report is the same with one worker thread or two.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-estate")
}

fn scan(threads: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_aispm"))
        .arg("scan")
        .arg(demo())
        .args(["--format", "json", "--quiet", "--threads", threads])
        .output()
        .unwrap();
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["scan"]["started_at"] = Value::Null;
    v["scan"]["duration_ms"] = Value::Null;
    v
}

#[test]
fn demo_models_are_enriched_the_same_way_on_any_thread_count() {
    let one = scan("1");
    assert_eq!(one, scan("2"));
    let assets = one["assets"].as_array().unwrap();
    let model = |p: &str| {
        assets
            .iter()
            .find(|a| a["kind"] == "model" && a["path"] == p)
            .unwrap_or_else(|| panic!("no model at {p}"))
    };
    let id_of = |kind: &str, p: &str| {
        assets
            .iter()
            .find(|a| a["kind"] == kind && a["path"] == p)
            .unwrap()["id"]
            .clone()
    };

    let classifier = &model("models/classifier/model.safetensors")["properties"];
    assert_eq!(classifier["license"], "apache-2.0");
    assert_eq!(
        classifier["architecture"],
        "DistilBertForSequenceClassification"
    );
    assert_eq!(classifier["framework"], "transformers");
    assert_eq!(classifier["has_model_card"], true);
    let by = classifier["described_by"].as_array().unwrap();
    assert!(by.contains(&id_of("model-card", "models/classifier/README.md")));
    assert!(by.contains(&id_of("model-config", "models/classifier/config.json")));

    // The cached model's blob is named by its snapshot and described by the config blob.
    let cached = assets
        .iter()
        .find(|a| a["kind"] == "model" && a["properties"]["hf_repo"] == "demo-org/tiny-bert")
        .unwrap();
    let p = &cached["properties"];
    assert_eq!(p["snapshot_file"], "model.safetensors");
    assert_eq!(p["architecture"], "BertModel");
    assert_eq!(p["revision"].as_str().unwrap().len(), 40);

    // Models without a card say so; nothing is invented for them.
    let gguf = &model("models/llm/tiny-chat.gguf")["properties"];
    assert_eq!(gguf["has_model_card"], false);
    assert!(gguf.get("described_by").is_none());
}

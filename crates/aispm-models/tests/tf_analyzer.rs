//! The TensorFlow analyzer on SavedModels written to disk, including Keras layer
//! metadata carried by the object graph and `keras_metadata.pb`.

use aispm_engine::{ScanOptions, Scanner};
use aispm_fixtures::protobuf::Message;
use std::path::Path;

fn findings(root: &Path) -> Vec<(String, String, String)> {
    let scanner = Scanner::new(aispm_models::analyzers(), ScanOptions::default()).unwrap();
    let report = scanner.scan(&[root.to_path_buf()], None);
    report
        .findings
        .iter()
        .map(|f| (f.rule_id.clone(), f.path.clone(), f.severity.to_string()))
        .collect()
}

fn node(name: &str, op: &str) -> Message {
    let mut n = Message::new();
    n.string(1, name).string(2, op);
    n
}

fn saved_model(ops: &[&str], keras_meta: Option<&str>) -> Vec<u8> {
    let mut g = Message::new();
    for (i, op) in ops.iter().enumerate() {
        g.message(1, &node(&format!("n{i}"), op));
    }
    let mut mg = Message::new();
    mg.message(2, &g);
    if let Some(meta) = keras_meta {
        let mut user = Message::new();
        user.string(1, "_tf_keras_layer").string(3, meta);
        let mut obj = Message::new();
        obj.message(4, &user);
        let mut og = Message::new();
        og.message(1, &obj);
        mg.message(7, &og);
    }
    let mut sm = Message::new();
    sm.int(1, 1).message(2, &mg);
    sm.encode()
}

#[test]
fn saver_ops_are_not_reported_and_file_ops_are() {
    let dir = tempfile::tempdir().unwrap();
    for (name, ops) in [
        (
            "benign",
            vec![
                "Const",
                "SaveV2",
                "RestoreV2",
                "MergeV2Checkpoints",
                "Identity",
            ],
        ),
        ("reader", vec!["Const", "ReadFile", "Identity"]),
        ("python", vec!["Const", "PyFuncStateless"]),
    ] {
        std::fs::create_dir_all(dir.path().join(name)).unwrap();
        std::fs::write(
            dir.path().join(name).join("saved_model.pb"),
            saved_model(&ops, None),
        )
        .unwrap();
    }
    let f = findings(dir.path());
    assert!(!f.iter().any(|(_, p, _)| p.starts_with("benign/")), "{f:?}");
    assert!(
        f.iter()
            .any(|(r, p, s)| r == "MDL031" && p.starts_with("reader/") && s == "high")
    );
    assert!(
        f.iter()
            .any(|(r, p, s)| r == "MDL030" && p.starts_with("python/") && s == "critical")
    );
}

#[test]
fn keras_metadata_in_the_object_graph_and_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let lambda = r#"{"class_name": "Lambda", "config": {"name": "l", "function": "lambda x: __import__('os').system('id')", "function_type": "lambda"}}"#;
    std::fs::write(
        dir.path().join("saved_model.pb"),
        saved_model(&["Const"], Some(lambda)),
    )
    .unwrap();
    let mut node = Message::new();
    node.int(2, 1)
        .string(3, "root.layer-1")
        .string(4, "_tf_keras_layer")
        .string(5, lambda);
    let mut meta = Message::new();
    meta.message(1, &node);
    std::fs::write(dir.path().join("keras_metadata.pb"), meta.encode()).unwrap();
    let f = findings(dir.path());
    assert!(
        f.iter()
            .any(|(r, p, _)| r == "MDL020" && p == "saved_model.pb"),
        "{f:?}"
    );
    assert!(
        f.iter()
            .any(|(r, p, _)| r == "MDL020" && p == "keras_metadata.pb"),
        "{f:?}"
    );
}

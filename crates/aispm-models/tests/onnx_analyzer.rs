//! The ONNX analyzer on models written to disk: external data resolved through
//! symbolic links, archive members, and hostile bytes.

use aispm_engine::{ScanOptions, Scanner};
use std::path::Path;

fn findings(root: &Path) -> Vec<(String, String)> {
    let scanner = Scanner::new(aispm_models::analyzers(), ScanOptions::default()).unwrap();
    let report = scanner.scan(&[root.to_path_buf()], None);
    report
        .findings
        .iter()
        .map(|f| (f.rule_id.clone(), f.path.clone()))
        .collect()
}

#[cfg(unix)]
#[test]
fn external_data_through_a_symlink_leaving_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let model_dir = dir.path().join("model");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&model_dir).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.bin"), [0u8; 16]).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.bin"), model_dir.join("weights.bin")).unwrap();
    std::fs::write(
        model_dir.join("linked.onnx"),
        aispm_fixtures::onnx_model("t", 17, &[("MatMul", "")], Some("weights.bin")),
    )
    .unwrap();
    std::fs::write(model_dir.join("local.bin"), [0u8; 16]).unwrap();
    std::fs::write(
        model_dir.join("plain.onnx"),
        aispm_fixtures::onnx_model("t", 17, &[("MatMul", "")], Some("local.bin")),
    )
    .unwrap();
    let f = findings(&model_dir);
    assert!(
        f.iter()
            .any(|(r, p)| r == "MDL035" && p.ends_with("linked.onnx")),
        "{f:?}"
    );
    assert!(
        !f.iter()
            .any(|(r, p)| r == "MDL035" && p.ends_with("plain.onnx")),
        "{f:?}"
    );
}

#[test]
fn traversal_inside_an_archive_member() {
    let dir = tempfile::tempdir().unwrap();
    let model = aispm_fixtures::onnx_model("t", 17, &[("MatMul", "")], Some("../../x.bin"));
    std::fs::write(
        dir.path().join("bundle.zip"),
        aispm_fixtures::zip_of(&[("m/model.onnx", &model)]),
    )
    .unwrap();
    let f = findings(dir.path());
    assert!(
        f.iter()
            .any(|(r, p)| r == "MDL035" && p == "bundle.zip!m/model.onnx"),
        "{f:?}"
    );
}

#[test]
fn hostile_bytes_named_onnx_do_not_break_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    // ir_version, then a graph whose length runs far past the file.
    std::fs::write(
        dir.path().join("bad.onnx"),
        [0x08, 0x08, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a],
    )
    .unwrap();
    // A huge packed dims field.
    let mut init = aispm_fixtures::protobuf::Message::new();
    init.bytes(1, &[0xff; 200]);
    let mut g = aispm_fixtures::protobuf::Message::new();
    g.message(5, &init);
    let mut m = aispm_fixtures::protobuf::Message::new();
    m.int(1, 8).message(7, &g);
    std::fs::write(dir.path().join("dims.onnx"), m.encode()).unwrap();
    let _ = findings(dir.path());
}

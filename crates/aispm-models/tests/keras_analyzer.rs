//! The Keras analyzer on models written to disk: Keras 3 archives (also nested in
//! other archives), Keras 2 HDF5 files with a user block, nested models and
//! wrappers, and hostile HDF5 bytes.

use aispm_engine::{ScanOptions, Scanner};
use aispm_fixtures::model_fixtures::keras_tensorflow_onnx::{base64, fake_code_object, keras2_h5};
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

fn lambda(names: &[&str]) -> String {
    format!(
        r#"{{"module": "keras.layers", "class_name": "Lambda", "config": {{"name": "inner_lambda", "function": {{"class_name": "__lambda__", "config": {{"code": "{}"}}}}}}}}"#,
        base64(&fake_code_object(names))
    )
}

#[test]
fn lambda_inside_a_nested_functional_model_inside_bidirectional() {
    let cfg = format!(
        r#"{{"module": "keras", "class_name": "Functional", "config": {{"name": "outer", "layers": [
            {{"module": "keras.layers", "class_name": "Bidirectional", "config": {{"name": "bi", "layer":
                {{"module": "keras", "class_name": "Sequential", "config": {{"name": "inner", "layers": [{}]}}}}}}}}]}}}}"#,
        lambda(&["subprocess", "check_output"])
    );
    let dir = tempfile::tempdir().unwrap();
    let keras = aispm_fixtures::keras_zip(&cfg);
    std::fs::write(dir.path().join("m.keras"), &keras).unwrap();
    std::fs::write(
        dir.path().join("bundle.zip"),
        aispm_fixtures::zip_of(&[("models/m.keras", &keras)]),
    )
    .unwrap();
    let f = findings(dir.path());
    assert!(f.contains(&("MDL020".into(), "m.keras".into())), "{f:?}");
    assert!(
        f.contains(&("MDL020".into(), "bundle.zip!models/m.keras".into())),
        "{f:?}"
    );
}

#[test]
fn hdf5_with_a_user_block() {
    let cfg = r#"{"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "l", "function": ["AAAA", null, null], "function_type": "lambda"}}]}}"#;
    let h5 = keras2_h5(&[("model_config", cfg)]);
    // A 512-byte user block moves the superblock; addresses stay relative to it.
    let mut shifted = vec![0u8; 512];
    shifted.extend_from_slice(&h5);
    shifted[512 + 24..512 + 32].copy_from_slice(&512u64.to_le_bytes());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plain.h5"), &h5).unwrap();
    std::fs::write(dir.path().join("user_block.h5"), &shifted).unwrap();
    let f = findings(dir.path());
    assert!(f.contains(&("MDL021".into(), "plain.h5".into())), "{f:?}");
    assert!(
        f.contains(&("MDL021".into(), "user_block.h5".into())),
        "{f:?}"
    );
}

#[test]
fn broken_hdf5_falls_back_to_the_config_bytes() {
    let cfg = r#"{"class_name": "Sequential", "config": {"layers": [{"module": "subprocess", "class_name": "Popen", "config": {}}]}}"#;
    let mut h5 = keras2_h5(&[("model_config", cfg)]);
    // Break the root object header address.
    h5[64..72].copy_from_slice(&0xFFFF_FFFFu64.to_le_bytes());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.h5"), &h5).unwrap();
    let f = findings(dir.path());
    assert!(f.contains(&("MDL022".into(), "broken.h5".into())), "{f:?}");
}

#[test]
fn hostile_hdf5_bytes_do_not_break_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = b"\x89HDF\r\n\x1a\n".to_vec();
    b.extend_from_slice(&[2, 8, 8, 0]);
    b.extend_from_slice(&[0xff; 64]);
    std::fs::write(dir.path().join("a.h5"), &b).unwrap();
    let mut c = keras2_h5(&[("model_config", "{}")]);
    // A continuation message pointing at itself.
    c[0x70..0x72].copy_from_slice(&0x10u16.to_le_bytes());
    std::fs::write(dir.path().join("b.h5"), &c).unwrap();
    let _ = findings(dir.path());
}

#[test]
fn config_with_a_bad_checksum_is_still_checked() {
    let cfg = format!(
        r#"{{"module": "keras", "class_name": "Sequential", "config": {{"name": "s", "layers": [{}]}}}}"#,
        lambda(&["os", "system"])
    );
    let mut z = aispm_fixtures::keras_zip(&cfg);
    // Flip the CRC-32 of config.json in its local header and central directory entry.
    for i in 0..z.len().saturating_sub(64) {
        if z[i..].starts_with(b"PK\x03\x04") && z[i + 30..].starts_with(b"config.json") {
            z[i + 14] ^= 0xff;
        }
        if z[i..].starts_with(b"PK\x01\x02") && z[i + 46..].starts_with(b"config.json") {
            z[i + 16] ^= 0xff;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("crc.keras"), &z).unwrap();
    let f = findings(dir.path());
    assert!(f.contains(&("MDL020".into(), "crc.keras".into())), "{f:?}");
}

/// A config of small objects costs hundreds of bytes per object once parsed: past the
/// parser's budget (256 MiB, some 380,000 one-entry objects) it is reported, not parsed.
#[test]
fn object_dense_config_is_reported_unparsed() {
    let cfg = format!(
        r#"{{"class_name": "Sequential", "config": {{"layers": [{}0]}}}}"#,
        r#"{"a":0},"#.repeat(400_000)
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dense.h5"),
        keras2_h5(&[("model_config", &cfg)]),
    )
    .unwrap();
    let f = findings(dir.path());
    assert!(f.contains(&("MDL025".into(), "dense.h5".into())), "{f:?}");
}

/// The fallback search finds a config's end without building its tree: an
/// object-dense config in unstructured HDF5 bytes is reported, not parsed.
#[test]
fn object_dense_config_in_the_fallback_bytes_is_reported_unparsed() {
    let cfg = format!(
        r#"{{"class_name": "Sequential", "config": {{"layers": [{}0]}}}}"#,
        r#"{"a":0},"#.repeat(400_000)
    );
    let mut h5 = b"\x89HDF\r\n\x1a\n".to_vec();
    h5.extend_from_slice(&[0xff; 64]);
    h5.extend_from_slice(cfg.as_bytes());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.h5"), &h5).unwrap();
    let f = findings(dir.path());
    assert!(f.contains(&("MDL025".into(), "broken.h5".into())), "{f:?}");
}

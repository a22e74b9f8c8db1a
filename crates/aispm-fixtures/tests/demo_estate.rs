//! The committed binary files of `examples/demo-estate` must be exactly what the
//! generator writes today: regenerate into a temporary folder and compare byte for
//! byte (and link target for link target).

use std::path::{Path, PathBuf};

use aispm_fixtures::demo::{DemoEntry, demo_entries, write_demo_estate};

fn estate_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-estate")
}

#[test]
fn committed_demo_binaries_match_the_generator() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let written = write_demo_estate(tmp.path()).expect("generate demo estate");
    assert_eq!(written.len(), demo_entries().len());
    let root = estate_root();
    let hint = "regenerate with `cargo run -p aispm-fixtures -- demo examples/demo-estate`";
    for rel in written {
        let fresh = tmp.path().join(&rel);
        let committed = root.join(&rel);
        let fresh_meta = std::fs::symlink_metadata(&fresh).expect("fresh entry");
        let committed_meta = std::fs::symlink_metadata(&committed)
            .unwrap_or_else(|e| panic!("{}: {e}; {hint}", rel.display()));
        if fresh_meta.file_type().is_symlink() {
            assert!(
                committed_meta.file_type().is_symlink(),
                "{} should be a symlink; {hint}",
                rel.display()
            );
            assert_eq!(
                std::fs::read_link(&fresh).unwrap(),
                std::fs::read_link(&committed).unwrap(),
                "{}: link target differs; {hint}",
                rel.display()
            );
        } else {
            let a = std::fs::read(&fresh).unwrap();
            let b = std::fs::read(&committed).unwrap();
            assert!(
                a == b,
                "{} differs from the generator; {hint}",
                rel.display()
            );
        }
    }
}

#[test]
fn generation_is_idempotent() {
    let tmp = tempfile::tempdir().expect("temp dir");
    write_demo_estate(tmp.path()).unwrap();
    let first: Vec<_> = demo_entries();
    // Writing over an existing estate (files and links already present) must work
    // and leave the same content.
    write_demo_estate(tmp.path()).unwrap();
    for (rel, entry) in first {
        let path = tmp.path().join(&rel);
        match entry {
            DemoEntry::File(bytes) => assert_eq!(std::fs::read(&path).unwrap(), bytes, "{rel}"),
            DemoEntry::Symlink(target) => {
                assert_eq!(
                    std::fs::read_link(&path).unwrap(),
                    PathBuf::from(target),
                    "{rel}"
                )
            }
        }
    }
}

#[test]
fn hub_cache_snapshot_links_resolve_to_blobs() {
    let tmp = tempfile::tempdir().expect("temp dir");
    write_demo_estate(tmp.path()).unwrap();
    let repo = tmp.path().join(aispm_fixtures::demo::HF_REPO_DIR);
    let commit = std::fs::read_to_string(repo.join("refs/main")).unwrap();
    assert_eq!(commit.len(), 40);
    let snapshot = repo.join("snapshots").join(&commit);
    let weights = std::fs::read(snapshot.join("model.safetensors")).unwrap();
    let header_len = u64::from_le_bytes(weights[..8].try_into().unwrap()) as usize;
    assert!(weights[8..8 + header_len].starts_with(b"{\"__metadata__\""));
    let config = std::fs::read_to_string(snapshot.join("config.json")).unwrap();
    assert!(config.contains("\"model_type\": \"bert\""));
}

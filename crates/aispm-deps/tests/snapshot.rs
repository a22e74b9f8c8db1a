//! The bundled advisory snapshot: it loads, it is what the generator writes from the
//! PyPA advisory database checkout (when `../shared/advisories` is present), and it
//! keeps facts only.

use aispm_deps::db::AdvisoryDb;
use aispm_deps::osv::Ecosystem;
use std::path::{Path, PathBuf};

fn shared_source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/advisories/pypa-vulns")
}

#[test]
fn bundled_snapshot_loads_with_its_provenance() {
    let bytes = AdvisoryDb::bundled_bytes();
    let started = std::time::Instant::now();
    let db = AdvisoryDb::read(bytes, true).expect("bundled snapshot loads");
    let elapsed = started.elapsed();
    println!(
        "bundled snapshot: {} bytes compressed, {} bytes of text, {} advisories, {} packages, parsed in {elapsed:?} (this build's profile)",
        bytes.len(),
        db.to_text().len(),
        db.meta.advisories,
        db.package_count()
    );
    assert!(db.meta.advisories > 2000);
    assert!(db.package_count() > 500);
    assert_eq!(db.meta.advisories, db.advisories().len());
    assert_eq!(db.meta.license.as_deref(), Some("CC-BY-4.0"));
    assert!(db.meta.source.contains("pypa/advisory-database"));
    assert!(
        db.meta
            .source_commit
            .as_deref()
            .is_some_and(|c| c.len() == 40)
    );
    assert_eq!(db.meta.date.len(), 10);
    assert!(db.has_ecosystem(Ecosystem::PyPI));
    // The lazily loaded copy is the same.
    assert_eq!(AdvisoryDb::bundled().meta, db.meta);
}

#[test]
fn snapshot_keeps_facts_not_prose() {
    let text = AdvisoryDb::bundled().to_text();
    for prose in [
        "\"details\"",
        "\"summary\"",
        "\"published\"",
        "\"credits\"",
        "\"GIT\"",
    ] {
        assert!(!text.contains(prose), "{prose} found in the snapshot");
    }
    for fact in [
        "\"aliases\"",
        "\"fixed\"",
        "\"introduced\"",
        "\"references\"",
        "\"CVSS_V3\"",
    ] {
        assert!(text.contains(fact), "{fact} missing from the snapshot");
    }
}

#[test]
fn snapshot_matches_the_generator_output() {
    let src = shared_source();
    if !src.is_dir() {
        println!("skipped: {} not present", src.display());
        return;
    }
    let committed = AdvisoryDb::bundled();
    let (fresh, stats) = aispm_deps::snapshot::build(
        &src,
        committed.meta.source_commit.clone(),
        committed.meta.date.clone(),
    )
    .unwrap();
    assert_eq!(stats.failed, 0, "{:?}", stats.failures);
    assert!(
        fresh.to_text() == committed.to_text(),
        "regenerate with `cargo run -p aispm-deps --example snapshot -- ../shared/advisories/pypa-vulns crates/aispm-deps/data/pypa-advisories.osv.jsonl.gz`"
    );
}

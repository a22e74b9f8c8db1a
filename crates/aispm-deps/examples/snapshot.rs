//! Builds the bundled advisory snapshot from a checkout of the PyPA advisory database
//! (OSV records in YAML, CC-BY 4.0):
//!
//! ```sh
//! cargo run -p aispm-deps --example snapshot -- ../shared/advisories/pypa-vulns \
//!     crates/aispm-deps/data/pypa-advisories.osv.jsonl.gz --commit <sha> --date <YYYY-MM-DD>
//! ```
//!
//! `--commit` and `--date` default to the values in the snapshot committed today, so
//! rebuilding from the same checkout gives the same records (a test checks that).

use aispm_deps::snapshot;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let current = aispm_deps::db::AdvisoryDb::bundled();
    let mut commit = current.meta.source_commit.clone();
    let mut date = current.meta.date.clone();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--commit" => commit = args.next(),
            "--date" => date = args.next().unwrap_or_default(),
            _ => positional.push(PathBuf::from(a)),
        }
    }
    let [input, output] = positional.as_slice() else {
        eprintln!(
            "usage: snapshot <pypa-vulns folder> <output .osv.jsonl.gz> [--commit SHA] [--date YYYY-MM-DD]"
        );
        return ExitCode::from(2);
    };
    let started = std::time::Instant::now();
    let (db, stats) = match snapshot::build(input, commit, date) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = db.save(output) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    let size = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    println!(
        "{} files read; {} advisories kept ({} packages), {} withdrawn, {} other ecosystems, {} failed; {} bytes compressed, {} bytes of text; {:?}",
        stats.files_read,
        db.meta.advisories,
        db.package_count(),
        stats.withdrawn,
        stats.other_ecosystems,
        stats.failed,
        size,
        db.to_text().len(),
        started.elapsed()
    );
    for f in &stats.failures {
        println!("  failed: {f}");
    }
    ExitCode::SUCCESS
}

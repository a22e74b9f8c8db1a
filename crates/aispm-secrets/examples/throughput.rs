//! Throughput of the secret scan alone (no walk parallelism, no other analyzer):
//! `cargo run --release -p aispm-secrets --example throughput -- DIR`.
//! Reads every file under DIR into memory first, then times `scan_bytes` over all.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: throughput DIR");
    let mut paths = Vec::new();
    files(Path::new(&dir), &mut paths);
    let data: Vec<(String, Vec<u8>)> = paths
        .iter()
        .filter_map(|p| Some((p.to_string_lossy().into_owned(), std::fs::read(p).ok()?)))
        .collect();
    let bytes: usize = data.iter().map(|(_, d)| d.len()).sum();
    let scanner = aispm_secrets::scanner();
    let t = Instant::now();
    let hits: usize = data.iter().map(|(_, d)| scanner.keyword_hits(d)).sum();
    let pre = t.elapsed().as_secs_f64();
    println!(
        "prefilter alone: {hits} keyword hits, {pre:.2} s, {:.0} MB/s",
        bytes as f64 / 1e6 / pre
    );
    let t = Instant::now();
    let found: usize = data
        .iter()
        .map(|(p, d)| aispm_secrets::scan_bytes(p, d).len())
        .sum();
    let s = t.elapsed().as_secs_f64();
    println!(
        "{} files, {:.1} MB, {found} detections, {s:.2} s, {:.0} MB/s on one core",
        data.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / s
    );
}

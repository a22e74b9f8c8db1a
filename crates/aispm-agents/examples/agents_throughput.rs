//! Throughput of the agents analyzer on a tree of text files, in MB/s, without the
//! engine's walk: `cargo run --release -p aispm-agents --example agents_throughput -- DIR`.
//! Every file under DIR up to the analyzer's size cap is read into memory first, then
//! analysed once; only the analysis is timed (with the scoring of scripts the analyzer
//! keeps for skills after the walk; `THROUGHPUT_PARTS=1` times each part alone).

use aispm_agents::analyze_text;
use aispm_core::{AnalysisContext, FileKind};
use aispm_formats::{injection, unicode};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            if p.file_name().is_some_and(|n| n != ".git") {
                walk(&p, out);
            }
        } else if t.is_file() {
            out.push(p);
        }
    }
}

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: throughput DIR [EXT,EXT…]");
        std::process::exit(2);
    };
    let exts: Option<Vec<String>> = std::env::args()
        .nth(2)
        .map(|s| s.split(',').map(str::to_string).collect());
    let mut paths = Vec::new();
    walk(Path::new(&root), &mut paths);
    paths.sort();
    let mut files: Vec<(String, String, String)> = Vec::new();
    for p in paths {
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if exts.as_ref().is_some_and(|x| !x.contains(&ext)) {
            continue;
        }
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        if bytes.len() as u64 > aispm_agents::MAX_FILE_SIZE || bytes.contains(&0) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        files.push((p.display().to_string(), ext, text));
    }
    let total: usize = files.iter().map(|f| f.2.len()).sum();
    let start = Instant::now();
    let mut findings = 0usize;
    let mut scored = 0usize;
    for (path, ext, text) in &files {
        let kind = match ext.as_str() {
            "md" | "mdx" | "markdown" => FileKind::Markdown,
            "json" => FileKind::Json,
            "yaml" | "yml" => FileKind::Yaml,
            _ => FileKind::Text,
        };
        let mut cx = AnalysisContext::new(None, 0);
        // As the analyzer does: every script is scored for the skill step after the walk.
        let head = &text.as_bytes()[..text.len().min(aispm_core::HEAD_LEN)];
        if let Some(r) = aispm_agents::skill::script_record(path, head, text, &mut cx) {
            scored += usize::from(r.verdict.is_some());
        }
        let _ = analyze_text(path, ext, kind, text, &mut cx);
        findings += cx.findings.len();
    }
    let secs = start.elapsed().as_secs_f64();
    if std::env::var_os("THROUGHPUT_PARTS").is_some() {
        for part in ["unicode", "inject", "prompt", "scripts"] {
            let t = Instant::now();
            for (path, ext, text) in &files {
                let mut cx = AnalysisContext::new(None, 0);
                // The two text detectors alone (aispm-formats), without making findings.
                let _ =
                    match part {
                        "unicode" => {
                            let mut found = Vec::new();
                            let _ =
                                unicode::scan_text(text, false, &mut found, || Ok::<(), ()>(()));
                            Ok::<(), aispm_core::AnalysisError>(())
                        }
                        "inject" => {
                            let mut found = Vec::new();
                            let kind = injection::DocumentKind::of_extension(ext);
                            let _ = injection::scan_document(text, kind, 4, &mut found, || {
                                Ok::<(), ()>(())
                            });
                            Ok(())
                        }
                        "scripts" => {
                            let head = &text.as_bytes()[..text.len().min(aispm_core::HEAD_LEN)];
                            aispm_agents::skill::script_record(path, head, text, &mut cx);
                            Ok(())
                        }
                        _ => {
                            aispm_agents::inventory::prompt_file(path, ext, text, &mut cx);
                            Ok(())
                        }
                    };
            }
            println!("{part}: {:.2} s", t.elapsed().as_secs_f64());
        }
    }
    println!(
        "{} files, {:.1} MB in {:.2} s: {:.1} MB/s, {} findings, {} scripts scored as harmful",
        files.len(),
        total as f64 / 1e6,
        secs,
        total as f64 / 1e6 / secs,
        findings,
        scored
    );
}

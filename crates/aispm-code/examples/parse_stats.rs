//! Parses every source file under a folder and prints bytes, files with syntax errors,
//! and time spent parsing versus analysing (a profiling aid for the source analyzer).

use aispm_code::lang::Lang;
use std::path::Path;
use std::time::{Duration, Instant};

fn visit(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            visit(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let root = std::env::args().nth(1).expect("usage: parse_stats DIR");
    let mut files = Vec::new();
    visit(Path::new(&root), &mut files);
    let (mut bytes, mut parsed, mut errors, mut skipped) = (0usize, 0usize, 0usize, 0usize);
    let (mut t_parse, mut t_all) = (Duration::ZERO, Duration::ZERO);
    for f in files {
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        let Some(lang) = Lang::from_extension(ext) else {
            continue;
        };
        let Ok(src) = std::fs::read_to_string(&f) else {
            continue;
        };
        bytes += src.len();
        if !aispm_code::worth_parsing(src.as_bytes()) {
            skipped += 1;
            continue;
        }
        parsed += 1;
        let t = Instant::now();
        let tree = lang.parse(&src).expect("parses");
        t_parse += t.elapsed();
        if tree.root_node().has_error() {
            errors += 1;
        }
        let t = Instant::now();
        let _ = aispm_code::flow::analyze(&src, lang);
        t_all += t.elapsed();
    }
    println!(
        "{bytes} bytes, {parsed} parsed, {skipped} skipped by the prefilter, {errors} with syntax errors; parse {:.2?}, parse+analysis {:.2?}",
        t_parse, t_all
    );
}

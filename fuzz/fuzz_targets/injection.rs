//! The prompt-injection detector of `aispm-formats` (`injection::scan_document` and
//! `injection::score`), driven directly: the first byte picks how the document is
//! read (0 Markdown, 1 plain text, 2 CSV, 3 JSON Lines, 4 HTML), the rest is the text
//! (invalid UTF-8 replaced, as the agents analyzer reads it).
#![no_main]

use aispm_formats::injection::{DocumentKind, TICK_LINES, scan_document, score};
use libfuzzer_sys::fuzz_target;

const EXTENSIONS: [&str; 5] = ["md", "txt", "csv", "jsonl", "html"];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let ext = EXTENSIONS[usize::from(mode) % EXTENSIONS.len()];
    let text = String::from_utf8_lossy(rest);
    let kind = DocumentKind::of_extension(ext);
    let mut found = Vec::new();
    let mut ticks = 0usize;
    let scan = scan_document(&text, kind, 4, &mut found, || {
        ticks += 1;
        Ok::<(), ()>(())
    })
    .unwrap_or_else(|()| panic!("the tick never fails here"));
    let lines = text.split('\n').count();
    // Every line walked is counted between ticks: at most one tick per TICK_LINES lines.
    assert!(ticks <= lines / TICK_LINES + 1, "{ticks} ticks for {lines} lines");
    assert!(scan.long_lines <= lines);
    let mut last = 0;
    for hit in &found {
        // In line order, each line once, within the document, and an injection.
        assert!(hit.line > last && hit.line as usize <= lines, "line {}", hit.line);
        last = hit.line;
        assert!(hit.score.reaches(4), "{:?}", hit.score);
        assert!(!hit.score.signals.is_empty());
    }
    // A whole text scored at once (a decoded hidden string, a tool result) holds too.
    let whole = score(&text, kind.prose);
    assert!(whole.directive || !whole.reaches(i32::MIN));
});

//! The deceptive-Unicode scanner of `aispm-formats` (`unicode::scan_text`), driven
//! directly: the first byte says whether JSON `\uXXXX` escapes are decoded (odd) or not
//! (even), the rest is the text (invalid UTF-8 replaced).
#![no_main]

use aispm_formats::unicode::{is_bidi_control, is_tag, scan_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut found = Vec::new();
    scan_text(&text, mode & 1 == 1, &mut found, || Ok::<(), ()>(()))
        .unwrap_or_else(|()| panic!("the tick never fails here"));
    let lines = text.split('\n').count();
    let mut last = 0;
    for d in &found {
        // In line order, each line once, within the text, and holding something.
        assert!(d.line > last && d.line as usize <= lines, "line {}", d.line);
        last = d.line;
        assert!(d.tags.is_some() || d.bidi.is_some() || d.zero_width.is_some());
        if let Some(t) = &d.tags {
            assert!(t.count > 0 && t.decoded.chars().count() <= t.count);
        }
        if let Some(b) = &d.bidi {
            assert!(b.controls.iter().all(|&c| is_bidi_control(c)));
            assert!(b.context.chars().count() <= 80);
        }
        if let Some(z) = &d.zero_width {
            assert!(z.total > 0 && z.longest_run <= z.total);
            assert_eq!(z.kinds.iter().map(|k| k.1).sum::<usize>(), z.total);
        }
    }
    // Without escapes, a text no character of which is deceptive has no line.
    if mode & 1 == 0 && !text.chars().any(|c| is_tag(c) || is_bidi_control(c)) {
        assert!(found.iter().all(|d| d.tags.is_none() && d.bidi.is_none()));
    }
});

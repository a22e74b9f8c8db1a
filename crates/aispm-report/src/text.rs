//! Text helpers shared by the writers: making scanned content safe to print on a
//! terminal, truncating on character boundaries, and human-readable numbers.

use aispm_core::{ErrorKind, Severity};
use std::borrow::Cow;
use std::fmt::Write as _;

/// Makes text that came from scanned files (paths, messages, evidence) safe to print
/// on a terminal and keeps it on one line.
///
/// A hostile file name or secret can carry escape sequences that rewrite the screen,
/// or bidirectional overrides that make the shown text differ from the real one
/// ("Trojan Source"). Line breaks and tabs become spaces; every other control or
/// bidi-formatting character is shown as `\u{..}`.
pub(crate) fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escaping) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if needs_escaping(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escaping(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Sanitises and collapses runs of white space into single spaces.
pub(crate) fn one_line(s: &str) -> String {
    sanitize(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters of `s`, ending in `…` when something was cut.
pub(crate) fn truncate_chars(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some(_) => {
            let keep = max.saturating_sub(1);
            let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
            Cow::Owned(format!("{}…", &s[..end]))
        }
    }
}

/// `s` cut in the middle to at most `max` characters, the cut marked with `…`, so
/// that both the start of a path (its folder) and its end (the file and line) stay
/// readable. Unchanged when it fits.
pub(crate) fn truncate_middle(s: &str, max: usize) -> Cow<'_, str> {
    let len = s.chars().count();
    if len <= max {
        return Cow::Borrowed(s);
    }
    if max <= 1 {
        return Cow::Owned("…".repeat(max));
    }
    let keep = max - 1;
    let tail = keep / 2;
    let head = keep - tail;
    let start: String = s.chars().take(head).collect();
    let end: String = s.chars().skip(len - tail).collect();
    Cow::Owned(format!("{start}…{end}"))
}

/// `text` broken into lines of at most `width` characters at white space only. A word
/// longer than `width` stays whole on a line of its own (the terminal folds it; a
/// word is never split by us). Runs of white space collapse to one space.
pub(crate) fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line_len > 0 && line_len + 1 + len > width {
            lines.push(std::mem::take(&mut line));
            line_len = 0;
        }
        if line_len > 0 {
            line.push(' ');
            line_len += 1;
        }
        line.push_str(word);
        line_len += len;
    }
    if line_len > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `1234567` → `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Size in SI units with one decimal: `999 B`, `1.2 kB`, `56.7 MB`.
pub(crate) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["kB", "MB", "GB", "TB", "PB", "EB"];
    if n < 1000 {
        return format!("{n} B");
    }
    // Precision loss above 2^53 bytes is irrelevant at one decimal.
    let mut value = n as f64 / 1000.0;
    let mut unit = 0;
    // 999.96 kB would print as "1000.0 kB"; move to the next unit instead.
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `420` ms → `0.42 s`, rounded to hundredths.
pub(crate) fn seconds(ms: u64) -> String {
    let centis = ms.saturating_add(5) / 10;
    format!("{}.{:02} s", centis / 100, centis % 100)
}

/// `n` and the noun, pluralised with an `s` when `n != 1`.
pub(crate) fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", thousands(n))
    }
}

/// The serialised name of an error kind.
pub(crate) fn error_kind_str(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Io => "io",
        ErrorKind::Walk => "walk",
        ErrorKind::Parse => "parse",
        ErrorKind::Limit => "limit",
        ErrorKind::Unsupported => "unsupported",
        ErrorKind::Symlink => "symlink",
    }
}

/// ANSI escape that starts the colour of a severity.
pub(crate) fn severity_ansi(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "\x1b[1;31m",
        Severity::Medium => "\x1b[1;33m",
        Severity::Low => "\x1b[1;34m",
        Severity::Info => "\x1b[2m",
    }
}

pub(crate) const ANSI_BOLD: &str = "\x1b[1m";
pub(crate) const ANSI_RESET: &str = "\x1b[0m";

/// `text` wrapped in `style` when colour is on, unchanged otherwise.
pub(crate) fn paint(color: bool, style: &str, text: &str) -> String {
    if color {
        format!("{style}{text}{ANSI_RESET}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_removes_terminal_controls() {
        assert!(matches!(sanitize("plain/path.pkl"), Cow::Borrowed(_)));
        assert_eq!(sanitize("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(sanitize("line1\nline2\tx"), "line1 line2 x");
        assert_eq!(sanitize("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(sanitize("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(one_line("  a \n\n b  "), "a b");
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate_chars("abc", 3), "abc");
        assert_eq!(truncate_chars("abcd", 3), "ab…");
        assert_eq!(truncate_chars("ééééé", 4), "ééé…");
        assert_eq!(truncate_chars("日本語のテキスト", 5), "日本語の…");
        assert_eq!(truncate_chars("", 0), "");
        assert_eq!(truncate_chars("x", 0), "…");
        let mixed = "aé日🦀\u{301}b";
        for max in 0..12 {
            let t = truncate_chars(mixed, max);
            assert!(t.chars().count() <= max.max(1), "{max}: {t}");
        }
    }

    #[test]
    fn middle_truncation_keeps_both_ends() {
        assert_eq!(truncate_middle("src/app.py:3", 20), "src/app.py:3");
        assert_eq!(truncate_middle("abcdefghij", 7), "abc…hij");
        assert_eq!(truncate_middle("abcdefghij", 6), "abc…ij");
        assert_eq!(truncate_middle("日本語のテキスト", 5), "日本…スト");
        assert_eq!(truncate_middle("abc", 1), "…");
        assert_eq!(truncate_middle("abc", 0), "");
        for max in 0..12 {
            assert!(
                truncate_middle("aé日🦀\u{301}b/c.py:12", max)
                    .chars()
                    .count()
                    <= max
            );
        }
    }

    #[test]
    fn wrapping_breaks_only_between_words() {
        assert_eq!(
            wrap_words("the pickle imports os.system when loaded", 16),
            ["the pickle", "imports", "os.system when", "loaded"]
        );
        // A word wider than the line is kept whole.
        assert_eq!(
            wrap_words("see https://example.invalid/a/very/long/url now", 10),
            ["see", "https://example.invalid/a/very/long/url", "now"]
        );
        assert_eq!(wrap_words("", 10), [""]);
        assert_eq!(wrap_words("  a \n b  ", 80), ["a b"]);
    }

    #[test]
    fn numbers_are_human() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1000), "1.0 kB");
        assert_eq!(human_bytes(56_700_000), "56.7 MB");
        assert_eq!(human_bytes(999_999), "1.0 MB");
        assert_eq!(human_bytes(u64::MAX), "18.4 EB");
        assert_eq!(seconds(420), "0.42 s");
        assert_eq!(seconds(0), "0.00 s");
        assert_eq!(seconds(12_345), "12.35 s");
        assert_eq!(seconds(999), "1.00 s");
        assert_eq!(count(1, "error"), "1 error");
        assert_eq!(count(0, "error"), "0 errors");
        assert_eq!(count(1234, "file"), "1,234 files");
    }
}

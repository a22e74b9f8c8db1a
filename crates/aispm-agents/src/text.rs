//! Small text helpers shared by the checks: byte offsets to lines, and safe previews
//! of what was found (escaped, truncated) for evidence.

/// A built-in, case-insensitive detection pattern (a bad one is a bug, found by the
/// tests that build every signal).
pub fn re(p: &str) -> regex::Regex {
    regex::RegexBuilder::new(p)
        .case_insensitive(true)
        .size_limit(1 << 22)
        .build()
        .unwrap_or_else(|e| panic!("built-in pattern {p}: {e}"))
}

/// Maps byte offsets of a text to 1-based lines.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        let i = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(i + 1).unwrap_or(u32::MAX)
    }
}

/// Replaces token-like runs (letters, digits and `_-+/=.` with a segment of 16 or more
/// characters mixing letters and digits: keys, tokens, hashes; not package names or
/// paths, whose segments are words) by their first four characters and `…`, so that
/// evidence quoting a document or a description never carries a credential whole.
pub fn mask_tokens(s: &str) -> String {
    fn flush(run: &mut String, out: &mut String) {
        let random = run.split(['/', '.', '-', '_', '=', '+']).any(|seg| {
            seg.len() >= 16
                && seg.bytes().any(|b| b.is_ascii_digit())
                && seg.bytes().any(|b| b.is_ascii_alphabetic())
        });
        if random {
            out.extend(run.chars().take(4));
            out.push('…');
        } else {
            out.push_str(run);
        }
        run.clear();
    }
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '=' | '.') {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A one-line preview: token-like runs masked ([`mask_tokens`]), control and invisible
/// characters escaped as `\u{…}`, whitespace runs collapsed, at most `max` characters.
pub fn preview(s: &str, max: usize) -> String {
    let masked = mask_tokens(s);
    let s = masked.as_str();
    let mut out = String::new();
    let mut n = 0;
    let mut last_space = false;
    for c in s.chars() {
        if n >= max {
            out.push('…');
            break;
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                n += 1;
            }
            last_space = true;
            continue;
        }
        last_space = false;
        if c.is_control() || aispm_formats::unicode::is_invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
        n += 1;
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_previews() {
        let idx = LineIndex::new("a\nbb\n\nc");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(2), 2);
        assert_eq!(idx.line(5), 3);
        assert_eq!(idx.line(6), 4);
        assert_eq!(preview("a\u{202e}b\n\n c", 10), "a\\u{202e}b c");
        assert_eq!(preview("abcdef", 3), "abc…");
        assert_eq!(
            preview(
                "key sk-proj-wVzXvyuwtnmz4FKM0Wrh2pEl8wdqkO0S and /Users/dev/projects",
                80
            ),
            "key sk-p… and /Users/dev/projects"
        );
        assert_eq!(
            preview(
                "@org/mcp-server-v2-tools@2025.4.8 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",
                90
            ),
            "@org/mcp-server-v2-tools@2025.4.8 ghp_…"
        );
    }
}

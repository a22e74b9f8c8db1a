//! Small text helpers shared by the checks: byte offsets to lines, and safe previews
//! of what was found (escaped, truncated) for evidence.

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

/// A one-line preview: control and invisible characters escaped as `\u{…}`,
/// whitespace runs collapsed, at most `max` characters.
pub fn preview(s: &str, max: usize) -> String {
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
        if c.is_control() || crate::unicode::is_invisible(c) {
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
    }
}

//! Byte-level helpers shared by the detectors: bounded line windows, a lazily built
//! line index, Shannon entropy, character classes and lenient base64 decoding.

/// Longest stretch of one line a detector ever looks at on either side of a hit, so a
/// minified blob of megabytes on one line costs no more than a normal line.
pub const MAX_LINE_REACH: usize = 2048;

/// Start and end (exclusive, without the `\n`) of the line holding `pos`, clipped to
/// [`MAX_LINE_REACH`] bytes on either side.
pub fn line_bounds(buf: &[u8], pos: usize) -> (usize, usize) {
    let pos = pos.min(buf.len());
    let lo = pos.saturating_sub(MAX_LINE_REACH);
    let start = memchr::memrchr(b'\n', &buf[lo..pos]).map_or(lo, |i| lo + i + 1);
    let hi = (pos + MAX_LINE_REACH).min(buf.len());
    let end = memchr::memchr(b'\n', &buf[pos..hi]).map_or(hi, |i| pos + i);
    (start, end)
}

/// Bounds of the `before` lines above and `after` lines below the line holding `pos`
/// (the line itself included), never more than `max_bytes` on either side.
pub fn lines_around(
    buf: &[u8],
    pos: usize,
    before: usize,
    after: usize,
    max_bytes: usize,
) -> (usize, usize) {
    let (mut start, mut end) = line_bounds(buf, pos);
    let floor = pos.saturating_sub(max_bytes);
    for _ in 0..before {
        if start == 0 || start <= floor {
            break;
        }
        let prev_end = start - 1;
        let lo = prev_end.saturating_sub(MAX_LINE_REACH).max(floor);
        start = memchr::memrchr(b'\n', &buf[lo..prev_end]).map_or(lo, |i| lo + i + 1);
    }
    let ceil = (pos + max_bytes).min(buf.len());
    for _ in 0..after {
        if end >= ceil {
            break;
        }
        let next_start = end + 1;
        let hi = (next_start + MAX_LINE_REACH).min(ceil);
        if next_start >= hi {
            break;
        }
        end = memchr::memchr(b'\n', &buf[next_start..hi]).map_or(hi, |i| next_start + i);
    }
    (start, end.min(buf.len()))
}

/// Offsets of line starts, built on first use (only files with candidates pay for it).
#[derive(Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(buf: &[u8]) -> Self {
        let mut starts = Vec::with_capacity(buf.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', buf).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, pos: usize) -> usize {
        match self.starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(usize::MAX)
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

/// Shannon entropy in bits per byte.
pub fn entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Which character classes a value uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Classes {
    pub lower: bool,
    pub upper: bool,
    pub digit: bool,
    pub symbol: bool,
}

impl Classes {
    pub fn of(s: &[u8]) -> Classes {
        let mut c = Classes::default();
        for &b in s {
            match b {
                b'a'..=b'z' => c.lower = true,
                b'A'..=b'Z' => c.upper = true,
                b'0'..=b'9' => c.digit = true,
                _ => c.symbol = true,
            }
        }
        c
    }

    pub fn count(&self) -> usize {
        [self.lower, self.upper, self.digit, self.symbol]
            .iter()
            .filter(|&&b| b)
            .count()
    }

    pub fn letter(&self) -> bool {
        self.lower || self.upper
    }
}

pub fn is_hex(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_hexdigit)
}

/// `8-4-4-4-12` hexadecimal.
pub fn is_uuid(s: &[u8]) -> bool {
    s.len() == 36
        && s.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Bytes that may be part of a token in most formats (`[A-Za-z0-9_-]`).
pub fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Decodes standard or URL-safe base64, padded or not (a token, as
/// [`aispm_formats::base64::decode`] reads it). `None` on any other byte or an
/// impossible length.
pub fn base64_decode(s: &[u8]) -> Option<Vec<u8>> {
    aispm_formats::base64::decode(s).ok()
}

/// Standard base64 with padding.
pub use aispm_formats::base64::encode as base64_encode;

/// Printable text (ASCII graphic, space, tab, newline) and valid UTF-8.
pub fn is_printable_text(b: &[u8]) -> bool {
    std::str::from_utf8(b).is_ok()
        && b.iter()
            .all(|&c| c >= 0x20 && c != 0x7f || matches!(c, b'\n' | b'\r' | b'\t'))
}

/// Lower-case ASCII copy.
pub fn lower(s: &[u8]) -> Vec<u8> {
    s.to_ascii_lowercase()
}

/// Whether `hay` contains `needle` ignoring ASCII case (`needle` must be lower-case).
pub fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    if hay.len() < needle.len() {
        return false;
    }
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_windows() {
        let buf = b"one\ntwo\nthree\nfour\nfive";
        assert_eq!(line_bounds(buf, 5), (4, 7));
        assert_eq!(line_bounds(buf, 0), (0, 3));
        assert_eq!(line_bounds(buf, buf.len()), (19, 23));
        assert_eq!(lines_around(buf, 9, 1, 1, 100), (4, 18));
        assert_eq!(lines_around(buf, 0, 3, 0, 100), (0, 3));
        let idx = LineIndex::new(buf);
        assert_eq!(idx.line_of(0), 0);
        assert_eq!(idx.line_of(4), 1);
        assert_eq!(idx.line_of(22), 4);
    }

    #[test]
    fn base64_round_trip_and_entropy() {
        for s in [&b""[..], b"a", b"ab", b"abc", b"hello world!"] {
            assert_eq!(base64_decode(base64_encode(s).as_bytes()).unwrap(), s);
        }
        assert_eq!(base64_decode(b"aGZf").unwrap(), b"hf_");
        assert!(base64_decode(b"a$b=").is_none());
        assert!(entropy(b"aaaa") < 0.01);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(is_uuid(b"9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a"));
        assert!(contains_ci(b"AzureOpenAI", b"openai"));
    }
}

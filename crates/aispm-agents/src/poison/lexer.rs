//! A small string-aware lexer for Python and JavaScript/TypeScript source: string
//! literals (prefixes, triple quotes, template literals, escapes), adjacent literals
//! joined, whitespace and comments skipped, balanced brackets skipped over strings and
//! comments. Every walk is bounded by `MAX_SPAN`, so hostile, unterminated input
//! stays linear per site.

/// Longest string literal or bracketed span followed in code.
const MAX_SPAN: usize = 64 * 1024;

/// A string literal found in code: its decoded content and byte span.
#[derive(Debug, Clone)]
pub struct Literal {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Reads a Python string literal (with `r`/`u`/`b`/`f` prefixes, single or triple
/// quotes) starting at `pos`; `None` when there is none.
pub fn python_string(s: &str, pos: usize) -> Option<Literal> {
    let b = s.as_bytes();
    let mut i = pos;
    let mut raw = false;
    while i < b.len()
        && i < pos + 3
        && matches!(b[i], b'r' | b'R' | b'u' | b'U' | b'b' | b'B' | b'f' | b'F')
    {
        raw |= matches!(b[i], b'r' | b'R');
        i += 1;
    }
    let q = *b.get(i)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let triple = b.get(i..i + 3) == Some(&[q, q, q][..]);
    let open = if triple { 3 } else { 1 };
    let body = i + open;
    let mut j = body;
    while j < b.len() && j - body < MAX_SPAN {
        let c = b[j];
        if c == b'\\' {
            j += 2;
            continue;
        }
        if !triple && c == b'\n' {
            return None;
        }
        if c == q && (!triple || b.get(j..j + 3) == Some(&[q, q, q][..])) {
            let content = s.get(body..j)?;
            let text = if raw {
                content.to_string()
            } else {
                unescape(content)
            };
            return Some(Literal {
                text,
                start: pos,
                end: j + open,
            });
        }
        j += 1;
    }
    None
}

/// Reads a JavaScript string or template literal starting at `pos`.
pub fn js_string(s: &str, pos: usize) -> Option<Literal> {
    let b = s.as_bytes();
    let q = *b.get(pos)?;
    if !matches!(q, b'"' | b'\'' | b'`') {
        return None;
    }
    let mut j = pos + 1;
    while j < b.len() && j - pos < MAX_SPAN {
        let c = b[j];
        if c == b'\\' {
            j += 2;
            continue;
        }
        if q != b'`' && c == b'\n' {
            return None;
        }
        if c == q {
            let content = s.get(pos + 1..j)?;
            return Some(Literal {
                text: unescape(content),
                start: pos,
                end: j + 1,
            });
        }
        j += 1;
    }
    None
}

/// Decodes the common backslash escapes of Python and JavaScript strings.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\n') => {}
            Some('u') => {
                let hex: String = if it.peek() == Some(&'{') {
                    it.next();
                    let h: String = it.by_ref().take_while(|&c| c != '}').take(8).collect();
                    h
                } else {
                    it.by_ref().take(4).collect()
                };
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push('\u{fffd}'),
                }
            }
            Some('U') => {
                let hex: String = it.by_ref().take(8).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push('\u{fffd}'),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Reads one string literal of a language at a byte position.
pub(crate) type Lexer = fn(&str, usize) -> Option<Literal>;

/// Reads adjacent string literals (implicit concatenation, and `+` in JavaScript).
pub(crate) fn concatenated(s: &str, mut pos: usize, lex: Lexer, plus: bool) -> Option<Literal> {
    let first = lex(s, pos)?;
    let mut lit = first;
    pos = lit.end;
    loop {
        let mut k = skip_space(s, pos);
        if plus && s.as_bytes().get(k) == Some(&b'+') {
            k = skip_space(s, k + 1);
        }
        match lex(s, k) {
            Some(next) => {
                lit.text.push_str(&next.text);
                lit.end = next.end;
                pos = next.end;
            }
            None => return Some(lit),
        }
    }
}

fn skip_space(s: &str, mut pos: usize) -> usize {
    let b = s.as_bytes();
    while pos < b.len() {
        match b[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'\\' if b.get(pos + 1) == Some(&b'\n') => pos += 2,
            _ => break,
        }
    }
    pos
}

/// Skips whitespace and comments (`#` for Python, `//` and `/* */` for JS).
pub(crate) fn skip_trivia(s: &str, mut pos: usize, python: bool) -> usize {
    let b = s.as_bytes();
    loop {
        pos = skip_space(s, pos);
        let line_comment = if python {
            b.get(pos) == Some(&b'#')
        } else {
            b.get(pos..pos + 2) == Some(b"//")
        };
        if line_comment {
            while pos < b.len() && b[pos] != b'\n' {
                pos += 1;
            }
        } else if !python && b.get(pos..pos + 2) == Some(b"/*") {
            match s[pos + 2..].find("*/") {
                Some(k) => pos += k + 4,
                None => return b.len(),
            }
        } else {
            return pos;
        }
    }
}

/// From an opening bracket at `pos`, the position after its matching close, skipping
/// strings and comments. Bounded by the text.
pub(crate) fn skip_balanced(s: &str, pos: usize, python: bool) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = pos;
    while i < b.len() && i - pos < MAX_SPAN {
        let lit = if python {
            python_string(s, i).filter(|_| {
                matches!(b[i], b'"' | b'\'')
                    || !b
                        .get(i.wrapping_sub(1))
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            })
        } else {
            js_string(s, i)
        };
        if let Some(l) = lit {
            i = l.end;
            continue;
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'#' if python => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if !python && b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexers_do_not_panic_on_truncation() {
        for s in ["'''abc", "r\"", "\"\\", "`abc", "u'x\\"] {
            let _ = python_string(s, 0);
            let _ = js_string(s, 0);
            let _ = skip_balanced(s, 0, true);
        }
    }
}

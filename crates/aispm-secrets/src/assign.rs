//! Reading assignments on one line without a parser per language: the name a value is
//! assigned to (`API_KEY = "…"`, `"api_key": "…"`, `api_key: …`, `os.environ["KEY"] =
//! "…"`, `Client(api_key="…")`, `<password>…</password>`, `--token …`), the identifier
//! around a keyword hit, and the value after a name. Whether a name reads as a
//! credential is `credential_names`' question; the reader asks it only where a
//! declaration writes a type next to the name.

use crate::credential_names::classify;
use crate::text;

/// Bytes of a name: identifiers, dotted paths, kebab-case keys.
pub fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// A name found before a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    /// The value is an argument of a call named `text` (`cohere.Client("…")`).
    pub call: bool,
}

/// A value found after a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub start: usize,
    pub end: usize,
    pub quoted: bool,
    /// A bare value that reads as code rather than a literal: a call
    /// (`PepperGenerator.generate(12)`), a path (`ptr::null_mut()`), a subscript or a
    /// query (`Resources.*[`). Also true in data files, where such code is quoted
    /// source text inside a string.
    pub code: bool,
}

/// Whether a bare value `v`, followed by `next`, is an expression.
fn reads_as_code(v: &[u8], next: Option<u8>) -> bool {
    next == Some(b'(')
        || v.iter().any(|b| matches!(b, b'(' | b'[' | b'{'))
        || memchr::memmem::find(v, b"::").is_some()
        || memchr::memmem::find(v, b"->").is_some()
}

/// The non-ASCII character `rest` starts with and its length in bytes (a byte that
/// starts no valid character counts as punctuation); `None` for ASCII.
fn non_ascii_char(rest: &[u8]) -> Option<(char, usize)> {
    if rest.first().is_none_or(|&b| b < 0x80) {
        return None;
    }
    let n = rest.len().min(4);
    let text = match std::str::from_utf8(&rest[..n]) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
    };
    Some(
        text.chars()
            .next()
            .map_or(('\u{fffd}', 1), |c| (c, c.len_utf8())),
    )
}

/// Whether the quoted name ending at `end` (its closing quote) is the first argument
/// of a call (`setenv("KEY", …)`, `("KEY", …)`), the only place where a comma joins a
/// name to its value; elsewhere neighbouring arguments are unrelated
/// (`log_step(step, 'PASS', detail)`).
fn first_argument(buf: &[u8], end: usize, floor: usize) -> bool {
    let Some(&q) = buf.get(end) else {
        return false;
    };
    let Some(open) = buf[floor..end].iter().rposition(|&b| b == q) else {
        return false;
    };
    let k = skip_back_ws(buf, floor + open, floor);
    k > floor && buf[k - 1] == b'('
}

fn skip_back_ws(buf: &[u8], mut i: usize, floor: usize) -> usize {
    while i > floor && matches!(buf[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    i
}

fn skip_ws(buf: &[u8], mut i: usize, ceil: usize) -> usize {
    while i < ceil && matches!(buf[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

fn ends_with_ci(buf: &[u8], end: usize, floor: usize, word: &[u8]) -> bool {
    end >= floor + word.len() && buf[end - word.len()..end].eq_ignore_ascii_case(word)
}

/// Reads a name backwards from `end` (exclusive): a quoted string, a subscript
/// (`["KEY"]`) or an identifier. Returns its text and where it starts.
fn name_ending_at(buf: &[u8], end: usize, floor: usize) -> Option<(String, usize)> {
    if end <= floor {
        return None;
    }
    let last = buf[end - 1];
    if matches!(last, b'"' | b'\'' | b'`') {
        let open = buf[floor..end - 1].iter().rposition(|&b| b == last)? + floor;
        let inner = &buf[open + 1..end - 1];
        if inner.is_empty() || inner.len() > 128 {
            return None;
        }
        return Some((String::from_utf8_lossy(inner).into_owned(), open));
    }
    if last == b']' {
        let open = buf[floor..end - 1].iter().rposition(|&b| b == b'[')? + floor;
        let inner = buf[open + 1..end - 1].trim_ascii();
        let inner = inner
            .strip_prefix(b"\"")
            .or_else(|| inner.strip_prefix(b"'"))
            .unwrap_or(inner);
        let inner = inner
            .strip_suffix(b"\"")
            .or_else(|| inner.strip_suffix(b"'"))
            .unwrap_or(inner);
        if inner.is_empty() || inner.len() > 128 || !inner.iter().all(|&b| is_name_byte(b)) {
            return None;
        }
        return Some((String::from_utf8_lossy(inner).into_owned(), open));
    }
    let mut i = end;
    while i > floor && is_name_byte(buf[i - 1]) && end - i < 128 {
        i -= 1;
    }
    if i == end {
        return None;
    }
    Some((String::from_utf8_lossy(&buf[i..end]).into_owned(), i))
}

/// The name a value starting at `value_start` is assigned to, looking no further back
/// than `floor` (the start of the line).
pub fn name_before(buf: &[u8], value_start: usize, floor: usize) -> Option<Name> {
    let mut i = value_start;
    // Opening quote and string prefixes (r"", b'', f"", @"").
    if i > floor && matches!(buf[i - 1], b'"' | b'\'' | b'`') {
        i -= 1;
        if i > floor
            && matches!(buf[i - 1], b'r' | b'b' | b'f' | b'u' | b'@' | b'R' | b'B')
            && (i - 1 == floor || !buf[i - 2].is_ascii_alphanumeric())
        {
            i -= 1;
        }
        // The first element of a list: `"ids": ["…"]` names the list's values.
        let k = skip_back_ws(buf, i, floor);
        if k > floor && buf[k - 1] == b'[' {
            let before = skip_back_ws(buf, k - 1, floor);
            if before > floor && matches!(buf[before - 1], b'=' | b':') {
                i = k - 1;
            }
        }
    }
    i = skip_back_ws(buf, i, floor);
    for scheme in [&b"bearer"[..], b"token", b"basic"] {
        if ends_with_ci(buf, i, floor, scheme)
            && (i - scheme.len() == floor || !is_name_byte(buf[i - scheme.len() - 1]))
            && i < value_start
        {
            i = skip_back_ws(buf, i - scheme.len(), floor);
            break;
        }
    }
    if i == floor {
        return None;
    }
    let op = buf[i - 1];
    match op {
        b'=' | b':' => {
            let mut j = i - 1;
            // `:=`, `=>`, `?=`, `||=`, `+=` is not an assignment of a literal
            if op == b'='
                && j > floor
                && matches!(buf[j - 1], b':' | b'?' | b'|' | b'!' | b'<' | b'>')
            {
                if matches!(buf[j - 1], b'!' | b'<' | b'>') {
                    return None; // comparison
                }
                while j > floor && matches!(buf[j - 1], b':' | b'?' | b'|') {
                    j -= 1;
                }
            }
            if op == b'=' && j > floor && buf[j - 1] == b'=' {
                return None; // `==`
            }
            if op == b':' && j > floor && buf[j - 1] == b':' {
                return None; // `::`
            }
            let j = skip_back_ws(buf, j, floor);
            let (text, start) = name_ending_at(buf, j, floor)?;
            // A type annotation: `KEY: str = "…"`, `const KEY: &str = "…"`.
            if op == b'=' {
                let mut k = skip_back_ws(buf, start, floor);
                while k > floor && matches!(buf[k - 1], b'&' | b'\'' | b' ' | b'<' | b'>')
                    || (k > floor && buf[k - 1].is_ascii_alphabetic() && {
                        // a lifetime like 'static
                        let w = &buf[floor..k];
                        w.iter().rposition(|&b| b == b'\'').is_some_and(|q| {
                            w[q + 1..].iter().all(u8::is_ascii_alphabetic) && k - (floor + q) < 12
                        })
                    })
                {
                    k -= 1;
                }
                if k > floor && buf[k - 1] == b':' && !(k > floor + 1 && buf[k - 2] == b':') {
                    let k = skip_back_ws(buf, k - 1, floor);
                    if let Some((real, _)) = name_ending_at(buf, k, floor) {
                        return Some(Name {
                            text: real,
                            call: false,
                        });
                    }
                }
            }
            // A declaration that writes a type next to the name, before it (`String
            // password = …`) or after it (`api_key TEXT := …`, `var token string = …`):
            // the word that reads as a credential is the name.
            if classify(&text).is_none() {
                let k = skip_back_ws(buf, start, floor);
                if k < start
                    && let Some((other, _)) = name_ending_at(buf, k, floor)
                    && classify(&other).is_some()
                {
                    return Some(Name {
                        text: other,
                        call: false,
                    });
                }
            }
            Some(Name { text, call: false })
        }
        b'>' => {
            // `=>` or an XML element `<name>value`
            if i >= floor + 2 && buf[i - 2] == b'=' {
                let j = skip_back_ws(buf, i - 2, floor);
                let (text, _) = name_ending_at(buf, j, floor)?;
                return Some(Name { text, call: false });
            }
            let open = buf[floor..i - 1].iter().rposition(|&b| b == b'<')? + floor;
            let tag = &buf[open + 1..i - 1];
            let tag_name: Vec<u8> = tag
                .iter()
                .copied()
                .take_while(|&b| is_name_byte(b))
                .collect();
            if tag_name.is_empty() {
                return None;
            }
            Some(Name {
                text: String::from_utf8_lossy(&tag_name).into_owned(),
                call: false,
            })
        }
        b'-' if i >= floor + 2 && buf[i - 2] == b'<' => {
            let j = skip_back_ws(buf, i - 2, floor);
            let (text, _) = name_ending_at(buf, j, floor)?;
            Some(Name { text, call: false })
        }
        b'(' => {
            let j = skip_back_ws(buf, i - 1, floor);
            let (text, _) = name_ending_at(buf, j, floor)?;
            Some(Name { text, call: true })
        }
        b',' => {
            // setenv("KEY", "value") / ("KEY", "value")
            let j = skip_back_ws(buf, i - 1, floor);
            if j > floor && matches!(buf[j - 1], b'"' | b'\'') && first_argument(buf, j - 1, floor)
            {
                let (text, _) = name_ending_at(buf, j, floor)?;
                return Some(Name { text, call: false });
            }
            None
        }
        _ => {
            // A command-line flag (`--api-key VALUE`), or the first word of a
            // `key value` line (`.netrc`, SSH and INI-like files: `password VALUE`).
            let (text, start) = name_ending_at(buf, i, floor)?;
            if i >= value_start {
                return None;
            }
            if text.starts_with('-') {
                return Some(Name {
                    text: text.trim_start_matches('-').to_string(),
                    call: false,
                });
            }
            let first_on_line = buf[floor..start].iter().all(|b| matches!(b, b' ' | b'\t'));
            (first_on_line && classify(&text).is_some()).then_some(Name { text, call: false })
        }
    }
}

/// The one word that leads a `WORD NAME VALUE` line (a Dockerfile's `ENV API_KEY …`, a
/// note's `acme TOKEN …`): the text between `line_start` and the name at `name_start`
/// when it is a single name-like word between blanks.
pub fn lead_word(buf: &[u8], line_start: usize, name_start: usize) -> Option<&[u8]> {
    let lead = buf.get(line_start..name_start)?;
    if lead.last().is_none_or(|b| !matches!(b, b' ' | b'\t')) {
        return None;
    }
    let word = lead.trim_ascii();
    (!word.is_empty() && word.len() <= 64 && word.iter().all(|&b| is_name_byte(b) && b != b'-'))
        .then_some(word)
}

/// The value assigned to the name ending at `name_end` on the line ending at `ceil`.
pub fn value_after(buf: &[u8], name_end: usize, ceil: usize) -> Option<Value> {
    let mut i = name_end;
    let name_quote = if i < ceil && matches!(buf[i], b'"' | b'\'' | b'`') {
        i += 1;
        true
    } else {
        false
    };
    if i < ceil && buf[i] == b']' {
        i += 1;
    }
    i = skip_ws(buf, i, ceil);
    if i >= ceil {
        return None;
    }
    // The operator.
    let rest = &buf[i..ceil];
    let op_len = if rest.starts_with(b":=")
        || rest.starts_with(b"=>")
        || rest.starts_with(b"?=")
        || rest.starts_with(b"<-")
    {
        2
    } else if rest.starts_with(b"||=") {
        3
    } else if rest.starts_with(b"==") || rest.starts_with(b"::") {
        return None;
    } else if matches!(rest[0], b'=' | b':') {
        1
    } else if rest[0] == b'>' && name_end > 0 && {
        // <password>value</password>
        let floor = name_end.saturating_sub(256);
        let before = buf[floor..name_end].iter().rposition(|&b| !is_name_byte(b));
        before.is_some_and(|p| buf[floor + p] == b'<')
    } {
        let v_start = i + 1;
        let v_end = buf[v_start..ceil]
            .iter()
            .position(|&b| b == b'<')
            .map_or(ceil, |p| v_start + p);
        return (v_end > v_start).then_some(Value {
            start: v_start,
            end: v_end,
            quoted: true,
            code: false,
        });
    } else if rest[0] == b',' && name_quote {
        let floor = name_end.saturating_sub(256);
        if !first_argument(buf, name_end, floor) {
            return None;
        }
        1
    } else {
        // `password VALUE` alone on its line (`.netrc`, SSH-style files).
        let floor = name_end.saturating_sub(text::MAX_LINE_REACH);
        let line_start = buf[floor..name_end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(floor, |p| floor + p + 1);
        let name_start = buf[line_start..name_end]
            .iter()
            .rposition(|b| !is_name_byte(*b))
            .map_or(line_start, |p| line_start + p + 1);
        let alone = (buf[line_start..name_start]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t'))
            || lead_word(buf, line_start, name_start).is_some())
            && i > name_end
            && !name_quote;
        let end = buf[i..ceil]
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .map_or(ceil, |p| i + p);
        if alone && buf[end..ceil].iter().all(u8::is_ascii_whitespace) {
            return Some(Value {
                start: i,
                end,
                quoted: false,
                code: reads_as_code(&buf[i..end], buf.get(end).copied()),
            });
        }
        return None;
    };
    let op_is_colon = op_len == 1 && rest[0] == b':';
    let op_is_comma = op_len == 1 && rest[0] == b',';
    i = skip_ws(buf, i + op_len, ceil);
    // A type annotation: `API_KEY: str = "…"`.
    if op_is_colon && i < ceil && buf[i].is_ascii_alphabetic() {
        let mut k = i;
        while k < ceil
            && (buf[k].is_ascii_alphanumeric()
                || matches!(
                    buf[k],
                    b'[' | b']' | b'.' | b'_' | b'<' | b'>' | b'&' | b'|' | b' '
                ))
        {
            k += 1;
        }
        if k < ceil && buf[k] == b'=' && !(k + 1 < ceil && buf[k + 1] == b'=') {
            i = skip_ws(buf, k + 1, ceil);
        }
    }
    if i >= ceil {
        return None;
    }
    // Authorization schemes.
    for scheme in [&b"bearer "[..], b"token ", b"basic "] {
        if buf[i..ceil].len() > scheme.len()
            && buf[i..i + scheme.len()].eq_ignore_ascii_case(scheme)
        {
            i = skip_ws(buf, i + scheme.len(), ceil);
            break;
        }
    }
    if i >= ceil {
        return None;
    }
    // String prefixes.
    if i + 1 < ceil
        && matches!(
            buf[i],
            b'r' | b'b' | b'f' | b'u' | b'@' | b'R' | b'B' | b'F' | b'$'
        )
        && matches!(buf[i + 1], b'"' | b'\'')
    {
        i += 1;
    }
    let q = buf[i];
    if matches!(q, b'"' | b'\'' | b'`') {
        if buf[i..ceil].starts_with(&[q, q, q]) {
            return None;
        }
        let start = i + 1;
        let mut j = start;
        while j < ceil && buf[j] != q {
            if buf[j] == b'\\' {
                j += 1;
            }
            j += 1;
        }
        if j >= ceil || j == start {
            return None;
        }
        // An escaped closing quote of a JSON-in-JSON value: `\"value\"`.
        let end = if buf[j - 1] == b'\\' { j - 1 } else { j };
        return (end > start).then_some(Value {
            start,
            end,
            quoted: true,
            code: false,
        });
    }
    if q == b'\\' && i + 1 < ceil && matches!(buf[i + 1], b'"' | b'\'') {
        let start = i + 2;
        let rel = memchr::memchr(b'\\', &buf[start..ceil])?;
        return (rel > 0).then_some(Value {
            start,
            end: start + rel,
            quoted: true,
            code: false,
        });
    }
    if op_is_comma {
        return None; // `("KEY", value)`: only a string literal is a value there
    }
    let start = i;
    let mut j = i;
    while j < ceil
        && !matches!(
            buf[j],
            b' ' | b'\t'
                | b'\r'
                | b';'
                | b','
                | b')'
                | b'}'
                | b']'
                | b'"'
                | b'\''
                | b'&'
                | b'<'
                | b'>'
                | b'`'
        )
    {
        // A value ends at punctuation of another script (`abc123`（または…).
        match non_ascii_char(&buf[j..ceil]) {
            Some((c, len)) if c.is_alphanumeric() => j += len,
            Some(_) => break,
            None => j += 1,
        }
    }
    (j > start).then_some(Value {
        start,
        end: j,
        quoted: false,
        code: reads_as_code(&buf[start..j], buf.get(j).copied()),
    })
}

/// The identifier around `hit` (at most 128 bytes), when something that may be an
/// assignment follows it: a cheap test that rejects most keyword hits in code
/// (`.keys()`, `token_count +=`, `monkey`) before any name is read.
pub fn ident_at(buf: &[u8], hit: usize) -> Option<(usize, usize)> {
    let lo = hit.saturating_sub(128);
    let mut s = hit.min(buf.len());
    while s > lo && is_name_byte(buf[s - 1]) {
        s -= 1;
    }
    let hi = (hit + 128).min(buf.len());
    let mut e = hit.min(buf.len());
    while e < hi && is_name_byte(buf[e]) {
        e += 1;
    }
    if e == s || e - s >= 128 {
        return None;
    }
    let mut i = e;
    if i < buf.len() && matches!(buf[i], b'"' | b'\'' | b'`') {
        i += 1;
    }
    if i < buf.len() && buf[i] == b']' {
        i += 1;
    }
    let after_name = i;
    while i < buf.len() && matches!(buf[i], b' ' | b'\t') {
        i += 1;
    }
    let next = *buf.get(i)?;
    if matches!(next, b'=' | b':' | b'>' | b',' | b'<' | b'?' | b'|') {
        return Some((s, e));
    }
    // `password VALUE` and `--token VALUE`: a name first on its line, then a space.
    if i > after_name && !matches!(next, b'\n' | b'\r') {
        let mut k = s;
        while k > lo && matches!(buf[k - 1], b' ' | b'\t') {
            k -= 1;
        }
        if k == 0 || buf[k - 1] == b'\n' || buf[s] == b'-' {
            return Some((s, e));
        }
        // `WORD NAME VALUE`: one word before the name on its line.
        let line_start = buf[lo..k]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(lo, |p| lo + p + 1);
        if (line_start > lo || lo == 0) && lead_word(buf, line_start, s).is_some() {
            return Some((s, e));
        }
    }
    None
}

/// The identifier around `hit` and the value assigned to it.
pub fn assignment_at(buf: &[u8], hit: usize) -> Option<(&str, usize, Value)> {
    let (s, e) = ident_at(buf, hit)?;
    assignment_of(buf, s, e)
}

/// The value assigned to the identifier `s..e`.
pub fn assignment_of(buf: &[u8], s: usize, e: usize) -> Option<(&str, usize, Value)> {
    let hi = (e + text::MAX_LINE_REACH).min(buf.len());
    let le = memchr::memchr(b'\n', &buf[e..hi]).map_or(hi, |i| e + i);
    let name = std::str::from_utf8(&buf[s..e]).ok()?;
    let v = value_after(buf, e, le)?;
    Some((name, s, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(line: &str, value: &str) -> Option<Name> {
        let pos = line.find(value).unwrap();
        name_before(line.as_bytes(), pos, 0)
    }

    fn value_of(line: &str, name: &str) -> Option<String> {
        let pos = line.find(name).unwrap() + name.len();
        value_after(line.as_bytes(), pos, line.len()).map(|v| line[v.start..v.end].to_string())
    }

    #[test]
    fn names_before_values() {
        let n = |l: &str, v: &str| name_of(l, v).map(|n| n.text);
        assert_eq!(n("API_KEY=abc", "abc").as_deref(), Some("API_KEY"));
        assert_eq!(
            n("  \"api_key\": \"abc\"", "abc").as_deref(),
            Some("api_key")
        );
        assert_eq!(
            n("const cohereAPIKey = \"abc\"", "abc").as_deref(),
            Some("cohereAPIKey")
        );
        assert_eq!(
            n("os.environ[\"OPENAI_API_KEY\"] = \"abc\"", "abc").as_deref(),
            Some("OPENAI_API_KEY")
        );
        assert_eq!(
            n("API_KEY: str = \"abc\"", "abc").as_deref(),
            Some("API_KEY")
        );
        assert_eq!(
            n("pub const TOKEN: &str = \"abc\";", "abc").as_deref(),
            Some("TOKEN")
        );
        assert_eq!(
            n("pub const TOKEN: &'static str = \"abc\";", "abc").as_deref(),
            Some("TOKEN")
        );
        assert_eq!(
            n("-H \"Authorization: Bearer abc\"", "abc").as_deref(),
            Some("Authorization")
        );
        assert_eq!(n("<apiKey>abc</apiKey>", "abc").as_deref(), Some("apiKey"));
        assert_eq!(n("setenv(\"KEY\", \"abc\")", "abc").as_deref(), Some("KEY"));
        assert_eq!(n("run --api-key abc", "abc").as_deref(), Some("api-key"));
        assert_eq!(
            n("  service_key TEXT := 'abc';", "abc").as_deref(),
            Some("service_key")
        );
        assert_eq!(
            n("String password = \"abc\";", "abc").as_deref(),
            Some("password")
        );
        assert_eq!(n("  password abc", "abc").as_deref(), Some("password"));
        assert_eq!(n("  login abc", "abc"), None);
        assert_eq!(n("x == \"abc\"", "abc"), None);
        let call = name_of("co = cohere.Client(\"abc\")", "abc").unwrap();
        assert!(call.call);
        assert_eq!(call.text, "cohere.Client");
    }

    #[test]
    fn values_after_names() {
        assert_eq!(
            value_of("DB_PASSWORD=s3cr3t # x", "DB_PASSWORD").as_deref(),
            Some("s3cr3t")
        );
        assert_eq!(
            value_of("password: \"a b\"", "password").as_deref(),
            Some("a b")
        );
        assert_eq!(
            value_of("\"token\": \"abc\",", "token").as_deref(),
            Some("abc")
        );
        assert_eq!(
            value_of("API_KEY: str = 'abc'", "API_KEY").as_deref(),
            Some("abc")
        );
        assert_eq!(
            value_of("<password>abc</password>", "password").as_deref(),
            Some("abc")
        );
        assert_eq!(
            value_of("Authorization: Bearer abc", "Authorization").as_deref(),
            Some("abc")
        );
        assert_eq!(value_of("if password == x", "password"), None);
        assert_eq!(value_of("pass", "pass"), None);
        assert_eq!(
            value_of("  password s3cr3tValue9", "password").as_deref(),
            Some("s3cr3tValue9")
        );
        assert_eq!(value_of("  password is required here", "password"), None);
    }
}

//! A small JSON reader that keeps the line of every key and value, for configurations
//! and tool listings where a finding must point at the exact line. It accepts JSONC
//! (`//` and `/* */` comments, trailing commas) because editors write it, and it is
//! bounded: nesting depth and the number of values are capped, so hostile input costs
//! at most a linear pass and a bounded tree.

/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 64;
/// Most values kept in one document.
pub const MAX_VALUES: usize = 200_000;

/// A JSON value with the lines it spans (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: u32,
    pub end_line: u32,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Array(Vec<Node>),
    /// Entries in document order: key, the key's line, value.
    Object(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_line: u32,
    pub node: Node,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.node)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Object(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Case-insensitive key lookup.
    pub fn get_ci(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(entries) => entries
                .iter()
                .find(|e| e.key.eq_ignore_ascii_case(key))
                .map(|e| &e.node),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Object(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.value, Value::Object(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self.value, Value::Array(_))
    }
}

/// Why a document was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub message: String,
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    line: u32,
    values: usize,
}

/// Parses one JSON (or JSONC) document; trailing content other than whitespace and
/// comments is an error.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let mut p = Parser {
        s: text.as_bytes(),
        pos: 0,
        line: 1,
        values: 0,
    };
    // A byte-order mark is not content.
    if p.s.starts_with("\u{feff}".as_bytes()) {
        p.pos = 3;
    }
    p.skip_ws()?;
    let node = p.value(0)?;
    p.skip_ws()?;
    if p.pos < p.s.len() {
        return Err(p.err("content after the document"));
    }
    Ok(node)
}

impl Parser<'_> {
    fn err(&self, m: &str) -> ParseError {
        ParseError {
            line: self.line,
            message: m.to_string(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_ws(&mut self) -> Result<(), ParseError> {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => {
                    self.line += 1;
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'/' if self.s.get(self.pos + 1) == Some(&b'/') => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                b'/' if self.s.get(self.pos + 1) == Some(&b'*') => {
                    self.pos += 2;
                    loop {
                        match self.peek() {
                            None => return Err(self.err("unterminated comment")),
                            Some(b'*') if self.s.get(self.pos + 1) == Some(&b'/') => {
                                self.pos += 2;
                                break;
                            }
                            Some(c) => {
                                if c == b'\n' {
                                    self.line += 1;
                                }
                                self.pos += 1;
                            }
                        }
                    }
                }
                _ => break,
            }
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.values += 1;
        if self.values > MAX_VALUES {
            return Err(self.err("too many values"));
        }
        let line = self.line;
        let value = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                while let Some(b) = self.peek() {
                    if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E') {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Value::Number(String::from_utf8_lossy(&self.s[start..self.pos]).into_owned())
            }
            _ => return Err(self.err("unexpected character")),
        };
        Ok(Node {
            line,
            end_line: self.line,
            value,
        })
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, ParseError> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.err("unexpected literal"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_ws()?;
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(entries));
                }
                Some(b'"') => {}
                _ => return Err(self.err("expected a key")),
            }
            let key_line = self.line;
            let key = self.string()?;
            self.skip_ws()?;
            if self.peek() != Some(b':') {
                return Err(self.err("expected ':'"));
            }
            self.pos += 1;
            self.skip_ws()?;
            let node = self.value(depth + 1)?;
            entries.push(Entry {
                key,
                key_line,
                node,
            });
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws()?;
            if self.peek() == Some(b']') {
                self.pos += 1;
                return Ok(Value::Array(items));
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {}
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.pos..self.pos + 4)?;
        let v = u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
        self.pos += 4;
        Some(v)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\n' => return Err(self.err("newline in string")),
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.err("unterminated string"));
                    };
                    self.pos += 1;
                    let c = match e {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => {
                            let Some(hi) = self.hex4() else {
                                return Err(self.err("bad \\u escape"));
                            };
                            if (0xD800..0xDC00).contains(&hi)
                                && self.s.get(self.pos..self.pos + 2) == Some(b"\\u")
                            {
                                let save = self.pos;
                                self.pos += 2;
                                match self.hex4() {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => char::from_u32(
                                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00),
                                    )
                                    .unwrap_or('\u{fffd}'),
                                    _ => {
                                        self.pos = save;
                                        '\u{fffd}'
                                    }
                                }
                            } else {
                                char::from_u32(hi).unwrap_or('\u{fffd}')
                            }
                        }
                        other => {
                            out.push(other);
                            continue;
                        }
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(b),
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_keys_and_values() {
        let t = "{\n  // c\n  \"a\": {\n    \"b\": [\"x\",\n  \"y\",],\n  },\n}\n";
        let n = parse(t).unwrap();
        let a = n.entry("a").unwrap();
        assert_eq!(a.key_line, 3);
        let b = a.node.get("b").unwrap();
        assert_eq!(b.items()[1].line, 5);
        assert_eq!(b.items()[1].as_str(), Some("y"));
    }

    #[test]
    fn escapes_and_errors() {
        let n = parse(r#"{"d": "a\n\udb40\udc41 \u00e9"}"#).unwrap();
        assert_eq!(n.get("d").unwrap().as_str(), Some("a\n\u{e0041} é"));
        assert!(parse("{\"a\": }").is_err());
        assert!(parse("[1] x").is_err());
        assert!(parse(&"[".repeat(1000)).is_err());
        assert!(parse("\"abc").is_err());
        assert!(parse("").is_err());
    }
}

//! Opcode-level pickle reader: decodes one opcode at a time from a streaming
//! `Read + Seek`, for protocols 0 to 5. Payloads are kept only up to a cap and the rest
//! is skipped (by seeking when large), so a 4 GiB `BINBYTES8` costs a seek, not a read.
//! Nothing here interprets the stream; [`super::machine`] does that symbolically.

use aispm_core::analyzer::ReadSeek;
use std::io::{self, Read, SeekFrom};

/// Longest protocol-0 text line (GLOBAL module, INT, GET argument...) accepted.
pub const MAX_LINE: usize = 64 * 1024;

/// Why a stream could not be read further.
#[derive(Debug)]
pub enum StreamError {
    /// The data ended inside an opcode or its argument.
    Truncated {
        offset: u64,
    },
    /// A byte that is no pickle opcode.
    BadOpcode {
        offset: u64,
        byte: u8,
    },
    /// An argument that is not well formed (a text line that is too long, a bad int).
    BadArgument {
        offset: u64,
        what: &'static str,
    },
    Io(io::Error),
}

impl StreamError {
    pub fn offset(&self) -> Option<u64> {
        match self {
            StreamError::Truncated { offset }
            | StreamError::BadOpcode { offset, .. }
            | StreamError::BadArgument { offset, .. } => Some(*offset),
            StreamError::Io(_) => None,
        }
    }
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::Truncated { offset } => write!(f, "stream truncated at offset {offset}"),
            StreamError::BadOpcode { offset, byte } => {
                write!(f, "invalid opcode 0x{byte:02x} at offset {offset}")
            }
            StreamError::BadArgument { offset, what } => {
                write!(f, "malformed {what} at offset {offset}")
            }
            StreamError::Io(e) => write!(f, "read error: {e}"),
        }
    }
}

/// What kind of string-like payload an opcode carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// `str` (UNICODE, BINUNICODE, SHORT_BINUNICODE, BINUNICODE8).
    Unicode,
    /// Protocol 0–2 `str` of Python 2 (STRING, BINSTRING, SHORT_BINSTRING).
    Legacy,
    /// `bytes` (BINBYTES, SHORT_BINBYTES, BINBYTES8).
    Bytes,
    /// `bytearray` (BYTEARRAY8).
    ByteArray,
}

/// A string or bytes argument: the first bytes (up to the keep cap) and the full length.
#[derive(Debug, Clone)]
pub struct Text {
    pub data: Vec<u8>,
    pub len: u64,
    pub kind: TextKind,
}

impl Text {
    pub fn complete(&self) -> bool {
        self.data.len() as u64 == self.len
    }
}

/// One decoded opcode.
#[derive(Debug, Clone)]
pub enum Op {
    Mark,
    Stop,
    Pop,
    PopMark,
    Dup,
    Int(i64),
    /// An integer too large for i64 (LONG, LONG1, LONG4).
    BigInt,
    Float(f64),
    Bool(bool),
    None,
    Text(Text),
    /// GLOBAL (`inst == false`) or INST (`inst == true`) with its two text lines.
    Global {
        module: String,
        name: String,
        inst: bool,
    },
    PersId(Text),
    BinPersId,
    Reduce,
    Build,
    Append,
    Appends,
    Dict,
    EmptyDict,
    List,
    EmptyList,
    Tuple,
    EmptyTuple,
    TupleN(u8),
    SetItem,
    SetItems,
    Obj,
    NewObj,
    NewObjEx,
    EmptySet,
    AddItems,
    FrozenSet,
    StackGlobal,
    Memoize,
    Put(u64),
    Get(u64),
    Ext(u32),
    Proto(u8),
    Frame(u64),
    NextBuffer,
    ReadonlyBuffer,
}

/// Bounded streaming input with a known end.
pub struct Input<'r> {
    r: &'r mut dyn ReadSeek,
    pos: u64,
    end: u64,
}

impl<'r> Input<'r> {
    /// `r` is positioned at `start`; `end` is the size of the content.
    pub fn new(r: &'r mut dyn ReadSeek, start: u64, end: u64) -> Self {
        Input { r, pos: start, end }
    }

    pub fn pos(&self) -> u64 {
        self.pos
    }

    pub fn end(&self) -> u64 {
        self.end
    }

    pub fn remaining(&self) -> u64 {
        self.end.saturating_sub(self.pos)
    }

    pub fn u8(&mut self) -> Result<u8, StreamError> {
        let mut b = [0u8; 1];
        self.exact(&mut b)?;
        Ok(b[0])
    }

    fn exact(&mut self, buf: &mut [u8]) -> Result<(), StreamError> {
        if (buf.len() as u64) > self.remaining() {
            let offset = self.pos;
            // Consume what is left so a caller scanning for more streams stops.
            let _ = self.skip(self.remaining());
            return Err(StreamError::Truncated { offset });
        }
        match self.r.read_exact(buf) {
            Ok(()) => {
                self.pos += buf.len() as u64;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                let offset = self.pos;
                self.pos = self.end;
                Err(StreamError::Truncated { offset })
            }
            Err(e) => Err(StreamError::Io(e)),
        }
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N], StreamError> {
        let mut b = [0u8; N];
        self.exact(&mut b)?;
        Ok(b)
    }

    /// Skips `n` bytes: small gaps are read (keeping buffered readers warm), large ones
    /// are seeked over.
    pub fn skip(&mut self, n: u64) -> Result<(), StreamError> {
        if n > self.remaining() {
            let offset = self.pos;
            let rest = self.remaining();
            if rest > 0 {
                self.r
                    .seek(SeekFrom::Current(rest as i64))
                    .map_err(StreamError::Io)?;
            }
            self.pos = self.end;
            return Err(StreamError::Truncated { offset });
        }
        if n <= 64 * 1024 {
            let copied =
                io::copy(&mut (&mut *self.r).take(n), &mut io::sink()).map_err(StreamError::Io)?;
            if copied != n {
                let offset = self.pos;
                self.pos = self.end;
                return Err(StreamError::Truncated { offset });
            }
        } else {
            self.r
                .seek(SeekFrom::Current(n as i64))
                .map_err(StreamError::Io)?;
        }
        self.pos += n;
        Ok(())
    }

    /// Reads a payload of `n` bytes, keeping the first `keep` of them.
    pub fn payload(&mut self, n: u64, keep: usize) -> Result<(Vec<u8>, u64), StreamError> {
        let offset = self.pos;
        if n > self.remaining() {
            let _ = self.skip(self.remaining());
            return Err(StreamError::Truncated { offset });
        }
        let k = (keep as u64).min(n) as usize;
        let mut data = vec![0u8; k];
        self.exact(&mut data)?;
        self.skip(n - k as u64)?;
        Ok((data, n))
    }

    /// A text line ending in `\n` (not included), at most `MAX_LINE` bytes.
    pub fn line(&mut self) -> Result<Vec<u8>, StreamError> {
        let start = self.pos;
        let mut out = Vec::new();
        loop {
            let b = self.u8().map_err(|e| match e {
                StreamError::Truncated { .. } => StreamError::Truncated { offset: start },
                other => other,
            })?;
            if b == b'\n' {
                return Ok(out);
            }
            if out.len() >= MAX_LINE {
                return Err(StreamError::BadArgument {
                    offset: start,
                    what: "text line",
                });
            }
            out.push(b);
        }
    }

    /// Reads one opcode and its argument. `keep` caps how many payload bytes are kept.
    pub fn op(&mut self, keep: usize) -> Result<(u64, Op), StreamError> {
        let at = self.pos;
        let code = self.u8()?;
        let bad = |what| StreamError::BadArgument { offset: at, what };
        let op = match code {
            b'(' => Op::Mark,
            b'.' => Op::Stop,
            b'0' => Op::Pop,
            b'1' => Op::PopMark,
            b'2' => Op::Dup,
            b'F' => {
                let l = self.line()?;
                Op::Float(
                    parse_ascii(&l)
                        .and_then(|s| s.trim().parse().ok())
                        .ok_or(bad("FLOAT"))?,
                )
            }
            b'I' => {
                let l = self.line()?;
                match l.as_slice() {
                    b"00" => Op::Bool(false),
                    b"01" => Op::Bool(true),
                    _ => int_from_text(&l).ok_or(bad("INT"))?,
                }
            }
            b'L' => {
                let mut l = self.line()?;
                if l.last() == Some(&b'L') {
                    l.pop();
                }
                int_from_text(&l).ok_or(bad("LONG"))?
            }
            b'J' => Op::Int(i64::from(i32::from_le_bytes(self.fixed()?))),
            b'K' => Op::Int(i64::from(self.u8()?)),
            b'M' => Op::Int(i64::from(u16::from_le_bytes(self.fixed()?))),
            0x8a => {
                let n = self.u8()?;
                let (d, _) = self.payload(u64::from(n), 8)?;
                long_from_le(&d, u64::from(n))
            }
            0x8b => {
                let n = u32::from_le_bytes(self.fixed()?);
                let (d, _) = self.payload(u64::from(n), 8)?;
                long_from_le(&d, u64::from(n))
            }
            b'N' => Op::None,
            0x88 => Op::Bool(true),
            0x89 => Op::Bool(false),
            b'G' => Op::Float(f64::from_be_bytes(self.fixed()?)),
            b'P' => {
                let l = self.line()?;
                Op::PersId(Text {
                    len: l.len() as u64,
                    data: l,
                    kind: TextKind::Legacy,
                })
            }
            b'Q' => Op::BinPersId,
            b'R' => Op::Reduce,
            b'S' => {
                let l = self.line()?;
                let data = unquote_repr(&l).ok_or(bad("STRING"))?;
                Op::Text(Text {
                    len: data.len() as u64,
                    data,
                    kind: TextKind::Legacy,
                })
            }
            b'T' => {
                let n = u32::from_le_bytes(self.fixed()?);
                self.text(u64::from(n), keep, TextKind::Legacy)?
            }
            b'U' => {
                let n = self.u8()?;
                self.text(u64::from(n), keep, TextKind::Legacy)?
            }
            b'V' => {
                let l = self.line()?;
                let data = raw_unicode_escape(&l);
                Op::Text(Text {
                    len: data.len() as u64,
                    data,
                    kind: TextKind::Unicode,
                })
            }
            b'X' => {
                let n = u32::from_le_bytes(self.fixed()?);
                self.text(u64::from(n), keep, TextKind::Unicode)?
            }
            0x8c => {
                let n = self.u8()?;
                self.text(u64::from(n), keep, TextKind::Unicode)?
            }
            0x8d => {
                let n = u64::from_le_bytes(self.fixed()?);
                self.text(n, keep, TextKind::Unicode)?
            }
            b'B' => {
                let n = u32::from_le_bytes(self.fixed()?);
                self.text(u64::from(n), keep, TextKind::Bytes)?
            }
            b'C' => {
                let n = self.u8()?;
                self.text(u64::from(n), keep, TextKind::Bytes)?
            }
            0x8e => {
                let n = u64::from_le_bytes(self.fixed()?);
                self.text(n, keep, TextKind::Bytes)?
            }
            0x96 => {
                let n = u64::from_le_bytes(self.fixed()?);
                self.text(n, keep, TextKind::ByteArray)?
            }
            b'a' => Op::Append,
            b'b' => Op::Build,
            b'c' | b'i' => {
                let module = self.line()?;
                let name = self.line()?;
                Op::Global {
                    module: String::from_utf8_lossy(&module).into_owned(),
                    name: String::from_utf8_lossy(&name).into_owned(),
                    inst: code == b'i',
                }
            }
            b'd' => Op::Dict,
            b'}' => Op::EmptyDict,
            b'e' => Op::Appends,
            b'g' => {
                let l = self.line()?;
                Op::Get(memo_index(&l).ok_or(bad("GET index"))?)
            }
            b'h' => Op::Get(u64::from(self.u8()?)),
            b'j' => Op::Get(u64::from(u32::from_le_bytes(self.fixed()?))),
            b'l' => Op::List,
            b']' => Op::EmptyList,
            b'o' => Op::Obj,
            b'p' => {
                let l = self.line()?;
                Op::Put(memo_index(&l).ok_or(bad("PUT index"))?)
            }
            b'q' => Op::Put(u64::from(self.u8()?)),
            b'r' => Op::Put(u64::from(u32::from_le_bytes(self.fixed()?))),
            b's' => Op::SetItem,
            b't' => Op::Tuple,
            b')' => Op::EmptyTuple,
            b'u' => Op::SetItems,
            0x80 => Op::Proto(self.u8()?),
            0x81 => Op::NewObj,
            0x82 => Op::Ext(u32::from(self.u8()?)),
            0x83 => Op::Ext(u32::from(u16::from_le_bytes(self.fixed()?))),
            0x84 => Op::Ext(u32::from_le_bytes(self.fixed()?)),
            0x85 => Op::TupleN(1),
            0x86 => Op::TupleN(2),
            0x87 => Op::TupleN(3),
            0x8f => Op::EmptySet,
            0x90 => Op::AddItems,
            0x91 => Op::FrozenSet,
            0x92 => Op::NewObjEx,
            0x93 => Op::StackGlobal,
            0x94 => Op::Memoize,
            0x95 => Op::Frame(u64::from_le_bytes(self.fixed()?)),
            0x97 => Op::NextBuffer,
            0x98 => Op::ReadonlyBuffer,
            byte => return Err(StreamError::BadOpcode { offset: at, byte }),
        };
        Ok((at, op))
    }

    fn text(&mut self, n: u64, keep: usize, kind: TextKind) -> Result<Op, StreamError> {
        let (data, len) = self.payload(n, keep)?;
        Ok(Op::Text(Text { data, len, kind }))
    }
}

fn parse_ascii(b: &[u8]) -> Option<&str> {
    std::str::from_utf8(b).ok()
}

fn int_from_text(l: &[u8]) -> Option<Op> {
    let s = parse_ascii(l)?.trim();
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match s.parse::<i64>() {
        Ok(v) => Op::Int(v),
        Err(_) => Op::BigInt,
    })
}

fn memo_index(l: &[u8]) -> Option<u64> {
    parse_ascii(l)?.trim().parse().ok()
}

fn long_from_le(d: &[u8], n: u64) -> Op {
    if n == 0 {
        return Op::Int(0);
    }
    if n > 8 {
        return Op::BigInt;
    }
    let neg = d.last().is_some_and(|b| b & 0x80 != 0);
    let mut buf = if neg { [0xffu8; 8] } else { [0u8; 8] };
    buf[..d.len()].copy_from_slice(d);
    Op::Int(i64::from_le_bytes(buf))
}

/// The argument of protocol-0 STRING: a Python literal in single or double quotes with
/// backslash escapes.
fn unquote_repr(l: &[u8]) -> Option<Vec<u8>> {
    let l = l.strip_suffix(b"\r").unwrap_or(l);
    if l.len() < 2 {
        return None;
    }
    let q = l[0];
    if (q != b'\'' && q != b'"') || l[l.len() - 1] != q {
        return None;
    }
    let body = &l[1..l.len() - 1];
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        i += 1;
        if c != b'\\' || i >= body.len() {
            out.push(c);
            continue;
        }
        let e = body[i];
        i += 1;
        match e {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                let mut k = 0;
                while k < 2 && i < body.len() && (b'0'..=b'7').contains(&body[i]) {
                    v = v * 8 + u32::from(body[i] - b'0');
                    i += 1;
                    k += 1;
                }
                out.push((v & 0xff) as u8);
            }
            b'x' if i + 2 <= body.len() => {
                match std::str::from_utf8(&body[i..i + 2])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.extend_from_slice(b"\\x"),
                }
            }
            b'\\' | b'\'' | b'"' => out.push(e),
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

/// The argument of protocol-0 UNICODE: raw-unicode-escape (`\uXXXX`, `\UXXXXXXXX`).
fn raw_unicode_escape(l: &[u8]) -> Vec<u8> {
    let mut out = String::with_capacity(l.len());
    let mut i = 0;
    while i < l.len() {
        if l[i] == b'\\' && i + 1 < l.len() && (l[i + 1] == b'u' || l[i + 1] == b'U') {
            let w = if l[i + 1] == b'u' { 4 } else { 8 };
            if let Some(c) = l
                .get(i + 2..i + 2 + w)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
            {
                out.push(c);
                i += 2 + w;
                continue;
            }
        }
        // Latin-1 for everything else.
        out.push(char::from(l[i]));
        i += 1;
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn ops(bytes: &[u8]) -> Vec<Op> {
        let mut c = Cursor::new(bytes.to_vec());
        let mut input = Input::new(&mut c, 0, bytes.len() as u64);
        let mut out = Vec::new();
        while input.remaining() > 0 {
            match input.op(1024) {
                Ok((_, op)) => out.push(op),
                Err(_) => break,
            }
        }
        out
    }

    #[test]
    fn protocol_0_text_arguments() {
        let o = ops(b"cos\nsystem\n(S'echo \\'hi\\''\nI01\nI-7\nL12L\nF1.5\nVa\\u00e9\ntR.");
        assert!(
            matches!(&o[0], Op::Global { module, name, inst: false } if module == "os" && name == "system")
        );
        assert!(matches!(&o[2], Op::Text(t) if t.data == b"echo 'hi'"));
        assert!(matches!(o[3], Op::Bool(true)));
        assert!(matches!(o[4], Op::Int(-7)));
        assert!(matches!(o[5], Op::Int(12)));
        assert!(matches!(o[6], Op::Float(f) if f == 1.5));
        assert!(matches!(&o[7], Op::Text(t) if t.data == "aé".as_bytes()));
    }

    #[test]
    fn binary_ints_and_longs() {
        let o = ops(b"J\xff\xff\xff\xffK\x05M\x2c\x01\x8a\x02\xff\x7f\x8a\x0b\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b");
        assert!(matches!(o[0], Op::Int(-1)));
        assert!(matches!(o[1], Op::Int(5)));
        assert!(matches!(o[2], Op::Int(300)));
        assert!(matches!(o[3], Op::Int(0x7fff)));
        assert!(matches!(o[4], Op::BigInt));
    }

    #[test]
    fn payloads_are_capped_and_skipped() {
        let mut b = vec![b'B'];
        b.extend_from_slice(&100_000u32.to_le_bytes());
        b.extend(std::iter::repeat_n(b'x', 100_000));
        b.push(b'.');
        let mut c = Cursor::new(b.clone());
        let mut input = Input::new(&mut c, 0, b.len() as u64);
        let (_, op) = input.op(16).unwrap();
        assert!(matches!(&op, Op::Text(t) if t.data.len() == 16 && t.len == 100_000));
        assert!(matches!(input.op(16).unwrap().1, Op::Stop));
    }

    #[test]
    fn huge_length_is_truncation_not_allocation() {
        let mut b = vec![0x8e];
        b.extend_from_slice(&u64::MAX.to_le_bytes());
        let mut c = Cursor::new(b.clone());
        let mut input = Input::new(&mut c, 0, b.len() as u64);
        assert!(matches!(
            input.op(1 << 20),
            Err(StreamError::Truncated { .. })
        ));
        assert_eq!(input.remaining(), 0);
    }

    #[test]
    fn protocol_4_and_5_opcodes() {
        let o = ops(b"\x80\x05\x95\x01\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x93\x8f\x90\x91\x92\x96\x01\x00\x00\x00\x00\x00\x00\x00z\x97\x98\x82\x01\x83\x01\x02\x84\x01\x00\x00\x00");
        assert!(matches!(o[0], Op::Proto(5)));
        assert!(matches!(o[1], Op::Frame(1)));
        assert!(matches!(o[3], Op::Memoize));
        assert!(matches!(o[4], Op::StackGlobal));
        assert!(matches!(&o[9], Op::Text(t) if t.kind == TextKind::ByteArray));
        assert!(matches!(o[12], Op::Ext(1)));
        assert!(matches!(o[13], Op::Ext(0x201)));
        assert!(matches!(o[14], Op::Ext(1)));
    }

    #[test]
    fn bad_opcode_and_truncated_line() {
        let mut c = Cursor::new(b"\xff".to_vec());
        let mut input = Input::new(&mut c, 0, 1);
        assert!(matches!(
            input.op(8),
            Err(StreamError::BadOpcode { byte: 0xff, .. })
        ));
        let mut c = Cursor::new(b"cos\nsys".to_vec());
        let mut input = Input::new(&mut c, 0, 7);
        assert!(matches!(input.op(8), Err(StreamError::Truncated { .. })));
    }
}

//! A bounded, streaming reader of the protobuf wire format, shared by the ONNX,
//! TensorFlow and Keras-metadata analyzers.
//!
//! Protobuf has no framing beyond field tags and lengths, so a reader that trusts
//! lengths can be made to allocate or seek anywhere. This one reads from a
//! `Read + Seek` stream, keeps an explicit end for every nested message (a field may
//! never run past the end of its parent), loads only the fields a caller asks for up
//! to a cap, and skips the rest: small gaps by reading, large ones (tensor payloads)
//! by seeking. Nothing is decoded into a generated message type.

use aispm_core::AnalysisError;
use aispm_core::analyzer::TimeLimitReached;
use std::io::{self, Read, Seek, SeekFrom};

/// Why the wire format could not be followed.
#[derive(Debug)]
pub enum WireError {
    Io(io::Error),
    /// The bytes break the wire format (bad tag, wire type, length past its parent).
    Malformed(String),
    /// A limit of the walk (nesting depth, field count) was reached.
    Limit(String),
    /// The per-file time limit passed.
    Time(TimeLimitReached),
}

impl From<TimeLimitReached> for WireError {
    fn from(e: TimeLimitReached) -> Self {
        WireError::Time(e)
    }
}

impl From<WireError> for AnalysisError {
    fn from(e: WireError) -> Self {
        match e {
            WireError::Io(e) => AnalysisError::Io(e),
            WireError::Malformed(m) => AnalysisError::Parse(m),
            WireError::Limit(m) => AnalysisError::Limit(m),
            WireError::Time(t) => AnalysisError::Time(t),
        }
    }
}

impl From<io::Error> for WireError {
    fn from(e: io::Error) -> Self {
        WireError::Io(e)
    }
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Io(e) => write!(f, "read error: {e}"),
            WireError::Malformed(m) => write!(f, "malformed protobuf: {m}"),
            WireError::Limit(m) => write!(f, "limit reached: {m}"),
            WireError::Time(t) => write!(f, "{t}"),
        }
    }
}

pub type WireResult<T> = Result<T, WireError>;

/// The payload of one field, as far as the wire format tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    /// A length-delimited payload starting at the reader's position.
    Len(u64),
}

/// One field tag and its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub number: u32,
    pub value: Value,
}

/// Gaps up to this size are skipped by reading rather than seeking, so a buffered
/// stream keeps its buffer.
const READ_SKIP: u64 = 8 * 1024;

/// Streaming wire-format reader with a position counter.
pub struct WireReader<R> {
    r: R,
    pos: u64,
    size: u64,
    scratch: Vec<u8>,
}

impl<R: Read + Seek> WireReader<R> {
    /// `size` is the number of bytes the stream holds; nothing beyond it is read.
    pub fn new(r: R, size: u64) -> Self {
        WireReader {
            r,
            pos: 0,
            size,
            scratch: Vec::new(),
        }
    }

    pub fn pos(&self) -> u64 {
        self.pos
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    fn byte(&mut self) -> WireResult<u8> {
        let mut b = [0u8; 1];
        self.r.read_exact(&mut b)?;
        self.pos += 1;
        Ok(b[0])
    }

    fn varint(&mut self, end: u64) -> WireResult<u64> {
        let mut v = 0u64;
        for i in 0..10u32 {
            if self.pos >= end {
                return Err(WireError::Malformed(format!(
                    "varint runs past the end of its message at byte {}",
                    self.pos
                )));
            }
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(WireError::Malformed("varint longer than 10 bytes".into()))
    }

    /// The next field of the message ending at `end`, or `None` at its end. For a
    /// [`Value::Len`] field the caller must consume exactly that many bytes (read,
    /// [`skip`](Self::skip) or descend with the payload's end as the new bound).
    pub fn next_field(&mut self, end: u64) -> WireResult<Option<Field>> {
        if self.pos >= end {
            return Ok(None);
        }
        let tag = self.varint(end)?;
        let number = u32::try_from(tag >> 3).unwrap_or(u32::MAX);
        if number == 0 || number > 536_870_911 {
            return Err(WireError::Malformed(format!(
                "field number {} at byte {}",
                tag >> 3,
                self.pos
            )));
        }
        let value = match tag & 7 {
            0 => Value::Varint(self.varint(end)?),
            1 => {
                let mut b = [0u8; 8];
                self.fixed(&mut b, end)?;
                Value::Fixed64(u64::from_le_bytes(b))
            }
            5 => {
                let mut b = [0u8; 4];
                self.fixed(&mut b, end)?;
                Value::Fixed32(u32::from_le_bytes(b))
            }
            2 => {
                let len = self.varint(end)?;
                if len > end.saturating_sub(self.pos) {
                    return Err(WireError::Malformed(format!(
                        "field {number} declares {len} bytes but its message ends {} bytes later",
                        end.saturating_sub(self.pos)
                    )));
                }
                Value::Len(len)
            }
            w => {
                return Err(WireError::Malformed(format!(
                    "wire type {w} of field {number} at byte {}",
                    self.pos
                )));
            }
        };
        Ok(Some(Field { number, value }))
    }

    fn fixed(&mut self, b: &mut [u8], end: u64) -> WireResult<()> {
        if (b.len() as u64) > end.saturating_sub(self.pos) {
            return Err(WireError::Malformed(
                "fixed-width value runs past its message".into(),
            ));
        }
        self.r.read_exact(b)?;
        self.pos += b.len() as u64;
        Ok(())
    }

    /// Skips `n` bytes of payload.
    pub fn skip(&mut self, n: u64) -> WireResult<()> {
        if n > self.size.saturating_sub(self.pos) {
            return Err(WireError::Malformed("skip past the end of the file".into()));
        }
        if n <= READ_SKIP {
            self.scratch.resize(n as usize, 0);
            self.r.read_exact(&mut self.scratch)?;
        } else {
            let to = self.pos + n;
            self.r.seek(SeekFrom::Start(to))?;
        }
        self.pos += n;
        Ok(())
    }

    /// Reads a payload of `len` bytes when it is at most `cap`; otherwise skips it
    /// and returns `None`.
    pub fn bytes(&mut self, len: u64, cap: usize) -> WireResult<Option<Vec<u8>>> {
        if len > cap as u64 {
            self.skip(len)?;
            return Ok(None);
        }
        let mut v = vec![0u8; len as usize];
        self.r.read_exact(&mut v)?;
        self.pos += len;
        Ok(Some(v))
    }

    /// A string payload (lossy UTF-8), truncated to `cap` bytes; the rest is skipped.
    pub fn string(&mut self, len: u64, cap: usize) -> WireResult<String> {
        let take = len.min(cap as u64);
        let mut v = vec![0u8; take as usize];
        self.r.read_exact(&mut v)?;
        self.pos += take;
        if len > take {
            self.skip(len - take)?;
        }
        Ok(String::from_utf8_lossy(&v).into_owned())
    }

    /// Skips whatever payload `field` has left (only [`Value::Len`] has one).
    pub fn skip_value(&mut self, field: Field) -> WireResult<()> {
        match field.value {
            Value::Len(n) => self.skip(n),
            _ => Ok(()),
        }
    }

    /// Reads the varints of a packed repeated field of `len` bytes, at most `max`
    /// of them (the rest are skipped); returns the values and the total count.
    pub fn packed_varints(&mut self, len: u64, max: usize) -> WireResult<(Vec<u64>, u64)> {
        let end = self.pos + len;
        let mut out = Vec::new();
        let mut count = 0u64;
        while self.pos < end {
            let v = self.varint(end)?;
            count += 1;
            if out.len() < max {
                out.push(v);
            }
        }
        Ok((out, count))
    }
}

/// Decodes a varint from the front of a slice: the value and its length.
pub fn varint_at(b: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &byte) in b.iter().take(10).enumerate() {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Cursor;

    fn fields(b: &[u8]) -> WireResult<Vec<Field>> {
        let mut r = WireReader::new(Cursor::new(b), b.len() as u64);
        let mut out = Vec::new();
        while let Some(f) = r.next_field(b.len() as u64)? {
            r.skip_value(f)?;
            out.push(f);
        }
        Ok(out)
    }

    #[test]
    fn reads_scalars_and_lengths() {
        let b = [0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i', 0x1d, 1, 0, 0, 0];
        let f = fields(&b).unwrap();
        assert_eq!(f[0].value, Value::Varint(150));
        assert_eq!(
            f[1],
            Field {
                number: 2,
                value: Value::Len(2)
            }
        );
        assert_eq!(f[2].value, Value::Fixed32(1));
    }

    #[test]
    fn refuses_lengths_past_the_parent() {
        assert!(fields(&[0x12, 0x05, b'a']).is_err());
        assert!(fields(&[0x0f]).is_err());
        assert!(fields(&[0x08, 0xff, 0xff]).is_err());
        assert!(fields(&[0x00, 0x01]).is_err());
    }

    #[test]
    fn strings_are_capped() {
        let b = [0x12, 0x05, b'a', b'b', b'c', b'd', b'e', 0x08, 0x01];
        let mut r = WireReader::new(Cursor::new(&b[..]), b.len() as u64);
        let f = r.next_field(9).unwrap().unwrap();
        let Value::Len(n) = f.value else { panic!() };
        assert_eq!(r.string(n, 2).unwrap(), "ab");
        assert_eq!(r.next_field(9).unwrap().unwrap().value, Value::Varint(1));
    }

    proptest! {
        #[test]
        fn never_panics_and_stays_in_bounds(b in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut r = WireReader::new(Cursor::new(&b[..]), b.len() as u64);
            let end = b.len() as u64;
            let mut steps = 0;
            while let Ok(Some(f)) = r.next_field(end) {
                steps += 1;
                if r.skip_value(f).is_err() || steps > 1000 { break; }
                prop_assert!(r.pos() <= end);
            }
        }
    }
}

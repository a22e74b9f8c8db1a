//! The protobuf wire format: LEB128 varints ([`decode_varint`], also the integers of
//! Thrift's compact protocol) and a bounded, streaming reader of fields
//! ([`WireReader`]).
//!
//! Protobuf has no framing beyond field tags and lengths, so a reader that trusts
//! lengths can be made to allocate or seek anywhere. [`WireReader`] reads from a
//! `Read + Seek` stream, keeps an explicit end for every nested message (a field may
//! never run past the end of its parent), loads only the fields a caller asks for up
//! to a cap, and skips the rest: small gaps by reading, large ones (tensor payloads)
//! by seeking. Nothing is decoded into a generated message type.

use std::io::{self, Read, Seek, SeekFrom};

/// Longest varint: ten 7-bit groups hold 64 bits.
pub const MAX_VARINT_LEN: usize = 10;

/// Highest field number protobuf allows (2^29 - 1).
pub const MAX_FIELD_NUMBER: u64 = 536_870_911;

/// Why a varint could not be decoded from a slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VarintError {
    /// The bytes end before the last group.
    #[error("varint runs past the end of the bytes")]
    Truncated,
    /// More than [`MAX_VARINT_LEN`] groups.
    #[error("varint longer than 10 bytes")]
    TooLong,
}

/// Decodes a varint, taking its bytes from `byte(i)` for `i` = 0, 1, …: the value and
/// the number of bytes used. Bits past the 64th are dropped, as protobuf's own
/// decoders do. The one varint loop of this crate.
fn decode_with<E>(
    mut byte: impl FnMut(usize) -> Result<u8, E>,
    too_long: impl FnOnce() -> E,
) -> Result<(u64, usize), E> {
    let mut v = 0u64;
    for i in 0..MAX_VARINT_LEN {
        let b = byte(i)?;
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok((v, i + 1));
        }
    }
    Err(too_long())
}

/// Decodes a varint from the front of `b`: the value and its length in bytes.
pub fn decode_varint(b: &[u8]) -> Result<(u64, usize), VarintError> {
    decode_with(
        |i| b.get(i).copied().ok_or(VarintError::Truncated),
        || VarintError::TooLong,
    )
}

/// [`decode_varint`] for callers that only need to know whether there is one.
pub fn varint_at(b: &[u8]) -> Option<(u64, usize)> {
    decode_varint(b).ok()
}

/// Why the wire format could not be followed.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// Reading the stream failed.
    #[error("read error: {0}")]
    Io(#[from] io::Error),
    /// The bytes break the wire format (bad tag, wire type, length past its parent).
    #[error("malformed protobuf: {0}")]
    Malformed(String),
}

/// A reader result.
pub type WireResult<T> = Result<T, WireError>;

/// The payload of one field, as far as the wire format tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1.
    Fixed64(u64),
    /// Wire type 5.
    Fixed32(u32),
    /// Wire type 2: a length-delimited payload starting at the reader's position.
    Len(u64),
}

/// One field tag and its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The field number.
    pub number: u32,
    /// Its payload.
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
    read_skip: u64,
}

impl<R: Read + Seek> WireReader<R> {
    /// A reader over a stream holding `size` bytes, positioned at its start; nothing
    /// beyond `size` is read.
    pub fn new(r: R, size: u64) -> Self {
        WireReader {
            r,
            pos: 0,
            size,
            scratch: Vec::new(),
            read_skip: READ_SKIP,
        }
    }

    /// Skips every gap by seeking, none by reading (by default gaps up to 8 KiB are
    /// read, so that a buffered stream keeps its buffer). For a skim of a few
    /// top-level fields, which reads nothing it does not keep.
    pub fn seeking_over_gaps(mut self) -> Self {
        self.read_skip = 0;
        self
    }

    /// Bytes consumed so far.
    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// Size of the stream.
    pub fn size(&self) -> u64 {
        self.size
    }

    fn varint(&mut self, end: u64) -> WireResult<u64> {
        let (v, _) = decode_with(
            |_| {
                if self.pos >= end {
                    return Err(WireError::Malformed(format!(
                        "varint runs past the end of its message at byte {}",
                        self.pos
                    )));
                }
                let mut b = [0u8; 1];
                self.r.read_exact(&mut b)?;
                self.pos += 1;
                Ok(b[0])
            },
            || WireError::Malformed("varint longer than 10 bytes".into()),
        )?;
        Ok(v)
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
        if number == 0 || u64::from(number) > MAX_FIELD_NUMBER {
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
        if n == 0 {
            return Ok(());
        }
        if n <= self.read_skip {
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
        let end = self.pos.saturating_add(len);
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

#[cfg(test)]
mod tests {
    use super::*;
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
    fn varints() {
        assert_eq!(decode_varint(&[0x96, 0x01, 0xff]), Ok((150, 2)));
        assert_eq!(decode_varint(&[0]), Ok((0, 1)));
        assert_eq!(decode_varint(&[]), Err(VarintError::Truncated));
        assert_eq!(decode_varint(&[0x80, 0x80]), Err(VarintError::Truncated));
        assert_eq!(decode_varint(&[0xff; 11]), Err(VarintError::TooLong));
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(decode_varint(&max), Ok((u64::MAX, 10)));
        assert_eq!(varint_at(&[0x08]), Some((8, 1)));
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
        let e = fields(&[0x12, 0x05, b'a']).unwrap_err();
        assert_eq!(
            e.to_string(),
            "malformed protobuf: field 2 declares 5 bytes but its message ends 1 bytes later"
        );
    }

    #[test]
    fn strings_are_capped() {
        let b = [0x12, 0x05, b'a', b'b', b'c', b'd', b'e', 0x08, 0x01];
        let mut r = WireReader::new(Cursor::new(&b[..]), b.len() as u64);
        let f = r.next_field(9).unwrap().unwrap();
        let Value::Len(n) = f.value else {
            panic!("{f:?}")
        };
        assert_eq!(r.string(n, 2).unwrap(), "ab");
        assert_eq!(r.next_field(9).unwrap().unwrap().value, Value::Varint(1));
    }

    #[test]
    fn packed_varints_are_capped_and_counted() {
        let b = [0x01, 0x96, 0x01, 0x03];
        let mut r = WireReader::new(Cursor::new(&b[..]), 4);
        assert_eq!(r.packed_varints(4, 2).unwrap(), (vec![1, 150], 3));
        assert_eq!(r.pos(), 4);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_stays_in_bounds(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let mut r = WireReader::new(Cursor::new(&b[..]), b.len() as u64);
            let end = b.len() as u64;
            let mut steps = 0;
            while let Ok(Some(f)) = r.next_field(end) {
                steps += 1;
                if r.skip_value(f).is_err() || steps > 1000 { break; }
                proptest::prop_assert!(r.pos() <= end);
            }
        }
    }
}

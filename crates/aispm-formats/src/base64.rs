//! Base64 (RFC 4648), standard and URL-safe alphabets alike (a mix of both too, as
//! the decoders attackers rely on are lenient), in two readings:
//!
//! - [`decode`]: a token — nothing but alphabet characters, optional `=` padding at
//!   the end, a length that can be base64. Secrets are decoded this way: a run of
//!   text either is one encoded value or is not.
//! - [`decode_wrapped`]: a blob written by Python's encoders (`base64.encodebytes`,
//!   `codecs.encode(…, "base64")`), which wrap lines — ASCII whitespace is skipped,
//!   and padding is read the way CPython's `binascii.a2b_base64` reads it: a `=` that
//!   completes a quad ends the data, any other `=` is ignored. A missing final padding
//!   is accepted. Embedded pickles and Keras lambda bytecode are decoded this way.
//!
//! Both refuse any other character, so text that is not base64 (Python source, say)
//! is told apart from an encoded blob.

/// Why a text is not base64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Base64Error {
    /// A byte outside the alphabets (and, for [`decode_wrapped`], not whitespace or
    /// padding).
    #[error("byte {byte:#04x} at {at} is not base64")]
    InvalidByte {
        /// The byte.
        byte: u8,
        /// Its offset in the text.
        at: usize,
    },
    /// A length of 4n+1 characters, which no encoder writes.
    #[error("{len} characters cannot be base64")]
    ImpossibleLength {
        /// Characters before the padding.
        len: usize,
    },
}

/// The 6-bit value of an alphabet character (standard or URL-safe).
fn value(b: u8) -> Option<u8> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    })
}

/// Accumulates 6-bit groups into bytes.
#[derive(Default)]
struct Bits {
    acc: u32,
    bits: u32,
}

impl Bits {
    /// Adds a group; returns a byte when one is complete.
    fn push(&mut self, v: u8) -> Option<u8> {
        self.acc = (self.acc << 6) | u32::from(v);
        self.bits += 6;
        if self.bits < 8 {
            return None;
        }
        self.bits -= 8;
        let byte = (self.acc >> self.bits) as u8;
        self.acc &= (1 << self.bits) - 1;
        Some(byte)
    }
}

/// Decodes a base64 token: alphabet characters only, `=` padding (any amount) only at
/// the end, and not 4n+1 characters long.
pub fn decode(s: &[u8]) -> Result<Vec<u8>, Base64Error> {
    let mut end = s.len();
    while end > 0 && s[end - 1] == b'=' {
        end -= 1;
    }
    let s = &s[..end];
    if s.len() % 4 == 1 {
        return Err(Base64Error::ImpossibleLength { len: s.len() });
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut bits = Bits::default();
    for (at, &b) in s.iter().enumerate() {
        let v = value(b).ok_or(Base64Error::InvalidByte { byte: b, at })?;
        if let Some(byte) = bits.push(v) {
            out.push(byte);
        }
    }
    Ok(out)
}

/// Decodes a wrapped base64 blob (see the module documentation), keeping at most
/// `max` bytes of output.
pub fn decode_wrapped(s: &[u8], max: usize) -> Result<Vec<u8>, Base64Error> {
    let mut out = Vec::with_capacity((s.len() / 4 * 3).min(max));
    let mut bits = Bits::default();
    // Characters of the current quad, and padding characters seen since its last.
    let mut quad = 0usize;
    let mut pads = 0usize;
    for (at, &b) in s.iter().enumerate() {
        if b == b'=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    break;
                }
            }
            continue;
        }
        if b.is_ascii_whitespace() {
            continue;
        }
        let v = value(b).ok_or(Base64Error::InvalidByte { byte: b, at })?;
        pads = 0;
        quad = (quad + 1) % 4;
        if let Some(byte) = bits.push(v) {
            if out.len() >= max {
                break;
            }
            out.push(byte);
        }
    }
    Ok(out)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = match chunk.len() {
            1 => (chunk[0] as u32) << 16,
            2 => ((chunk[0] as u32) << 16) | ((chunk[1] as u32) << 8),
            _ => ((chunk[0] as u32) << 16) | ((chunk[1] as u32) << 8) | chunk[2] as u32,
        };
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for s in [&b""[..], b"a", b"ab", b"abc", b"hello world!"] {
            assert_eq!(decode(encode(s).as_bytes()).unwrap(), s);
        }
        assert_eq!(decode(b"aGZf").unwrap(), b"hf_");
        // URL-safe and unpadded.
        assert_eq!(decode(b"-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(
            decode(b"a$b="),
            Err(Base64Error::InvalidByte { byte: b'$', at: 1 })
        );
        assert_eq!(
            decode(b"aGVsb"),
            Err(Base64Error::ImpossibleLength { len: 5 })
        );
        // Tokens hold no whitespace and no inner padding.
        assert!(decode(b"aGVs\nbG8=").is_err());
        assert!(decode(b"aGVs=bG8").is_err());
    }

    #[test]
    fn wrapped_blobs() {
        assert_eq!(decode_wrapped(b"aGVsbG8=", 100).unwrap(), b"hello");
        assert_eq!(decode_wrapped(b"aGVs\nbG8\n", 100).unwrap(), b"hello");
        assert_eq!(decode_wrapped(b"aGVs bG8\t", 100).unwrap(), b"hello");
        assert_eq!(decode_wrapped(b"aGVsbG8=", 2).unwrap(), b"he");
        assert!(decode_wrapped(b"a*b", 100).is_err());
        // Padding that completes a quad ends the data; other `=` are ignored.
        assert_eq!(decode_wrapped(b"aGk=aGk=", 100).unwrap(), b"hi");
        assert_eq!(decode_wrapped(b"aG==aGk=", 100).unwrap(), b"h");
        assert_eq!(decode_wrapped(b"=aGVs=bG8=", 100).unwrap(), b"hello");
    }

    #[test]
    fn encode_pads() {
        assert_eq!(encode(b"h"), "aA==");
        assert_eq!(encode(b"hi"), "aGk=");
        assert_eq!(encode(b"hf_"), "aGZf");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_stays_bounded(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512), max in 0usize..64) {
            if let Ok(d) = decode(&b) {
                proptest::prop_assert!(d.len() <= b.len());
            }
            if let Ok(d) = decode_wrapped(&b, max) {
                proptest::prop_assert!(d.len() <= max.min(b.len()));
            }
        }

        #[test]
        fn wrapped_reads_what_encode_writes(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let e = encode(&data);
            let wrapped: Vec<u8> = e.as_bytes().chunks(76).flat_map(|c| c.iter().copied().chain([b'\n'])).collect();
            proptest::prop_assert_eq!(decode_wrapped(&wrapped, usize::MAX).unwrap(), data.clone());
            proptest::prop_assert_eq!(decode(e.as_bytes()).unwrap(), data);
        }
    }
}

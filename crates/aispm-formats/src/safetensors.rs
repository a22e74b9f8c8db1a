//! The safetensors header: an 8-byte little-endian length, then that many bytes of a
//! JSON object mapping tensor names to `{dtype, shape, data_offsets}` and an optional
//! `__metadata__` map of strings. [`read_header`] reads the length and the header
//! bytes, refusing a length past the format's 100 MB cap or the end of the file;
//! [`parse_header`] turns the bytes into typed entries, in the header's order, after
//! costing the JSON tree ([`aispm_core::json`]) so an object-dense header is refused
//! before it is built. Judging the entries (dtypes known, offsets inside the data,
//! sizes agreeing) is the caller's. Tensor data is never read.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::io::{self, Read};

/// The format's own cap on the JSON header (the reference loader's).
pub const MAX_HEADER: u64 = 100_000_000;

/// Key of the metadata entry.
pub const METADATA_KEY: &str = "__metadata__";

/// Why a header length cannot be true.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LengthError {
    /// At or above 2^62: a length crafted to overflow loaders' arithmetic.
    #[error("header length {len} is near 2^64 (a crafted length meant to overflow loaders)")]
    NearU64Max {
        /// The length field.
        len: u64,
    },
    /// Above [`MAX_HEADER`].
    #[error(
        "header length {len} exceeds the format's 100 MB limit (file holds {room} bytes after the length)"
    )]
    OverCap {
        /// The length field.
        len: u64,
        /// Bytes after the length field.
        room: u64,
    },
    /// Longer than the rest of the file.
    #[error("header length {len} runs past the end of the file ({room} bytes follow the length)")]
    PastEnd {
        /// The length field.
        len: u64,
        /// Bytes after the length field.
        room: u64,
    },
}

impl LengthError {
    /// The length field.
    pub fn length(&self) -> u64 {
        match self {
            LengthError::NearU64Max { len }
            | LengthError::OverCap { len, .. }
            | LengthError::PastEnd { len, .. } => *len,
        }
    }
}

/// Checks the header length field `len` of a file of `file_size` bytes.
pub fn check_length(len: u64, file_size: u64) -> Result<(), LengthError> {
    let room = file_size.saturating_sub(8);
    if len >= 1 << 62 {
        Err(LengthError::NearU64Max { len })
    } else if len > MAX_HEADER {
        Err(LengthError::OverCap { len, room })
    } else if len > room {
        Err(LengthError::PastEnd { len, room })
    } else {
        Ok(())
    }
}

/// Why [`read_header`] read no header.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Reading the stream failed.
    #[error("read error: {0}")]
    Io(#[from] io::Error),
    /// Fewer than 8 bytes.
    #[error("file is shorter than the 8-byte header length")]
    Short,
    /// The length field cannot be true.
    #[error(transparent)]
    Length(#[from] LengthError),
}

impl ReadError {
    /// The length field, when it was read.
    pub fn length(&self) -> Option<u64> {
        match self {
            ReadError::Length(e) => Some(e.length()),
            _ => None,
        }
    }
}

/// Reads the length field and the header bytes from the start of a file of
/// `file_size` bytes. The allocation is bounded by [`check_length`]: at most
/// [`MAX_HEADER`] bytes, and inside the file.
pub fn read_header(r: &mut dyn Read, file_size: u64) -> Result<Vec<u8>, ReadError> {
    let mut len = [0u8; 8];
    if r.read_exact(&mut len).is_err() {
        return Err(ReadError::Short);
    }
    let n = u64::from_le_bytes(len);
    check_length(n, file_size)?;
    let mut header = vec![0u8; n as usize];
    r.read_exact(&mut header)?;
    Ok(header)
}

/// Bits per element of a safetensors dtype, `None` for names the format lacks.
pub fn dtype_bits(d: &str) -> Option<u64> {
    Some(match d {
        "F4" => 4,
        "F6_E2M3" | "F6_E3M2" => 6,
        "BOOL" | "U8" | "I8" | "F8_E5M2" | "F8_E4M3" | "F8_E8M0" => 8,
        "U16" | "I16" | "F16" | "BF16" => 16,
        "U32" | "I32" | "F32" => 32,
        "U64" | "I64" | "F64" | "C64" => 64,
        _ => return None,
    })
}

/// Why [`parse_header`] gave no entries.
#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    /// The bytes are not UTF-8.
    #[error("header is not UTF-8 (byte {valid_up_to})")]
    NotUtf8 {
        /// Length of the valid prefix.
        valid_up_to: usize,
    },
    /// Parsing would cost more than [`aispm_core::json::MAX_PARSED_BYTES`].
    #[error(
        "header would take about {} MiB to parse, more than the {} MiB the scanner allows; \
         it was not validated",
        .cost >> 20,
        aispm_core::json::MAX_PARSED_BYTES >> 20
    )]
    TooDense {
        /// The estimated cost in bytes.
        cost: u64,
    },
    /// Not JSON; the message is `serde_json`'s.
    #[error("header is not valid JSON: {0}")]
    NotJson(serde_json::Error),
    /// JSON, but not an object.
    #[error("header is not a JSON object")]
    NotObject,
}

/// The fields of a tensor entry, each `None` when missing or of the wrong shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TensorFields {
    /// `dtype`, when a string.
    pub dtype: Option<String>,
    /// `shape`, when an array of non-negative integers.
    pub shape: Option<Vec<u64>>,
    /// `data_offsets`, when a pair of non-negative integers.
    pub data_offsets: Option<(u64, u64)>,
}

/// The `__metadata__` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Metadata {
    /// An object: its entries in order, the value `None` when it is not a string.
    Object(Vec<(String, Option<String>)>),
    /// Something other than an object.
    NotObject,
}

/// One top-level entry of the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// `__metadata__`.
    Metadata(Metadata),
    /// A tensor: its name and, when the entry is an object, its fields.
    Tensor {
        /// The key.
        name: String,
        /// `None` when the entry is not an object.
        fields: Option<TensorFields>,
    },
}

/// A parsed header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// Top-level entries in the parsed object's order.
    pub entries: Vec<Entry>,
    /// A key the object declares more than once (the first in sorted order), since
    /// the parsed object keeps only one of them and loaders disagree on which.
    pub duplicate_key: Option<String>,
}

impl Header {
    /// The tensor entries.
    pub fn tensors(&self) -> impl Iterator<Item = (&str, Option<&TensorFields>)> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Tensor { name, fields } => Some((name.as_str(), fields.as_ref())),
            Entry::Metadata(_) => None,
        })
    }
}

/// Top-level keys of a JSON object in order, for the duplicate check (serde_json keeps
/// only the last of duplicate keys).
struct TopKeys(Vec<String>);

impl<'de> de::Deserialize<'de> for TopKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopKeys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<TopKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = m.next_key::<String>()? {
                    m.next_value::<de::IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(TopKeys(keys))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _s: A) -> Result<TopKeys, A::Error> {
                Err(de::Error::custom("not an object"))
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses the header bytes into typed entries. Checks, in order: UTF-8, the parsing
/// cost, JSON syntax, an object at the top.
pub fn parse_header(header: &[u8]) -> Result<Header, HeaderError> {
    let text = std::str::from_utf8(header).map_err(|e| HeaderError::NotUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    if let Some(cost) = aispm_core::json::over_budget(header) {
        return Err(HeaderError::TooDense { cost });
    }
    let value: Value = serde_json::from_str(text).map_err(HeaderError::NotJson)?;
    let Value::Object(obj) = value else {
        return Err(HeaderError::NotObject);
    };
    let mut duplicate_key = None;
    if let Ok(TopKeys(mut keys)) = serde_json::from_str::<TopKeys>(text)
        && keys.len() != obj.len()
    {
        keys.sort();
        duplicate_key = Some(
            keys.windows(2)
                .find(|w| w[0] == w[1])
                .map(|w| w[0].clone())
                .unwrap_or_default(),
        );
    }
    let entries = obj
        .into_iter()
        .map(|(name, v)| {
            if name == METADATA_KEY {
                return Entry::Metadata(match v {
                    Value::Object(m) => Metadata::Object(
                        m.into_iter()
                            .map(|(k, v)| match v {
                                Value::String(s) => (k, Some(s)),
                                _ => (k, None),
                            })
                            .collect(),
                    ),
                    _ => Metadata::NotObject,
                });
            }
            let fields = v.as_object().map(|e| TensorFields {
                dtype: e.get("dtype").and_then(Value::as_str).map(str::to_string),
                shape: e
                    .get("shape")
                    .and_then(Value::as_array)
                    .and_then(|a| a.iter().map(Value::as_u64).collect()),
                data_offsets: e
                    .get("data_offsets")
                    .and_then(Value::as_array)
                    .and_then(|a| match a.as_slice() {
                        [b, e] => Some((b.as_u64()?, e.as_u64()?)),
                        _ => None,
                    }),
            });
            Entry::Tensor { name, fields }
        })
        .collect();
    Ok(Header {
        entries,
        duplicate_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_field() {
        assert!(matches!(
            check_length(u64::MAX, 15),
            Err(LengthError::NearU64Max { .. })
        ));
        assert!(matches!(
            check_length(100_000_001, 200_000_000),
            Err(LengthError::OverCap { .. })
        ));
        assert!(check_length(54, 62).is_ok());
        assert_eq!(
            check_length(55, 62).unwrap_err().to_string(),
            "header length 55 runs past the end of the file (54 bytes follow the length)"
        );
    }

    #[test]
    fn reads_the_header_bytes() {
        let mut f = 2u64.to_le_bytes().to_vec();
        f.extend_from_slice(b"{}tensor bytes");
        assert_eq!(read_header(&mut &f[..], f.len() as u64).unwrap(), b"{}");
        assert!(matches!(
            read_header(&mut &f[..5], 5),
            Err(ReadError::Short)
        ));
        let mut f = 99u64.to_le_bytes().to_vec();
        f.extend_from_slice(b"{}");
        let e = read_header(&mut &f[..], f.len() as u64).unwrap_err();
        assert_eq!(e.length(), Some(99));
    }

    #[test]
    fn entries_in_order_with_their_fields() {
        let h = br#"{"__metadata__":{"format":"pt","n":1},"b":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"w":[1],"x":{"shape":[-1],"data_offsets":[0]}}"#;
        let h = parse_header(h).unwrap();
        assert_eq!(h.duplicate_key, None);
        assert_eq!(
            h.entries[0],
            Entry::Metadata(Metadata::Object(vec![
                ("format".into(), Some("pt".into())),
                ("n".into(), None)
            ]))
        );
        let tensors: Vec<_> = h.tensors().collect();
        assert_eq!(tensors.len(), 3);
        assert_eq!(
            tensors[0].1.unwrap(),
            &TensorFields {
                dtype: Some("F32".into()),
                shape: Some(vec![4]),
                data_offsets: Some((0, 16))
            }
        );
        assert_eq!(tensors[1], ("w", None));
        assert_eq!(tensors[2].1.unwrap(), &TensorFields::default());
    }

    #[test]
    fn duplicates_and_malformed_headers() {
        let dup = parse_header(br#"{"a":{},"b":{},"a":{}}"#).unwrap();
        assert_eq!(dup.duplicate_key.as_deref(), Some("a"));
        assert!(matches!(
            parse_header(b"{\"\xff\":1}"),
            Err(HeaderError::NotUtf8 { valid_up_to: 2 })
        ));
        assert!(matches!(parse_header(b"[1]"), Err(HeaderError::NotObject)));
        assert!(matches!(
            parse_header(b"{not json"),
            Err(HeaderError::NotJson(_))
        ));
        let meta = parse_header(br#"{"__metadata__":[]}"#).unwrap();
        assert_eq!(meta.entries, [Entry::Metadata(Metadata::NotObject)]);
    }

    /// A header of small objects costs some 85 times its length once parsed; past
    /// the budget it is refused unparsed.
    #[test]
    fn object_dense_header_is_not_parsed() {
        let n = aispm_core::json::MAX_PARSED_BYTES as usize / 700 + 1;
        let h = format!(r#"{{"t":[{}0]}}"#, r#"{"a":0},"#.repeat(n));
        assert!(matches!(
            parse_header(h.as_bytes()),
            Err(HeaderError::TooDense { .. })
        ));
    }
}

//! The `.npy` header: the magic `\x93NUMPY`, a version (1.0, 2.0 or 3.0), a 16-bit
//! (version 1) or 32-bit header length, then a Python dict literal such as
//! `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces.
//! The reader works on the bytes it is given (the engine's 8 KiB head): the dict text is
//! what of the declared header those bytes hold. Nothing is evaluated.

/// The magic bytes.
pub const MAGIC: &[u8] = b"\x93NUMPY";

/// Why [`parse_header`] read no header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NpyError {
    /// The bytes do not start with [`MAGIC`].
    #[error("no .npy magic")]
    NotNpy,
    /// Too few bytes for the version and header length.
    #[error("truncated header")]
    Truncated,
    /// A major version other than 1, 2 or 3.
    #[error("unsupported .npy version {major}")]
    UnsupportedVersion {
        /// The major version byte.
        major: u8,
    },
}

/// A header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpyHeader {
    /// Major version (1, 2 or 3).
    pub major: u8,
    /// Length of the dict the header declares.
    pub header_len: u64,
    /// Where the array data starts (after the dict).
    pub data_offset: u64,
    /// The dict text present in the bytes given (lossy UTF-8), up to its declared end.
    pub dict: String,
}

/// Reads the header at the start of `head`.
pub fn parse_header(head: &[u8]) -> Result<NpyHeader, NpyError> {
    if !head.starts_with(MAGIC) {
        return Err(NpyError::NotNpy);
    }
    if head.len() < 10 {
        return Err(NpyError::Truncated);
    }
    let major = head[6];
    let (header_len, start) = match major {
        1 => (u64::from(u16::from_le_bytes([head[8], head[9]])), 10u64),
        2 | 3 => {
            let b = head.get(8..12).ok_or(NpyError::Truncated)?;
            (
                u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                12u64,
            )
        }
        _ => return Err(NpyError::UnsupportedVersion { major }),
    };
    let data_offset = start + header_len;
    let end = usize::try_from(data_offset)
        .unwrap_or(usize::MAX)
        .min(head.len());
    let dict = String::from_utf8_lossy(&head[start as usize..end]).into_owned();
    Ok(NpyHeader {
        major,
        header_len,
        data_offset,
        dict,
    })
}

impl NpyHeader {
    /// The value text of `'key': value` in the dict (shallow: a parenthesised tuple
    /// whole, anything else up to the next `,` or `}`).
    pub fn value(&self, key: &str) -> Option<&str> {
        let h = self.dict.as_str();
        let k = h.find(&format!("'{key}'"))?;
        let rest = &h[k + key.len() + 2..];
        let rest = rest.trim_start().strip_prefix(':')?.trim_start();
        if let Some(inner) = rest.strip_prefix('(') {
            return inner.find(')').map(|e| &rest[..e + 2]);
        }
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        Some(rest[..end].trim())
    }

    /// Whether the dtype (`descr`, structured dtypes included) holds Python objects,
    /// so the data is a pickle and loading it needs `allow_pickle=True`.
    pub fn has_object_dtype(&self) -> bool {
        let text = self.dict.as_str();
        let Some(descr_at) = text.find("descr") else {
            return false;
        };
        let descr = &text[descr_at..];
        // The descr value runs to the next top-level key.
        let stop = [
            "'fortran_order'",
            "'shape'",
            "\"fortran_order\"",
            "\"shape\"",
        ]
        .iter()
        .filter_map(|k| descr.find(k))
        .min()
        .unwrap_or(descr.len());
        let descr = &descr[..stop];
        [
            "'|O'", "'O'", "\"|O\"", "\"O\"", "'<O'", "'>O'", "'O8'", "'|O8'",
        ]
        .iter()
        .any(|p| descr.contains(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(major: u8, dict: &str) -> Vec<u8> {
        let mut v = MAGIC.to_vec();
        v.extend_from_slice(&[major, 0]);
        if major == 1 {
            v.extend_from_slice(&(dict.len() as u16).to_le_bytes());
        } else {
            v.extend_from_slice(&(dict.len() as u32).to_le_bytes());
        }
        v.extend_from_slice(dict.as_bytes());
        v.extend_from_slice(b"data");
        v
    }

    #[test]
    fn reads_the_dict() {
        let d = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";
        for major in [1, 2, 3] {
            let h = parse_header(&npy(major, d)).unwrap();
            assert_eq!(h.major, major);
            assert_eq!(h.dict, d);
            assert_eq!(h.value("descr"), Some("'<f4'"));
            assert_eq!(h.value("shape"), Some("(3, 4)"));
            assert_eq!(h.value("nope"), None);
            assert!(!h.has_object_dtype());
            let start = if major == 1 { 10 } else { 12 };
            assert_eq!(h.data_offset, start + d.len() as u64);
        }
    }

    #[test]
    fn object_dtypes() {
        for d in [
            "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }",
            "{'descr': [('a', '<f4'), ('b', 'O')], 'fortran_order': False, 'shape': (2,), }",
            "{\"descr\": \"O\", \"shape\": (2,)}",
        ] {
            assert!(parse_header(&npy(1, d)).unwrap().has_object_dtype(), "{d}");
        }
        let text = "{'descr': '<U10', 'fortran_order': False, 'shape': (2,), }";
        assert!(!parse_header(&npy(1, text)).unwrap().has_object_dtype());
    }

    #[test]
    fn short_and_odd_headers() {
        assert_eq!(parse_header(b"PK\x03\x04"), Err(NpyError::NotNpy));
        assert_eq!(parse_header(b"\x93NUMPY\x01\x00"), Err(NpyError::Truncated));
        assert_eq!(
            parse_header(b"\x93NUMPY\x02\x00\x10\x00"),
            Err(NpyError::Truncated)
        );
        assert_eq!(
            parse_header(b"\x93NUMPY\x09\x00\x10\x00"),
            Err(NpyError::UnsupportedVersion { major: 9 })
        );
        // A declared length past the bytes given: the dict is what is there.
        let mut v = b"\x93NUMPY\x03\x00".to_vec();
        v.extend_from_slice(&u32::MAX.to_le_bytes());
        v.extend_from_slice(b"{'descr': '|O'");
        let h = parse_header(&v).unwrap();
        assert_eq!(h.data_offset, 12 + u64::from(u32::MAX));
        assert!(h.has_object_dtype());
    }
}

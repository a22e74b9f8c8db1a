//! Recognises a second pickle stored as data inside a pickle: raw bytes, or text in hex
//! or base64. Only the shape is checked here; the caller analyses what it decodes.

use aispm_formats::base64;

/// Decodes `data` when it holds a pickle (raw, hex or base64); returns the encoding and
/// the pickle bytes.
pub fn decode_pickle(data: &[u8]) -> Option<(&'static str, Vec<u8>)> {
    if data.len() < 8 {
        return None;
    }
    if is_pickle_start(data) {
        return Some(("embedded", data.to_vec()));
    }
    // Hex: "8004..." (protocols 2 to 5).
    if data.len() >= 16
        && data.len().is_multiple_of(2)
        && data[..2] == *b"80"
        && (b'2'..=b'5').contains(&data[3])
        && data[2] == b'0'
        && data.iter().all(u8::is_ascii_hexdigit)
    {
        let bytes = hex_decode(data)?;
        return is_pickle_start(&bytes).then_some(("hex-encoded", bytes));
    }
    // Base64 of 0x80 0x02..0x05 starts with "gA".
    if data.len() >= 12 && data.starts_with(b"gA") {
        // Wrapped as Python's encoders write it; the output is shorter than the text.
        let bytes = base64::decode_wrapped(data, data.len()).ok()?;
        return is_pickle_start(&bytes).then_some(("base64-encoded", bytes));
    }
    None
}

/// PROTO 2..5 followed by a plausible opcode, or a protocol-0 GLOBAL line pair.
fn is_pickle_start(b: &[u8]) -> bool {
    if b.len() >= 4 && b[0] == 0x80 && (2..=5).contains(&b[1]) {
        return matches!(
            b[2],
            0x95 | b'}'
                | b']'
                | b')'
                | b'('
                | b'c'
                | 0x8c
                | b'X'
                | b'K'
                | b'J'
                | b'N'
                | 0x93
                | 0x88
                | 0x89
                | b'G'
                | b'C'
                | b'B'
                | 0x8a
                | b'U'
                | b'T'
                | b'q'
                | b'h'
        );
    }
    if b.first() == Some(&b'c') {
        let mut lines = b[1..].splitn(3, |&c| c == b'\n');
        let module = lines.next().unwrap_or_default();
        let name = lines.next().unwrap_or_default();
        let dotted = |s: &[u8]| {
            !s.is_empty()
                && s.len() < 128
                && s.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        };
        return lines.next().is_some() && dotted(module) && dotted(name);
    }
    false
}

fn hex_decode(s: &[u8]) -> Option<Vec<u8>> {
    s.chunks_exact(2)
        .map(|c| {
            let hi = (c[0] as char).to_digit(16)?;
            let lo = (c[1] as char).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_hex_and_base64() {
        let p = b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01.";
        assert_eq!(decode_pickle(p).unwrap().0, "embedded");
        let hex: String = p.iter().map(|b| format!("{b:02x}")).collect();
        let (enc, bytes) = decode_pickle(hex.as_bytes()).unwrap();
        assert_eq!((enc, bytes.as_slice()), ("hex-encoded", &p[..]));
        // base64 of the same bytes
        let b64 = b"gASVBQAAAAAAAABLAS4=";
        let (enc, bytes) = decode_pickle(b64).unwrap();
        assert_eq!((enc, bytes.as_slice()), ("base64-encoded", &p[..]));
        assert!(decode_pickle(b"cos\nsystem\n(S'x'\ntR.").is_some());
    }

    #[test]
    fn ordinary_text_is_not_a_pickle() {
        for t in [
            &b"gAlleries of cats"[..],
            b"80 percent of runs",
            b"os.system('echo hi')",
            b"configuration file",
            b"8004zz0000000000",
        ] {
            assert!(decode_pickle(t).is_none(), "{}", String::from_utf8_lossy(t));
        }
    }
}

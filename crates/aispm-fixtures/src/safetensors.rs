//! safetensors files: an 8-byte little-endian header length, a JSON header (with an
//! optional `__metadata__` map of strings) padded with spaces to 8-byte alignment, then
//! the tensor bytes back to back. Header and data can be produced separately so the
//! benchmark can stream multi-gigabyte files.
//!
//! The writer trusts its caller: offsets come from the byte lengths given, and a shape
//! that disagrees with them is written as is, which is handy for malformed fixtures.

use std::collections::BTreeMap;

/// One tensor: name, dtype (`F32`, `F16`, `BF16`, `I64`, `U8`, ...), shape, bytes.
pub type Tensor<'a> = (&'a str, &'a str, &'a [usize], &'a [u8]);

/// One tensor described by its byte length only (for streaming writers).
pub type TensorSpec<'a> = (&'a str, &'a str, &'a [usize], u64);

/// Size in bytes of one element of a safetensors dtype, if known.
pub fn dtype_size(dtype: &str) -> Option<usize> {
    Some(match dtype {
        "BOOL" | "U8" | "I8" | "F8_E4M3" | "F8_E5M2" => 1,
        "U16" | "I16" | "F16" | "BF16" => 2,
        "U32" | "I32" | "F32" => 4,
        "U64" | "I64" | "F64" => 8,
        _ => return None,
    })
}

/// The 8-byte length prefix plus the padded JSON header for tensors laid out in order.
pub fn safetensors_header(
    tensors: &[TensorSpec<'_>],
    metadata: Option<&BTreeMap<String, String>>,
) -> Vec<u8> {
    let mut json = String::from("{");
    let mut first = true;
    if let Some(meta) = metadata {
        json.push_str("\"__metadata__\":");
        json.push_str(&serde_json::to_string(meta).expect("string map serialises"));
        first = false;
    }
    let mut offset = 0u64;
    for (name, dtype, shape, len) in tensors {
        if !first {
            json.push(',');
        }
        first = false;
        // Written by hand rather than through a serde_json map so that key order never
        // depends on serde_json's features (preserve_order may be enabled elsewhere).
        let shape: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        json.push_str(&format!(
            "{}:{{\"dtype\":{},\"shape\":[{}],\"data_offsets\":[{},{}]}}",
            serde_json::to_string(name).expect("str serialises"),
            serde_json::to_string(dtype).expect("str serialises"),
            shape.join(","),
            offset,
            offset + len
        ));
        offset += len;
    }
    json.push('}');
    while json.len() % 8 != 0 {
        json.push(' ');
    }
    let mut out = Vec::with_capacity(8 + json.len());
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(json.as_bytes());
    out
}

/// A complete safetensors file.
pub fn safetensors(tensors: &[Tensor<'_>], metadata: Option<&BTreeMap<String, String>>) -> Vec<u8> {
    let specs: Vec<TensorSpec<'_>> = tensors
        .iter()
        .map(|(n, d, s, b)| (*n, *d, *s, b.len() as u64))
        .collect();
    let mut out = safetensors_header(&specs, metadata);
    for (_, _, _, bytes) in tensors {
        out.extend_from_slice(bytes);
    }
    out
}

/// `{"format": "pt"}`, the metadata `safetensors.torch.save_file` users usually pass.
pub fn pt_metadata() -> BTreeMap<String, String> {
    BTreeMap::from([("format".to_string(), "pt".to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_length_alignment_and_offsets() {
        let a = [1u8; 16];
        let b = [2u8; 6];
        let meta = pt_metadata();
        let bytes = safetensors(
            &[("w", "F32", &[2, 2], &a), ("b", "F16", &[3], &b)],
            Some(&meta),
        );
        let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        assert_eq!(n % 8, 0);
        assert_eq!(bytes.len(), 8 + n + 22);
        let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
        assert_eq!(header["__metadata__"]["format"], "pt");
        assert_eq!(header["w"]["data_offsets"], serde_json::json!([0, 16]));
        assert_eq!(header["b"]["data_offsets"], serde_json::json!([16, 22]));
        assert_eq!(header["b"]["shape"], serde_json::json!([3]));
        assert_eq!(&bytes[8 + n..8 + n + 16], &a);
        assert!(bytes[8..8 + n].starts_with(b"{\"__metadata__\""));
    }

    #[test]
    fn no_metadata_and_empty() {
        let bytes = safetensors(&[], None);
        let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        assert_eq!(bytes.len(), 8 + n);
        assert_eq!(std::str::from_utf8(&bytes[8..]).unwrap().trim_end(), "{}");
        assert_eq!(dtype_size("BF16"), Some(2));
        assert_eq!(dtype_size("nope"), None);
    }
}

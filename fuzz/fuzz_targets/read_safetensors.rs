//! The shared safetensors header reader (`aispm_formats::safetensors`) driven
//! directly: the length field and header bytes, then the typed entries. Checks that
//! the header read is bounded by the file and the format's cap.
#![no_main]

use aispm_formats::safetensors::{self, MAX_HEADER, ReadError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let size = data.len() as u64;
    match safetensors::read_header(&mut &data[..], size) {
        Ok(header) => {
            assert!(header.len() as u64 <= MAX_HEADER);
            assert!(header.len() as u64 + 8 <= size);
            if let Ok(h) = safetensors::parse_header(&header) {
                assert!(h.entries.len() <= header.len());
                for (_, fields) in h.tensors() {
                    if let Some(d) = fields.and_then(|f| f.dtype.as_deref()) {
                        let _ = safetensors::dtype_bits(d);
                    }
                }
            }
        }
        Err(ReadError::Io(e)) => panic!("in-memory read failed: {e}"),
        Err(_) => {}
    }
    // The header parser on its own, over any bytes.
    let _ = safetensors::parse_header(data);
});

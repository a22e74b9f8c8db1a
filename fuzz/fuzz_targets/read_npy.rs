//! The shared `.npy` header reader (`aispm_formats::npy`) driven directly: the header
//! framing, the dict's values and the object-dtype check.
#![no_main]

use aispm_formats::npy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(h) = npy::parse_header(data) else {
        return;
    };
    assert!(h.data_offset >= h.header_len);
    // Lossy UTF-8 at most triples a byte.
    assert!(h.dict.len() <= 3 * data.len());
    for key in ["descr", "shape", "fortran_order"] {
        if let Some(v) = h.value(key) {
            assert!(v.len() <= h.dict.len());
        }
    }
    let _ = h.has_object_dtype();
});

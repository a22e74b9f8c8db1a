//! The shared base64 decoders (`aispm_formats::base64`) driven directly: tokens and
//! wrapped blobs (the first byte caps the output), and a round trip through the
//! encoder. Checks that output stays within its bounds.
#![no_main]

use aispm_formats::base64;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cap, text)) = data.split_first() else {
        return;
    };
    if let Ok(d) = base64::decode(text) {
        assert!(d.len() <= text.len() * 3 / 4 + 1);
    }
    let max = usize::from(cap) * 16;
    if let Ok(d) = base64::decode_wrapped(text, max) {
        assert!(d.len() <= max && d.len() <= text.len());
    }
    let encoded = base64::encode(text);
    assert_eq!(base64::decode(encoded.as_bytes()).as_deref(), Ok(text));
    assert_eq!(
        base64::decode_wrapped(encoded.as_bytes(), usize::MAX).as_deref(),
        Ok(text)
    );
});

//! The shared protobuf wire reader (`aispm_formats::protobuf`) driven directly: every
//! length-delimited field is tried as a nested message (to a few levels), read as a
//! capped string, as capped bytes or as packed varints, by the field number's low
//! bits; varints are also decoded from the front of the bytes. Checks that the reader
//! never leaves the message it is in, and that skipping gaps by reading or by seeking
//! ends in the same place.
#![no_main]

use aispm_formats::protobuf::{self, Value, WireReader, WireResult};
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;

fn message(r: &mut WireReader<Cursor<&[u8]>>, end: u64, depth: u32) -> WireResult<()> {
    let mut fields = 0;
    while let Some(f) = r.next_field(end)? {
        fields += 1;
        if fields > 10_000 {
            return Ok(());
        }
        if let Value::Len(n) = f.value {
            let inner_end = r.pos() + n;
            assert!(inner_end <= end);
            match f.number % 4 {
                0 if depth < 8 => message(r, inner_end, depth + 1)?,
                1 => {
                    r.string(n, 16)?;
                }
                2 => {
                    r.bytes(n, 64)?;
                }
                3 => {
                    r.packed_varints(n, 8)?;
                }
                _ => r.skip(n)?,
            }
            assert_eq!(r.pos(), inner_end);
        }
        assert!(r.pos() <= end);
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    if let Ok((_, n)) = protobuf::decode_varint(data) {
        assert!((1..=protobuf::MAX_VARINT_LEN).contains(&n) && n <= data.len());
    }
    let size = data.len() as u64;
    let mut ends = Vec::new();
    for seeking in [false, true] {
        let mut r = WireReader::new(Cursor::new(data), size);
        if seeking {
            r = r.seeking_over_gaps();
        }
        let outcome = message(&mut r, size, 0);
        if let Err(protobuf::WireError::Io(e)) = &outcome {
            panic!("in-memory read failed: {e}");
        }
        assert!(r.pos() <= size);
        ends.push((r.pos(), outcome.map_err(|e| e.to_string())));
    }
    assert_eq!(ends[0], ends[1]);
});

//! The sniffer never panics and is bounded, whatever the bytes and name.

use aispm_engine::sniff::{classify_zip, sniff};
use proptest::prelude::*;

const PREFIXES: &[&[u8]] = &[
    b"",
    b"PK\x03\x04",
    b"\x80\x02",
    b"\x80\x04\x95",
    b"GGUF",
    b"\x89HDF\r\n\x1a\n",
    b"\x93NUMPY",
    b"\x1f\x8b",
    b"BZh9",
    b"\x78\x9c",
    b"\x5d\x00\x00",
    b"cos\nsystem\n",
    b"(",
    b"{",
    b"\x08\x07\x12",
    b"\xff\xff\xff\xff\xff\xff\xff\xff{",
    b"PAR1",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn sniff_never_panics(prefix in 0..PREFIXES.len(), tail in proptest::collection::vec(any::<u8>(), 0..1200), size in any::<u64>(), name in "[a-z._/]{0,20}") {
        let mut head = PREFIXES[prefix].to_vec();
        head.extend_from_slice(&tail);
        let _ = sniff(&head, &name, size);
        let _ = sniff(&head, &name, head.len() as u64);
    }

    #[test]
    fn classify_zip_never_panics(names in proptest::collection::vec("[a-z./]{0,16}", 0..20)) {
        let _ = classify_zip(&names);
    }
}

//! The pickle reader never panics and stays bounded on arbitrary bytes: random data,
//! random opcode soups behind a valid PROTO, huge length fields, huge memo indices and
//! deep MARK nesting.

use aispm_core::AnalysisContext;
use aispm_models::pickle::machine::{Limits, scan_bytes};
use proptest::prelude::*;

fn small_limits() -> Limits {
    Limits {
        max_ops: 100_000,
        max_stack: 10_000,
        max_marks: 1_000,
        max_memo: 10_000,
        max_nodes: 10_000,
        keep_text: 4096,
        text_budget: 1 << 20,
        max_items: 256,
        max_streams: 8,
        max_depth: 2,
    }
}

/// Opcode bytes (every valid one plus a few invalid) with short arguments.
fn opcode_soup() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop_oneof![
        prop::sample::select(
            b"().012NRabde}ghjl]opqrstuQ\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x94\x97\x98"
                .to_vec()
        )
        .prop_map(|b| vec![b]),
        any::<u8>().prop_map(|b| vec![b'K', b]),
        any::<u8>().prop_map(|b| vec![b'h', b]),
        any::<u8>().prop_map(|b| vec![b'q', b]),
        "[a-z_.]{0,8}".prop_map(|s| [&[0x8c, s.len() as u8][..], s.as_bytes()].concat()),
        ("[a-z_.]{0,6}", "[a-z_]{0,6}").prop_map(|(m, n)| format!("c{m}\n{n}\n").into_bytes()),
        any::<u64>().prop_map(|n| [&[0x8e][..], &n.to_le_bytes()].concat()),
        any::<u32>().prop_map(|n| [&[b'j'][..], &n.to_le_bytes()].concat()),
        any::<u32>().prop_map(|n| [&[b'X'][..], &n.to_le_bytes()].concat()),
        any::<u8>().prop_map(|b| vec![0x82, b]),
        prop::collection::vec(any::<u8>(), 0..4),
    ];
    prop::collection::vec(pieces, 0..200).prop_map(|v| {
        let mut out = vec![0x80, 4];
        out.extend(v.concat());
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let cx = AnalysisContext::new(None, 0);
        let obs = scan_bytes(&bytes, &small_limits(), 0, &cx).unwrap();
        prop_assert!(obs.ops <= small_limits().max_ops + 2048 * 4);
    }

    #[test]
    fn opcode_soup_never_panics(bytes in opcode_soup()) {
        let cx = AnalysisContext::new(None, 0);
        let _ = scan_bytes(&bytes, &small_limits(), 0, &cx).unwrap();
    }
}

#[test]
fn huge_length_fields_and_indices_are_bounded() {
    let cx = AnalysisContext::new(None, 0);
    for op in [0x8d_u8, 0x8e, 0x96] {
        let mut b = vec![0x80, 4, op];
        b.extend(u64::MAX.to_le_bytes());
        let obs = scan_bytes(&b, &Limits::default(), 0, &cx).unwrap();
        assert!(obs.malformed.is_some());
    }
    // LONG_BINPUT / LONG_BINGET with the largest index: no allocation by index.
    let obs = scan_bytes(
        b"\x80\x02Nr\xff\xff\xff\xffj\xff\xff\xff\xff.",
        &Limits::default(),
        0,
        &cx,
    )
    .unwrap();
    assert_eq!(obs.streams, 1);
    // A million nested MARKs stop at the MARK cap.
    let mut deep = vec![0x80, 2];
    deep.extend(std::iter::repeat_n(b'(', 1_000_000));
    let obs = scan_bytes(&deep, &Limits::default(), 0, &cx).unwrap();
    assert!(obs.limit.is_some());
    // A LONG4 of 2^32-1 bytes in a tiny file is truncation, not allocation.
    let obs = scan_bytes(b"\x80\x02\x8b\xff\xff\xff\xff", &Limits::default(), 0, &cx).unwrap();
    assert!(obs.malformed.is_some());
}

//! The safetensors validator never panics and stays bounded on arbitrary headers, and
//! the analyzer never reads past the header.

use aispm_formats::safetensors::check_length;
use aispm_models::safetensors::rules::mdl054_suspicious_metadata::check_metadata;
use aispm_models::safetensors::validate_header;
use proptest::prelude::*;

fn entry() -> impl Strategy<Value = String> {
    (
        "[a-z_]{1,6}",
        prop::sample::select(vec!["F32", "F16", "U8", "BOOL", "F4", "Q9", ""]),
        prop::collection::vec(0u64..u64::MAX, 0..4),
        any::<u64>(),
        any::<u64>(),
    )
        .prop_map(|(name, dtype, shape, b, e)| {
            let shape: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!(
                "\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{}],\"data_offsets\":[{},{}]}}",
                shape.join(","),
                b % 4096,
                e % 4096
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn validator_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512), data in any::<u64>()) {
        let r = validate_header(&bytes, data);
        prop_assert!(r.issues.len() <= 32);
    }

    #[test]
    fn validator_never_panics_on_headers(entries in prop::collection::vec(entry(), 0..8), data in 0u64..8192) {
        let h = format!("{{{}}}", entries.join(","));
        let r = validate_header(h.as_bytes(), data);
        prop_assert!(r.issues.len() <= 32);
    }

    #[test]
    fn length_check_never_panics(n in any::<u64>(), size in any::<u64>()) {
        if check_length(n, size).is_ok() {
            prop_assert!(n <= size.saturating_sub(8));
        }
    }

    #[test]
    fn metadata_check_never_panics(k in "\\PC{0,20}", v in "\\PC{0,200}") {
        let _ = check_metadata(&[(k, v)], &mut || Ok(())).expect("no time limit");
    }
}

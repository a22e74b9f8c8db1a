//! The inventory's header readers never panic on hostile bytes: every kind is fed
//! random content behind its magic, at random claimed sizes.

use aispm_core::{AnalysisContext, Analyzer, FileInput, FileKind, Source};
use aispm_inventory::InventoryAnalyzer;
use proptest::prelude::*;
use std::path::Path;

const CASES: &[(FileKind, &[u8], &str)] = &[
    (
        FileKind::Safetensors,
        b"\x40\x00\x00\x00\x00\x00\x00\x00{\"",
        "m.safetensors",
    ),
    (FileKind::Gguf, b"GGUF\x03\x00\x00\x00", "m.gguf"),
    (FileKind::Gguf, b"GGUF\x01\x00\x00\x00", "m.gguf"),
    (FileKind::Npy, b"\x93NUMPY\x01\x00", "a.npy"),
    (FileKind::Onnx, b"\x08\x07", "m.onnx"),
    (FileKind::Parquet, b"PAR1", "t.parquet"),
    (FileKind::KerasZip, b"PK\x03\x04", "m.keras"),
    (
        FileKind::Notebook,
        b"{\"nbformat\": 4, \"cells\": [",
        "n.ipynb",
    ),
    (FileKind::Csv, b"a,\"b", "d.csv"),
    (FileKind::Jsonl, b"{\"a\":", "d.jsonl"),
    (FileKind::Markdown, b"---\nlicense: [", "README.md"),
    (FileKind::Json, b"{\"architectures\":", "config.json"),
    (FileKind::Pickle, b"\x80\x05", "m.pkl"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn header_readers_never_panic(case in 0..CASES.len(), tail in proptest::collection::vec(any::<u8>(), 0..600), trailer in any::<bool>()) {
        let (kind, magic, name) = CASES[case];
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&tail);
        if trailer {
            // A plausible Parquet trailer pointing anywhere.
            bytes.extend_from_slice(&(tail.len() as u32).to_le_bytes());
            bytes.extend_from_slice(b"PAR1");
        }
        let head = &bytes[..bytes.len().min(aispm_core::HEAD_LEN)];
        let input = FileInput::new(name, Path::new(name), kind, bytes.len() as u64, head, Source::Bytes(&bytes));
        let mut cx = AnalysisContext::new(None, 0);
        let a = InventoryAnalyzer::new();
        if a.accepts(&input) {
            let _ = a.analyze(&input, &mut cx);
        }
    }
}

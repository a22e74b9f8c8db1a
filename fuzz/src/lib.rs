//! Shared harness of the fuzz targets: runs one analyzer of `aispm-models` over a byte
//! slice exactly as the engine does (a `FileInput` over an in-memory source, `accepts`
//! first, then `analyze`) and checks the invariants every analysis keeps whatever the
//! input. Panics, unbounded allocations and slow inputs are caught by libFuzzer itself.
#![forbid(unsafe_code)]

use aispm_core::{
    AnalysisContext, AnalysisError, Analyzer, FileInput, FileKind, HEAD_LEN, ParentInfo, Source,
};
use std::path::Path;

/// Disk path handed to analyzers. It does not exist, so an analyzer that looks at the
/// file's neighbours (ONNX external data) finds nothing and stays deterministic.
const DISK_PATH: &str = "aispm-fuzz-nonexistent/input";

/// Where the fuzzed bytes sit: their display path, content type and container.
pub struct Placement<'a> {
    pub path: &'a str,
    pub kind: FileKind,
    pub parent: Option<ParentInfo>,
}

impl<'a> Placement<'a> {
    pub fn file(path: &'a str, kind: FileKind) -> Self {
        Placement {
            path,
            kind,
            parent: None,
        }
    }

    pub fn member(path: &'a str, kind: FileKind, parent: &str, parent_kind: FileKind) -> Self {
        Placement {
            path,
            kind,
            parent: Some(ParentInfo {
                path: parent.to_string(),
                kind: parent_kind,
            }),
        }
    }
}

/// Runs `analyzer` over `data` placed as `at` and checks what it reported.
pub fn analyze(analyzer: &dyn Analyzer, at: &Placement<'_>, data: &[u8]) {
    let head = &data[..data.len().min(HEAD_LEN)];
    let input = FileInput::new(
        at.path,
        Path::new(DISK_PATH),
        at.kind,
        data.len() as u64,
        head,
        Source::Bytes(data),
    )
    .with_parent(at.parent.as_ref());
    if !analyzer.accepts(&input) {
        return;
    }
    // No deadline: a slow input must show up as a libFuzzer timeout, not be cut short
    // by the cooperative time limit.
    let mut cx = AnalysisContext::new(None, 0);
    let outcome = analyzer.analyze(&input, &mut cx);
    // The bytes are all in memory and `size` is their length: a read error means a
    // reader's bounds disagree with the file size (a truncated file must be reported as
    // what it is, not as an I/O failure).
    if let Err(AnalysisError::Io(e)) = &outcome {
        panic!("in-memory input gave an I/O error: {e}");
    }
    let rules = analyzer.rules();
    for f in &cx.findings {
        assert!(
            rules
                .iter()
                .any(|r| std::ptr::eq(*r, f.rule) || r.id == f.rule.id),
            "finding of rule {} that the {} analyzer does not declare",
            f.rule.id,
            analyzer.name()
        );
        assert_eq!(f.path, at.path, "finding on another path");
        if let Some(end) = f.end_line {
            assert!(f.line.is_some_and(|l| l <= end), "end line before line");
        }
    }
    for e in &cx.errors {
        assert_eq!(e.path, at.path, "error record on another path");
    }
}

/// Splits a leading mode byte off the input: `(mode % modes, rest)`.
pub fn mode(data: &[u8], modes: u8) -> Option<(u8, &[u8])> {
    let (&m, rest) = data.split_first()?;
    Some((m % modes, rest))
}

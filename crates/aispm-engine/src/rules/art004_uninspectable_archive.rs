//! ART004: reported from three places where content is recognised and cannot be read:
//! a file typed as 7z, RAR or zstd ([`unopened_format`], from `dispatch.rs` through
//! `archive.rs`), a zip whose directory cannot be read ([`unreadable_zip`]) and a zip
//! member using a feature the reader does not support ([`check_member_error`] when it
//! is opened, [`check_member_read_error`] when it is decompressed), both from
//! `archive.rs`.

use aispm_core::framework::*;
use aispm_core::{Category, FileKind, RawFinding, Rule, Severity};

/// ART004: an archive or compression format the engine recognises but cannot open.
pub static RULE: Rule = Rule {
    id: "ART004",
    name: "uninspectable-archive",
    title: "Archive or compressed file in a format that is not inspected",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports 7z, RAR and zstd files, and archives that cannot be opened (corrupt \
central directory, unsupported compression method). The scan fails closed: content it \
cannot read is never reported as clean.",
    why: "What cannot be read cannot be cleared. Model loaders and data pipelines may still \
unpack these files; treating them as clean would let a malicious model through.",
    example: "`checkpoint.7z` beside a training script; a `.zip` whose central directory is \
damaged.",
    remediation: "Repack the content as a plain zip or tar, or scan the extracted files. If \
the file is not needed, remove it.",
    controls: &[LLM03, ML06, ATLAS_T0010_003, ATLAS_M0014, NIST_MEASURE_2_7],
};

/// A file of an archive or compression format the engine recognises but does not open.
pub(crate) fn unopened_format(path: &str, kind: FileKind) -> RawFinding {
    RawFinding::new(
        &RULE,
        path,
        format!("{kind} content is not inspected by this version; treat it as unscanned"),
    )
    .evidence(format!("format: {kind}"))
    .key(kind.as_str())
}

/// A file typed as zip whose archive cannot be opened (damaged central directory).
pub(crate) fn unreadable_zip(path: &str, error: &zip::result::ZipError) -> RawFinding {
    RawFinding::new(
        &RULE,
        path,
        format!("zip archive cannot be opened ({error}); its content is not inspected"),
    )
    .evidence(error.to_string())
    .key("zip-unreadable")
}

/// A zip member that cannot be opened: reported when the reason is a feature the
/// reader does not support (an encryption scheme, a compression method), not when the
/// member is merely damaged (that is an error record only).
pub(crate) fn check_member_error(
    container: &str,
    name: &str,
    error: &zip::result::ZipError,
) -> Option<RawFinding> {
    unsupported(error).then(|| unsupported_member(container, name, error))
}

/// A zip member whose decompression failed: the zip reader reports a compression
/// method it lacks (LZMA, Zstandard, PPMd, ...) only when the member is first read.
pub(crate) fn check_member_read_error(
    container: &str,
    name: &str,
    error: &std::io::Error,
) -> Option<RawFinding> {
    let zip_error = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<zip::result::ZipError>())?;
    unsupported(zip_error).then(|| unsupported_member(container, name, error))
}

fn unsupported(error: &zip::result::ZipError) -> bool {
    use zip::result::ZipError;
    matches!(
        error,
        ZipError::UnsupportedArchive(_) | ZipError::CompressionMethodNotSupported(_)
    )
}

fn unsupported_member(container: &str, name: &str, error: &dyn std::fmt::Display) -> RawFinding {
    super::about_member(
        &RULE,
        container,
        name,
        format!("zip member `{name}` uses an unsupported feature ({error}); not inspected"),
    )
}

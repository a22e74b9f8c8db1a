//! The interface between the scan engine and analyzers.
//!
//! The engine walks, types and opens files; an [`Analyzer`] only looks at one
//! [`FileInput`] at a time and reports into an [`AnalysisContext`]. Analyzers depend on
//! this crate only, never on the engine or on each other.

use crate::kind::FileKind;
use crate::report::{Asset, ErrorKind, ErrorRecord, Notice};
use crate::rule::Rule;
use crate::severity::Severity;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Cursor, Read, Seek};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Number of leading bytes the engine reads to type a file and hands to analyzers.
pub const HEAD_LEN: usize = 8192;

/// A readable, seekable byte stream.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// Where the bytes of a file are.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A file on disk (a regular file, or an archive member spilled to a temporary file).
    Path(&'a Path),
    /// An archive member held in memory.
    Bytes(&'a [u8]),
}

/// SHA-256 and line count of a whole file, computed in one streaming pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest256 {
    /// Lower-case hex SHA-256 of the content (64 digits).
    pub sha256: String,
    /// Number of `\n` bytes.
    pub newlines: u64,
}

/// The container a file was found in.
#[derive(Debug, Clone)]
pub struct ParentInfo {
    /// Display path of the container.
    pub path: String,
    /// Content type of the container.
    pub kind: FileKind,
}

/// One file (or archive member) handed to analyzers.
pub struct FileInput<'a> {
    /// Display path: relative to the scan root; archive members as `outer.zip!inner`.
    pub path: &'a str,
    /// Path on disk of the file, or of the outermost archive for members.
    pub disk_path: &'a Path,
    /// Content type, as the engine decided it.
    pub kind: FileKind,
    /// Size in bytes (for an archive member, the uncompressed size the archive declares).
    pub size: u64,
    /// The first [`HEAD_LEN`] bytes (fewer for small files).
    pub head: &'a [u8],
    /// Where the content is read from; see [`open`](Self::open).
    pub source: Source<'a>,
    /// The container this file came from, if any.
    pub parent: Option<&'a ParentInfo>,
    /// Member names, when the file is a zip-like container.
    pub members: Option<&'a [String]>,
    digest: OnceLock<Result<Digest256, DigestError>>,
    read_counter: Option<&'a AtomicU64>,
    /// Files larger than this are not hashed unless the engine seeded a digest.
    max_hash_size: u64,
}

impl<'a> FileInput<'a> {
    /// A file with no container, no member list, no read counter and no hash limit.
    pub fn new(
        path: &'a str,
        disk_path: &'a Path,
        kind: FileKind,
        size: u64,
        head: &'a [u8],
        source: Source<'a>,
    ) -> Self {
        FileInput {
            path,
            disk_path,
            kind,
            size,
            head,
            source,
            parent: None,
            members: None,
            digest: OnceLock::new(),
            read_counter: None,
            max_hash_size: u64::MAX,
        }
    }

    /// Files larger than `max` are not hashed: [`digest`](Self::digest) returns an
    /// error instead of reading the whole file (the limit is the engine's
    /// `max_hash_size`; security analysis never needs a whole-file hash).
    pub fn with_max_hash_size(mut self, max: u64) -> Self {
        self.max_hash_size = max;
        self
    }

    /// Whether [`digest`](Self::digest) will compute (or already has) a digest.
    pub fn hashable(&self) -> bool {
        self.size <= self.max_hash_size || self.digest.get().is_some_and(Result::is_ok)
    }

    /// Counts every byte read through [`open`](Self::open) into `counter`.
    pub fn with_read_counter(mut self, counter: &'a AtomicU64) -> Self {
        self.read_counter = Some(counter);
        self
    }

    /// Sets the container this file came from.
    pub fn with_parent(mut self, parent: Option<&'a ParentInfo>) -> Self {
        self.parent = parent;
        self
    }

    /// Sets the member names of a zip-like container.
    pub fn with_members(mut self, members: Option<&'a [String]>) -> Self {
        self.members = members;
        self
    }

    /// File name: the last path component (inside an archive, of the member).
    pub fn file_name(&self) -> &'a str {
        let inner = self.path.rsplit('!').next().unwrap_or(self.path);
        inner.rsplit(['/', '\\']).next().unwrap_or(inner)
    }

    /// Lower-case extension of [`file_name`](Self::file_name), without the dot.
    pub fn extension(&self) -> String {
        let name = self.file_name();
        match name.rfind('.') {
            Some(i) if i > 0 => name[i + 1..].to_ascii_lowercase(),
            _ => String::new(),
        }
    }

    /// Opens the content for streaming reads.
    pub fn open(&self) -> io::Result<Box<dyn ReadSeek + 'a>> {
        let inner: Box<dyn ReadSeek + 'a> = match self.source {
            Source::Path(p) => Box::new(io::BufReader::with_capacity(64 * 1024, File::open(p)?)),
            Source::Bytes(b) => Box::new(Cursor::new(b)),
        };
        Ok(match self.read_counter {
            Some(counter) => Box::new(CountingReader { inner, counter }),
            None => inner,
        })
    }

    /// Reads the whole content when it is at most `max` bytes; `Ok(None)` when larger.
    pub fn read_all(&self, max: u64) -> io::Result<Option<Vec<u8>>> {
        if self.size > max {
            return Ok(None);
        }
        match self.source {
            Source::Bytes(b) => Ok(Some(b.to_vec())),
            Source::Path(_) => {
                let mut buf = Vec::with_capacity(self.size as usize);
                self.open()?.take(max + 1).read_to_end(&mut buf)?;
                if buf.len() as u64 > max {
                    return Ok(None);
                }
                Ok(Some(buf))
            }
        }
    }

    /// SHA-256 and newline count of the content, computed once (streaming) and shared
    /// by every analyzer that asks.
    pub fn digest(&self) -> Result<&Digest256, DigestError> {
        self.digest
            .get_or_init(|| {
                if self.size > self.max_hash_size {
                    return Err(DigestError::OverHashLimit {
                        size: self.size,
                        max_hash_size: self.max_hash_size,
                    });
                }
                self.open()
                    .and_then(digest_stream)
                    .map_err(|e| DigestError::Io(Arc::new(e)))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Seeds the digest when the engine already computed it (while extracting a member).
    pub fn set_digest(&self, d: Digest256) {
        let _ = self.digest.set(Ok(d));
    }
}

/// Why [`FileInput::digest`] has no digest. Computed once per file and shared by
/// every analyzer that asks, hence `Clone` (the I/O error is behind an `Arc`).
#[derive(Debug, Clone, thiserror::Error)]
pub enum DigestError {
    /// The file is larger than the engine's `max_hash_size` and was not read.
    #[error(
        "not hashed: {size} bytes is over the hash limit of {max_hash_size} bytes (max_hash_size)"
    )]
    OverHashLimit {
        /// Size of the file in bytes.
        size: u64,
        /// The hash limit in bytes.
        max_hash_size: u64,
    },
    /// Opening or reading the content failed.
    #[error(transparent)]
    Io(Arc<io::Error>),
}

struct CountingReader<'a> {
    inner: Box<dyn ReadSeek + 'a>,
    counter: &'a AtomicU64,
}

impl Read for CountingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Seek for CountingReader<'_> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// SHA-256 and newline count computed incrementally, for callers that already hold
/// the bytes as they stream past (archive extraction).
#[derive(Default)]
pub struct DigestBuilder {
    hasher: Sha256,
    newlines: u64,
}

impl DigestBuilder {
    /// A digest of no bytes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk of the content.
    pub fn update(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
        self.newlines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
    }

    /// The digest of every chunk fed so far.
    pub fn finish(self) -> Digest256 {
        Digest256 {
            sha256: hex::encode(self.hasher.finalize()),
            newlines: self.newlines,
        }
    }
}

/// Hashes a stream in 64 KiB chunks, counting newlines on the way.
pub fn digest_stream(mut r: impl Read) -> io::Result<Digest256> {
    let mut d = DigestBuilder::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) => return Ok(d.finish()),
            Ok(n) => d.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// A finding as an analyzer reports it; the engine adds title, category, frameworks,
/// remediation and fingerprint from the rule.
#[derive(Debug, Clone)]
pub struct RawFinding {
    /// The rule reported; title, category, controls and remediation come from it.
    pub rule: &'static Rule,
    /// Severity of this finding; the rule's default unless the analyzer chose another.
    pub severity: Severity,
    /// Display path of the file, as in [`FileInput::path`].
    pub path: String,
    /// 1-based first line, when the finding has one.
    pub line: Option<u32>,
    /// 1-based last line, when the finding spans several lines.
    pub end_line: Option<u32>,
    /// What was found in this file, for a person.
    pub message: String,
    /// What was seen, redacted by the analyzer where it is a secret.
    pub evidence: Option<String>,
    /// What identifies this finding within the file for the fingerprint; defaults to
    /// the evidence, then the message.
    pub fingerprint_key: Option<String>,
    /// ID of the asset the finding is about ([`Asset::id`]), if any.
    pub asset_id: Option<String>,
    /// Extra facts for machines, copied into the finding's `properties`.
    pub properties: BTreeMap<String, serde_json::Value>,
}

impl RawFinding {
    /// A finding of `rule` in the file at `path`, at the rule's default severity.
    pub fn new(rule: &'static Rule, path: impl Into<String>, message: impl Into<String>) -> Self {
        RawFinding {
            rule,
            severity: rule.severity,
            path: path.into(),
            line: None,
            end_line: None,
            message: message.into(),
            evidence: None,
            fingerprint_key: None,
            asset_id: None,
            properties: BTreeMap::new(),
        }
    }

    /// Sets the 1-based line.
    pub fn line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the 1-based first and last line; the last is kept only when it is after the
    /// first.
    pub fn lines(mut self, line: u32, end_line: u32) -> Self {
        self.line = Some(line);
        self.end_line = (end_line > line).then_some(end_line);
        self
    }

    /// Sets the evidence (already redacted where it is a secret).
    pub fn evidence(mut self, evidence: impl Into<String>) -> Self {
        self.evidence = Some(evidence.into());
        self
    }

    /// Reports at `severity` instead of the rule's default.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Sets the [`fingerprint_key`](Self::fingerprint_key).
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.fingerprint_key = Some(key.into());
        self
    }

    /// Ties the finding to the asset with this ID.
    pub fn asset(mut self, asset_id: impl Into<String>) -> Self {
        self.asset_id = Some(asset_id.into());
        self
    }

    /// Adds (or replaces) one machine-readable property.
    pub fn property(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.properties.insert(key.to_string(), value.into());
        self
    }

    /// Says that this, the last finding listed, stands for `n` more of the same `what`
    /// that a cap left unlisted: the message ends "(and N more WHAT in this file, not
    /// listed)" and the property `more_in_file` holds `n`. Nothing is dropped unsaid.
    pub fn more_in_file<N>(mut self, n: N, what: &str) -> Self
    where
        N: std::fmt::Display + Into<serde_json::Value>,
    {
        self.message = format!(
            "{} (and {n} more {what} in this file, not listed)",
            self.message
        );
        self.property("more_in_file", n)
    }
}

/// Raised by [`AnalysisContext::check_time`] once the per-file time limit has passed.
#[derive(Debug, thiserror::Error)]
#[error("time limit of {0} ms per file reached")]
pub struct TimeLimitReached(pub u64);

/// What an analyzer collects for one file.
pub struct AnalysisContext {
    /// Findings reported on the file.
    pub findings: Vec<RawFinding>,
    /// Assets found in the file.
    pub assets: Vec<Asset>,
    /// Parts of the file that could not be analysed; the engine sets their stage to the
    /// analyzer's name.
    pub errors: Vec<ErrorRecord>,
    /// Report-level notices (see [`Notice`]); the engine keeps each distinct one once.
    pub notices: Vec<Notice>,
    deadline: Option<Instant>,
    time_limit_ms: u64,
    reports_later: bool,
}

impl AnalysisContext {
    /// An empty context. [`check_time`](Self::check_time) fails once `deadline` has
    /// passed; `time_limit_ms` is the per-file limit its error names.
    pub fn new(deadline: Option<Instant>, time_limit_ms: u64) -> Self {
        AnalysisContext {
            findings: Vec::new(),
            assets: Vec::new(),
            errors: Vec::new(),
            notices: Vec::new(),
            deadline,
            time_limit_ms,
            reports_later: false,
        }
    }

    /// Says that the analyzer may report findings on this file from its `finish` hook,
    /// so that the engine reads the file's inline `aispm:ignore` comments while the
    /// file is at hand (it does so otherwise only for files with findings).
    pub fn report_later(&mut self) {
        self.reports_later = true;
    }

    /// Whether the analyzer called [`report_later`](Self::report_later).
    pub fn reports_later(&self) -> bool {
        self.reports_later
    }

    /// Adds a finding.
    pub fn report(&mut self, finding: RawFinding) {
        self.findings.push(finding);
    }

    /// Adds an asset.
    pub fn asset(&mut self, asset: Asset) {
        self.assets.push(asset);
    }

    /// Records that `path` (this file or a part of it) could not be fully analysed.
    pub fn error(&mut self, path: &str, kind: ErrorKind, message: impl Into<String>) {
        self.errors.push(ErrorRecord::new(path, kind, message));
    }

    /// Adds a report-level notice.
    pub fn notice(&mut self, notice: Notice) {
        self.notices.push(notice);
    }

    /// Analyzers call this in loops over input-derived data; the engine turns the error
    /// into an error record for the file.
    pub fn check_time(&self) -> Result<(), TimeLimitReached> {
        match self.deadline {
            Some(d) if Instant::now() > d => Err(TimeLimitReached(self.time_limit_ms)),
            _ => Ok(()),
        }
    }
}

/// Why an analyzer gave up on a file. Never a panic: every input-derived problem is one
/// of these, and the scan goes on.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// Reading the content failed.
    #[error("read error: {0}")]
    Io(#[from] io::Error),
    /// The content is malformed; the text says how.
    #[error("cannot parse: {0}")]
    Parse(String),
    /// A size, count or depth limit was reached; the text says which.
    #[error("limit reached: {0}")]
    Limit(String),
    /// The per-file time limit passed.
    #[error(transparent)]
    Time(#[from] TimeLimitReached),
}

impl AnalysisError {
    /// The kind of the error record the engine writes for this error.
    pub fn error_kind(&self) -> ErrorKind {
        match self {
            AnalysisError::Io(_) => ErrorKind::Io,
            AnalysisError::Parse(_) => ErrorKind::Parse,
            AnalysisError::Limit(_) | AnalysisError::Time(_) => ErrorKind::Limit,
        }
    }
}

/// An analyzer family.
pub trait Analyzer: Send + Sync {
    /// Short name used in configuration (`[limits.max_file_size] inventory = ...`) and
    /// error records.
    fn name(&self) -> &'static str;

    /// The rules this analyzer can report.
    fn rules(&self) -> &'static [&'static Rule];

    /// Cheap decision from kind, name and head bytes whether to look at the file.
    fn accepts(&self, file: &FileInput<'_>) -> bool;

    /// Files larger than this are not analysed by this analyzer (an error record says
    /// so). Configurable per analyzer.
    fn default_max_file_size(&self) -> u64 {
        1 << 30
    }

    /// Whether the engine also hands this analyzer the blobs of the git history
    /// (`aispm scan --history`). Analyzers of content that stays harmful after it is
    /// deleted (credentials) say yes; the others see only the scanned tree.
    fn scans_history(&self) -> bool {
        false
    }

    /// Analyses one file, reporting into `cx`. An `Err` ends the analysis of this file by
    /// this analyzer only; what `cx` already holds is kept.
    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError>;

    /// Called once after every file has been analysed, before the report is finalised,
    /// with the assets of all analyzers in report order (path, kind, ID), whatever the
    /// thread schedule was. For facts that span files (a model and the config or model
    /// card beside it): an analyzer may change the properties of these assets and
    /// report new findings, assets and errors through `cx`, which are finalised like
    /// any others. It reads no file. The default does nothing.
    fn finish(&self, assets: &mut [Asset], cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let _ = (assets, cx);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_input_names_and_digest() {
        let data = b"a,b\n1,2\n";
        let f = FileInput::new(
            "x/data.zip!inner/Train.CSV",
            Path::new("x/data.zip"),
            FileKind::Csv,
            data.len() as u64,
            data,
            Source::Bytes(data),
        );
        assert_eq!(f.file_name(), "Train.CSV");
        assert_eq!(f.extension(), "csv");
        let d = f.digest().unwrap();
        assert_eq!(d.newlines, 2);
        assert_eq!(d.sha256.len(), 64);
        assert_eq!(f.read_all(3).unwrap(), None);
        assert_eq!(f.read_all(100).unwrap().unwrap(), data);
    }

    #[test]
    fn digest_errors_say_why() {
        let data = b"0123456789";
        let f = FileInput::new(
            "big.bin",
            Path::new("big.bin"),
            FileKind::Binary,
            data.len() as u64,
            data,
            Source::Bytes(data),
        )
        .with_max_hash_size(4);
        assert!(!f.hashable());
        assert_eq!(
            f.digest().unwrap_err().to_string(),
            "not hashed: 10 bytes is over the hash limit of 4 bytes (max_hash_size)"
        );
        let missing = Path::new("/nonexistent/aispm-digest-test");
        let f = FileInput::new(
            "gone.bin",
            missing,
            FileKind::Binary,
            0,
            b"",
            Source::Path(missing),
        );
        let io = File::open(missing).unwrap_err();
        assert_eq!(f.digest().unwrap_err().to_string(), io.to_string());
    }
}

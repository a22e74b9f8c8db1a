//! Secret detection for aispm: credentials of AI providers, ML platforms, clouds, code
//! hosts, SaaS APIs and data platforms, private keys, JWTs and generic passwords, in
//! source, configuration, notebooks (cells and outputs), datasets and binaries.
//!
//! Every detector is declared in one place (`detectors/`, one file per family) with its
//! keywords, its pattern or custom matcher, its structural check and its own positive
//! and negative samples. Every check is offline: it reads bytes and never calls the
//! service a credential belongs to. A scan is one Aho-Corasick pass over the bytes;
//! detectors run only on bounded windows around their keyword hits (`engine.rs`), and a
//! custom matcher sees only a `CandidateSink` (`detector.rs`). `assign.rs` reads names
//! and values around a position, `credential_names.rs` says whether a name reads as a
//! credential, `noise.rs` rejects placeholders, references and marked fakes.
//!
//! Findings are made by the rules ([`rules`]): one secret rule per detector family and
//! the access rules, each with its check. They carry a redacted form of the secret (a
//! short non-secret prefix, `…`, and the first 8 hex digits of its SHA-256), never the
//! secret; the fingerprint key is derived from the secret's hash and kind, so a
//! finding keeps its fingerprint when lines move.
//!
//! The analyzer ([`SecretsAnalyzer`]) is how scans (and `--history`) reach this crate.
//! [`scan_bytes`] scans bytes in memory, for tests and tools: the same detections with
//! their line numbers, and the full secret available only through
//! [`Detection::secret`] for callers that must compare values (never for output).
#![forbid(unsafe_code)]

mod assign;
mod credential_names;
mod detector;
pub mod detectors;
mod engine;
mod findings;
mod noise;
pub mod rules;
pub mod text;

pub use detector::{Confidence, Detector, Family};
pub use engine::SecretScanner;

use aispm_core::notebook;
use detector::{Candidate, Style};
use engine::ScanOptions;

use aispm_core::{AnalysisContext, AnalysisError, Analyzer, ErrorKind, FileInput, FileKind, Rule};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::sync::OnceLock;

/// The scanner over every built-in detector, compiled once per process.
pub fn scanner() -> &'static SecretScanner {
    static SCANNER: OnceLock<SecretScanner> = OnceLock::new();
    SCANNER.get_or_init(|| SecretScanner::new(&detectors::all()))
}

/// A secret found in a file, ready to report.
#[derive(Debug, Clone)]
pub struct Detection {
    pub detector: &'static Detector,
    /// Credential kind (`openai`, `aws-access-key`, ...).
    pub kind: &'static str,
    /// 1-based lines (none in binary content).
    pub line: Option<u32>,
    pub end_line: Option<u32>,
    /// Byte offset of the secret in the content (in the decoded text of a notebook).
    pub offset: u64,
    /// The name the secret is assigned to, when there is one.
    pub name: Option<String>,
    pub confidence: Confidence,
    /// Prefix, `…`, first 8 hex digits of the SHA-256: the only form ever reported.
    pub redacted: String,
    /// First 16 hex digits of the SHA-256 of the secret (for keys and de-duplication).
    pub hash: String,
    pub props: Vec<(&'static str, Value)>,
    secret: String,
}

impl Detection {
    /// The full secret. For comparisons (de-duplication across commits, tests that
    /// check output is redacted); never put it in a report.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The stable key findings are fingerprinted on: kind and secret hash, not the
    /// line, so a baseline survives edits that move the secret.
    pub fn fingerprint_key(&self) -> String {
        format!("{}:{}", self.kind, self.hash)
    }
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// The redacted form of a secret: what may be shown, then `…` and a short hash.
pub fn redact(det: &Detector, secret: &str, display: Option<&str>) -> String {
    let hash = sha256_hex(secret);
    let shown: String = if let Some(d) = display {
        d.to_string()
    } else if !det.display.is_empty() {
        det.display.to_string()
    } else if !det.prefix.is_empty() {
        secret.chars().take(det.prefix.chars().count()).collect()
    } else {
        let n = (secret.chars().count() / 8).min(4);
        secret.chars().take(n).collect()
    };
    format!("{shown}…{}", &hash[..8])
}

fn detection(c: Candidate, line: Option<u32>, end_line: Option<u32>, offset: u64) -> Detection {
    let hash = sha256_hex(&c.secret);
    let redacted = redact(c.det, &c.secret, c.display.as_deref());
    Detection {
        detector: c.det,
        kind: c.kind,
        line,
        end_line,
        offset,
        name: c.name,
        confidence: c.confidence,
        redacted,
        hash: hash[..16].to_string(),
        props: c.props,
        secret: c.secret,
    }
}

/// Whether content is a notebook, by name or by its `nbformat` key.
fn is_notebook(path: &str, data: &[u8]) -> bool {
    path.to_ascii_lowercase().ends_with(".ipynb")
        || (data.trim_ascii_start().starts_with(b"{")
            && memchr::memmem::find(&data[..data.len().min(1 << 16)], b"\"nbformat\"").is_some())
}

/// Scans in-memory content named `path` (used for the style of the file and for
/// notebooks) and returns every detection with its lines.
pub fn scan_bytes(path: &str, data: &[u8]) -> Vec<Detection> {
    let binary = memchr::memchr(0, &data[..data.len().min(8192)]).is_some();
    if !binary
        && is_notebook(path, data)
        && let Some(d) = scan_notebook(data)
    {
        return d;
    }
    let style = if binary {
        Style::Binary
    } else {
        Style::of_path(path)
    };
    scan_text(data, style, 0, 1)
}

fn scan_text(data: &[u8], style: Style, base: u64, base_line: u32) -> Vec<Detection> {
    let cands = scanner().scan(data, ScanOptions::new(style));
    let lines = engine::line_numbers(data, &cands);
    cands
        .into_iter()
        .zip(lines)
        .map(|(c, (a, b))| {
            let offset = base + c.start as u64;
            if style == Style::Binary {
                detection(c, None, None, offset)
            } else {
                detection(c, Some(base_line + a - 1), Some(base_line + b - 1), offset)
            }
        })
        .collect()
}

/// Scans the decoded view of a notebook; lines point into the `.ipynb` file.
fn scan_notebook(data: &[u8]) -> Option<Vec<Detection>> {
    let view = notebook::view(data)?;
    let cands = scanner().scan(&view.text, ScanOptions::new(Style::Code));
    let idx = text::LineIndex::new(&view.text);
    Some(
        cands
            .into_iter()
            .map(|c| {
                let first = view.lines.get(idx.line_of(c.span_start)).copied();
                let last = view
                    .lines
                    .get(idx.line_of(c.span_end.saturating_sub(1).max(c.span_start)))
                    .copied();
                let mut c = c;
                if let Some(o) = first {
                    if let Some(cell) = o.cell {
                        c.props.push(("cell", Value::from(cell)));
                    }
                    c.props.push(("location", Value::from(o.location.as_str())));
                }
                let offset = c.start as u64;
                let line = first.map(|o| o.line);
                let end = last.map(|o| o.line).or(line);
                detection(c, line, end.max(line), offset)
            })
            .collect(),
    )
}

/// Bytes scanned per step of a large file, and the overlap kept between steps (both
/// before and after, so a secret on a step boundary is seen whole with its context).
const CHUNK: usize = 16 << 20;
const OVERLAP: usize = 64 << 10;
/// Binary content beyond this is not scanned (and the file is listed as cut short).
const MAX_BINARY: u64 = 64 << 20;
/// Notebooks larger than this are scanned as raw text.
const MAX_NOTEBOOK: u64 = 256 << 20;
/// Detections kept per file.
const MAX_PER_FILE: usize = engine::MAX_CANDIDATES;

/// The secrets analyzer.
#[derive(Debug)]
pub struct SecretsAnalyzer {
    chunk: usize,
    overlap: usize,
}

impl Default for SecretsAnalyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretsAnalyzer {
    pub fn new() -> Self {
        // Compile the detectors now rather than inside the first file's time budget.
        let _ = scanner();
        SecretsAnalyzer {
            chunk: CHUNK,
            overlap: OVERLAP,
        }
    }

    /// Smaller steps, so tests can cross step boundaries with small files.
    pub fn with_steps(chunk: usize, overlap: usize) -> Self {
        let overlap = overlap.max(1);
        SecretsAnalyzer {
            chunk: chunk.max(overlap),
            overlap,
        }
    }

    /// Scans a stream in overlapping steps: bounded memory whatever the file size.
    fn scan_stream(
        &self,
        file: &FileInput<'_>,
        style: Style,
        limit: u64,
        cx: &mut AnalysisContext,
    ) -> Result<Vec<Detection>, AnalysisError> {
        let mut r = file.open()?.take(limit);
        let (chunk, overlap) = (self.chunk, self.overlap);
        let mut buf: Vec<u8> =
            Vec::with_capacity((file.size.min(limit) as usize).min(chunk + 2 * overlap));
        let mut base: u64 = 0;
        let mut base_line: u32 = 1;
        let mut first = true;
        let mut out = Vec::new();
        loop {
            let want = (chunk + 2 * overlap - buf.len()) as u64;
            let got = (&mut r).take(want).read_to_end(&mut buf)? as u64;
            let eof = got < want;
            cx.check_time()?;
            let lo = if first { 0 } else { overlap };
            let hi = if eof { buf.len() } else { buf.len() - overlap };
            for d in scan_text(&buf, style, base, base_line) {
                let rel = (d.offset - base) as usize;
                if rel >= lo && rel < hi {
                    out.push(d);
                }
            }
            if out.len() >= MAX_PER_FILE {
                out.truncate(MAX_PER_FILE);
                cx.error(
                    file.path,
                    ErrorKind::Limit,
                    format!(
                        "{MAX_PER_FILE} secrets reported, the most kept per file; the rest of the file was not searched"
                    ),
                );
                break;
            }
            if eof {
                break;
            }
            let keep_from = buf.len() - 2 * overlap;
            base_line += memchr::memchr_iter(b'\n', &buf[..keep_from]).count() as u32;
            base += keep_from as u64;
            buf.drain(..keep_from);
            first = false;
        }
        Ok(out)
    }
}

impl Analyzer for SecretsAnalyzer {
    fn name(&self) -> &'static str {
        "secrets"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    /// Text of every kind, binary files and columnar datasets (prefixed formats only),
    /// and the headers of model files (metadata). Containers are opened by the engine and their members
    /// come here one by one.
    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind.is_text()
            || matches!(
                file.kind,
                FileKind::Binary | FileKind::Parquet | FileKind::Arrow
            )
            || (file.kind.is_model() && !file.kind.is_container())
    }

    /// Large files are streamed, so size is no reason to skip a text file.
    fn default_max_file_size(&self) -> u64 {
        16 << 30
    }

    /// A credential stays valid after the commit that removes it.
    fn scans_history(&self) -> bool {
        true
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let detections = if file.kind.is_model() {
            // Only the header: metadata of GGUF, safetensors, ONNX and pickles.
            scan_text(file.head, Style::Binary, 0, 1)
        } else if matches!(
            file.kind,
            FileKind::Binary | FileKind::Parquet | FileKind::Arrow
        ) {
            if file.size > MAX_BINARY {
                cx.error(
                    file.path,
                    ErrorKind::Limit,
                    format!(
                        "binary file of {} bytes: only the first {MAX_BINARY} bytes were searched for secrets",
                        file.size
                    ),
                );
            }
            self.scan_stream(file, Style::Binary, MAX_BINARY, cx)?
        } else if (file.kind == FileKind::Notebook || is_notebook(file.path, file.head))
            && file.size <= MAX_NOTEBOOK
        {
            let data = file
                .read_all(MAX_NOTEBOOK)?
                .ok_or_else(|| AnalysisError::Limit("notebook too large".into()))?;
            match scan_notebook(&data) {
                Some(d) => d,
                None => scan_text(&data, Style::Code, 0, 1),
            }
        } else {
            self.scan_stream(file, Style::of_path(file.path), u64::MAX, cx)?
        };
        for f in rules::findings_for(file.path, file.head, &detections) {
            cx.report(f);
        }
        Ok(())
    }
}

//! A bounded GGUF reader (versions 1 to 3, either byte order): header, every metadata
//! key/value (all value types, nested arrays), and the tensor infos. Every length and
//! count is checked against the bytes left in the file before anything is allocated
//! or skipped; a value that cannot be true of a real file (a count near 2^64, a string
//! or array running past the end, an unknown value type) becomes an [`Issue`] and
//! ends the walk, since nothing after it can be located. Chat templates
//! (`tokenizer.chat_template`, `tokenizer.chat_template.*`) are returned for analysis.
//!
//! Tensor data is never read: only offsets and sizes are compared with the file size.

use aispm_core::Severity;
use aispm_core::analyzer::TimeLimitReached;
use std::collections::HashSet;
use std::io::{self, Read, Seek, SeekFrom};

/// Largest template string read into memory; larger ones are reported, not read.
pub const MAX_TEMPLATE: u64 = 4 << 20;
/// Largest other string value read to look for template payloads.
const MAX_OTHER_STRING: u64 = 64 << 10;
/// Longest key the format allows (llama.cpp refuses longer ones).
const MAX_KEY: u64 = 65_535;
/// Deepest array nesting accepted (llama.cpp itself supports none).
const MAX_ARRAY_DEPTH: u32 = 4;
/// Most dimensions of a tensor (ggml has 4).
const MAX_DIMS: u32 = 8;

/// Which part of the file an issue is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueKind {
    /// Header and metadata: counts, lengths, types, version.
    Header,
    /// Tensor infos: dimensions, types, offsets against the data section.
    Tensors,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub kind: IssueKind,
    pub severity: Severity,
    pub message: String,
    /// Byte offset in the file where the bad field starts.
    pub offset: u64,
}

/// What the reader found.
#[derive(Debug, Default, Clone)]
pub struct GgufInfo {
    pub version: u32,
    pub big_endian: bool,
    pub tensor_count: u64,
    pub kv_count: u64,
    pub issues: Vec<Issue>,
    /// `(key, template)` of every chat template.
    pub templates: Vec<(String, String)>,
    /// Template keys whose value could not be read (too large, not a string).
    pub unreadable_templates: Vec<String>,
}

/// Why reading stopped early (other than an [`Issue`]).
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    Time(TimeLimitReached),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl From<TimeLimitReached> for ReadError {
    fn from(e: TimeLimitReached) -> Self {
        ReadError::Time(e)
    }
}

/// A buffered reader that knows its position and the file size, so skips inside the
/// buffer cost nothing and every length can be checked against what is left.
struct Src<'r> {
    inner: &'r mut dyn ReadSeekDyn,
    buf: Vec<u8>,
    at: usize,
    len: usize,
    /// File offset of `buf[0]`.
    base: u64,
    size: u64,
    be: bool,
}

/// Object-safe Read + Seek.
pub trait ReadSeekDyn: Read + Seek {}
impl<T: Read + Seek + ?Sized> ReadSeekDyn for T {}

/// A length or count that does not fit: ends the walk with an issue.
struct Stop;

impl<'r> Src<'r> {
    fn new(inner: &'r mut dyn ReadSeekDyn, size: u64) -> Self {
        Src {
            inner,
            buf: vec![0; 64 * 1024],
            at: 0,
            len: 0,
            base: 0,
            size,
            be: false,
        }
    }

    fn pos(&self) -> u64 {
        self.base + self.at as u64
    }

    fn left(&self) -> u64 {
        self.size.saturating_sub(self.pos())
    }

    fn fill(&mut self) -> io::Result<bool> {
        self.base += self.len as u64;
        self.at = 0;
        self.len = 0;
        loop {
            match self.inner.read(&mut self.buf) {
                Ok(n) => {
                    self.len = n;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads exactly `out.len()` bytes; `Ok(false)` at end of file.
    fn read(&mut self, out: &mut [u8]) -> io::Result<bool> {
        let mut done = 0;
        while done < out.len() {
            if self.at == self.len && !self.fill()? {
                return Ok(false);
            }
            let n = (self.len - self.at).min(out.len() - done);
            out[done..done + n].copy_from_slice(&self.buf[self.at..self.at + n]);
            self.at += n;
            done += n;
        }
        Ok(true)
    }

    fn skip(&mut self, n: u64) -> io::Result<()> {
        let in_buf = (self.len - self.at) as u64;
        if n <= in_buf {
            self.at += n as usize;
            return Ok(());
        }
        let target = self.pos() + n;
        self.inner.seek(SeekFrom::Start(target))?;
        self.base = target;
        self.at = 0;
        self.len = 0;
        Ok(())
    }

    fn u32(&mut self) -> io::Result<Option<u32>> {
        let mut b = [0u8; 4];
        Ok(self.read(&mut b)?.then(|| {
            if self.be {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        }))
    }

    fn u64(&mut self) -> io::Result<Option<u64>> {
        let mut b = [0u8; 8];
        Ok(self.read(&mut b)?.then(|| {
            if self.be {
                u64::from_be_bytes(b)
            } else {
                u64::from_le_bytes(b)
            }
        }))
    }
}

struct Walk<'r, 'c> {
    src: Src<'r>,
    info: GgufInfo,
    check: &'c mut dyn FnMut() -> Result<(), TimeLimitReached>,
    steps: u64,
}

/// Size in bytes of a scalar value type, `None` for strings, arrays and unknown types.
fn scalar_size(vtype: u32) -> Option<u64> {
    match vtype {
        0 | 1 | 7 => Some(1),
        2 | 3 => Some(2),
        4..=6 => Some(4),
        10..=12 => Some(8),
        _ => None,
    }
}

fn type_name(vtype: u32) -> &'static str {
    match vtype {
        0 => "u8",
        1 => "i8",
        2 => "u16",
        3 => "i16",
        4 => "u32",
        5 => "i32",
        6 => "f32",
        7 => "bool",
        8 => "string",
        9 => "array",
        10 => "u64",
        11 => "i64",
        12 => "f64",
        _ => "unknown",
    }
}

/// `(elements per block, bytes per block)` of ggml tensor types whose layout is
/// settled; other known ids are accepted without a size check.
fn ggml_block(t: u32) -> Option<(u64, u64)> {
    Some(match t {
        0 => (1, 4),
        1 => (1, 2),
        2 => (32, 18),
        3 => (32, 20),
        6 => (32, 22),
        7 => (32, 24),
        8 => (32, 34),
        9 => (32, 36),
        10 => (256, 84),
        11 => (256, 110),
        12 => (256, 144),
        13 => (256, 176),
        14 => (256, 210),
        15 => (256, 292),
        24 => (1, 1),
        25 => (1, 2),
        26 => (1, 4),
        27 => (1, 8),
        28 => (1, 8),
        30 => (1, 2),
        _ => return None,
    })
}

/// Highest ggml type id this reader knows of.
const MAX_GGML_TYPE: u32 = 63;

/// Reads a GGUF file of `size` bytes. `check` is the per-file time limit.
pub fn read_gguf(
    r: &mut dyn ReadSeekDyn,
    size: u64,
    check: &mut dyn FnMut() -> Result<(), TimeLimitReached>,
) -> Result<GgufInfo, ReadError> {
    let mut w = Walk {
        src: Src::new(r, size),
        info: GgufInfo::default(),
        check,
        steps: 0,
    };
    // A walk that stops on an issue has recorded it already.
    let _ = w.header()?;
    Ok(w.info)
}

impl Walk<'_, '_> {
    fn issue(&mut self, kind: IssueKind, severity: Severity, offset: u64, message: String) -> Stop {
        if self.info.issues.len() < 32 {
            self.info.issues.push(Issue {
                kind,
                severity,
                message,
                offset,
            });
        }
        Stop
    }

    fn tick(&mut self) -> Result<(), ReadError> {
        self.steps += 1;
        if self.steps.is_multiple_of(4096) {
            (self.check)()?;
        }
        Ok(())
    }

    fn truncated(&mut self, what: &str) -> Stop {
        let at = self.src.pos();
        self.issue(
            IssueKind::Header,
            Severity::High,
            at,
            format!("file ends inside the {what} at byte {at}"),
        )
    }

    fn u32(&mut self, what: &str) -> Result<Result<u32, Stop>, ReadError> {
        Ok(self.src.u32()?.ok_or_else(|| self.truncated(what)))
    }

    fn u64(&mut self, what: &str) -> Result<Result<u64, Stop>, ReadError> {
        Ok(self.src.u64()?.ok_or_else(|| self.truncated(what)))
    }

    fn len(&mut self, what: &str) -> Result<Result<u64, Stop>, ReadError> {
        if self.info.version == 1 {
            Ok(self.u32(what)?.map(u64::from))
        } else {
            self.u64(what)
        }
    }

    fn header(&mut self) -> Result<Result<(), Stop>, ReadError> {
        let mut magic = [0u8; 4];
        if !self.src.read(&mut magic)? || &magic != b"GGUF" {
            return Ok(Err(self.issue(
                IssueKind::Header,
                Severity::Medium,
                0,
                "file does not start with the GGUF magic".into(),
            )));
        }
        let mut vb = [0u8; 4];
        if !self.src.read(&mut vb)? {
            return Ok(Err(self.truncated("header")));
        }
        let le = u32::from_le_bytes(vb);
        let be = u32::from_be_bytes(vb);
        let version = if (1..=3).contains(&le) {
            le
        } else if (1..=3).contains(&be) {
            self.src.be = true;
            self.info.big_endian = true;
            be
        } else {
            self.info.version = le;
            return Ok(Err(self.issue(
                IssueKind::Header,
                Severity::Medium,
                4,
                format!("unsupported GGUF version {le}; the file cannot be verified"),
            )));
        };
        self.info.version = version;
        let counts_at = self.src.pos();
        let tensors = match self.len("header")? {
            Ok(v) => v,
            Err(s) => return Ok(Err(s)),
        };
        let kvs = match self.len("header")? {
            Ok(v) => v,
            Err(s) => return Ok(Err(s)),
        };
        self.info.tensor_count = tensors;
        self.info.kv_count = kvs;
        // The smallest key/value is a length, an empty key, a type and one byte; the
        // smallest tensor info a length, a name, a dimension count, a type and an offset.
        let word = if version == 1 { 4 } else { 8 };
        let min_kv = word + 4 + 1;
        let min_tensor = word + 1 + 4 + 4 + 8;
        let left = self.src.left();
        let kv_need = kvs.checked_mul(min_kv);
        let t_need = tensors.checked_mul(min_tensor);
        let need = kv_need.zip(t_need).and_then(|(a, b)| a.checked_add(b));
        if need.is_none_or(|n| n > left) {
            return Ok(Err(self.issue(
                IssueKind::Header,
                Severity::High,
                counts_at,
                format!(
                    "header declares {tensors} tensors and {kvs} metadata entries, more than \
                     the {left} bytes left in the file can hold"
                ),
            )));
        }
        let mut alignment = 32u64;
        let mut seen: HashSet<String> = HashSet::new();
        for _ in 0..kvs {
            self.tick()?;
            let key_at = self.src.pos();
            let key = match self.string("metadata key", MAX_KEY)? {
                Ok(k) => k,
                Err(s) => return Ok(Err(s)),
            };
            let key = match key {
                Some(k) => k,
                None => continue,
            };
            if !seen.insert(key.clone()) {
                self.issue(
                    IssueKind::Header,
                    Severity::Medium,
                    key_at,
                    format!("metadata key `{}` appears twice", clip(&key)),
                );
            }
            let type_at = self.src.pos();
            let vtype = match self.u32("metadata value type")? {
                Ok(v) => v,
                Err(s) => return Ok(Err(s)),
            };
            let is_template = key == "tokenizer.chat_template"
                || key.starts_with("tokenizer.chat_template.")
                || (key.contains("template") && vtype == 8);
            if key == "general.alignment" {
                match self.alignment(vtype, type_at)? {
                    Ok(Some(a)) => alignment = a,
                    Ok(None) => {}
                    Err(s) => return Ok(Err(s)),
                }
                continue;
            }
            if is_template && vtype == 8 {
                let at = self.src.pos();
                match self.string_value(MAX_TEMPLATE)? {
                    Ok(Some(t)) => self.info.templates.push((key, t)),
                    Ok(None) => {
                        let _ = at;
                        self.info.unreadable_templates.push(key);
                    }
                    Err(s) => return Ok(Err(s)),
                }
                continue;
            }
            if vtype == 8 {
                // Other strings: Jinja payloads planted outside the template keys are
                // analysed too (a loader may render any of them).
                match self.string_value(MAX_OTHER_STRING)? {
                    Ok(Some(t)) if t.contains("{{") || t.contains("{%") => {
                        self.info.templates.push((key, t));
                    }
                    Ok(_) => {}
                    Err(s) => return Ok(Err(s)),
                }
                continue;
            }
            if is_template {
                self.issue(
                    IssueKind::Header,
                    Severity::Medium,
                    type_at,
                    format!(
                        "chat template `{}` is stored as {}, not a string",
                        clip(&key),
                        type_name(vtype)
                    ),
                );
                if vtype == 9 {
                    // Still analysed: a loader that joins or picks items renders them.
                    match self.string_array(&key)? {
                        Ok(true) => continue,
                        Ok(false) => {}
                        Err(s) => return Ok(Err(s)),
                    }
                }
            }
            if let Err(s) = self.skip_value(vtype, type_at, 0)? {
                return Ok(Err(s));
            }
        }
        self.tensor_infos(tensors, alignment)
    }

    /// An array under a template key: when its items are strings (the item type is
    /// peeked, not consumed), reads them as templates `key[i]` and returns `true`;
    /// otherwise returns `false` with nothing consumed.
    fn string_array(&mut self, key: &str) -> Result<Result<bool, Stop>, ReadError> {
        let mut ty = [0u8; 4];
        // Peek the item type without consuming it.
        if self.src.len - self.src.at < 4 && !self.refill_keep()? {
            return Ok(Ok(false));
        }
        if self.src.len - self.src.at < 4 {
            return Ok(Ok(false));
        }
        ty.copy_from_slice(&self.src.buf[self.src.at..self.src.at + 4]);
        let et = if self.src.be {
            u32::from_be_bytes(ty)
        } else {
            u32::from_le_bytes(ty)
        };
        if et != 8 {
            return Ok(Ok(false));
        }
        self.src.at += 4;
        let count_at = self.src.pos();
        let count = match self.len("array length")? {
            Ok(v) => v,
            Err(s) => return Ok(Err(s)),
        };
        let word = if self.info.version == 1 { 4 } else { 8 };
        let left = self.src.left();
        if count.checked_mul(word).is_none_or(|n| n > left) {
            return Ok(Err(self.issue(
                IssueKind::Header,
                Severity::High,
                count_at,
                format!(
                    "array of {count} string items cannot fit in the {left} bytes left in the file"
                ),
            )));
        }
        for i in 0..count {
            self.tick()?;
            match self.string_value(MAX_TEMPLATE)? {
                Ok(Some(t)) if self.info.templates.len() < 256 => {
                    self.info.templates.push((format!("{key}[{i}]"), t));
                }
                Ok(_) => {}
                Err(s) => return Ok(Err(s)),
            }
        }
        Ok(Ok(true))
    }

    /// Moves the unread bytes to the front of the buffer and reads more after them.
    fn refill_keep(&mut self) -> io::Result<bool> {
        let rest = self.src.len - self.src.at;
        self.src.buf.copy_within(self.src.at..self.src.len, 0);
        self.src.base += self.src.at as u64;
        self.src.at = 0;
        self.src.len = rest;
        loop {
            match self.src.inner.read(&mut self.src.buf[rest..]) {
                Ok(n) => {
                    self.src.len += n;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn alignment(&mut self, vtype: u32, at: u64) -> Result<Result<Option<u64>, Stop>, ReadError> {
        if vtype != 4 {
            self.issue(
                IssueKind::Header,
                Severity::Medium,
                at,
                format!("general.alignment is {}, not u32", type_name(vtype)),
            );
            return Ok(self.skip_value(vtype, at, 0)?.map(|()| None));
        }
        let a = match self.u32("general.alignment")? {
            Ok(a) => a,
            Err(s) => return Ok(Err(s)),
        };
        if a == 0 || !a.is_power_of_two() {
            self.issue(
                IssueKind::Header,
                Severity::Medium,
                at,
                format!("general.alignment {a} is not a power of two"),
            );
            return Ok(Ok(None));
        }
        Ok(Ok(Some(u64::from(a))))
    }

    /// A string whose length is at most `max`: `Some(text)`; longer but inside the
    /// file: skipped, `None`.
    fn string(&mut self, what: &str, max: u64) -> Result<Result<Option<String>, Stop>, ReadError> {
        let at = self.src.pos();
        let n = match self.len(what)? {
            Ok(n) => n,
            Err(s) => return Ok(Err(s)),
        };
        let left = self.src.left();
        if n > left {
            return Ok(Err(self.issue(
                IssueKind::Header,
                Severity::High,
                at,
                format!("{what} claims {n} bytes but only {left} remain in the file"),
            )));
        }
        if n > max {
            if what == "metadata key" {
                return Ok(Err(self.issue(
                    IssueKind::Header,
                    Severity::High,
                    at,
                    format!("{what} of {n} bytes exceeds the format's limit of {max}"),
                )));
            }
            self.src.skip(n)?;
            return Ok(Ok(None));
        }
        let mut buf = vec![0u8; n as usize];
        if !self.src.read(&mut buf)? {
            return Ok(Err(self.truncated(what)));
        }
        Ok(Ok(Some(String::from_utf8_lossy(&buf).into_owned())))
    }

    fn string_value(&mut self, max: u64) -> Result<Result<Option<String>, Stop>, ReadError> {
        self.string("string value", max)
    }

    fn skip_value(
        &mut self,
        vtype: u32,
        at: u64,
        depth: u32,
    ) -> Result<Result<(), Stop>, ReadError> {
        if let Some(n) = scalar_size(vtype) {
            if n > self.src.left() {
                return Ok(Err(self.truncated("metadata")));
            }
            self.src.skip(n)?;
            return Ok(Ok(()));
        }
        match vtype {
            // A string kept up to 0 bytes: the same bounds check, the bytes skipped.
            8 => Ok(self.string("string value", 0)?.map(|_| ())),
            9 => {
                if depth >= MAX_ARRAY_DEPTH {
                    return Ok(Err(self.issue(
                        IssueKind::Header,
                        Severity::High,
                        at,
                        format!("arrays nested more than {MAX_ARRAY_DEPTH} deep"),
                    )));
                }
                let et_at = self.src.pos();
                let et = match self.u32("array item type")? {
                    Ok(v) => v,
                    Err(s) => return Ok(Err(s)),
                };
                let count_at = self.src.pos();
                let count = match self.len("array length")? {
                    Ok(v) => v,
                    Err(s) => return Ok(Err(s)),
                };
                let min_item = match et {
                    8 => {
                        if self.info.version == 1 {
                            4
                        } else {
                            8
                        }
                    }
                    9 => 12,
                    t => match scalar_size(t) {
                        Some(n) => n,
                        None => {
                            return Ok(Err(self.issue(
                                IssueKind::Header,
                                Severity::High,
                                et_at,
                                format!("array of unknown value type {t}"),
                            )));
                        }
                    },
                };
                let left = self.src.left();
                if count.checked_mul(min_item).is_none_or(|n| n > left) {
                    return Ok(Err(self.issue(
                        IssueKind::Header,
                        Severity::High,
                        count_at,
                        format!(
                            "array of {count} {} items cannot fit in the {left} bytes left in the file",
                            type_name(et)
                        ),
                    )));
                }
                if scalar_size(et).is_some() {
                    self.src.skip(count * min_item)?;
                    return Ok(Ok(()));
                }
                for _ in 0..count {
                    self.tick()?;
                    if let Err(s) = self.skip_value(et, et_at, depth + 1)? {
                        return Ok(Err(s));
                    }
                }
                Ok(Ok(()))
            }
            t => Ok(Err(self.issue(
                IssueKind::Header,
                Severity::High,
                at,
                format!("unknown metadata value type {t}"),
            ))),
        }
    }

    fn tensor_infos(&mut self, count: u64, alignment: u64) -> Result<Result<(), Stop>, ReadError> {
        // (offset, size if known, name) of every tensor.
        let mut spans: Vec<(u64, Option<u64>, String)> = Vec::new();
        for _ in 0..count {
            self.tick()?;
            let name = match self.string("tensor name", MAX_KEY)? {
                Ok(n) => n.unwrap_or_default(),
                Err(s) => return Ok(Err(s)),
            };
            let dims_at = self.src.pos();
            let n_dims = match self.u32("tensor info")? {
                Ok(v) => v,
                Err(s) => return Ok(Err(s)),
            };
            if n_dims > MAX_DIMS {
                return Ok(Err(self.issue(
                    IssueKind::Tensors,
                    Severity::High,
                    dims_at,
                    format!("tensor `{}` declares {n_dims} dimensions", clip(&name)),
                )));
            }
            let mut elements: Option<u64> = Some(1);
            for _ in 0..n_dims {
                let d = match self.len("tensor info")? {
                    Ok(v) => v,
                    Err(s) => return Ok(Err(s)),
                };
                elements = elements.and_then(|e| e.checked_mul(d));
            }
            let type_at = self.src.pos();
            let ty = match self.u32("tensor info")? {
                Ok(v) => v,
                Err(s) => return Ok(Err(s)),
            };
            let offset = match self.u64("tensor info")? {
                Ok(v) => v,
                Err(s) => return Ok(Err(s)),
            };
            let Some(elements) = elements else {
                self.issue(
                    IssueKind::Tensors,
                    Severity::High,
                    dims_at,
                    format!(
                        "tensor `{}` has dimensions whose product overflows 64 bits",
                        clip(&name)
                    ),
                );
                continue;
            };
            if ty > MAX_GGML_TYPE {
                self.issue(
                    IssueKind::Tensors,
                    Severity::Medium,
                    type_at,
                    format!("tensor `{}` has unknown ggml type {ty}", clip(&name)),
                );
            }
            if !offset.is_multiple_of(alignment) {
                self.issue(
                    IssueKind::Tensors,
                    Severity::Medium,
                    type_at,
                    format!(
                        "tensor `{}` offset {offset} is not aligned to {alignment}",
                        clip(&name)
                    ),
                );
            }
            let bytes = ggml_block(ty).and_then(|(per, bytes)| {
                if elements % per != 0 {
                    return None;
                }
                (elements / per).checked_mul(bytes)
            });
            if spans.len() < 1 << 20 {
                spans.push((offset, bytes, name));
            }
        }
        let info_end = self.src.pos();
        let data_start = info_end.div_ceil(alignment).saturating_mul(alignment);
        let data_len = self.src.size.saturating_sub(data_start);
        spans.sort_by_key(|s| s.0);
        let mut prev_end: Option<(u64, String)> = None;
        let mut past_end = 0u64;
        let mut first_past: Option<String> = None;
        for (offset, bytes, name) in &spans {
            let end = offset.saturating_add(bytes.unwrap_or(0));
            if end > data_len || *offset > data_len {
                past_end += 1;
                if first_past.is_none() {
                    first_past = Some(format!(
                        "tensor `{}` spans bytes {offset}..{end} of a data section of {data_len} bytes",
                        clip(name)
                    ));
                }
            }
            if let Some((pe, pn)) = &prev_end
                && *offset < *pe
            {
                let msg = format!(
                    "tensors `{}` and `{}` overlap in the data section",
                    clip(pn),
                    clip(name)
                );
                self.issue(IssueKind::Tensors, Severity::High, info_end, msg);
            }
            if bytes.is_some() {
                prev_end = Some((end, name.clone()));
            }
        }
        if let Some(first) = first_past {
            // Offsets far past any file this size are crafted; a short tail is a
            // truncated download.
            let absurd = spans.iter().any(|(o, b, _)| {
                o.saturating_add(b.unwrap_or(0)) > self.src.size.saturating_mul(2).max(1 << 20)
            });
            let sev = if absurd {
                Severity::High
            } else {
                Severity::Medium
            };
            let more = if past_end > 1 {
                format!(" ({past_end} tensors in all)")
            } else {
                String::new()
            };
            self.issue(
                IssueKind::Tensors,
                sev,
                info_end,
                format!("tensor data past the end of the file: {first}{more}"),
            );
        }
        Ok(Ok(()))
    }
}

fn clip(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    super::template::truncate(&s, 80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn read(b: &[u8]) -> GgufInfo {
        let mut c = Cursor::new(b.to_vec());
        read_gguf(&mut c, b.len() as u64, &mut || Ok(())).unwrap()
    }

    fn header(version: u32, tensors: u64, kvs: u64) -> Vec<u8> {
        let mut v = b"GGUF".to_vec();
        v.extend_from_slice(&version.to_le_bytes());
        v.extend_from_slice(&tensors.to_le_bytes());
        v.extend_from_slice(&kvs.to_le_bytes());
        v
    }

    fn kv_str(v: &mut Vec<u8>, k: &str, s: &str) {
        v.extend_from_slice(&(k.len() as u64).to_le_bytes());
        v.extend_from_slice(k.as_bytes());
        v.extend_from_slice(&8u32.to_le_bytes());
        v.extend_from_slice(&(s.len() as u64).to_le_bytes());
        v.extend_from_slice(s.as_bytes());
    }

    #[test]
    fn reads_templates_and_skips_everything_else() {
        let mut v = header(3, 0, 3);
        kv_str(&mut v, "general.architecture", "llama");
        // array of 2 strings
        v.extend_from_slice(&(5u64).to_le_bytes());
        v.extend_from_slice(b"toks!");
        v.extend_from_slice(&9u32.to_le_bytes());
        v.extend_from_slice(&8u32.to_le_bytes());
        v.extend_from_slice(&2u64.to_le_bytes());
        for s in ["<s>", "</s>"] {
            v.extend_from_slice(&(s.len() as u64).to_le_bytes());
            v.extend_from_slice(s.as_bytes());
        }
        kv_str(&mut v, "tokenizer.chat_template.tool_use", "{{ x }}");
        let info = read(&v);
        assert!(info.issues.is_empty(), "{:?}", info.issues);
        assert_eq!(
            info.templates,
            [(
                "tokenizer.chat_template.tool_use".to_string(),
                "{{ x }}".to_string()
            )]
        );
    }

    #[test]
    fn template_arrays_are_read() {
        let mut v = header(3, 0, 1);
        v.extend_from_slice(&23u64.to_le_bytes());
        v.extend_from_slice(b"tokenizer.chat_template");
        v.extend_from_slice(&9u32.to_le_bytes());
        v.extend_from_slice(&8u32.to_le_bytes());
        v.extend_from_slice(&2u64.to_le_bytes());
        for s in ["{{ a }}", "{{ b }}"] {
            v.extend_from_slice(&(s.len() as u64).to_le_bytes());
            v.extend_from_slice(s.as_bytes());
        }
        let info = read(&v);
        assert_eq!(info.templates.len(), 2);
        assert_eq!(info.issues.len(), 1);
        assert_eq!(info.issues[0].severity, Severity::Medium);
    }

    #[test]
    fn absurd_counts_are_high() {
        let mut v = header(3, u64::MAX - 15, 1);
        v.extend_from_slice(&(i64::MAX as u64).to_le_bytes());
        let info = read(&v);
        assert_eq!(info.issues.len(), 1);
        assert_eq!(info.issues[0].severity, Severity::High);
    }

    #[test]
    fn long_string_and_unknown_type_are_high() {
        let mut v = header(3, 0, 1);
        v.extend_from_slice(&4u64.to_le_bytes());
        v.extend_from_slice(b"key!");
        v.extend_from_slice(&8u32.to_le_bytes());
        v.extend_from_slice(&(1u64 << 40).to_le_bytes());
        assert_eq!(read(&v).issues[0].severity, Severity::High);
        let mut v = header(3, 0, 1);
        v.extend_from_slice(&4u64.to_le_bytes());
        v.extend_from_slice(b"key!");
        v.extend_from_slice(&77u32.to_le_bytes());
        v.extend_from_slice(&[0u8; 16]);
        let info = read(&v);
        assert!(
            info.issues[0]
                .message
                .contains("unknown metadata value type")
        );
    }

    #[test]
    fn version_one_and_big_endian() {
        let mut v = b"GGUF".to_vec();
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        assert!(read(&v).issues.is_empty());
        let mut v = b"GGUF".to_vec();
        v.extend_from_slice(&3u32.to_be_bytes());
        v.extend_from_slice(&0u64.to_be_bytes());
        v.extend_from_slice(&0u64.to_be_bytes());
        let info = read(&v);
        assert!(info.big_endian && info.issues.is_empty());
        let mut v = b"GGUF".to_vec();
        v.extend_from_slice(&9u32.to_le_bytes());
        assert_eq!(read(&v).issues[0].severity, Severity::Medium);
    }

    #[test]
    fn tensor_past_end_and_overlap() {
        let mut v = header(3, 2, 0);
        for (name, off) in [("a", 0u64), ("b", 0u64)] {
            v.extend_from_slice(&(name.len() as u64).to_le_bytes());
            v.extend_from_slice(name.as_bytes());
            v.extend_from_slice(&1u32.to_le_bytes());
            v.extend_from_slice(&8u64.to_le_bytes());
            v.extend_from_slice(&0u32.to_le_bytes());
            v.extend_from_slice(&off.to_le_bytes());
        }
        while !v.len().is_multiple_of(32) {
            v.push(0);
        }
        v.extend_from_slice(&[0u8; 32]);
        let info = read(&v);
        assert!(
            info.issues.iter().any(|i| i.message.contains("overlap")),
            "{:?}",
            info.issues
        );
        v.truncate(v.len() - 32);
        let info = read(&v);
        assert!(
            info.issues
                .iter()
                .any(|i| i.message.contains("past the end"))
        );
    }
}

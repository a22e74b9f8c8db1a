//! A bounded pull reader of GGUF files (versions 1 to 3, either byte order): the
//! header, then metadata keys, value types and values one at a time, then tensor
//! infos. The caller walks the file and decides what each value is worth (read,
//! skipped, kept up to a size); the reader checks every length and count against the
//! bytes left in the file before it allocates or skips anything.
//!
//! A length or count that cannot be true of a real file (a count near 2^64, a string
//! or array running past the end, an unknown value type) is a [`GgufError`]: nothing
//! after it can be located, so a walk ends there. The error says where the bad field
//! starts ([`GgufError::offset`]). Tensor data is never read.

use std::io::{self, Read, Seek, SeekFrom};

/// Longest key the format allows (llama.cpp refuses longer ones); also the longest
/// tensor name kept.
pub const MAX_KEY: u64 = 65_535;
/// Deepest array nesting accepted (llama.cpp itself supports none).
pub const MAX_ARRAY_DEPTH: u32 = 4;
/// Most dimensions of a tensor (ggml has 4).
pub const MAX_DIMS: u32 = 8;
/// Highest ggml type id this reader knows of.
pub const MAX_GGML_TYPE: u32 = 63;
/// Value type id of strings.
pub const TYPE_STRING: u32 = 8;
/// Value type id of arrays.
pub const TYPE_ARRAY: u32 = 9;
/// Value type id of `u32`.
pub const TYPE_U32: u32 = 4;

/// Steps (metadata entries, array items, tensor infos) between two calls of the
/// caller's time check.
const STEPS_PER_CHECK: u64 = 4096;

/// Why the reader stopped.
#[derive(Debug, thiserror::Error)]
pub enum GgufError {
    /// Reading the underlying stream failed.
    #[error("read error: {0}")]
    Io(#[from] io::Error),
    /// The caller's check (its time limit) asked the reader to stop.
    #[error("stopped by the caller")]
    Interrupted,
    /// The first four bytes are not `GGUF`.
    #[error("file does not start with the GGUF magic")]
    NotGguf,
    /// The version is neither 1, 2 nor 3 in either byte order.
    #[error("unsupported GGUF version {version}; the file cannot be verified")]
    UnsupportedVersion {
        /// The version field read little-endian.
        version: u32,
    },
    /// The file ends inside a field.
    #[error("file ends inside the {what} at byte {at}")]
    Truncated {
        /// The field being read.
        what: &'static str,
        /// Where the bytes ran out.
        at: u64,
    },
    /// The header's counts need more bytes than the file has left.
    #[error(
        "header declares {tensors} tensors and {kvs} metadata entries, more than the {left} \
         bytes left in the file can hold"
    )]
    CountsExceedFile {
        /// Tensor count declared.
        tensors: u64,
        /// Metadata entry count declared.
        kvs: u64,
        /// Bytes left after the counts.
        left: u64,
        /// Offset of the counts.
        at: u64,
    },
    /// A string's length runs past the end of the file.
    #[error("{what} claims {len} bytes but only {left} remain in the file")]
    LengthPastEnd {
        /// The string being read.
        what: &'static str,
        /// Its declared length.
        len: u64,
        /// Bytes left after the length.
        left: u64,
        /// Offset of the length.
        at: u64,
    },
    /// A key longer than the format allows.
    #[error("{what} of {len} bytes exceeds the format's limit of {max}")]
    TooLong {
        /// The string being read.
        what: &'static str,
        /// Its declared length.
        len: u64,
        /// The format's limit ([`MAX_KEY`]).
        max: u64,
        /// Offset of the length.
        at: u64,
    },
    /// Arrays nested deeper than [`MAX_ARRAY_DEPTH`].
    #[error("arrays nested more than {max} deep")]
    ArrayTooDeep {
        /// The depth allowed.
        max: u32,
        /// Offset of the value type of the array that is too deep.
        at: u64,
    },
    /// An array whose item type is unknown.
    #[error("array of unknown value type {item_type}")]
    UnknownArrayType {
        /// The item type id.
        item_type: u32,
        /// Offset of the item type.
        at: u64,
    },
    /// An array whose items cannot fit in what is left of the file.
    #[error(
        "array of {count} {} items cannot fit in the {left} bytes left in the file",
        type_name(*item_type)
    )]
    ArrayPastEnd {
        /// Items declared.
        count: u64,
        /// Their type id.
        item_type: u32,
        /// Bytes left after the count.
        left: u64,
        /// Offset of the count.
        at: u64,
    },
    /// A value type id the format does not define.
    #[error("unknown metadata value type {value_type}")]
    UnknownValueType {
        /// The type id.
        value_type: u32,
        /// Offset of the type id.
        at: u64,
    },
    /// A tensor declaring more than [`MAX_DIMS`] dimensions.
    #[error("tensor `{name}` declares {n_dims} dimensions")]
    TooManyDims {
        /// The tensor's name as read (not clipped).
        name: String,
        /// Dimensions declared.
        n_dims: u32,
        /// Offset of the dimension count.
        at: u64,
    },
}

impl GgufError {
    /// Byte offset of the field the error is about (`None` for I/O errors and
    /// interruptions).
    pub fn offset(&self) -> Option<u64> {
        use GgufError::*;
        match self {
            Io(_) | Interrupted => None,
            NotGguf => Some(0),
            UnsupportedVersion { .. } => Some(4),
            Truncated { at, .. }
            | CountsExceedFile { at, .. }
            | LengthPastEnd { at, .. }
            | TooLong { at, .. }
            | ArrayTooDeep { at, .. }
            | UnknownArrayType { at, .. }
            | ArrayPastEnd { at, .. }
            | UnknownValueType { at, .. }
            | TooManyDims { at, .. } => Some(*at),
        }
    }
}

/// Size in bytes of a scalar value type, `None` for strings, arrays and unknown types.
pub fn scalar_size(vtype: u32) -> Option<u64> {
    match vtype {
        0 | 1 | 7 => Some(1),
        2 | 3 => Some(2),
        4..=6 => Some(4),
        10..=12 => Some(8),
        _ => None,
    }
}

/// The format's name of a value type.
pub fn type_name(vtype: u32) -> &'static str {
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
/// settled; `None` for other ids (known ones are accepted without a size check).
pub fn ggml_block(t: u32) -> Option<(u64, u64)> {
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

/// A scalar metadata value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar {
    /// Type 0.
    U8(u8),
    /// Type 1.
    I8(i8),
    /// Type 2.
    U16(u16),
    /// Type 3.
    I16(i16),
    /// Type 4.
    U32(u32),
    /// Type 5.
    I32(i32),
    /// Type 6.
    F32(f32),
    /// Type 7.
    Bool(bool),
    /// Type 10.
    U64(u64),
    /// Type 11.
    I64(i64),
    /// Type 12.
    F64(f64),
}

/// A string value: its text when it is at most the size asked for, else its length
/// (the bytes were skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GgufString {
    /// The text (lossy UTF-8).
    Text(String),
    /// Longer than asked for but inside the file: skipped.
    Skipped(u64),
}

impl GgufString {
    /// The text, if it was read.
    pub fn into_text(self) -> Option<String> {
        match self {
            GgufString::Text(t) => Some(t),
            GgufString::Skipped(_) => None,
        }
    }
}

/// One tensor info.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorInfo {
    /// Its name (empty when longer than [`MAX_KEY`]; the bytes are skipped).
    pub name: String,
    /// Offset of the dimension count.
    pub dims_at: u64,
    /// Dimensions declared.
    pub n_dims: u32,
    /// Product of the dimensions, `None` when it overflows 64 bits.
    pub elements: Option<u64>,
    /// ggml type id.
    pub ggml_type: u32,
    /// Offset of the type id.
    pub type_at: u64,
    /// Offset of the tensor's data inside the data section.
    pub offset: u64,
}

/// Object-safe `Read + Seek`.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek + ?Sized> ReadSeek for T {}

/// A buffered reader that knows its position and the file size, so skips inside the
/// buffer cost nothing and every length can be checked against what is left.
struct Src<'r> {
    inner: &'r mut dyn ReadSeek,
    buf: Vec<u8>,
    at: usize,
    len: usize,
    /// File offset of `buf[0]`.
    base: u64,
    size: u64,
    be: bool,
}

impl<'r> Src<'r> {
    /// `buffer` bytes of read-ahead; 0 reads exactly what is asked for.
    fn new(inner: &'r mut dyn ReadSeek, size: u64, buffer: usize) -> Self {
        Src {
            inner,
            buf: vec![0; buffer],
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
        if self.buf.is_empty() {
            return self.read_direct(out);
        }
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

    /// Unbuffered: reads straight from the stream, exactly the bytes asked for.
    fn read_direct(&mut self, out: &mut [u8]) -> io::Result<bool> {
        let mut done = 0;
        while done < out.len() {
            match self.inner.read(&mut out[done..]) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        self.base += done as u64;
        Ok(done == out.len())
    }

    /// The next four bytes as a `u32`, not consumed; `None` at end of file.
    fn peek_u32(&mut self) -> io::Result<Option<u32>> {
        let mut b = [0u8; 4];
        if self.buf.is_empty() {
            let start = self.pos();
            let whole = self.read_direct(&mut b)?;
            self.inner.seek(SeekFrom::Start(start))?;
            self.base = start;
            if !whole {
                return Ok(None);
            }
        } else {
            if self.len - self.at < 4 && !self.refill_keep()? {
                return Ok(None);
            }
            if self.len - self.at < 4 {
                return Ok(None);
            }
            b.copy_from_slice(&self.buf[self.at..self.at + 4]);
        }
        Ok(Some(if self.be {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }))
    }

    fn skip(&mut self, n: u64) -> io::Result<()> {
        let in_buf = (self.len - self.at) as u64;
        if n <= in_buf {
            self.at += n as usize;
            return Ok(());
        }
        let target = self.pos().saturating_add(n);
        self.inner.seek(SeekFrom::Start(target))?;
        self.base = target;
        self.at = 0;
        self.len = 0;
        Ok(())
    }

    /// Moves the unread bytes to the front of the buffer and reads more after them.
    fn refill_keep(&mut self) -> io::Result<bool> {
        let rest = self.len - self.at;
        self.buf.copy_within(self.at..self.len, 0);
        self.base += self.at as u64;
        self.at = 0;
        self.len = rest;
        loop {
            match self.inner.read(&mut self.buf[rest..]) {
                Ok(n) => {
                    self.len += n;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
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

/// The pull reader. Call [`read_header`](Self::read_header) first, then for each of
/// [`kv_count`](Self::kv_count) entries [`key`](Self::key),
/// [`value_type`](Self::value_type) and one of the value methods, then
/// [`tensor_info`](Self::tensor_info) [`tensor_count`](Self::tensor_count) times. A
/// walk may stop anywhere.
pub struct GgufReader<'r> {
    src: Src<'r>,
    check: &'r mut dyn FnMut() -> bool,
    steps: u64,
    version: u32,
    tensor_count: u64,
    kv_count: u64,
}

impl<'r> GgufReader<'r> {
    /// A reader over a stream of `size` bytes, positioned at its start. `check` is
    /// called every few thousand steps ([`tick`](Self::tick)); when it returns
    /// `false` the reader stops with [`GgufError::Interrupted`].
    pub fn new(r: &'r mut dyn ReadSeek, size: u64, check: &'r mut dyn FnMut() -> bool) -> Self {
        Self::with_buffer(r, size, check, 64 * 1024)
    }

    /// Like [`new`](Self::new) but without read-ahead: every field is read with
    /// exactly its bytes and skipped values are seeked over. For callers that read a
    /// few header fields of many files (and may stop early), where reading ahead
    /// costs more than it saves (archive members are decompressed to be read).
    pub fn unbuffered(
        r: &'r mut dyn ReadSeek,
        size: u64,
        check: &'r mut dyn FnMut() -> bool,
    ) -> Self {
        Self::with_buffer(r, size, check, 0)
    }

    fn with_buffer(
        r: &'r mut dyn ReadSeek,
        size: u64,
        check: &'r mut dyn FnMut() -> bool,
        buffer: usize,
    ) -> Self {
        GgufReader {
            src: Src::new(r, size, buffer),
            check,
            steps: 0,
            version: 0,
            tensor_count: 0,
            kv_count: 0,
        }
    }

    /// The version read (the little-endian value when it is unsupported; 0 before the
    /// header is read).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Whether the file is big-endian.
    pub fn big_endian(&self) -> bool {
        self.src.be
    }

    /// Tensor infos the header declares.
    pub fn tensor_count(&self) -> u64 {
        self.tensor_count
    }

    /// Metadata entries the header declares.
    pub fn kv_count(&self) -> u64 {
        self.kv_count
    }

    /// Current byte offset.
    pub fn pos(&self) -> u64 {
        self.src.pos()
    }

    /// Size of the file.
    pub fn size(&self) -> u64 {
        self.src.size
    }

    /// Bytes left after the current offset.
    pub fn left(&self) -> u64 {
        self.src.left()
    }

    /// Counts one step of a walk and calls the caller's check every few thousand.
    pub fn tick(&mut self) -> Result<(), GgufError> {
        self.steps += 1;
        if self.steps.is_multiple_of(STEPS_PER_CHECK) && !(self.check)() {
            return Err(GgufError::Interrupted);
        }
        Ok(())
    }

    fn truncated(&self, what: &'static str) -> GgufError {
        GgufError::Truncated {
            what,
            at: self.src.pos(),
        }
    }

    /// A `u32` field; `what` names it in errors.
    pub fn read_u32(&mut self, what: &'static str) -> Result<u32, GgufError> {
        self.src.u32()?.ok_or_else(|| self.truncated(what))
    }

    fn read_u64(&mut self, what: &'static str) -> Result<u64, GgufError> {
        self.src.u64()?.ok_or_else(|| self.truncated(what))
    }

    /// A length or count: 32 bits in version 1, 64 bits after.
    fn read_len(&mut self, what: &'static str) -> Result<u64, GgufError> {
        if self.version == 1 {
            self.read_u32(what).map(u64::from)
        } else {
            self.read_u64(what)
        }
    }

    /// Magic, version (and byte order), tensor and metadata counts. The counts are
    /// refused when the smallest entries they declare cannot fit in the file. The
    /// version and counts are set as they are read, so they are known even when a
    /// later check fails.
    pub fn read_header(&mut self) -> Result<(), GgufError> {
        let mut magic = [0u8; 4];
        if !self.src.read(&mut magic)? || &magic != b"GGUF" {
            return Err(GgufError::NotGguf);
        }
        let mut vb = [0u8; 4];
        if !self.src.read(&mut vb)? {
            return Err(self.truncated("header"));
        }
        let le = u32::from_le_bytes(vb);
        let be = u32::from_be_bytes(vb);
        self.version = if (1..=3).contains(&le) {
            le
        } else if (1..=3).contains(&be) {
            self.src.be = true;
            be
        } else {
            self.version = le;
            return Err(GgufError::UnsupportedVersion { version: le });
        };
        let counts_at = self.src.pos();
        let tensors = self.read_len("header")?;
        let kvs = self.read_len("header")?;
        self.tensor_count = tensors;
        self.kv_count = kvs;
        // The smallest key/value is a length, an empty key, a type and one byte; the
        // smallest tensor info a length, a name, a dimension count, a type and an offset.
        let word = if self.version == 1 { 4 } else { 8 };
        let min_kv = word + 4 + 1;
        let min_tensor = word + 1 + 4 + 4 + 8;
        let left = self.src.left();
        let need = kvs
            .checked_mul(min_kv)
            .zip(tensors.checked_mul(min_tensor))
            .and_then(|(a, b)| a.checked_add(b));
        if need.is_none_or(|n| n > left) {
            return Err(GgufError::CountsExceedFile {
                tensors,
                kvs,
                left,
                at: counts_at,
            });
        }
        Ok(())
    }

    /// A metadata key (at most [`MAX_KEY`] bytes, lossy UTF-8).
    pub fn key(&mut self) -> Result<String, GgufError> {
        match self.string_of("metadata key", MAX_KEY, true)? {
            GgufString::Text(k) => Ok(k),
            // Refused above: a key never reaches here skipped.
            GgufString::Skipped(len) => Err(GgufError::TooLong {
                what: "metadata key",
                len,
                max: MAX_KEY,
                at: self.src.pos(),
            }),
        }
    }

    /// The type id of the value that follows a key.
    pub fn value_type(&mut self) -> Result<u32, GgufError> {
        self.read_u32("metadata value type")
    }

    /// A string value: read when at most `max` bytes, skipped otherwise.
    pub fn string(&mut self, max: u64) -> Result<GgufString, GgufError> {
        self.string_of("string value", max, false)
    }

    fn string_of(
        &mut self,
        what: &'static str,
        max: u64,
        refuse_longer: bool,
    ) -> Result<GgufString, GgufError> {
        let at = self.src.pos();
        let len = self.read_len(what)?;
        let left = self.src.left();
        if len > left {
            return Err(GgufError::LengthPastEnd {
                what,
                len,
                left,
                at,
            });
        }
        if len > max {
            if refuse_longer {
                return Err(GgufError::TooLong { what, len, max, at });
            }
            self.src.skip(len)?;
            return Ok(GgufString::Skipped(len));
        }
        // Bounded by the bytes left in the file (checked above) and by `max`.
        let mut buf = vec![0u8; len as usize];
        if !self.src.read(&mut buf)? {
            return Err(self.truncated(what));
        }
        Ok(GgufString::Text(String::from_utf8_lossy(&buf).into_owned()))
    }

    /// A scalar value of type `vtype` (see [`scalar_size`]); `None` with nothing read
    /// for other types. `what` names the field in errors.
    pub fn scalar(&mut self, vtype: u32, what: &'static str) -> Result<Option<Scalar>, GgufError> {
        let Some(n) = scalar_size(vtype) else {
            return Ok(None);
        };
        let mut b = [0u8; 8];
        if !self.src.read(&mut b[..n as usize])? {
            return Err(self.truncated(what));
        }
        // Scalars are at most 8 bytes: read them as one little-endian word.
        if self.src.be {
            b[..n as usize].reverse();
        }
        let v = u64::from_le_bytes(b);
        Ok(Some(match vtype {
            0 => Scalar::U8(v as u8),
            1 => Scalar::I8(v as u8 as i8),
            7 => Scalar::Bool(v != 0),
            2 => Scalar::U16(v as u16),
            3 => Scalar::I16(v as u16 as i16),
            4 => Scalar::U32(v as u32),
            5 => Scalar::I32(v as u32 as i32),
            6 => Scalar::F32(f32::from_bits(v as u32)),
            10 => Scalar::U64(v),
            11 => Scalar::I64(v as i64),
            _ => Scalar::F64(f64::from_bits(v)),
        }))
    }

    /// Skips a value of type `vtype` whose type id is at offset `at`, with every
    /// length checked (arrays nested up to [`MAX_ARRAY_DEPTH`]).
    pub fn skip_value(&mut self, vtype: u32, at: u64) -> Result<(), GgufError> {
        self.skip_nested(vtype, at, 0)
    }

    fn skip_nested(&mut self, vtype: u32, at: u64, depth: u32) -> Result<(), GgufError> {
        if let Some(n) = scalar_size(vtype) {
            if n > self.src.left() {
                return Err(self.truncated("metadata"));
            }
            self.src.skip(n)?;
            return Ok(());
        }
        match vtype {
            // A string kept up to 0 bytes: the same bounds check, the bytes skipped.
            TYPE_STRING => self.string(0).map(|_| ()),
            TYPE_ARRAY => {
                if depth >= MAX_ARRAY_DEPTH {
                    return Err(GgufError::ArrayTooDeep {
                        max: MAX_ARRAY_DEPTH,
                        at,
                    });
                }
                let et_at = self.src.pos();
                let et = self.read_u32("array item type")?;
                let count_at = self.src.pos();
                let count = self.read_len("array length")?;
                let min_item = match et {
                    TYPE_STRING => {
                        if self.version == 1 {
                            4
                        } else {
                            8
                        }
                    }
                    TYPE_ARRAY => 12,
                    t => match scalar_size(t) {
                        Some(n) => n,
                        None => {
                            return Err(GgufError::UnknownArrayType {
                                item_type: t,
                                at: et_at,
                            });
                        }
                    },
                };
                let left = self.src.left();
                let Some(bytes) = count.checked_mul(min_item).filter(|n| *n <= left) else {
                    return Err(GgufError::ArrayPastEnd {
                        count,
                        item_type: et,
                        left,
                        at: count_at,
                    });
                };
                if scalar_size(et).is_some() {
                    self.src.skip(bytes)?;
                    return Ok(());
                }
                for _ in 0..count {
                    self.tick()?;
                    self.skip_nested(et, et_at, depth + 1)?;
                }
                Ok(())
            }
            t => Err(GgufError::UnknownValueType { value_type: t, at }),
        }
    }

    /// After a value type of array: when its items are strings (the item type is
    /// peeked), consumes the item type and count and returns the count, with the
    /// count checked against the bytes left; otherwise returns `None` with nothing
    /// consumed, so the array can still be skipped with
    /// [`skip_value`](Self::skip_value). Read the items with [`string`](Self::string).
    pub fn string_array(&mut self) -> Result<Option<u64>, GgufError> {
        if self.src.peek_u32()? != Some(TYPE_STRING) {
            return Ok(None);
        }
        self.src.skip(4)?;
        let count_at = self.src.pos();
        let count = self.read_len("array length")?;
        let word = if self.version == 1 { 4 } else { 8 };
        let left = self.src.left();
        if count.checked_mul(word).is_none_or(|n| n > left) {
            return Err(GgufError::ArrayPastEnd {
                count,
                item_type: TYPE_STRING,
                left,
                at: count_at,
            });
        }
        Ok(Some(count))
    }

    /// The next tensor info.
    pub fn tensor_info(&mut self) -> Result<TensorInfo, GgufError> {
        let name = self
            .string_of("tensor name", MAX_KEY, false)?
            .into_text()
            .unwrap_or_default();
        let dims_at = self.src.pos();
        let n_dims = self.read_u32("tensor info")?;
        if n_dims > MAX_DIMS {
            return Err(GgufError::TooManyDims {
                name,
                n_dims,
                at: dims_at,
            });
        }
        let mut elements: Option<u64> = Some(1);
        for _ in 0..n_dims {
            let d = self.read_len("tensor info")?;
            elements = elements.and_then(|e| e.checked_mul(d));
        }
        let type_at = self.src.pos();
        let ggml_type = self.read_u32("tensor info")?;
        let offset = self.read_u64("tensor info")?;
        Ok(TensorInfo {
            name,
            dims_at,
            n_dims,
            elements,
            ggml_type,
            type_at,
            offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

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
        v.extend_from_slice(&TYPE_STRING.to_le_bytes());
        v.extend_from_slice(&(s.len() as u64).to_le_bytes());
        v.extend_from_slice(s.as_bytes());
    }

    /// Walks the whole file the simplest way: every value skipped, every tensor read;
    /// buffered and unbuffered readers agree.
    fn walk(b: &[u8]) -> Result<(u32, Vec<String>, Vec<TensorInfo>), GgufError> {
        let buffered = walk_with(b, true);
        let unbuffered = walk_with(b, false);
        assert_eq!(
            format!("{buffered:?}"),
            format!("{unbuffered:?}"),
            "buffered and unbuffered reads differ"
        );
        buffered
    }

    fn walk_with(
        b: &[u8],
        buffered: bool,
    ) -> Result<(u32, Vec<String>, Vec<TensorInfo>), GgufError> {
        let mut c = Cursor::new(b);
        let mut check = || true;
        let mut g = if buffered {
            GgufReader::new(&mut c, b.len() as u64, &mut check)
        } else {
            GgufReader::unbuffered(&mut c, b.len() as u64, &mut check)
        };
        g.read_header()?;
        let mut keys = Vec::new();
        for _ in 0..g.kv_count() {
            keys.push(g.key()?);
            let at = g.pos();
            let t = g.value_type()?;
            g.skip_value(t, at)?;
        }
        let mut tensors = Vec::new();
        for _ in 0..g.tensor_count() {
            tensors.push(g.tensor_info()?);
        }
        Ok((g.version(), keys, tensors))
    }

    #[test]
    fn reads_keys_values_and_tensors() {
        let mut v = header(3, 1, 2);
        kv_str(&mut v, "general.architecture", "llama");
        v.extend_from_slice(&17u64.to_le_bytes());
        v.extend_from_slice(b"general.alignment");
        v.extend_from_slice(&TYPE_U32.to_le_bytes());
        v.extend_from_slice(&32u32.to_le_bytes());
        v.extend_from_slice(&1u64.to_le_bytes());
        v.push(b't');
        v.extend_from_slice(&2u32.to_le_bytes());
        v.extend_from_slice(&4u64.to_le_bytes());
        v.extend_from_slice(&8u64.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&0u64.to_le_bytes());
        let (version, keys, tensors) = walk(&v).unwrap();
        assert_eq!(version, 3);
        assert_eq!(keys, ["general.architecture", "general.alignment"]);
        assert_eq!(tensors[0].name, "t");
        assert_eq!(tensors[0].elements, Some(32));

        let mut c = Cursor::new(&v[..]);
        let mut check = || true;
        let mut g = GgufReader::new(&mut c, v.len() as u64, &mut check);
        g.read_header().unwrap();
        g.key().unwrap();
        assert_eq!(g.value_type().unwrap(), TYPE_STRING);
        assert_eq!(g.string(3).unwrap(), GgufString::Skipped(5));
        g.key().unwrap();
        let t = g.value_type().unwrap();
        assert_eq!(
            g.scalar(t, "general.alignment").unwrap(),
            Some(Scalar::U32(32))
        );
    }

    #[test]
    fn string_arrays_are_peeked() {
        let mut v = header(3, 0, 1);
        v.extend_from_slice(&1u64.to_le_bytes());
        v.push(b'k');
        v.extend_from_slice(&TYPE_ARRAY.to_le_bytes());
        v.extend_from_slice(&TYPE_STRING.to_le_bytes());
        v.extend_from_slice(&2u64.to_le_bytes());
        for s in ["{{ a }}", "b"] {
            v.extend_from_slice(&(s.len() as u64).to_le_bytes());
            v.extend_from_slice(s.as_bytes());
        }
        for buffered in [true, false] {
            let mut c = Cursor::new(&v[..]);
            let mut check = || true;
            let mut g = if buffered {
                GgufReader::new(&mut c, v.len() as u64, &mut check)
            } else {
                GgufReader::unbuffered(&mut c, v.len() as u64, &mut check)
            };
            g.read_header().unwrap();
            g.key().unwrap();
            assert_eq!(g.value_type().unwrap(), TYPE_ARRAY);
            assert_eq!(g.string_array().unwrap(), Some(2));
            assert_eq!(g.string(100).unwrap().into_text().unwrap(), "{{ a }}");
            assert_eq!(g.string(100).unwrap().into_text().unwrap(), "b");
            assert_eq!(g.left(), 0);
        }
        // Items of another type are not consumed: the array can still be skipped.
        let mut v = header(3, 0, 1);
        v.extend_from_slice(&1u64.to_le_bytes());
        v.push(b'k');
        v.extend_from_slice(&TYPE_ARRAY.to_le_bytes());
        v.extend_from_slice(&TYPE_U32.to_le_bytes());
        v.extend_from_slice(&2u64.to_le_bytes());
        v.extend_from_slice(&[0u8; 8]);
        for buffered in [true, false] {
            let mut c = Cursor::new(&v[..]);
            let mut check = || true;
            let mut g = if buffered {
                GgufReader::new(&mut c, v.len() as u64, &mut check)
            } else {
                GgufReader::unbuffered(&mut c, v.len() as u64, &mut check)
            };
            g.read_header().unwrap();
            g.key().unwrap();
            let at = g.pos();
            let t = g.value_type().unwrap();
            assert_eq!(g.string_array().unwrap(), None);
            g.skip_value(t, at).unwrap();
            assert_eq!(g.left(), 0);
        }
    }

    #[test]
    fn impossible_lengths_and_types_are_errors() {
        let e = walk(&header(3, u64::MAX - 15, 1)).unwrap_err();
        assert!(
            matches!(e, GgufError::CountsExceedFile { at: 8, .. }),
            "{e}"
        );
        let mut v = header(3, 0, 1);
        v.extend_from_slice(&4u64.to_le_bytes());
        v.extend_from_slice(b"key!");
        v.extend_from_slice(&TYPE_STRING.to_le_bytes());
        v.extend_from_slice(&(1u64 << 40).to_le_bytes());
        let e = walk(&v).unwrap_err();
        assert_eq!(
            e.to_string(),
            "string value claims 1099511627776 bytes but only 0 remain in the file"
        );
        let mut v = header(3, 0, 1);
        v.extend_from_slice(&4u64.to_le_bytes());
        v.extend_from_slice(b"key!");
        v.extend_from_slice(&77u32.to_le_bytes());
        v.extend_from_slice(&[0u8; 16]);
        let e = walk(&v).unwrap_err();
        assert!(matches!(
            e,
            GgufError::UnknownValueType {
                value_type: 77,
                at: 36
            }
        ));
        assert_eq!(e.offset(), Some(36));
        let mut v = header(3, 0, 1);
        v.extend_from_slice(&(MAX_KEY + 1).to_le_bytes());
        v.extend_from_slice(&vec![b'k'; MAX_KEY as usize + 1]);
        assert!(matches!(walk(&v).unwrap_err(), GgufError::TooLong { .. }));
        assert!(matches!(walk(b"GGU").unwrap_err(), GgufError::NotGguf));
        let mut v = b"GGUF".to_vec();
        v.extend_from_slice(&9u32.to_le_bytes());
        assert!(matches!(
            walk(&v).unwrap_err(),
            GgufError::UnsupportedVersion { version: 9 }
        ));
        let e = walk(&header(3, 0, 0)[..12]).unwrap_err();
        assert_eq!(e.to_string(), "file ends inside the header at byte 12");
    }

    #[test]
    fn nested_arrays_are_bounded() {
        let mut v = header(3, 0, 1);
        v.extend_from_slice(&1u64.to_le_bytes());
        v.push(b'k');
        v.extend_from_slice(&TYPE_ARRAY.to_le_bytes());
        for _ in 0..MAX_ARRAY_DEPTH + 1 {
            v.extend_from_slice(&TYPE_ARRAY.to_le_bytes());
            v.extend_from_slice(&1u64.to_le_bytes());
        }
        v.extend_from_slice(&[0u8; 64]);
        assert!(matches!(
            walk(&v).unwrap_err(),
            GgufError::ArrayTooDeep { .. }
        ));
    }

    #[test]
    fn version_one_and_big_endian() {
        let mut v = b"GGUF".to_vec();
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(walk(&v).unwrap().0, 1);
        let mut v = b"GGUF".to_vec();
        v.extend_from_slice(&3u32.to_be_bytes());
        v.extend_from_slice(&0u64.to_be_bytes());
        v.extend_from_slice(&1u64.to_be_bytes());
        v.extend_from_slice(&1u64.to_be_bytes());
        v.push(b'k');
        v.extend_from_slice(&2u32.to_be_bytes());
        v.extend_from_slice(&0x1234u16.to_be_bytes());
        let mut c = Cursor::new(&v[..]);
        let mut check = || true;
        let mut g = GgufReader::new(&mut c, v.len() as u64, &mut check);
        g.read_header().unwrap();
        assert!(g.big_endian());
        assert_eq!(g.key().unwrap(), "k");
        let t = g.value_type().unwrap();
        assert_eq!(g.scalar(t, "metadata").unwrap(), Some(Scalar::U16(0x1234)));
    }

    #[test]
    fn the_check_interrupts_long_walks() {
        let mut v = header(3, 0, 1);
        v.extend_from_slice(&1u64.to_le_bytes());
        v.push(b'k');
        v.extend_from_slice(&TYPE_ARRAY.to_le_bytes());
        v.extend_from_slice(&TYPE_STRING.to_le_bytes());
        v.extend_from_slice(&10_000u64.to_le_bytes());
        for _ in 0..10_000 {
            v.extend_from_slice(&0u64.to_le_bytes());
        }
        let mut c = Cursor::new(&v[..]);
        let mut check = || false;
        let mut g = GgufReader::new(&mut c, v.len() as u64, &mut check);
        g.read_header().unwrap();
        g.key().unwrap();
        let at = g.pos();
        let t = g.value_type().unwrap();
        assert!(matches!(
            g.skip_value(t, at).unwrap_err(),
            GgufError::Interrupted
        ));
    }

    #[test]
    fn never_panics_on_prefixes_of_a_valid_file() {
        let mut v = header(3, 1, 1);
        kv_str(&mut v, "tokenizer.chat_template", "{{ x }}");
        v.extend_from_slice(&1u64.to_le_bytes());
        v.push(b't');
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&8u64.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&0u64.to_le_bytes());
        for n in 0..v.len() {
            assert!(walk(&v[..n]).is_err(), "{n}");
        }
        assert!(walk(&v).is_ok());
    }
}

//! Content typing: decides a [`FileKind`] from the first bytes of a file.
//!
//! Binary formats are recognised by their magic bytes and structure only, never by
//! extension (a pickle named `.txt` is a pickle). Text formats that carry no magic
//! (CSV, YAML, ...) use the name once the content is known to be text.

use aispm_core::FileKind;
use aispm_formats::npy;
use aispm_formats::protobuf::{MAX_FIELD_NUMBER, varint_at};

const ZIP_LOCAL: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY: &[u8] = b"PK\x05\x06";
const ZIP_SPANNED: &[u8] = b"PK\x07\x08";
const HDF5_MAGIC: &[u8] = b"\x89HDF\r\n\x1a\n";
const TORCH_LEGACY_MAGIC: &[u8] = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19";

/// Types content from its head (the first bytes), the file name and the total size.
pub fn sniff(head: &[u8], name: &str, size: u64) -> FileKind {
    if head.is_empty() {
        return FileKind::Empty;
    }
    if let Some(k) = sniff_magic(head, name, size) {
        return k;
    }
    if is_pickle_stream(head, size, name) {
        return classify_pickle(head);
    }
    if looks_like_text(head) {
        return classify_text(head, name);
    }
    FileKind::Binary
}

fn ext_of(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rfind('.') {
        Some(i) if i > 0 => base[i + 1..].to_ascii_lowercase(),
        _ => String::new(),
    }
}

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

fn sniff_magic(h: &[u8], name: &str, size: u64) -> Option<FileKind> {
    use FileKind::*;
    let starts = |m: &[u8]| h.starts_with(m);
    if starts(ZIP_LOCAL) || starts(ZIP_EMPTY) || starts(ZIP_SPANNED) {
        return Some(Zip);
    }
    if starts(b"\x1f\x8b") {
        return Some(Gzip);
    }
    if h.len() >= 4 && starts(b"BZh") && (b'1'..=b'9').contains(&h[3]) {
        return Some(Bzip2);
    }
    if starts(b"\xfd7zXZ\x00") {
        return Some(Xz);
    }
    if starts(b"\x28\xb5\x2f\xfd") {
        return Some(Zstd);
    }
    if starts(b"7z\xbc\xaf\x27\x1c") {
        return Some(SevenZip);
    }
    if starts(b"Rar!\x1a\x07") {
        return Some(Rar);
    }
    if starts(b"GGUF") {
        return Some(Gguf);
    }
    if starts(HDF5_MAGIC)
        || [512usize, 1024, 2048]
            .iter()
            .any(|&o| h.get(o..o + 8) == Some(HDF5_MAGIC))
    {
        return Some(Hdf5);
    }
    if starts(npy::MAGIC) {
        return Some(Npy);
    }
    if starts(b"PAR1") {
        return Some(Parquet);
    }
    if starts(b"ARROW1") {
        return Some(Arrow);
    }
    if h.get(4..8) == Some(b"TFL3") {
        return Some(Tflite);
    }
    if starts(TORCH_LEGACY_MAGIC) {
        return Some(PytorchLegacy);
    }
    if is_safetensors(h, size) {
        return Some(Safetensors);
    }
    if is_tar_header(h) {
        return Some(classify_tar(h));
    }
    if is_lzma_alone(h) {
        return Some(Lzma);
    }
    if is_zlib(h) {
        return Some(Zlib);
    }
    if let Some(k) = sniff_protobuf(h, name) {
        return Some(k);
    }
    // Executables, images, documents: binary with no AI meaning.
    const OTHER: &[&[u8]] = &[
        b"\x7fELF",
        b"MZ",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
        b"\x89PNG",
        b"\xff\xd8\xff",
        b"GIF8",
        b"%PDF",
        b"\x00asm",
        b"RIFF",
        b"OggS",
        b"fLaC",
        b"ID3",
        b"SQLite format 3\x00",
    ];
    if OTHER.iter().any(|m| starts(m)) {
        return Some(Binary);
    }
    if starts(b"\xff\xff\xff\xff")
        && matches!(ext_of(name).as_str(), "arrow" | "arrows" | "feather")
    {
        return Some(Arrow);
    }
    None
}

/// safetensors: an 8-byte little-endian header length, then a JSON object.
fn is_safetensors(h: &[u8], size: u64) -> bool {
    if h.len() < 10 {
        return false;
    }
    // Text (JSON lines, say) also has `{` at byte 8; a length field never is text.
    if h[..8]
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        return false;
    }
    let n = u64::from_le_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
    // A header that claims more than the file holds is still a safetensors file (a
    // malformed one); the validator reports it. Require a plausible JSON start.
    // The JSON text itself must look like text: raw tensor bytes (a storage member of
    // a checkpoint, say) can hold `{"` at byte 8 by chance, but not 32 printable bytes.
    let window = &h[8..h.len().min(8 + 32)];
    let json_like = window
        .iter()
        .take(usize::try_from(n).unwrap_or(usize::MAX))
        .all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace() || b >= 0x80);
    n >= 2
        && h[8] == b'{'
        && (h[9] == b'"' || h[9] == b'}' || h[9].is_ascii_whitespace())
        && json_like
        && (n < (1 << 40) || n.saturating_add(8) > size)
}

/// A POSIX/GNU/v7 tar header: the checksum field must match the header bytes.
fn is_tar_header(h: &[u8]) -> bool {
    if h.len() < 512 {
        return false;
    }
    if &h[257..262] == b"ustar" {
        return true;
    }
    let field = &h[148..156];
    let digits: String = field
        .iter()
        .take_while(|&&b| b != 0 && b != b' ')
        .filter(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    let Ok(stored) = u32::from_str_radix(digits.trim(), 8) else {
        return false;
    };
    if digits.is_empty() || h[0] == 0 {
        return false;
    }
    let sum: u32 = h[..512]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                b' ' as u32
            } else {
                b as u32
            }
        })
        .sum();
    sum == stored
}

fn classify_tar(h: &[u8]) -> FileKind {
    let name_end = h[..100].iter().position(|&b| b == 0).unwrap_or(100);
    let first = String::from_utf8_lossy(&h[..name_end]);
    let first = first.trim_start_matches("./");
    if matches!(first, "sys_info" | "pickle" | "storages" | "tensors") {
        FileKind::PytorchTar
    } else {
        FileKind::Tar
    }
}

/// The legacy `.lzma` ("LZMA alone") header: properties byte, dictionary size, size.
fn is_lzma_alone(h: &[u8]) -> bool {
    if h.len() < 13 || h[0] > 224 {
        return false;
    }
    let dict = u32::from_le_bytes([h[1], h[2], h[3], h[4]]);
    let dict_ok = dict.is_power_of_two() && dict >= 1 << 12
        || (dict >= 1 << 12 && (dict / 3).is_power_of_two() && dict.is_multiple_of(3));
    let size = u64::from_le_bytes([h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12]]);
    h[0] == 0x5d && dict_ok && (size == u64::MAX || size < 1 << 48)
}

/// A zlib stream: valid CMF/FLG pair and a head that actually inflates.
fn is_zlib(h: &[u8]) -> bool {
    if h.len() < 2 || h[0] != 0x78 || !matches!(h[1], 0x01 | 0x5e | 0x9c | 0xda) {
        return false;
    }
    if (u16::from(h[0]) * 256 + u16::from(h[1])) % 31 != 0 {
        return false;
    }
    let mut d = flate2::Decompress::new(true);
    let mut out = vec![0u8; 4096];
    match d.decompress(h, &mut out, flate2::FlushDecompress::None) {
        Ok(_) => d.total_out() > 0 || d.total_in() as usize == h.len(),
        Err(_) => false,
    }
}

/// ONNX models and TensorFlow protobufs have no magic. TensorFlow files have fixed
/// names; an ONNX model starts with `ir_version` (field 1) followed by the fields of a
/// `ModelProto`.
fn sniff_protobuf(h: &[u8], name: &str) -> Option<FileKind> {
    let base = base_name(name);
    let fields = protobuf_fields(h, 6);
    if fields.is_empty() {
        return None;
    }
    match base {
        "saved_model.pb" => return Some(FileKind::TfSavedModel),
        "keras_metadata.pb" => return Some(FileKind::TfKerasMetadata),
        _ => {}
    }
    let (first_field, first_wire, first_val, _) = fields[0];
    let model_fields = [1u64, 2, 3, 4, 5, 6, 7, 8, 14, 20, 25];
    let all_model_fields = fields.iter().all(|(f, _, _, _)| model_fields.contains(f));
    // A SavedModel also opens with a small varint (its schema version) followed by
    // field 2, but there field 2 is a message; in ONNX it is the producer's name.
    let text_field = |f: &(u64, u8, u64, usize)| {
        let (_, _, len, at) = *f;
        let end = at.saturating_add(len as usize).min(h.len());
        at < end
            && h[at..end]
                .iter()
                .all(|b| b.is_ascii_graphic() || *b == b' ')
    };
    let onnx_shaped = fields
        .iter()
        .skip(1)
        .any(|f| matches!(f.0, 7 | 8) || (matches!(f.0, 2..=4) && f.1 == 2 && text_field(f)));
    if first_field == 1
        && first_wire == 0
        && (1..=20).contains(&first_val)
        && all_model_fields
        && onnx_shaped
    {
        return Some(FileKind::Onnx);
    }
    if ext_of(name) == "onnx" && all_model_fields {
        return Some(FileKind::Onnx);
    }
    if ext_of(name) == "pb" && fields.len() >= 2 && h.iter().take(256).any(|&b| b == 0 || b >= 0x80)
    {
        // A GraphDef or other TensorFlow protobuf under another name.
        let graph_like = fields.iter().all(|(f, _, _, _)| (1..=10).contains(f));
        if graph_like {
            return Some(FileKind::TfSavedModel);
        }
    }
    None
}

/// Reads up to `max` top-level protobuf fields `(field, wire type, varint value or
/// length)`; empty if the bytes are not a well-formed protobuf prefix.
fn protobuf_fields(h: &[u8], max: usize) -> Vec<(u64, u8, u64, usize)> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < h.len() && out.len() < max {
        let Some((tag, n)) = varint_at(&h[i..]) else {
            break;
        };
        i += n;
        let field = tag >> 3;
        let wire = (tag & 7) as u8;
        if field == 0 || field > MAX_FIELD_NUMBER {
            return Vec::new();
        }
        match wire {
            0 => {
                let Some((v, n)) = varint_at(&h[i..]) else {
                    break;
                };
                i += n;
                out.push((field, wire, v, i));
            }
            1 => {
                out.push((field, wire, 8, i));
                i += 8;
            }
            2 => {
                let Some((len, n)) = varint_at(&h[i..]) else {
                    break;
                };
                i += n;
                out.push((field, wire, len, i));
                i = i.saturating_add(len as usize);
            }
            5 => {
                out.push((field, wire, 4, i));
                i += 4;
            }
            _ => return Vec::new(),
        }
    }
    out
}

fn classify_pickle(h: &[u8]) -> FileKind {
    let mem = |needle: &[u8]| memchr::memmem::find(h, needle).is_some();
    if mem(b"joblib.numpy_pickle") || mem(b"NumpyArrayWrapper") || mem(b"joblib\n") {
        FileKind::Joblib
    } else {
        FileKind::Pickle
    }
}

/// Argument shapes of pickle opcodes, for the validity probe.
enum Arg {
    None,
    Fixed(usize),
    /// A text line ending in `\n` (protocol 0 arguments).
    Line,
    /// Two text lines (`GLOBAL`, `INST`).
    TwoLines,
    /// A length prefix of n bytes (little-endian), then that many bytes.
    Counted(usize),
    Invalid,
}

fn opcode_arg(op: u8) -> Arg {
    use Arg::*;
    match op {
        b'(' | b'.' | b'0' | b'1' | b'2' | b'N' | b'R' | b'a' | b'b' | b'd' | b'}' | b'e'
        | b'l' | b']' | b'o' | b's' | b't' | b')' | b'u' | b'Q' => None,
        b'F' | b'I' | b'L' | b'P' | b'S' | b'V' | b'g' | b'p' => Line,
        b'c' | b'i' => TwoLines,
        b'J' => Fixed(4),
        b'K' | b'h' | b'q' => Fixed(1),
        b'M' => Fixed(2),
        b'j' | b'r' => Fixed(4),
        b'G' => Fixed(8),
        b'T' | b'X' | b'B' => Counted(4),
        b'U' | b'C' => Counted(1),
        0x80 => Fixed(1),
        0x81 | 0x85 | 0x86 | 0x87 | 0x88 | 0x89 | 0x8f | 0x90 | 0x91 | 0x92 | 0x93 | 0x94
        | 0x97 | 0x98 => None,
        0x82 => Fixed(1),
        0x83 => Fixed(2),
        0x84 => Fixed(4),
        0x8a => Counted(1),
        0x8b => Counted(4),
        0x8c => Counted(1),
        0x8d | 0x8e | 0x96 => Counted(8),
        0x95 => Fixed(8),
        _ => Invalid,
    }
}

/// Whether the head is the start of a pickle stream.
///
/// A stream that opens with `PROTO 2..5` and a valid opcode is a pickle whatever
/// follows (joblib puts raw array bytes inside the stream; a malformed pickle is still
/// one and must be reported as such). Older protocols have no magic: every opcode must
/// be valid with a well-formed argument up to `STOP` or the end of the head, except
/// that a file with a pickle extension that opens with a well-formed `GLOBAL` is a
/// (possibly broken) pickle. Bounded by the head.
pub fn is_pickle_stream(h: &[u8], size: u64, name: &str) -> bool {
    if h.is_empty() || matches!(opcode_arg(h[0]), Arg::Invalid) {
        return false;
    }
    if h[0] == 0x80 {
        // PROTO n: protocols 2..=5 exist; the next opcode must be valid too.
        return h.len() >= 3
            && (2..=5).contains(&h[1])
            && !matches!(opcode_arg(h[2]), Arg::Invalid);
    }
    // A text head can only hold a protocol 0 pickle: its opcodes take text arguments.
    // Binary-argument opcodes in text are chance (`torch==2.4` reads as TUPLE, OBJ,
    // LONG_BINPUT, DUP, STOP).
    let text = looks_like_text(h);
    match walk_opcodes(h, size, text) {
        Walk::Valid { rest_is_blank } => !text || rest_is_blank || has_pickle_extension(name),
        Walk::Broken { opened_with_global } => opened_with_global && has_pickle_extension(name),
    }
}

enum Walk {
    /// Reached STOP (or the end of a long head); `rest_is_blank` when nothing but
    /// whitespace follows STOP within the head.
    Valid {
        rest_is_blank: bool,
    },
    Broken {
        opened_with_global: bool,
    },
}

/// Opcodes whose argument is binary (a length or a fixed-width integer).
fn has_binary_arg(op: u8) -> bool {
    op >= 0x80
        || matches!(
            op,
            b'J' | b'K'
                | b'M'
                | b'G'
                | b'T'
                | b'U'
                | b'X'
                | b'B'
                | b'C'
                | b'h'
                | b'j'
                | b'q'
                | b'r'
        )
}

fn has_pickle_extension(name: &str) -> bool {
    matches!(
        ext_of(name).as_str(),
        "pkl"
            | "pickle"
            | "pk"
            | "p"
            | "pt"
            | "pth"
            | "bin"
            | "ckpt"
            | "joblib"
            | "dat"
            | "data"
            | "sav"
            | "model"
            | "pkl3"
    )
}

fn walk_opcodes(h: &[u8], size: u64, text_only: bool) -> Walk {
    let mut i = 0usize;
    let mut ops = 0usize;
    let mut opened_with_global = false;
    let broken = |g| Walk::Broken {
        opened_with_global: g,
    };
    let line = |from: usize| {
        h[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| from + p + 1)
    };
    let end = |ops: usize, g: bool| {
        if reached_end(h, size, ops) {
            Walk::Valid {
                rest_is_blank: false,
            }
        } else {
            broken(g)
        }
    };
    while i < h.len() {
        let op = h[i];
        i += 1;
        ops += 1;
        if op == b'.' {
            // STOP: a real pickle needs something before it.
            return if ops >= 2 {
                Walk::Valid {
                    rest_is_blank: h[i..].iter().all(u8::is_ascii_whitespace),
                }
            } else {
                broken(false)
            };
        }
        if text_only && has_binary_arg(op) {
            return broken(opened_with_global);
        }
        match opcode_arg(op) {
            Arg::Invalid => return broken(opened_with_global),
            Arg::None => {}
            Arg::Fixed(n) => i += n,
            Arg::Line => match line(i) {
                Some(next) => {
                    if !line_arg_ok(op, &h[i..next - 1]) {
                        return broken(opened_with_global);
                    }
                    i = next;
                }
                None => return end(ops, opened_with_global),
            },
            Arg::TwoLines => {
                for _ in 0..2 {
                    match line(i) {
                        Some(next) => {
                            if !is_dotted_name(&h[i..next - 1]) {
                                return broken(opened_with_global);
                            }
                            i = next;
                        }
                        None => return end(ops, opened_with_global),
                    }
                }
                if ops == 1 {
                    opened_with_global = true;
                }
            }
            Arg::Counted(n) => {
                if i + n > h.len() {
                    return end(ops, opened_with_global);
                }
                let mut len = 0u64;
                for (k, &b) in h[i..i + n].iter().enumerate() {
                    len |= u64::from(b) << (8 * k);
                }
                if len > size {
                    return broken(opened_with_global);
                }
                i = i.saturating_add(n).saturating_add(len as usize);
            }
        }
    }
    end(ops, opened_with_global)
}

/// The head ran out before STOP: a pickle only if the file goes on past the head and
/// enough opcodes parsed to rule out chance.
fn reached_end(h: &[u8], size: u64, ops: usize) -> bool {
    size > h.len() as u64 && ops >= 8
}

fn line_arg_ok(op: u8, arg: &[u8]) -> bool {
    let s = match std::str::from_utf8(arg) {
        Ok(s) => s,
        Err(_) => return op == b'V',
    };
    match op {
        b'I' | b'L' | b'g' | b'p' => {
            let t = s.trim_end_matches('L');
            !t.is_empty()
                && (t == "00"
                    || t == "01"
                    || t.trim_start_matches('-')
                        .bytes()
                        .all(|b| b.is_ascii_digit()))
        }
        b'F' => s.parse::<f64>().is_ok(),
        b'S' => {
            (s.starts_with('\'') && s.ends_with('\'') || s.starts_with('"') && s.ends_with('"'))
                && s.len() >= 2
        }
        _ => true,
    }
}

fn is_dotted_name(b: &[u8]) -> bool {
    !b.is_empty()
        && b.len() < 256
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        && !b[0].is_ascii_digit()
}

/// No NUL bytes and valid UTF-8 (a character cut at the end of the head is allowed).
pub fn looks_like_text(h: &[u8]) -> bool {
    if memchr::memchr(0, h).is_some() {
        return false;
    }
    match std::str::from_utf8(h) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && h.len() - e.valid_up_to() < 4,
    }
}

fn classify_text(h: &[u8], name: &str) -> FileKind {
    use FileKind::*;
    let ext = ext_of(name);
    let trimmed = h.trim_ascii_start();
    let trimmed = trimmed.strip_prefix(b"\xef\xbb\xbf").unwrap_or(trimmed);
    if trimmed.starts_with(b"{") || trimmed.starts_with(b"[") {
        if memchr::memmem::find(h, b"\"nbformat\"").is_some()
            || (ext == "ipynb" && memchr::memmem::find(h, b"\"cells\"").is_some())
        {
            return Notebook;
        }
        if matches!(ext.as_str(), "jsonl" | "ndjson") || is_json_lines(trimmed) {
            return Jsonl;
        }
        if ext != "md" && ext != "py" && ext != "js" && ext != "ts" {
            return Json;
        }
    }
    match ext.as_str() {
        "csv" => Csv,
        "tsv" => Tsv,
        "jsonl" | "ndjson" => Jsonl,
        "json" => Json,
        "ipynb" => Notebook,
        "yaml" | "yml" => Yaml,
        "toml" => Toml,
        "md" | "markdown" => Markdown,
        _ => Text,
    }
}

/// Several lines that each start with `{` and end with `}`.
fn is_json_lines(h: &[u8]) -> bool {
    let mut complete = 0;
    let mut lines = h.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let last = lines.peek().is_none();
        let l = line.trim_ascii();
        if l.is_empty() {
            continue;
        }
        if !l.starts_with(b"{") {
            return false;
        }
        if !last && !l.ends_with(b"}") {
            return false;
        }
        if !last {
            complete += 1;
        }
    }
    complete >= 2
}

/// Refines a zip's kind from its member names (the central directory).
pub fn classify_zip(members: &[String]) -> FileKind {
    let has = |f: &dyn Fn(&str) -> bool| members.iter().any(|m| f(m));
    let data_pkl = has(&|m| m == "data.pkl" || m.ends_with("/data.pkl"));
    if data_pkl
        && has(&|m| m.contains("/code/") || m.starts_with("code/") || m.ends_with("constants.pkl"))
    {
        return FileKind::Torchscript;
    }
    if data_pkl
        && has(&|m| {
            m.ends_with("/version")
                || m == "version"
                || m.contains("/data/")
                || m.ends_with("byteorder")
        })
    {
        return FileKind::PytorchZip;
    }
    if data_pkl {
        return FileKind::PytorchZip;
    }
    if has(&|m| m == "config.json") && has(&|m| m == "model.weights.h5" || m == "metadata.json") {
        return FileKind::KerasZip;
    }
    let files: Vec<&String> = members.iter().filter(|m| !m.ends_with('/')).collect();
    if !files.is_empty() && files.iter().all(|m| m.ends_with(".npy")) {
        return FileKind::Npz;
    }
    FileKind::Zip
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(h: &[u8], name: &str) -> FileKind {
        sniff(h, name, h.len() as u64)
    }

    #[test]
    fn magic_formats_ignore_extension() {
        assert_eq!(k(b"PK\x03\x04rest", "model.jpg"), FileKind::Zip);
        assert_eq!(k(b"GGUF\x03\x00\x00\x00", "x.bin"), FileKind::Gguf);
        assert_eq!(k(b"\x89HDF\r\n\x1a\n\0\0", "weights"), FileKind::Hdf5);
        assert_eq!(k(b"\x93NUMPY\x01\x00", "a.txt"), FileKind::Npy);
        assert_eq!(k(b"\x1f\x8b\x08\x00", "a"), FileKind::Gzip);
        assert_eq!(k(b"7z\xbc\xaf\x27\x1c\0\x04", "a.zip"), FileKind::SevenZip);
        assert_eq!(k(b"PAR1\x15\x04", "t"), FileKind::Parquet);
        assert_eq!(k(b"\x7fELF\x02\x01", "model.pkl"), FileKind::Binary);
    }

    #[test]
    fn raw_tensor_bytes_are_not_safetensors() {
        // Random storage bytes that happen to hold `{"` at offset 8.
        let mut raw = vec![0x1f, 0x8a, 0x33, 0x3c, 0x91, 0xee, 0x52, 0x3c, b'{', b'"'];
        raw.extend_from_slice(&[0x01, 0x9c, 0xfe, 0x3b, 0x00, 0x17, 0x80, 0xbf, 0x44, 0x02]);
        assert_ne!(k(&raw, "archive/data/111"), FileKind::Safetensors);
    }

    #[test]
    fn safetensors_header() {
        let json = br#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#;
        let mut f = (json.len() as u64).to_le_bytes().to_vec();
        f.extend_from_slice(json);
        f.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(k(&f, "x.bin"), FileKind::Safetensors);
        // A header length near 2^64 is still a (malformed) safetensors file.
        let mut bad = u64::MAX.to_le_bytes().to_vec();
        bad.extend_from_slice(b"{\"a\":1}");
        assert_eq!(k(&bad, "x"), FileKind::Safetensors);
    }

    #[test]
    fn pickles_by_content() {
        assert_eq!(
            k(
                b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94.",
                "a.txt"
            ),
            FileKind::Pickle
        );
        assert_eq!(
            k(b"cos\nsystem\n(S'id'\ntR.", "notes.txt"),
            FileKind::Pickle
        );
        assert_eq!(k(b"(dp0\nS'a'\np1\nI1\ns.", "x.dat"), FileKind::Pickle);
        assert_eq!(
            k(b"}q\x00(X\x01\x00\x00\x00aq\x01K\x01u.", "x"),
            FileKind::Pickle
        );
        assert_eq!(k(TORCH_LEGACY_MAGIC, "m.pt"), FileKind::PytorchLegacy);
        // Text that starts with an opcode letter is not a pickle.
        assert_eq!(k(b"Name,Age\nBob,3\n", "people.csv"), FileKind::Csv);
        assert_eq!(k(b"cat file.txt\n", "run.sh"), FileKind::Text);
        assert_eq!(
            k(b"torch==2.4.1\ntransformers==4.44.2\n", "requirements.txt"),
            FileKind::Text
        );
        assert_eq!(k(b"(a)\n.", "x"), FileKind::Text);
        assert_eq!(k(b"I1\n.", "x"), FileKind::Pickle);
        // A GLOBAL followed by garbage: a broken pickle when named like one.
        let broken = b"cbuiltins\nexec\n(X>\nf = open('x')";
        assert_eq!(k(broken, "model.pkl"), FileKind::Pickle);
        assert_eq!(k(broken, "notes.txt"), FileKind::Text);
        // Protocol 2+ with raw bytes inside (joblib arrays).
        assert_eq!(
            k(
                b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\xff\xfe\xfd",
                "a"
            ),
            FileKind::Pickle
        );
    }

    #[test]
    fn text_formats() {
        assert_eq!(
            k(b"{\"cells\": [], \"nbformat\": 4}", "a.json"),
            FileKind::Notebook
        );
        assert_eq!(
            k(b"{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n", "data"),
            FileKind::Jsonl
        );
        assert_eq!(k(b"{\"a\": 1,\n \"b\": 2}", "c.json"), FileKind::Json);
        assert_eq!(k(b"a: 1\n", "c.yaml"), FileKind::Yaml);
        assert_eq!(k(b"# Model\n", "README.md"), FileKind::Markdown);
        assert_eq!(k(b"import os\n", "train.py"), FileKind::Text);
        assert_eq!(k(b"x^2 + y^2\n", "notes"), FileKind::Text);
    }

    #[test]
    fn onnx_by_structure() {
        // A SavedModel under another name: schema version 1, then a MetaGraphDef message.
        let saved = b"\x08\x01\x12\x10\x0a\x0e\x0a\x05serve\x12\x05\x0a\x03x";
        assert_ne!(k(saved, "model.bin"), FileKind::Onnx);
        // ir_version 8, producer_name "pytorch", graph {...}
        let onnx = b"\x08\x08\x12\x07pytorch\x1a\x032.1:\x02\x0a\x00";
        assert_eq!(k(onnx, "model.bin"), FileKind::Onnx);
    }

    #[test]
    fn zip_members_refine() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            classify_zip(&v(&[
                "archive/data.pkl",
                "archive/version",
                "archive/data/0"
            ])),
            FileKind::PytorchZip
        );
        assert_eq!(
            classify_zip(&v(&[
                "m/data.pkl",
                "m/code/__torch__.py",
                "m/constants.pkl"
            ])),
            FileKind::Torchscript
        );
        assert_eq!(
            classify_zip(&v(&["config.json", "metadata.json", "model.weights.h5"])),
            FileKind::KerasZip
        );
        assert_eq!(classify_zip(&v(&["a.npy", "b.npy"])), FileKind::Npz);
        assert_eq!(classify_zip(&v(&["readme.txt"])), FileKind::Zip);
    }

    #[test]
    fn never_panics_on_short_or_odd_input() {
        for len in 0..64 {
            for fill in [0u8, 0x80, b'(', b'P', 0xff, b'{', 0x78] {
                let v = vec![fill; len];
                let _ = sniff(&v, "x", len as u64);
                let _ = sniff(&v, "x", u64::MAX);
            }
        }
    }
}

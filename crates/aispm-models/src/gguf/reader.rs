//! The GGUF walk of the model analyzer, over the shared bounded reader
//! [`aispm_formats::gguf`] (versions 1 to 3, either byte order): header, every
//! metadata key/value (all value types, nested arrays), and the tensor infos. The
//! reader checks every length and count against the bytes left in the file; what it
//! refuses (a count near 2^64, a string or array running past the end, an unknown
//! value type) becomes an [`Issue`] and ends the walk, since nothing after it can be
//! located. This walk adds what is wrong but readable (duplicate keys, alignment,
//! templates stored as other types, tensor layout) and returns the chat templates
//! (`tokenizer.chat_template`, `tokenizer.chat_template.*`) for analysis.
//!
//! Tensor data is never read: only offsets and sizes are compared with the file size.

use aispm_core::Severity;
use aispm_core::analyzer::TimeLimitReached;
use aispm_formats::gguf::{
    GgufError, GgufReader, GgufString, MAX_GGML_TYPE, ReadSeek, Scalar, TYPE_ARRAY, TYPE_STRING,
    TYPE_U32, ggml_block, type_name,
};
use std::collections::HashSet;
use std::io;

/// Largest template string read into memory; larger ones are reported, not read.
pub const MAX_TEMPLATE: u64 = 4 << 20;
/// Largest other string value read to look for template payloads.
const MAX_OTHER_STRING: u64 = 64 << 10;

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

/// Reads a GGUF file of `size` bytes. `check` is the per-file time limit.
pub fn read_gguf(
    r: &mut dyn ReadSeek,
    size: u64,
    check: &mut dyn FnMut() -> Result<(), TimeLimitReached>,
) -> Result<GgufInfo, ReadError> {
    let mut timed_out: Option<TimeLimitReached> = None;
    let mut keep_going = || match check() {
        Ok(()) => true,
        Err(t) => {
            timed_out = Some(t);
            false
        }
    };
    let mut info = GgufInfo::default();
    let outcome = {
        let mut g = GgufReader::new(r, size, &mut keep_going);
        let outcome = walk(&mut g, &mut info);
        info.version = g.version();
        info.big_endian = g.big_endian();
        info.tensor_count = g.tensor_count();
        info.kv_count = g.kv_count();
        outcome
    };
    match outcome {
        Ok(()) => {}
        Err(GgufError::Io(e)) => return Err(ReadError::Io(e)),
        Err(GgufError::Interrupted) => {
            return Err(ReadError::Time(timed_out.unwrap_or(TimeLimitReached(0))));
        }
        // A walk that stops on what the reader refuses records it as an issue.
        Err(e) => {
            let (kind, severity) = match &e {
                GgufError::NotGguf | GgufError::UnsupportedVersion { .. } => {
                    (IssueKind::Header, Severity::Medium)
                }
                GgufError::TooManyDims { .. } => (IssueKind::Tensors, Severity::High),
                _ => (IssueKind::Header, Severity::High),
            };
            let message = match &e {
                GgufError::TooManyDims { name, n_dims, .. } => {
                    format!("tensor `{}` declares {n_dims} dimensions", clip(name))
                }
                e => e.to_string(),
            };
            add(&mut info, kind, severity, e.offset().unwrap_or(0), message);
        }
    }
    Ok(info)
}

fn add(info: &mut GgufInfo, kind: IssueKind, severity: Severity, offset: u64, message: String) {
    if info.issues.len() < 32 {
        info.issues.push(Issue {
            kind,
            severity,
            message,
            offset,
        });
    }
}

/// Header, metadata, then tensor infos.
fn walk(g: &mut GgufReader<'_>, info: &mut GgufInfo) -> Result<(), GgufError> {
    g.read_header()?;
    let mut alignment = 32u64;
    let mut seen: HashSet<String> = HashSet::new();
    for _ in 0..g.kv_count() {
        g.tick()?;
        let key_at = g.pos();
        let key = g.key()?;
        if !seen.insert(key.clone()) {
            add(
                info,
                IssueKind::Header,
                Severity::Medium,
                key_at,
                format!("metadata key `{}` appears twice", clip(&key)),
            );
        }
        let type_at = g.pos();
        let vtype = g.value_type()?;
        let is_template = key == "tokenizer.chat_template"
            || key.starts_with("tokenizer.chat_template.")
            || (key.contains("template") && vtype == TYPE_STRING);
        if key == "general.alignment" {
            if let Some(a) = read_alignment(g, info, vtype, type_at)? {
                alignment = a;
            }
            continue;
        }
        if is_template && vtype == TYPE_STRING {
            match g.string(MAX_TEMPLATE)? {
                GgufString::Text(t) => info.templates.push((key, t)),
                GgufString::Skipped(_) => info.unreadable_templates.push(key),
            }
            continue;
        }
        if vtype == TYPE_STRING {
            // Other strings: Jinja payloads planted outside the template keys are
            // analysed too (a loader may render any of them).
            if let GgufString::Text(t) = g.string(MAX_OTHER_STRING)?
                && (t.contains("{{") || t.contains("{%"))
            {
                info.templates.push((key, t));
            }
            continue;
        }
        if is_template {
            add(
                info,
                IssueKind::Header,
                Severity::Medium,
                type_at,
                format!(
                    "chat template `{}` is stored as {}, not a string",
                    clip(&key),
                    type_name(vtype)
                ),
            );
            // Still analysed: a loader that joins or picks items renders them.
            if vtype == TYPE_ARRAY
                && let Some(count) = g.string_array()?
            {
                for i in 0..count {
                    g.tick()?;
                    if let GgufString::Text(t) = g.string(MAX_TEMPLATE)?
                        && info.templates.len() < 256
                    {
                        info.templates.push((format!("{key}[{i}]"), t));
                    }
                }
                continue;
            }
        }
        g.skip_value(vtype, type_at)?;
    }
    tensor_infos(g, info, alignment)
}

/// `general.alignment`: a power of two stored as u32, else an issue and the default.
fn read_alignment(
    g: &mut GgufReader<'_>,
    info: &mut GgufInfo,
    vtype: u32,
    at: u64,
) -> Result<Option<u64>, GgufError> {
    if vtype != TYPE_U32 {
        add(
            info,
            IssueKind::Header,
            Severity::Medium,
            at,
            format!("general.alignment is {}, not u32", type_name(vtype)),
        );
        g.skip_value(vtype, at)?;
        return Ok(None);
    }
    let Some(Scalar::U32(a)) = g.scalar(TYPE_U32, "general.alignment")? else {
        return Ok(None);
    };
    if a == 0 || !a.is_power_of_two() {
        add(
            info,
            IssueKind::Header,
            Severity::Medium,
            at,
            format!("general.alignment {a} is not a power of two"),
        );
        return Ok(None);
    }
    Ok(Some(u64::from(a)))
}

fn tensor_infos(
    g: &mut GgufReader<'_>,
    info: &mut GgufInfo,
    alignment: u64,
) -> Result<(), GgufError> {
    // (offset, size if known, name) of every tensor.
    let mut spans: Vec<(u64, Option<u64>, String)> = Vec::new();
    for _ in 0..g.tensor_count() {
        g.tick()?;
        let t = g.tensor_info()?;
        let name = t.name;
        let Some(elements) = t.elements else {
            add(
                info,
                IssueKind::Tensors,
                Severity::High,
                t.dims_at,
                format!(
                    "tensor `{}` has dimensions whose product overflows 64 bits",
                    clip(&name)
                ),
            );
            continue;
        };
        let ty = t.ggml_type;
        let offset = t.offset;
        if ty > MAX_GGML_TYPE {
            add(
                info,
                IssueKind::Tensors,
                Severity::Medium,
                t.type_at,
                format!("tensor `{}` has unknown ggml type {ty}", clip(&name)),
            );
        }
        if !offset.is_multiple_of(alignment) {
            add(
                info,
                IssueKind::Tensors,
                Severity::Medium,
                t.type_at,
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
    let info_end = g.pos();
    let size = g.size();
    let data_start = info_end.div_ceil(alignment).saturating_mul(alignment);
    let data_len = size.saturating_sub(data_start);
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
            add(info, IssueKind::Tensors, Severity::High, info_end, msg);
        }
        if bytes.is_some() {
            prev_end = Some((end, name.clone()));
        }
    }
    if let Some(first) = first_past {
        // Offsets far past any file this size are crafted; a short tail is a
        // truncated download.
        let absurd = spans.iter().any(|(o, b, _)| {
            o.saturating_add(b.unwrap_or(0)) > size.saturating_mul(2).max(1 << 20)
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
        add(
            info,
            IssueKind::Tensors,
            sev,
            info_end,
            format!("tensor data past the end of the file: {first}{more}"),
        );
    }
    Ok(())
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

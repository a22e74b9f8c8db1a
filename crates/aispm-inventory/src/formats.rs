//! Cheap metadata of model and dataset formats: headers only, bounded.

use crate::{file_asset, truncate};
use aispm_core::{AnalysisContext, AnalysisError, Asset, AssetKind, FileInput, FileKind};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::{Read, Seek, SeekFrom};

/// Largest safetensors JSON header read (the format's own loader caps it at 100 MB).
const MAX_SAFETENSORS_HEADER: u64 = 100_000_000;
/// Largest GGUF string read into memory (chat templates are a few KB).
const MAX_GGUF_STRING: u64 = 1 << 20;
const MAX_GGUF_KV: u64 = 1 << 20;
const MAX_GGUF_ARRAY: u64 = 1 << 28;
/// Largest zip member (config.json, metadata.json) read for metadata.
const MAX_CONFIG_MEMBER: u64 = 16 << 20;

fn framework_of(kind: FileKind) -> &'static str {
    use FileKind::*;
    match kind {
        Pickle => "python-pickle",
        Joblib => "joblib",
        PytorchZip | PytorchLegacy | PytorchTar | Torchscript => "pytorch",
        Safetensors => "safetensors",
        Gguf => "gguf",
        Onnx => "onnx",
        KerasZip => "keras",
        Hdf5 => "hdf5",
        TfSavedModel | TfKerasMetadata | Tflite => "tensorflow",
        Npy | Npz => "numpy",
        _ => "unknown",
    }
}

/// A model asset with the metadata its format offers cheaply. Header problems become
/// error records (the file is still inventoried).
pub fn model_asset(file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<Asset, AnalysisError> {
    let mut a = file_asset(file, AssetKind::Model, file.kind.as_str());
    a.set("framework", framework_of(file.kind));
    let outcome = match file.kind {
        FileKind::Safetensors => safetensors(file, &mut a),
        FileKind::Gguf => gguf(file, &mut a, cx),
        FileKind::Npy => npy(file.head, &mut a),
        FileKind::Onnx => onnx(file, &mut a, cx),
        FileKind::Pickle | FileKind::Joblib | FileKind::PytorchLegacy => {
            if file.head.first() == Some(&0x80) && file.head.len() > 1 {
                a.set("pickle_protocol", file.head[1]);
            }
            Ok(())
        }
        FileKind::PytorchZip | FileKind::Torchscript | FileKind::Npz => {
            zip_layout(file, &mut a);
            Ok(())
        }
        FileKind::KerasZip => keras_zip(file, &mut a),
        FileKind::Hdf5 => {
            let mem = |n: &[u8]| memchr::memmem::find(file.head, n).is_some();
            if mem(b"keras_version") || mem(b"model_config") {
                a.set("framework", "keras");
                a.format = "keras-h5".into();
            }
            Ok(())
        }
        _ => Ok(()),
    };
    if let Err(e) = outcome {
        a.set("header_valid", false);
        cx.error(
            file.path,
            e.error_kind(),
            format!("{} header: {e}", file.kind),
        );
    }
    Ok(a)
}

fn parse_err(msg: impl Into<String>) -> AnalysisError {
    AnalysisError::Parse(msg.into())
}

fn safetensors(file: &FileInput<'_>, a: &mut Asset) -> Result<(), AnalysisError> {
    let mut r = file.open()?;
    let mut len = [0u8; 8];
    r.read_exact(&mut len)?;
    let n = u64::from_le_bytes(len);
    if n > MAX_SAFETENSORS_HEADER || n.saturating_add(8) > file.size {
        return Err(parse_err(format!(
            "header length {n} exceeds the file or the 100 MB cap"
        )));
    }
    let mut header = vec![0u8; n as usize];
    r.read_exact(&mut header)?;
    let v: Value =
        aispm_core::json::from_slice_bounded(&header).map_err(|e| parse_err(e.to_string()))?;
    let obj = v
        .as_object()
        .ok_or_else(|| parse_err("header is not a JSON object"))?;
    let mut dtypes = BTreeSet::new();
    let mut tensors = 0u64;
    let mut params: u64 = 0;
    for (name, t) in obj {
        if name == "__metadata__" {
            if let Some(m) = t.as_object() {
                let meta: serde_json::Map<String, Value> = m
                    .iter()
                    .take(32)
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            Value::String(truncate(v.as_str().unwrap_or_default(), 200)),
                        )
                    })
                    .collect();
                a.set("metadata", Value::Object(meta));
            }
            continue;
        }
        tensors += 1;
        if let Some(d) = t.get("dtype").and_then(Value::as_str) {
            dtypes.insert(d.to_string());
        }
        if let Some(shape) = t.get("shape").and_then(Value::as_array) {
            let n = shape
                .iter()
                .try_fold(1u64, |acc, d| d.as_u64().and_then(|d| acc.checked_mul(d)));
            params = params.saturating_add(n.unwrap_or(0));
        }
    }
    a.set("tensor_count", tensors);
    a.set("dtypes", dtypes.into_iter().collect::<Vec<_>>());
    a.set("parameter_count", params);
    a.set("header_bytes", n);
    Ok(())
}

/// GGUF: header, then key/value metadata. Only a few keys are kept; the rest are
/// skipped with bounds checks.
fn gguf(file: &FileInput<'_>, a: &mut Asset, cx: &AnalysisContext) -> Result<(), AnalysisError> {
    let mut r = file.open()?;
    let mut b4 = [0u8; 4];
    r.read_exact(&mut b4)?;
    let version = read_u32(&mut r)?;
    a.set("gguf_version", version);
    if !(1..=3).contains(&version) {
        return Err(parse_err(format!("unsupported GGUF version {version}")));
    }
    let (tensors, kvs) = if version == 1 {
        (u64::from(read_u32(&mut r)?), u64::from(read_u32(&mut r)?))
    } else {
        (read_u64(&mut r)?, read_u64(&mut r)?)
    };
    a.set("tensor_count", tensors);
    a.set("metadata_count", kvs);
    if kvs > MAX_GGUF_KV || tensors > (file.size / 8).max(1) {
        return Err(parse_err(format!(
            "implausible counts: {tensors} tensors, {kvs} metadata entries"
        )));
    }
    let wanted = [
        "general.architecture",
        "general.name",
        "general.license",
        "general.file_type",
        "general.quantization_version",
        "general.size_label",
        "general.basename",
    ];
    for _ in 0..kvs {
        cx.check_time()?;
        let key = read_gguf_string(&mut r, version, 65_536)?;
        let vtype = read_u32(&mut r)?;
        if key == "tokenizer.chat_template" || key.starts_with("tokenizer.chat_template.") {
            if vtype != 8 {
                return Err(parse_err("chat template is not a string"));
            }
            let len = read_len(&mut r, version)?;
            a.set("has_chat_template", true);
            a.set("chat_template_bytes", len);
            skip(&mut r, len, file.size)?;
            continue;
        }
        if wanted.contains(&key.as_str()) {
            let v = read_gguf_value(&mut r, version, vtype, file.size)?;
            a.set(&key.replace("general.", ""), v);
        } else {
            skip_gguf_value(&mut r, version, vtype, file.size, 0)?;
        }
    }
    Ok(())
}

fn read_u32<R: Read + ?Sized>(r: &mut R) -> std::io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn read_u64<R: Read + ?Sized>(r: &mut R) -> std::io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn read_len<R: Read + ?Sized>(r: &mut R, version: u32) -> std::io::Result<u64> {
    if version == 1 {
        read_u32(r).map(u64::from)
    } else {
        read_u64(r)
    }
}

fn read_gguf_string<R: Read + ?Sized>(
    r: &mut R,
    version: u32,
    max: u64,
) -> Result<String, AnalysisError> {
    let len = read_len(r, version)?;
    if len > max {
        return Err(parse_err(format!("string of {len} bytes exceeds {max}")));
    }
    let mut buf = vec![0u8; len as usize];
    r.read_exact(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn skip<R: Read + Seek + ?Sized>(r: &mut R, n: u64, file_size: u64) -> Result<(), AnalysisError> {
    if n > file_size {
        return Err(parse_err(format!("length {n} exceeds the file size")));
    }
    let n = i64::try_from(n).map_err(|_| parse_err("length overflow"))?;
    r.seek(SeekFrom::Current(n))?;
    Ok(())
}

fn scalar_size(vtype: u32) -> Option<u64> {
    match vtype {
        0 | 1 | 7 => Some(1),
        2 | 3 => Some(2),
        4..=6 => Some(4),
        10..=12 => Some(8),
        _ => None,
    }
}

fn read_gguf_value<R: Read + Seek + ?Sized>(
    r: &mut R,
    version: u32,
    vtype: u32,
    size: u64,
) -> Result<Value, AnalysisError> {
    let mut b8 = [0u8; 8];
    Ok(match vtype {
        8 => Value::String(truncate(
            &read_gguf_string(r, version, MAX_GGUF_STRING)?,
            500,
        )),
        0 | 1 | 7 => {
            r.read_exact(&mut b8[..1])?;
            match vtype {
                0 => json!(b8[0]),
                1 => json!(b8[0] as i8),
                _ => json!(b8[0] != 0),
            }
        }
        2 | 3 => {
            r.read_exact(&mut b8[..2])?;
            let v = u16::from_le_bytes([b8[0], b8[1]]);
            if vtype == 2 {
                json!(v)
            } else {
                json!(v as i16)
            }
        }
        4..=6 => {
            r.read_exact(&mut b8[..4])?;
            let v = u32::from_le_bytes([b8[0], b8[1], b8[2], b8[3]]);
            match vtype {
                4 => json!(v),
                5 => json!(v as i32),
                _ => json!(f32::from_bits(v)),
            }
        }
        10..=12 => {
            r.read_exact(&mut b8)?;
            let v = u64::from_le_bytes(b8);
            match vtype {
                10 => json!(v),
                11 => json!(v as i64),
                _ => json!(f64::from_bits(v)),
            }
        }
        _ => {
            skip_gguf_value(r, version, vtype, size, 0)?;
            Value::Null
        }
    })
}

fn skip_gguf_value<R: Read + Seek + ?Sized>(
    r: &mut R,
    version: u32,
    vtype: u32,
    size: u64,
    depth: u32,
) -> Result<(), AnalysisError> {
    if let Some(n) = scalar_size(vtype) {
        return skip(r, n, size);
    }
    match vtype {
        8 => {
            let len = read_len(r, version)?;
            skip(r, len, size)
        }
        9 => {
            if depth > 2 {
                return Err(parse_err("arrays nested too deep"));
            }
            let et = read_u32(r)?;
            let count = read_len(r, version)?;
            if count > MAX_GGUF_ARRAY || count > size {
                return Err(parse_err(format!(
                    "array of {count} elements exceeds the file"
                )));
            }
            if let Some(n) = scalar_size(et) {
                return skip(r, n.saturating_mul(count), size);
            }
            for _ in 0..count {
                skip_gguf_value(r, version, et, size, depth + 1)?;
            }
            Ok(())
        }
        other => Err(parse_err(format!("unknown GGUF value type {other}"))),
    }
}

/// `.npy` header: `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
fn npy(head: &[u8], a: &mut Asset) -> Result<(), AnalysisError> {
    if head.len() < 10 {
        return Err(parse_err("truncated header"));
    }
    let major = head[6];
    let (len, start): (usize, usize) = match major {
        1 => (u16::from_le_bytes([head[8], head[9]]) as usize, 10),
        2 | 3 if head.len() >= 12 => (
            u32::from_le_bytes([head[8], head[9], head[10], head[11]]) as usize,
            12,
        ),
        _ => return Err(parse_err(format!("unsupported .npy version {major}"))),
    };
    let end = start.saturating_add(len).min(head.len());
    let header = String::from_utf8_lossy(&head[start..end]);
    a.set("npy_version", major);
    if let Some(d) = dict_value(&header, "descr") {
        let d = d.trim_matches(['\'', '"']).to_string();
        a.set("object_dtype", d.contains('O'));
        a.set("dtype", d);
    }
    if let Some(s) = dict_value(&header, "shape") {
        a.set("shape", s.trim().to_string());
    }
    Ok(())
}

/// Value text of `'key': value` in a Python dict literal (shallow).
fn dict_value<'h>(h: &'h str, key: &str) -> Option<&'h str> {
    let k = h.find(&format!("'{key}'"))?;
    let rest = &h[k + key.len() + 2..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    if let Some(inner) = rest.strip_prefix('(') {
        return inner.find(')').map(|e| &rest[..e + 2]);
    }
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    Some(rest[..end].trim())
}

fn zip_layout(file: &FileInput<'_>, a: &mut Asset) {
    let Some(members) = file.members else { return };
    a.set("member_count", members.len());
    if matches!(file.kind, FileKind::PytorchZip | FileKind::Torchscript) {
        if let Some(pkl) = members.iter().find(|m| m.ends_with("data.pkl")) {
            let root = pkl.trim_end_matches("data.pkl").trim_end_matches('/');
            a.set("archive_root", root);
        }
        let storages = members
            .iter()
            .filter(|m| m.contains("/data/") && !m.ends_with('/'))
            .count();
        a.set("storage_count", storages);
        let pickles = members.iter().filter(|m| m.ends_with(".pkl")).count();
        a.set("pickle_members", pickles);
    }
    if file.kind == FileKind::Npz {
        let arrays: Vec<&str> = members
            .iter()
            .take(100)
            .map(|m| m.trim_end_matches(".npy"))
            .collect();
        a.set("arrays", arrays);
    }
}

fn keras_zip(file: &FileInput<'_>, a: &mut Asset) -> Result<(), AnalysisError> {
    let reader = file.open()?;
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| parse_err(e.to_string()))?;
    if let Some(meta) = read_member_json(&mut zip, "metadata.json")?
        && let Some(v) = meta.get("keras_version").and_then(Value::as_str)
    {
        a.set("keras_version", v);
    }
    if let Some(cfg) = read_member_json(&mut zip, "config.json")? {
        if let Some(c) = cfg.get("class_name").and_then(Value::as_str) {
            a.set("architecture", c);
        }
        let layers = cfg
            .pointer("/config/layers")
            .and_then(Value::as_array)
            .map(|l| l.len());
        if let Some(n) = layers {
            a.set("layer_count", n);
        }
    }
    Ok(())
}

fn read_member_json<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Option<Value>, AnalysisError> {
    let Some(idx) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let f = zip.by_index(idx).map_err(|e| parse_err(e.to_string()))?;
    if f.size() > MAX_CONFIG_MEMBER {
        return Err(AnalysisError::Limit(format!(
            "{name} is larger than {MAX_CONFIG_MEMBER} bytes"
        )));
    }
    let mut buf = Vec::new();
    f.take(MAX_CONFIG_MEMBER).read_to_end(&mut buf)?;
    Ok(aispm_core::json::from_slice_bounded(&buf).ok())
}

/// ONNX `ModelProto` top-level fields, read by skimming the protobuf wire format and
/// seeking past the graph.
fn onnx(file: &FileInput<'_>, a: &mut Asset, cx: &AnalysisContext) -> Result<(), AnalysisError> {
    let mut r = file.open()?;
    let mut pos = 0u64;
    let mut opsets = Vec::new();
    let mut fields = 0u32;
    while pos < file.size {
        cx.check_time()?;
        fields += 1;
        if fields > 100_000 {
            return Err(AnalysisError::Limit(
                "more than 100000 top-level fields".into(),
            ));
        }
        let (tag, n) = read_varint(&mut r)?;
        pos += n;
        let field = tag >> 3;
        match tag & 7 {
            0 => {
                let (v, n) = read_varint(&mut r)?;
                pos += n;
                match field {
                    1 => a.set("ir_version", v),
                    5 => a.set("model_version", v),
                    _ => {}
                }
            }
            1 => {
                skip(&mut r, 8, file.size)?;
                pos += 8;
            }
            5 => {
                skip(&mut r, 4, file.size)?;
                pos += 4;
            }
            2 => {
                let (len, n) = read_varint(&mut r)?;
                pos += n;
                if pos.saturating_add(len) > file.size {
                    return Err(parse_err(format!(
                        "field {field} of {len} bytes runs past the end of the file"
                    )));
                }
                match field {
                    2 | 3 | 4 | 6 if len <= 4096 => {
                        let mut buf = vec![0u8; len as usize];
                        r.read_exact(&mut buf)?;
                        let s = String::from_utf8_lossy(&buf).into_owned();
                        let key = match field {
                            2 => "producer_name",
                            3 => "producer_version",
                            4 => "domain",
                            _ => "doc_string",
                        };
                        a.set(key, truncate(&s, 200));
                    }
                    8 if len <= 4096 => {
                        let mut buf = vec![0u8; len as usize];
                        r.read_exact(&mut buf)?;
                        opsets.push(opset_of(&buf));
                    }
                    _ => skip(&mut r, len, file.size)?,
                }
                pos += len;
            }
            w => {
                return Err(parse_err(format!(
                    "invalid protobuf wire type {w} at byte {pos}"
                )));
            }
        }
    }
    if !opsets.is_empty() {
        a.set("opsets", opsets);
    }
    Ok(())
}

fn opset_of(buf: &[u8]) -> Value {
    let mut cur = std::io::Cursor::new(buf);
    let mut domain = String::new();
    let mut version = 0u64;
    while (cur.position() as usize) < buf.len() {
        let Ok((tag, _)) = read_varint(&mut cur) else {
            break;
        };
        match (tag >> 3, tag & 7) {
            (1, 2) => {
                let Ok((len, _)) = read_varint(&mut cur) else {
                    break;
                };
                let start = cur.position() as usize;
                let end = start.saturating_add(len as usize).min(buf.len());
                domain = String::from_utf8_lossy(&buf[start..end]).into_owned();
                cur.set_position(end as u64);
            }
            (2, 0) => {
                let Ok((v, _)) = read_varint(&mut cur) else {
                    break;
                };
                version = v;
            }
            _ => break,
        }
    }
    let domain = if domain.is_empty() {
        "ai.onnx".to_string()
    } else {
        domain
    };
    json!({"domain": domain, "version": version})
}

fn read_varint(r: &mut impl Read) -> Result<(u64, u64), AnalysisError> {
    let mut v = 0u64;
    let mut b = [0u8; 1];
    for i in 0..10u64 {
        r.read_exact(&mut b)?;
        v |= u64::from(b[0] & 0x7f) << (7 * i);
        if b[0] & 0x80 == 0 {
            return Ok((v, i + 1));
        }
    }
    Err(parse_err("varint longer than 10 bytes"))
}

/// A dataset asset: column names and row counts where the format gives them cheaply.
pub fn dataset_asset(
    file: &FileInput<'_>,
    cx: &mut AnalysisContext,
) -> Result<Asset, AnalysisError> {
    let mut a = file_asset(file, AssetKind::Dataset, file.kind.as_str());
    match file.kind {
        FileKind::Csv | FileKind::Tsv => {
            let delim = if file.kind == FileKind::Tsv {
                b'\t'
            } else {
                b','
            };
            let first = file.head.split(|&b| b == b'\n').next().unwrap_or_default();
            let cols: Vec<String> = split_csv_line(first, delim)
                .into_iter()
                .take(200)
                .map(|c| truncate(&c, 100))
                .collect();
            a.set("columns", cols);
            if let Ok(d) = file.digest() {
                let ends_newline = file.size > 0;
                let lines = d.newlines + u64::from(ends_newline && !ends_with_newline(file));
                a.set("rows", lines.saturating_sub(1));
            }
        }
        FileKind::Parquet => {
            if let Err(e) = crate::parquet::read_footer(file, &mut a) {
                a.set("header_valid", false);
                cx.error(file.path, e.error_kind(), e.to_string());
            }
        }
        FileKind::Jsonl => {
            if let Some(first) = file
                .head
                .split(|&b| b == b'\n')
                .find(|l| !l.trim_ascii().is_empty())
                && let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(first)
            {
                a.set("fields", o.keys().take(200).cloned().collect::<Vec<_>>());
            }
            if let Ok(d) = file.digest() {
                a.set("records", d.newlines + u64::from(!ends_with_newline(file)));
            }
        }
        _ => {}
    }
    Ok(a)
}

fn ends_with_newline(file: &FileInput<'_>) -> bool {
    if (file.head.len() as u64) == file.size {
        return file.head.last() == Some(&b'\n');
    }
    let Ok(mut r) = file.open() else { return true };
    if r.seek(SeekFrom::End(-1)).is_err() {
        return true;
    }
    let mut b = [0u8; 1];
    r.read_exact(&mut b).map(|_| b[0] == b'\n').unwrap_or(true)
}

/// Splits one CSV line, honouring double quotes.
fn split_csv_line(line: &[u8], delim: u8) -> Vec<String> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut quoted = false;
    let mut i = 0;
    while i < line.len() {
        let c = line[i];
        if quoted {
            if c == b'"' {
                if line.get(i + 1) == Some(&b'"') {
                    cur.push(b'"');
                    i += 1;
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == b'"' {
            quoted = true;
        } else if c == delim {
            out.push(String::from_utf8_lossy(&cur).trim().to_string());
            cur.clear();
        } else {
            cur.push(c);
        }
        i += 1;
    }
    out.push(String::from_utf8_lossy(&cur).trim().to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_split() {
        assert_eq!(
            split_csv_line(b"a,\"b,c\",d\r", b','),
            vec!["a", "b,c", "d"]
        );
        assert_eq!(split_csv_line(b"x\ty", b'\t'), vec!["x", "y"]);
    }

    #[test]
    fn npy_dict() {
        let h = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";
        assert_eq!(dict_value(h, "descr"), Some("'<f4'"));
        assert_eq!(dict_value(h, "shape"), Some("(3, 4)"));
        assert_eq!(dict_value(h, "nope"), None);
    }

    #[test]
    fn truncate_on_char_boundary() {
        assert_eq!(truncate("héllo", 2), "h…");
        assert_eq!(truncate("abc", 5), "abc");
    }
}

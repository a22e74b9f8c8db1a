//! Cheap metadata of model and dataset formats: headers only, bounded.

use crate::{file_asset, truncate};
use aispm_core::{AnalysisContext, AnalysisError, Asset, AssetKind, FileInput, FileKind};
use aispm_formats::gguf::{self, GgufError, GgufReader, GgufString, Scalar};
use aispm_formats::protobuf::{self, Value as WireValue, WireReader};
use aispm_formats::{npy, safetensors};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::{Read, Seek, SeekFrom};

/// Largest GGUF value string kept (names and licences are short).
const MAX_GGUF_STRING: u64 = 1 << 20;
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
    let header = safetensors::read_header(&mut r, file.size).map_err(|e| match e {
        safetensors::ReadError::Io(e) => AnalysisError::Io(e),
        safetensors::ReadError::Length(e) => parse_err(format!(
            "header length {} exceeds the file or the 100 MB cap",
            e.length()
        )),
        e => parse_err(e.to_string()),
    })?;
    let parsed = safetensors::parse_header(&header).map_err(|e| {
        parse_err(match e {
            safetensors::HeaderError::NotJson(e) => e.to_string(),
            safetensors::HeaderError::TooDense { cost } => {
                aispm_core::json::JsonError::TooDense { cost }.to_string()
            }
            e => e.to_string(),
        })
    })?;
    let mut dtypes = BTreeSet::new();
    let mut tensors = 0u64;
    let mut params: u64 = 0;
    for entry in parsed.entries {
        match entry {
            safetensors::Entry::Metadata(safetensors::Metadata::Object(m)) => {
                let meta: serde_json::Map<String, Value> = m
                    .into_iter()
                    .take(32)
                    .map(|(k, v)| {
                        let v = truncate(v.as_deref().unwrap_or_default(), 200);
                        (k, Value::String(v))
                    })
                    .collect();
                a.set("metadata", Value::Object(meta));
            }
            safetensors::Entry::Metadata(safetensors::Metadata::NotObject) => {}
            safetensors::Entry::Tensor { fields, .. } => {
                tensors += 1;
                let Some(t) = fields else { continue };
                if let Some(d) = t.dtype {
                    dtypes.insert(d);
                }
                if let Some(shape) = t.shape {
                    let n = shape.iter().try_fold(1u64, |acc, d| acc.checked_mul(*d));
                    params = params.saturating_add(n.unwrap_or(0));
                }
            }
        }
    }
    a.set("tensor_count", tensors);
    a.set("dtypes", dtypes.into_iter().collect::<Vec<_>>());
    a.set("parameter_count", params);
    a.set("header_bytes", header.len() as u64);
    Ok(())
}

/// GGUF: header, then key/value metadata. Only a few keys are kept; the rest are
/// skipped by the shared reader, which checks every length against the file.
fn gguf(file: &FileInput<'_>, a: &mut Asset, cx: &AnalysisContext) -> Result<(), AnalysisError> {
    let mut r = file.open()?;
    let mut keep_going = || cx.check_time().is_ok();
    // Only the header is wanted: no read-ahead, skipped values are seeked over.
    let mut g = GgufReader::unbuffered(&mut r, file.size, &mut keep_going);
    let header = g.read_header();
    // Each is set once read, even when a later check refuses the file.
    if g.pos() >= 8 {
        a.set("gguf_version", g.version());
    }
    if matches!(header, Ok(()) | Err(GgufError::CountsExceedFile { .. })) {
        a.set("tensor_count", g.tensor_count());
        a.set("metadata_count", g.kv_count());
    }
    header.map_err(|e| gguf_err(e, cx))?;
    let wanted = [
        "general.architecture",
        "general.name",
        "general.license",
        "general.file_type",
        "general.quantization_version",
        "general.size_label",
        "general.basename",
    ];
    for _ in 0..g.kv_count() {
        cx.check_time()?;
        let key = g.key().map_err(|e| gguf_err(e, cx))?;
        let type_at = g.pos();
        let vtype = g.value_type().map_err(|e| gguf_err(e, cx))?;
        if key == "tokenizer.chat_template" || key.starts_with("tokenizer.chat_template.") {
            if vtype != gguf::TYPE_STRING {
                return Err(parse_err("chat template is not a string"));
            }
            let len = match g.string(0).map_err(|e| gguf_err(e, cx))? {
                GgufString::Skipped(len) => len,
                GgufString::Text(t) => t.len() as u64,
            };
            a.set("has_chat_template", true);
            a.set("chat_template_bytes", len);
            continue;
        }
        if wanted.contains(&key.as_str()) {
            let v = gguf_value(&mut g, vtype, type_at, cx)?;
            a.set(&key.replace("general.", ""), v);
        } else {
            g.skip_value(vtype, type_at).map_err(|e| gguf_err(e, cx))?;
        }
    }
    Ok(())
}

/// The error record of what the reader refused.
fn gguf_err(e: GgufError, cx: &AnalysisContext) -> AnalysisError {
    match e {
        GgufError::Io(e) => AnalysisError::Io(e),
        // The reader stops only when the time check fails, and it keeps failing.
        GgufError::Interrupted => match cx.check_time() {
            Err(t) => AnalysisError::Time(t),
            Ok(()) => parse_err("interrupted"),
        },
        GgufError::UnsupportedVersion { version } => {
            parse_err(format!("unsupported GGUF version {version}"))
        }
        GgufError::CountsExceedFile { tensors, kvs, .. } => parse_err(format!(
            "implausible counts: {tensors} tensors, {kvs} metadata entries"
        )),
        e => parse_err(e.to_string()),
    }
}

fn gguf_value(
    g: &mut GgufReader<'_>,
    vtype: u32,
    at: u64,
    cx: &AnalysisContext,
) -> Result<Value, AnalysisError> {
    if vtype == gguf::TYPE_STRING {
        return match g.string(MAX_GGUF_STRING).map_err(|e| gguf_err(e, cx))? {
            GgufString::Text(t) => Ok(Value::String(truncate(&t, 500))),
            GgufString::Skipped(len) => Err(parse_err(format!(
                "string of {len} bytes exceeds {MAX_GGUF_STRING}"
            ))),
        };
    }
    Ok(
        match g.scalar(vtype, "metadata").map_err(|e| gguf_err(e, cx))? {
            Some(Scalar::U8(v)) => json!(v),
            Some(Scalar::I8(v)) => json!(v),
            Some(Scalar::Bool(v)) => json!(v),
            Some(Scalar::U16(v)) => json!(v),
            Some(Scalar::I16(v)) => json!(v),
            Some(Scalar::U32(v)) => json!(v),
            Some(Scalar::I32(v)) => json!(v),
            Some(Scalar::F32(v)) => json!(v),
            Some(Scalar::U64(v)) => json!(v),
            Some(Scalar::I64(v)) => json!(v),
            Some(Scalar::F64(v)) => json!(v),
            None => {
                g.skip_value(vtype, at).map_err(|e| gguf_err(e, cx))?;
                Value::Null
            }
        },
    )
}

/// `.npy` header: `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
fn npy(head: &[u8], a: &mut Asset) -> Result<(), AnalysisError> {
    let h = npy::parse_header(head).map_err(|e| parse_err(e.to_string()))?;
    a.set("npy_version", h.major);
    if let Some(d) = h.value("descr") {
        // Object-ness as the pickle analyzer judges it (structured dtypes included).
        a.set("object_dtype", h.has_object_dtype());
        a.set("dtype", d.trim_matches(['\'', '"']));
    }
    if let Some(s) = h.value("shape") {
        a.set("shape", s.trim().to_string());
    }
    Ok(())
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

/// ONNX `ModelProto` top-level fields, read with the shared protobuf reader, seeking
/// past the graph.
fn onnx(file: &FileInput<'_>, a: &mut Asset, cx: &AnalysisContext) -> Result<(), AnalysisError> {
    let mut r = WireReader::new(file.open()?, file.size).seeking_over_gaps();
    let mut opsets = Vec::new();
    let mut fields = 0u32;
    while r.pos() < file.size {
        cx.check_time()?;
        fields += 1;
        if fields > 100_000 {
            return Err(AnalysisError::Limit(
                "more than 100000 top-level fields".into(),
            ));
        }
        let Some(field) = r.next_field(file.size).map_err(wire_err)? else {
            break;
        };
        match (field.number, field.value) {
            (1, WireValue::Varint(v)) => a.set("ir_version", v),
            (5, WireValue::Varint(v)) => a.set("model_version", v),
            (n @ (2 | 3 | 4 | 6), WireValue::Len(len)) if len <= 4096 => {
                let s = r.string(len, 4096).map_err(wire_err)?;
                let key = match n {
                    2 => "producer_name",
                    3 => "producer_version",
                    4 => "domain",
                    _ => "doc_string",
                };
                a.set(key, truncate(&s, 200));
            }
            (8, WireValue::Len(len)) if len <= 4096 => {
                if let Some(buf) = r.bytes(len, 4096).map_err(wire_err)? {
                    opsets.push(opset_of(&buf));
                }
            }
            _ => r.skip_value(field).map_err(wire_err)?,
        }
    }
    if !opsets.is_empty() {
        a.set("opsets", opsets);
    }
    Ok(())
}

fn wire_err(e: protobuf::WireError) -> AnalysisError {
    match e {
        protobuf::WireError::Io(e) => AnalysisError::Io(e),
        protobuf::WireError::Malformed(m) => parse_err(m),
    }
}

/// An `OperatorSetIdProto`: domain (field 1) and version (field 2); what precedes a
/// malformed field is kept.
fn opset_of(buf: &[u8]) -> Value {
    let mut r = WireReader::new(std::io::Cursor::new(buf), buf.len() as u64);
    let end = buf.len() as u64;
    let mut domain = String::new();
    let mut version = 0u64;
    while let Ok(Some(field)) = r.next_field(end) {
        match (field.number, field.value) {
            (1, WireValue::Len(len)) => match r.string(len, buf.len()) {
                Ok(s) => domain = s,
                Err(_) => break,
            },
            (2, WireValue::Varint(v)) => version = v,
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
    fn truncate_on_char_boundary() {
        assert_eq!(truncate("héllo", 2), "h…");
        assert_eq!(truncate("abc", 5), "abc");
    }
}

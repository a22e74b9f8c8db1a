//! GGUF v3 files (llama.cpp's format): magic `GGUF`, version 3, tensor and key/value
//! counts, typed key/values, tensor infos, then tensor data aligned to
//! `general.alignment` (32 unless the metadata says otherwise). All integers are
//! little-endian; strings are a u64 length followed by UTF-8 bytes.
//!
//! Array items are written without checking them against the declared item type, so
//! malformed files can be made on purpose.

use crate::zipfile::{put_u32, put_u64};

/// Value type tags of GGUF metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum GgufType {
    U8 = 0,
    I8 = 1,
    U16 = 2,
    I16 = 3,
    U32 = 4,
    I32 = 5,
    F32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    U64 = 10,
    I64 = 11,
    F64 = 12,
}

/// A typed metadata value.
#[derive(Debug, Clone, PartialEq)]
pub enum GgufValue {
    U8(u8),
    I8(i8),
    U16(u16),
    I16(i16),
    U32(u32),
    I32(i32),
    F32(f32),
    Bool(bool),
    String(String),
    /// Item type, then items (each written without its own tag).
    Array(GgufType, Vec<GgufValue>),
    U64(u64),
    I64(i64),
    F64(f64),
}

impl GgufValue {
    pub fn str(s: &str) -> Self {
        Self::String(s.to_string())
    }

    pub fn strings(items: &[&str]) -> Self {
        Self::Array(
            GgufType::String,
            items.iter().map(|s| Self::str(s)).collect(),
        )
    }

    pub fn f32s(items: &[f32]) -> Self {
        Self::Array(GgufType::F32, items.iter().map(|&v| Self::F32(v)).collect())
    }

    pub fn i32s(items: &[i32]) -> Self {
        Self::Array(GgufType::I32, items.iter().map(|&v| Self::I32(v)).collect())
    }

    pub fn value_type(&self) -> GgufType {
        match self {
            Self::U8(_) => GgufType::U8,
            Self::I8(_) => GgufType::I8,
            Self::U16(_) => GgufType::U16,
            Self::I16(_) => GgufType::I16,
            Self::U32(_) => GgufType::U32,
            Self::I32(_) => GgufType::I32,
            Self::F32(_) => GgufType::F32,
            Self::Bool(_) => GgufType::Bool,
            Self::String(_) => GgufType::String,
            Self::Array(..) => GgufType::Array,
            Self::U64(_) => GgufType::U64,
            Self::I64(_) => GgufType::I64,
            Self::F64(_) => GgufType::F64,
        }
    }

    fn write_payload(&self, out: &mut Vec<u8>) {
        match self {
            Self::U8(v) => out.push(*v),
            Self::I8(v) => out.extend_from_slice(&v.to_le_bytes()),
            Self::U16(v) => out.extend_from_slice(&v.to_le_bytes()),
            Self::I16(v) => out.extend_from_slice(&v.to_le_bytes()),
            Self::U32(v) => out.extend_from_slice(&v.to_le_bytes()),
            Self::I32(v) => out.extend_from_slice(&v.to_le_bytes()),
            Self::F32(v) => out.extend_from_slice(&v.to_le_bytes()),
            Self::Bool(v) => out.push(u8::from(*v)),
            Self::String(s) => put_string(out, s),
            Self::Array(item_type, items) => {
                put_u32(out, *item_type as u32);
                put_u64(out, items.len() as u64);
                for item in items {
                    item.write_payload(out);
                }
            }
            Self::U64(v) => out.extend_from_slice(&v.to_le_bytes()),
            Self::I64(v) => out.extend_from_slice(&v.to_le_bytes()),
            Self::F64(v) => out.extend_from_slice(&v.to_le_bytes()),
        }
    }
}

/// ggml tensor type ids used by the fixtures.
pub mod ggml_type {
    pub const F32: u32 = 0;
    pub const F16: u32 = 1;
    pub const Q4_0: u32 = 2;
    pub const Q8_0: u32 = 8;
    pub const BF16: u32 = 30;
}

pub const GGUF_MAGIC: &[u8; 4] = b"GGUF";
pub const GGUF_VERSION: u32 = 3;
pub const DEFAULT_ALIGNMENT: u64 = 32;

fn put_string(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// One tensor: name, dims (innermost first, as ggml stores them), ggml type id, data.
pub type GgufTensor<'a> = (&'a str, &'a [u64], u32, &'a [u8]);

/// A complete GGUF v3 file from metadata and tensors, in the given order.
pub fn gguf(metadata: &[(&str, GgufValue)], tensors: &[GgufTensor<'_>]) -> Vec<u8> {
    let alignment = metadata
        .iter()
        .find_map(|(k, v)| match (k, v) {
            (&"general.alignment", GgufValue::U32(a)) if *a > 0 => Some(u64::from(*a)),
            _ => None,
        })
        .unwrap_or(DEFAULT_ALIGNMENT);

    let mut out = Vec::new();
    out.extend_from_slice(GGUF_MAGIC);
    put_u32(&mut out, GGUF_VERSION);
    put_u64(&mut out, tensors.len() as u64);
    put_u64(&mut out, metadata.len() as u64);
    for (key, value) in metadata {
        put_string(&mut out, key);
        put_u32(&mut out, value.value_type() as u32);
        value.write_payload(&mut out);
    }
    let mut offset = 0u64;
    for (name, dims, ty, data) in tensors {
        put_string(&mut out, name);
        put_u32(&mut out, dims.len() as u32);
        for d in *dims {
            put_u64(&mut out, *d);
        }
        put_u32(&mut out, *ty);
        put_u64(&mut out, offset);
        offset = align_up(offset + data.len() as u64, alignment);
    }
    pad_to(&mut out, alignment);
    let data_start = out.len();
    for (_, _, _, data) in tensors {
        out.extend_from_slice(data);
        let rel = (out.len() - data_start) as u64;
        out.resize(data_start + align_up(rel, alignment) as usize, 0);
    }
    out
}

fn align_up(v: u64, a: u64) -> u64 {
    v.div_ceil(a) * a
}

fn pad_to(out: &mut Vec<u8>, a: u64) {
    let len = align_up(out.len() as u64, a) as usize;
    out.resize(len, 0);
}

/// Collects metadata and tensors, with helpers for the keys every chat model carries.
#[derive(Debug, Clone, Default)]
pub struct GgufBuilder {
    metadata: Vec<(String, GgufValue)>,
    tensors: Vec<(String, Vec<u64>, u32, Vec<u8>)>,
}

impl GgufBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn kv(&mut self, key: &str, value: GgufValue) -> &mut Self {
        self.metadata.push((key.to_string(), value));
        self
    }

    /// `general.architecture` (e.g. `llama`).
    pub fn architecture(&mut self, arch: &str) -> &mut Self {
        self.kv("general.architecture", GgufValue::str(arch))
    }

    /// `general.name`.
    pub fn name(&mut self, name: &str) -> &mut Self {
        self.kv("general.name", GgufValue::str(name))
    }

    /// `tokenizer.chat_template` (a Jinja template, stored as a plain string).
    pub fn chat_template(&mut self, template: &str) -> &mut Self {
        self.kv("tokenizer.chat_template", GgufValue::str(template))
    }

    pub fn tensor(&mut self, name: &str, dims: &[u64], ggml_type: u32, data: &[u8]) -> &mut Self {
        self.tensors
            .push((name.to_string(), dims.to_vec(), ggml_type, data.to_vec()));
        self
    }

    pub fn build(&self) -> Vec<u8> {
        let metadata: Vec<(&str, GgufValue)> = self
            .metadata
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let tensors: Vec<GgufTensor<'_>> = self
            .tensors
            .iter()
            .map(|(n, d, t, b)| (n.as_str(), d.as_slice(), *t, b.as_slice()))
            .collect();
        gguf(&metadata, &tensors)
    }
}

/// A ChatML-style template of the kind tokenizers ship: it only formats messages.
pub const CHATML_TEMPLATE: &str = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    fn u64_at(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
    }

    #[test]
    fn header_counts_and_first_kv() {
        let bytes = GgufBuilder::new()
            .architecture("llama")
            .name("tiny")
            .chat_template(CHATML_TEMPLATE)
            .kv("llama.context_length", GgufValue::U32(256))
            .kv(
                "tokenizer.ggml.tokens",
                GgufValue::strings(&["<s>", "</s>"]),
            )
            .tensor("t", &[4], ggml_type::F32, &[0u8; 16])
            .build();
        assert_eq!(&bytes[..4], b"GGUF");
        assert_eq!(u32_at(&bytes, 4), 3);
        assert_eq!(u64_at(&bytes, 8), 1);
        assert_eq!(u64_at(&bytes, 16), 5);
        assert_eq!(u64_at(&bytes, 24), "general.architecture".len() as u64);
        assert_eq!(&bytes[32..52], b"general.architecture");
        assert_eq!(u32_at(&bytes, 52), GgufType::String as u32);
        assert_eq!(u64_at(&bytes, 56), 5);
        assert_eq!(&bytes[64..69], b"llama");
        assert!(
            bytes
                .windows(CHATML_TEMPLATE.len())
                .any(|w| w == CHATML_TEMPLATE.as_bytes())
        );
        assert_eq!(bytes.len() % 32, 0);
    }

    #[test]
    fn tensor_offsets_are_aligned_and_data_lands_there() {
        let a = [1u8; 10];
        let b = [2u8; 8];
        let bytes = gguf(
            &[],
            &[
                ("a", &[10], ggml_type::F32, &a),
                ("b", &[2], ggml_type::F32, &b),
            ],
        );
        // header (24) + info a: 8+1 name, 4 ndims, 8 dim, 4 type, 8 offset = 33
        let info_b = 24 + 33;
        assert_eq!(u64_at(&bytes, 24 + 8 + 1 + 4 + 8 + 4), 0);
        let off_b = u64_at(&bytes, info_b + 9 + 4 + 8 + 4);
        assert_eq!(off_b, 32);
        let data_start = (info_b + 33).div_ceil(32) * 32;
        assert_eq!(&bytes[data_start..data_start + 10], &a);
        assert_eq!(&bytes[data_start + 32..data_start + 40], &b);
    }

    #[test]
    fn custom_alignment_is_honoured() {
        let bytes = gguf(
            &[("general.alignment", GgufValue::U32(64))],
            &[("a", &[1], ggml_type::F32, &[9u8; 4])],
        );
        assert_eq!(bytes.len() % 64, 0);
        let pos = bytes.iter().rposition(|&b| b == 9).unwrap();
        assert_eq!((pos - 3) % 64, 0);
    }
}

//! A small ZIP writer that owns every byte it emits. A library writer would not let us
//! put a name like `../../evil.txt` in an archive, point many central-directory entries
//! at one local entry, or claim a size we never wrote; this one does, and it writes
//! the same bytes every time (fixed DOS timestamp, no extra time fields).
//!
//! Zip64 records are written when a size, an offset or the entry count no longer fits
//! the classic fields, so multi-gigabyte claims remain readable by ordinary readers.

use crate::deflate;

/// 1980-01-01 00:00:00, the DOS epoch: what reproducible-build tools use.
pub const DOS_DATE: u16 = (1 << 5) | 1;
pub const DOS_TIME: u16 = 0;

pub const METHOD_STORED: u16 = 0;
pub const METHOD_DEFLATED: u16 = 8;

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EXTRA_ID: u16 = 0x0001;
/// The extra-field id PyTorch uses to pad stored members to an alignment ("FB").
const PAD_EXTRA_ID: u16 = u16::from_le_bytes(*b"FB");
const U32_MAX: u64 = 0xFFFF_FFFF;
/// "Made by" Unix, spec version 2.0, so external attributes carry Unix modes.
const MADE_BY_UNIX: u16 = (3 << 8) | 20;

#[derive(Debug, Clone)]
struct CentralRecord {
    name: Vec<u8>,
    method: u16,
    crc: u32,
    compressed: u64,
    uncompressed: u64,
    local_offset: u64,
    unix_mode: u32,
}

/// What a member claims about itself; `payload` is written as is (already compressed
/// when `method` is deflate).
#[derive(Debug, Clone, Copy)]
pub struct RawMember<'a> {
    pub name: &'a [u8],
    pub method: u16,
    pub crc: u32,
    pub uncompressed: u64,
    pub payload: &'a [u8],
}

/// Builds a ZIP archive in memory.
#[derive(Debug, Default)]
pub struct ZipBuilder {
    out: Vec<u8>,
    central: Vec<CentralRecord>,
    align: Option<u64>,
}

impl ZipBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Pads the data of every member to a multiple of `align` bytes with an `FB` extra
    /// field in the local header, as `torch.save` does (so storages can be mmapped).
    pub fn with_alignment(align: u64) -> Self {
        Self {
            align: Some(align.max(1)),
            ..Self::default()
        }
    }

    /// Adds an uncompressed member.
    pub fn stored(&mut self, name: &str, data: &[u8]) -> &mut Self {
        self.raw_member(RawMember {
            name: name.as_bytes(),
            method: METHOD_STORED,
            crc: crc32fast::hash(data),
            uncompressed: data.len() as u64,
            payload: data,
        });
        self
    }

    /// Adds a deflate-compressed member.
    pub fn deflated(&mut self, name: &str, data: &[u8]) -> &mut Self {
        let payload = deflate::deflate_bytes(data);
        self.raw_member(RawMember {
            name: name.as_bytes(),
            method: METHOD_DEFLATED,
            crc: crc32fast::hash(data),
            uncompressed: data.len() as u64,
            payload: &payload,
        });
        self
    }

    /// Writes a local header plus payload and records a matching central entry.
    /// Returns the offset of the local header.
    pub fn raw_member(&mut self, m: RawMember<'_>) -> u64 {
        let offset = self.out.len() as u64;
        let compressed = m.payload.len() as u64;
        let header = encode_local_header(
            m.name,
            m.method,
            m.crc,
            compressed,
            m.uncompressed,
            self.align.map(|a| (a, offset)),
        );
        self.out.extend_from_slice(&header);
        self.out.extend_from_slice(m.payload);
        self.central_entry(m.name, m.method, m.crc, compressed, m.uncompressed, offset);
        offset
    }

    /// The bytes of a local file header (no alignment padding), for callers that lay
    /// out member data themselves.
    pub fn local_header(
        name: &[u8],
        method: u16,
        crc: u32,
        compressed: u64,
        uncompressed: u64,
    ) -> Vec<u8> {
        encode_local_header(name, method, crc, compressed, uncompressed, None)
    }

    /// Appends bytes verbatim (headers, payloads) and returns the offset they start at.
    pub fn push_raw(&mut self, bytes: &[u8]) -> u64 {
        let offset = self.out.len() as u64;
        self.out.extend_from_slice(bytes);
        offset
    }

    /// Records a central-directory entry only, pointing at an existing local header:
    /// the building block of overlapping-member archives.
    pub fn central_entry(
        &mut self,
        name: &[u8],
        method: u16,
        crc: u32,
        compressed: u64,
        uncompressed: u64,
        local_offset: u64,
    ) -> &mut Self {
        self.central.push(CentralRecord {
            name: name.to_vec(),
            method,
            crc,
            compressed,
            uncompressed,
            local_offset,
            unix_mode: 0o100644,
        });
        self
    }

    /// Number of central-directory entries so far.
    pub fn len(&self) -> usize {
        self.central.len()
    }

    pub fn is_empty(&self) -> bool {
        self.central.is_empty()
    }

    /// Writes the central directory and end records and returns the archive.
    pub fn finish(self) -> Vec<u8> {
        let Self {
            mut out, central, ..
        } = self;
        let cd_offset = out.len() as u64;
        let mut any_zip64 = false;
        for rec in &central {
            let big_u = rec.uncompressed >= U32_MAX;
            let big_c = rec.compressed >= U32_MAX;
            let big_o = rec.local_offset >= U32_MAX;
            let mut extra = Vec::new();
            if big_u || big_c || big_o {
                any_zip64 = true;
                let mut fields = Vec::new();
                if big_u {
                    put_u64(&mut fields, rec.uncompressed);
                }
                if big_c {
                    put_u64(&mut fields, rec.compressed);
                }
                if big_o {
                    put_u64(&mut fields, rec.local_offset);
                }
                put_u16(&mut extra, ZIP64_EXTRA_ID);
                put_u16(&mut extra, fields.len() as u16);
                extra.extend_from_slice(&fields);
            }
            let clamp = |v: u64, big: bool| if big { U32_MAX as u32 } else { v as u32 };
            put_u32(&mut out, CENTRAL_SIG);
            put_u16(&mut out, MADE_BY_UNIX);
            put_u16(&mut out, if extra.is_empty() { 20 } else { 45 });
            put_u16(&mut out, flags_for(&rec.name));
            put_u16(&mut out, rec.method);
            put_u16(&mut out, DOS_TIME);
            put_u16(&mut out, DOS_DATE);
            put_u32(&mut out, rec.crc);
            put_u32(&mut out, clamp(rec.compressed, big_c));
            put_u32(&mut out, clamp(rec.uncompressed, big_u));
            put_u16(&mut out, rec.name.len() as u16);
            put_u16(&mut out, extra.len() as u16);
            put_u16(&mut out, 0); // comment length
            put_u16(&mut out, 0); // disk number start
            put_u16(&mut out, 0); // internal attributes
            put_u32(&mut out, rec.unix_mode << 16);
            put_u32(&mut out, clamp(rec.local_offset, big_o));
            out.extend_from_slice(&rec.name);
            out.extend_from_slice(&extra);
        }
        let cd_size = out.len() as u64 - cd_offset;
        let count = central.len() as u64;
        let need_zip64 = any_zip64 || count >= 0xFFFF || cd_offset >= U32_MAX || cd_size >= U32_MAX;
        if need_zip64 {
            let zip64_eocd_offset = out.len() as u64;
            put_u32(&mut out, ZIP64_EOCD_SIG);
            put_u64(&mut out, 44); // size of the rest of this record
            put_u16(&mut out, MADE_BY_UNIX);
            put_u16(&mut out, 45);
            put_u32(&mut out, 0); // this disk
            put_u32(&mut out, 0); // disk with the central directory
            put_u64(&mut out, count);
            put_u64(&mut out, count);
            put_u64(&mut out, cd_size);
            put_u64(&mut out, cd_offset);
            put_u32(&mut out, ZIP64_LOCATOR_SIG);
            put_u32(&mut out, 0);
            put_u64(&mut out, zip64_eocd_offset);
            put_u32(&mut out, 1); // total disks
        }
        let count16 = if need_zip64 { 0xFFFF } else { count as u16 };
        put_u32(&mut out, EOCD_SIG);
        put_u16(&mut out, 0);
        put_u16(&mut out, 0);
        put_u16(&mut out, count16);
        put_u16(&mut out, count16);
        put_u32(
            &mut out,
            if need_zip64 {
                U32_MAX as u32
            } else {
                cd_size as u32
            },
        );
        put_u32(
            &mut out,
            if need_zip64 {
                U32_MAX as u32
            } else {
                cd_offset as u32
            },
        );
        put_u16(&mut out, 0); // comment length
        out
    }
}

/// A local header; with `align = Some((alignment, header_offset))` an `FB` extra
/// field pads the data that follows to the alignment.
fn encode_local_header(
    name: &[u8],
    method: u16,
    crc: u32,
    compressed: u64,
    uncompressed: u64,
    align: Option<(u64, u64)>,
) -> Vec<u8> {
    let zip64 = uncompressed >= U32_MAX || compressed >= U32_MAX;
    let mut extra = Vec::new();
    if zip64 {
        put_u16(&mut extra, ZIP64_EXTRA_ID);
        put_u16(&mut extra, 16);
        put_u64(&mut extra, uncompressed);
        put_u64(&mut extra, compressed);
    }
    if let Some((align, offset)) = align {
        let data_start = offset + 30 + name.len() as u64 + extra.len() as u64 + 4;
        let pad = (align - data_start % align) % align;
        put_u16(&mut extra, PAD_EXTRA_ID);
        put_u16(&mut extra, pad as u16);
        extra.extend(std::iter::repeat_n(b'Z', pad as usize));
    }
    let mut out = Vec::with_capacity(30 + name.len() + extra.len());
    put_u32(&mut out, LOCAL_SIG);
    put_u16(&mut out, if zip64 { 45 } else { 20 });
    put_u16(&mut out, flags_for(name));
    put_u16(&mut out, method);
    put_u16(&mut out, DOS_TIME);
    put_u16(&mut out, DOS_DATE);
    put_u32(&mut out, crc);
    put_u32(
        &mut out,
        if zip64 {
            U32_MAX as u32
        } else {
            compressed as u32
        },
    );
    put_u32(
        &mut out,
        if zip64 {
            U32_MAX as u32
        } else {
            uncompressed as u32
        },
    );
    put_u16(&mut out, name.len() as u16);
    put_u16(&mut out, extra.len() as u16);
    out.extend_from_slice(name);
    out.extend_from_slice(&extra);
    out
}

/// General-purpose flags: bit 11 marks UTF-8 names when a name is not plain ASCII.
fn flags_for(name: &[u8]) -> u16 {
    if name.is_ascii() { 0 } else { 1 << 11 }
}

pub(crate) fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    #[test]
    fn stored_and_deflated_members_read_back() {
        let mut z = ZipBuilder::new();
        z.stored("a.txt", b"hello")
            .deflated("dir/b.txt", &b"abc".repeat(100));
        let bytes = z.finish();
        let mut ar = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(ar.len(), 2);
        let mut s = String::new();
        ar.by_name("a.txt").unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "hello");
        let mut b = Vec::new();
        ar.by_name("dir/b.txt")
            .unwrap()
            .read_to_end(&mut b)
            .unwrap();
        assert_eq!(b, b"abc".repeat(100));
    }

    #[test]
    fn aligned_members_start_on_the_boundary() {
        let mut z = ZipBuilder::with_alignment(64);
        z.stored("x/data.pkl", b"12345")
            .stored("x/data/0", &[7u8; 16]);
        let bytes = z.finish();
        let mut ar = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
        for i in 0..ar.len() {
            let f = ar.by_index(i).unwrap();
            assert_eq!(f.data_start().unwrap_or(1) % 64, 0, "{:?}", f.name());
        }
    }

    #[test]
    fn output_is_deterministic() {
        let build = || {
            let mut z = ZipBuilder::new();
            z.stored("a", b"1").deflated("b", b"2222");
            z.finish()
        };
        assert_eq!(build(), build());
    }

    #[test]
    fn many_entries_switch_to_zip64_end_records() {
        let mut z = ZipBuilder::new();
        let off = z.raw_member(RawMember {
            name: b"e0",
            method: METHOD_STORED,
            crc: crc32fast::hash(b""),
            uncompressed: 0,
            payload: b"",
        });
        for i in 1..70_000u32 {
            z.central_entry(
                format!("e{i}").as_bytes(),
                METHOD_STORED,
                crc32fast::hash(b""),
                0,
                0,
                off,
            );
        }
        let bytes = z.finish();
        let ar = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(ar.len(), 70_000);
    }
}

//! A minimal, bounded HDF5 reader: superblock (versions 0–3) → root group object
//! header (versions 1 and 2, with continuation blocks) → attribute messages, with
//! string values read inline (fixed-length) or from the global heap (variable-length).
//! That is all Keras 2 needs: it stores the model's JSON config as the root attribute
//! `model_config` and the saving version as `keras_version`.
//!
//! Every address is checked against the file size, every block has a cap, and the
//! number of blocks, messages and heap objects visited is bounded. Only the attributes
//! a caller names are decoded, the first of each name, with their string values capped
//! together, so what is kept is bounded by the names asked for, not by the file.
//! Datasets are never read.

use std::io::{self, Read, Seek, SeekFrom};

/// The eight signature bytes.
pub const SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";

const MAX_HEADER_BLOCK: u64 = 4 << 20;
const MAX_BLOCKS: usize = 64;
const MAX_MESSAGES: usize = 4096;
const MAX_ELEMENTS: u64 = 16;
/// Global heap objects visited per file, over all lookups: every string attribute
/// walks its collection from the start, so without a shared budget many attributes
/// pointing into a large collection would cost their product.
const MAX_HEAP_STEPS: usize = 1 << 18;

/// Why the structure could not be followed.
#[derive(Debug)]
pub enum H5Error {
    Io(io::Error),
    Malformed(String),
    /// One of the reader's caps (header blocks, messages, heap objects visited).
    Limit(String),
}

impl From<io::Error> for H5Error {
    fn from(e: io::Error) -> Self {
        H5Error::Io(e)
    }
}

impl std::fmt::Display for H5Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            H5Error::Io(e) => write!(f, "read error: {e}"),
            H5Error::Malformed(m) => write!(f, "malformed HDF5: {m}"),
            H5Error::Limit(m) => write!(f, "HDF5 reader limit: {m}"),
        }
    }
}

fn bad<T>(m: impl Into<String>) -> Result<T, H5Error> {
    Err(H5Error::Malformed(m.into()))
}

fn limit<T>(m: impl Into<String>) -> Result<T, H5Error> {
    Err(H5Error::Limit(m.into()))
}

/// The root group's attributes that were asked for and readable.
#[derive(Debug, Default)]
pub struct RootAttributes {
    /// `(name, string values)`; attributes of other types have no values.
    pub attrs: Vec<(String, Vec<String>)>,
    /// The root group keeps (some) attributes in dense storage, which this reader
    /// does not follow.
    pub dense: bool,
    /// Attributes asked for that were not read because a cap was reached, and the
    /// first such cap.
    pub unread: usize,
    pub limit: Option<String>,
}

impl RootAttributes {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

/// Attribute messages `(type, data)` of an object header, and whether it keeps
/// attributes in dense storage.
type HeaderMessages = (Vec<(u16, Vec<u8>)>, bool);

struct Reader<R> {
    r: R,
    size: u64,
    base: u64,
    offset_size: usize,
    length_size: usize,
    string_cap: usize,
    heap_steps: usize,
}

fn le(b: &[u8]) -> u64 {
    b.iter()
        .rev()
        .fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
}

/// A bounds-checked cursor over a block already in memory.
struct Cur<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Cur<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], H5Error> {
        let s = self
            .b
            .get(self.p..self.p.saturating_add(n))
            .ok_or_else(|| H5Error::Malformed("field runs past its block".into()))?;
        self.p += n;
        Ok(s)
    }
    fn uint(&mut self, n: usize) -> Result<u64, H5Error> {
        Ok(le(self.take(n)?))
    }
    fn skip(&mut self, n: usize) -> Result<(), H5Error> {
        self.take(n).map(|_| ())
    }
}

impl<R: Read + Seek> Reader<R> {
    fn read_at(&mut self, addr: u64, len: u64) -> Result<Vec<u8>, H5Error> {
        if addr > self.size || len > self.size - addr {
            return bad(format!(
                "block of {len} bytes at {addr} lies past the end of the file"
            ));
        }
        self.r.seek(SeekFrom::Start(addr))?;
        let mut v = vec![0u8; len as usize];
        self.r.read_exact(&mut v)?;
        Ok(v)
    }

    fn abs(&self, addr: u64) -> Result<u64, H5Error> {
        let a = self.base.checked_add(addr).filter(|&a| a < self.size);
        a.ok_or_else(|| H5Error::Malformed(format!("address {addr} lies outside the file")))
    }

    /// The attribute messages named in `names` (the first of each name) of an object
    /// header, continuation blocks included: `(type, data)`.
    fn header_messages(&mut self, addr: u64, names: &[&str]) -> Result<HeaderMessages, H5Error> {
        let start = self.abs(addr)?;
        let prefix = self.read_at(start, 16.min(self.size - start))?;
        let mut out: Vec<(u16, Vec<u8>)> = Vec::new();
        let mut blocks: Vec<(u64, u64, u8, bool)> = Vec::new(); // (address, length, version, continuation)
        let v2 = prefix.starts_with(b"OHDR");
        let mut flags = 0u8;
        if v2 {
            let mut c = Cur { b: &prefix, p: 4 };
            if c.uint(1)? != 2 {
                return bad("object header version is not 2");
            }
            flags = c.uint(1)? as u8;
            let mut head_len = 6usize;
            if flags & 0x20 != 0 {
                head_len += 16;
            }
            if flags & 0x10 != 0 {
                head_len += 4;
            }
            let size_len = 1usize << (flags & 3);
            let hdr = self.read_at(start, (head_len + size_len) as u64)?;
            let chunk = le(&hdr[head_len..]);
            blocks.push((start + (head_len + size_len) as u64, chunk, 2, false));
        } else {
            let mut c = Cur { b: &prefix, p: 0 };
            if c.uint(1)? != 1 {
                return bad("object header version is neither 1 nor 2");
            }
            c.skip(1)?;
            let _messages = c.uint(2)?;
            let _refs = c.uint(4)?;
            let size = c.uint(4)?;
            blocks.push((start + 16, size, 1, false));
        }
        let mut seen = 0usize;
        let mut attributes = 0usize;
        let mut dense = false;
        while let Some((at, len, ver, cont)) = blocks.pop() {
            if seen >= MAX_BLOCKS {
                return limit(format!(
                    "more than {MAX_BLOCKS} object header continuation blocks"
                ));
            }
            seen += 1;
            if len > MAX_HEADER_BLOCK {
                return limit(format!(
                    "object header block of {len} bytes, over {MAX_HEADER_BLOCK}"
                ));
            }
            let block = self.read_at(at, len)?;
            let mut c = Cur { b: &block, p: 0 };
            let end = if ver == 2 {
                // Continuation chunks carry a signature and end with a checksum that
                // their length includes; the first chunk's length excludes it.
                if cont {
                    if !block.starts_with(b"OCHK") {
                        return bad("object header continuation without its signature");
                    }
                    c.p = 4;
                    block.len().saturating_sub(4)
                } else {
                    block.len()
                }
            } else {
                block.len()
            };
            let msg_head = if ver == 2 {
                4 + if flags & 0x04 != 0 { 2 } else { 0 }
            } else {
                8
            };
            while c.p + msg_head <= end {
                if attributes >= MAX_MESSAGES {
                    return limit(format!("more than {MAX_MESSAGES} attribute messages"));
                }
                let (ty, size) = if ver == 2 {
                    let ty = c.uint(1)? as u16;
                    let size = c.uint(2)? as usize;
                    c.skip(msg_head - 3)?;
                    (ty, size)
                } else {
                    let ty = c.uint(2)? as u16;
                    let size = c.uint(2)? as usize;
                    c.skip(4)?;
                    (ty, size)
                };
                let data = c.take(size)?;
                match ty {
                    0x10 => {
                        let mut d = Cur { b: data, p: 0 };
                        let a = d.uint(self.offset_size)?;
                        let l = d.uint(self.length_size)?;
                        let a = self.abs(a)?;
                        blocks.push((a, l, ver, true));
                    }
                    0x15 => dense = true,
                    0x0C => {
                        attributes += 1;
                        // Attributes nobody asked for, and repeats of a name, are not
                        // kept: a header of thousands of them costs nothing.
                        let wanted = attribute_name(data).filter(|n| {
                            names.iter().any(|w| w.as_bytes() == *n)
                                && !out.iter().any(|(_, d)| attribute_name(d) == Some(*n))
                        });
                        if wanted.is_some() {
                            out.push((ty, data.to_vec()));
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok((out, dense))
    }

    fn attribute(&mut self, data: &[u8]) -> Result<(String, Vec<String>), H5Error> {
        let mut c = Cur { b: data, p: 0 };
        let version = c.uint(1)?;
        let flags = c.uint(1)?;
        let name_len = c.uint(2)? as usize;
        let dt_len = c.uint(2)? as usize;
        let ds_len = c.uint(2)? as usize;
        if version == 3 {
            c.skip(1)?;
        }
        let pad = |n: usize| if version == 1 { n.div_ceil(8) * 8 } else { n };
        let name_raw = c.take(pad(name_len))?;
        let name_raw = &name_raw[..name_len.min(name_raw.len())];
        let name =
            String::from_utf8_lossy(name_raw.split(|&b| b == 0).next().unwrap_or(&[])).into_owned();
        let dt = c.take(pad(dt_len))?;
        let ds = c.take(pad(ds_len))?;
        if flags & 0x3 != 0 || !(1..=3).contains(&version) {
            // Shared datatype or dataspace: not needed for Keras attributes.
            return Ok((name, Vec::new()));
        }
        let elems = self.elements(ds)?;
        let data = &data[c.p..];
        Ok((name, self.strings(dt, elems, data)?))
    }

    fn elements(&self, ds: &[u8]) -> Result<u64, H5Error> {
        let mut c = Cur { b: ds, p: 0 };
        let version = c.uint(1)?;
        let rank = c.uint(1)? as usize;
        let _flags = c.uint(1)?;
        if version == 1 {
            c.skip(5)?;
        } else {
            let ty = c.uint(1)?;
            if ty == 2 {
                return Ok(0);
            }
        }
        let mut n = 1u64;
        for _ in 0..rank.min(32) {
            n = n.saturating_mul(c.uint(self.length_size)?);
        }
        Ok(n)
    }

    /// The string values of an attribute, at most `string_cap` bytes of them together
    /// (variable-length items may all name one large heap object).
    fn strings(&mut self, dt: &[u8], elems: u64, data: &[u8]) -> Result<Vec<String>, H5Error> {
        let mut c = Cur { b: dt, p: 0 };
        let class = c.uint(1)? & 0x0f;
        let bits = c.uint(3)?;
        let size = c.uint(4)? as usize;
        let mut out = Vec::new();
        let n = elems.min(MAX_ELEMENTS) as usize;
        let mut left = self.string_cap;
        match class {
            3 => {
                for i in 0..n {
                    let Some(s) = data.get(i.saturating_mul(size)..(i + 1).saturating_mul(size))
                    else {
                        break;
                    };
                    let s = s.split(|&b| b == 0).next().unwrap_or(&[]);
                    let s = &s[..s.len().min(left)];
                    left -= s.len();
                    out.push(String::from_utf8_lossy(s).into_owned());
                }
            }
            9 if bits & 0x0f == 1 => {
                let item = 4 + self.offset_size + 4;
                for i in 0..n {
                    let Some(rec) = data.get(i * item..(i + 1) * item) else {
                        break;
                    };
                    let mut r = Cur { b: rec, p: 0 };
                    let len = r.uint(4)?;
                    let coll = r.uint(self.offset_size)?;
                    let idx = r.uint(4)?;
                    let s = self.heap_object(coll, idx, len, left)?;
                    left -= s.len().min(left);
                    out.push(s);
                }
            }
            _ => {}
        }
        Ok(out)
    }

    /// Object `index` of the global heap collection at `addr`, as a string of at most
    /// `cap` bytes.
    fn heap_object(
        &mut self,
        addr: u64,
        index: u64,
        len: u64,
        cap: usize,
    ) -> Result<String, H5Error> {
        let start = self.abs(addr)?;
        let head = self.read_at(start, (8 + self.length_size) as u64)?;
        if !head.starts_with(b"GCOL") {
            return bad("global heap collection without its signature");
        }
        let coll_size = le(&head[8..]);
        let end = start.saturating_add(coll_size).min(self.size);
        let mut at = start + 8 + self.length_size as u64;
        let obj_head = (8 + self.length_size) as u64;
        loop {
            // `at` saturates on a huge object size: compare without adding to it.
            if end.saturating_sub(at) < obj_head {
                break;
            }
            self.heap_steps += 1;
            if self.heap_steps > MAX_HEAP_STEPS {
                return limit(format!(
                    "more than {MAX_HEAP_STEPS} global heap objects visited"
                ));
            }
            let h = self.read_at(at, obj_head)?;
            let idx = le(&h[0..2]);
            let size = le(&h[8..]);
            if idx == 0 {
                break;
            }
            let data_at = at + obj_head;
            if idx == index {
                // The heap object holds the string; `len` (the element's own count)
                // is not trusted for the allocation.
                let _ = len;
                let take = size.min(cap as u64).min(end.saturating_sub(data_at));
                let b = self.read_at(data_at, take)?;
                return Ok(String::from_utf8_lossy(&b).into_owned());
            }
            at = data_at.saturating_add(size.div_ceil(8).saturating_mul(8));
        }
        bad(format!("global heap object {index} not found"))
    }
}

/// Finds the superblock (at 0 or at a power of two from 512 when a user block
/// precedes it) and reads the root group's attributes named in `names` (the first of
/// each name, as HDF5 names are unique). The string values of one attribute are
/// capped at `string_cap` bytes together.
pub fn root_attributes<R: Read + Seek>(
    mut r: R,
    size: u64,
    string_cap: usize,
    names: &[&str],
) -> Result<RootAttributes, H5Error> {
    let mut at = 0u64;
    let mut sb = None;
    for _ in 0..24 {
        if at + 8 > size {
            break;
        }
        r.seek(SeekFrom::Start(at))?;
        let mut sig = [0u8; 8];
        r.read_exact(&mut sig)?;
        if &sig == SIGNATURE {
            sb = Some(at);
            break;
        }
        at = if at == 0 { 512 } else { at * 2 };
    }
    let Some(sb) = sb else {
        return bad("no HDF5 signature");
    };
    let head_len = 96.min(size - sb);
    r.seek(SeekFrom::Start(sb))?;
    let mut head = vec![0u8; head_len as usize];
    r.read_exact(&mut head)?;
    let mut c = Cur { b: &head, p: 8 };
    let version = c.uint(1)?;
    let (offset_size, length_size, base, root);
    match version {
        0 | 1 => {
            c.skip(4)?;
            offset_size = c.uint(1)? as usize;
            length_size = c.uint(1)? as usize;
            c.skip(1 + 2 + 2 + 4)?;
            if version == 1 {
                c.skip(4)?;
            }
            check_sizes(offset_size, length_size)?;
            // Addresses are relative to the superblock: the HDF5 library itself
            // rebases files whose stored base address disagrees (a user block
            // prepended after writing).
            let _stored_base = c.uint(offset_size)?;
            base = sb;
            c.skip(3 * offset_size)?; // free space, end of file, driver info
            let _link_name = c.uint(offset_size)?;
            root = c.uint(offset_size)?;
        }
        2 | 3 => {
            offset_size = c.uint(1)? as usize;
            length_size = c.uint(1)? as usize;
            check_sizes(offset_size, length_size)?;
            c.skip(1)?;
            let _stored_base = c.uint(offset_size)?;
            base = sb;
            c.skip(2 * offset_size)?; // superblock extension, end of file
            root = c.uint(offset_size)?;
        }
        v => return bad(format!("superblock version {v}")),
    }
    let mut reader = Reader {
        r,
        size,
        base,
        offset_size,
        length_size,
        string_cap,
        heap_steps: 0,
    };
    let (messages, dense) = reader.header_messages(root, names)?;
    let mut out = RootAttributes {
        attrs: Vec::new(),
        dense,
        ..RootAttributes::default()
    };
    for (_, data) in messages {
        // One unreadable attribute does not hide the others; one left unread by a cap
        // is counted.
        match reader.attribute(&data) {
            Ok(a) => out.attrs.push(a),
            Err(H5Error::Limit(m)) => {
                out.unread += 1;
                out.limit.get_or_insert(m);
            }
            Err(_) => {}
        }
    }
    Ok(out)
}

/// The name of an attribute message, read without decoding the rest.
fn attribute_name(data: &[u8]) -> Option<&[u8]> {
    let mut c = Cur { b: data, p: 0 };
    let version = c.uint(1).ok()?;
    c.skip(1).ok()?;
    let name_len = c.uint(2).ok()? as usize;
    c.skip(4).ok()?;
    if version == 3 {
        c.skip(1).ok()?;
    }
    let raw = c.take(name_len).ok()?;
    raw.split(|&b| b == 0).next()
}

fn check_sizes(o: usize, l: usize) -> Result<(), H5Error> {
    if [2, 4, 8].contains(&o) && [2, 4, 8].contains(&l) {
        Ok(())
    } else {
        bad(format!("offset size {o} / length size {l}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Cursor;

    /// The attributes the Keras analyzer asks for.
    const KERAS: &[&str] = &["model_config", "training_config", "keras_version"];

    fn h5_with_string_attrs(attrs: &[(&str, &str)]) -> Vec<u8> {
        aispm_fixtures::model_fixtures::keras_tensorflow_onnx::keras2_h5(attrs)
    }

    #[test]
    fn reads_variable_length_string_attributes() {
        let f =
            h5_with_string_attrs(&[("keras_version", "2.13.1"), ("model_config", "{\"a\": 1}")]);
        let a = root_attributes(Cursor::new(&f), f.len() as u64, 1 << 20, KERAS).unwrap();
        assert_eq!(a.get("keras_version"), Some("2.13.1"));
        assert_eq!(a.get("model_config"), Some("{\"a\": 1}"));
    }

    /// Rewrites the global heap of a `keras2_h5` file (at 0x1000): `filler` objects
    /// no attribute asks for, then `(index, text)` objects.
    fn with_heap(mut f: Vec<u8>, filler: usize, objects: &[(u16, &str)]) -> Vec<u8> {
        const HEAP_AT: usize = 0x1000;
        let mut objs = Vec::new();
        for _ in 0..filler {
            objs.extend_from_slice(&0x7777u16.to_le_bytes());
            objs.extend_from_slice(&[1, 0, 0, 0, 0, 0]);
            objs.extend_from_slice(&0u64.to_le_bytes());
        }
        for (idx, text) in objects {
            objs.extend_from_slice(&idx.to_le_bytes());
            objs.extend_from_slice(&[1, 0, 0, 0, 0, 0]);
            objs.extend_from_slice(&(text.len() as u64).to_le_bytes());
            let mut b = text.as_bytes().to_vec();
            b.resize(b.len().div_ceil(8) * 8, 0);
            objs.extend_from_slice(&b);
        }
        objs.extend_from_slice(&[0u8; 16]);
        f.truncate(HEAP_AT);
        f.extend_from_slice(b"GCOL\x01\0\0\0");
        f.extend_from_slice(&(16 + objs.len() as u64).to_le_bytes());
        f.extend_from_slice(&objs);
        f
    }

    /// Fuzz finding: a heap object declaring a size near 2^64 saturated the walk's
    /// position, and the next bounds check added to it and overflowed.
    #[test]
    fn heap_object_size_near_u64_max_ends_the_walk() {
        let mut f = with_heap(
            h5_with_string_attrs(&[("model_config", "x")]),
            0,
            &[(7, "y"), (1, "{}")],
        );
        // The first object (index 7, not the one asked for) claims 2^64 - 7 bytes.
        f[0x1018..0x1020].copy_from_slice(&(u64::MAX - 6).to_le_bytes());
        let a = root_attributes(Cursor::new(&f), f.len() as u64, 4096, KERAS).unwrap();
        assert_eq!(a.get("model_config"), None);
    }

    /// Every string attribute walks its heap collection from the start; the walks of
    /// one file share a budget so many attributes over a large collection stay cheap.
    #[test]
    fn heap_lookups_share_one_budget() {
        let names: Vec<String> = (0..48).map(|i| format!("a{i:02}")).collect();
        let attrs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
        let wanted: Vec<&str> = names.iter().map(String::as_str).collect();
        // Only the last attribute (index 48) has an object, after the filler.
        let small = with_heap(h5_with_string_attrs(&attrs), 16, &[(48, "found")]);
        let a = root_attributes(Cursor::new(&small), small.len() as u64, 4096, &wanted).unwrap();
        assert_eq!(a.get("a47"), Some("found"));
        // 47 fruitless walks over 8192 objects exceed the budget before the last one,
        // which is counted as unread.
        let large = with_heap(h5_with_string_attrs(&attrs), 8192, &[(48, "found")]);
        let a = root_attributes(Cursor::new(&large), large.len() as u64, 4096, &wanted).unwrap();
        assert_eq!(a.get("a47"), None);
        assert!(a.unread > 0);
        assert!(a.limit.as_deref().unwrap_or("").contains("heap objects"));
    }

    /// The Keras analyzer says when a cap left attributes unread: a heap of filler
    /// that the attributes asked for walk past exceeds the budget at the second.
    #[test]
    fn keras_records_attributes_left_unread_by_a_cap() {
        use aispm_core::{Analyzer, ErrorKind, FileInput, FileKind, Source};
        let attrs = [
            ("keras_version", "2.13.1"),
            ("training_config", "{}"),
            ("model_config", "{}"),
        ];
        let f = with_heap(h5_with_string_attrs(&attrs), MAX_HEAP_STEPS / 2, &[]);
        let input = FileInput::new(
            "m.h5",
            std::path::Path::new("m.h5"),
            FileKind::Hdf5,
            f.len() as u64,
            &f[..aispm_core::HEAD_LEN],
            Source::Bytes(&f),
        );
        let mut cx = aispm_core::AnalysisContext::new(None, 0);
        crate::keras::KerasAnalyzer::new()
            .analyze(&input, &mut cx)
            .unwrap();
        let limits: Vec<&str> = cx
            .errors
            .iter()
            .filter(|e| e.kind == ErrorKind::Limit)
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(limits.len(), 1, "{:?}", cx.errors);
        assert!(
            limits[0].starts_with("2 HDF5 root attributes not read"),
            "{limits:?}"
        );
    }

    /// Superblock 0 and a version-1 root object header of attributes `(name, items)`,
    /// each a variable-length string array whose items all name object 1 of a global
    /// heap holding `value`.
    fn h5_repeating_one_heap_object(attrs: &[(&str, usize)], value: &[u8]) -> Vec<u8> {
        let mut f = h5_with_string_attrs(&[]);
        f.truncate(0x60);
        let mut msgs = Vec::new();
        // Where the heap address of every item goes, once the heap's place is known.
        let mut refs = Vec::new();
        for (name, items) in attrs {
            let name_z = format!("{name}\0");
            let mut a = vec![1u8, 0];
            a.extend_from_slice(&(name_z.len() as u16).to_le_bytes());
            a.extend_from_slice(&20u16.to_le_bytes());
            a.extend_from_slice(&16u16.to_le_bytes());
            let mut nb = name_z.into_bytes();
            nb.resize(nb.len().div_ceil(8) * 8, 0);
            a.extend_from_slice(&nb);
            let mut dt = vec![0x19u8, 1, 0, 0];
            dt.extend_from_slice(&16u32.to_le_bytes());
            dt.extend_from_slice(&[0x10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 8, 0]);
            dt.resize(24, 0);
            a.extend_from_slice(&dt);
            // Dataspace version 1 of rank 1.
            a.extend_from_slice(&[1, 1, 0, 0, 0, 0, 0, 0]);
            a.extend_from_slice(&(*items as u64).to_le_bytes());
            for _ in 0..*items {
                a.extend_from_slice(&(value.len() as u32).to_le_bytes());
                refs.push(msgs.len() + 8 + a.len());
                a.extend_from_slice(&0u64.to_le_bytes());
                a.extend_from_slice(&1u32.to_le_bytes());
            }
            msgs.extend_from_slice(&0x0Cu16.to_le_bytes());
            msgs.extend_from_slice(&(a.len() as u16).to_le_bytes());
            msgs.extend_from_slice(&[0, 0, 0, 0]);
            msgs.extend_from_slice(&a);
        }
        let heap_at = (0x60 + 16 + msgs.len()).div_ceil(8) * 8;
        for at in refs {
            msgs[at..at + 8].copy_from_slice(&(heap_at as u64).to_le_bytes());
        }
        f.extend_from_slice(&[1, 0]);
        f.extend_from_slice(&(attrs.len() as u16).to_le_bytes());
        f.extend_from_slice(&1u32.to_le_bytes());
        f.extend_from_slice(&(msgs.len() as u32).to_le_bytes());
        f.extend_from_slice(&[0, 0, 0, 0]);
        f.extend_from_slice(&msgs);
        f.resize(heap_at, 0);
        let mut obj = vec![1u8, 0, 1, 0, 0, 0, 0, 0];
        obj.extend_from_slice(&(value.len() as u64).to_le_bytes());
        obj.extend_from_slice(value);
        obj.resize(obj.len().div_ceil(8) * 8 + 16, 0);
        f.extend_from_slice(b"GCOL\x01\0\0\0");
        f.extend_from_slice(&(16 + obj.len() as u64).to_le_bytes());
        f.extend_from_slice(&obj);
        f
    }

    /// Variable-length strings may all name one large heap object: what the reader
    /// keeps is bounded by the names asked for and the cap, not by how many attributes
    /// and items point at it.
    #[test]
    fn kept_strings_are_bounded_by_the_names_asked_for() {
        let mut attrs: Vec<(&str, usize)> = vec![("decoy", 16); 8];
        attrs.extend([("model_config", 16); 40]);
        let f = h5_repeating_one_heap_object(&attrs, &[b'x'; 4096]);
        let a = root_attributes(Cursor::new(&f), f.len() as u64, 10_000, KERAS).unwrap();
        // One attribute (the first of its name), its items capped together.
        assert_eq!(a.attrs.len(), 1);
        assert_eq!(a.get("model_config").map(str::len), Some(4096));
        let kept: usize = a.attrs[0].1.iter().map(String::len).sum();
        assert_eq!(kept, 10_000);
    }

    #[test]
    fn refuses_garbage() {
        assert!(root_attributes(Cursor::new(b"nope"), 4, 64, KERAS).is_err());
        let mut f = h5_with_string_attrs(&[("k", "v")]);
        f[64..72].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(root_attributes(Cursor::new(&f), f.len() as u64, 64, KERAS).is_err());
    }

    proptest! {
        #[test]
        fn never_panics_on_mutations(idx in proptest::collection::vec((0usize..4200, any::<u8>()), 1..16)) {
            let mut f = h5_with_string_attrs(&[("model_config", "{\"class_name\": \"X\"}")]);
            for (i, b) in idx {
                if i < f.len() { f[i] = b; }
            }
            let _ = root_attributes(Cursor::new(&f), f.len() as u64, 4096, KERAS);
        }

        #[test]
        fn never_panics_on_bytes(mut b in proptest::collection::vec(any::<u8>(), 0..512)) {
            if b.len() >= 8 { b[..8].copy_from_slice(SIGNATURE); }
            let _ = root_attributes(Cursor::new(&b), b.len() as u64, 4096, KERAS);
        }
    }
}

//! Large model files for the model-scanner benchmark (`bench/models.sh`): a pickle of
//! many NumPy arrays, shaped the way `pickle.dump` of a dict of arrays comes out, and a
//! PyTorch-style zip checkpoint with many storages. Both are written streaming, one
//! chunk at a time, so generating a file of several gigabytes needs a few megabytes of
//! memory; every byte is a function of the size and the seed.
//!
//! The pickle reproduces what CPython's pickler and NumPy's `__reduce_ex__` emit:
//! protocol 5 stores contiguous arrays in band as `numpy._core.numeric._frombuffer`
//! over a BYTEARRAY8 payload, other arrays (and every array under protocol 4) as
//! `numpy._core.multiarray._reconstruct` with a BUILD state holding BINBYTES. Payloads
//! of 64 KiB and more are written outside FRAMEs, as CPython's framer does, and small
//! opcodes are grouped into frames of about 64 KiB.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use aispm_fixtures::pickle::{StateDictTensor, op, state_dict_pickle};
use aispm_fixtures::rng::SplitMix64;

/// CPython's `_FRAME_SIZE_TARGET`: frames are committed once they reach it, and bytes
/// objects at least this long are written outside any frame.
const FRAME_SIZE_TARGET: usize = 64 * 1024;
const BYTEARRAY8: u8 = 0x96;
const BINBYTES8: u8 = 0x8e;
/// Widest and narrowest weight matrices of the plan, in rows of `COLS` float32s.
const COLS: u64 = 1024;
const MIN_ROWS: u64 = 256;
const MAX_ROWS: u64 = 4096;
/// The floats every array is cut from: 1 MiB of plausible weights, read at a different
/// offset per array, so data is cheap to produce and still varies between arrays.
const WEIGHT_BLOCK_FLOATS: usize = 1 << 18;

/// One array of the benchmark model: its key and its float32 shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArraySpec {
    pub name: String,
    pub shape: Vec<u64>,
}

impl ArraySpec {
    pub fn byte_len(&self) -> u64 {
        self.shape.iter().product::<u64>() * 4
    }
}

/// Layers of a made-up network whose float32 arrays add up to `total` bytes (rounded
/// down to a whole float): a weight matrix of 1–16 MiB and a bias vector per layer, and
/// a last vector for whatever is left.
pub fn array_plan(total: u64, seed: u64) -> Vec<ArraySpec> {
    let mut rng = SplitMix64::new(seed);
    let mut left = total / 4 * 4;
    let mut out = Vec::new();
    let mut layer = 0u64;
    while left > 0 {
        let rows = MIN_ROWS + rng.below(MAX_ROWS - MIN_ROWS + 1);
        let bias = rows * 4;
        if left >= (rows * COLS) * 4 + bias {
            out.push(ArraySpec {
                name: format!("model.layers.{layer}.weight"),
                shape: vec![rows, COLS],
            });
            out.push(ArraySpec {
                name: format!("model.layers.{layer}.bias"),
                shape: vec![rows],
            });
            left -= rows * COLS * 4 + bias;
            layer += 1;
        } else {
            out.push(ArraySpec {
                name: "lm_head.weight".to_owned(),
                shape: vec![left / 4],
            });
            left = 0;
        }
    }
    out
}

/// Writes array payloads from a block of plausible float32 weights.
struct WeightSource {
    block: Vec<u8>,
}

impl WeightSource {
    fn new(seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed ^ 0x5eed_f00d);
        Self {
            block: rng.f32_le_bytes(WEIGHT_BLOCK_FLOATS, 0.05),
        }
    }

    /// `len` bytes for array number `index`, streamed from the block at an offset that
    /// depends on the index (a multiple of 4, so every float stays a float).
    fn write(&self, w: &mut impl Write, index: usize, len: u64) -> io::Result<()> {
        let block = self.block.len();
        let mut pos = (index * 4099 * 4) % block;
        let mut left = len;
        while left > 0 {
            let n = (block - pos).min(usize::try_from(left).unwrap_or(usize::MAX));
            w.write_all(&self.block[pos..pos + n])?;
            left -= n as u64;
            pos = (pos + n) % block;
        }
        Ok(())
    }
}

/// Which opcodes the big pickle is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickleProtocol {
    /// `_reconstruct` + BINBYTES for every array.
    V4,
    /// `_frombuffer` + BYTEARRAY8 for contiguous arrays; every fourth weight (the second,
    /// the sixth, ...) stands for a strided view and goes the `_reconstruct` + BINBYTES
    /// way, as NumPy does for arrays that are not contiguous.
    V5,
}

impl PickleProtocol {
    fn number(self) -> u8 {
        match self {
            Self::V4 => 4,
            Self::V5 => 5,
        }
    }
}

/// A protocol 4+ pickle written as it goes: small opcodes collect in the current frame,
/// large payloads are streamed straight to the output between frames.
struct FramedPickler<W: Write> {
    out: W,
    frame: Vec<u8>,
    next_memo: u32,
    written: u64,
}

impl<W: Write> FramedPickler<W> {
    fn new(mut out: W, protocol: u8) -> io::Result<Self> {
        out.write_all(&[op::PROTO, protocol])?;
        Ok(Self {
            out,
            frame: Vec::with_capacity(2 * FRAME_SIZE_TARGET),
            next_memo: 0,
            written: 2,
        })
    }

    fn commit_frame(&mut self, force: bool) -> io::Result<()> {
        if self.frame.is_empty() || (!force && self.frame.len() < FRAME_SIZE_TARGET) {
            return Ok(());
        }
        let mut head = [0u8; 9];
        head[0] = op::FRAME;
        head[1..].copy_from_slice(&(self.frame.len() as u64).to_le_bytes());
        self.out.write_all(&head)?;
        self.out.write_all(&self.frame)?;
        self.written += 9 + self.frame.len() as u64;
        self.frame.clear();
        Ok(())
    }

    fn op(&mut self, b: u8) {
        self.frame.push(b);
    }

    fn memoize(&mut self) -> u32 {
        self.frame.push(op::MEMOIZE);
        self.next_memo += 1;
        self.next_memo - 1
    }

    fn get(&mut self, idx: u32) {
        match u8::try_from(idx) {
            Ok(i) => self.frame.extend_from_slice(&[op::BINGET, i]),
            Err(_) => {
                self.frame.push(op::LONG_BINGET);
                self.frame.extend_from_slice(&idx.to_le_bytes());
            }
        }
    }

    fn str(&mut self, s: &str) {
        match u8::try_from(s.len()) {
            Ok(n) => self.frame.extend_from_slice(&[op::SHORT_BINUNICODE, n]),
            Err(_) => {
                self.frame.push(op::BINUNICODE);
                self.frame
                    .extend_from_slice(&(s.len() as u32).to_le_bytes());
            }
        }
        self.frame.extend_from_slice(s.as_bytes());
    }

    fn int(&mut self, v: i64) {
        if let Ok(b) = u8::try_from(v) {
            self.frame.extend_from_slice(&[op::BININT1, b]);
        } else if let Ok(s) = u16::try_from(v) {
            self.frame.push(op::BININT2);
            self.frame.extend_from_slice(&s.to_le_bytes());
        } else {
            // The plan never makes a dimension past i32; fall back to BININT's range.
            self.frame.push(op::BININT);
            self.frame.extend_from_slice(
                &(v.clamp(i32::MIN.into(), i32::MAX.into()) as i32).to_le_bytes(),
            );
        }
    }

    /// A global the protocol-4 way (two memoized strings and STACK_GLOBAL), memoized;
    /// returns the memo slot so later references are a BINGET.
    fn global(&mut self, module: &str, name: &str) -> u32 {
        self.str(module);
        self.memoize();
        self.str(name);
        self.memoize();
        self.op(op::STACK_GLOBAL);
        self.memoize()
    }

    /// A bytes-like payload of `len` bytes, BYTEARRAY8 or the shortest BINBYTES form:
    /// in the frame when short, streamed between frames from `FRAME_SIZE_TARGET` on.
    fn payload(
        &mut self,
        bytearray: bool,
        len: u64,
        source: &WeightSource,
        index: usize,
    ) -> io::Result<()> {
        let mut head = Vec::with_capacity(9);
        if bytearray {
            head.push(BYTEARRAY8);
            head.extend_from_slice(&len.to_le_bytes());
        } else if len < 256 {
            head.extend_from_slice(&[op::SHORT_BINBYTES, len as u8]);
        } else if let Ok(l) = u32::try_from(len) {
            head.push(op::BINBYTES);
            head.extend_from_slice(&l.to_le_bytes());
        } else {
            head.push(BINBYTES8);
            head.extend_from_slice(&len.to_le_bytes());
        }
        if len < FRAME_SIZE_TARGET as u64 {
            self.frame.extend_from_slice(&head);
            source.write(&mut self.frame, index, len)?;
        } else {
            self.commit_frame(true)?;
            self.out.write_all(&head)?;
            source.write(&mut self.out, index, len)?;
            self.written += head.len() as u64 + len;
        }
        self.memoize();
        Ok(())
    }

    fn finish(mut self) -> io::Result<(W, u64)> {
        self.op(op::STOP);
        self.commit_frame(true)?;
        self.out.flush()?;
        Ok((self.out, self.written))
    }
}

/// Memo slots of objects CPython pickles once and then refers to with BINGET.
#[derive(Default)]
struct Shared {
    frombuffer: Option<u32>,
    reconstruct: Option<u32>,
    ndarray: Option<u32>,
    dtype_f4: Option<u32>,
    order_c: Option<u32>,
}

/// `numpy.dtype('float32')`: a REDUCE of `numpy.dtype('f4', False, True)` and a BUILD
/// of its state, pickled once; the dtype is a singleton, so later uses are BINGETs.
fn save_dtype<W: Write>(p: &mut FramedPickler<W>, shared: &mut Shared) {
    if let Some(m) = shared.dtype_f4 {
        p.get(m);
        return;
    }
    p.global("numpy", "dtype");
    p.str("f4");
    p.memoize();
    p.op(op::NEWFALSE);
    p.op(op::NEWTRUE);
    p.op(op::TUPLE3);
    p.memoize();
    p.op(op::REDUCE);
    shared.dtype_f4 = Some(p.memoize());
    p.op(op::MARK);
    p.int(3);
    p.str("<");
    p.memoize();
    p.op(op::NONE);
    p.op(op::NONE);
    p.op(op::NONE);
    p.int(-1);
    p.int(-1);
    p.int(0);
    p.op(op::TUPLE);
    p.memoize();
    p.op(op::BUILD);
}

fn save_shape<W: Write>(p: &mut FramedPickler<W>, shape: &[u64]) {
    match shape.len() {
        1 => {
            p.int(shape[0] as i64);
            p.op(op::TUPLE1);
        }
        2 => {
            p.int(shape[0] as i64);
            p.int(shape[1] as i64);
            p.op(op::TUPLE2);
        }
        _ => {
            p.op(op::MARK);
            for &d in shape {
                p.int(d as i64);
            }
            p.op(op::TUPLE);
        }
    }
    p.memoize();
}

fn save_array<W: Write>(
    p: &mut FramedPickler<W>,
    shared: &mut Shared,
    a: &ArraySpec,
    in_band_buffer: bool,
    source: &WeightSource,
    index: usize,
) -> io::Result<()> {
    if in_band_buffer {
        // _frombuffer(PickleBuffer(a), dtype, shape, 'C')
        match shared.frombuffer {
            Some(m) => p.get(m),
            None => shared.frombuffer = Some(p.global("numpy._core.numeric", "_frombuffer")),
        }
        p.op(op::MARK);
        p.payload(true, a.byte_len(), source, index)?;
        save_dtype(p, shared);
        save_shape(p, &a.shape);
        match shared.order_c {
            Some(m) => p.get(m),
            None => {
                p.str("C");
                shared.order_c = Some(p.memoize());
            }
        }
        p.op(op::TUPLE);
        p.memoize();
        p.op(op::REDUCE);
        p.memoize();
    } else {
        // _reconstruct(ndarray, (0,), b'b') then BUILD (1, shape, dtype, False, bytes)
        match shared.reconstruct {
            Some(m) => p.get(m),
            None => shared.reconstruct = Some(p.global("numpy._core.multiarray", "_reconstruct")),
        }
        match shared.ndarray {
            Some(m) => p.get(m),
            None => shared.ndarray = Some(p.global("numpy", "ndarray")),
        }
        p.int(0);
        p.op(op::TUPLE1);
        p.memoize();
        p.frame.extend_from_slice(&[op::SHORT_BINBYTES, 1, b'b']);
        p.memoize();
        p.op(op::TUPLE3);
        p.memoize();
        p.op(op::REDUCE);
        p.memoize();
        p.op(op::MARK);
        p.int(1);
        save_shape(p, &a.shape);
        save_dtype(p, shared);
        p.op(op::NEWFALSE);
        p.payload(false, a.byte_len(), source, index)?;
        p.op(op::TUPLE);
        p.memoize();
        p.op(op::BUILD);
    }
    Ok(())
}

/// Writes `{name: ndarray}` for every array of `plan` as a pickle to `out`, the way
/// `pickle.dump(arrays, f, protocol)` lays it out (SETITEMS in batches of 1000).
/// Returns the number of bytes written.
pub fn write_arrays_pickle<W: Write>(
    out: W,
    plan: &[ArraySpec],
    protocol: PickleProtocol,
    seed: u64,
) -> io::Result<u64> {
    let source = WeightSource::new(seed);
    let mut p = FramedPickler::new(out, protocol.number())?;
    let mut shared = Shared::default();
    p.op(op::EMPTY_DICT);
    p.memoize();
    let mut weights = 0usize;
    for (batch_no, batch) in plan.chunks(1000).enumerate() {
        if batch.len() > 1 {
            p.op(op::MARK);
        }
        for (i, a) in batch.iter().enumerate() {
            let index = batch_no * 1000 + i;
            p.commit_frame(false)?;
            p.str(&a.name);
            p.memoize();
            let strided = a.shape.len() == 2 && {
                weights += 1;
                weights % 4 == 2
            };
            let in_band = protocol == PickleProtocol::V5 && !strided;
            save_array(&mut p, &mut shared, a, in_band, &source, index)?;
        }
        p.op(if batch.len() > 1 {
            op::SETITEMS
        } else {
            op::SETITEM
        });
    }
    let (_, written) = p.finish()?;
    Ok(written)
}

/// `aispm-fixtures big-pickle`: arrays worth `total` bytes, pickled to `path`.
pub fn write_big_pickle(
    path: &Path,
    total: u64,
    protocol: PickleProtocol,
    seed: u64,
) -> io::Result<(usize, u64)> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let plan = array_plan(total, seed);
    let w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let written = write_arrays_pickle(w, &plan, protocol, seed)?;
    Ok((plan.len(), written))
}

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const U32_MAX: u64 = 0xFFFF_FFFF;
const MADE_BY_UNIX: u16 = (3 << 8) | 20;
/// `torch.save` aligns the data of every member to 64 bytes with an `FB` extra field.
const TORCH_ALIGN: u64 = 64;

struct CentralEntry {
    name: String,
    crc: u32,
    size: u64,
    offset: u64,
}

/// A zip of stored members written front to back to a seekable file. Each member's
/// CRC is computed while its data streams out and patched into the local header
/// afterwards, so no data descriptor is needed and readers that trust the local
/// header (as torch's does) see the right values. Sizes and offsets past `limit` get
/// Zip64 fields; `limit` is 4 GiB - 1 except in tests.
struct StreamingZip<W: Write + Seek> {
    w: W,
    pos: u64,
    central: Vec<CentralEntry>,
    limit: u64,
}

struct CrcWriter<'a, W: Write> {
    inner: &'a mut W,
    crc: crc32fast::Hasher,
    n: u64,
}

impl<W: Write> Write for CrcWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.n += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write + Seek> StreamingZip<W> {
    fn new(w: W, limit: u64) -> Self {
        Self {
            w,
            pos: 0,
            central: Vec::new(),
            limit,
        }
    }

    /// Adds a stored member of `size` bytes produced by `fill`.
    fn member(
        &mut self,
        name: &str,
        size: u64,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let offset = self.pos;
        let zip64 = size >= self.limit;
        let mut extra = Vec::new();
        if zip64 {
            extra.extend_from_slice(&1u16.to_le_bytes());
            extra.extend_from_slice(&16u16.to_le_bytes());
            extra.extend_from_slice(&size.to_le_bytes());
            extra.extend_from_slice(&size.to_le_bytes());
        }
        let data_start = offset + 30 + name.len() as u64 + extra.len() as u64 + 4;
        let pad = (TORCH_ALIGN - data_start % TORCH_ALIGN) % TORCH_ALIGN;
        extra.extend_from_slice(b"FB");
        extra.extend_from_slice(&(pad as u16).to_le_bytes());
        extra.extend(std::iter::repeat_n(b'Z', pad as usize));
        let clamp = if zip64 { U32_MAX as u32 } else { size as u32 };
        let mut h = Vec::with_capacity(30 + name.len() + extra.len());
        h.extend_from_slice(&LOCAL_SIG.to_le_bytes());
        h.extend_from_slice(&(if zip64 { 45u16 } else { 20 }).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes()); // flags
        h.extend_from_slice(&0u16.to_le_bytes()); // stored
        h.extend_from_slice(&aispm_fixtures::zipfile::DOS_TIME.to_le_bytes());
        h.extend_from_slice(&aispm_fixtures::zipfile::DOS_DATE.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes()); // CRC, patched below
        h.extend_from_slice(&clamp.to_le_bytes());
        h.extend_from_slice(&clamp.to_le_bytes());
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&(extra.len() as u16).to_le_bytes());
        h.extend_from_slice(name.as_bytes());
        h.extend_from_slice(&extra);
        self.w.write_all(&h)?;
        let mut cw = CrcWriter {
            inner: &mut self.w,
            crc: crc32fast::Hasher::new(),
            n: 0,
        };
        fill(&mut cw)?;
        let (crc, n) = (cw.crc.finalize(), cw.n);
        if n != size {
            return Err(io::Error::other(format!(
                "member {name}: wrote {n} bytes, declared {size}"
            )));
        }
        let end = offset + h.len() as u64 + size;
        self.w.seek(SeekFrom::Start(offset + 14))?;
        self.w.write_all(&crc.to_le_bytes())?;
        self.w.seek(SeekFrom::Start(end))?;
        self.pos = end;
        self.central.push(CentralEntry {
            name: name.to_owned(),
            crc,
            size,
            offset,
        });
        Ok(())
    }

    fn finish(mut self) -> io::Result<u64> {
        let cd_offset = self.pos;
        let mut cd = Vec::new();
        let mut any_zip64 = false;
        for e in &self.central {
            let big_size = e.size >= self.limit;
            let big_off = e.offset >= self.limit;
            let mut extra = Vec::new();
            if big_size || big_off {
                any_zip64 = true;
                let mut fields = Vec::new();
                if big_size {
                    fields.extend_from_slice(&e.size.to_le_bytes());
                    fields.extend_from_slice(&e.size.to_le_bytes());
                }
                if big_off {
                    fields.extend_from_slice(&e.offset.to_le_bytes());
                }
                extra.extend_from_slice(&1u16.to_le_bytes());
                extra.extend_from_slice(&(fields.len() as u16).to_le_bytes());
                extra.extend_from_slice(&fields);
            }
            let size32 = if big_size {
                U32_MAX as u32
            } else {
                e.size as u32
            };
            let off32 = if big_off {
                U32_MAX as u32
            } else {
                e.offset as u32
            };
            cd.extend_from_slice(&CENTRAL_SIG.to_le_bytes());
            cd.extend_from_slice(&MADE_BY_UNIX.to_le_bytes());
            cd.extend_from_slice(&(if extra.is_empty() { 20u16 } else { 45 }).to_le_bytes());
            cd.extend_from_slice(&0u16.to_le_bytes()); // flags
            cd.extend_from_slice(&0u16.to_le_bytes()); // stored
            cd.extend_from_slice(&aispm_fixtures::zipfile::DOS_TIME.to_le_bytes());
            cd.extend_from_slice(&aispm_fixtures::zipfile::DOS_DATE.to_le_bytes());
            cd.extend_from_slice(&e.crc.to_le_bytes());
            cd.extend_from_slice(&size32.to_le_bytes());
            cd.extend_from_slice(&size32.to_le_bytes());
            cd.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            cd.extend_from_slice(&(extra.len() as u16).to_le_bytes());
            cd.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
            cd.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
            cd.extend_from_slice(&off32.to_le_bytes());
            cd.extend_from_slice(e.name.as_bytes());
            cd.extend_from_slice(&extra);
        }
        let cd_size = cd.len() as u64;
        let count = self.central.len() as u64;
        let zip64 = any_zip64 || count >= 0xFFFF || cd_offset >= self.limit;
        if zip64 {
            let z64_offset = cd_offset + cd_size;
            cd.extend_from_slice(&ZIP64_EOCD_SIG.to_le_bytes());
            cd.extend_from_slice(&44u64.to_le_bytes());
            cd.extend_from_slice(&MADE_BY_UNIX.to_le_bytes());
            cd.extend_from_slice(&45u16.to_le_bytes());
            cd.extend_from_slice(&[0; 8]); // this disk, disk with the central directory
            cd.extend_from_slice(&count.to_le_bytes());
            cd.extend_from_slice(&count.to_le_bytes());
            cd.extend_from_slice(&cd_size.to_le_bytes());
            cd.extend_from_slice(&cd_offset.to_le_bytes());
            cd.extend_from_slice(&ZIP64_LOCATOR_SIG.to_le_bytes());
            cd.extend_from_slice(&0u32.to_le_bytes());
            cd.extend_from_slice(&z64_offset.to_le_bytes());
            cd.extend_from_slice(&1u32.to_le_bytes());
        }
        let count16 = if zip64 { 0xFFFF } else { count as u16 };
        cd.extend_from_slice(&EOCD_SIG.to_le_bytes());
        cd.extend_from_slice(&[0; 4]);
        cd.extend_from_slice(&count16.to_le_bytes());
        cd.extend_from_slice(&count16.to_le_bytes());
        let (size32, off32) = if zip64 {
            (U32_MAX as u32, U32_MAX as u32)
        } else {
            (cd_size as u32, cd_offset as u32)
        };
        cd.extend_from_slice(&size32.to_le_bytes());
        cd.extend_from_slice(&off32.to_le_bytes());
        cd.extend_from_slice(&0u16.to_le_bytes());
        self.w.write_all(&cd)?;
        self.w.flush()?;
        Ok(self.pos + cd.len() as u64)
    }
}

/// Storage keys of a plan: storage `i` holds array `i`.
fn storage_keys(plan: &[ArraySpec]) -> Vec<String> {
    (0..plan.len()).map(|i| i.to_string()).collect()
}

/// The `data.pkl` of a checkpoint holding `plan`: the state dict `torch.save` writes,
/// one `FloatStorage` per array.
pub fn plan_state_dict_pickle(plan: &[ArraySpec]) -> Vec<u8> {
    let keys = storage_keys(plan);
    let shapes: Vec<Vec<usize>> = plan
        .iter()
        .map(|a| a.shape.iter().map(|&d| d as usize).collect())
        .collect();
    let tensors: Vec<StateDictTensor<'_>> = plan
        .iter()
        .zip(&keys)
        .zip(&shapes)
        .map(|((a, key), shape)| StateDictTensor {
            name: &a.name,
            storage_key: key,
            shape,
        })
        .collect();
    state_dict_pickle(&tensors)
}

/// Writes a PyTorch zip checkpoint of `plan` to `out`: `archive/data.pkl`,
/// `archive/byteorder`, `archive/data/<i>` per array and `archive/version`, stored and
/// 64-byte aligned. `zip64_limit` is where Zip64 fields start (`None`: 4 GiB - 1).
pub fn write_torch_zip_to<W: Write + Seek>(
    out: W,
    plan: &[ArraySpec],
    seed: u64,
    zip64_limit: Option<u64>,
) -> io::Result<u64> {
    let source = WeightSource::new(seed);
    let mut z = StreamingZip::new(out, zip64_limit.unwrap_or(U32_MAX));
    let pkl = plan_state_dict_pickle(plan);
    z.member("archive/data.pkl", pkl.len() as u64, |w| w.write_all(&pkl))?;
    z.member("archive/byteorder", 6, |w| w.write_all(b"little"))?;
    for (i, a) in plan.iter().enumerate() {
        z.member(&format!("archive/data/{i}"), a.byte_len(), |mut w| {
            source.write(&mut w, i, a.byte_len())
        })?;
    }
    z.member("archive/version", 2, |w| w.write_all(b"3\n"))?;
    z.finish()
}

/// `aispm-fixtures big-torch-zip`: a checkpoint whose storages add up to `total` bytes.
pub fn write_big_torch_zip(path: &Path, total: u64, seed: u64) -> io::Result<(usize, u64)> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let plan = array_plan(total, seed);
    let w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let written = write_torch_zip_to(w, &plan, seed, None)?;
    Ok((plan.len(), written))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    /// Walks the opcodes the writer emits, checking every length field and frame
    /// boundary, and returns (globals, large payload lengths, frames, memo count).
    fn walk(p: &[u8]) -> (Vec<String>, Vec<u64>, usize, u32) {
        let mut globals = Vec::new();
        let mut payloads = Vec::new();
        let mut strings: Vec<String> = Vec::new();
        let (mut frames, mut memo) = (0usize, 0u32);
        let mut i = 2;
        assert_eq!(p[0], op::PROTO);
        let mut frame_end: Option<usize> = None;
        let u64_at = |i: usize| u64::from_le_bytes(p[i..i + 8].try_into().unwrap());
        loop {
            if frame_end == Some(i) {
                frame_end = None;
            }
            let code = p[i];
            i += 1;
            match code {
                op::FRAME => {
                    assert!(frame_end.is_none(), "nested frame at {i}");
                    let len = u64_at(i) as usize;
                    i += 8;
                    frame_end = Some(i + len);
                    assert!(i + len <= p.len());
                    frames += 1;
                }
                op::SHORT_BINUNICODE => {
                    let n = p[i] as usize;
                    strings.push(String::from_utf8(p[i + 1..i + 1 + n].to_vec()).unwrap());
                    i += 1 + n;
                }
                op::SHORT_BINBYTES => i += 1 + p[i] as usize,
                op::BINBYTES => {
                    let n = u32::from_le_bytes(p[i..i + 4].try_into().unwrap()) as u64;
                    i += 4 + n as usize;
                    payloads.push(n);
                }
                BYTEARRAY8 => {
                    let n = u64_at(i);
                    i += 8 + n as usize;
                    payloads.push(n);
                }
                op::STACK_GLOBAL => {
                    let n = strings.len();
                    globals.push(format!("{}.{}", strings[n - 2], strings[n - 1]));
                }
                op::MEMOIZE => memo += 1,
                op::BINGET | op::BININT1 => i += 1,
                op::LONG_BINGET => i += 4,
                op::BININT2 => i += 2,
                op::BININT => i += 4,
                op::STOP => {
                    assert_eq!(i, p.len(), "STOP is the last byte");
                    assert_eq!(frame_end, Some(i), "STOP closes the last frame");
                    return (globals, payloads, frames, memo);
                }
                op::EMPTY_DICT
                | op::MARK
                | op::SETITEMS
                | op::SETITEM
                | op::TUPLE
                | op::TUPLE1
                | op::TUPLE2
                | op::TUPLE3
                | op::REDUCE
                | op::BUILD
                | op::NONE
                | op::NEWTRUE
                | op::NEWFALSE => {}
                other => panic!("unexpected opcode {other:#x} at {}", i - 1),
            }
            // Large payloads sit outside frames; everything else inside one.
            if !matches!(code, BYTEARRAY8 | op::BINBYTES | op::FRAME) {
                assert!(
                    frame_end.is_some_and(|e| i <= e),
                    "opcode {code:#x} outside a frame"
                );
            }
        }
    }

    #[test]
    fn plan_adds_up_to_the_budget() {
        for total in [0u64, 3, 1000, 300 << 10, 40 << 20] {
            let plan = array_plan(total, 1);
            assert_eq!(
                plan.iter().map(ArraySpec::byte_len).sum::<u64>(),
                total / 4 * 4
            );
        }
        assert_eq!(array_plan(40 << 20, 9), array_plan(40 << 20, 9));
    }

    #[test]
    fn big_pickle_has_the_shape_of_pickled_arrays() {
        let plan = array_plan(24 << 20, 3);
        assert!(
            plan.iter().filter(|a| a.shape.len() == 2).count() >= 2,
            "{plan:?}"
        );
        for protocol in [PickleProtocol::V4, PickleProtocol::V5] {
            let mut buf = Vec::new();
            let n = write_arrays_pickle(&mut buf, &plan, protocol, 3).unwrap();
            assert_eq!(n, buf.len() as u64);
            assert_eq!(buf[1], protocol.number());
            let (globals, payloads, frames, memo) = walk(&buf);
            let mut kinds = globals.clone();
            kinds.sort();
            kinds.dedup();
            let expected: &[&str] = match protocol {
                PickleProtocol::V4 => &[
                    "numpy._core.multiarray._reconstruct",
                    "numpy.dtype",
                    "numpy.ndarray",
                ],
                PickleProtocol::V5 => &[
                    "numpy._core.multiarray._reconstruct",
                    "numpy._core.numeric._frombuffer",
                    "numpy.dtype",
                    "numpy.ndarray",
                ],
            };
            assert_eq!(kinds, expected);
            // Each global is written once and reused through the memo.
            assert_eq!(globals.len(), kinds.len());
            assert_eq!(payloads.iter().sum::<u64>(), 24 << 20);
            assert_eq!(payloads.len(), plan.len());
            assert!(frames >= 2);
            assert!(memo > plan.len() as u32);
        }
    }

    #[test]
    fn big_torch_zip_reads_back_with_valid_crcs() {
        let plan = array_plan(6 << 20, 5);
        for limit in [None, Some(1 << 20)] {
            let mut cur = Cursor::new(Vec::new());
            let n = write_torch_zip_to(&mut cur, &plan, 5, limit).unwrap();
            let bytes = cur.into_inner();
            assert_eq!(n, bytes.len() as u64);
            let mut ar = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
            assert_eq!(ar.len(), plan.len() + 3);
            let mut pkl = Vec::new();
            ar.by_name("archive/data.pkl")
                .unwrap()
                .read_to_end(&mut pkl)
                .unwrap();
            assert_eq!(pkl, plan_state_dict_pickle(&plan));
            for i in 0..ar.len() {
                let mut f = ar.by_index(i).unwrap();
                assert_eq!(f.compression(), zip::CompressionMethod::Stored);
                assert_eq!(
                    f.data_start().unwrap_or(1) % TORCH_ALIGN,
                    0,
                    "{:?}",
                    f.name()
                );
                // Reading to the end makes the zip crate check the CRC.
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                assert_eq!(data.len() as u64, f.size());
            }
            let f = ar
                .by_name(&format!("archive/data/{}", plan.len() - 1))
                .unwrap();
            assert_eq!(f.size(), plan[plan.len() - 1].byte_len());
        }
    }
}

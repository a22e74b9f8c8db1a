//! A pickle *writer*: it emits opcodes, it never evaluates them. With it the fixtures
//! reproduce what Python's pickler writes for a PyTorch state dict (protocol 2, as in a
//! `data.pkl`), a `__reduce__` payload calling `os.system`, and plain data, without
//! Python anywhere near the build.

/// Pickle opcodes used by the writer (names as in CPython's `pickletools`).
pub mod op {
    pub const MARK: u8 = b'(';
    pub const STOP: u8 = b'.';
    pub const BININT: u8 = b'J';
    pub const BININT1: u8 = b'K';
    pub const BININT2: u8 = b'M';
    pub const LONG1: u8 = 0x8a;
    pub const NONE: u8 = b'N';
    pub const NEWTRUE: u8 = 0x88;
    pub const NEWFALSE: u8 = 0x89;
    pub const BINFLOAT: u8 = b'G';
    pub const BINUNICODE: u8 = b'X';
    pub const SHORT_BINUNICODE: u8 = 0x8c;
    pub const BINBYTES: u8 = b'B';
    pub const SHORT_BINBYTES: u8 = b'C';
    pub const EMPTY_TUPLE: u8 = b')';
    pub const TUPLE: u8 = b't';
    pub const TUPLE1: u8 = 0x85;
    pub const TUPLE2: u8 = 0x86;
    pub const TUPLE3: u8 = 0x87;
    pub const EMPTY_LIST: u8 = b']';
    pub const APPEND: u8 = b'a';
    pub const APPENDS: u8 = b'e';
    pub const EMPTY_DICT: u8 = b'}';
    pub const SETITEM: u8 = b's';
    pub const SETITEMS: u8 = b'u';
    pub const GLOBAL: u8 = b'c';
    pub const STACK_GLOBAL: u8 = 0x93;
    pub const REDUCE: u8 = b'R';
    pub const BUILD: u8 = b'b';
    pub const NEWOBJ: u8 = 0x81;
    pub const BINPERSID: u8 = b'Q';
    pub const BINPUT: u8 = b'q';
    pub const LONG_BINPUT: u8 = b'r';
    pub const MEMOIZE: u8 = 0x94;
    pub const BINGET: u8 = b'h';
    pub const LONG_BINGET: u8 = b'j';
    pub const PROTO: u8 = 0x80;
    pub const FRAME: u8 = 0x95;
}

use std::collections::BTreeMap;

/// Builds a pickle opcode by opcode. `finish` adds PROTO, a FRAME (protocol 4 and up)
/// and STOP. Methods that depend on the protocol (memoizing, globals) pick the form
/// CPython would use for it.
#[derive(Debug, Clone)]
pub struct PickleWriter {
    protocol: u8,
    body: Vec<u8>,
    next_memo: u32,
    /// Memo slots of globals and strings already written, so repeats become BINGET as
    /// they do when CPython pickles the same object twice.
    seen: BTreeMap<(u8, String), u32>,
}

impl PickleWriter {
    /// `protocol` is written as is; 2 and 4 are the ones the helpers are modelled on.
    pub fn new(protocol: u8) -> Self {
        Self {
            protocol,
            body: Vec::new(),
            next_memo: 0,
            seen: BTreeMap::new(),
        }
    }

    pub fn protocol(&self) -> u8 {
        self.protocol
    }

    /// Any opcode byte, followed by nothing.
    pub fn op(&mut self, opcode: u8) -> &mut Self {
        self.body.push(opcode);
        self
    }

    /// Opaque bytes, for crafting malformed streams.
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.body.extend_from_slice(bytes);
        self
    }

    pub fn mark(&mut self) -> &mut Self {
        self.op(op::MARK)
    }

    /// `GLOBAL module\nname\n` (protocols 0–3 style).
    pub fn global(&mut self, module: &str, name: &str) -> &mut Self {
        self.op(op::GLOBAL);
        self.body.extend_from_slice(module.as_bytes());
        self.body.push(b'\n');
        self.body.extend_from_slice(name.as_bytes());
        self.body.push(b'\n');
        self
    }

    pub fn stack_global(&mut self) -> &mut Self {
        self.op(op::STACK_GLOBAL)
    }

    /// A global reference the way CPython writes it for this protocol: GLOBAL below 4,
    /// two memoized strings and STACK_GLOBAL from 4 on. The result is memoized, and a
    /// second reference to the same global is a BINGET of that memo slot.
    pub fn global_ref(&mut self, module: &str, name: &str) -> u32 {
        let key = (b'g', format!("{module}\n{name}"));
        if let Some(&idx) = self.seen.get(&key) {
            self.binget(idx);
            return idx;
        }
        if self.protocol >= 4 {
            self.unicode(module);
            self.memoize();
            self.unicode(name);
            self.memoize();
            self.stack_global();
        } else {
            self.global(module, name);
        }
        let idx = self.memoize();
        self.seen.insert(key, idx);
        idx
    }

    /// A memoized str; writing the same string again emits BINGET instead, as CPython
    /// does for interned strings such as `'storage'` and `'cpu'`.
    pub fn unicode_memo(&mut self, s: &str) -> u32 {
        let key = (b's', s.to_string());
        if let Some(&idx) = self.seen.get(&key) {
            self.binget(idx);
            return idx;
        }
        self.unicode(s);
        let idx = self.memoize();
        self.seen.insert(key, idx);
        idx
    }

    pub fn short_binunicode(&mut self, s: &str) -> &mut Self {
        debug_assert!(s.len() < 256);
        self.op(op::SHORT_BINUNICODE);
        self.body.push(s.len() as u8);
        self.body.extend_from_slice(s.as_bytes());
        self
    }

    pub fn binunicode(&mut self, s: &str) -> &mut Self {
        self.op(op::BINUNICODE);
        self.body.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.body.extend_from_slice(s.as_bytes());
        self
    }

    /// A str: SHORT_BINUNICODE where the protocol has it (4+) and it fits, else BINUNICODE.
    pub fn unicode(&mut self, s: &str) -> &mut Self {
        if self.protocol >= 4 && s.len() < 256 {
            self.short_binunicode(s)
        } else {
            self.binunicode(s)
        }
    }

    /// A bytes object: SHORT_BINBYTES or BINBYTES (protocol 3+).
    pub fn bytes(&mut self, data: &[u8]) -> &mut Self {
        if data.len() < 256 {
            self.op(op::SHORT_BINBYTES);
            self.body.push(data.len() as u8);
        } else {
            self.op(op::BINBYTES);
            self.body
                .extend_from_slice(&(data.len() as u32).to_le_bytes());
        }
        self.body.extend_from_slice(data);
        self
    }

    pub fn binint(&mut self, v: i32) -> &mut Self {
        self.op(op::BININT);
        self.body.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn binint1(&mut self, v: u8) -> &mut Self {
        self.op(op::BININT1);
        self.body.push(v);
        self
    }

    pub fn binint2(&mut self, v: u16) -> &mut Self {
        self.op(op::BININT2);
        self.body.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// An int in the smallest form CPython would use.
    pub fn int(&mut self, v: i64) -> &mut Self {
        if (0..=0xFF).contains(&v) {
            self.binint1(v as u8)
        } else if (0..=0xFFFF).contains(&v) {
            self.binint2(v as u16)
        } else if let Ok(small) = i32::try_from(v) {
            self.binint(small)
        } else {
            // LONG1: little-endian two's complement, minimal length.
            let mut bytes = v.to_le_bytes().to_vec();
            while bytes.len() > 1 {
                let last = bytes[bytes.len() - 1];
                let prev_sign = bytes[bytes.len() - 2] & 0x80;
                if (last == 0 && prev_sign == 0) || (last == 0xFF && prev_sign != 0) {
                    bytes.pop();
                } else {
                    break;
                }
            }
            self.op(op::LONG1);
            self.body.push(bytes.len() as u8);
            self.body.extend_from_slice(&bytes);
            self
        }
    }

    pub fn float(&mut self, v: f64) -> &mut Self {
        self.op(op::BINFLOAT);
        self.body.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub fn none(&mut self) -> &mut Self {
        self.op(op::NONE)
    }

    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.op(if v { op::NEWTRUE } else { op::NEWFALSE })
    }

    pub fn empty_tuple(&mut self) -> &mut Self {
        self.op(op::EMPTY_TUPLE)
    }

    /// TUPLE: everything since the last MARK.
    pub fn tuple(&mut self) -> &mut Self {
        self.op(op::TUPLE)
    }

    /// TUPLE1/2/3 for `n` in 1..=3 items already on the stack (protocol 2+).
    pub fn tuple_n(&mut self, n: usize) -> &mut Self {
        match n {
            0 => self.op(op::EMPTY_TUPLE),
            1 => self.op(op::TUPLE1),
            2 => self.op(op::TUPLE2),
            3 => self.op(op::TUPLE3),
            _ => panic!("tuple_n takes 0..=3 items; use mark() + tuple()"),
        }
    }

    /// A tuple of small ints, as CPython writes a shape or a stride.
    pub fn int_tuple(&mut self, items: &[i64]) -> &mut Self {
        if items.len() > 3 {
            self.mark();
        }
        for &i in items {
            self.int(i);
        }
        if items.len() > 3 {
            self.tuple()
        } else {
            self.tuple_n(items.len())
        }
    }

    pub fn empty_list(&mut self) -> &mut Self {
        self.op(op::EMPTY_LIST)
    }

    pub fn append(&mut self) -> &mut Self {
        self.op(op::APPEND)
    }

    pub fn appends(&mut self) -> &mut Self {
        self.op(op::APPENDS)
    }

    pub fn empty_dict(&mut self) -> &mut Self {
        self.op(op::EMPTY_DICT)
    }

    pub fn setitem(&mut self) -> &mut Self {
        self.op(op::SETITEM)
    }

    pub fn setitems(&mut self) -> &mut Self {
        self.op(op::SETITEMS)
    }

    pub fn reduce(&mut self) -> &mut Self {
        self.op(op::REDUCE)
    }

    pub fn build(&mut self) -> &mut Self {
        self.op(op::BUILD)
    }

    pub fn newobj(&mut self) -> &mut Self {
        self.op(op::NEWOBJ)
    }

    pub fn binpersid(&mut self) -> &mut Self {
        self.op(op::BINPERSID)
    }

    /// Stores the top of the stack in the memo (BINPUT/LONG_BINPUT below protocol 4,
    /// MEMOIZE from 4 on) and returns its index.
    pub fn memoize(&mut self) -> u32 {
        let idx = self.next_memo;
        self.next_memo += 1;
        if self.protocol >= 4 {
            self.op(op::MEMOIZE);
        } else if idx < 256 {
            self.op(op::BINPUT);
            self.body.push(idx as u8);
        } else {
            self.op(op::LONG_BINPUT);
            self.body.extend_from_slice(&idx.to_le_bytes());
        }
        idx
    }

    /// BINGET / LONG_BINGET.
    pub fn binget(&mut self, idx: u32) -> &mut Self {
        if idx < 256 {
            self.op(op::BINGET);
            self.body.push(idx as u8);
        } else {
            self.op(op::LONG_BINGET);
            self.body.extend_from_slice(&idx.to_le_bytes());
        }
        self
    }

    /// PROTO, then FRAME (protocol 4+) around the body, then STOP.
    pub fn finish(mut self) -> Vec<u8> {
        self.body.push(op::STOP);
        let mut out = Vec::with_capacity(self.body.len() + 11);
        out.push(op::PROTO);
        out.push(self.protocol);
        if self.protocol >= 4 {
            out.push(op::FRAME);
            out.extend_from_slice(&(self.body.len() as u64).to_le_bytes());
        }
        out.extend_from_slice(&self.body);
        out
    }
}

/// One tensor of a state dict: its key, the storage it lives in (the name of the
/// `data/<key>` member) and its shape. Storages are `torch.FloatStorage` on `cpu`.
#[derive(Debug, Clone, Copy)]
pub struct StateDictTensor<'a> {
    pub name: &'a str,
    pub storage_key: &'a str,
    pub shape: &'a [usize],
}

/// What `torch.save(model.state_dict())` writes as `data.pkl` (protocol 2): an
/// `OrderedDict` of tensors rebuilt by `torch._utils._rebuild_tensor_v2` from
/// persistent ids `('storage', torch.FloatStorage, key, 'cpu', numel)`, followed by
/// the `_metadata` attribute set with BUILD.
pub fn state_dict_pickle(tensors: &[StateDictTensor<'_>]) -> Vec<u8> {
    let mut p = PickleWriter::new(2);
    let ordered_dict = p.global_ref("collections", "OrderedDict");
    p.empty_tuple().reduce();
    p.memoize();
    p.mark();
    for t in tensors {
        let numel: usize = t.shape.iter().product();
        p.unicode(t.name);
        p.memoize();
        p.global_ref("torch._utils", "_rebuild_tensor_v2");
        p.mark();
        // Persistent id of the storage: BINPERSID hands it to the unpickler's
        // persistent_load, which is how torch finds `data/<key>`.
        p.mark();
        p.unicode_memo("storage");
        p.global_ref("torch", "FloatStorage");
        p.unicode(t.storage_key);
        p.memoize();
        p.unicode_memo("cpu");
        p.int(numel as i64);
        p.tuple();
        p.memoize();
        p.binpersid();
        p.int(0); // storage offset
        let shape: Vec<i64> = t.shape.iter().map(|&d| d as i64).collect();
        p.int_tuple(&shape);
        p.memoize();
        p.int_tuple(&contiguous_strides(&shape));
        p.memoize();
        p.bool(false); // requires_grad
        p.binget(ordered_dict).empty_tuple().reduce(); // backward hooks
        p.memoize();
        p.tuple();
        p.memoize();
        p.reduce();
        p.memoize();
    }
    p.setitems();

    // state_dict()._metadata: one {'version': 1} per module prefix.
    let mut prefixes: Vec<&str> = vec![""];
    for t in tensors {
        if let Some((prefix, _)) = t.name.rsplit_once('.') {
            prefixes.push(prefix);
        }
    }
    prefixes.sort_unstable();
    prefixes.dedup();
    p.empty_dict();
    p.memoize();
    p.unicode("_metadata");
    p.memoize();
    p.binget(ordered_dict).empty_tuple().reduce();
    p.memoize();
    p.mark();
    for prefix in prefixes {
        p.unicode(prefix);
        p.memoize();
        p.empty_dict();
        p.memoize();
        p.unicode_memo("version");
        p.int(1);
        p.setitem();
    }
    p.setitems();
    p.setitem();
    p.build();
    p.finish()
}

fn contiguous_strides(shape: &[i64]) -> Vec<i64> {
    let mut strides = vec![1i64; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        strides[i] = strides[i + 1] * shape[i + 1];
    }
    strides
}

/// The state dict of a tiny linear layer: `fc.weight` (2×2, storage `0`, 4 floats) and
/// `fc.bias` (2, storage `1`, 2 floats). Pair it with [`crate::pytorch_zip`] and storages
/// of 16 and 8 bytes.
pub fn benign_state_dict_pickle() -> Vec<u8> {
    state_dict_pickle(&[
        StateDictTensor {
            name: "fc.weight",
            storage_key: "0",
            shape: &[2, 2],
        },
        StateDictTensor {
            name: "fc.bias",
            storage_key: "1",
            shape: &[2],
        },
    ])
}

/// `module.name(*args)` through REDUCE, string arguments only. This is the shape of every
/// `__reduce__` code-execution payload; it is written, never run.
pub fn reduce_call_pickle(protocol: u8, module: &str, name: &str, args: &[&str]) -> Vec<u8> {
    let mut p = PickleWriter::new(protocol);
    p.global_ref(module, name);
    if args.len() > 3 {
        p.mark();
    }
    for a in args {
        p.unicode(a);
        p.memoize();
    }
    if args.len() > 3 {
        p.tuple();
    } else {
        p.tuple_n(args.len());
    }
    p.memoize();
    p.reduce();
    p.memoize();
    p.finish()
}

/// `os.system(cmd)` via GLOBAL + REDUCE, protocol 2. Keep `cmd` harmless (for example
/// `echo aispm-demo`): the file exists to be detected, not run.
pub fn malicious_os_system_pickle(cmd: &str) -> Vec<u8> {
    reduce_call_pickle(2, "os", "system", &[cmd])
}

/// The same call written the protocol-4 way: FRAME, SHORT_BINUNICODE, MEMOIZE and
/// STACK_GLOBAL, which a scanner must resolve from the stack rather than from the opcode.
pub fn malicious_os_system_pickle_v4(cmd: &str) -> Vec<u8> {
    reduce_call_pickle(4, "os", "system", &[cmd])
}

/// Plain data only (dict, list, str, int, bool, float, None), protocol 4: what a
/// config or a metrics file pickles to. No GLOBAL, no REDUCE.
pub fn plain_data_pickle() -> Vec<u8> {
    let mut p = PickleWriter::new(4);
    p.empty_dict();
    p.memoize();
    p.mark();
    p.unicode("name");
    p.memoize();
    p.unicode("aispm-demo");
    p.memoize();
    p.unicode("epochs");
    p.memoize();
    p.int(3);
    p.unicode("steps");
    p.memoize();
    p.int(1200);
    p.unicode("seed");
    p.memoize();
    p.int(1_234_567);
    p.unicode("offset");
    p.memoize();
    p.int(-5);
    p.unicode("learning_rate");
    p.memoize();
    p.float(0.0003);
    p.unicode("tags");
    p.memoize();
    p.empty_list();
    p.memoize();
    p.mark();
    p.unicode("baseline");
    p.memoize();
    p.unicode("v1");
    p.memoize();
    p.appends();
    p.unicode("converged");
    p.memoize();
    p.bool(true);
    p.unicode("notes");
    p.memoize();
    p.none();
    p.setitems();
    p.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    /// The opcodes of a pickle, in order, skipping their arguments; panics on anything
    /// the writer does not emit or on a truncated stream.
    fn opcodes(p: &[u8]) -> Vec<u8> {
        let mut ops = Vec::new();
        let mut i = 0;
        let u32_at = |i: usize| u32::from_le_bytes(p[i..i + 4].try_into().unwrap()) as usize;
        while i < p.len() {
            let code = p[i];
            ops.push(code);
            i += 1;
            i += match code {
                op::PROTO | op::BININT1 | op::BINPUT | op::BINGET => 1,
                op::BININT2 => 2,
                op::BININT | op::LONG_BINPUT | op::LONG_BINGET => 4,
                op::FRAME | op::BINFLOAT => 8,
                op::LONG1 | op::SHORT_BINUNICODE | op::SHORT_BINBYTES => 1 + p[i] as usize,
                op::BINUNICODE | op::BINBYTES => 4 + u32_at(i),
                op::GLOBAL => {
                    let first = p[i..].iter().position(|&b| b == b'\n').unwrap();
                    let second = p[i + first + 1..].iter().position(|&b| b == b'\n').unwrap();
                    first + second + 2
                }
                op::MARK
                | op::STOP
                | op::NONE
                | op::NEWTRUE
                | op::NEWFALSE
                | op::EMPTY_TUPLE
                | op::TUPLE
                | op::TUPLE1
                | op::TUPLE2
                | op::TUPLE3
                | op::EMPTY_LIST
                | op::APPEND
                | op::APPENDS
                | op::EMPTY_DICT
                | op::SETITEM
                | op::SETITEMS
                | op::STACK_GLOBAL
                | op::REDUCE
                | op::BUILD
                | op::NEWOBJ
                | op::BINPERSID
                | op::MEMOIZE => 0,
                other => panic!("unexpected opcode {other:#x} at {}", i - 1),
            };
        }
        assert!(i == p.len(), "argument runs past the end");
        assert_eq!(ops.last(), Some(&op::STOP));
        ops
    }

    #[test]
    fn protocol_2_has_proto_and_stop_but_no_frame() {
        let p = malicious_os_system_pickle("echo aispm-demo");
        assert_eq!(&p[..2], &[op::PROTO, 2]);
        assert_ne!(p[2], op::FRAME);
        assert_eq!(*p.last().unwrap(), op::STOP);
        assert!(contains(&p, b"cos\nsystem\n"));
        assert!(contains(&p, b"echo aispm-demo"));
        assert_eq!(
            opcodes(&p),
            [
                op::PROTO,
                op::GLOBAL,
                op::BINPUT,
                op::BINUNICODE,
                op::BINPUT,
                op::TUPLE1,
                op::BINPUT,
                op::REDUCE,
                op::BINPUT,
                op::STOP
            ]
        );
    }

    #[test]
    fn protocol_4_frame_length_covers_the_body() {
        let p = malicious_os_system_pickle_v4("echo aispm-demo");
        assert_eq!(&p[..3], &[op::PROTO, 4, op::FRAME]);
        let len = u64::from_le_bytes(p[3..11].try_into().unwrap());
        assert_eq!(len as usize, p.len() - 11);
        assert!(opcodes(&p).contains(&op::STACK_GLOBAL));
        assert!(contains(
            &p,
            &[op::SHORT_BINUNICODE, 2, b'o', b's', op::MEMOIZE]
        ));
    }

    #[test]
    fn state_dict_looks_like_torch_data_pkl() {
        let p = benign_state_dict_pickle();
        assert_eq!(&p[..2], &[op::PROTO, 2]);
        assert!(p.starts_with(b"\x80\x02ccollections\nOrderedDict\nq\x00)R"));
        assert!(contains(&p, b"ctorch._utils\n_rebuild_tensor_v2\n"));
        assert!(contains(&p, b"ctorch\nFloatStorage\n"));
        let ops = opcodes(&p);
        assert_eq!(ops.iter().filter(|&&o| o == op::BINPERSID).count(), 2);
        assert_eq!(ops.iter().filter(|&&o| o == op::GLOBAL).count(), 3);
        assert!(contains(&p, b"X\x07\x00\x00\x00storage"));
        assert!(contains(&p, b"X\x09\x00\x00\x00_metadata"));
        assert_eq!(*p.last().unwrap(), op::STOP);
        assert_eq!(p[p.len() - 2], op::BUILD);
    }

    #[test]
    fn plain_data_has_no_globals_or_calls() {
        let p = plain_data_pickle();
        let ops = opcodes(&p);
        for bad in [
            op::GLOBAL,
            op::STACK_GLOBAL,
            op::REDUCE,
            op::BUILD,
            op::NEWOBJ,
        ] {
            assert!(!ops.contains(&bad), "opcode {bad:#x}");
        }
        for want in [
            op::SETITEMS,
            op::APPENDS,
            op::BININT1,
            op::BININT2,
            op::BININT,
        ] {
            assert!(ops.contains(&want), "opcode {want:#x}");
        }
        assert!(contains(&p, b"aispm-demo"));
    }

    #[test]
    fn ints_use_the_smallest_encoding() {
        let enc = |v: i64| {
            let mut p = PickleWriter::new(2);
            p.int(v);
            p.body
        };
        assert_eq!(enc(5), vec![op::BININT1, 5]);
        assert_eq!(enc(300), vec![op::BININT2, 0x2c, 0x01]);
        assert_eq!(enc(-1), vec![op::BININT, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(enc(1 << 40), vec![op::LONG1, 6, 0, 0, 0, 0, 0, 1]);
        assert_eq!(enc(-(1 << 40)), vec![op::LONG1, 6, 0, 0, 0, 0, 0, 0xff]);
    }

    #[test]
    fn memo_and_misc_opcodes() {
        let mut p = PickleWriter::new(2);
        for _ in 0..300 {
            p.none();
            p.memoize();
        }
        p.binget(299)
            .newobj()
            .build()
            .bytes(&[1, 2])
            .bytes(&[0; 300]);
        let out = p.finish();
        opcodes(&out);
        assert!(contains(&out, &[op::LONG_BINPUT, 0x2b, 0x01, 0, 0]));
        assert!(contains(
            &out,
            &[op::LONG_BINGET, 0x2b, 0x01, 0, 0, op::NEWOBJ]
        ));
        assert!(contains(&out, &[op::SHORT_BINBYTES, 2, 1, 2, op::BINBYTES]));
    }

    #[test]
    fn strides_are_row_major() {
        assert_eq!(contiguous_strides(&[2, 3, 4]), vec![12, 4, 1]);
        assert_eq!(contiguous_strides(&[5]), vec![1]);
        assert!(contiguous_strides(&[]).is_empty());
    }
}

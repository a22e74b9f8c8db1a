//! Symbolic pickle machine: follows the unpickler's stack, mark stack and memo without
//! importing or calling anything. Imports become symbols, calls become expression
//! nodes, and what the stream would import, call, build or smuggle is written into
//! [`Observations`]. Every structure is capped by [`Limits`]; past a soft cap values
//! degrade to opaque placeholders rather than growing.

use super::embedded;
use super::policy::{self, Verdict};
use super::reader::{Input, Op, StreamError, Text, TextKind};
use aispm_core::AnalysisContext;
use aispm_core::analyzer::TimeLimitReached;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Explicit caps on the work and memory one file may cost.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Opcodes per file, all streams together.
    pub max_ops: u64,
    pub max_stack: usize,
    pub max_marks: usize,
    pub max_memo: usize,
    /// Expression nodes per stream before strings and containers become opaque.
    pub max_nodes: usize,
    /// Bytes kept of one string or bytes payload.
    pub keep_text: usize,
    /// Bytes kept of all payloads of a file; past it only short prefixes are kept.
    pub text_budget: u64,
    /// Items kept per container.
    pub max_items: usize,
    /// Streams followed per file.
    pub max_streams: usize,
    /// Nesting of embedded pickles decoded and analysed.
    pub max_depth: u8,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_ops: 50_000_000,
            max_stack: 1_000_000,
            max_marks: 10_000,
            max_memo: 2_000_000,
            max_nodes: 1_000_000,
            keep_text: 64 * 1024,
            text_budget: 64 * 1024 * 1024,
            max_items: 4096,
            max_streams: 64,
            max_depth: 2,
        }
    }
}

/// One import seen in the file (deduplicated by module and name).
#[derive(Debug, Clone)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub verdict: Verdict,
    pub offset: u64,
    /// Called (REDUCE, INST, OBJ, NEWOBJ, `__setstate__`) rather than only referenced.
    pub called: bool,
    /// The call as an expression, `os.system('echo hi')`.
    pub evidence: Option<String>,
}

impl Import {
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.module, self.name)
    }
}

/// A place in the stream and what was seen there.
#[derive(Debug, Clone)]
pub struct Site {
    pub offset: u64,
    pub evidence: String,
}

/// What an embedded pickle holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NestedContent {
    /// Plain data only.
    Plain,
    /// Imports that are not on the allow-list.
    Unknown,
    /// Dangerous imports or unresolvable ones.
    Dangerous,
}

#[derive(Debug, Clone)]
pub struct Embedded {
    pub offset: u64,
    pub encoding: &'static str,
    pub content: NestedContent,
    pub evidence: String,
}

/// Everything the machine saw in one file.
#[derive(Debug, Default)]
pub struct Observations {
    pub imports: Vec<Import>,
    import_index: HashMap<(String, String), usize>,
    /// Imports whose module or name is computed at load time or unresolvable.
    pub dynamic: Vec<Site>,
    pub ext_codes: Vec<Site>,
    /// BUILD that installs `__setstate__` and friends, or sets attributes on an import.
    pub setstate: Vec<Site>,
    pub code_objects: Vec<Site>,
    pub embedded: Vec<Embedded>,
    /// Constructs the standard unpickler rejects.
    pub nonstandard: Vec<Site>,
    /// Sites found past [`MAX_SITES`] in each list above, counted and not kept.
    pub omitted: Omitted,
    /// Distinct nonstandard constructs past the cap (a few fixed descriptions), so
    /// that a repeated one is counted once, as it would have been listed once.
    nonstandard_omitted: std::collections::HashSet<String>,
    pub malformed: Option<Site>,
    pub trailing: Option<Site>,
    /// Complete streams read.
    pub streams: usize,
    pub limit: Option<String>,
    pub ops: u64,
    text_used: u64,
}

/// Sites kept per list of [`Observations`]; the ones past it are counted in
/// [`Observations::omitted`].
pub const MAX_SITES: usize = 64;

/// How many sites of each list of [`Observations`] were found past [`MAX_SITES`]:
/// counted, not kept, so that the findings can say how many more the file holds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Omitted {
    pub dynamic: usize,
    pub ext_codes: usize,
    pub setstate: usize,
    pub code_objects: usize,
    /// Embedded pickles recognised past the cap: counted, neither kept nor analysed.
    pub embedded: usize,
    pub nonstandard: usize,
}

impl Observations {
    /// Keeps a site in `list`, or counts it in `omitted` once the list is full.
    fn site(
        list: &mut Vec<Site>,
        omitted: &mut usize,
        offset: u64,
        evidence: String,
    ) -> Option<usize> {
        if list.len() >= MAX_SITES {
            *omitted += 1;
            return None;
        }
        list.push(Site { offset, evidence });
        Some(list.len() - 1)
    }

    fn nonstandard(&mut self, offset: u64, what: &str) {
        if self.nonstandard.iter().any(|s| s.evidence == what) {
            return;
        }
        if self.nonstandard.len() >= MAX_SITES {
            if self.nonstandard_omitted.insert(what.to_string()) {
                self.omitted.nonstandard += 1;
            }
            return;
        }
        Self::site(
            &mut self.nonstandard,
            &mut self.omitted.nonstandard,
            offset,
            what.to_string(),
        );
    }

    fn import(&mut self, module: &str, name: &str, offset: u64) -> usize {
        let module = policy::py3_module(module).to_string();
        let key = (module, name.to_string());
        if let Some(&i) = self.import_index.get(&key) {
            return i;
        }
        let verdict = policy::classify(&key.0, &key.1);
        self.imports.push(Import {
            module: key.0.clone(),
            name: key.1.clone(),
            verdict,
            offset,
            called: false,
            evidence: None,
        });
        let i = self.imports.len() - 1;
        self.import_index.insert(key, i);
        i
    }

    /// The most severe content of the imports seen, for embedded pickles.
    pub fn content(&self) -> NestedContent {
        let mut c = NestedContent::Plain;
        if !self.dynamic.is_empty() || !self.ext_codes.is_empty() {
            c = NestedContent::Dangerous;
        }
        for i in &self.imports {
            c = c.max(match i.verdict {
                Verdict::Allowed => NestedContent::Plain,
                Verdict::Unknown => NestedContent::Unknown,
                Verdict::Dangerous(_) | Verdict::ScannerTamper => NestedContent::Dangerous,
            });
        }
        for e in &self.embedded {
            c = c.max(e.content);
        }
        c
    }
}

/// How several streams in one file are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A pickle file: one stream expected; more are reported.
    Plain,
    /// PyTorch legacy: magic number, protocol, sys_info, model, storage keys, then raw
    /// storage bytes.
    TorchLegacy,
    /// A leading pickle followed by raw data (PyTorch tar `tensors`).
    LeadingOnly,
    /// PyTorch tar `storages`: a count, then per storage a header pickle
    /// `(key, location, storage_type)`, the element count and the raw elements.
    TorchStorages,
}

/// Reads every stream of the input into `obs`. Only a time limit interrupts it; every
/// other problem is an observation.
pub fn scan_streams(
    input: &mut Input<'_>,
    obs: &mut Observations,
    lim: &Limits,
    layout: Layout,
    depth: u8,
    cx: &AnalysisContext,
) -> Result<(), TimeLimitReached> {
    let mut index = 0usize;
    let mut storages_left = 0u64;
    while input.remaining() > 0 {
        if index > 0 {
            match layout {
                Layout::LeadingOnly => break,
                Layout::TorchLegacy if index >= 5 => break,
                _ => {}
            }
            if index >= lim.max_streams && layout != Layout::TorchStorages {
                obs.limit = Some(format!("more than {} pickle streams", lim.max_streams));
                break;
            }
        }
        let start = input.pos();
        let mut m = Machine::new(obs, lim, depth);
        let end = m.run(input, cx)?;
        let ops = m.stream_ops;
        let storage_elem = m.storage_element_size();
        let count = m.result_int();
        match end {
            End::Stop => {
                obs.streams += 1;
                if layout == Layout::TorchStorages {
                    if index == 0 {
                        storages_left = count.unwrap_or(0);
                    } else if !skip_storage(input, storage_elem) {
                        break;
                    }
                    if storages_left == 0 {
                        break;
                    }
                    storages_left -= 1;
                }
            }
            End::Limit(msg) => {
                obs.limit = Some(msg);
                break;
            }
            End::Error(e) => {
                let evidence = e.to_string();
                if index == 0 || layout == Layout::TorchLegacy {
                    obs.malformed = Some(Site {
                        offset: e.offset().unwrap_or(start),
                        evidence,
                    });
                } else {
                    let what = if ops <= 1 {
                        format!("{} bytes after the end of the pickle", input.end() - start)
                    } else {
                        format!("unparseable data after the end of the pickle: {evidence}")
                    };
                    obs.trailing = Some(Site {
                        offset: start,
                        evidence: what,
                    });
                }
                break;
            }
        }
        index += 1;
    }
    Ok(())
}

/// Skips the element count and elements that follow a storage header; false when the
/// storage cannot be followed (unknown type, truncated data).
fn skip_storage(input: &mut Input<'_>, elem: Option<u64>) -> bool {
    let Some(elem) = elem else { return false };
    let mut n = [0u8; 8];
    for b in &mut n {
        match input.u8() {
            Ok(x) => *b = x,
            Err(_) => return false,
        }
    }
    u64::from_le_bytes(n)
        .checked_mul(elem)
        .is_some_and(|bytes| input.skip(bytes).is_ok())
}

/// Element size of a legacy typed storage class (`torch.FloatStorage`).
fn storage_element_size(name: &str) -> Option<u64> {
    Some(match name {
        "DoubleStorage" | "LongStorage" | "ComplexFloatStorage" => 8,
        "FloatStorage" | "IntStorage" | "QInt32Storage" => 4,
        "HalfStorage" | "ShortStorage" | "BFloat16Storage" => 2,
        "ByteStorage" | "CharStorage" | "BoolStorage" | "QUInt8Storage" | "QInt8Storage"
        | "QUInt4x2Storage" | "QUInt2x4Storage" => 1,
        "ComplexDoubleStorage" => 16,
        _ => return None,
    })
}

/// Scans a pickle held in memory (an embedded one), with its own observations.
pub fn scan_bytes(
    bytes: &[u8],
    lim: &Limits,
    depth: u8,
    cx: &AnalysisContext,
) -> Result<Observations, TimeLimitReached> {
    let mut cur = std::io::Cursor::new(bytes);
    let mut input = Input::new(&mut cur, 0, bytes.len() as u64);
    let mut obs = Observations::default();
    scan_streams(&mut input, &mut obs, lim, Layout::Plain, depth, cx)?;
    Ok(obs)
}

enum End {
    Stop,
    Error(StreamError),
    Limit(String),
}

#[derive(Debug, Clone, Copy)]
enum V {
    None,
    Bool(bool),
    Int(i64),
    BigInt,
    Float(f64),
    Node(u32),
    Opaque,
}

#[derive(Debug)]
enum Node {
    Text(Text),
    Global(usize),
    Unresolved { what: String, site: Option<usize> },
    Call { func: V, args: V },
    Tuple(Vec<V>),
    List(Vec<V>),
    Dict(Vec<(V, V)>),
    Set(Vec<V>),
    PersId(V),
}

const DUNDER_STATE: &[&str] = &[
    "__setstate__",
    "__reduce__",
    "__reduce_ex__",
    "__getattr__",
    "__getattribute__",
    "__setattr__",
    "__class__",
    "__dict__",
    "__init__",
    "__new__",
    "__call__",
    "__getstate__",
    "__globals__",
    "__code__",
    "__builtins__",
    "__import__",
];

struct Machine<'o> {
    obs: &'o mut Observations,
    lim: &'o Limits,
    depth: u8,
    nodes: Vec<Node>,
    stack: Vec<V>,
    marks: Vec<usize>,
    memo: HashMap<u64, V>,
    memo_full: bool,
    /// Callables installed on an object with BUILD `{'__setstate__': f}`.
    setstate: HashMap<u32, V>,
    stream_ops: u64,
    /// Where the current FRAME ends. Frames are a read-ahead hint: CPython reads
    /// opcodes one after another whatever a frame declares (the C unpickler only checks
    /// that the declared bytes exist, the Python `_Unframer` reads from the frame
    /// buffer and then from the stream), so opcodes are read in sequence here too and a
    /// length that disagrees with the content is reported, never followed.
    frame_end: Option<u64>,
    /// What STOP returned.
    result: V,
}

impl<'o> Machine<'o> {
    fn new(obs: &'o mut Observations, lim: &'o Limits, depth: u8) -> Self {
        Machine {
            obs,
            lim,
            depth,
            nodes: Vec::new(),
            stack: Vec::new(),
            marks: Vec::new(),
            memo: HashMap::new(),
            memo_full: false,
            setstate: HashMap::new(),
            stream_ops: 0,
            frame_end: None,
            result: V::Opaque,
        }
    }

    fn result_int(&self) -> Option<u64> {
        match self.result {
            V::Int(i) => u64::try_from(i).ok(),
            _ => None,
        }
    }

    /// For a storage header `(key, location, torch.XStorage)`: the element size.
    fn storage_element_size(&self) -> Option<u64> {
        let items = self.tuple_items(self.result);
        let Some(Node::Global(g)) = self.node(*items.get(2)?) else {
            return None;
        };
        let imp = self.obs.imports.get(*g)?;
        if imp.module != "torch" {
            return None;
        }
        storage_element_size(&imp.name)
    }

    fn run(
        &mut self,
        input: &mut Input<'_>,
        cx: &AnalysisContext,
    ) -> Result<End, TimeLimitReached> {
        loop {
            self.obs.ops += 1;
            self.stream_ops += 1;
            if self.obs.ops.is_multiple_of(4096) {
                cx.check_time()?;
            }
            if self.obs.ops > self.lim.max_ops {
                return Ok(End::Limit(format!(
                    "more than {} pickle opcodes",
                    self.lim.max_ops
                )));
            }
            let keep = if self.obs.text_used < self.lim.text_budget {
                self.lim.keep_text
            } else {
                256
            };
            let (at, op) = match input.op(keep) {
                Ok(x) => x,
                Err(e) => return Ok(End::Error(e)),
            };
            if let Some(end) = self.frame_end {
                let after = input.pos();
                if after >= end {
                    if at < end && after > end {
                        self.obs
                            .nonstandard(at, "an opcode crosses the end of its FRAME");
                    }
                    self.frame_end = None;
                }
            }
            if self.stack.len() > self.lim.max_stack {
                return Ok(End::Limit(format!(
                    "pickle stack deeper than {}",
                    self.lim.max_stack
                )));
            }
            match op {
                Op::Stop => {
                    self.frame_end = None;
                    self.result = self.pop(at);
                    return Ok(End::Stop);
                }
                Op::Mark => {
                    if self.marks.len() >= self.lim.max_marks {
                        return Ok(End::Limit(format!(
                            "more than {} nested MARKs",
                            self.lim.max_marks
                        )));
                    }
                    self.marks.push(self.stack.len());
                }
                Op::Pop => {
                    if self.stack.len() > self.base() {
                        self.stack.pop();
                    } else if !self.marks.is_empty() {
                        self.pop_mark(at);
                    } else {
                        self.obs.nonstandard(at, "POP on an empty stack");
                    }
                }
                Op::PopMark => {
                    self.pop_mark(at);
                }
                Op::Dup => {
                    let v = self.top(at);
                    self.stack.push(v);
                }
                Op::Int(i) => self.stack.push(V::Int(i)),
                Op::BigInt => self.stack.push(V::BigInt),
                Op::Float(f) => self.stack.push(V::Float(f)),
                Op::Bool(b) => self.stack.push(V::Bool(b)),
                Op::None => self.stack.push(V::None),
                Op::Text(t) => {
                    self.obs.text_used += t.data.len() as u64;
                    if self.depth < self.lim.max_depth {
                        self.check_embedded(at, &t, cx)?;
                    }
                    let v = self.alloc(Node::Text(t), false);
                    self.stack.push(v);
                }
                Op::Global { module, name, inst } => {
                    let g = self.import(&module, &name, at);
                    if inst {
                        let args = self.pop_mark(at);
                        let args = self.alloc(Node::Tuple(args), true);
                        let v = self.call(g, args, at);
                        self.stack.push(v);
                    } else {
                        self.stack.push(g);
                    }
                }
                Op::PersId(t) => {
                    let pid = self.alloc(Node::Text(t), false);
                    let v = self.alloc(Node::PersId(pid), false);
                    self.stack.push(v);
                }
                Op::BinPersId => {
                    let pid = self.pop(at);
                    let v = self.alloc(Node::PersId(pid), false);
                    self.stack.push(v);
                }
                Op::Reduce => {
                    let args = self.pop(at);
                    let func = self.pop(at);
                    let v = self.call(func, args, at);
                    self.stack.push(v);
                }
                Op::Build => {
                    let state = self.pop(at);
                    let obj = self.top(at);
                    if let Some(end) = self.build(obj, state, at, input, cx)? {
                        return Ok(end);
                    }
                }
                Op::Append => {
                    let v = self.pop(at);
                    let list = self.top(at);
                    self.extend(list, vec![v]);
                }
                Op::Appends | Op::AddItems => {
                    let items = self.pop_mark(at);
                    let list = self.top(at);
                    self.extend(list, items);
                }
                Op::Dict => {
                    let items = self.pop_mark(at);
                    let pairs = pairs(items);
                    let v = self.alloc(Node::Dict(pairs), false);
                    self.stack.push(v);
                }
                Op::EmptyDict => {
                    let v = self.alloc(Node::Dict(Vec::new()), false);
                    self.stack.push(v);
                }
                Op::List => {
                    let items = self.pop_mark(at);
                    let v = self.alloc(Node::List(items), false);
                    self.stack.push(v);
                }
                Op::EmptyList => {
                    let v = self.alloc(Node::List(Vec::new()), false);
                    self.stack.push(v);
                }
                Op::Tuple => {
                    let items = self.pop_mark(at);
                    let v = self.alloc(Node::Tuple(items), true);
                    self.stack.push(v);
                }
                Op::EmptyTuple => {
                    let v = self.alloc(Node::Tuple(Vec::new()), true);
                    self.stack.push(v);
                }
                Op::TupleN(n) => {
                    let mut items: Vec<V> = (0..n).map(|_| self.pop(at)).collect();
                    items.reverse();
                    let v = self.alloc(Node::Tuple(items), true);
                    self.stack.push(v);
                }
                Op::SetItem => {
                    let val = self.pop(at);
                    let key = self.pop(at);
                    let d = self.top(at);
                    self.set_items(d, vec![(key, val)]);
                }
                Op::SetItems => {
                    let items = self.pop_mark(at);
                    let d = self.top(at);
                    self.set_items(d, pairs(items));
                }
                Op::Obj => {
                    let mut items = self.pop_mark(at);
                    if items.is_empty() {
                        self.obs.nonstandard(at, "OBJ without a class");
                        self.stack.push(V::Opaque);
                    } else {
                        let cls = items.remove(0);
                        let args = self.alloc(Node::Tuple(items), true);
                        let v = self.call(cls, args, at);
                        self.stack.push(v);
                    }
                }
                Op::NewObj => {
                    let args = self.pop(at);
                    let cls = self.pop(at);
                    let v = self.call(cls, args, at);
                    self.stack.push(v);
                }
                Op::NewObjEx => {
                    let kwargs = self.pop(at);
                    let args = self.pop(at);
                    let cls = self.pop(at);
                    let mut items = self.tuple_items(args);
                    if !matches!(self.node(kwargs), Some(Node::Dict(d)) if d.is_empty()) {
                        items.push(kwargs);
                    }
                    let args = self.alloc(Node::Tuple(items), true);
                    let v = self.call(cls, args, at);
                    self.stack.push(v);
                }
                Op::EmptySet => {
                    let v = self.alloc(Node::Set(Vec::new()), false);
                    self.stack.push(v);
                }
                Op::FrozenSet => {
                    let items = self.pop_mark(at);
                    let v = self.alloc(Node::Set(items), false);
                    self.stack.push(v);
                }
                Op::StackGlobal => {
                    let name = self.pop(at);
                    let module = self.pop(at);
                    let v = self.stack_global(module, name, at);
                    self.stack.push(v);
                }
                Op::Memoize => {
                    let v = self.top(at);
                    let idx = self.memo.len() as u64;
                    self.put(idx, v);
                }
                Op::Put(i) => {
                    let v = self.top(at);
                    self.put(i, v);
                }
                Op::Get(i) => {
                    let v = match self.memo.get(&i) {
                        Some(&v) => v,
                        None if self.memo_full => V::Opaque,
                        None => {
                            self.obs
                                .nonstandard(at, "memo lookup of a key that was never stored");
                            self.alloc(
                                Node::Unresolved {
                                    what: format!("<memo[{i}] unset>"),
                                    site: None,
                                },
                                true,
                            )
                        }
                    };
                    self.stack.push(v);
                }
                Op::Ext(code) => {
                    let what = format!("<extension code {code}>");
                    Observations::site(
                        &mut self.obs.ext_codes,
                        &mut self.obs.omitted.ext_codes,
                        at,
                        what.clone(),
                    );
                    let v = self.alloc(Node::Unresolved { what, site: None }, true);
                    self.stack.push(v);
                }
                Op::Proto(p) => {
                    if p > 5 {
                        self.obs
                            .nonstandard(at, &format!("unsupported pickle protocol {p}"));
                    }
                    if self.stream_ops > 1 {
                        self.obs.nonstandard(at, "PROTO in the middle of a stream");
                    }
                }
                Op::Frame(len) => {
                    if self.frame_end.is_some() {
                        self.obs
                            .nonstandard(at, "FRAME before the end of the current frame");
                    }
                    if len > input.remaining() {
                        self.obs
                            .nonstandard(at, "FRAME declares more bytes than the stream holds");
                    }
                    self.frame_end = (len > 0).then(|| input.pos().saturating_add(len));
                }
                Op::NextBuffer => {
                    self.obs
                        .nonstandard(at, "out-of-band buffer (NEXT_BUFFER) in a file");
                    self.stack.push(V::Opaque);
                }
                Op::ReadonlyBuffer => {}
            }
        }
    }

    fn base(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn pop(&mut self, at: u64) -> V {
        if self.stack.len() > self.base() {
            self.stack.pop().unwrap_or(V::Opaque)
        } else {
            self.obs.nonstandard(at, "stack underflow");
            V::Opaque
        }
    }

    fn top(&mut self, at: u64) -> V {
        if self.stack.len() > self.base() {
            self.stack.last().copied().unwrap_or(V::Opaque)
        } else {
            self.obs.nonstandard(at, "stack underflow");
            V::Opaque
        }
    }

    fn pop_mark(&mut self, at: u64) -> Vec<V> {
        match self.marks.pop() {
            Some(b) => {
                let b = b.min(self.stack.len());
                let mut items = self.stack.split_off(b);
                items.truncate(self.lim.max_items);
                items
            }
            None => {
                self.obs.nonstandard(at, "MARK expected but missing");
                Vec::new()
            }
        }
    }

    fn put(&mut self, idx: u64, v: V) {
        if self.memo.len() >= self.lim.max_memo && !self.memo.contains_key(&idx) {
            if !self.memo_full {
                self.memo_full = true;
                self.obs.limit = Some(format!("memo larger than {} entries", self.lim.max_memo));
            }
            return;
        }
        self.memo.insert(idx, v);
    }

    /// Allocates a node; past the soft cap only `essential` nodes (imports, calls,
    /// tuples of arguments) are still kept, at most twice the cap.
    fn alloc(&mut self, n: Node, essential: bool) -> V {
        let cap = if essential {
            self.lim.max_nodes * 2
        } else {
            self.lim.max_nodes
        };
        if self.nodes.len() >= cap {
            return V::Opaque;
        }
        self.nodes.push(n);
        V::Node((self.nodes.len() - 1) as u32)
    }

    fn node(&self, v: V) -> Option<&Node> {
        match v {
            V::Node(i) => self.nodes.get(i as usize),
            _ => None,
        }
    }

    fn import(&mut self, module: &str, name: &str, at: u64) -> V {
        let i = self.obs.import(module, name, at);
        self.alloc(Node::Global(i), true)
    }

    fn text_of(&self, v: V) -> Option<String> {
        match self.node(v)? {
            Node::Text(t) if t.complete() && t.kind != TextKind::ByteArray => {
                Some(String::from_utf8_lossy(&t.data).into_owned())
            }
            _ => None,
        }
    }

    /// A string argument that can be computed without running anything: a literal, or
    /// a concatenation of literals through `operator.add`.
    fn fold_text(&self, v: V, depth: u8) -> Option<String> {
        if let Some(s) = self.text_of(v) {
            return Some(s);
        }
        if depth > 4 {
            return None;
        }
        if let Some(Node::Call { func, args }) = self.node(v) {
            let Some(Node::Global(g)) = self.node(*func) else {
                return None;
            };
            let imp = self.obs.imports.get(*g)?;
            if !policy::is_string_concat(&imp.module, &imp.name) {
                return None;
            }
            let items = self.tuple_items(*args);
            if items.len() != 2 {
                return None;
            }
            let a = self.fold_text(items[0], depth + 1)?;
            let b = self.fold_text(items[1], depth + 1)?;
            return Some(a + &b);
        }
        None
    }

    fn stack_global(&mut self, module: V, name: V, at: u64) -> V {
        if let (Some(m), Some(n)) = (self.text_of(module), self.text_of(name)) {
            return self.import(&m, &n, at);
        }
        let evidence = format!(
            "STACK_GLOBAL({}, {})",
            self.render(module),
            self.render(name)
        );
        let folded = match (self.fold_text(module, 0), self.fold_text(name, 0)) {
            (Some(m), Some(n)) => Some((m, n)),
            _ => None,
        };
        let evidence = match &folded {
            Some((m, n)) => format!("{evidence} -> {m}.{n}"),
            None => evidence,
        };
        let site = Observations::site(
            &mut self.obs.dynamic,
            &mut self.obs.omitted.dynamic,
            at,
            evidence.clone(),
        );
        if let Some((m, n)) = folded {
            // The name is known after all: judge it like any other import too.
            return self.import(&m, &n, at);
        }
        self.alloc(
            Node::Unresolved {
                what: evidence,
                site,
            },
            true,
        )
    }

    fn tuple_items(&self, v: V) -> Vec<V> {
        match self.node(v) {
            Some(Node::Tuple(items)) | Some(Node::List(items)) => items.clone(),
            _ => Vec::new(),
        }
    }

    /// The import at the head of a callable expression: `os.system` for `os.system`,
    /// `builtins.getattr` for `builtins.getattr(x, 'y')`.
    fn head_import(&self, v: V, depth: u8) -> Option<usize> {
        match self.node(v)? {
            Node::Global(g) => Some(*g),
            Node::Call { func, .. } if depth < 16 => self.head_import(*func, depth + 1),
            _ => None,
        }
    }

    fn call(&mut self, func: V, args: V, at: u64) -> V {
        let evidence = self.render_call(func, args);
        if let Some(g) = self.head_import(func, 0) {
            let direct = matches!(self.node(func), Some(Node::Global(_)));
            if let Some(imp) = self.obs.imports.get_mut(g) {
                imp.called = true;
                let longer = imp
                    .evidence
                    .as_ref()
                    .is_none_or(|e| !direct && e.len() < evidence.len());
                if longer {
                    imp.evidence = Some(evidence.clone());
                }
                if direct && policy::builds_code(&imp.module, &imp.name) {
                    Observations::site(
                        &mut self.obs.code_objects,
                        &mut self.obs.omitted.code_objects,
                        at,
                        evidence.clone(),
                    );
                }
            }
        } else if let Some(Node::Unresolved { site: Some(s), .. }) = self.node(func) {
            let s = *s;
            if let Some(site) = self.obs.dynamic.get_mut(s) {
                site.evidence = evidence;
            }
        }
        self.alloc(Node::Call { func, args }, true)
    }

    fn extend(&mut self, target: V, items: Vec<V>) {
        let max = self.lim.max_items;
        if let V::Node(i) = target
            && let Some(Node::List(l) | Node::Set(l)) = self.nodes.get_mut(i as usize)
        {
            let room = max.saturating_sub(l.len());
            l.extend(items.into_iter().take(room));
        }
    }

    fn set_items(&mut self, target: V, items: Vec<(V, V)>) {
        let max = self.lim.max_items;
        if let V::Node(i) = target
            && let Some(Node::Dict(d)) = self.nodes.get_mut(i as usize)
        {
            let room = max.saturating_sub(d.len());
            d.extend(items.into_iter().take(room));
        }
    }

    fn dict_pairs(&self, v: V) -> Vec<(V, V)> {
        match self.node(v) {
            Some(Node::Dict(d)) => d.clone(),
            Some(Node::Tuple(items)) => items
                .iter()
                .flat_map(|&i| match self.node(i) {
                    Some(Node::Dict(d)) => d.clone(),
                    _ => Vec::new(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn build(
        &mut self,
        obj: V,
        state: V,
        at: u64,
        input: &mut Input<'_>,
        cx: &AnalysisContext,
    ) -> Result<Option<End>, TimeLimitReached> {
        if let Some(Node::Global(g)) = self.node(obj) {
            let name = self
                .obs
                .imports
                .get(*g)
                .map(Import::qualified)
                .unwrap_or_default();
            let ev = format!("BUILD sets attributes on {name}: {}", self.render(state));
            Observations::site(
                &mut self.obs.setstate,
                &mut self.obs.omitted.setstate,
                at,
                ev,
            );
            return Ok(None);
        }
        // An object whose `__setstate__` was installed earlier: this BUILD calls it.
        if let V::Node(id) = obj
            && let Some(&f) = self.setstate.get(&id)
        {
            let args = self.alloc(Node::Tuple(vec![state]), true);
            self.call(f, args, at);
            return Ok(None);
        }
        for (k, val) in self.dict_pairs(state) {
            let Some(key) = self.text_of(k) else { continue };
            if DUNDER_STATE.contains(&key.as_str()) {
                let ev = format!("BUILD {}.{key} = {}", self.render(obj), self.render(val));
                Observations::site(
                    &mut self.obs.setstate,
                    &mut self.obs.omitted.setstate,
                    at,
                    ev,
                );
                if key == "__setstate__"
                    && let V::Node(id) = obj
                {
                    self.setstate.insert(id, val);
                }
            }
        }
        if let Some(array) = self.joblib_array(obj, state) {
            return self.skip_joblib_array(array, at, input, cx);
        }
        Ok(None)
    }

    /// joblib writes the bytes of an array right after the BUILD of its
    /// `NumpyArrayWrapper`, inside the pickle stream.
    fn joblib_array(&self, obj: V, state: V) -> Option<JoblibArray> {
        let Some(Node::Call { func, .. }) = self.node(obj) else {
            return None;
        };
        let Some(Node::Global(g)) = self.node(*func) else {
            return None;
        };
        let imp = self.obs.imports.get(*g)?;
        if imp.module != "joblib.numpy_pickle" || imp.name != "NumpyArrayWrapper" {
            return None;
        }
        let mut shape = None;
        let mut dtype = None;
        let mut padded = false;
        for (k, v) in self.dict_pairs(state) {
            match self.text_of(k).as_deref() {
                Some("shape") => {
                    let dims: Option<Vec<u64>> = self
                        .tuple_items(v)
                        .iter()
                        .map(|d| match d {
                            V::Int(i) => u64::try_from(*i).ok(),
                            _ => None,
                        })
                        .collect();
                    shape = dims;
                }
                Some("dtype") => dtype = Some(v),
                Some("numpy_array_alignment_bytes") => padded = true,
                _ => {}
            }
        }
        let itemsize = dtype.and_then(|d| self.dtype_itemsize(d));
        Some(JoblibArray {
            padded,
            size: match (shape, itemsize) {
                (Some(s), Some(Itemsize::Bytes(n))) => s
                    .iter()
                    .try_fold(n, |acc, &d| acc.checked_mul(d))
                    .map(ArraySize::Bytes)
                    .unwrap_or(ArraySize::Unknown),
                (_, Some(Itemsize::Object)) => ArraySize::Pickled,
                _ => ArraySize::Unknown,
            },
        })
    }

    /// Item size of a `numpy.dtype('f4', ...)` expression.
    fn dtype_itemsize(&self, d: V) -> Option<Itemsize> {
        let Some(Node::Call { args, .. }) = self.node(d) else {
            return None;
        };
        let first = *self.tuple_items(*args).first()?;
        let descr = self.text_of(first)?;
        let descr = descr.trim_start_matches(['<', '>', '|', '=']);
        let letters: String = descr
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let digits: String = descr[letters.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if letters == "O" {
            return Some(Itemsize::Object);
        }
        let n: u64 = digits.parse().ok()?;
        let size = match letters.as_str() {
            "U" => n.checked_mul(4)?,
            "f" | "i" | "u" | "b" | "c" | "S" | "a" | "V" | "M" | "m" => n,
            _ => return None,
        };
        Some(Itemsize::Bytes(size))
    }

    fn skip_joblib_array(
        &mut self,
        array: JoblibArray,
        at: u64,
        input: &mut Input<'_>,
        cx: &AnalysisContext,
    ) -> Result<Option<End>, TimeLimitReached> {
        if array.padded {
            let pad = match input.u8() {
                Ok(p) => p,
                Err(e) => return Ok(Some(End::Error(e))),
            };
            if let Err(e) = input.skip(u64::from(pad)) {
                return Ok(Some(End::Error(e)));
            }
        }
        match array.size {
            ArraySize::Bytes(n) => {
                if let Err(e) = input.skip(n) {
                    return Ok(Some(End::Error(e)));
                }
            }
            ArraySize::Pickled => {
                // An object array is a whole pickle of its own, loaded in place.
                let mut m = Machine::new(self.obs, self.lim, self.depth);
                match m.run(input, cx)? {
                    End::Stop => {}
                    other => return Ok(Some(other)),
                }
            }
            ArraySize::Unknown => {
                return Ok(Some(End::Error(StreamError::BadArgument {
                    offset: at,
                    what: "joblib array of unknown size",
                })));
            }
        }
        Ok(None)
    }

    fn check_embedded(
        &mut self,
        at: u64,
        t: &Text,
        cx: &AnalysisContext,
    ) -> Result<(), TimeLimitReached> {
        let Some((encoding, bytes)) = embedded::decode_pickle(&t.data) else {
            return Ok(());
        };
        if self.obs.embedded.len() >= MAX_SITES {
            // Recognised (decoding costs what it cost for the ones kept), not analysed.
            self.obs.omitted.embedded += 1;
            return Ok(());
        }
        let nested = scan_bytes(&bytes, self.lim, self.depth + 1, cx)?;
        self.obs.ops += nested.ops;
        let content = nested.content();
        let mut names: Vec<String> = nested
            .imports
            .iter()
            .filter(|i| i.verdict != Verdict::Allowed)
            .map(|i| i.evidence.clone().unwrap_or_else(|| i.qualified()))
            .collect();
        names.extend(nested.dynamic.iter().map(|s| s.evidence.clone()));
        names.truncate(4);
        let evidence = if names.is_empty() {
            format!("{encoding} pickle of {} bytes (plain data)", bytes.len())
        } else {
            format!("{encoding} pickle: {}", truncate(&names.join(", "), 200))
        };
        self.obs.embedded.push(Embedded {
            offset: at,
            encoding,
            content,
            evidence,
        });
        Ok(())
    }

    fn render(&self, v: V) -> String {
        let mut s = String::new();
        self.render_into(v, 0, &mut s);
        truncate(&s, 240)
    }

    fn render_call(&self, func: V, args: V) -> String {
        let mut s = String::new();
        self.render_into(func, 0, &mut s);
        s.push('(');
        match self.node(args) {
            Some(Node::Tuple(items)) => self.render_items(items, 0, &mut s),
            _ => {
                s.push('*');
                self.render_into(args, 0, &mut s);
            }
        }
        s.push(')');
        truncate(&s, 240)
    }

    fn render_items(&self, items: &[V], depth: u8, s: &mut String) {
        for (i, &item) in items.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            if i >= 6 || s.len() > 300 {
                s.push('…');
                break;
            }
            self.render_into(item, depth + 1, s);
        }
    }

    fn render_into(&self, v: V, depth: u8, s: &mut String) {
        if s.len() > 300 {
            return;
        }
        match v {
            V::None => s.push_str("None"),
            V::Bool(b) => s.push_str(if b { "True" } else { "False" }),
            V::Int(i) => {
                let _ = write!(s, "{i}");
            }
            V::BigInt => s.push_str("<int>"),
            V::Float(f) => {
                let _ = write!(s, "{f}");
            }
            V::Opaque => s.push('…'),
            V::Node(_) if depth > 5 => s.push('…'),
            V::Node(_) => match self.node(v) {
                None => s.push('…'),
                Some(Node::Text(t)) => {
                    if matches!(t.kind, TextKind::Bytes | TextKind::ByteArray) {
                        s.push('b');
                    }
                    s.push('\'');
                    for ch in String::from_utf8_lossy(&t.data).chars().take(60) {
                        match ch {
                            '\'' => s.push_str("\\'"),
                            '\\' => s.push_str("\\\\"),
                            c if c.is_control() => {
                                let _ = write!(s, "\\x{:02x}", u32::from(c) & 0xff);
                            }
                            c => s.push(c),
                        }
                    }
                    if t.len > 60 || !t.complete() {
                        s.push('…');
                    }
                    s.push('\'');
                }
                Some(Node::Global(g)) => match self.obs.imports.get(*g) {
                    Some(i) => s.push_str(&i.qualified()),
                    None => s.push('…'),
                },
                Some(Node::Unresolved { what, .. }) => s.push_str(what),
                Some(Node::Call { func, args }) => {
                    self.render_into(*func, depth + 1, s);
                    s.push('(');
                    match self.node(*args) {
                        Some(Node::Tuple(items)) => self.render_items(items, depth, s),
                        _ => self.render_into(*args, depth + 1, s),
                    }
                    s.push(')');
                }
                Some(Node::Tuple(items)) => {
                    s.push('(');
                    self.render_items(items, depth, s);
                    if items.len() == 1 {
                        s.push(',');
                    }
                    s.push(')');
                }
                Some(Node::List(items)) => {
                    s.push('[');
                    self.render_items(items, depth, s);
                    s.push(']');
                }
                Some(Node::Set(items)) => {
                    s.push('{');
                    self.render_items(items, depth, s);
                    s.push('}');
                }
                Some(Node::Dict(pairs)) => {
                    s.push('{');
                    for (i, (k, val)) in pairs.iter().enumerate() {
                        if i > 0 {
                            s.push_str(", ");
                        }
                        if i >= 4 {
                            s.push('…');
                            break;
                        }
                        self.render_into(*k, depth + 1, s);
                        s.push_str(": ");
                        self.render_into(*val, depth + 1, s);
                    }
                    s.push('}');
                }
                Some(Node::PersId(pid)) => {
                    s.push_str("persistent_load(");
                    self.render_into(*pid, depth + 1, s);
                    s.push(')');
                }
            },
        }
    }
}

struct JoblibArray {
    padded: bool,
    size: ArraySize,
}

enum ArraySize {
    Bytes(u64),
    Pickled,
    Unknown,
}

enum Itemsize {
    Bytes(u64),
    Object,
}

fn pairs(items: Vec<V>) -> Vec<(V, V)> {
    items.chunks_exact(2).map(|c| (c[0], c[1])).collect()
}

/// Cuts `s` to at most `max` characters, marking the cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aispm_fixtures::pickle::{PickleWriter, malicious_os_system_pickle, plain_data_pickle};

    fn cx() -> AnalysisContext {
        AnalysisContext::new(None, 0)
    }

    fn scan(bytes: &[u8]) -> Observations {
        scan_with(bytes, &Limits::default(), Layout::Plain)
    }

    fn scan_with(bytes: &[u8], lim: &Limits, layout: Layout) -> Observations {
        let mut cur = std::io::Cursor::new(bytes);
        let mut input = Input::new(&mut cur, 0, bytes.len() as u64);
        let mut obs = Observations::default();
        scan_streams(&mut input, &mut obs, lim, layout, 0, &cx()).unwrap();
        obs
    }

    fn called(obs: &Observations, q: &str) -> Option<String> {
        obs.imports
            .iter()
            .find(|i| i.qualified() == q && i.called)
            .map(|i| i.evidence.clone().unwrap_or_default())
    }

    #[test]
    fn reduce_call_with_evidence() {
        let obs = scan(&malicious_os_system_pickle("echo aispm-demo"));
        assert_eq!(
            called(&obs, "os.system").as_deref(),
            Some("os.system('echo aispm-demo')")
        );
        assert_eq!(obs.streams, 1);
        assert!(obs.malformed.is_none() && obs.trailing.is_none());
    }

    #[test]
    fn memo_indirection_and_overwrite() {
        let mut p = PickleWriter::new(2);
        p.global("collections", "OrderedDict");
        p.raw(b"q\x00"); // BINPUT 0
        p.global("os", "system");
        p.raw(b"q\x00"); // overwrite slot 0
        p.raw(b"0"); // POP
        p.raw(b"0");
        p.binget(0);
        p.unicode("id").tuple_n(1).reduce();
        let obs = scan(&p.finish());
        assert!(called(&obs, "os.system").is_some());
        assert!(called(&obs, "collections.OrderedDict").is_none());
    }

    #[test]
    fn stack_global_from_memoized_strings() {
        let mut p = PickleWriter::new(4);
        p.empty_dict();
        p.memoize();
        p.unicode("subprocess");
        let m = p.memoize();
        p.unicode("Popen");
        let n = p.memoize();
        p.setitem();
        p.binget(m).binget(n).stack_global();
        p.unicode("id").tuple_n(1).reduce();
        let obs = scan(&p.finish());
        assert!(called(&obs, "subprocess.Popen").is_some());
        assert!(obs.dynamic.is_empty());
    }

    #[test]
    fn name_built_at_load_time_is_dynamic_and_folded() {
        let mut p = PickleWriter::new(4);
        p.unicode("os");
        p.unicode("_operator").unicode("add").stack_global();
        p.mark().unicode("sys").unicode("tem").tuple().reduce();
        p.stack_global();
        p.unicode("id").tuple_n(1).reduce();
        let obs = scan(&p.finish());
        assert_eq!(obs.dynamic.len(), 1);
        assert!(obs.dynamic[0].evidence.contains("-> os.system"));
        assert!(called(&obs, "os.system").is_some());
    }

    #[test]
    fn unresolvable_stack_global_operand() {
        let mut p = PickleWriter::new(4);
        p.unicode("os").int(5).stack_global();
        p.empty_tuple().reduce();
        let obs = scan(&p.finish());
        assert_eq!(obs.dynamic.len(), 1);
        assert!(
            obs.dynamic[0]
                .evidence
                .starts_with("STACK_GLOBAL('os', 5)(")
        );
    }

    #[test]
    fn inst_obj_newobj_ex_and_getattr_chain() {
        // INST
        let obs = scan(b"(S'id'\nios\nsystem\n.");
        assert_eq!(
            called(&obs, "os.system").as_deref(),
            Some("os.system('id')")
        );
        // OBJ
        let obs = scan(b"(csubprocess\nPopen\nS'id'\no.");
        assert!(called(&obs, "subprocess.Popen").is_some());
        // NEWOBJ_EX
        let mut p = PickleWriter::new(4);
        p.global_ref("pty", "spawn");
        p.unicode("sh").tuple_n(1).empty_dict().op(0x92);
        assert!(called(&scan(&p.finish()), "pty.spawn").is_some());
        // getattr(__import__('os'), 'system')('id')
        let mut p = PickleWriter::new(2);
        p.global("builtins", "getattr");
        p.global("builtins", "__import__");
        p.unicode("os").tuple_n(1).reduce();
        p.unicode("system").tuple_n(2).reduce();
        p.unicode("id").tuple_n(1).reduce();
        let obs = scan(&p.finish());
        assert_eq!(
            called(&obs, "builtins.getattr").as_deref(),
            Some("builtins.getattr(builtins.__import__('os'), 'system')('id')")
        );
    }

    #[test]
    fn setstate_installed_then_called() {
        let mut p = PickleWriter::new(4);
        p.global_ref("types", "SimpleNamespace");
        p.empty_tuple().newobj();
        p.empty_dict().unicode("__setstate__");
        p.global_ref("os", "system");
        p.setitem().build();
        p.unicode("id").build();
        let obs = scan(&p.finish());
        assert_eq!(obs.setstate.len(), 1);
        assert_eq!(
            called(&obs, "os.system").as_deref(),
            Some("os.system('id')")
        );
    }

    #[test]
    fn truncated_stream_keeps_imports() {
        let full = malicious_os_system_pickle("id");
        let obs = scan(&full[..full.len() - 3]);
        assert!(called(&obs, "os.system").is_some());
        assert!(obs.malformed.is_some());
        let obs = scan(b"\x80\x02cbuiltins\nexec\n\xff\xfe");
        assert!(obs.imports.iter().any(|i| i.qualified() == "builtins.exec"));
        assert!(obs.malformed.is_some());
    }

    #[test]
    fn several_streams_and_trailing_data() {
        let mut two = plain_data_pickle();
        two.extend(malicious_os_system_pickle("id"));
        let obs = scan(&two);
        assert_eq!(obs.streams, 2);
        assert!(called(&obs, "os.system").is_some());
        let mut tail = plain_data_pickle();
        tail.extend_from_slice(b"\x00garbage");
        let obs = scan(&tail);
        assert_eq!(obs.streams, 1);
        assert!(obs.trailing.is_some());
    }

    #[test]
    fn ext_codes_and_nonstandard() {
        let obs = scan(b"\x80\x02\x82\x2a)R.");
        assert_eq!(obs.ext_codes.len(), 1);
        let obs = scan(b"\x80\x02h\x07.");
        assert!(!obs.nonstandard.is_empty());
        let obs = scan(b"\x80\x09N.");
        assert!(
            obs.nonstandard
                .iter()
                .any(|s| s.evidence.contains("protocol 9"))
        );
        let obs = scan(b"\x80\x02R.");
        assert!(
            obs.nonstandard
                .iter()
                .any(|s| s.evidence == "stack underflow")
        );
    }

    #[test]
    fn joblib_array_bytes_are_skipped() {
        let mut p = PickleWriter::new(4);
        p.global_ref("joblib.numpy_pickle", "NumpyArrayWrapper");
        p.empty_tuple().newobj();
        p.empty_dict().mark();
        p.unicode("shape").int(2).tuple_n(1);
        p.unicode("dtype");
        p.global_ref("numpy", "dtype");
        p.unicode("f4").bool(false).bool(true).tuple_n(3).reduce();
        p.unicode("numpy_array_alignment_bytes").int(16);
        p.setitems().build();
        // padding length, padding, then 2 float32 that would read as opcodes.
        p.raw(&[3, 0xff, 0xff, 0xff])
            .raw(&[0xde, 0xad, 0xbe, 0xef, b'c', 0, 0, 0]);
        let obs = scan(&p.finish());
        assert!(obs.malformed.is_none(), "{:?}", obs.malformed);
        assert!(obs.trailing.is_none());
        assert_eq!(obs.streams, 1);
    }

    #[test]
    fn torch_legacy_storage_bytes_are_not_trailing_data() {
        let mut f = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.".to_vec();
        for _ in 0..3 {
            f.extend(plain_data_pickle());
        }
        f.extend(b"\x80\x02]q\x00X\x01\x00\x00\x000a.");
        f.extend(4u64.to_le_bytes());
        f.extend([0x63u8; 16]);
        let obs = scan_with(&f, &Limits::default(), Layout::TorchLegacy);
        assert_eq!(obs.streams, 5);
        assert!(obs.trailing.is_none() && obs.malformed.is_none());
    }

    #[test]
    fn torch_tar_storage_headers_are_all_read() {
        let header = |key: &str, module: &str, name: &str| {
            let mut p = PickleWriter::new(2);
            p.unicode(key).unicode("cpu");
            p.global(module, name);
            p.tuple_n(3);
            p.finish()
        };
        let mut f = b"\x80\x02K\x02.".to_vec();
        f.extend(header("0", "torch", "FloatStorage"));
        f.extend(2u64.to_le_bytes());
        f.extend([b'c'; 8]);
        f.extend(header("1", "os", "system"));
        let obs = scan_with(&f, &Limits::default(), Layout::TorchStorages);
        assert!(obs.imports.iter().any(|i| i.qualified() == "os.system"));
        assert!(obs.malformed.is_none() && obs.trailing.is_none());
    }

    #[test]
    fn embedded_pickles_are_analysed() {
        let inner = malicious_os_system_pickle("id");
        let mut p = PickleWriter::new(4);
        p.empty_dict().unicode("blob").bytes(&inner).setitem();
        let obs = scan(&p.finish());
        assert_eq!(obs.embedded.len(), 1);
        assert_eq!(obs.embedded[0].content, NestedContent::Dangerous);
        // The outer file imports nothing itself.
        assert!(obs.imports.is_empty());
    }

    /// Sites past [`MAX_SITES`] are counted per list, not dropped unsaid.
    #[test]
    fn sites_past_the_cap_are_counted() {
        let mut p = b"\x80\x02".to_vec();
        for i in 0..100u8 {
            p.extend_from_slice(&[0x82, i]); // EXT1
        }
        p.push(b'.');
        let obs = scan(&p);
        assert_eq!(obs.ext_codes.len(), MAX_SITES);
        assert_eq!(obs.omitted.ext_codes, 100 - MAX_SITES);

        let inner = malicious_os_system_pickle("id");
        let mut p = PickleWriter::new(4);
        p.empty_list().mark();
        for _ in 0..70 {
            p.bytes(&inner);
        }
        p.appends();
        let obs = scan(&p.finish());
        assert_eq!(obs.embedded.len(), MAX_SITES);
        assert_eq!(obs.omitted.embedded, 70 - MAX_SITES);
        assert_eq!(
            obs.omitted,
            Omitted {
                embedded: 70 - MAX_SITES,
                ..Omitted::default()
            }
        );
    }

    #[test]
    fn limits_stop_the_stream_and_are_reported() {
        let lim = Limits {
            max_marks: 10,
            ..Limits::default()
        };
        let obs = scan_with(&[b'('; 20], &lim, Layout::Plain);
        assert!(obs.limit.as_deref().unwrap_or("").contains("MARK"));
        let lim = Limits {
            max_stack: 100,
            ..Limits::default()
        };
        let obs = scan_with(&[b'N'; 200], &lim, Layout::Plain);
        assert!(obs.limit.as_deref().unwrap_or("").contains("stack"));
        let lim = Limits {
            max_ops: 50,
            ..Limits::default()
        };
        let obs = scan_with(&[b'N'; 200], &lim, Layout::Plain);
        assert!(obs.limit.as_deref().unwrap_or("").contains("opcodes"));
        let lim = Limits {
            max_memo: 5,
            ..Limits::default()
        };
        let mut p = PickleWriter::new(4);
        for _ in 0..10 {
            p.none();
            p.memoize();
        }
        let obs = scan_with(&p.finish(), &lim, Layout::Plain);
        assert!(obs.limit.as_deref().unwrap_or("").contains("memo"));
    }
}

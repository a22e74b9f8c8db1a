//! Symbolic pickle machine: follows the unpickler's stack, mark stack and memo without
//! importing or calling anything. Imports become symbols, calls become expression
//! nodes, and what the stream would import, call, build or smuggle is written into
//! [`Observations`]. Every structure is capped by [`Limits`]; past a soft cap values
//! degrade to opaque placeholders rather than growing. How the streams of one file
//! follow each other (one pickle, PyTorch legacy files, tar storages) is in
//! `streams.rs`; the raw array bytes joblib writes inside a stream are skipped in
//! `joblib.rs`; values are rendered as evidence in `render.rs`.

use super::embedded;
use super::observations::{Embedded, Import, MAX_SITES, Observations};
use super::policy::{self, Verdict};
use super::reader::{Input, Op, StreamError, Text, TextKind};
use aispm_core::AnalysisContext;
use aispm_core::analyzer::TimeLimitReached;
use render::truncate;
use std::collections::HashMap;

mod joblib;
mod render;
mod streams;
#[cfg(test)]
mod tests;

pub use streams::{Layout, scan_bytes, scan_streams};

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
}

fn pairs(items: Vec<V>) -> Vec<(V, V)> {
    items.chunks_exact(2).map(|c| (c[0], c[1])).collect()
}

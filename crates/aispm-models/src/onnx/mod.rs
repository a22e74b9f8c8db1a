//! ONNX analysis: walks a `ModelProto` in the protobuf wire format (streaming and
//! bounded, tensor payloads skipped by seeking) and collects what a loader would act
//! on: the operators of every node (main graph, control-flow subgraphs, training
//! graphs and model-local functions), the external-data locations of initializers and
//! the shapes tensors declare ([`OnnxFacts`]), which the rules ([`rules`]) judge.
//! Nothing is handed to an ONNX runtime.

use aispm_core::{AnalysisContext, AnalysisError, Analyzer, ErrorKind, FileInput, FileKind, Rule};
use std::collections::BTreeSet;
use std::io::{Read, Seek};

pub mod rules;

use crate::wire::{Field, Value, WireError, WireReader, WireResult};

/// Subgraph nesting deeper than this is refused (real models nest a few levels).
const MAX_DEPTH: u32 = 64;
/// Strings longer than this (op names, domains, locations) are truncated.
const MAX_STRING: usize = 4096;
/// Distinct operators, function domains and external locations remembered per model;
/// what is past it is counted ([`Omitted`]) and reported as a limit.
const MAX_DISTINCT: usize = 10_000;
/// Impossible tensor declarations listed per model; the last one counts the rest.
const MAX_OVERSIZED: usize = 100;
/// A tensor rank above this is not a real tensor.
pub(crate) const MAX_RANK: u64 = 64;

/// What the walk found in one model.
#[derive(Debug, Default)]
pub struct OnnxFacts {
    /// `(domain, op_type)` of every node, deduplicated.
    pub ops: BTreeSet<(String, String)>,
    /// Domains of the functions the model defines.
    pub function_domains: BTreeSet<String>,
    /// `(tensor name, location)` of externally stored tensors.
    pub external: Vec<(String, String)>,
    /// Human-readable descriptions of impossible tensor declarations.
    pub oversized: Vec<String>,
    pub nodes: u64,
    /// What was seen past the caps, counted and not kept.
    pub omitted: Omitted,
}

/// What the walk counted past its caps instead of keeping.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Omitted {
    /// Nodes whose operator was not remembered (past [`MAX_DISTINCT`] distinct ones).
    pub op_nodes: u64,
    /// Function domains not remembered: their operators may be reported as custom.
    pub function_domains: u64,
    /// Externally stored tensors whose location was not checked.
    pub external: u64,
    /// Impossible tensor declarations past [`MAX_OVERSIZED`].
    pub oversized: u64,
}

struct Walker<'c, R> {
    r: WireReader<R>,
    cx: &'c AnalysisContext,
    facts: OnnxFacts,
}

/// A tensor declaration as the walk read it, handed to the rules.
#[derive(Default)]
pub(crate) struct Tensor {
    pub name: String,
    /// The dimensions, the first `MAX_RANK + 1` kept.
    pub dims: Vec<u64>,
    /// Dimensions declared, all counted.
    pub rank: u64,
    /// `TensorProto.DataType`.
    pub data_type: u64,
    /// `data_location` is `EXTERNAL`.
    pub external: bool,
    /// The `location` entry of `external_data`.
    pub location: Option<String>,
    /// Bytes of inline data (raw and typed fields).
    pub data_bytes: u64,
}

impl<R: Read + Seek> Walker<'_, R> {
    fn len_end(&self, f: Field) -> Option<u64> {
        match f.value {
            Value::Len(n) => Some(self.r.pos() + n),
            _ => None,
        }
    }

    fn model(&mut self, end: u64) -> WireResult<()> {
        while let Some(f) = self.r.next_field(end)? {
            self.cx.check_time()?;
            match (f.number, self.len_end(f)) {
                (7, Some(e)) => self.graph(e, 0)?,
                (20, Some(e)) => self.training_info(e)?,
                (25, Some(e)) => self.function(e)?,
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn training_info(&mut self, end: u64) -> WireResult<()> {
        while let Some(f) = self.r.next_field(end)? {
            match (f.number, self.len_end(f)) {
                (1 | 3, Some(e)) => self.graph(e, 1)?,
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn function(&mut self, end: u64) -> WireResult<()> {
        while let Some(f) = self.r.next_field(end)? {
            self.cx.check_time()?;
            match (f.number, f.value) {
                (7, Value::Len(n)) => {
                    let e = self.r.pos() + n;
                    self.node(e, 1)?;
                }
                (10, Value::Len(n)) => {
                    let d = self.r.string(n, MAX_STRING)?;
                    if self.facts.function_domains.len() < MAX_DISTINCT {
                        self.facts.function_domains.insert(d);
                    } else if !self.facts.function_domains.contains(&d) {
                        self.facts.omitted.function_domains += 1;
                    }
                }
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn graph(&mut self, end: u64, depth: u32) -> WireResult<()> {
        if depth > MAX_DEPTH {
            return Err(WireError::Limit(format!(
                "subgraphs nested deeper than {MAX_DEPTH}"
            )));
        }
        while let Some(f) = self.r.next_field(end)? {
            self.cx.check_time()?;
            match (f.number, self.len_end(f)) {
                (1, Some(e)) => self.node(e, depth)?,
                (5, Some(e)) => self.tensor(e)?,
                (15, Some(e)) => self.sparse_tensor(e)?,
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn node(&mut self, end: u64, depth: u32) -> WireResult<()> {
        self.facts.nodes += 1;
        let mut op = String::new();
        let mut domain = String::new();
        while let Some(f) = self.r.next_field(end)? {
            match (f.number, f.value) {
                (4, Value::Len(n)) => op = self.r.string(n, MAX_STRING)?,
                (7, Value::Len(n)) => domain = self.r.string(n, MAX_STRING)?,
                (5, Value::Len(n)) => {
                    let e = self.r.pos() + n;
                    self.attribute(e, depth)?;
                }
                _ => self.r.skip_value(f)?,
            }
        }
        let key = (domain, op);
        if self.facts.ops.len() < MAX_DISTINCT {
            self.facts.ops.insert(key);
        } else if !self.facts.ops.contains(&key) {
            self.facts.omitted.op_nodes += 1;
        }
        Ok(())
    }

    fn attribute(&mut self, end: u64, depth: u32) -> WireResult<()> {
        while let Some(f) = self.r.next_field(end)? {
            self.cx.check_time()?;
            match (f.number, self.len_end(f)) {
                (5 | 10, Some(e)) => self.tensor(e)?,
                (6 | 11, Some(e)) => self.graph(e, depth + 1)?,
                (22 | 23, Some(e)) => self.sparse_tensor(e)?,
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn sparse_tensor(&mut self, end: u64) -> WireResult<()> {
        while let Some(f) = self.r.next_field(end)? {
            match (f.number, self.len_end(f)) {
                (1 | 2, Some(e)) => self.tensor(e)?,
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn tensor(&mut self, end: u64) -> WireResult<()> {
        let mut t = Tensor::default();
        while let Some(f) = self.r.next_field(end)? {
            match (f.number, f.value) {
                (1, Value::Varint(v)) => {
                    t.rank += 1;
                    if t.dims.len() < MAX_RANK as usize + 1 {
                        t.dims.push(v);
                    }
                }
                (1, Value::Len(n)) => {
                    let (vals, count) = self.r.packed_varints(n, MAX_RANK as usize + 1)?;
                    t.rank += count;
                    t.dims.extend(vals);
                    t.dims.truncate(MAX_RANK as usize + 1);
                }
                (2, Value::Varint(v)) => t.data_type = v,
                (8, Value::Len(n)) => t.name = self.r.string(n, 256)?,
                (13, Value::Len(n)) => {
                    let e = self.r.pos() + n;
                    if let Some((k, v)) = self.entry(e)?
                        && k == "location"
                    {
                        t.location = Some(v);
                    }
                }
                (14, Value::Varint(v)) => t.external = v == 1,
                (4 | 5 | 6 | 7 | 9 | 10 | 11, Value::Len(n)) => {
                    t.data_bytes = t.data_bytes.saturating_add(n);
                    self.r.skip(n)?;
                }
                _ => self.r.skip_value(f)?,
            }
        }
        self.check_tensor(&t);
        if let Some(loc) = t.location {
            if self.facts.external.len() < MAX_DISTINCT {
                self.facts.external.push((t.name, loc));
            } else {
                self.facts.omitted.external += 1;
            }
        }
        Ok(())
    }

    /// Keeps what the rules say is impossible about a declaration, up to
    /// [`MAX_OVERSIZED`]; counts the rest.
    fn check_tensor(&mut self, t: &Tensor) {
        if let Some(o) = rules::check_tensor(t, self.r.size()) {
            if self.facts.oversized.len() < MAX_OVERSIZED {
                self.facts.oversized.push(o);
            } else {
                self.facts.omitted.oversized += 1;
            }
        }
    }

    fn entry(&mut self, end: u64) -> WireResult<Option<(String, String)>> {
        let mut k = String::new();
        let mut v = String::new();
        while let Some(f) = self.r.next_field(end)? {
            match (f.number, f.value) {
                (1, Value::Len(n)) => k = self.r.string(n, 256)?,
                (2, Value::Len(n)) => v = self.r.string(n, MAX_STRING)?,
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(Some((k, v)))
    }
}

/// Bytes per element of a `TensorProto.DataType` (1 for unknown and packed 4-bit types,
/// so sizes are never overstated).
pub(crate) fn element_size(data_type: u64) -> u64 {
    match data_type {
        1 | 6 | 12 => 4,       // float, int32, uint32
        7 | 11 | 13 | 14 => 8, // int64, double, uint64, complex64
        15 => 16,              // complex128
        5 | 4 | 10 | 16 => 2,  // int16, uint16, float16, bfloat16
        _ => 1,
    }
}

/// Walks a model from a stream of `size` bytes. On a wire-format error the facts
/// gathered so far are returned with the error.
pub fn walk_model<R: Read + Seek>(
    r: R,
    size: u64,
    cx: &AnalysisContext,
) -> (OnnxFacts, Option<WireError>) {
    let mut w = Walker {
        r: WireReader::new(r, size),
        cx,
        facts: OnnxFacts::default(),
    };
    let err = w.model(size).err();
    (w.facts, err)
}

/// Analyzer for ONNX models.
#[derive(Debug, Default)]
pub struct OnnxAnalyzer;

impl OnnxAnalyzer {
    pub fn new() -> Self {
        OnnxAnalyzer
    }
}

impl Analyzer for OnnxAnalyzer {
    fn name(&self) -> &'static str {
        "onnx"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind == FileKind::Onnx
    }

    fn default_max_file_size(&self) -> u64 {
        // Models with inline weights reach the protobuf limit of 2 GiB; payloads are
        // skipped by seeking, so size costs little.
        4 << 30
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let (facts, err) = walk_model(file.open()?, file.size, cx);
        report(file, &facts, cx);
        match err {
            None => Ok(()),
            Some(WireError::Malformed(m)) => {
                let why = rules::Incomplete::Broken(&m);
                cx.report(rules::check_incomplete_walk(file.path, &why));
                Ok(())
            }
            Some(WireError::Limit(m)) => {
                let why = rules::Incomplete::Limit(&m);
                cx.report(rules::check_incomplete_walk(file.path, &why));
                Ok(())
            }
            Some(e) => Err(e.into()),
        }
    }
}

/// Runs the rules on what the walk found and records what it could not keep.
fn report(file: &FileInput<'_>, facts: &OnnxFacts, cx: &mut AnalysisContext) {
    let model = rules::Model {
        path: file.path,
        on_disk: file.parent.is_none().then_some(file.disk_path),
        facts,
    };
    let mut out = Vec::new();
    rules::check(&model, &mut out);
    for f in out {
        cx.report(f);
    }
    // What the walk could not keep, and so did not judge.
    let o = &facts.omitted;
    for (n, what) in [
        (
            o.op_nodes,
            format!(
                "nodes of operator types past the first {MAX_DISTINCT} distinct ones were not judged"
            ),
        ),
        (
            o.function_domains,
            format!(
                "function domains past the first {MAX_DISTINCT} were not remembered (operators of those domains may be reported as custom)"
            ),
        ),
        (
            o.external,
            format!(
                "externally stored tensors past the first {MAX_DISTINCT} did not have their location checked"
            ),
        ),
    ] {
        if n > 0 {
            cx.error(file.path, ErrorKind::Limit, format!("{n} {what}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use std::path::Path;

    fn walk(b: &[u8]) -> (OnnxFacts, Option<WireError>) {
        let cx = AnalysisContext::new(None, 0);
        walk_model(Cursor::new(b), b.len() as u64, &cx)
    }

    #[test]
    fn collects_ops_and_locations() {
        let m = aispm_fixtures::onnx_model(
            "t",
            17,
            &[("MatMul", ""), ("Foo", "com.example")],
            Some("../w.bin"),
        );
        let (f, err) = walk(&m);
        assert!(err.is_none());
        assert!(f.ops.contains(&("com.example".into(), "Foo".into())));
        assert_eq!(f.external, [("W".to_string(), "../w.bin".to_string())]);
        assert!(f.oversized.is_empty());
    }

    /// Operators past the distinct cap are counted, and the analyzer says so.
    #[test]
    fn operators_past_the_cap_are_counted() {
        let names: Vec<String> = (0..MAX_DISTINCT + 5).map(|i| format!("Op{i}")).collect();
        let nodes: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
        let m = aispm_fixtures::onnx_model("t", 17, &nodes, None);
        let (f, err) = walk(&m);
        assert!(err.is_none());
        assert_eq!(f.ops.len(), MAX_DISTINCT);
        assert_eq!(
            f.omitted,
            Omitted {
                op_nodes: 5,
                ..Omitted::default()
            }
        );
        let input = FileInput::new(
            "m.onnx",
            Path::new("m.onnx"),
            FileKind::Onnx,
            m.len() as u64,
            &m[..aispm_core::HEAD_LEN],
            aispm_core::Source::Bytes(&m),
        );
        let mut cx = AnalysisContext::new(None, 0);
        OnnxAnalyzer::new().analyze(&input, &mut cx).unwrap();
        let msgs: Vec<&str> = cx.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].starts_with("5 nodes of operator types"), "{msgs:?}");
    }

    /// Impossible declarations past the cap are counted on the last one listed.
    #[test]
    fn oversized_declarations_past_the_cap_are_counted() {
        use aispm_fixtures::protobuf::Message;
        let mut graph = Message::new();
        for i in 0..MAX_OVERSIZED + 7 {
            let mut t = Message::new();
            for _ in 0..=MAX_RANK {
                t.int(1, 1);
            }
            t.string(8, &format!("t{i}"));
            graph.message(5, &t);
        }
        let mut model = Message::new();
        model.message(7, &graph);
        let b = model.encode();
        let (f, err) = walk(&b);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(f.oversized.len(), MAX_OVERSIZED);
        assert_eq!(f.omitted.oversized, 7);

        let input = FileInput::new(
            "m.onnx",
            Path::new("m.onnx"),
            FileKind::Onnx,
            b.len() as u64,
            &b[..b.len().min(aispm_core::HEAD_LEN)],
            aispm_core::Source::Bytes(&b),
        );
        let mut cx = AnalysisContext::new(None, 0);
        OnnxAnalyzer::new().analyze(&input, &mut cx).unwrap();
        let counted: Vec<_> = cx
            .findings
            .iter()
            .filter(|f| f.properties.contains_key("more_in_file"))
            .collect();
        assert_eq!(counted.len(), 1);
        assert_eq!(counted[0].properties["more_in_file"], 7);
        assert!(
            counted[0].message.contains("and 7 more"),
            "{}",
            counted[0].message
        );
    }

    #[test]
    fn truncated_model_keeps_partial_facts() {
        let m = aispm_fixtures::onnx_model("t", 17, &[("Relu", "")], None);
        let (_, err) = walk(&m[..m.len() - 3]);
        assert!(matches!(err, Some(WireError::Malformed(_))));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..1024)) {
            let _ = walk(&b);
        }
    }
}

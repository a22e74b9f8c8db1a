//! TensorFlow analysis: walks `saved_model.pb` (SavedModel → MetaGraphDef → GraphDef)
//! and bare GraphDef files in the protobuf wire format, collecting the operator of
//! every node of the main graph and of every function in the function library, and
//! the asset file names ([`GraphFacts`]); the rules ([`rules`]) judge them against a
//! table drawn from TensorFlow's op registry: operators that run Python, touch the
//! file system outside the checkpoint mechanism, or reach the network. Keras layer
//! metadata embedded in the object graph is handed to the Keras config walker.
//! Nothing is loaded with TensorFlow.

use crate::keras;
use crate::wire::{Field, Value, WireError, WireReader, WireResult};
use aispm_core::{AnalysisContext, AnalysisError, Analyzer, ErrorKind, FileInput, FileKind, Rule};
use std::collections::BTreeMap;
use std::io::{Read, Seek};

pub mod rules;

const MAX_STRING: usize = 1024;
/// Keras metadata strings kept from the object graph, in total.
const MAX_KERAS_METADATA: usize = 16 << 20;
/// Asset file names kept per file.
const MAX_ASSETS: usize = 10_000;
/// Distinct operator names remembered per file.
const MAX_OPS: usize = 100_000;

/// Where an operator was seen, and how often.
#[derive(Debug, Clone, Default)]
pub struct OpUse {
    pub count: u64,
    /// The first place: `node NAME` or `function F, node NAME`.
    pub first: String,
}

/// What the walk found in one file.
#[derive(Debug, Default)]
pub struct GraphFacts {
    /// Every operator name, with its uses.
    pub ops: BTreeMap<String, OpUse>,
    /// File names of the meta graphs' assets.
    pub assets: Vec<String>,
    /// Keras layer metadata (JSON) from `SavedUserObject.metadata`.
    pub keras_metadata: Vec<String>,
    keras_bytes: usize,
    pub nodes: u64,
    /// What was seen past the caps, counted and not kept (and so not judged).
    pub omitted: Omitted,
}

/// What the walk counted past its caps instead of keeping.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Omitted {
    /// Asset file names past [`MAX_ASSETS`].
    pub assets: u64,
    /// Nodes whose operator was not remembered (past [`MAX_OPS`] distinct ones).
    pub op_nodes: u64,
    /// Keras metadata strings past [`MAX_KERAS_METADATA`] bytes in total.
    pub keras_metadata: u64,
}

struct Walker<'c, R> {
    r: WireReader<R>,
    cx: &'c AnalysisContext,
    facts: GraphFacts,
}

impl<R: Read + Seek> Walker<'_, R> {
    fn end_of(&self, f: Field) -> Option<u64> {
        match f.value {
            Value::Len(n) => Some(self.r.pos() + n),
            _ => None,
        }
    }

    /// A file is a SavedModel unless its first field is a GraphDef node.
    fn top(&mut self, end: u64) -> WireResult<()> {
        let mut first = true;
        let mut graph_def = false;
        while let Some(f) = self.r.next_field(end)? {
            self.cx.check_time()?;
            if first {
                graph_def = f.number == 1 && matches!(f.value, Value::Len(_));
                first = false;
            }
            match (graph_def, f.number, self.end_of(f)) {
                (true, 1, Some(e)) => self.node(e, None)?,
                (true, 2, Some(e)) => self.library(e)?,
                (false, 2, Some(e)) => self.meta_graph(e)?,
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn meta_graph(&mut self, end: u64) -> WireResult<()> {
        while let Some(f) = self.r.next_field(end)? {
            self.cx.check_time()?;
            match (f.number, self.end_of(f)) {
                (2, Some(e)) => self.graph(e)?,
                (6, Some(e)) => self.asset(e)?,
                (7, Some(e)) => self.object_graph(e)?,
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    /// `AssetFileDef.filename` (field 2): a path under the SavedModel's `assets/`.
    fn asset(&mut self, end: u64) -> WireResult<()> {
        while let Some(f) = self.r.next_field(end)? {
            match (f.number, f.value) {
                (2, Value::Len(n)) => {
                    let name = self.r.string(n, MAX_STRING)?;
                    if self.facts.assets.len() < MAX_ASSETS {
                        self.facts.assets.push(name);
                    } else {
                        self.facts.omitted.assets += 1;
                    }
                }
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn graph(&mut self, end: u64) -> WireResult<()> {
        while let Some(f) = self.r.next_field(end)? {
            self.cx.check_time()?;
            match (f.number, self.end_of(f)) {
                (1, Some(e)) => self.node(e, None)?,
                (2, Some(e)) => self.library(e)?,
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn library(&mut self, end: u64) -> WireResult<()> {
        while let Some(f) = self.r.next_field(end)? {
            self.cx.check_time()?;
            match (f.number, self.end_of(f)) {
                (1, Some(e)) => self.function(e)?,
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn function(&mut self, end: u64) -> WireResult<()> {
        // The signature (field 1) precedes the nodes (field 3) in serialised order;
        // a function without one is named by position.
        let mut name = String::from("(unnamed function)");
        while let Some(f) = self.r.next_field(end)? {
            self.cx.check_time()?;
            match (f.number, self.end_of(f)) {
                (1, Some(e)) => {
                    while let Some(g) = self.r.next_field(e)? {
                        match (g.number, g.value) {
                            (1, Value::Len(n)) => name = self.r.string(n, MAX_STRING)?,
                            _ => self.r.skip_value(g)?,
                        }
                    }
                }
                (3, Some(e)) => self.node(e, Some(&name.clone()))?,
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn node(&mut self, end: u64, function: Option<&str>) -> WireResult<()> {
        self.facts.nodes += 1;
        let mut name = String::new();
        let mut op = String::new();
        while let Some(f) = self.r.next_field(end)? {
            match (f.number, f.value) {
                (1, Value::Len(n)) => name = self.r.string(n, MAX_STRING)?,
                (2, Value::Len(n)) => op = self.r.string(n, MAX_STRING)?,
                _ => self.r.skip_value(f)?,
            }
        }
        if self.facts.ops.len() >= MAX_OPS && !self.facts.ops.contains_key(&op) {
            self.facts.omitted.op_nodes += 1;
        } else {
            let u = self.facts.ops.entry(op).or_default();
            if u.count == 0 {
                u.first = match function {
                    Some(func) => format!("function {func}, node {name}"),
                    None => format!("node {name}"),
                };
            }
            u.count += 1;
        }
        Ok(())
    }

    fn object_graph(&mut self, end: u64) -> WireResult<()> {
        while let Some(f) = self.r.next_field(end)? {
            self.cx.check_time()?;
            match (f.number, self.end_of(f)) {
                (1, Some(e)) => {
                    // SavedObject.user_object (4) → SavedUserObject.metadata (3).
                    while let Some(g) = self.r.next_field(e)? {
                        match (g.number, self.end_of(g)) {
                            (4, Some(ue)) => {
                                while let Some(h) = self.r.next_field(ue)? {
                                    match (h.number, h.value) {
                                        (3, Value::Len(n)) => self.keras_metadata(n)?,
                                        _ => self.r.skip_value(h)?,
                                    }
                                }
                            }
                            _ => self.r.skip_value(g)?,
                        }
                    }
                }
                _ => self.r.skip_value(f)?,
            }
        }
        Ok(())
    }

    fn keras_metadata(&mut self, n: u64) -> WireResult<()> {
        let room = MAX_KERAS_METADATA.saturating_sub(self.facts.keras_bytes);
        if let Some(b) = self.r.bytes(n, room)? {
            self.facts.keras_bytes += b.len();
            self.facts
                .keras_metadata
                .push(String::from_utf8_lossy(&b).into_owned());
        } else {
            self.facts.omitted.keras_metadata += 1;
        }
        Ok(())
    }
}

/// Walks a SavedModel or GraphDef of `size` bytes; on an error the facts gathered so
/// far come back with it.
pub fn walk_graph<R: Read + Seek>(
    r: R,
    size: u64,
    cx: &AnalysisContext,
) -> (GraphFacts, Option<WireError>) {
    let mut w = Walker {
        r: WireReader::new(r, size),
        cx,
        facts: GraphFacts::default(),
    };
    let err = w.top(size).err();
    (w.facts, err)
}

/// Analyzer for TensorFlow SavedModels and GraphDefs.
#[derive(Debug, Default)]
pub struct TensorflowAnalyzer;

impl TensorflowAnalyzer {
    pub fn new() -> Self {
        TensorflowAnalyzer
    }
}

impl Analyzer for TensorflowAnalyzer {
    fn name(&self) -> &'static str {
        "tensorflow"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind == FileKind::TfSavedModel
    }

    fn default_max_file_size(&self) -> u64 {
        4 << 30
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let (facts, err) = walk_graph(file.open()?, file.size, cx);
        let mut out = Vec::new();
        rules::check(file.path, &facts, &mut out);
        for f in out {
            cx.report(f);
        }
        for meta in &facts.keras_metadata {
            cx.check_time()?;
            keras::check_metadata_json(file, meta, cx);
        }
        // What the walk could not keep, and so did not judge.
        let o = &facts.omitted;
        if o.op_nodes > 0 {
            cx.error(
                file.path,
                ErrorKind::Limit,
                format!(
                    "{} nodes of operator types past the first {MAX_OPS} distinct ones were not judged",
                    o.op_nodes
                ),
            );
        }
        if o.assets > 0 {
            cx.error(
                file.path,
                ErrorKind::Limit,
                format!(
                    "{} asset file names past the first {MAX_ASSETS} were not checked",
                    o.assets
                ),
            );
        }
        if o.keras_metadata > 0 {
            cx.error(
                file.path,
                ErrorKind::Limit,
                format!(
                    "{} Keras layer metadata strings past the {MAX_KERAS_METADATA}-byte budget were not checked",
                    o.keras_metadata
                ),
            );
        }
        match err {
            None => Ok(()),
            Some(WireError::Malformed(m) | WireError::Limit(m)) => {
                cx.report(rules::check_incomplete_walk(file.path, &m));
                Ok(())
            }
            Some(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aispm_fixtures::protobuf::Message;
    use std::io::Cursor;

    fn node(name: &str, op: &str) -> Message {
        let mut n = Message::new();
        n.string(1, name).string(2, op);
        n
    }

    fn saved_model(top: &[(&str, &str)], func: &[(&str, &str)]) -> Vec<u8> {
        let mut graph = Message::new();
        for (n, o) in top {
            graph.message(1, &node(n, o));
        }
        if !func.is_empty() {
            let mut sig = Message::new();
            sig.string(1, "f");
            let mut fd = Message::new();
            fd.message(1, &sig);
            for (n, o) in func {
                fd.message(3, &node(n, o));
            }
            let mut lib = Message::new();
            lib.message(1, &fd);
            graph.message(2, &lib);
        }
        let mut mg = Message::new();
        mg.message(2, &graph);
        let mut sm = Message::new();
        sm.int(1, 1).message(2, &mg);
        sm.encode()
    }

    fn walk(b: &[u8]) -> (GraphFacts, Option<WireError>) {
        let cx = AnalysisContext::new(None, 0);
        walk_graph(Cursor::new(b), b.len() as u64, &cx)
    }

    #[test]
    fn finds_ops_in_graph_and_functions() {
        let b = saved_model(&[("x", "Const"), ("s", "SaveV2")], &[("r", "ReadFile")]);
        let (f, err) = walk(&b);
        assert!(err.is_none());
        assert_eq!(f.ops["ReadFile"].first, "function f, node r");
    }

    #[test]
    fn collects_asset_file_names() {
        let mut asset = Message::new();
        asset.string(2, "../../../etc/passwd");
        let mut mg = Message::new();
        mg.message(6, &asset);
        let mut sm = Message::new();
        sm.int(1, 1).message(2, &mg);
        let (f, err) = walk(&sm.encode());
        assert!(err.is_none());
        assert_eq!(f.assets, ["../../../etc/passwd"]);
    }

    /// Asset names past the cap are counted and the analyzer says so.
    #[test]
    fn assets_past_the_cap_are_counted() {
        let mut mg = Message::new();
        for i in 0..MAX_ASSETS + 4 {
            let mut asset = Message::new();
            asset.string(2, &format!("a{i}.txt"));
            mg.message(6, &asset);
        }
        let mut sm = Message::new();
        sm.int(1, 1).message(2, &mg);
        let b = sm.encode();
        let (f, err) = walk(&b);
        assert!(err.is_none());
        assert_eq!(f.assets.len(), MAX_ASSETS);
        assert_eq!(
            f.omitted,
            Omitted {
                assets: 4,
                ..Omitted::default()
            }
        );
        let input = FileInput::new(
            "saved_model.pb",
            std::path::Path::new("saved_model.pb"),
            FileKind::TfSavedModel,
            b.len() as u64,
            &b[..aispm_core::HEAD_LEN],
            aispm_core::Source::Bytes(&b),
        );
        let mut cx = AnalysisContext::new(None, 0);
        TensorflowAnalyzer::new().analyze(&input, &mut cx).unwrap();
        let msgs: Vec<&str> = cx.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            ["4 asset file names past the first 10000 were not checked"]
        );
    }

    /// Keras metadata past the byte budget is skipped and counted.
    #[test]
    fn keras_metadata_past_the_budget_is_counted() {
        let mut og = Message::new();
        for meta in ["{}".to_string(), " ".repeat(MAX_KERAS_METADATA)] {
            let mut user = Message::new();
            user.string(1, "_tf_keras_layer").string(3, &meta);
            let mut obj = Message::new();
            obj.message(4, &user);
            og.message(1, &obj);
        }
        let mut mg = Message::new();
        mg.message(7, &og);
        let mut sm = Message::new();
        sm.int(1, 1).message(2, &mg);
        let (f, err) = walk(&sm.encode());
        assert!(err.is_none());
        assert_eq!(f.keras_metadata, ["{}"]);
        assert_eq!(f.omitted.keras_metadata, 1);
    }

    /// Operators past the distinct cap are counted per node.
    #[test]
    fn operators_past_the_cap_are_counted() {
        let names: Vec<String> = (0..MAX_OPS + 3).map(|i| format!("Op{i}")).collect();
        let mut nodes: Vec<(&str, &str)> = names.iter().map(|n| ("n", n.as_str())).collect();
        // A node of an operator already remembered is counted as before.
        nodes.push(("again", "Op0"));
        let (f, err) = walk(&saved_model(&nodes, &[]));
        assert!(err.is_none());
        assert_eq!(f.ops.len(), MAX_OPS);
        assert_eq!(f.ops["Op0"].count, 2);
        assert_eq!(f.omitted.op_nodes, 3);
    }

    #[test]
    fn reads_bare_graph_defs() {
        let mut g = Message::new();
        g.message(1, &node("w", "WriteFile"));
        let (f, _) = walk(&g.encode());
        assert!(f.ops.contains_key("WriteFile"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..1024)) {
            let _ = walk(&b);
        }
    }
}

//! skops archives: a zip whose `schema.json` describes every object to rebuild by
//! module and name. Each type and function named there is judged with the pickle
//! analyzer's import policy by the rules' table ([`rules`]); nothing is loaded.

use aispm_core::{AnalysisContext, AnalysisError, Analyzer, FileInput, FileKind, Rule};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;

pub mod rules;

/// Largest `schema.json` parsed.
const MAX_SCHEMA: u64 = 64 << 20;
/// Deepest node nesting walked.
const MAX_DEPTH: usize = 256;

/// Analyzer for skops model archives.
#[derive(Debug, Default)]
pub struct SkopsAnalyzer;

impl SkopsAnalyzer {
    pub fn new() -> Self {
        SkopsAnalyzer
    }
}

impl Analyzer for SkopsAnalyzer {
    fn name(&self) -> &'static str {
        "skops"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind == FileKind::Zip
            && file
                .members
                .is_some_and(|m| m.iter().any(|n| n == "schema.json"))
    }

    fn default_max_file_size(&self) -> u64 {
        u64::MAX
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let mut zip =
            zip::ZipArchive::new(file.open()?).map_err(|e| AnalysisError::Parse(e.to_string()))?;
        let Some(idx) = zip.index_for_name("schema.json") else {
            return Ok(());
        };
        let member = zip
            .by_index(idx)
            .map_err(|e| AnalysisError::Parse(e.to_string()))?;
        let mut buf = Vec::new();
        member.take(MAX_SCHEMA + 1).read_to_end(&mut buf)?;
        if buf.len() as u64 > MAX_SCHEMA {
            return Err(AnalysisError::Limit(format!(
                "schema.json larger than {MAX_SCHEMA} bytes"
            )));
        }
        let schema: Value = aispm_core::json::from_slice_bounded(&buf)
            .map_err(|e| AnalysisError::Parse(format!("schema.json: {e}")))?;
        let mut names = BTreeSet::new();
        collect(&schema, 0, &mut names);
        for (module, name) in names {
            if let Some(f) = rules::check(file.path, &module, &name) {
                cx.report(f);
            }
        }
        Ok(())
    }
}

/// Collects `(module, name)` pairs of object, type and function nodes.
fn collect(v: &Value, depth: usize, out: &mut BTreeSet<(String, String)>) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Object(o) => {
            if let (Some(m), Some(c)) = (
                o.get("__module__").and_then(Value::as_str),
                o.get("__class__").and_then(Value::as_str),
            ) {
                out.insert((m.to_string(), c.to_string()));
            }
            // FunctionNode / TypeNode content: {"module_path": .., "function"|"__class__": ..}
            if let Some(m) = o.get("module_path").and_then(Value::as_str)
                && let Some(f) = o
                    .get("function")
                    .or_else(|| o.get("__class__"))
                    .and_then(Value::as_str)
            {
                out.insert((m.to_string(), f.to_string()));
            }
            for child in o.values() {
                collect(child, depth + 1, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|c| collect(c, depth + 1, out)),
        _ => {}
    }
}

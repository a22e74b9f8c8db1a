//! Pickle analysis: plain pickles, joblib dumps, PyTorch legacy checkpoints and the
//! pickles inside PyTorch zips and tars (as archive members), and object-dtype NumPy
//! arrays. A streaming opcode reader ([`reader`]) feeds a symbolic stack machine
//! ([`machine`]) that resolves every import and call without importing or calling
//! anything; [`policy`] judges the imports, and the findings follow from what the
//! machine observed. Nothing scanned is ever unpickled.

use aispm_core::{
    AnalysisContext, AnalysisError, Analyzer, ErrorKind, FileInput, FileKind, RawFinding, Rule,
};
use aispm_formats::npy;
use std::io::{Seek, SeekFrom};

pub mod embedded;
pub mod machine;
pub mod observations;
pub mod policy;
pub mod reader;
pub mod rules;

use machine::{Layout, Limits};
use observations::Observations;

/// Findings of one rule reported per file at most; the last one reported counts the rest.
const MAX_PER_RULE: usize = 32;

/// Analyzer for pickle-based model files.
#[derive(Debug, Default)]
pub struct PickleAnalyzer {
    limits: Limits,
}

impl PickleAnalyzer {
    pub fn new() -> Self {
        PickleAnalyzer::default()
    }

    /// An analyzer with other limits (tests use small ones).
    pub fn with_limits(limits: Limits) -> Self {
        PickleAnalyzer { limits }
    }
}

/// Where the pickle data of an `.npy` file starts, when its dtype holds objects.
pub fn npy_object_data_offset(head: &[u8]) -> Option<u64> {
    npy::parse_header(head)
        .ok()
        .filter(npy::NpyHeader::has_object_dtype)
        .map(|h| h.data_offset)
}

impl Analyzer for PickleAnalyzer {
    fn name(&self) -> &'static str {
        "pickle"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    /// The analyzer streams and seeks over payloads, so large checkpoints cost little.
    fn default_max_file_size(&self) -> u64 {
        64 << 30
    }

    fn accepts(&self, file: &FileInput<'_>) -> bool {
        match file.kind {
            FileKind::Pickle | FileKind::Joblib | FileKind::PytorchLegacy => true,
            FileKind::Npy => npy_object_data_offset(file.head).is_some(),
            k => {
                file.parent.is_some_and(|p| p.kind == FileKind::PytorchTar)
                    && !k.is_container()
                    && k != FileKind::Empty
            }
        }
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let in_torch_tar = file.parent.is_some_and(|p| p.kind == FileKind::PytorchTar);
        let (start, layout) = match file.kind {
            FileKind::Npy => match npy_object_data_offset(file.head) {
                Some(off) => {
                    cx.report(rules::mdl012_numpy_object_array::object_array(file.path));
                    (off, Layout::Plain)
                }
                None => return Ok(()),
            },
            FileKind::PytorchLegacy => (0, Layout::TorchLegacy),
            // Members of the legacy tar format: `pickle` and `sys_info` are single
            // pickles, `storages` interleaves header pickles and raw storage bytes,
            // `tensors` starts with a pickle followed by raw tensor metadata.
            _ if in_torch_tar && file.file_name() == "storages" => (0, Layout::TorchStorages),
            _ if in_torch_tar && !matches!(file.file_name(), "pickle" | "sys_info") => {
                (0, Layout::LeadingOnly)
            }
            _ => (0, Layout::Plain),
        };
        let mut r = file.open()?;
        if start > 0 {
            r.seek(SeekFrom::Start(start))?;
        }
        let mut input = reader::Input::new(&mut *r, start, file.size);
        let mut obs = Observations::default();
        let outcome = machine::scan_streams(&mut input, &mut obs, &self.limits, layout, 0, cx);
        // Report what was seen even when the time ran out part-way.
        report(file.path, &obs, layout, cx);
        if obs.omitted.embedded > 0 {
            cx.error(
                file.path,
                ErrorKind::Limit,
                format!(
                    "{} embedded pickles past the first {} were counted but not analysed",
                    obs.omitted.embedded,
                    observations::MAX_SITES
                ),
            );
        }
        if let Some(msg) = &obs.limit {
            cx.error(
                file.path,
                ErrorKind::Limit,
                format!("pickle analysis stopped: {msg}"),
            );
        }
        outcome?;
        Ok(())
    }
}

/// Runs the rules on what the machine observed and reports their findings, at most
/// [`MAX_PER_RULE`] per rule.
fn report(path: &str, obs: &Observations, layout: Layout, cx: &mut AnalysisContext) {
    let mut out: Vec<RawFinding> = Vec::new();
    rules::check(&rules::Pickled { path, layout, obs }, &mut out);
    for f in cap_per_rule(out, &rules::unkept(&obs.omitted)) {
        cx.report(f);
    }
}

/// Keeps at most [`MAX_PER_RULE`] findings of each rule; the last one kept says how many
/// more the file holds (message and `more_in_file`), so that nothing is dropped unsaid.
/// `unkept` adds, per rule ID, the sites the machine counted but did not keep.
fn cap_per_rule(out: Vec<RawFinding>, unkept: &[(&str, usize)]) -> Vec<RawFinding> {
    let mut totals: std::collections::HashMap<&str, usize> = Default::default();
    for f in &out {
        *totals.entry(f.rule.id).or_default() += 1;
    }
    let mut listed: std::collections::HashMap<&str, usize> = Default::default();
    for (id, total) in &totals {
        listed.insert(id, (*total).min(MAX_PER_RULE));
    }
    for &(id, n) in unkept {
        if let Some(t) = totals.get_mut(id) {
            *t += n;
        }
    }
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();
    let mut kept = Vec::with_capacity(out.len().min(totals.len() * MAX_PER_RULE));
    for mut f in out {
        let total = totals[f.rule.id];
        let last = listed[f.rule.id];
        let n = seen.entry(f.rule.id).or_default();
        *n += 1;
        if *n > MAX_PER_RULE {
            continue;
        }
        if *n == last && total > last {
            f = f.more_in_file(total - last, "findings of this rule");
        }
        kept.push(f);
    }
    kept
}

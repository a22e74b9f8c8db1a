//! Pickle analysis: plain pickles, joblib dumps, PyTorch legacy checkpoints and the
//! pickles inside PyTorch zips and tars (as archive members), and object-dtype NumPy
//! arrays. A streaming opcode reader ([`reader`]) feeds a symbolic stack machine
//! ([`machine`]) that resolves every import and call without importing or calling
//! anything; [`policy`] judges the imports, and the findings follow from what the
//! machine observed. Nothing scanned is ever unpickled.

use aispm_core::{
    AnalysisContext, AnalysisError, Analyzer, ErrorKind, FileInput, FileKind, RawFinding, Rule,
    Severity,
};
use aispm_formats::npy;
use std::io::{Seek, SeekFrom};

pub mod embedded;
pub mod machine;
pub mod policy;
pub mod reader;
pub mod rules;

use machine::{Layout, Limits, NestedContent, Observations};
use policy::Verdict;

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
                    cx.report(
                        RawFinding::new(
                            &rules::NUMPY_OBJECT_ARRAY,
                            file.path,
                            "NumPy array has an object dtype: its data is a pickle and loading it \
                             needs allow_pickle=True",
                        )
                        .evidence("dtype object"),
                    );
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
                    machine::MAX_SITES
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

fn report(path: &str, obs: &Observations, layout: Layout, cx: &mut AnalysisContext) {
    let mut out: Vec<RawFinding> = Vec::new();
    for imp in &obs.imports {
        let q = imp.qualified();
        let evidence = imp.evidence.clone().unwrap_or_else(|| q.clone());
        let f = match imp.verdict {
            Verdict::Allowed => continue,
            Verdict::Dangerous(why) if imp.called => RawFinding::new(
                &rules::DANGEROUS_CALL,
                path,
                format!("Pickle calls {q} ({why}) when it is loaded"),
            ),
            Verdict::Dangerous(why) => RawFinding::new(
                &rules::DANGEROUS_IMPORT,
                path,
                format!("Pickle references {q} ({why}); loading it imports the callable"),
            ),
            Verdict::ScannerTamper => RawFinding::new(
                &rules::SCANNER_TAMPERING,
                path,
                format!("Pickle imports the model scanner {q}"),
            ),
            Verdict::Unknown => RawFinding::new(
                &rules::UNKNOWN_IMPORT,
                path,
                format!(
                    "Pickle {} {q}, which is not on the allow-list of ordinary checkpoints",
                    if imp.called { "calls" } else { "imports" }
                ),
            ),
        };
        out.push(f.evidence(evidence).key(q).property("offset", imp.offset));
    }
    for s in &obs.dynamic {
        out.push(
            RawFinding::new(
                &rules::DYNAMIC_IMPORT,
                path,
                "Pickle imports a name that is computed at load time or cannot be resolved",
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
    for s in &obs.ext_codes {
        out.push(
            RawFinding::new(
                &rules::EXTENSION_CODE,
                path,
                "Pickle imports through the copyreg extension registry",
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
    for s in &obs.setstate {
        out.push(
            RawFinding::new(
                &rules::SETSTATE_GADGET,
                path,
                "Pickle BUILD installs dunder attributes or patches an imported object",
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
    for s in &obs.code_objects {
        out.push(
            RawFinding::new(
                &rules::CODE_OBJECT,
                path,
                "Pickle builds a code object or a function from serialised bytecode",
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
    for e in &obs.embedded {
        let (sev, what) = match e.content {
            NestedContent::Dangerous => (Severity::High, "with dangerous imports"),
            NestedContent::Unknown => (Severity::Medium, "with imports outside the allow-list"),
            NestedContent::Plain => (Severity::Low, "of plain data"),
        };
        out.push(
            RawFinding::new(
                &rules::EMBEDDED_PICKLE,
                path,
                format!("Pickle carries a {} second pickle {what}", e.encoding),
            )
            .severity(sev)
            .evidence(e.evidence.clone())
            .property("offset", e.offset),
        );
    }
    for s in &obs.nonstandard {
        out.push(
            RawFinding::new(
                &rules::NONSTANDARD_OPCODES,
                path,
                format!(
                    "Pickle stream uses a construct the standard unpickler rejects: {}",
                    s.evidence
                ),
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
    if let Some(s) = &obs.malformed {
        let seen = obs.imports.len();
        out.push(
            RawFinding::new(
                &rules::MALFORMED_STREAM,
                path,
                format!(
                    "Pickle stream is malformed ({}); {seen} import(s) were read before the error",
                    s.evidence
                ),
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
    if let Some(s) = &obs.trailing {
        out.push(
            RawFinding::new(
                &rules::TRAILING_DATA,
                path,
                "Data follows the end of the pickle",
            )
            .evidence(s.evidence.clone())
            .property("offset", s.offset),
        );
    }
    if layout == Layout::Plain && obs.streams > 1 {
        out.push(
            RawFinding::new(
                &rules::MULTIPLE_STREAMS,
                path,
                format!(
                    "File holds {} pickle streams; every one runs when loaded in turn",
                    obs.streams
                ),
            )
            .evidence(format!("{} streams", obs.streams)),
        );
    }
    if let Some(msg) = &obs.limit {
        out.push(
            RawFinding::new(
                &rules::RESOURCE_LIMIT,
                path,
                format!("Pickle exceeds the analysis limits: {msg}"),
            )
            .evidence(msg.clone()),
        );
    }
    // Sites the machine counted past its own cap and did not keep.
    let o = &obs.omitted;
    let unkept = [
        (rules::DYNAMIC_IMPORT.id, o.dynamic),
        (rules::EXTENSION_CODE.id, o.ext_codes),
        (rules::SETSTATE_GADGET.id, o.setstate),
        (rules::CODE_OBJECT.id, o.code_objects),
        (rules::EMBEDDED_PICKLE.id, o.embedded),
        (rules::NONSTANDARD_OPCODES.id, o.nonstandard),
    ];
    for f in cap_per_rule(out, &unkept) {
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

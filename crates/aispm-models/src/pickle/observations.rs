//! What the symbolic machine ([`super::machine`]) saw in one file: every import with
//! the policy's verdict, the sites of dynamic imports, extension codes, BUILD gadgets,
//! code objects, embedded pickles and nonstandard constructs, how the streams ended,
//! and what was counted past the caps. This is the view the pickle rules read
//! ([`super::rules`]); the machine only writes it.

use super::policy::{self, Verdict};
use std::collections::HashMap;

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
    pub(super) text_used: u64,
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
    pub(super) fn site(
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

    pub(super) fn nonstandard(&mut self, offset: u64, what: &str) {
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

    pub(super) fn import(&mut self, module: &str, name: &str, offset: u64) -> usize {
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

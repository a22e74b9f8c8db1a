//! Analyzer dispatch: one file, archive member or history blob ([`ScanItem`]) is handed
//! to every analyzer that accepts it, each call bounded by the analyzer's size limit
//! and isolated with `catch_unwind`; whole-file assets get their digest; the inline
//! suppression comments of a text file are read; then a container is opened.
//!
//! The walk (`scanner`) and the history (`history`) build the items of the files they
//! find and call [`Dispatcher::analyze_item`]; `archive` opens containers and calls it
//! again for each member. That recursion — dispatch → archive → dispatch — is the one
//! mutual import between the engine's modules, and it is the container recursion
//! itself; everything else imports downwards.

use crate::archive::{self, Budget};
use crate::config::Limits;
use crate::suppress::{FileResult, collect_inline_suppressions};
use aispm_core::{
    AnalysisContext, Analyzer, Asset, Digest256, ErrorKind, ErrorRecord, FileInput, FileKind,
    ParentInfo, RawFinding, Source,
};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Receives progress while a scan runs (from several threads at once).
pub trait Progress: Send + Sync {
    /// A file on disk has been fully processed; `bytes` is its size.
    fn file_done(&self, bytes: u64);
}

/// Counters shared by the worker threads.
#[derive(Default)]
pub(crate) struct Counters {
    pub files_seen: AtomicU64,
    pub files_analyzed: AtomicU64,
    pub bytes_read: AtomicU64,
    pub archive_members: AtomicU64,
    pub files_not_hashed: AtomicU64,
    pub skipped_gitignored: AtomicU64,
    pub skipped_excluded: AtomicU64,
    pub tracked_gitignored: AtomicU64,
    /// Display paths of the regular files walked; recorded only when the history is
    /// scanned, so that blobs identical to them are not read twice.
    pub tip_files: Mutex<Vec<String>>,
}

/// A file on disk, an archive member or a history blob, typed and ready for the
/// analyzers.
pub(crate) struct ScanItem<'a> {
    pub display: String,
    pub disk_path: &'a Path,
    pub kind: FileKind,
    pub size: u64,
    pub head: Vec<u8>,
    pub source: Source<'a>,
    pub parent: Option<ParentInfo>,
    pub members: Option<Vec<String>>,
    /// Archive nesting level: 0 for files on disk.
    pub depth: u32,
    pub digest: Option<Digest256>,
}

impl ScanItem<'_> {
    /// The last component of the item's display path (of the innermost member).
    pub(crate) fn file_name(&self) -> &str {
        let inner = self.display.rsplit('!').next().unwrap_or(&self.display);
        inner.rsplit('/').next().unwrap_or(inner)
    }
}

/// The scan of one top-level item (a file on disk or a history blob) with everything
/// nested in it: its results, its expansion budget and its deadline.
pub(crate) struct FileScan<'s> {
    limits: &'s Limits,
    pub counters: &'s Counters,
    pub result: FileResult,
    pub budget: Budget,
    pub deadline: Instant,
    /// A blob of the git history: only analyzers that scan history see it.
    pub history: bool,
}

impl<'s> FileScan<'s> {
    /// A fresh budget and deadline for one top-level item.
    pub fn new(limits: &'s Limits, counters: &'s Counters, history: bool) -> Self {
        FileScan {
            limits,
            counters,
            result: FileResult::default(),
            budget: Budget::new(limits.max_expanded_bytes),
            deadline: Instant::now() + Duration::from_millis(limits.time_per_file_ms),
            history,
        }
    }

    pub fn limits(&self) -> &'s Limits {
        self.limits
    }

    pub fn error(&mut self, path: &str, kind: ErrorKind, message: impl Into<String>) {
        self.result
            .errors
            .push(ErrorRecord::new(path, kind, message).at_stage("engine"));
    }

    pub fn finding(&mut self, f: RawFinding) {
        self.result.findings.push(f);
    }

    pub fn timed_out(&self) -> bool {
        Instant::now() > self.deadline
    }
}

/// The analyzers that run and the limits they run under: what handing an item to
/// the analyzers needs.
#[derive(Clone, Copy)]
pub(crate) struct Dispatcher<'s> {
    pub analyzers: &'s [Box<dyn Analyzer>],
    pub limits: &'s Limits,
}

impl Dispatcher<'_> {
    /// Runs the analyzers on one item, then opens it if it is a container.
    pub(crate) fn analyze_item(&self, item: &ScanItem<'_>, work: &mut FileScan<'_>) {
        let input = self.input_of(item, &work.counters.bytes_read);
        let first_asset = work.result.assets.len();
        let mut analyzed = false;
        let mut reports_later = false;
        let time_limit = self.limits.time_per_file_ms;
        for analyzer in self.analyzers {
            if (work.history && !analyzer.scans_history()) || !analyzer.accepts(&input) {
                continue;
            }
            let max = self
                .limits
                .analyzer_max_file_size
                .get(analyzer.name())
                .copied()
                .unwrap_or_else(|| analyzer.default_max_file_size());
            if item.size > max {
                work.error(
                    &item.display,
                    ErrorKind::Limit,
                    format!(
                        "{} bytes, over the {} analyzer's size limit ({max}); not analysed by it",
                        item.size,
                        analyzer.name()
                    ),
                );
                continue;
            }
            analyzed = true;
            let mut cx = AnalysisContext::new(Some(work.deadline), time_limit);
            let outcome = catch_unwind(AssertUnwindSafe(|| analyzer.analyze(&input, &mut cx)));
            reports_later |= cx.reports_later();
            work.result.findings.append(&mut cx.findings);
            work.result.assets.append(&mut cx.assets);
            work.result.notices.append(&mut cx.notices);
            for e in cx.errors.drain(..) {
                work.result.errors.push(e.at_stage(analyzer.name()));
            }
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(err)) => {
                    work.result.errors.push(
                        ErrorRecord::new(&item.display, err.error_kind(), err.to_string())
                            .at_stage(analyzer.name()),
                    );
                }
                Err(_) => {
                    work.result.errors.push(
                        ErrorRecord::new(
                            &item.display,
                            ErrorKind::Parse,
                            "internal error while analysing this file; the scan went on (please report it)",
                        )
                        .at_stage(analyzer.name()),
                    );
                }
            }
        }
        if analyzed {
            work.counters.files_analyzed.fetch_add(1, Ordering::Relaxed);
        }
        self.fill_digests(item, &input, first_asset, work);
        if item.kind.is_text() {
            collect_inline_suppressions(&input, &mut work.result, reports_later);
        }
        if item.kind.is_container() {
            archive::open_container(self, item, work);
        } else if item.kind.is_uninspectable_archive() {
            archive::report_uninspectable(item, work);
        }
    }

    /// Fills in the digest of the whole-file assets (from `first_asset` on) the
    /// analyzers left without one, or says why the file was not hashed.
    fn fill_digests(
        &self,
        item: &ScanItem<'_>,
        input: &FileInput<'_>,
        first_asset: usize,
        work: &mut FileScan<'_>,
    ) {
        let own = |a: &Asset| a.path == item.display && a.line.is_none();
        let needs_digest = work.result.assets[first_asset..]
            .iter()
            .any(|a| own(a) && a.sha256.is_empty());
        if needs_digest && !input.hashable() {
            work.counters
                .files_not_hashed
                .fetch_add(1, Ordering::Relaxed);
            let why = format!(
                "over max_hash_size ({} bytes); raise it (--max-hash-size) to hash this file",
                self.limits.max_hash_size
            );
            for a in work.result.assets[first_asset..]
                .iter_mut()
                .filter(|a| own(a) && a.sha256.is_empty())
            {
                a.properties
                    .insert("sha256_skipped".into(), why.clone().into());
                if a.size == 0 {
                    a.size = item.size;
                }
            }
        } else if needs_digest {
            match input.digest() {
                Ok(d) => {
                    let d = d.clone();
                    for a in work.result.assets[first_asset..]
                        .iter_mut()
                        .filter(|a| own(a))
                    {
                        if a.sha256.is_empty() {
                            a.sha256 = d.sha256.clone();
                        }
                        if a.size == 0 {
                            a.size = item.size;
                        }
                    }
                }
                Err(e) => work.error(
                    &item.display,
                    ErrorKind::Io,
                    format!("cannot hash file: {e}"),
                ),
            }
        }
    }

    fn input_of<'n>(&self, item: &'n ScanItem<'n>, counter: &'n AtomicU64) -> FileInput<'n> {
        let input = FileInput::new(
            &item.display,
            item.disk_path,
            item.kind,
            item.size,
            &item.head,
            item.source,
        )
        .with_parent(item.parent.as_ref())
        .with_members(item.members.as_deref())
        .with_read_counter(counter)
        .with_max_hash_size(self.limits.max_hash_size);
        if let Some(d) = &item.digest {
            input.set_digest(d.clone());
        }
        input
    }

    /// Whether any analyzer scans the git history.
    pub(crate) fn any_history_analyzer(&self) -> bool {
        self.analyzers.iter().any(|a| a.scans_history())
    }

    /// Whether any analyzer wants a member of this kind, so that it is worth
    /// decompressing in full. Containers are always wanted. In a history blob only the
    /// analyzers that scan history count.
    pub(crate) fn wants(&self, item: &ScanItem<'_>, history: bool) -> bool {
        if item.kind.is_container() || item.kind.is_uninspectable_archive() {
            return true;
        }
        let counter = AtomicU64::new(0);
        let probe = self.input_of(item, &counter);
        self.analyzers
            .iter()
            .any(|a| (!history || a.scans_history()) && a.accepts(&probe))
    }
}

/// With several roots, display paths start with the root as given.
pub(crate) fn root_prefix(root: &Path) -> String {
    let mut p = root.to_string_lossy().replace('\\', "/");
    while p.ends_with('/') && p.len() > 1 {
        p.pop();
    }
    p
}

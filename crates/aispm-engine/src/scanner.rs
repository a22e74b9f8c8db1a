//! The scanner: walks roots in parallel, types each file by content, runs the
//! analyzers on it and recurses into archives within the limits.

use crate::archive::{self, Budget};
use crate::config::Limits;
use crate::finalize::{self, Collected, FileResult, SelectionOptions};
use crate::history;
use crate::rules;
use crate::sniff;
use crate::walkfilter::WalkFilter;
use aispm_core::{
    AnalysisContext, Analyzer, ErrorKind, ErrorRecord, FileInput, FileKind, HEAD_LEN, ParentInfo,
    RawFinding, RuleRegistry, ScanReport, Source,
};
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Receives progress while a scan runs (from several threads at once).
pub trait Progress: Send + Sync {
    /// A file on disk has been fully processed; `bytes` is its size.
    fn file_done(&self, bytes: u64);
}

/// Everything that shapes a scan besides the analyzers.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    pub limits: Limits,
    /// Gitignore-style globs, relative to each root, of paths not to walk.
    pub excludes: Vec<String>,
    /// Honour `.gitignore` files for the files git does not track (`.ignore` and
    /// `.aispmignore` apply always).
    pub respect_gitignore: bool,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    pub selection: SelectionOptions,
    /// Configuration file used, for the report.
    pub config_path: Option<String>,
    /// Also scan the git history of the repositories the roots are in (`--history`).
    pub history: bool,
}

/// A configured scanner: the analyzers and the rules they can report.
pub struct Scanner {
    /// The analyzers that run: those the rule selection leaves something to report.
    analyzers: Vec<Box<dyn Analyzer>>,
    /// Names of the analyzers that do not run, for the report.
    not_run: Vec<String>,
    registry: RuleRegistry,
    options: ScanOptions,
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

/// A file or archive member ready for analysis.
pub(crate) struct Node<'a> {
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
    pub digest: Option<aispm_core::Digest256>,
}

/// Per top-level file state: results, the expansion budget and the deadline.
pub(crate) struct Work<'s> {
    pub scanner: &'s Scanner,
    pub counters: &'s Counters,
    pub result: FileResult,
    pub budget: Budget,
    pub deadline: Instant,
    /// A blob of the git history: only analyzers that scan history see it.
    pub history: bool,
}

impl Work<'_> {
    pub fn limits(&self) -> &Limits {
        &self.scanner.options.limits
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

impl Scanner {
    /// A scanner with the given analyzers. Fails when two rules share an ID or a rule
    /// breaks the registry's invariants.
    pub fn new(
        analyzers: Vec<Box<dyn Analyzer>>,
        options: ScanOptions,
    ) -> Result<Scanner, aispm_core::rule::RegistryError> {
        let mut registry = RuleRegistry::new();
        registry.register(rules::RULES)?;
        for a in &analyzers {
            registry.register(a.rules())?;
        }
        // Every rule stays registered (`aispm rules`, `explain`); an analyzer none of
        // whose rules is selected is not run at all, so `--select SEC` costs what the
        // secrets analyzer costs.
        let (analyzers, skipped): (Vec<_>, Vec<_>) = analyzers
            .into_iter()
            .partition(|a| options.selection.runs_analyzer(a.rules()));
        Ok(Scanner {
            analyzers,
            not_run: skipped.iter().map(|a| a.name().to_string()).collect(),
            registry,
            options,
        })
    }

    /// Names of the analyzers the rule selection leaves out.
    pub fn analyzers_not_run(&self) -> &[String] {
        &self.not_run
    }

    pub fn registry(&self) -> &RuleRegistry {
        &self.registry
    }

    pub fn options(&self) -> &ScanOptions {
        &self.options
    }

    /// Scans the roots and returns the finished report.
    pub fn scan(&self, roots: &[PathBuf], progress: Option<&dyn Progress>) -> ScanReport {
        let started = time::OffsetDateTime::now_utc();
        let clock = Instant::now();
        let counters = Counters::default();
        let collected = Mutex::new(Collected::default());
        let multi = roots.len() > 1;
        for root in roots {
            let prefix = multi.then(|| root_prefix(root));
            self.walk_root(root, prefix.as_deref(), &counters, &collected, progress);
        }
        let history = self
            .options
            .history
            .then(|| history::scan_history(self, roots, &counters, progress));
        let mut collected = collected.into_inner().unwrap_or_else(|e| e.into_inner());
        self.finish_analyzers(&mut collected);
        finalize::build_report(
            self,
            collected,
            history,
            &counters,
            roots,
            started,
            clock.elapsed(),
        )
    }

    /// Runs each analyzer's post-walk hook once, on the assets in report order so that
    /// the outcome does not depend on the thread schedule; isolated like `analyze`.
    fn finish_analyzers(&self, collected: &mut Collected) {
        finalize::order_assets(&mut collected.assets);
        for analyzer in &self.analyzers {
            let mut cx = AnalysisContext::new(None, 0);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                analyzer.finish(&mut collected.assets, &mut cx)
            }));
            collected.findings.append(&mut cx.findings);
            collected.assets.append(&mut cx.assets);
            collected.notices.append(&mut cx.notices);
            let stage = analyzer.name();
            collected
                .errors
                .extend(cx.errors.drain(..).map(|e| e.at_stage(stage)));
            let failure = match outcome {
                Ok(Ok(())) => None,
                Ok(Err(err)) => Some((err.error_kind(), err.to_string())),
                Err(_) => Some((
                    ErrorKind::Parse,
                    "internal error in the post-scan step; the scan went on (please report it)"
                        .to_string(),
                )),
            };
            if let Some((kind, message)) = failure {
                collected
                    .errors
                    .push(ErrorRecord::new("", kind, message).at_stage(stage));
            }
        }
    }

    fn walk_root(
        &self,
        root: &Path,
        prefix: Option<&str>,
        counters: &Counters,
        collected: &Mutex<Collected>,
        progress: Option<&dyn Progress>,
    ) {
        let root_is_file = root.is_file();
        let display_of = |path: &Path| -> String {
            let rel = if root_is_file {
                path.file_name()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| path.to_path_buf())
            } else {
                path.strip_prefix(root)
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| path.to_path_buf())
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            match prefix {
                Some(p) if rel.is_empty() => p.to_string(),
                Some(p) if root_is_file => p.to_string(),
                Some(p) => format!("{p}/{rel}"),
                None => rel,
            }
        };
        let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());

        // The walker applies no rule itself: `WalkFilter` decides, so that tracked
        // files escape `.gitignore` and every skip is counted by reason.
        let mut excludes = None;
        if !self.options.excludes.is_empty() && root.is_dir() {
            let mut ob = ignore::overrides::OverrideBuilder::new(root);
            for g in &self.options.excludes {
                let g = g.trim();
                if g.is_empty() {
                    continue;
                }
                if let Err(e) = ob.add(&format!("!{}", g.trim_start_matches('!'))) {
                    let mut c = collected.lock().unwrap_or_else(|e| e.into_inner());
                    c.errors.push(ErrorRecord::new(
                        g,
                        ErrorKind::Walk,
                        format!("invalid exclude glob: {e}"),
                    ));
                }
            }
            excludes = ob.build().ok();
        }
        let filter = std::sync::Arc::new(WalkFilter::new(
            root,
            excludes,
            self.options.respect_gitignore,
        ));
        let mut builder = ignore::WalkBuilder::new(root);
        let entry_filter = filter.clone();
        builder
            .standard_filters(false)
            .hidden(false)
            .follow_links(false)
            .threads(self.options.threads)
            .filter_entry(move |e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                entry_filter.keep(e.path(), is_dir)
            });

        builder.build_parallel().run(|| {
            let display_of = &display_of;
            let canonical_root = &canonical_root;
            Box::new(move |entry| {
                use ignore::WalkState;
                let entry = match entry {
                    Ok(e) => e,
                    Err(err) => {
                        let (path, msg) = walk_error(&err);
                        let display = path.map(|p| display_of(&p)).unwrap_or_default();
                        let mut c = collected.lock().unwrap_or_else(|e| e.into_inner());
                        let kind = if msg.contains("loop") { ErrorKind::Symlink } else { ErrorKind::Walk };
                        c.errors.push(ErrorRecord::new(display, kind, msg).at_stage("walk"));
                        return WalkState::Continue;
                    }
                };
                let Some(ft) = entry.file_type() else {
                    return WalkState::Continue;
                };
                let path = entry.path();
                if ft.is_symlink() {
                    let display = display_of(path);
                    let result = self.check_symlink(path, &display, canonical_root);
                    if !result.is_empty() {
                        collected.lock().unwrap_or_else(|e| e.into_inner()).push(result);
                    }
                    return WalkState::Continue;
                }
                if ft.is_dir() {
                    return WalkState::Continue;
                }
                if !ft.is_file() {
                    // FIFOs, sockets and devices are never opened (a FIFO would block).
                    let display = display_of(path);
                    counters.files_seen.fetch_add(1, Ordering::Relaxed);
                    let mut r = FileResult::default();
                    r.errors.push(
                        ErrorRecord::new(&display, ErrorKind::Io, format!("not a regular file ({}); not read", special_kind(&ft)))
                            .at_stage("walk"),
                    );
                    collected.lock().unwrap_or_else(|e| e.into_inner()).push(r);
                    return WalkState::Continue;
                }
                let display = display_of(path);
                if self.options.history {
                    counters.tip_files.lock().unwrap_or_else(|e| e.into_inner()).push(display.clone());
                }
                // Defence in depth: a bug on hostile input costs one file, not the scan.
                let (result, size) = catch_unwind(AssertUnwindSafe(|| self.process_disk_file(path, display.clone(), counters)))
                    .unwrap_or_else(|_| {
                        let mut r = FileResult::default();
                        r.errors.push(
                            ErrorRecord::new(&display, ErrorKind::Parse, "internal error while scanning this file; the scan went on (please report it)")
                                .at_stage("engine"),
                        );
                        (r, 0)
                    });
                if !result.is_empty() {
                    collected.lock().unwrap_or_else(|e| e.into_inner()).push(result);
                }
                if let Some(p) = progress {
                    p.file_done(size);
                }
                WalkState::Continue
            })
        });
        let c = &filter.counts;
        for (from, to) in [
            (&c.gitignored, &counters.skipped_gitignored),
            (&c.excluded, &counters.skipped_excluded),
            (&c.tracked_gitignored, &counters.tracked_gitignored),
        ] {
            to.fetch_add(from.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        let errors = filter.take_errors();
        if !errors.is_empty() {
            let mut c = collected.lock().unwrap_or_else(|e| e.into_inner());
            c.errors.extend(errors);
        }
    }

    /// Symbolic links are never followed. A link whose target is inside the root needs
    /// nothing: the target is scanned where it is. Loops, broken links and links
    /// leaving the root are recorded.
    fn check_symlink(&self, path: &Path, display: &str, canonical_root: &Path) -> FileResult {
        let mut r = FileResult::default();
        let target_text = std::fs::read_link(path)
            .map(|t| t.to_string_lossy().into_owned())
            .unwrap_or_default();
        match std::fs::canonicalize(path) {
            Ok(target) => {
                if !target.starts_with(canonical_root) {
                    r.findings.push(
                        RawFinding::new(
                            &rules::SYMLINK_OUTSIDE_ROOT,
                            display,
                            format!("symbolic link points outside the scanned tree to `{target_text}`; not followed"),
                        )
                        .evidence(format!("-> {target_text}"))
                        .key(target_text.clone()),
                    );
                    r.errors.push(
                        ErrorRecord::new(display, ErrorKind::Symlink, format!("symbolic link to `{target_text}` outside the scan root was not followed"))
                            .at_stage("walk"),
                    );
                }
            }
            Err(e) => {
                let msg = if e.raw_os_error() == Some(40)
                    || e.to_string()
                        .to_ascii_lowercase()
                        .contains("symbolic links")
                {
                    format!("symbolic link loop (`{target_text}`); not followed")
                } else if e.kind() == std::io::ErrorKind::NotFound {
                    format!("broken symbolic link: target `{target_text}` does not exist")
                } else {
                    format!("cannot resolve symbolic link `{target_text}`: {e}")
                };
                r.errors
                    .push(ErrorRecord::new(display, ErrorKind::Symlink, msg).at_stage("walk"));
            }
        }
        r
    }

    /// Processes one regular file on disk. Returns its results and its size.
    fn process_disk_file(
        &self,
        path: &Path,
        display: String,
        counters: &Counters,
    ) -> (FileResult, u64) {
        counters.files_seen.fetch_add(1, Ordering::Relaxed);
        let limits = &self.options.limits;
        let mut work = Work {
            scanner: self,
            counters,
            result: FileResult::default(),
            budget: Budget::new(limits.max_expanded_bytes),
            deadline: Instant::now() + Duration::from_millis(limits.time_per_file_ms),
            history: false,
        };
        let size = match std::fs::metadata(path) {
            Ok(m) => m.len(),
            Err(e) => {
                work.error(
                    &display,
                    ErrorKind::Io,
                    format!("cannot read metadata: {e}"),
                );
                return (work.result, 0);
            }
        };
        if size > limits.max_file_size {
            work.error(
                &display,
                ErrorKind::Limit,
                format!(
                    "file is {size} bytes, over max_file_size ({}); not analysed",
                    limits.max_file_size
                ),
            );
            return (work.result, size);
        }
        let head = match read_head(path) {
            Ok(h) => h,
            Err(e) => {
                work.error(&display, ErrorKind::Io, format!("cannot read file: {e}"));
                return (work.result, size);
            }
        };
        counters
            .bytes_read
            .fetch_add(head.len() as u64, Ordering::Relaxed);
        let mut kind = sniff::sniff(&head, &display, size);
        let mut members = None;
        // An unreadable zip is reported when the engine opens it as a container.
        if kind == FileKind::Zip
            && let Ok(names) = archive::zip_member_names(Source::Path(path))
        {
            kind = sniff::classify_zip(&names);
            members = Some(names);
        }
        let node = Node {
            display,
            disk_path: path,
            kind,
            size,
            head,
            source: Source::Path(path),
            parent: None,
            members,
            depth: 0,
            digest: None,
        };
        self.analyze_node(&node, &mut work);
        (work.result, size)
    }

    /// Runs the analyzers on one node, then opens it if it is a container.
    pub(crate) fn analyze_node(&self, node: &Node<'_>, work: &mut Work<'_>) {
        let input = self.input_of(node, &work.counters.bytes_read);
        let first_asset = work.result.assets.len();
        let mut analyzed = false;
        let mut reports_later = false;
        let time_limit = self.options.limits.time_per_file_ms;
        for analyzer in &self.analyzers {
            if (work.history && !analyzer.scans_history()) || !analyzer.accepts(&input) {
                continue;
            }
            let max = self
                .options
                .limits
                .analyzer_max_file_size
                .get(analyzer.name())
                .copied()
                .unwrap_or_else(|| analyzer.default_max_file_size());
            if node.size > max {
                work.error(
                    &node.display,
                    ErrorKind::Limit,
                    format!(
                        "{} bytes, over the {} analyzer's size limit ({max}); not analysed by it",
                        node.size,
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
                        ErrorRecord::new(&node.display, err.error_kind(), err.to_string())
                            .at_stage(analyzer.name()),
                    );
                }
                Err(_) => {
                    work.result.errors.push(
                        ErrorRecord::new(
                            &node.display,
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
        // Fill in the digest of whole-file assets the analyzers left without one.
        let own = |a: &aispm_core::Asset| a.path == node.display && a.line.is_none();
        let needs_digest = work.result.assets[first_asset..]
            .iter()
            .any(|a| own(a) && a.sha256.is_empty());
        if needs_digest && !input.hashable() {
            work.counters
                .files_not_hashed
                .fetch_add(1, Ordering::Relaxed);
            let why = format!(
                "over max_hash_size ({} bytes); raise it (--max-hash-size) to hash this file",
                self.options.limits.max_hash_size
            );
            for a in work.result.assets[first_asset..]
                .iter_mut()
                .filter(|a| own(a) && a.sha256.is_empty())
            {
                a.properties
                    .insert("sha256_skipped".into(), why.clone().into());
                if a.size == 0 {
                    a.size = node.size;
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
                            a.size = node.size;
                        }
                    }
                }
                Err(e) => work.error(
                    &node.display,
                    ErrorKind::Io,
                    format!("cannot hash file: {e}"),
                ),
            }
        }
        if node.kind.is_text() {
            finalize::collect_inline_suppressions(&input, &mut work.result, reports_later);
        }
        if node.kind.is_container() {
            archive::open_container(self, node, work);
        } else if node.kind.is_uninspectable_archive() {
            archive::report_uninspectable(node, work);
        }
    }

    fn input_of<'n>(&self, node: &'n Node<'n>, counter: &'n AtomicU64) -> FileInput<'n> {
        let input = FileInput::new(
            &node.display,
            node.disk_path,
            node.kind,
            node.size,
            &node.head,
            node.source,
        )
        .with_parent(node.parent.as_ref())
        .with_members(node.members.as_deref())
        .with_read_counter(counter)
        .with_max_hash_size(self.options.limits.max_hash_size);
        if let Some(d) = &node.digest {
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
    pub(crate) fn wants(&self, node: &Node<'_>, history: bool) -> bool {
        if node.kind.is_container() || node.kind.is_uninspectable_archive() {
            return true;
        }
        let counter = AtomicU64::new(0);
        let probe = self.input_of(node, &counter);
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

fn special_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "named pipe";
        }
        if ft.is_socket() {
            return "socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "device";
        }
    }
    let _ = ft;
    "special file"
}

fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut head = Vec::with_capacity(HEAD_LEN);
    f.take(HEAD_LEN as u64).read_to_end(&mut head)?;
    Ok(head)
}

fn walk_error(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        ignore::Error::Loop { child, ancestor } => (
            Some(child.clone()),
            format!(
                "filesystem loop: {} leads back to {}",
                child.display(),
                ancestor.display()
            ),
        ),
        ignore::Error::Io(e) => (None, format!("cannot read: {e}")),
        other => (None, other.to_string()),
    }
}

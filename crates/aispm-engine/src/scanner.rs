//! The scanner: the entry point of a scan. It walks each root in parallel (symbolic
//! links, special files and the walk's skips handled here), types each regular file by
//! content and hands it to `dispatch`; then it runs the history scan if asked, the
//! analyzers' `finish` hooks and finalisation.

use crate::archive;
use crate::dispatch::{Counters, Dispatcher, FileScan, Progress, ScanItem, root_prefix};
use crate::finalize;
use crate::history;
use crate::options::ScanOptions;
use crate::rules::{self, art006_symlink_outside_root};
use crate::sniff;
use crate::suppress::{Collected, FileResult};
use crate::walkfilter::WalkFilter;
use aispm_core::{
    AnalysisContext, Analyzer, ErrorKind, ErrorRecord, FileKind, HEAD_LEN, RuleRegistry,
    ScanReport, Source,
};
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// A configured scanner: the analyzers and the rules they can report.
pub struct Scanner {
    /// The analyzers that run: those the rule selection leaves something to report.
    analyzers: Vec<Box<dyn Analyzer>>,
    /// Names of the analyzers that do not run, for the report.
    not_run: Vec<String>,
    registry: RuleRegistry,
    options: ScanOptions,
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

    /// What dispatching a file to the analyzers needs.
    fn dispatcher(&self) -> Dispatcher<'_> {
        Dispatcher {
            analyzers: &self.analyzers,
            limits: &self.options.limits,
        }
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
        let history = self.options.history.then(|| {
            history::scan_history(
                &self.dispatcher(),
                &self.options,
                roots,
                &counters,
                progress,
            )
        });
        let mut collected = collected.into_inner().unwrap_or_else(|e| e.into_inner());
        self.finish_analyzers(&mut collected);
        finalize::build_report(
            &self.options,
            &self.not_run,
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
                if let Some(finding) = art006_symlink_outside_root::check(
                    display,
                    &target,
                    canonical_root,
                    &target_text,
                ) {
                    r.findings.push(finding);
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
        let mut work = FileScan::new(limits, counters, false);
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
        let item = ScanItem {
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
        self.dispatcher().analyze_item(&item, &mut work);
        (work.result, size)
    }
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

//! Git history (`aispm scan --history`): every blob reachable from any reference of
//! the repository a root is in is read once, deduplicated by object id, and handed to
//! the analyzers that scan history, together with the commit that introduced it.
//!
//! References (branches, tags peeled to what they name, remotes, the stash, `HEAD`
//! even when detached) give the tips. The commits reachable from them are ordered
//! parents first and, among the commits that are ready, oldest committer date first
//! (ties by id), so the first commit whose tree holds a blob is the one that introduced
//! it. Trees are walked in that order and a tree already seen is skipped with
//! everything below it, so each tree and each blob is decoded once — the cost of
//! `git rev-list --objects`, not of a diff per commit. Blobs identical to the file at
//! the same path in the scanned tree are not read again (the walk scanned that file;
//! its findings get the introducing commit as provenance). The others are read in
//! parallel, one `gix::Repository` per thread and one blob at a time per thread, typed
//! by content and analysed like an archive member (containers in them are opened), by
//! the analyzers whose [`Analyzer::scans_history`](aispm_core::Analyzer::scans_history)
//! says yes. Finalisation then keeps, per rule and key, the earliest occurrence, and
//! tells findings still produced by the scanned tree from those only alive in history.

use crate::archive;
use crate::dispatch::{Counters, Dispatcher, FileScan, Progress, ScanItem, root_prefix};
use crate::options::ScanOptions;
use crate::rules;
use crate::sniff;
use crate::suppress::{FileResult, InlineSuppression, inline_suppression};
use aispm_core::{
    ErrorKind, ErrorRecord, FileKind, HEAD_LEN, HistoryProvenance, HistoryStats, RawFinding,
    Source, Suppression,
};
use gix::ObjectId;
use gix::objs::{CommitRef, Kind, TreeRefIter};
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Stage name of the error records this module writes.
const STAGE: &str = "history";
/// Damaged trees listed one by one before the rest are counted.
const MAX_LISTED: usize = 10;

/// What the history scan of all roots produced; finalisation merges it into the report.
#[derive(Debug, Default)]
pub struct HistoryResult {
    /// Findings in history blobs, in a deterministic order (root, commit, path).
    pub findings: Vec<HistoryFinding>,
    pub errors: Vec<ErrorRecord>,
    /// Where the content of a history finding, or of a file of the scanned tree, came
    /// from.
    pub origins: Vec<Origin>,
    /// Display path of a file in the scanned tree → origin of the identical blob.
    pub tip_origins: HashMap<String, usize>,
    pub stats: HistoryStats,
}

/// A finding in a history blob.
#[derive(Debug)]
pub struct HistoryFinding {
    pub raw: RawFinding,
    /// Index into [`HistoryResult::origins`].
    pub origin: usize,
    /// Set when an `aispm:ignore` comment in that blob covers the finding.
    pub inline: Option<Suppression>,
}

/// A blob's introducing commit and path.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Sort key: earlier is smaller (root index, then the commit's position in the
    /// parents-first order).
    pub order: (u32, u32),
    /// With `in_tip` still unset; finalisation decides it.
    pub provenance: HistoryProvenance,
}

/// Opens the repository `start` is in, looking upwards. No global or system
/// configuration, no environment: a scan reads objects, references and the index only
/// and runs nothing from the repository (no hooks, filters or helpers).
pub(crate) fn discover(start: &Path) -> Result<gix::ThreadSafeRepository, gix::Error> {
    let isolated = gix::open::Options::isolated();
    gix::ThreadSafeRepository::discover_opts(
        start,
        gix::discover::upwards::Options::default(),
        gix::sec::trust::Mapping {
            full: isolated.clone(),
            reduced: isolated,
        },
    )
}

/// Why the history of a root was not scanned; the message is its error record's.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HistoryError {
    /// No repository found upwards from the root. The message includes gix's, so it
    /// is not also the `source`.
    #[error("--history: not inside a git repository ({0}); history not scanned")]
    NotARepository(gix::Error),
    /// The root is inside the `.git` folder of a repository with a work tree.
    #[error(
        "--history: the path is inside the repository's git folder, not its work tree; history not scanned"
    )]
    OutsideWorkTree,
    /// The root is inside a `.git` folder found in the work tree.
    #[error("--history: the path is inside the repository's git folder; history not scanned")]
    InGitFolder,
}

/// Scans the history of the repositories the roots are in; `dispatch` hands each
/// blob read to the analyzers that scan history.
pub(crate) fn scan_history(
    dispatch: &Dispatcher<'_>,
    options: &ScanOptions,
    roots: &[PathBuf],
    counters: &Counters,
    progress: Option<&dyn Progress>,
) -> HistoryResult {
    let tip_files: HashSet<String> =
        std::mem::take(&mut *counters.tip_files.lock().unwrap_or_else(|e| e.into_inner()))
            .into_iter()
            .collect();
    let mut out = HistoryResult::default();
    let multi = roots.len() > 1;
    for (i, root) in roots.iter().enumerate() {
        let prefix = multi.then(|| root_prefix(root));
        let ctx = RootContext {
            dispatch,
            options,
            root,
            root_index: i as u32,
            prefix: prefix.as_deref(),
            tip_files: &tip_files,
            progress,
        };
        let display_root = prefix.clone().unwrap_or_else(|| ".".to_string());
        match catch_unwind(AssertUnwindSafe(|| ctx.scan(&mut out))) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => out.errors.push(
                ErrorRecord::new(display_root, ErrorKind::Unsupported, e.to_string())
                    .at_stage(STAGE),
            ),
            Err(_) => out.errors.push(
                ErrorRecord::new(
                    display_root,
                    ErrorKind::Parse,
                    "internal error while scanning the git history; the scan went on (please report it)",
                )
                .at_stage(STAGE),
            ),
        }
    }
    out
}

/// One root's history scan.
struct RootContext<'a> {
    dispatch: &'a Dispatcher<'a>,
    options: &'a ScanOptions,
    root: &'a Path,
    root_index: u32,
    prefix: Option<&'a str>,
    tip_files: &'a HashSet<String>,
    progress: Option<&'a dyn Progress>,
}

/// A commit as the walk needs it.
struct CommitNode {
    id: ObjectId,
    tree: ObjectId,
    time: i64,
    parents: Vec<ObjectId>,
}

/// The commits reachable from the tips, and each one's index in the list by id.
struct Commits {
    list: Vec<CommitNode>,
    index: HashMap<ObjectId, u32>,
}

/// A unique blob and where it first appeared.
struct Item {
    id: ObjectId,
    /// Index into the commit list.
    commit: u32,
    /// Position of that commit in the parents-first order.
    order: u32,
    /// Path relative to the root (empty when the root is the file itself).
    rel: String,
}

/// What happened to one unique blob.
#[derive(Default)]
struct BlobOutcome {
    result: FileResult,
    in_tip: bool,
    scanned: bool,
    /// Not in the object database (a partial clone).
    missing: bool,
    bytes: u64,
}

/// Where to start in each commit's tree: the root's path inside the repository.
struct Subpath {
    /// Components from the repository's top level (empty: the whole tree).
    components: Vec<String>,
    /// The root is a file, not a folder.
    is_file: bool,
}

impl RootContext<'_> {
    /// The phases of one root's history scan: tips, the commits reachable from them in
    /// parents-first order, the unique blobs of their trees, the blobs' analysis, and
    /// each finding's provenance.
    fn scan(&self, out: &mut HistoryResult) -> Result<(), HistoryError> {
        let (ts, sub) = self.open()?;
        let repo = ts.to_thread_local();
        out.stats.repositories += 1;

        let tips = self.tips(&repo, out);
        let commits = self.collect_commits(&repo, tips, out);
        let order = topological_order(&commits.list, &commits.index);
        let items = self.unique_blobs(&repo, &commits.list, &order, &sub, out);

        // Working-tree files that blobs may be identical to.
        let tip_ids = self.tip_blob_ids(&ts, &items, &sub, repo.object_hash());
        let outcomes = self.read_blobs(&ts, &items, &sub, &tip_ids);

        self.attach_provenance(&repo, &commits.list, &items, outcomes, &sub, out);
        Ok(())
    }

    /// Commits reachable from the tips, each read once. Commits that are missing
    /// (a shallow or partial clone, or damage) are counted in one error record.
    fn collect_commits(
        &self,
        repo: &gix::Repository,
        tips: BTreeSet<ObjectId>,
        out: &mut HistoryResult,
    ) -> Commits {
        let hash_kind = repo.object_hash();
        let mut index: HashMap<ObjectId, u32> = HashMap::new();
        let mut commits: Vec<CommitNode> = Vec::new();
        let mut stack: Vec<ObjectId> = tips.into_iter().rev().collect();
        let mut missing = 0u64;
        let shallow = repo.is_shallow().unwrap_or(false);
        while let Some(id) = stack.pop() {
            if index.contains_key(&id) {
                continue;
            }
            let obj = match repo.try_find_object(id) {
                Ok(Some(o)) => o,
                Ok(None) => {
                    missing += 1;
                    continue;
                }
                Err(e) => {
                    self.error(
                        out,
                        ".",
                        ErrorKind::Io,
                        format!("cannot read commit {id}: {e}"),
                    );
                    continue;
                }
            };
            if obj.kind != Kind::Commit {
                continue;
            }
            let c = match CommitRef::from_bytes(&obj.data, hash_kind) {
                Ok(c) => c,
                Err(e) => {
                    self.error(
                        out,
                        ".",
                        ErrorKind::Parse,
                        format!("cannot parse commit {id}: {e}"),
                    );
                    continue;
                }
            };
            let parents: Vec<ObjectId> = c.parents().collect();
            let node = CommitNode {
                id,
                tree: c.tree(),
                time: c.time().map(|t| t.seconds).unwrap_or(0),
                parents,
            };
            for p in node.parents.iter().rev() {
                if !index.contains_key(p) {
                    stack.push(*p);
                }
            }
            index.insert(id, commits.len() as u32);
            commits.push(node);
        }
        if missing > 0 {
            let message = if shallow {
                format!(
                    "shallow clone: {missing} parent commits are not in the repository; older history not scanned"
                )
            } else {
                format!(
                    "{missing} commits named by references or parents are missing from the object database (partial clone or damage); their history is not scanned"
                )
            };
            self.error(out, ".", ErrorKind::Unsupported, message);
        }
        out.stats.commits += commits.len() as u64;
        Commits {
            list: commits,
            index,
        }
    }

    /// Unique blobs, each at its first commit (in `order`) and path under the root.
    /// Trees already seen are skipped with everything below them. Damaged trees and
    /// submodules (gitlinks) are recorded as errors.
    fn unique_blobs(
        &self,
        repo: &gix::Repository,
        commits: &[CommitNode],
        order: &[u32],
        sub: &Subpath,
        out: &mut HistoryResult,
    ) -> Vec<Item> {
        let hash_kind = repo.object_hash();
        let mut items: Vec<Item> = Vec::new();
        let mut gitlinks: BTreeSet<String> = BTreeSet::new();
        let excludes = self.excludes();
        let mut seen_trees: HashSet<ObjectId> = HashSet::new();
        let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
        let mut stack: Vec<(ObjectId, String)> = Vec::new();
        let mut broken_trees: BTreeSet<ObjectId> = BTreeSet::new();
        for (pos, &ci) in order.iter().enumerate() {
            let commit = &commits[ci as usize];
            let start = match descend(repo, commit.tree, &sub.components) {
                Some(s) => s,
                None => continue,
            };
            match start {
                Start::Tree(id) => {
                    if seen_trees.insert(id) {
                        stack.push((id, String::new()));
                    }
                }
                Start::Blob(id) => {
                    if seen_blobs.insert(id) {
                        items.push(Item {
                            id,
                            commit: ci,
                            order: pos as u32,
                            rel: String::new(),
                        });
                    }
                }
                Start::Other => {}
            }
            while let Some((tree_id, dir)) = stack.pop() {
                let obj = match repo.find_object(tree_id) {
                    Ok(o) if o.kind == Kind::Tree => o,
                    _ => {
                        broken_trees.insert(tree_id);
                        continue;
                    }
                };
                let rel_of = |name: &[u8]| {
                    let name = String::from_utf8_lossy(name);
                    if dir.is_empty() {
                        name.into_owned()
                    } else {
                        format!("{dir}/{name}")
                    }
                };
                for entry in TreeRefIter::from_bytes(&obj.data, hash_kind) {
                    let Ok(entry) = entry else {
                        broken_trees.insert(tree_id);
                        break;
                    };
                    let mode = entry.mode;
                    // Most entries of a changed tree were seen before: look the id
                    // up before building a path.
                    let seen = if mode.is_tree() {
                        &mut seen_trees
                    } else if mode.is_blob() {
                        &mut seen_blobs
                    } else {
                        if mode.is_commit() {
                            gitlinks.insert(rel_of(entry.filename));
                        }
                        // Symbolic links: their blob is the target's name, not content.
                        continue;
                    };
                    let id = entry.oid.to_owned();
                    if seen.contains(&id) {
                        continue;
                    }
                    let rel = rel_of(entry.filename);
                    if let Some(ov) = &excludes
                        && ov.matched(&rel, mode.is_tree()).is_ignore()
                    {
                        continue;
                    }
                    seen.insert(id);
                    if mode.is_tree() {
                        stack.push((id, rel));
                    } else {
                        items.push(Item {
                            id,
                            commit: ci,
                            order: pos as u32,
                            rel,
                        });
                    }
                }
            }
        }
        self.report_broken_trees(broken_trees, out);
        out.stats.unique_blobs += items.len() as u64;
        out.stats.submodules += gitlinks.len() as u64;
        for g in &gitlinks {
            let display = self.display(g, sub);
            out.errors.push(
                ErrorRecord::new(
                    display,
                    ErrorKind::Unsupported,
                    "submodule (gitlink): its history belongs to another repository and is not scanned",
                )
                .at_stage(STAGE),
            );
        }
        items
    }

    /// The first damaged trees one by one, the rest counted.
    fn report_broken_trees(&self, broken_trees: BTreeSet<ObjectId>, out: &mut HistoryResult) {
        let broken = broken_trees.len();
        for t in broken_trees.into_iter().take(MAX_LISTED) {
            self.error(
                out,
                ".",
                ErrorKind::Parse,
                format!(
                    "tree {t} is missing or cannot be parsed; what is below it was not scanned"
                ),
            );
        }
        if broken > MAX_LISTED {
            self.error(
                out,
                ".",
                ErrorKind::Parse,
                format!(
                    "{} more trees are missing or cannot be parsed (partial clone or damage); what is below them was not scanned",
                    broken - MAX_LISTED
                ),
            );
        }
    }

    /// Provenance, one commit read per commit that matters: blobs identical to the
    /// scanned tree's file give that file its introducing commit; the findings of the
    /// blobs read are kept with theirs, and their errors say which blob and commit.
    fn attach_provenance(
        &self,
        repo: &gix::Repository,
        commits: &[CommitNode],
        items: &[Item],
        outcomes: Vec<BlobOutcome>,
        sub: &Subpath,
        out: &mut HistoryResult,
    ) {
        let mut meta: HashMap<u32, (String, String, String)> = HashMap::new();
        let mut origin_of = |item: &Item, out: &mut HistoryResult| -> usize {
            let (author, email, date) = meta
                .entry(item.commit)
                .or_insert_with(|| commit_meta(repo, commits[item.commit as usize].id))
                .clone();
            let path = join_repo_path(sub, &item.rel);
            out.origins.push(Origin {
                order: (self.root_index, item.order),
                provenance: HistoryProvenance {
                    commit: commits[item.commit as usize].id.to_string(),
                    author,
                    email,
                    date,
                    path,
                    in_tip: false,
                },
            });
            out.origins.len() - 1
        };
        let mut missing_blobs = 0u64;
        for (item, outcome) in items.iter().zip(outcomes) {
            if outcome.missing {
                missing_blobs += 1;
                continue;
            }
            if outcome.in_tip {
                out.stats.blobs_in_tip += 1;
                let o = origin_of(item, out);
                out.tip_origins.insert(self.display(&item.rel, sub), o);
                continue;
            }
            if outcome.scanned {
                out.stats.blobs_scanned += 1;
                out.stats.bytes_read += outcome.bytes;
            }
            let FileResult {
                findings,
                errors,
                inline,
                ..
            } = outcome.result;
            if !errors.is_empty() {
                let commit = &commits[item.commit as usize].id;
                for mut e in errors {
                    e.message = format!(
                        "{} (history: blob {} first in commit {}, {})",
                        e.message,
                        short(&item.id),
                        short(commit),
                        join_repo_path(sub, &item.rel)
                    );
                    out.errors.push(e);
                }
            }
            if findings.is_empty() {
                continue;
            }
            let o = origin_of(item, out);
            for raw in findings {
                let inline = inline_for(&raw, &inline);
                out.findings.push(HistoryFinding {
                    raw,
                    origin: o,
                    inline,
                });
            }
        }
        if missing_blobs > 0 {
            self.error(
                out,
                ".",
                ErrorKind::Unsupported,
                format!(
                    "{missing_blobs} blobs named by commits are not in the object database (partial clone); they were not scanned"
                ),
            );
        }
    }

    /// Opens the repository the root is in and finds the root's path inside it.
    fn open(&self) -> Result<(gix::ThreadSafeRepository, Subpath), HistoryError> {
        let is_file = self.root.is_file();
        let start = if is_file {
            self.root.parent().unwrap_or(Path::new("."))
        } else {
            self.root
        };
        let start = if start.as_os_str().is_empty() {
            Path::new(".")
        } else {
            start
        };
        let ts = discover(start).map_err(HistoryError::NotARepository)?;
        let canonical_root =
            std::fs::canonicalize(self.root).unwrap_or_else(|_| self.root.to_path_buf());
        let components = match ts.work_dir() {
            Some(wd) => {
                let wd = std::fs::canonicalize(wd).unwrap_or_else(|_| wd.to_path_buf());
                let rel = canonical_root
                    .strip_prefix(&wd)
                    .map_err(|_| HistoryError::OutsideWorkTree)?;
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect()
            }
            None => Vec::new(),
        };
        if components.iter().any(|c| c == ".git") {
            return Err(HistoryError::InGitFolder);
        }
        Ok((
            ts,
            Subpath {
                components,
                is_file,
            },
        ))
    }

    /// Commits named by references and `HEAD`, in a stable order.
    fn tips(&self, repo: &gix::Repository, out: &mut HistoryResult) -> BTreeSet<ObjectId> {
        let mut tips = BTreeSet::new();
        let mut refs = Vec::new();
        match repo.references() {
            Ok(platform) => match platform.all() {
                Ok(iter) => {
                    for r in iter {
                        match r {
                            Ok(r) => refs.push(r),
                            Err(e) => self.error(
                                out,
                                ".",
                                ErrorKind::Io,
                                format!("cannot read a reference: {e}"),
                            ),
                        }
                    }
                }
                Err(e) => self.error(
                    out,
                    ".",
                    ErrorKind::Io,
                    format!("cannot list references: {e}"),
                ),
            },
            Err(e) => self.error(
                out,
                ".",
                ErrorKind::Io,
                format!("cannot list references: {e}"),
            ),
        }
        let mut targets: Vec<(String, Result<ObjectId, gix::Error>)> = refs
            .into_iter()
            .map(|mut r| {
                let name = r.name().as_bstr().to_string();
                (name, r.peel_to_id().map(|id| id.detach()))
            })
            .collect();
        // HEAD, attached or detached; an unborn HEAD (empty repository) names nothing.
        if let Ok(head) = repo.head()
            && let Some(id) = head.id()
        {
            targets.push(("HEAD".into(), Ok(id.detach())));
        }
        for (name, target) in targets {
            let id = match target {
                Ok(id) => id,
                Err(e) => {
                    self.error(
                        out,
                        ".",
                        ErrorKind::Io,
                        format!("cannot resolve reference {name}: {e}"),
                    );
                    continue;
                }
            };
            match repo.find_header(id).map(|h| h.kind()) {
                Ok(Kind::Commit) => {
                    out.stats.refs += 1;
                    tips.insert(id);
                }
                Ok(kind) => self.error(
                    out,
                    ".",
                    ErrorKind::Unsupported,
                    format!("reference {name} names a {kind}, not a commit; not scanned"),
                ),
                Err(e) => self.error(
                    out,
                    ".",
                    ErrorKind::Io,
                    format!("reference {name} names {id}, which cannot be read: {e}"),
                ),
            }
        }
        tips
    }

    /// The `--exclude` globs, applied to history paths as the walk applies them.
    fn excludes(&self) -> Option<ignore::overrides::Override> {
        let globs = &self.options.excludes;
        if globs.iter().all(|g| g.trim().is_empty()) || self.root.is_file() {
            return None;
        }
        let mut ob = ignore::overrides::OverrideBuilder::new(self.root);
        for g in globs {
            let g = g.trim();
            if !g.is_empty() {
                // Invalid globs are reported once, by the walk.
                let _ = ob.add(&format!("!{}", g.trim_start_matches('!')));
            }
        }
        ob.build().ok()
    }

    /// Display path of a path relative to the root, as the walk writes it.
    fn display(&self, rel: &str, sub: &Subpath) -> String {
        if sub.is_file {
            return match self.prefix {
                Some(p) => p.to_string(),
                None => self
                    .root
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            };
        }
        match self.prefix {
            Some(p) if rel.is_empty() => p.to_string(),
            Some(p) => format!("{p}/{rel}"),
            None => rel.to_string(),
        }
    }

    /// Path on disk of a file of the scanned tree.
    fn disk_path(&self, rel: &str, sub: &Subpath) -> PathBuf {
        if sub.is_file || rel.is_empty() {
            self.root.to_path_buf()
        } else {
            self.root.join(rel)
        }
    }

    /// Object ids of the scanned tree's files that some blob may be identical to:
    /// files the walk scanned, at a path where a blob of the same size was seen.
    fn tip_blob_ids(
        &self,
        ts: &gix::ThreadSafeRepository,
        items: &[Item],
        sub: &Subpath,
        hash_kind: gix::hash::Kind,
    ) -> HashMap<String, ObjectId> {
        let mut by_path: HashMap<&str, Vec<ObjectId>> = HashMap::new();
        for item in items {
            if self.tip_files.contains(&self.display(&item.rel, sub)) {
                by_path.entry(item.rel.as_str()).or_default().push(item.id);
            }
        }
        let cap = self.cap();
        let mut paths: Vec<(&str, Vec<ObjectId>)> = by_path.into_iter().collect();
        paths.sort();
        let compute = || -> Vec<(String, ObjectId)> {
            paths
                .par_iter()
                .map_init(
                    || ts.to_thread_local(),
                    |repo, (rel, ids)| {
                        let disk = self.disk_path(rel, sub);
                        let size = std::fs::metadata(&disk).ok()?.len();
                        if size > cap {
                            return None;
                        }
                        let same_size = ids
                            .iter()
                            .any(|id| repo.find_header(*id).map(|h| h.size()).ok() == Some(size));
                        if !same_size {
                            return None;
                        }
                        let data = std::fs::read(&disk).ok()?;
                        let oid = gix::objs::compute_hash(hash_kind, Kind::Blob, &data).ok()?;
                        Some((self.display(rel, sub), oid))
                    },
                )
                .flatten()
                .collect()
        };
        self.in_pool(compute).into_iter().collect()
    }

    /// Largest blob read: history blobs are read whole, in memory.
    fn cap(&self) -> u64 {
        let limits = &self.options.limits;
        limits.max_file_size.min(limits.max_member_in_memory)
    }

    fn in_pool<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        let threads = self.options.threads;
        if threads == 0 {
            return f();
        }
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(f),
            Err(_) => f(),
        }
    }

    /// Reads and analyses the unique blobs in parallel, keeping their order.
    fn read_blobs(
        &self,
        ts: &gix::ThreadSafeRepository,
        items: &[Item],
        sub: &Subpath,
        tip_ids: &HashMap<String, ObjectId>,
    ) -> Vec<BlobOutcome> {
        let analyze = self.dispatch.any_history_analyzer();
        let git_dir = ts.git_dir().to_path_buf();
        let blob_counters = Counters::default();
        let run = || -> Vec<BlobOutcome> {
            items
                .par_iter()
                .map_init(
                    || ts.to_thread_local(),
                    |repo, item| {
                        let display = self.display(&item.rel, sub);
                        if tip_ids.get(&display) == Some(&item.id) {
                            return BlobOutcome {
                                in_tip: true,
                                ..BlobOutcome::default()
                            };
                        }
                        if !analyze {
                            return BlobOutcome::default();
                        }
                        catch_unwind(AssertUnwindSafe(|| {
                            self.read_blob(repo, item, &display, &git_dir, &blob_counters)
                        }))
                        .unwrap_or_else(|_| {
                            let mut o = BlobOutcome::default();
                            o.result.errors.push(
                                ErrorRecord::new(
                                    &display,
                                    ErrorKind::Parse,
                                    "internal error while scanning this history blob; the scan went on (please report it)",
                                )
                                .at_stage(STAGE),
                            );
                            o
                        })
                    },
                )
                .collect()
        };
        self.in_pool(run)
    }

    fn read_blob(
        &self,
        repo: &gix::Repository,
        item: &Item,
        display: &str,
        git_dir: &Path,
        counters: &Counters,
    ) -> BlobOutcome {
        let limits = &self.options.limits;
        let mut work = FileScan::new(limits, counters, true);
        let size = match repo.try_find_header(item.id) {
            Ok(Some(h)) => h.size(),
            Ok(None) => {
                return BlobOutcome {
                    missing: true,
                    ..BlobOutcome::default()
                };
            }
            Err(e) => {
                work.error(display, ErrorKind::Io, format!("cannot read blob: {e}"));
                return BlobOutcome {
                    result: work.result,
                    ..BlobOutcome::default()
                };
            }
        };
        let cap = self.cap();
        if size > cap {
            work.error(
                display,
                ErrorKind::Limit,
                format!(
                    "history blob of {size} bytes is over {} ({cap}); history blobs are read in memory; not analysed",
                    if cap == limits.max_file_size {
                        "max_file_size"
                    } else {
                        "max_member_in_memory"
                    }
                ),
            );
            return BlobOutcome {
                result: work.result,
                ..BlobOutcome::default()
            };
        }
        let data = match repo.find_object(item.id) {
            Ok(o) => o.detach().data,
            Err(e) => {
                work.error(display, ErrorKind::Io, format!("cannot read blob: {e}"));
                return BlobOutcome {
                    result: work.result,
                    ..BlobOutcome::default()
                };
            }
        };
        if let Some(p) = self.progress {
            p.file_done(data.len() as u64);
        }
        let head = data[..data.len().min(HEAD_LEN)].to_vec();
        let size = data.len() as u64;
        let mut kind = sniff::sniff(&head, display, size);
        let mut members = None;
        if kind == FileKind::Zip
            && let Ok(names) = archive::zip_member_names(Source::Bytes(&data))
        {
            kind = sniff::classify_zip(&names);
            members = Some(names);
        }
        let blob = ScanItem {
            display: display.to_string(),
            disk_path: git_dir,
            kind,
            size,
            head,
            source: Source::Bytes(&data),
            parent: None,
            members,
            depth: 0,
            digest: None,
        };
        self.dispatch.analyze_item(&blob, &mut work);
        // The inventory is of the scanned tree, not of its past, and the engine's own
        // archive findings (bombs, traversal, nesting) are about files one would open
        // today: the history reports what its analyzers find.
        work.result.assets.clear();
        work.result
            .findings
            .retain(|f| !rules::RULES.iter().any(|r| r.id == f.rule.id));
        BlobOutcome {
            result: work.result,
            scanned: true,
            bytes: size,
            ..BlobOutcome::default()
        }
    }

    fn error(&self, out: &mut HistoryResult, rel: &str, kind: ErrorKind, message: String) {
        let path = match (self.prefix, rel) {
            (Some(p), ".") => p.to_string(),
            (Some(p), r) => format!("{p}/{r}"),
            (None, r) => r.to_string(),
        };
        out.errors
            .push(ErrorRecord::new(path, kind, message).at_stage(STAGE));
    }
}

/// Where a root starts in one commit's tree.
enum Start {
    Tree(ObjectId),
    Blob(ObjectId),
    /// A symbolic link or a submodule: nothing to read.
    Other,
}

/// Follows `components` down from `tree`; `None` when the path does not exist in that
/// commit.
fn descend(repo: &gix::Repository, tree: ObjectId, components: &[String]) -> Option<Start> {
    let mut current = Start::Tree(tree);
    for name in components {
        let Start::Tree(id) = current else {
            return None;
        };
        let obj = repo.find_object(id).ok()?;
        if obj.kind != Kind::Tree {
            return None;
        }
        let entry = TreeRefIter::from_bytes(&obj.data, repo.object_hash())
            .filter_map(Result::ok)
            .find(|e| e.filename == name.as_bytes())?;
        let oid = entry.oid.to_owned();
        current = if entry.mode.is_tree() {
            Start::Tree(oid)
        } else if entry.mode.is_blob() {
            Start::Blob(oid)
        } else {
            Start::Other
        };
    }
    Some(current)
}

/// Parents before children; among commits that are ready, the oldest committer date
/// first, then the smallest id. A damaged graph with a cycle keeps the rest in id order.
fn topological_order(commits: &[CommitNode], index: &HashMap<ObjectId, u32>) -> Vec<u32> {
    let n = commits.len();
    let mut pending = vec![0u32; n];
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, c) in commits.iter().enumerate() {
        let mut parents: Vec<u32> = c
            .parents
            .iter()
            .filter_map(|p| index.get(p).copied())
            .collect();
        parents.sort_unstable();
        parents.dedup();
        for p in parents {
            pending[i] += 1;
            children[p as usize].push(i as u32);
        }
    }
    let mut ready: BinaryHeap<Reverse<(i64, ObjectId, u32)>> = BinaryHeap::new();
    for (i, c) in commits.iter().enumerate() {
        if pending[i] == 0 {
            ready.push(Reverse((c.time, c.id, i as u32)));
        }
    }
    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    while let Some(Reverse((_, _, i))) = ready.pop() {
        order.push(i);
        placed[i as usize] = true;
        for &c in &children[i as usize] {
            pending[c as usize] -= 1;
            if pending[c as usize] == 0 {
                let cn = &commits[c as usize];
                ready.push(Reverse((cn.time, cn.id, c)));
            }
        }
    }
    if order.len() < n {
        let mut rest: Vec<u32> = (0..n as u32).filter(|&i| !placed[i as usize]).collect();
        rest.sort_by_key(|&i| commits[i as usize].id);
        order.extend(rest);
    }
    order
}

/// Author name, e-mail and date (RFC 3339 with the author's offset) of a commit.
fn commit_meta(repo: &gix::Repository, id: ObjectId) -> (String, String, String) {
    let Ok(obj) = repo.find_object(id) else {
        return Default::default();
    };
    let Ok(c) = CommitRef::from_bytes(&obj.data, repo.object_hash()) else {
        return Default::default();
    };
    let Ok(author) = c.author() else {
        return Default::default();
    };
    let date = author
        .time()
        .ok()
        .and_then(rfc3339)
        .unwrap_or_else(|| author.time.trim().to_string());
    (author.name.to_string(), author.email.to_string(), date)
}

fn rfc3339(t: gix::date::Time) -> Option<String> {
    let offset = time::UtcOffset::from_whole_seconds(t.offset).ok()?;
    time::OffsetDateTime::from_unix_timestamp(t.seconds)
        .ok()?
        .to_offset(offset)
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

fn join_repo_path(sub: &Subpath, rel: &str) -> String {
    let mut parts: Vec<&str> = sub.components.iter().map(String::as_str).collect();
    if !rel.is_empty() {
        parts.push(rel);
    }
    parts.join("/")
}

fn short(id: &ObjectId) -> String {
    id.to_hex_with_len(7).to_string()
}

/// The `aispm:ignore` comment of the same blob that covers a finding, if any.
fn inline_for(raw: &RawFinding, inline: &[InlineSuppression]) -> Option<Suppression> {
    let list: Vec<&InlineSuppression> = inline.iter().filter(|s| s.path == raw.path).collect();
    inline_suppression(raw.rule.id, raw.line, raw.end_line, &list)
}

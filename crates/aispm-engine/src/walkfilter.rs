//! What the walk leaves out, and why: `--exclude` globs, `.aispmignore` and `.ignore`
//! files, and `.gitignore` — the last with git's own rule that ignore patterns apply
//! to untracked files only.
//!
//! Inside a git work tree the index (read with `gix`, isolated like the history scan:
//! no global or system configuration, no hooks, no filters) tells which files are
//! tracked. A tracked file is scanned whatever `.gitignore` says, and an ignored
//! folder that holds tracked files is entered for them alone. Every file or folder
//! left out is counted by reason for the report's statistics. Ignore files are read
//! from the root down (not above it: a path the user names is scanned), like the
//! `ignore` crate does, which walks the tree but is told to apply no rule itself.

use aispm_core::{ErrorKind, ErrorRecord};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::Override;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// Stage name of the error records written here.
const STAGE: &str = "walk";
/// Largest git index read (about 2.5 million entries). A larger one is not read and
/// `.gitignore` then applies to every file, as outside git; an error record says so.
pub(crate) const MAX_INDEX_BYTES: u64 = 256 << 20;
/// aispm's own ignore files, lowest precedence first.
const OWN_IGNORE_FILES: [&str; 2] = [".ignore", ".aispmignore"];

/// Files and folders left out of one walk, by reason.
#[derive(Debug, Default)]
pub(crate) struct SkipCounts {
    pub gitignored: AtomicU64,
    pub excluded: AtomicU64,
    pub tracked_gitignored: AtomicU64,
}

/// The ignore files of one folder.
#[derive(Default)]
struct FolderRules {
    git: Option<Gitignore>,
    own: Option<Gitignore>,
}

/// The files a git index tracks under the root.
struct Tracked {
    index: gix::index::File,
    /// The root's path inside the work tree, `/`-terminated (empty at the top).
    prefix: Vec<u8>,
}

impl Tracked {
    fn key(&self, rel: &Path) -> Vec<u8> {
        let mut key = self.prefix.clone();
        key.extend_from_slice(&index_spelling(rel));
        key
    }

    fn is_file(&self, rel: &Path) -> bool {
        self.index
            .entry_by_path(self.key(rel).as_slice().into())
            .is_some()
    }

    fn is_folder(&self, rel: &Path) -> bool {
        self.index
            .path_is_directory(self.key(rel).as_slice().into())
    }
}

/// Decides, for every entry of one root's walk, whether it is walked.
pub(crate) struct WalkFilter {
    /// The root as given: the walker's paths start with it.
    root: PathBuf,
    excludes: Option<Override>,
    respect_gitignore: bool,
    tracked: Option<Tracked>,
    /// The repository's `info/exclude`, rooted at the work tree, and the root's
    /// canonical path to match it against.
    info_exclude: Option<(Gitignore, PathBuf)>,
    rules: RwLock<HashMap<PathBuf, Arc<FolderRules>>>,
    /// Folders `.gitignore` ignores but entered for the tracked files they hold:
    /// anything untracked below them is ignored.
    ignored_entered: RwLock<HashSet<PathBuf>>,
    pub counts: SkipCounts,
    errors: Mutex<Vec<ErrorRecord>>,
}

impl WalkFilter {
    pub fn new(root: &Path, excludes: Option<Override>, respect_gitignore: bool) -> WalkFilter {
        let mut filter = WalkFilter {
            root: root.to_path_buf(),
            excludes,
            respect_gitignore,
            tracked: None,
            info_exclude: None,
            rules: RwLock::new(HashMap::new()),
            ignored_entered: RwLock::new(HashSet::new()),
            counts: SkipCounts::default(),
            errors: Mutex::new(Vec::new()),
        };
        if respect_gitignore && root.is_dir() {
            filter.read_git(root);
        }
        filter
    }

    /// Error records gathered while reading ignore files and the index.
    pub fn take_errors(&self) -> Vec<ErrorRecord> {
        std::mem::take(&mut *self.errors.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn error(&self, path: &Path, kind: ErrorKind, message: String) {
        let display = path
            .strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        self.errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(ErrorRecord::new(display, kind, message).at_stage(STAGE));
    }

    /// Finds the work tree the root is in and reads its index and `info/exclude`.
    /// Outside git nothing is tracked and `.gitignore` applies to every file.
    fn read_git(&mut self, root: &Path) {
        let Ok(ts) = crate::history::discover(root) else {
            return;
        };
        let Some(work_dir) = ts.work_dir().map(Path::to_path_buf) else {
            return;
        };
        let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let work_dir = std::fs::canonicalize(&work_dir).unwrap_or(work_dir);
        let Ok(sub) = canonical_root.strip_prefix(&work_dir) else {
            return;
        };
        let repo = ts.to_thread_local();
        let exclude = repo.git_dir().join("info").join("exclude");
        if exclude.is_file() {
            let mut b = GitignoreBuilder::new(&work_dir);
            if let Some(e) = b.add(&exclude) {
                self.error(root, ErrorKind::Walk, format!("git info/exclude: {e}"));
            }
            if let Ok(gi) = b.build() {
                self.info_exclude = Some((gi, canonical_root.clone()));
            }
        }
        let index_path = repo.index_path();
        let size = match std::fs::metadata(&index_path) {
            Ok(m) => m.len(),
            // No index yet (nothing added): nothing is tracked.
            Err(_) => return,
        };
        if size > MAX_INDEX_BYTES {
            self.error(
                root,
                ErrorKind::Limit,
                format!(
                    "git index of {size} bytes is over {MAX_INDEX_BYTES} bytes and was not read; .gitignore was applied to tracked files too"
                ),
            );
            return;
        }
        match repo.open_index() {
            Ok(index) => {
                let mut prefix = index_spelling(sub);
                if !prefix.is_empty() {
                    prefix.push(b'/');
                }
                self.tracked = Some(Tracked { index, prefix });
            }
            Err(e) => self.error(
                root,
                ErrorKind::Parse,
                format!(
                    "cannot read the git index ({e}); .gitignore was applied to tracked files too"
                ),
            ),
        }
    }

    /// Whether the walk enters this folder or scans this file; counts what it leaves.
    pub fn keep(&self, path: &Path, is_dir: bool) -> bool {
        if is_dir && path.file_name().is_some_and(|n| n == ".git") {
            return false;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return true;
        };
        if rel.as_os_str().is_empty() {
            return true;
        }
        let excluded = self
            .excludes
            .as_ref()
            .is_some_and(|ov| ov.matched(path, is_dir).is_ignore());
        if excluded || self.own_ignored(path, is_dir) {
            self.counts.excluded.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        if !self.respect_gitignore {
            return true;
        }
        let ignored = self.git_ignored(path, rel, is_dir);
        let tracked = self.tracked.as_ref().is_some_and(|t| {
            if is_dir {
                t.is_folder(rel)
            } else {
                t.is_file(rel)
            }
        });
        match (ignored, tracked) {
            (false, _) => true,
            (true, true) => {
                if is_dir {
                    self.ignored_entered
                        .write()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(path.to_path_buf());
                } else {
                    self.counts
                        .tracked_gitignored
                        .fetch_add(1, Ordering::Relaxed);
                }
                true
            }
            (true, false) => {
                self.counts.gitignored.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }

    /// The rules of the folders from the path's own up to the root, nearest first.
    fn chain(&self, path: &Path) -> Vec<Arc<FolderRules>> {
        path.ancestors()
            .skip(1)
            .take_while(|d| d.starts_with(&self.root))
            .map(|d| self.folder_rules(d))
            .collect()
    }

    fn own_ignored(&self, path: &Path, is_dir: bool) -> bool {
        first_match(
            self.chain(path)
                .iter()
                .filter_map(|r| r.own.as_ref())
                .map(|gi| gi.matched(path, is_dir)),
        )
    }

    /// `.gitignore` from the nearest folder up to the root, then `info/exclude`; and
    /// below an ignored folder everything is ignored (git cannot re-include it).
    fn git_ignored(&self, path: &Path, rel: &Path, is_dir: bool) -> bool {
        let entered = self
            .ignored_entered
            .read()
            .unwrap_or_else(|e| e.into_inner());
        if !entered.is_empty() && path.ancestors().skip(1).any(|a| entered.contains(a)) {
            return true;
        }
        drop(entered);
        let chain = self.chain(path);
        let nearest = chain
            .iter()
            .filter_map(|r| r.git.as_ref())
            .map(|gi| gi.matched(path, is_dir))
            .find(|m| !m.is_none());
        match nearest {
            Some(m) => m.is_ignore(),
            None => self
                .info_exclude
                .as_ref()
                .is_some_and(|(gi, root)| gi.matched(root.join(rel), is_dir).is_ignore()),
        }
    }

    fn folder_rules(&self, dir: &Path) -> Arc<FolderRules> {
        if let Some(r) = self
            .rules
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(dir)
        {
            return r.clone();
        }
        let rules = Arc::new(FolderRules {
            git: if self.respect_gitignore {
                self.load(dir, &[".gitignore"])
            } else {
                None
            },
            own: self.load(dir, &OWN_IGNORE_FILES),
        });
        self.rules
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(dir.to_path_buf())
            .or_insert(rules)
            .clone()
    }

    /// The patterns of these ignore files of one folder, later files winning.
    fn load(&self, dir: &Path, names: &[&str]) -> Option<Gitignore> {
        let files: Vec<PathBuf> = names
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.is_file())
            .collect();
        if files.is_empty() {
            return None;
        }
        let mut b = GitignoreBuilder::new(dir);
        for f in &files {
            if let Some(e) = b.add(f) {
                self.error(f, ErrorKind::Walk, format!("ignore file: {e}"));
            }
        }
        match b.build() {
            Ok(gi) if !gi.is_empty() => Some(gi),
            Ok(_) => None,
            Err(e) => {
                self.error(dir, ErrorKind::Walk, format!("ignore file: {e}"));
                None
            }
        }
    }
}

/// A relative path as the index spells it: components joined by `/`.
fn index_spelling(rel: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        out.extend_from_slice(c.as_os_str().as_encoded_bytes());
    }
    out
}

/// The first decisive match, nearest folder first: ignored unless whitelisted.
fn first_match<T>(matches: impl Iterator<Item = Match<T>>) -> bool {
    for m in matches {
        match m {
            Match::None => continue,
            Match::Ignore(_) => return true,
            Match::Whitelist(_) => return false,
        }
    }
    false
}

//! The options of one scan, as the command line builds them from `aispm.toml` and its
//! flags ([`crate::config::Resolved`]). Every stage reads them (the walk, dispatch, the
//! history and finalisation); this module depends only on `config` and `suppress`.

use crate::config::Limits;
use crate::suppress::SelectionOptions;

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

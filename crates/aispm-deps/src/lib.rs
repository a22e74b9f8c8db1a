//! Dependency analysis: reads Python and JavaScript manifests and lock files
//! ([`manifest`]), records AI packages as `ai-dependency` assets ([`ai`]), and judges
//! every dependency against an offline OSV advisory database ([`db`], [`osv`]) with
//! PEP 440 ([`pep440`]) and semver ([`semver`]) range semantics, a curated list of
//! malicious AI packages and a look-alike-name check ([`malicious`]).
//!
//! How a requirement is judged:
//! - an exact version (`==1.2.3`, a bare Poetry version, an exact npm version, any lock
//!   file entry) is matched against the advisories: DEP001 for AI packages, DEP002 for
//!   others, DEP005 for malicious-package reports. This happens per file.
//! - a range or no constraint in a manifest is judged after the walk, because a lock
//!   file or constraints file in the same folder wins: when one pins the package, the
//!   manifest entry only gains `locked_version` on its asset (the lock's own entry is
//!   what is matched). Otherwise: an AI package is unpinned (DEP004); a range that
//!   admits only affected versions is reported like a pin (DEP001/DEP002); a range
//!   that admits some affected versions is DEP003 (low for AI packages, info for
//!   others); a requirement without any constraint is not judged against advisories
//!   (the newest release is what it installs), except malicious-package reports:
//!   DEP005 is critical when the only admitted versions are named ones and informational when
//!   a range merely admits a named release. The unpinned AI packages of a manifest
//!   are one DEP004. A lock file at a workspace root pins the manifests of its
//!   members (see [`manifest::Workspace`]); packages built from the workspace itself
//!   are not judged.
//! - a match for which the advisory lists no fixed version is at most high; an
//!   advisory that reads as every release affected is low (`severity_adjusted`).
//! - the report gets notices on the advisory data used: its source, date and age per
//!   ecosystem, and warnings when it is older than 90 days or absent.
//! - every declared or locked name is checked for imitating an AI package (DEP006).
//!
//! Advisories that are aliases of each other (a PYSEC and a GHSA record of one CVE)
//! are reported once. Findings name the database they came from (`advisory_db`).
//!
//! Where the parts live: this file is the analyzer's plumbing (reading each manifest,
//! its assets, keeping what was parsed for `finish`). `advisory.rs` groups a package's
//! advisories; `exact.rs` judges exact versions per file and `open.rs` ranges and
//! unpinned requirements after the walk (lock files, constraints and workspaces); both
//! hand the rules in [`rules`] a view (`view.rs`), and each rule's file turns it into
//! findings (`finding.rs` holds what every dependency finding carries). `asset.rs`
//! builds the `ai-dependency` assets, `notices.rs` the advisory-data notices.
#![forbid(unsafe_code)]

mod advisory;
pub mod ai;
mod asset;
pub mod cvss;
pub mod db;
mod exact;
mod finding;
pub mod malicious;
pub mod manifest;
mod notices;
mod open;
pub mod osv;
pub mod pep440;
pub mod rules;
pub mod semver;
pub mod snapshot;
mod view;
pub mod vset;

use aispm_core::{AnalysisContext, AnalysisError, Analyzer, Asset, ErrorKind, FileInput, Rule};
use db::Advisories;
use manifest::{Dependency, ManifestKind, Requirement, Role};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

/// Largest manifest read (lock files of big monorepos reach tens of MiB).
pub const MAX_MANIFEST_SIZE: u64 = 64 << 20;

/// What `analyze` keeps for the cross-file step.
#[derive(Debug, Default)]
struct ScanState {
    files: Vec<FileRecord>,
}

/// One manifest or lock file as parsed, kept for the judging after the walk.
#[derive(Debug)]
pub(crate) struct FileRecord {
    pub path: String,
    /// The folder the file is in ([`folder_of`]).
    pub folder: String,
    pub kind: ManifestKind,
    pub deps: Vec<Dependency>,
    /// Asset ID of each dependency that has one.
    pub assets: HashMap<usize, String>,
    pub workspace: manifest::Workspace,
}

/// The dependency analyzer.
pub struct DepsAnalyzer {
    preset: Mutex<Option<Advisories>>,
    advisories: OnceLock<Advisories>,
    state: Mutex<ScanState>,
    /// The day the advisory data's age is judged on; the system clock when unset.
    today: Option<String>,
}

impl Default for DepsAnalyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for DepsAnalyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DepsAnalyzer").finish_non_exhaustive()
    }
}

impl DepsAnalyzer {
    /// Uses the imported database of the user data folder when there is one (see
    /// [`db::data_dir`]), and the bundled snapshot otherwise; loaded on first use.
    pub fn new() -> Self {
        DepsAnalyzer {
            preset: Mutex::new(None),
            advisories: OnceLock::new(),
            state: Mutex::new(ScanState::default()),
            today: None,
        }
    }

    /// Judges the advisory data's age as on this day (`YYYY-MM-DD`; tests).
    pub fn with_today(mut self, today: &str) -> Self {
        self.today = Some(today.to_string());
        self
    }

    /// Uses the given advisories (tests, embedding).
    pub fn with_advisories(advisories: Advisories) -> Self {
        DepsAnalyzer {
            preset: Mutex::new(Some(advisories)),
            ..Self::new()
        }
    }

    fn advisories(&self) -> &Advisories {
        self.advisories.get_or_init(|| {
            self.preset
                .lock()
                .ok()
                .and_then(|mut p| p.take())
                .unwrap_or_else(Advisories::from_environment)
        })
    }
}

/// The folder of a display path (`a/b/requirements.txt` → `a/b`, archive members
/// keep their archive: `x.zip!p/uv.lock` → `x.zip!p`).
fn folder_of(path: &str) -> String {
    match path.rfind(['/', '!']) {
        Some(i) => path[..i].to_string(),
        None => String::new(),
    }
}

impl Analyzer for DepsAnalyzer {
    fn name(&self) -> &'static str {
        "deps"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind.is_text() && ManifestKind::detect(file.path).is_some()
    }

    fn default_max_file_size(&self) -> u64 {
        MAX_MANIFEST_SIZE
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let Some(kind) = ManifestKind::detect(file.path) else {
            return Ok(());
        };
        let bytes = file.read_all(MAX_MANIFEST_SIZE)?.ok_or_else(|| {
            AnalysisError::Limit(format!(
                "manifest larger than {MAX_MANIFEST_SIZE} bytes; dependencies not read"
            ))
        })?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| AnalysisError::Parse(format!("{} is not UTF-8: {e}", kind.as_str())))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // A bound reached is a limit (counted in `limits_hit`), not a malformed file.
        let parsed = manifest::parse(kind, text).map_err(|e| {
            let msg = format!("{}: {e}", kind.as_str());
            match e {
                manifest::ManifestError::TooManyEntries
                | manifest::ManifestError::NestedTooDeep => AnalysisError::Limit(msg),
                _ => AnalysisError::Parse(msg),
            }
        })?;
        if let Some(limit) = &parsed.limit {
            cx.error(
                file.path,
                ErrorKind::Limit,
                format!("{}: {limit}", kind.as_str()),
            );
        }
        if parsed.skipped_count > 0 {
            cx.error(
                file.path,
                ErrorKind::Parse,
                format!(
                    "{} {} not understood and skipped: {}",
                    parsed.skipped_count,
                    if parsed.skipped_count == 1 {
                        "entry"
                    } else {
                        "entries"
                    },
                    parsed.skipped.join("; ")
                ),
            );
        }
        let mut assets = HashMap::new();
        let mut seen_assets = HashSet::new();
        let mut seen_names = HashSet::new();
        for (i, d) in parsed.deps.iter().enumerate() {
            if i % 256 == 0 {
                cx.check_time()?;
            }
            if d.role != Role::Constraint
                && let Some(cat) = ai::category(d.ecosystem, &d.normalized)
            {
                let asset = asset::ai_asset(file.path, kind, d, cat);
                if seen_assets.insert(asset.id.clone()) {
                    assets.insert(i, asset.id.clone());
                    cx.asset(asset);
                }
            }
            if let Requirement::Exact(v) = &d.requirement {
                exact::judge(self.advisories(), file.path, d, v, cx);
            }
            if d.role != Role::Constraint && seen_names.insert(d.normalized.clone()) {
                rules::package_name(file.path, d, cx);
            }
        }
        if parsed
            .deps
            .iter()
            .any(|d| !matches!(d.requirement, Requirement::Exact(_)))
        {
            // Ranges are judged in `finish`, once every lock file has been seen.
            cx.report_later();
        }
        if parsed.workspace.omitted > 0 {
            cx.error(
                file.path,
                ErrorKind::Limit,
                format!(
                    "{} workspace member patterns past the first {} were not kept; folders only they name are not taken for workspace members",
                    parsed.workspace.omitted,
                    manifest::MAX_MEMBERS
                ),
            );
        }
        if let Ok(mut state) = self.state.lock() {
            state.files.push(FileRecord {
                path: file.path.to_string(),
                folder: folder_of(file.path),
                kind,
                deps: parsed.deps,
                assets,
                workspace: parsed.workspace,
            });
        }
        Ok(())
    }

    fn finish(&self, assets: &mut [Asset], cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let mut files = match self.state.lock() {
            Ok(mut s) => std::mem::take(&mut s.files),
            Err(_) => return Ok(()),
        };
        if files.is_empty() {
            return Ok(());
        }
        if let Some((path, problem)) = &self.advisories().problem {
            cx.error(path, ErrorKind::Io, problem.clone());
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        notices::advisory_data(self.advisories(), self.today.as_deref(), &files, cx);
        open::judge(self.advisories(), &files, assets, cx);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders() {
        assert_eq!(folder_of("a/b/requirements.txt"), "a/b");
        assert_eq!(folder_of("requirements.txt"), "");
        assert_eq!(folder_of("x.zip!uv.lock"), "x.zip");
        assert_eq!(folder_of("x.zip!p/uv.lock"), "x.zip!p");
    }
}

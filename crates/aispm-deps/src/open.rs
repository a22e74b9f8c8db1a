//! Judging the requirements that are not exact versions, after the walk: a lock file
//! or constraints file in the same folder wins, and so does a lock at a workspace
//! root whose members include the folder ([`LockScopes`]). A requirement such a file
//! pins only gains `locked_version` on its asset (the lock's own entry was judged as
//! an exact version); packages built from the workspace itself are not judged. The
//! others are handed to the rules: a range or no constraint as a [`Judgement`] (which
//! advisory groups affect some or every admitted version), and every unpinned
//! requirement of a manifest together ([`Unpinned`], for the manifest's one DEP004).

use crate::FileRecord;
use crate::advisory;
use crate::db::Advisories;
use crate::manifest::{self, Dependency, Requirement, Role};
use crate::osv::{AnySet, Ecosystem};
use crate::rules;
use crate::view::{Admits, Hit, Judgement, Unpinned};
use crate::vset;
use aispm_core::{AnalysisContext, Asset};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Judges the manifests of `files` (sorted by path) that lock files do not pin, and
/// records on the AI assets of `assets` the version a lock pins.
pub(crate) fn judge(
    advisories: &Advisories,
    files: &[FileRecord],
    assets: &mut [Asset],
    cx: &mut AnalysisContext,
) {
    let scopes = LockScopes::new(files);
    // Pins per folder and ecosystem: lock entries and exact constraints.
    let mut pins: BTreeMap<(String, Ecosystem, String), (String, String)> = BTreeMap::new();
    for f in files {
        for d in &f.deps {
            let pinning = f.kind.is_lock() || d.role == Role::Constraint;
            if let (true, Requirement::Exact(v)) = (pinning, &d.requirement) {
                pins.entry((f.folder.clone(), d.ecosystem, d.normalized.clone()))
                    .or_insert_with(|| (v.clone(), f.path.clone()));
            }
        }
    }
    let index: HashMap<&str, usize> = assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut locked_updates: Vec<(usize, String, String)> = Vec::new();
    for f in files {
        if f.kind.is_lock() {
            continue;
        }
        let mut unpinned = Unpinned {
            path: &f.path,
            deps: Vec::new(),
        };
        let mut roots: HashMap<Ecosystem, Option<&str>> = HashMap::new();
        for (i, d) in f.deps.iter().enumerate() {
            if d.role != Role::Declared || matches!(d.requirement, Requirement::Exact(_)) {
                continue;
            }
            let root = *roots
                .entry(d.ecosystem)
                .or_insert_with(|| scopes.covering(&f.folder, d.ecosystem));
            if f.workspace.packages.contains(&d.normalized)
                || root.is_some_and(|r| scopes.is_member_package(r, d.ecosystem, &d.normalized))
            {
                // Built from the workspace's own source, not downloaded.
                continue;
            }
            let key = |folder: &str| (folder.to_string(), d.ecosystem, d.normalized.clone());
            let pin = pins
                .get(&key(&f.folder))
                .or_else(|| root.and_then(|r| pins.get(&key(r))));
            match pin {
                Some((version, lock)) => {
                    if let Some(&ai) = f.assets.get(&i).and_then(|id| index.get(id.as_str())) {
                        locked_updates.push((ai, version.clone(), lock.clone()));
                    }
                }
                None => {
                    if matches!(d.requirement, Requirement::Direct { pinned: true, .. }) {
                        continue;
                    }
                    judge_open(advisories, &f.path, d, cx);
                    unpinned.deps.push(d);
                }
            }
        }
        rules::unpinned(&unpinned, cx);
    }
    for (i, version, lock) in locked_updates {
        if let Some(a) = assets.get_mut(i) {
            a.set("locked_version", version);
            a.set("lock_file", lock);
            a.set("pinned", true);
        }
    }
}

/// Findings for a range, or no constraint, that nothing pins: every advisory group
/// that affects some admitted version is a hit. Other requirements (moving Git or URL
/// references, dist-tags, what was not understood) are not matched against advisories.
fn judge_open(advisories: &Advisories, path: &str, d: &Dependency, cx: &mut AnalysisContext) {
    let (admits, spec_set) = match &d.requirement {
        Requirement::Range { set, .. } => (Admits::Range, Some(set)),
        Requirement::Any => (Admits::AnyVersion, None),
        _ => return,
    };
    let groups = advisory::groups(advisories, d.ecosystem, &d.normalized);
    let mut hits = Vec::new();
    for group in &groups {
        let affected = group.affected_set(d.ecosystem);
        let (overlaps, within) = match spec_set {
            Some(s) => (s.overlaps(&affected), s.is_subset_of(&affected)),
            None => (
                !affected.is_empty(),
                full_set(d.ecosystem).is_subset_of(&affected),
            ),
        };
        if overlaps {
            hits.push(Hit {
                group,
                every_admitted: within,
            });
        }
    }
    rules::judgement(
        &Judgement {
            path,
            dep: d,
            admits,
            hits,
        },
        cx,
    );
}

fn full_set(eco: Ecosystem) -> AnySet {
    match eco {
        Ecosystem::PyPI => AnySet::Pep440(vset::VersionSet::full()),
        Ecosystem::Npm => AnySet::Semver(vset::VersionSet::full()),
    }
}

/// Lock files by folder and ecosystem, with the workspace each resolves: the members
/// the lock itself records and those a manifest beside it declares.
struct LockScopes {
    scopes: BTreeMap<(String, Ecosystem), manifest::Workspace>,
    /// The workspace packages of each scope, for lookups per dependency.
    packages: HashMap<(String, Ecosystem), HashSet<String>>,
}
impl LockScopes {
    fn new(files: &[FileRecord]) -> Self {
        let mut scopes: BTreeMap<(String, Ecosystem), manifest::Workspace> = BTreeMap::new();
        for f in files.iter().filter(|f| f.kind.is_lock()) {
            merge(
                scopes
                    .entry((f.folder.clone(), f.kind.ecosystem()))
                    .or_default(),
                &f.workspace,
            );
        }
        for f in files.iter().filter(|f| !f.kind.is_lock()) {
            if let Some(ws) = scopes.get_mut(&(f.folder.clone(), f.kind.ecosystem())) {
                merge(ws, &f.workspace);
            }
        }
        let packages = scopes
            .iter()
            .map(|(k, ws)| (k.clone(), ws.packages.iter().cloned().collect()))
            .collect();
        LockScopes { scopes, packages }
    }

    /// The folder of the lock file that resolves a manifest in `folder`: a lock in the
    /// folder itself, else the nearest one above whose workspace has the folder as a
    /// member.
    fn covering(&self, folder: &str, eco: Ecosystem) -> Option<&str> {
        let mut at = folder;
        loop {
            if let Some(((root, _), ws)) = self.scopes.get_key_value(&(at.to_string(), eco)) {
                let rel = if at.is_empty() {
                    folder
                } else {
                    folder.get(at.len() + 1..).unwrap_or("")
                };
                if at == folder || ws.covers(rel) {
                    return Some(root.as_str());
                }
            }
            if at.is_empty() {
                return None;
            }
            at = match at.rfind(['/', '!']) {
                Some(i) => &at[..i],
                None => "",
            };
        }
    }

    fn is_member_package(&self, root: &str, eco: Ecosystem, normalized: &str) -> bool {
        self.packages
            .get(&(root.to_string(), eco))
            .is_some_and(|p| p.contains(normalized))
    }
}

fn merge(into: &mut manifest::Workspace, from: &manifest::Workspace) {
    into.members.extend(from.members.iter().cloned());
    into.exclude.extend(from.exclude.iter().cloned());
    into.packages.extend(from.packages.iter().cloned());
}

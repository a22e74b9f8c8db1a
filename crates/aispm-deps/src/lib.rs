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
//!   DEP005 is critical when the only admitted versions are named ones and low when
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
#![forbid(unsafe_code)]

pub mod ai;
pub mod cvss;
pub mod db;
pub mod malicious;
pub mod manifest;
pub mod osv;
pub mod pep440;
pub mod rules;
pub mod semver;
pub mod snapshot;
pub mod vset;

use aispm_core::{
    AnalysisContext, AnalysisError, Analyzer, Asset, AssetKind, ErrorKind, FileInput, Notice,
    NoticeLevel, RawFinding, Rule, Severity,
};
use db::Advisories;
use manifest::{Dependency, ManifestKind, Requirement, Role};
use osv::{Advisory, AffectedMatcher, AnySet, Ecosystem};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

/// Largest manifest read (lock files of big monorepos reach tens of MiB).
pub const MAX_MANIFEST_SIZE: u64 = 64 << 20;

/// What `analyze` keeps for the cross-file step.
#[derive(Debug, Default)]
struct ScanState {
    files: Vec<FileRecord>,
}

#[derive(Debug)]
struct FileRecord {
    path: String,
    folder: String,
    kind: ManifestKind,
    deps: Vec<Dependency>,
    /// Asset ID of each dependency that has one.
    assets: HashMap<usize, String>,
    workspace: manifest::Workspace,
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

fn curated() -> &'static [Advisory] {
    static C: OnceLock<Vec<Advisory>> = OnceLock::new();
    C.get_or_init(malicious::curated_advisories)
}

/// The folder of a display path (`a/b/requirements.txt` → `a/b`, archive members
/// keep their archive: `x.zip!p/uv.lock` → `x.zip!p`).
fn folder_of(path: &str) -> String {
    match path.rfind(['/', '!']) {
        Some(i) => path[..i].to_string(),
        None => String::new(),
    }
}

/// Advisories for one package, grouped so that records that are aliases of each other
/// count once.
struct Group<'a> {
    lead: &'a Advisory,
    /// Every other ID and alias of the group.
    aliases: Vec<String>,
    matchers: Vec<AffectedMatcher>,
    db: String,
}

impl Group<'_> {
    fn affects(&self, version: &str) -> bool {
        self.matchers.iter().any(|m| m.affects(version))
    }

    fn fixed_for(&self, version: &str) -> Option<String> {
        self.matchers
            .iter()
            .find_map(|m| m.fixed_for(version))
            .map(str::to_string)
    }

    fn affected_set(&self, eco: Ecosystem) -> AnySet {
        let mut acc = match eco {
            Ecosystem::PyPI => AnySet::Pep440(vset::VersionSet::empty()),
            Ecosystem::Npm => AnySet::Semver(vset::VersionSet::empty()),
        };
        for m in &self.matchers {
            acc = match (acc, m.set()) {
                (AnySet::Pep440(a), AnySet::Pep440(b)) => AnySet::Pep440(a.union(b)),
                (AnySet::Semver(a), AnySet::Semver(b)) => AnySet::Semver(a.union(b)),
                (a, _) => a,
            };
        }
        acc
    }

    /// The highest fixed version any range names (a floor that clears them all).
    fn highest_fix(&self, eco: Ecosystem) -> Option<String> {
        let mut best: Option<(osv::AnyVersion, String)> = None;
        for m in &self.matchers {
            for f in m.all_fixes() {
                if let Some(v) = osv::AnyVersion::parse(eco, f) {
                    let better = match &best {
                        None => true,
                        Some((b, _)) => match (&v, b) {
                            (osv::AnyVersion::Pep440(x), osv::AnyVersion::Pep440(y)) => x > y,
                            (osv::AnyVersion::Semver(x), osv::AnyVersion::Semver(y)) => x > y,
                            _ => false,
                        },
                    };
                    if better {
                        best = Some((v, f.to_string()));
                    }
                }
            }
        }
        best.map(|(_, s)| s)
    }

    fn severity(&self) -> Option<(Severity, String)> {
        self.lead.severity()
    }

    /// An entry reads as every release affected (open from `0`, no fix, no list).
    fn every_version(&self) -> bool {
        self.matchers
            .iter()
            .any(AffectedMatcher::affects_every_version)
    }

    /// The releases an entry names explicitly (a compromised-release list).
    fn listed_versions(&self, eco: Ecosystem, normalized: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .lead
            .entries_for(eco, normalized)
            .flat_map(|a| a.versions.iter().cloned())
            .collect();
        v.dedup();
        v
    }

    fn references(&self) -> Vec<String> {
        self.lead
            .references
            .iter()
            .map(|r| r.url.clone())
            .take(10)
            .collect()
    }
}

impl DepsAnalyzer {
    /// The alias-grouped advisories (and curated malicious entries) for a package.
    fn groups(&self, eco: Ecosystem, normalized: &str) -> Vec<Group<'_>> {
        let db = self.advisories().for_ecosystem(eco);
        let db_name = db.describe();
        let mut candidates: Vec<(&Advisory, &str)> = db
            .for_package(eco, normalized)
            .map(|a| (a, db_name.as_str()))
            .collect();
        for a in curated() {
            if a.entries_for(eco, normalized).next().is_some() {
                candidates.push((a, "aispm curated malicious-package list"));
            }
        }
        type Members<'a, 'b> = Vec<(&'a Advisory, &'b str)>;
        let mut groups: Vec<(HashSet<String>, Members<'_, '_>)> = Vec::new();
        for (a, src) in candidates {
            let keys: HashSet<String> = std::iter::once(a.id.clone())
                .chain(a.aliases.iter().cloned())
                .collect();
            match groups.iter_mut().find(|(k, _)| !k.is_disjoint(&keys)) {
                Some((k, members)) => {
                    k.extend(keys);
                    members.push((a, src));
                }
                None => groups.push((keys, vec![(a, src)])),
            }
        }
        groups
            .into_iter()
            .map(|(keys, mut members)| {
                // The lead: a record with a severity, then the smallest ID.
                members.sort_by(|(a, _), (b, _)| {
                    b.severity()
                        .is_some()
                        .cmp(&a.severity().is_some())
                        .then_with(|| a.id.cmp(&b.id))
                });
                let (lead, src) = members[0];
                let mut aliases: Vec<String> = keys.into_iter().filter(|k| *k != lead.id).collect();
                aliases.sort();
                let matchers = members
                    .iter()
                    .flat_map(|(a, _)| a.entries_for(eco, normalized))
                    .map(AffectedMatcher::new)
                    .collect();
                Group {
                    lead,
                    aliases,
                    matchers,
                    db: src.to_string(),
                }
            })
            .collect()
    }
}

fn pkg_display(d: &Dependency) -> String {
    let req = d.requirement.display();
    if req.is_empty() || req.starts_with('@') {
        format!("{}{}{}", d.name, if req.is_empty() { "" } else { " " }, req)
    } else if d.ecosystem == Ecosystem::Npm {
        match &d.requirement {
            Requirement::Exact(v) => format!("{}@{v}", d.name),
            _ => format!("{}@{req}", d.name),
        }
    } else {
        format!("{}{req}", d.name)
    }
}

fn with_aliases(g: &Group<'_>) -> String {
    if g.aliases.is_empty() {
        g.lead.id.clone()
    } else {
        format!("{} ({})", g.lead.id, g.aliases.join(", "))
    }
}

/// Common finding properties for a dependency.
fn dep_finding(rule: &'static Rule, path: &str, d: &Dependency, message: String) -> RawFinding {
    let mut f = RawFinding::new(rule, path, message)
        .property("package", d.normalized.clone())
        .property("ecosystem", d.ecosystem.as_str())
        .property("requirement", pkg_display(d));
    if let Some(line) = d.line {
        f = f.line(line);
    }
    if let Some(c) = ai::category(d.ecosystem, &d.normalized) {
        f = f.property("ai_category", c);
    }
    if let Some(c) = &d.conda_name {
        f = f.property("conda_package", c.clone());
    }
    f
}

fn advisory_props(mut f: RawFinding, g: &Group<'_>) -> RawFinding {
    f = f
        .property("advisory_id", g.lead.id.clone())
        .property("aliases", g.aliases.clone())
        .property("references", g.references())
        .property("advisory_db", g.db.clone());
    if let Some((_, src)) = g.severity() {
        f = f.property("severity_source", src);
    }
    if let Some(desc) = malicious::curated_description(&g.lead.id) {
        f = f.property("report", desc);
    }
    f
}

/// What a vulnerability finding is about: one version, or every version a range
/// admits.
#[derive(Clone, Copy)]
enum Judged<'a> {
    Version(&'a str),
    WholeRange,
}

/// Why an advisory's rating was lowered: a "no fixed version" match is never
/// critical, and a record that reads as every release affected is low.
fn adjusted_severity(
    g: &Group<'_>,
    default: Severity,
    has_fix: bool,
) -> (Severity, Option<&'static str>) {
    let rated = g.severity().map_or(default, |(s, _)| s);
    if g.every_version() {
        (
            rated.min(Severity::Low),
            Some(
                "the advisory lists no fixed version and no affected versions, so it reads as every release being affected, which is rarely right (often a product's advisory filed on its client library, or a fix that was never entered); severity lowered to low",
            ),
        )
    } else if !has_fix && rated > Severity::High {
        (
            Severity::High,
            Some(
                "the advisory lists no fixed version; a match without a fix is rated at most high",
            ),
        )
    } else {
        (rated, None)
    }
}

impl DepsAnalyzer {
    /// DEP001 (AI package) or DEP002 for one advisory group.
    fn vulnerable_finding(
        &self,
        path: &str,
        d: &Dependency,
        g: &Group<'_>,
        judged: Judged<'_>,
    ) -> RawFinding {
        let is_ai = ai::category(d.ecosystem, &d.normalized).is_some();
        let (rule, default) = if is_ai {
            (&rules::VULNERABLE_AI_PACKAGE, Severity::High)
        } else {
            (&rules::VULNERABLE_PACKAGE, Severity::Medium)
        };
        let fixed = match judged {
            Judged::Version(v) => g.fixed_for(v),
            Judged::WholeRange => g.highest_fix(d.ecosystem),
        };
        let fix_text = match &fixed {
            Some(v) => format!("fixed in {v}"),
            None => "no fixed version listed".to_string(),
        };
        let message = match judged {
            Judged::Version(v) => {
                format!("{} {v} is affected by {} ({fix_text})", d.name, g.lead.id)
            }
            Judged::WholeRange => format!(
                "every version `{}` allows is affected by {} ({fix_text})",
                pkg_display(d),
                g.lead.id
            ),
        };
        let (severity, caveat) = adjusted_severity(g, default, fixed.is_some());
        let mut f = dep_finding(rule, path, d, message)
            .severity(severity)
            .evidence(format!(
                "{} · {} · {fix_text}",
                pkg_display(d),
                with_aliases(g)
            ))
            .key(format!("{} {}", d.normalized, g.lead.id));
        if let Judged::Version(v) = judged {
            f = f.property("version", v);
        }
        if let Some(v) = fixed {
            f = f.property("fixed_in", v);
        }
        if let Some(c) = caveat {
            f = f.property("severity_adjusted", c);
        }
        advisory_props(f, g)
    }

    /// Findings for a dependency with one known version (per file).
    fn judge_exact(&self, path: &str, d: &Dependency, version: &str, cx: &mut AnalysisContext) {
        let groups = self.groups(d.ecosystem, &d.normalized);
        let mut malicious_hits = Vec::new();
        for g in groups.iter().filter(|g| g.affects(version)) {
            if g.lead.is_malicious() {
                malicious_hits.push(g);
                continue;
            }
            cx.report(self.vulnerable_finding(path, d, g, Judged::Version(version)));
        }
        if !malicious_hits.is_empty() {
            cx.report(self.malicious_finding(
                path,
                d,
                &malicious_hits,
                MaliciousMatch::Version(version),
            ));
        }
    }

    fn malicious_finding(
        &self,
        path: &str,
        d: &Dependency,
        hits: &[&Group<'_>],
        how: MaliciousMatch<'_>,
    ) -> RawFinding {
        let ids: Vec<String> = hits.iter().map(|g| with_aliases(g)).collect();
        let message = match how {
            MaliciousMatch::Version(v) => format!(
                "{} {v} is named in a malicious-package report ({})",
                d.name,
                ids.join("; ")
            ),
            MaliciousMatch::OnlyBad => format!(
                "`{}` allows only versions named in a malicious-package report ({})",
                pkg_display(d),
                ids.join("; ")
            ),
            MaliciousMatch::RangeAdmits => {
                let named: Vec<String> = hits
                    .iter()
                    .flat_map(|g| g.listed_versions(d.ecosystem, &d.normalized))
                    .take(8)
                    .collect();
                let which = if named.is_empty() {
                    String::new()
                } else {
                    format!(" {}", named.join(", "))
                };
                format!(
                    "`{}` admits the release{}{which} named in a malicious-package report ({}); \
nothing pins it to one, so an install today takes the newest release, but a lock, cache \
or mirror holding a named one would install it: pin or lock a clean version",
                    pkg_display(d),
                    if named.len() == 1 { "" } else { "s" },
                    ids.join("; ")
                )
            }
        };
        let mut f = dep_finding(&rules::MALICIOUS_PACKAGE, path, d, message)
            .evidence(format!("{} · {}", pkg_display(d), ids.join("; ")))
            .key(format!("{} malicious", d.normalized))
            .property("match", how.as_str());
        match how {
            MaliciousMatch::Version(v) => f = f.property("version", v),
            MaliciousMatch::RangeAdmits => f = f.severity(Severity::Info),
            MaliciousMatch::OnlyBad => {}
        }
        advisory_props(f, hits[0]).property(
            "advisory_ids",
            hits.iter().map(|g| g.lead.id.clone()).collect::<Vec<_>>(),
        )
    }

    /// Findings for a manifest requirement that is not an exact version and that no
    /// lock or constraints file pins (after the walk). Returns the requirement when
    /// it is an unpinned AI package, for the manifest's one DEP004 finding.
    fn judge_open<'d>(
        &self,
        path: &str,
        d: &'d Dependency,
        cx: &mut AnalysisContext,
    ) -> Option<&'d Dependency> {
        let is_ai = ai::category(d.ecosystem, &d.normalized).is_some();
        let unpinned = (is_ai
            && !d.requirement.is_pinned()
            && !matches!(d.requirement, Requirement::Unparsed(_)))
        .then_some(d);
        let spec_set = match &d.requirement {
            Requirement::Range { set, .. } => Some(set.clone()),
            Requirement::Any => None,
            _ => return unpinned,
        };
        let groups = self.groups(d.ecosystem, &d.normalized);
        let mut malicious_hits = Vec::new();
        let mut only_bad = Vec::new();
        let mut partial = Vec::new();
        for g in &groups {
            let affected = g.affected_set(d.ecosystem);
            let (overlaps, within) = match &spec_set {
                Some(s) => (s.overlaps(&affected), s.is_subset_of(&affected)),
                None => (
                    !affected.is_empty(),
                    full_set(d.ecosystem).is_subset_of(&affected),
                ),
            };
            if !overlaps {
                continue;
            }
            if g.lead.is_malicious() {
                if within {
                    only_bad.push(g);
                } else {
                    malicious_hits.push(g);
                }
                continue;
            }
            if spec_set.is_none() {
                // No constraint: the newest release is what installs.
                continue;
            }
            if within {
                cx.report(self.vulnerable_finding(path, d, g, Judged::WholeRange));
            } else {
                partial.push(g);
            }
        }
        if !only_bad.is_empty() {
            cx.report(self.malicious_finding(path, d, &only_bad, MaliciousMatch::OnlyBad));
        } else if !malicious_hits.is_empty() {
            cx.report(self.malicious_finding(
                path,
                d,
                &malicious_hits,
                MaliciousMatch::RangeAdmits,
            ));
        }
        if !partial.is_empty() {
            cx.report(self.range_finding(path, d, is_ai, &partial));
        }
        unpinned
    }

    /// DEP003: a range that admits some affected versions.
    fn range_finding(
        &self,
        path: &str,
        d: &Dependency,
        is_ai: bool,
        partial: &[&Group<'_>],
    ) -> RawFinding {
        let ids: Vec<String> = partial.iter().map(|g| g.lead.id.clone()).collect();
        let floor = partial
            .iter()
            .filter_map(|g| g.highest_fix(d.ecosystem))
            .max_by(|a, b| {
                match (
                    osv::AnyVersion::parse(d.ecosystem, a),
                    osv::AnyVersion::parse(d.ecosystem, b),
                ) {
                    (Some(osv::AnyVersion::Pep440(x)), Some(osv::AnyVersion::Pep440(y))) => {
                        x.cmp(&y)
                    }
                    (Some(osv::AnyVersion::Semver(x)), Some(osv::AnyVersion::Semver(y))) => {
                        x.cmp(&y)
                    }
                    _ => std::cmp::Ordering::Equal,
                }
            });
        let advice = match &floor {
            Some(v) => format!("; raise the lower bound to at least {v}"),
            None => String::new(),
        };
        let shown: Vec<&str> = ids.iter().take(8).map(String::as_str).collect();
        let more = if ids.len() > shown.len() {
            format!(" and {} more", ids.len() - shown.len())
        } else {
            String::new()
        };
        let mut f = dep_finding(
            &rules::RANGE_ALLOWS_VULNERABLE,
            path,
            d,
            format!(
                "`{}` allows versions affected by {} advisories ({}{more}){advice}",
                pkg_display(d),
                ids.len(),
                shown.join(", ")
            ),
        )
        .severity(if is_ai { Severity::Low } else { Severity::Info })
        .evidence(format!("{} · {}{more}", pkg_display(d), shown.join(", ")))
        .key(format!("{} range", d.normalized))
        .property("advisory_ids", ids.clone())
        .property("advisory_db", partial[0].db.clone());
        if let Some(v) = floor {
            f = f.property("minimum_safe_version", v);
        }
        f
    }

    /// DEP004: one finding per manifest for every AI package in it that nothing pins.
    fn unpinned_finding(&self, path: &str, deps: &[&Dependency]) -> Option<RawFinding> {
        let first = deps.first()?;
        let mut shown: Vec<String> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for d in deps {
            let display = pkg_display(d);
            if !shown.contains(&display) {
                shown.push(display);
            }
            if !names.contains(&d.normalized) {
                names.push(d.normalized.clone());
            }
        }
        let listed = if shown.len() > 10 {
            format!("{} and {} more", shown[..10].join(", "), shown.len() - 10)
        } else {
            shown.join(", ")
        };
        let message = if names.len() == 1 {
            let why = match &first.requirement {
                Requirement::Any => "has no version constraint".to_string(),
                Requirement::Direct { .. } => "points at a moving Git or URL reference".into(),
                _ => format!(
                    "allows a range of versions (`{}`)",
                    first.requirement.display()
                ),
            };
            format!(
                "AI package {} {why} and no lock file in this folder or at a workspace root pins it",
                first.name
            )
        } else {
            format!(
                "{} AI packages are not pinned and no lock file in this folder or at a workspace root pins them: {listed}",
                names.len()
            )
        };
        let lines: Vec<u32> = deps.iter().filter_map(|d| d.line).collect();
        let mut f = RawFinding::new(&rules::UNPINNED_AI_PACKAGE, path, message)
            .evidence(listed)
            .key("unpinned AI packages")
            .property("ecosystem", first.ecosystem.as_str())
            .property("packages", names.clone())
            .property("requirements", shown);
        if let (Some(lo), Some(hi)) = (lines.iter().min(), lines.iter().max()) {
            f = if lo == hi {
                f.line(*lo)
            } else {
                f.lines(*lo, *hi)
            };
        }
        if names.len() == 1 {
            f = f.property("package", names[0].clone());
        }
        Some(f)
    }
}

/// How a malicious-package report matched.
#[derive(Clone, Copy)]
enum MaliciousMatch<'a> {
    /// The pinned or locked version is a named one (critical).
    Version(&'a str),
    /// Every version the requirement admits is named (critical).
    OnlyBad,
    /// The requirement admits named releases among clean ones (low).
    RangeAdmits,
}

impl MaliciousMatch<'_> {
    fn as_str(&self) -> &'static str {
        match self {
            MaliciousMatch::Version(_) => "version",
            MaliciousMatch::OnlyBad => "every-admitted-version",
            MaliciousMatch::RangeAdmits => "range-admits",
        }
    }
}

fn full_set(eco: Ecosystem) -> AnySet {
    match eco {
        Ecosystem::PyPI => AnySet::Pep440(vset::VersionSet::full()),
        Ecosystem::Npm => AnySet::Semver(vset::VersionSet::full()),
    }
}

fn ai_asset(path: &str, kind: ManifestKind, d: &Dependency, category: &str) -> Asset {
    let version = match &d.requirement {
        Requirement::Exact(v) => Some(v.clone()),
        _ => None,
    };
    let id_name = format!(
        "{}:{}@{}#{}",
        d.ecosystem.as_str(),
        d.normalized,
        d.requirement.display(),
        d.group.as_deref().unwrap_or("")
    );
    let mut a = Asset::new(AssetKind::AiDependency, path, &id_name, kind.as_str())
        .with_property("name", d.name.clone())
        .with_property("package", d.normalized.clone())
        .with_property("ecosystem", d.ecosystem.as_str())
        .with_property("ai_category", category)
        .with_property("requirement", d.requirement.display())
        .with_property("pinned", d.requirement.is_pinned())
        .with_property(
            "role",
            match d.role {
                Role::Declared => "declared",
                Role::Constraint => "constraint",
                Role::Locked => "locked",
            },
        );
    a.line = d.line;
    let purl_name = match d.ecosystem {
        Ecosystem::Npm => d.normalized.replace('@', "%40"),
        Ecosystem::PyPI => d.normalized.clone(),
    };
    match &version {
        Some(v) => {
            a.set("version", v.clone());
            a.set(
                "purl",
                format!("pkg:{}/{purl_name}@{v}", d.ecosystem.purl_type()),
            );
        }
        None => a.set(
            "purl",
            format!("pkg:{}/{purl_name}", d.ecosystem.purl_type()),
        ),
    }
    if let Some(g) = &d.group {
        a.set("group", g.clone());
    }
    if let Some(direct) = d.direct {
        a.set("direct", direct);
    }
    if let Some(c) = &d.conda_name {
        a.set("conda_package", c.clone());
    }
    a
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
                let asset = ai_asset(file.path, kind, d, cat);
                if seen_assets.insert(asset.id.clone()) {
                    assets.insert(i, asset.id.clone());
                    cx.asset(asset);
                }
            }
            if let Requirement::Exact(v) = &d.requirement {
                self.judge_exact(file.path, d, v, cx);
            }
            if d.role != Role::Constraint
                && seen_names.insert(d.normalized.clone())
                && let Some(l) = malicious::lookalike(d.ecosystem, &d.normalized)
            {
                cx.report(
                    dep_finding(
                        &rules::LOOKALIKE_NAME,
                        file.path,
                        d,
                        format!(
                            "`{}` looks like the AI package `{}` ({})",
                            d.name, l.target, l.how
                        ),
                    )
                    .evidence(format!("{} ~ {}", d.name, l.target))
                    .key(d.normalized.clone())
                    .property("imitates", l.target),
                );
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
        self.advisory_notices(&files, cx);
        let scopes = LockScopes::new(&files);
        // Pins per folder and ecosystem: lock entries and exact constraints.
        let mut pins: BTreeMap<(String, Ecosystem, String), (String, String)> = BTreeMap::new();
        for f in &files {
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
        for f in &files {
            if f.kind.is_lock() {
                continue;
            }
            let mut unpinned = Vec::new();
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
                        unpinned.extend(self.judge_open(&f.path, d, cx));
                    }
                }
            }
            if let Some(finding) = self.unpinned_finding(&f.path, &unpinned) {
                cx.report(finding);
            }
        }
        for (i, version, lock) in locked_updates {
            if let Some(a) = assets.get_mut(i) {
                a.set("locked_version", version);
                a.set("lock_file", lock);
                a.set("pinned", true);
            }
        }
        Ok(())
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

impl DepsAnalyzer {
    /// Report-level notices on the advisory data behind the judgments: which data
    /// served each ecosystem the scan met (info), and warnings when that data is
    /// older than [`db::STALE_AFTER_DAYS`] or absent.
    fn advisory_notices(&self, files: &[FileRecord], cx: &mut AnalysisContext) {
        let seen: Vec<Ecosystem> = Ecosystem::ALL
            .into_iter()
            .filter(|e| {
                files
                    .iter()
                    .any(|f| f.deps.iter().any(|d| d.ecosystem == *e))
            })
            .collect();
        if seen.is_empty() {
            return;
        }
        let today = self.today.clone().unwrap_or_else(db::today);
        let data: Vec<db::EcosystemData> = seen
            .iter()
            .map(|e| self.advisories().data_for(*e, &today))
            .collect();
        let mut facts = serde_json::Map::new();
        for e in &data {
            let v = match &e.source {
                Some(s) => serde_json::json!({
                    "source": s.description,
                    "bundled": s.bundled,
                    "date": s.date,
                    "age_days": s.age_days,
                    "advisories": s.advisories,
                }),
                None => serde_json::Value::Null,
            };
            facts.insert(e.ecosystem.as_str().to_string(), v);
        }
        let lines: Vec<String> = data
            .iter()
            .map(|e| match &e.source {
                Some(s) => format!("{}: {}", e.ecosystem.as_str(), s.description),
                None => format!("{}: {}", e.ecosystem.as_str(), e.summary()),
            })
            .collect();
        cx.notice(
            Notice::new(
                "advisory-data",
                NoticeLevel::Info,
                format!("dependencies were matched against {}", lines.join("; ")),
            )
            .with_data("ecosystems", serde_json::Value::Object(facts))
            .with_data("today", today.clone()),
        );
        let stale: Vec<&db::EcosystemData> = data
            .iter()
            .filter(|e| e.source.as_ref().is_some_and(db::DataSource::is_stale))
            .collect();
        if !stale.is_empty() {
            let what: Vec<String> = stale
                .iter()
                .map(|e| format!("{} {}", e.ecosystem.as_str(), e.summary()))
                .collect();
            cx.notice(
                Notice::new(
                    "advisory-data-stale",
                    NoticeLevel::Warning,
                    format!(
                        "advisory data older than {} days: {}; advisories published since are not matched; {}",
                        db::STALE_AFTER_DAYS,
                        what.join("; "),
                        db::IMPORT_HINT
                    ),
                )
                .with_data(
                    "ecosystems",
                    stale.iter().map(|e| e.ecosystem.as_str()).collect::<Vec<_>>(),
                ),
            );
        }
        let missing: Vec<&str> = data
            .iter()
            .filter(|e| e.source.is_none())
            .map(|e| e.ecosystem.as_str())
            .collect();
        if !missing.is_empty() {
            cx.notice(
                Notice::new(
                    "advisory-data-missing",
                    NoticeLevel::Warning,
                    format!(
                        "{} dependencies were not checked for known vulnerabilities (no advisory data); {}",
                        missing.join(" and "),
                        db::IMPORT_HINT
                    ),
                )
                .with_data("ecosystems", missing.clone()),
            );
        }
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

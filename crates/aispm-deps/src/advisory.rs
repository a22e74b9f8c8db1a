//! The advisories for one package, grouped: records that are aliases of each other (a
//! PYSEC and a GHSA record of one CVE) form one [`Group`] and are reported once, under
//! a lead record. Groups come from the advisory database in use for the ecosystem and
//! from the curated malicious-package list; a group answers what it affects (one
//! version, a set of versions), what fixes it and how it is rated.

use crate::db::Advisories;
use crate::malicious;
use crate::osv::{self, Advisory, AffectedMatcher, AnySet, Ecosystem};
use crate::vset;
use aispm_core::{RawFinding, Severity};
use std::collections::HashSet;
use std::sync::OnceLock;

/// The curated malicious-package entries as advisories, built once.
fn curated() -> &'static [Advisory] {
    static C: OnceLock<Vec<Advisory>> = OnceLock::new();
    C.get_or_init(malicious::curated_advisories)
}

/// Advisories for one package, grouped so that records that are aliases of each other
/// count once.
pub(crate) struct Group<'a> {
    pub lead: &'a Advisory,
    /// Every other ID and alias of the group.
    pub aliases: Vec<String>,
    matchers: Vec<AffectedMatcher>,
    /// The database the lead came from.
    pub db: String,
}

/// The alias-grouped advisories (and curated malicious entries) for a package, in the
/// database's order.
pub(crate) fn groups<'a>(
    advisories: &'a Advisories,
    eco: Ecosystem,
    normalized: &str,
) -> Vec<Group<'a>> {
    let db = advisories.for_ecosystem(eco);
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

impl Group<'_> {
    pub fn affects(&self, version: &str) -> bool {
        self.matchers.iter().any(|m| m.affects(version))
    }

    pub fn fixed_for(&self, version: &str) -> Option<String> {
        self.matchers
            .iter()
            .find_map(|m| m.fixed_for(version))
            .map(str::to_string)
    }

    /// Every version the group affects.
    pub fn affected_set(&self, eco: Ecosystem) -> AnySet {
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
    pub fn highest_fix(&self, eco: Ecosystem) -> Option<String> {
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

    pub fn severity(&self) -> Option<(Severity, String)> {
        self.lead.severity()
    }

    /// An entry reads as every release affected (open from `0`, no fix, no list).
    pub fn every_version(&self) -> bool {
        self.matchers
            .iter()
            .any(AffectedMatcher::affects_every_version)
    }

    /// The releases an entry names explicitly (a compromised-release list).
    pub fn listed_versions(&self, eco: Ecosystem, normalized: &str) -> Vec<String> {
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

    /// The lead's ID with the group's aliases in parentheses.
    pub fn with_aliases(&self) -> String {
        if self.aliases.is_empty() {
            self.lead.id.clone()
        } else {
            format!("{} ({})", self.lead.id, self.aliases.join(", "))
        }
    }

    /// The properties every finding about this group carries: the lead's ID, the
    /// aliases, references, the database, where the severity came from and a curated
    /// report's description.
    pub fn describe(&self, mut f: RawFinding) -> RawFinding {
        f = f
            .property("advisory_id", self.lead.id.clone())
            .property("aliases", self.aliases.clone())
            .property("references", self.references())
            .property("advisory_db", self.db.clone());
        if let Some((_, src)) = self.severity() {
            f = f.property("severity_source", src);
        }
        if let Some(desc) = malicious::curated_description(&self.lead.id) {
            f = f.property("report", desc);
        }
        f
    }
}

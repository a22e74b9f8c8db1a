//! OSV advisories: the facts aispm keeps of a record, reading records leniently from
//! JSON or YAML, and deciding which versions of a package a record affects.
//!
//! Kept per record: ID, modification time, aliases, for each affected PyPI or npm
//! package its name, `ECOSYSTEM`/`SEMVER` ranges (introduced, fixed, last_affected,
//! limit events) and explicit versions, severity vectors, the database's own severity
//! word, and reference links. Prose (`summary`, `details`) and `GIT` ranges (commit
//! hashes, which a version match cannot use) are left out. Kept records are still
//! valid OSV, one per line.
//!
//! A version is affected when a range covers it or the version list names it, as the
//! OSV schema says. Ranges are read as unions of intervals (`[introduced, fixed)`,
//! `[introduced, last_affected]`, capped below `limit`), which is the schema's event
//! algorithm, with one exception: a last interval that no event closes is replaced by
//! the versions the record lists in it, when it lists any (the list is what the record
//! knows; the open range is often a fix that was never entered, and read literally it
//! flags every later release). List entries inside such an open interval are therefore
//! kept on import; those inside closed intervals are redundant and dropped. A local
//! label (`2.0.1+cu118`) is a local build of the public release: it is ignored unless
//! the advisory itself names local versions.

use crate::cvss;
use crate::pep440;
use crate::semver;
use crate::vset::{Bound, VersionSet};
use aispm_core::Severity;
use serde::{Deserialize, Serialize};

/// Package ecosystems aispm matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Ecosystem {
    #[serde(rename = "PyPI")]
    PyPI,
    #[serde(rename = "npm")]
    Npm,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 2] = [Ecosystem::PyPI, Ecosystem::Npm];

    /// The OSV ecosystem name.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Npm => "npm",
        }
    }

    pub fn from_osv(s: &str) -> Option<Ecosystem> {
        match s {
            "PyPI" => Some(Ecosystem::PyPI),
            "npm" => Some(Ecosystem::Npm),
            _ => None,
        }
    }

    /// The package URL type.
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "pypi",
            Ecosystem::Npm => "npm",
        }
    }

    /// The name as advisories and indexes compare it.
    pub fn normalize(self, name: &str) -> String {
        match self {
            Ecosystem::PyPI => pep440::normalize_name(name),
            Ecosystem::Npm => semver::normalize_name(name),
        }
    }
}

/// One advisory, as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub affected: Vec<Affected>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<SeverityVector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<DatabaseSpecific>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    pub package: Package,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub ecosystem: Ecosystem,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: String,
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Event {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityVector {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseSpecific {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

// ---------------------------------------------------------------------------------
// Reading records leniently: unknown fields are ignored, fields of unexpected shape
// are dropped rather than failing the whole record.

#[derive(Deserialize)]
#[serde(untagged)]
enum Lenient<T> {
    Value(T),
    Other(serde::de::IgnoredAny),
}

impl<T> Lenient<T> {
    fn into_option(self) -> Option<T> {
        match self {
            Lenient::Value(v) => Some(v),
            Lenient::Other(_) => None,
        }
    }
}

#[derive(Deserialize)]
struct InRecord {
    id: String,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    withdrawn: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    affected: Option<Vec<InAffected>>,
    #[serde(default)]
    severity: Option<Vec<Lenient<InSeverity>>>,
    #[serde(default)]
    database_specific: Option<Lenient<InDbSpecific>>,
    #[serde(default)]
    references: Option<Vec<Lenient<InReference>>>,
}

#[derive(Deserialize)]
struct InAffected {
    #[serde(default)]
    package: Option<InPackage>,
    #[serde(default)]
    ranges: Option<Vec<InRange>>,
    #[serde(default)]
    versions: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct InPackage {
    #[serde(default)]
    ecosystem: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct InRange {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    events: Option<Vec<Event>>,
}

#[derive(Deserialize)]
struct InSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct InDbSpecific {
    #[serde(default)]
    severity: Option<Lenient<String>>,
}

#[derive(Deserialize)]
struct InReference {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    url: String,
}

/// What reading one record gave.
#[derive(Debug)]
pub enum Parsed {
    /// A record with at least one PyPI or npm package.
    Kept(Box<Advisory>),
    Withdrawn,
    /// A record about other ecosystems only.
    OtherEcosystem,
}

/// YAML parsing options: booleans only from `true`/`false`, bounded budgets (the
/// library's defaults cap nodes, depth and alias expansion).
pub(crate) fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! { strict_booleans: true }
}

/// Why OSV records could not be read ([`parse_record`], [`parse_json_document`]).
/// The importer's failure lines read `<file>: <message>`.
#[derive(Debug, thiserror::Error)]
pub enum OsvError {
    /// Not valid YAML, or not an OSV record: the first line of the parser's message
    /// (which it is part of, so it is not also the `source`).
    #[error("{}", first_line(.0))]
    Yaml(Box<serde_saphyr::Error>),
    /// Not valid JSON, or not an OSV record: `serde_json`'s message.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A JSON object without an `id` nor a `vulns` array.
    #[error("neither an OSV record nor a list of records")]
    NotRecords,
}

/// Reads one OSV record from JSON or YAML text.
pub fn parse_record(text: &str, yaml: bool) -> Result<Parsed, OsvError> {
    let rec: InRecord = if yaml {
        serde_saphyr::from_str_with_options(text, yaml_options())
            .map_err(|e| OsvError::Yaml(Box::new(e)))?
    } else {
        serde_json::from_str(text)?
    };
    Ok(convert(rec))
}

/// Reads records from a JSON document that is one record, an array of records or an
/// object with a `vulns` array (the osv.dev API's shape).
pub fn parse_json_document(text: &str) -> Result<Vec<Parsed>, OsvError> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    let items = match v {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(mut o) if !o.contains_key("id") => match o.remove("vulns") {
            Some(serde_json::Value::Array(a)) => a,
            _ => return Err(OsvError::NotRecords),
        },
        other => vec![other],
    };
    items
        .into_iter()
        .map(|item| {
            serde_json::from_value::<InRecord>(item)
                .map(convert)
                .map_err(OsvError::from)
        })
        .collect()
}

fn first_line(e: &impl std::fmt::Display) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

fn convert(rec: InRecord) -> Parsed {
    if rec.withdrawn.is_some() {
        return Parsed::Withdrawn;
    }
    let mut affected = Vec::new();
    for a in rec.affected.unwrap_or_default() {
        let Some(pkg) = a.package else { continue };
        let (Some(eco), Some(name)) = (pkg.ecosystem, pkg.name) else {
            continue;
        };
        let Some(ecosystem) = Ecosystem::from_osv(eco.trim()) else {
            continue;
        };
        let ranges: Vec<Range> = a
            .ranges
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| {
                let kind = r.kind?;
                (kind == "ECOSYSTEM" || kind == "SEMVER").then_some(Range {
                    kind,
                    events: r.events.unwrap_or_default(),
                })
            })
            .collect();
        let mut entry = Affected {
            package: Package {
                ecosystem,
                name: name.trim().to_string(),
            },
            ranges,
            versions: Vec::new(),
        };
        // Keep only the listed versions the ranges do not already cover: the lists
        // are mostly an enumeration of the ranges, and the match is the same.
        let versions = a.versions.unwrap_or_default();
        if entry.ranges.is_empty() {
            entry.versions = versions;
        } else {
            let matcher = AffectedMatcher::new(&entry);
            entry.versions = versions
                .into_iter()
                .filter(|v| !matcher.closed_cover(v))
                .collect();
        }
        if entry.ranges.is_empty() && entry.versions.is_empty() {
            continue;
        }
        affected.push(entry);
    }
    if affected.is_empty() {
        return Parsed::OtherEcosystem;
    }
    let severity = rec
        .severity
        .unwrap_or_default()
        .into_iter()
        .filter_map(Lenient::into_option)
        .map(|s| SeverityVector {
            kind: s.kind,
            score: s.score,
        })
        .collect();
    let database_specific = rec
        .database_specific
        .and_then(Lenient::into_option)
        .and_then(|d| d.severity)
        .and_then(Lenient::into_option)
        .map(|s| DatabaseSpecific { severity: Some(s) });
    let references = rec
        .references
        .unwrap_or_default()
        .into_iter()
        .filter_map(Lenient::into_option)
        .map(|r| Reference {
            kind: r.kind.unwrap_or_else(|| "WEB".into()),
            url: r.url,
        })
        .collect();
    Parsed::Kept(Box::new(Advisory {
        id: rec.id.trim().to_string(),
        modified: rec.modified,
        aliases: rec.aliases.unwrap_or_default(),
        affected,
        severity,
        database_specific,
        references,
    }))
}

// ---------------------------------------------------------------------------------
// Matching.

/// A version of either ecosystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnyVersion {
    Pep440(pep440::Version),
    Semver(semver::Version),
}

impl AnyVersion {
    pub fn parse(eco: Ecosystem, s: &str) -> Option<AnyVersion> {
        match eco {
            Ecosystem::PyPI => pep440::Version::parse(s).ok().map(AnyVersion::Pep440),
            Ecosystem::Npm => semver::Version::parse(s).ok().map(AnyVersion::Semver),
        }
    }
}

impl std::fmt::Display for AnyVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnyVersion::Pep440(v) => v.fmt(f),
            AnyVersion::Semver(v) => v.fmt(f),
        }
    }
}

/// A set of versions of either ecosystem.
#[derive(Debug, Clone)]
pub enum AnySet {
    Pep440(VersionSet<pep440::Version>),
    Semver(VersionSet<semver::Version>),
}

impl AnySet {
    pub fn overlaps(&self, other: &AnySet) -> bool {
        match (self, other) {
            (AnySet::Pep440(a), AnySet::Pep440(b)) => a.overlaps(b),
            (AnySet::Semver(a), AnySet::Semver(b)) => a.overlaps(b),
            _ => false,
        }
    }

    pub fn is_subset_of(&self, other: &AnySet) -> bool {
        match (self, other) {
            (AnySet::Pep440(a), AnySet::Pep440(b)) => a.is_subset_of(b),
            (AnySet::Semver(a), AnySet::Semver(b)) => a.is_subset_of(b),
            _ => false,
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            AnySet::Pep440(a) => a.is_empty(),
            AnySet::Semver(a) => a.is_empty(),
        }
    }
}

/// Which versions one `affected` entry covers, computed once per entry.
pub struct AffectedMatcher {
    ecosystem: Ecosystem,
    set: AnySet,
    /// The intervals that an event closes (`fixed`, `last_affected`, `limit`), without
    /// open tails or list points: what makes a listed version redundant on import.
    closed: AnySet,
    /// Versions of the list that parse, for the exact test; unparsed ones are
    /// compared as text.
    raw_points: Vec<String>,
    /// Whether the advisory names local versions (then local labels count).
    names_local: bool,
    /// `(interval upper bound as written)` for each interval closed by `fixed`.
    fixes: Vec<(AnySet, String)>,
    /// An open tail that starts at `0` survived: with no fix and no list, the entry
    /// says every release is affected.
    every_version: bool,
    /// An open tail was replaced by the versions the record lists in it.
    list_trusted: bool,
}

/// What one range's events describe: the intervals its events close (capped below
/// `limit`), the lower bound of a last interval that no event closes, and the fixed
/// intervals with their fix.
struct RangeSets<V> {
    closed: VersionSet<V>,
    tail: Option<Bound<V>>,
    fixes: Vec<(VersionSet<V>, String)>,
}

fn sorted_events<V: Ord + Clone>(
    events: &[Event],
    parse: &dyn Fn(&str) -> Option<V>,
) -> Option<Vec<(u8, Option<V>, String)>> {
    // (order for ties, version or None for "0", text)
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        if let Some(v) = &e.introduced {
            let parsed = if v.trim() == "0" {
                None
            } else {
                Some(parse(v)?)
            };
            out.push((0u8, parsed, v.clone()));
        }
        if let Some(v) = &e.fixed {
            out.push((1, Some(parse(v)?), v.clone()));
        }
        if let Some(v) = &e.last_affected {
            out.push((2, Some(parse(v)?), v.clone()));
        }
        if let Some(v) = &e.limit {
            if v.trim() == "*" {
                continue;
            }
            out.push((3, Some(parse(v)?), v.clone()));
        }
    }
    out.sort_by(|a, b| match (&a.1, &b.1) {
        (None, None) => a.0.cmp(&b.0),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y).then(a.0.cmp(&b.0)),
    });
    Some(out)
}

/// The sets one range's events describe (the schema's event algorithm).
fn range_set<V: Ord + Clone>(
    events: &[Event],
    parse: &dyn Fn(&str) -> Option<V>,
) -> Option<RangeSets<V>> {
    let events = sorted_events(events, parse)?;
    let mut intervals = Vec::new();
    let mut fixes = Vec::new();
    let mut open: Option<Bound<V>> = None;
    let mut limit: Option<V> = None;
    for (kind, v, text) in events {
        match kind {
            0 => {
                if open.is_none() {
                    open = Some(v.map_or(Bound::Unbounded, Bound::Included));
                }
            }
            1 => {
                if let (Some(lo), Some(v)) = (open.take(), v) {
                    let iv = VersionSet::interval(lo, Bound::Excluded(v));
                    fixes.push((iv.clone(), text));
                    intervals.push(iv);
                }
            }
            2 => {
                if let (Some(lo), Some(v)) = (open.take(), v) {
                    intervals.push(VersionSet::interval(lo, Bound::Included(v)));
                }
            }
            _ => {
                if let Some(v) = v
                    && limit.as_ref().is_none_or(|l| v > *l)
                {
                    limit = Some(v);
                }
            }
        }
    }
    let mut tail = None;
    if let Some(lo) = open {
        if limit.is_some() {
            intervals.push(VersionSet::interval(lo, Bound::Unbounded));
        } else {
            tail = Some(lo);
        }
    }
    let mut closed = intervals
        .iter()
        .fold(VersionSet::empty(), |acc, s| acc.union(s));
    if let Some(l) = limit {
        closed = closed.intersect(&VersionSet::below(l));
    }
    Some(RangeSets {
        closed,
        tail,
        fixes,
    })
}

/// An entry's sets in one version type, before they are wrapped in [`AnySet`].
struct EntrySets<V> {
    set: VersionSet<V>,
    closed: VersionSet<V>,
    fixes: Vec<(VersionSet<V>, String)>,
    raw_points: Vec<String>,
    every_version: bool,
    list_trusted: bool,
}

/// Ranges and list of one entry. A last interval that no event closes (no `fixed`,
/// `last_affected` or `limit` after its `introduced`) is taken from the record's
/// version list when the list names versions in it: the list is what the record
/// knows to be affected, and extrapolating an open range to every later release
/// turns a record whose fix was never entered into a report on every new release.
/// When the list names none, the open range stands.
fn entry_sets<V: Ord + Clone>(a: &Affected, parse: &dyn Fn(&str) -> Option<V>) -> EntrySets<V> {
    let mut closed = VersionSet::empty();
    let mut fixes = Vec::new();
    let mut tails = Vec::new();
    for r in &a.ranges {
        if let Some(rs) = range_set(&r.events, parse) {
            closed = closed.union(&rs.closed);
            fixes.extend(rs.fixes);
            tails.extend(rs.tail);
        }
    }
    let mut points = VersionSet::empty();
    let mut raw_points = Vec::new();
    for v in &a.versions {
        match parse(v) {
            Some(p) => points = points.union(&VersionSet::point(p)),
            None => raw_points.push(v.trim().to_ascii_lowercase()),
        }
    }
    let mut set = closed.union(&points);
    let mut every_version = false;
    let mut list_trusted = false;
    for lo in tails {
        let tail = VersionSet::interval(lo.clone(), Bound::Unbounded);
        if points.overlaps(&tail) {
            list_trusted = true;
        } else {
            every_version |= lo == Bound::Unbounded;
            set = set.union(&tail);
        }
    }
    EntrySets {
        set,
        closed,
        fixes,
        raw_points,
        every_version,
        list_trusted,
    }
}

/// Whether any event or listed version carries a local label (`+cu118`).
fn names_local(a: &Affected) -> bool {
    let in_events = a.ranges.iter().flat_map(|r| &r.events).any(|e| {
        [&e.introduced, &e.fixed, &e.last_affected, &e.limit]
            .iter()
            .any(|x| x.as_deref().is_some_and(|t| t.contains('+')))
    });
    in_events
        || a.versions
            .iter()
            .any(|v| pep440::Version::parse(v).is_ok_and(|p| !p.local.is_empty()))
}

impl AffectedMatcher {
    pub fn new(a: &Affected) -> AffectedMatcher {
        let eco = a.package.ecosystem;
        macro_rules! build {
            ($variant:ident, $parse:expr, $local:expr) => {{
                let e = entry_sets(a, &$parse);
                AffectedMatcher {
                    ecosystem: eco,
                    set: AnySet::$variant(e.set),
                    closed: AnySet::$variant(e.closed),
                    raw_points: e.raw_points,
                    names_local: $local,
                    fixes: e
                        .fixes
                        .into_iter()
                        .map(|(s, t)| (AnySet::$variant(s), t))
                        .collect(),
                    every_version: e.every_version,
                    list_trusted: e.list_trusted,
                }
            }};
        }
        match eco {
            Ecosystem::PyPI => build!(
                Pep440,
                |s: &str| pep440::Version::parse(s).ok(),
                names_local(a)
            ),
            Ecosystem::Npm => build!(Semver, |s: &str| semver::Version::parse(s).ok(), false),
        }
    }

    /// The versions covered (ranges and parsed list entries).
    pub fn set(&self) -> &AnySet {
        &self.set
    }

    /// Whether the entry, as read, affects every release: an open range from `0`
    /// with no fix and no version list. Such records are nearly always a product's
    /// advisory filed on a client library, or a fix that was never entered.
    pub fn affects_every_version(&self) -> bool {
        self.every_version
    }

    /// Whether an open range was narrowed to the versions the record lists.
    pub fn list_trusted(&self) -> bool {
        self.list_trusted
    }

    fn effective(&self, v: &AnyVersion) -> AnyVersion {
        match v {
            AnyVersion::Pep440(p) if !self.names_local => AnyVersion::Pep440(p.public()),
            other => other.clone(),
        }
    }

    fn set_contains(set: &AnySet, v: &AnyVersion) -> bool {
        match (set, v) {
            (AnySet::Pep440(s), AnyVersion::Pep440(v)) => s.contains(v),
            (AnySet::Semver(s), AnyVersion::Semver(v)) => s.contains(v),
            _ => false,
        }
    }

    /// Whether the version (as written in a manifest or lock file) is affected.
    pub fn affects(&self, version_text: &str) -> bool {
        match AnyVersion::parse(self.ecosystem, version_text) {
            Some(v) => Self::set_contains(&self.set, &self.effective(&v)),
            None => {
                let t = version_text.trim().to_ascii_lowercase();
                self.raw_points.contains(&t)
            }
        }
    }

    /// Whether intervals that events close cover the version (used to drop
    /// redundant list entries when a record is imported; entries in an open range
    /// are kept, because they bound it).
    fn closed_cover(&self, version_text: &str) -> bool {
        let Some(v) = AnyVersion::parse(self.ecosystem, version_text) else {
            return false;
        };
        Self::set_contains(&self.closed, &v)
    }

    /// The fix of the interval that covers the version, when it was closed by one.
    pub fn fixed_for(&self, version_text: &str) -> Option<&str> {
        let v = self.effective(&AnyVersion::parse(self.ecosystem, version_text)?);
        self.fixes
            .iter()
            .find(|(s, _)| Self::set_contains(s, &v))
            .map(|(_, t)| t.as_str())
    }

    /// Every fixed version named by the ranges, in event order.
    pub fn all_fixes(&self) -> impl Iterator<Item = &str> {
        self.fixes.iter().map(|(_, t)| t.as_str())
    }
}

impl Advisory {
    /// Whether this is a malicious-package report (OSV `MAL-` records and aispm's
    /// own curated entries).
    pub fn is_malicious(&self) -> bool {
        self.id.starts_with("MAL-") || self.id.starts_with("AISPM-MAL-")
    }

    /// Severity from a CVSS v3 vector, else from the database's own rating word.
    /// Returns the severity and a note of where it came from.
    pub fn severity(&self) -> Option<(Severity, String)> {
        for s in &self.severity {
            if s.kind == "CVSS_V3"
                && let Some(score) = cvss::base_score_v3(&s.score)
            {
                return Some((cvss::rating(score), format!("CVSS v3 {score:.1}")));
            }
        }
        let word = self.database_specific.as_ref()?.severity.as_deref()?;
        let sev = match word.trim().to_ascii_uppercase().as_str() {
            "CRITICAL" => Severity::Critical,
            "HIGH" => Severity::High,
            "MODERATE" | "MEDIUM" => Severity::Medium,
            "LOW" => Severity::Low,
            _ => return None,
        };
        Some((sev, format!("database severity {}", word.trim())))
    }

    /// The affected entries for one package.
    pub fn entries_for<'a>(
        &'a self,
        eco: Ecosystem,
        normalized: &'a str,
    ) -> impl Iterator<Item = &'a Affected> + 'a {
        self.affected.iter().filter(move |a| {
            a.package.ecosystem == eco && eco.normalize(&a.package.name) == normalized
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(eco: Ecosystem, ranges: Vec<Vec<(&str, &str)>>, versions: &[&str]) -> Affected {
        Affected {
            package: Package {
                ecosystem: eco,
                name: "p".into(),
            },
            ranges: ranges
                .into_iter()
                .map(|evs| Range {
                    kind: "ECOSYSTEM".into(),
                    events: evs
                        .into_iter()
                        .map(|(k, v)| {
                            let mut e = Event::default();
                            let v = Some(v.to_string());
                            match k {
                                "introduced" => e.introduced = v,
                                "fixed" => e.fixed = v,
                                "last_affected" => e.last_affected = v,
                                _ => e.limit = v,
                            }
                            e
                        })
                        .collect(),
                })
                .collect(),
            versions: versions.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn events_in_any_order_and_several_branches() {
        let a = entry(
            Ecosystem::PyPI,
            vec![vec![
                ("fixed", "2.3.1"),
                ("introduced", "2.0"),
                ("introduced", "0"),
                ("fixed", "1.9.5"),
            ]],
            &[],
        );
        let m = AffectedMatcher::new(&a);
        assert!(m.affects("1.0"));
        assert!(!m.affects("1.9.5"));
        assert!(!m.affects("1.9.9"));
        assert!(m.affects("2.0"));
        assert!(m.affects("2.3.1rc1"));
        assert!(!m.affects("2.3.1"));
        assert_eq!(m.fixed_for("2.1"), Some("2.3.1"));
        assert_eq!(m.fixed_for("1.2"), Some("1.9.5"));
    }

    #[test]
    fn errors_read_as_the_parsers_say() {
        let json = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        assert_eq!(
            parse_record("{", false).unwrap_err().to_string(),
            json.to_string()
        );
        assert_eq!(
            parse_json_document("{").unwrap_err().to_string(),
            json.to_string()
        );
        assert_eq!(
            parse_json_document(r#"{"vulns": 1}"#)
                .unwrap_err()
                .to_string(),
            "neither an OSV record nor a list of records"
        );
        let Err(yaml) = serde_saphyr::from_str_with_options::<InRecord>("id: [", yaml_options())
        else {
            panic!("not an OSV record");
        };
        assert_eq!(
            parse_record("id: [", true).unwrap_err().to_string(),
            yaml.to_string().lines().next().unwrap()
        );
    }

    #[test]
    fn records_parse_leniently_from_yaml() {
        let y = r#"
id: PYSEC-1
modified: 2024-01-01T00:00:00Z
aliases: [CVE-1]
details: prose that is dropped
database_specific: {severity: [odd]}
affected:
- package: {ecosystem: PyPI, name: Foo_Bar}
  ranges:
  - type: GIT
    repo: x
    events: [{introduced: '0'}, {fixed: abc}]
  - type: ECOSYSTEM
    events: [{introduced: '0'}, {fixed: 1.10}]
  versions: [1.0, 1.9, 1.10.post1, weird]
- package: {ecosystem: Go, name: x}
references: [{type: WEB, url: 'https://example.invalid'}, 7]
"#;
        let Parsed::Kept(a) = parse_record(y, true).unwrap() else {
            panic!("not kept");
        };
        assert_eq!(a.affected.len(), 1);
        assert_eq!(a.affected[0].ranges.len(), 1);
        assert_eq!(
            a.affected[0].ranges[0].events[1].fixed.as_deref(),
            Some("1.10")
        );
        // Covered list entries are dropped; the rest stay.
        assert_eq!(a.affected[0].versions, vec!["1.10.post1", "weird"]);
        assert_eq!(a.references.len(), 1);
        assert!(a.database_specific.is_none());
        let m = AffectedMatcher::new(&a.affected[0]);
        assert!(m.affects("1.9"));
        assert!(m.affects("1.10.post1"));
        assert!(m.affects("WEIRD"));
        assert!(!m.affects("1.10"));
        assert!(matches!(
            parse_record("id: X\nwithdrawn: 2024-01-01\n", true).unwrap(),
            Parsed::Withdrawn
        ));
    }
}

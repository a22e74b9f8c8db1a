//! Semantic versions (SemVer 2.0.0 precedence) and npm's range syntax.
//!
//! [`Version`] orders as SemVer says: major, minor, patch, then a pre-release before
//! its release, pre-release identifiers compared field by field (numeric below
//! alphanumeric), build metadata ignored. [`parse_range`] reads what npm accepts in
//! `package.json`: comparators (`>=1.2.3 <2`), `=`/`v` prefixes, x-ranges (`1.2.x`,
//! `1`, `*`), tilde, caret and hyphen ranges, and `||`. A range becomes a
//! [`VersionSet`]; like npm, `<2.0.0` and the upper ends of `^`/`~`/x-ranges exclude
//! the pre-releases of the bound (written `2.0.0-0`).

use crate::vset::{Bound, VersionSet};
use std::cmp::Ordering;
use std::fmt;

const MAX_LEN: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PreId {
    Number(u64),
    Text(String),
}

impl Ord for PreId {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PreId::Number(a), PreId::Number(b)) => a.cmp(b),
            (PreId::Text(a), PreId::Text(b)) => a.cmp(b),
            (PreId::Number(_), PreId::Text(_)) => Ordering::Less,
            (PreId::Text(_), PreId::Number(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for PreId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A semantic version.
#[derive(Debug, Clone)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Vec<PreId>,
    pub build: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a semantic version: `{0}`")]
pub struct VersionError(pub String);

impl Version {
    pub fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
            pre: Vec::new(),
            build: String::new(),
        }
    }

    /// The smallest pre-release of `major.minor.patch` (`X.Y.Z-0`).
    fn floor(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            pre: vec![PreId::Number(0)],
            ..Version::new(major, minor, patch)
        }
    }

    /// Parses `1.2.3`, `v1.2.3`, `=1.2.3`, `1.2.3-beta.1+build`.
    pub fn parse(input: &str) -> Result<Version, VersionError> {
        let err = || VersionError(input.chars().take(80).collect());
        let s = input.trim();
        if s.len() > MAX_LEN {
            return Err(err());
        }
        let s = s.strip_prefix('=').unwrap_or(s).trim_start();
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let p = parse_partial(s).ok_or_else(err)?;
        match p {
            Partial {
                major: Some(major),
                minor: Some(minor),
                patch: Some(patch),
                pre,
                build,
            } => Ok(Version {
                major,
                minor,
                patch,
                pre,
                build,
            }),
            _ => Err(err()),
        }
    }

    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            let parts: Vec<String> = self
                .pre
                .iter()
                .map(|p| match p {
                    PreId::Number(n) => n.to_string(),
                    PreId::Text(t) => t.clone(),
                })
                .collect();
            write!(f, "-{}", parts.join("."))?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

/// A version with wildcards: `1`, `1.2`, `1.x`, `*`.
#[derive(Debug, Clone)]
struct Partial {
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    pre: Vec<PreId>,
    build: String,
}

fn parse_number(s: &str) -> Option<Option<u64>> {
    match s {
        "x" | "X" | "*" => Some(None),
        _ if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok().map(Some),
        _ => None,
    }
}

fn parse_partial(s: &str) -> Option<Partial> {
    if s.is_empty() {
        return None;
    }
    let (main, build) = match s.split_once('+') {
        Some((m, b)) => (m, b),
        None => (s, ""),
    };
    if !build
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return None;
    }
    // The pre-release starts at the first `-` after the numbers.
    let (nums, pre) = match main.find('-') {
        Some(i) => (&main[..i], Some(&main[i + 1..])),
        None => (main, None),
    };
    let mut parts = nums.split('.');
    let major = parse_number(parts.next()?)?;
    let minor = match parts.next() {
        Some(p) => parse_number(p)?,
        None => None,
    };
    let patch = match parts.next() {
        Some(p) => parse_number(p)?,
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    // A wildcard is followed by wildcards only.
    if (major.is_none() && (minor.is_some() || patch.is_some()))
        || (minor.is_none() && patch.is_some())
    {
        return None;
    }
    let mut ids = Vec::new();
    if let Some(pre) = pre {
        patch?;
        for id in pre.split('.') {
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return None;
            }
            ids.push(if id.bytes().all(|b| b.is_ascii_digit()) {
                PreId::Number(id.parse().ok()?)
            } else {
                PreId::Text(id.to_string())
            });
            if ids.len() > 32 {
                return None;
            }
        }
    }
    Some(Partial {
        major,
        minor,
        patch,
        pre: ids,
        build: build.to_string(),
    })
}

impl Partial {
    /// The smallest version the partial names (`1.2` → `1.2.0`).
    fn low(&self) -> Version {
        Version {
            major: self.major.unwrap_or(0),
            minor: self.minor.unwrap_or(0),
            patch: self.patch.unwrap_or(0),
            pre: self.pre.clone(),
            build: String::new(),
        }
    }

    /// The first version after everything the partial names (`1.2` → `1.3.0-0`),
    /// `None` when unbounded (`*`).
    fn ceiling(&self) -> Option<Version> {
        match (self.major, self.minor, self.patch) {
            (None, _, _) => None,
            (Some(m), None, _) => Some(Version::floor(m.saturating_add(1), 0, 0)),
            (Some(m), Some(n), None) => Some(Version::floor(m, n.saturating_add(1), 0)),
            (Some(_), Some(_), Some(_)) => None,
        }
    }

    fn is_full(&self) -> bool {
        self.patch.is_some()
    }

    /// The set a bare partial means: `1.2.3` itself, `1.2` = `1.2.x`, `*` = anything.
    fn as_set(&self) -> VersionSet<Version> {
        if self.is_full() {
            VersionSet::point(self.low())
        } else if self.major.is_none() {
            VersionSet::full()
        } else {
            VersionSet::interval(
                Bound::Included(self.low()),
                self.ceiling().map_or(Bound::Unbounded, Bound::Excluded),
            )
        }
    }
}

/// `<V` with `V` a release excludes `V`'s pre-releases.
fn below(v: Version) -> VersionSet<Version> {
    if v.pre.is_empty() {
        VersionSet::below(Version::floor(v.major, v.minor, v.patch))
    } else {
        VersionSet::below(v)
    }
}

fn comparator(op: &str, p: &Partial) -> VersionSet<Version> {
    match op {
        "" | "=" => p.as_set(),
        ">=" => VersionSet::at_least(p.low()),
        ">" => match p.ceiling() {
            _ if p.major.is_none() => VersionSet::empty(),
            Some(c) => VersionSet::at_least(c),
            None => VersionSet::above(p.low()),
        },
        "<" => {
            if p.major.is_none() {
                VersionSet::empty()
            } else {
                below(p.low())
            }
        }
        "<=" => match p.ceiling() {
            _ if p.major.is_none() => VersionSet::full(),
            Some(c) => VersionSet::below(c),
            None => VersionSet::at_most(p.low()),
        },
        "~" | "~>" => {
            let lo = p.low();
            let hi = match (p.major, p.minor) {
                (None, _) => return VersionSet::full(),
                (Some(m), None) => Version::floor(m.saturating_add(1), 0, 0),
                (Some(m), Some(n)) => Version::floor(m, n.saturating_add(1), 0),
            };
            VersionSet::interval(Bound::Included(lo), Bound::Excluded(hi))
        }
        "^" => {
            let lo = p.low();
            let hi = match (p.major, p.minor, p.patch) {
                (None, _, _) => return VersionSet::full(),
                (Some(0), Some(0), Some(z)) => Version::floor(0, 0, z.saturating_add(1)),
                (Some(0), Some(n), _) if p.minor.is_some() => {
                    Version::floor(0, n.saturating_add(1), 0)
                }
                (Some(0), None, _) => Version::floor(1, 0, 0),
                (Some(m), _, _) => Version::floor(m.saturating_add(1), 0, 0),
            };
            VersionSet::interval(Bound::Included(lo), Bound::Excluded(hi))
        }
        _ => VersionSet::empty(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an npm version range: `{0}`")]
pub struct RangeError(pub String);

/// Splits a comparator token into operator and partial version.
fn split_op(tok: &str) -> (&str, &str) {
    for op in [">=", "<=", "~>", ">", "<", "=", "~", "^"] {
        if let Some(rest) = tok.strip_prefix(op) {
            return (op, rest);
        }
    }
    ("", tok)
}

fn parse_partial_token(s: &str) -> Option<Partial> {
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    parse_partial(s)
}

/// Parses an npm range into the set of versions it admits.
pub fn parse_range(input: &str) -> Result<VersionSet<Version>, RangeError> {
    let err = || RangeError(input.chars().take(80).collect());
    if input.len() > 1024 {
        return Err(err());
    }
    let mut total = VersionSet::empty();
    for alt in input.split("||") {
        let alt = alt.trim();
        // Hyphen range: `A - B`.
        if let Some((a, b)) = alt.split_once(" - ") {
            let a = parse_partial_token(a.trim()).ok_or_else(err)?;
            let b = parse_partial_token(b.trim()).ok_or_else(err)?;
            let hi = if b.major.is_none() {
                Bound::Unbounded
            } else if b.is_full() {
                Bound::Included(b.low())
            } else {
                b.ceiling().map_or(Bound::Unbounded, Bound::Excluded)
            };
            total = total.union(&VersionSet::interval(Bound::Included(a.low()), hi));
            continue;
        }
        // Join operators separated from their version by spaces (`>= 1.2`).
        let mut tokens: Vec<String> = Vec::new();
        let mut pending = String::new();
        for t in alt.split_whitespace() {
            if matches!(t, ">=" | "<=" | ">" | "<" | "=" | "~" | "^" | "~>") {
                pending.push_str(t);
                continue;
            }
            tokens.push(format!("{pending}{t}"));
            pending.clear();
        }
        if !pending.is_empty() {
            return Err(err());
        }
        let mut set = VersionSet::full();
        for tok in &tokens {
            let (op, rest) = split_op(tok);
            let p = parse_partial_token(rest).ok_or_else(err)?;
            set = set.intersect(&comparator(op, &p));
        }
        total = total.union(&set);
    }
    Ok(total)
}

/// The exact version a range names, when it names exactly one (`1.2.3`, `=v1.2.3`).
pub fn exact_version(input: &str) -> Option<Version> {
    let s = input.trim();
    if s.contains("||") || s.split_whitespace().count() != 1 {
        return None;
    }
    let (op, rest) = split_op(s);
    if !matches!(op, "" | "=") {
        return None;
    }
    let p = parse_partial_token(rest)?;
    p.is_full().then(|| p.low())
}

/// npm package names compare in lower case (new names must be lower case; old ones
/// with capitals resolve case-insensitively in advisories).
pub fn normalize_name(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn admits(range: &str, version: &str) -> bool {
        parse_range(range).unwrap().contains(&v(version))
    }

    #[test]
    fn precedence() {
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1.0",
            "2.0.0",
        ];
        for w in ordered.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(v("1.0.0+build.5"), v("v1.0.0"));
        assert!(Version::parse("1.0").is_err());
        assert!(Version::parse("1.0.0-").is_err());
        assert!(Version::parse("01x.0.0").is_err());
    }

    #[test]
    fn ranges() {
        assert!(admits("^1.2.3", "1.9.0"));
        assert!(!admits("^1.2.3", "2.0.0"));
        assert!(!admits("^1.2.3", "2.0.0-rc.1"));
        assert!(!admits("^1.2.3", "1.2.2"));
        assert!(admits("^0.2.3", "0.2.9"));
        assert!(!admits("^0.2.3", "0.3.0"));
        assert!(!admits("^0.0.3", "0.0.4"));
        assert!(admits("^0.x", "0.9.0"));
        assert!(admits("~1.2.3", "1.2.9"));
        assert!(!admits("~1.2.3", "1.3.0"));
        assert!(admits("~1", "1.9.9"));
        assert!(admits("1.2.x", "1.2.7"));
        assert!(!admits("1.2.x", "1.3.0"));
        assert!(admits("*", "0.0.1"));
        assert!(admits("", "3.0.0"));
        assert!(admits(">= 1.2.3 < 2", "1.5.0"));
        assert!(!admits(">=1.2.3 <2", "2.0.0-beta"));
        assert!(admits("1.2.3 - 2.3", "2.3.9"));
        assert!(!admits("1.2.3 - 2.3.4", "2.3.5"));
        assert!(admits("<1.0.0 || >=3.0.0", "3.1.0"));
        assert!(!admits("<1.0.0 || >=3.0.0", "2.0.0"));
        assert!(admits(">1.2", "1.3.0"));
        assert!(!admits(">1.2", "1.2.9"));
        assert!(admits("<=1.2", "1.2.9"));
        assert!(admits("=v1.2.3", "1.2.3"));
        assert!(parse_range("latest").is_err());
        assert!(parse_range(">=").is_err());
        assert_eq!(exact_version("1.2.3").unwrap(), v("1.2.3"));
        assert_eq!(exact_version("=v1.2.3-rc.1").unwrap(), v("1.2.3-rc.1"));
        assert!(exact_version("^1.2.3").is_none());
        assert!(exact_version("1.2").is_none());
    }
}

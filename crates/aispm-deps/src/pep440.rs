//! PEP 440 versions and version specifiers, written from the specification.
//!
//! Parsing accepts every spelling PEP 440 normalises (case, a leading `v`, `alpha`/
//! `beta`/`c`/`pre`/`preview`, `rev`/`r`, implicit post releases `1.0-1`, optional
//! separators, local labels with `-`/`_`) and [`Version`]'s `Display` writes the normal
//! form. Ordering follows the specification's sort key: epoch, release (trailing zeros
//! ignored), then a pre-release before its release, a dev release before its
//! pre-release, post releases after, local labels last (numeric segments above
//! alphanumeric ones).
//!
//! A [`SpecifierSet`] (`>=1.2,!=1.3.*,<2`) converts to a [`VersionSet`]: the set of
//! versions it admits, with `<V` excluding the pre-releases of `V` as PEP 440 says.
//! Local labels take no part in specifier sets (a `1.0+cu118` build is release `1.0`).

use crate::vset::{Bound, VersionSet};
use std::cmp::Ordering;
use std::fmt;

/// Longest version string accepted; real ones are far shorter.
const MAX_LEN: usize = 256;
/// Most release segments accepted.
const MAX_SEGMENTS: usize = 32;

/// Kind of pre-release, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreKind {
    Alpha,
    Beta,
    Rc,
}

/// One dot-separated part of a local version label.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LocalSegment {
    Number(u64),
    Text(String),
}

impl Ord for LocalSegment {
    fn cmp(&self, other: &Self) -> Ordering {
        use LocalSegment::*;
        match (self, other) {
            (Number(a), Number(b)) => a.cmp(b),
            (Text(a), Text(b)) => a.cmp(b),
            // Numeric segments sort above alphanumeric ones.
            (Number(_), Text(_)) => Ordering::Greater,
            (Text(_), Number(_)) => Ordering::Less,
        }
    }
}

impl PartialOrd for LocalSegment {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A PEP 440 version.
#[derive(Debug, Clone)]
pub struct Version {
    pub epoch: u64,
    pub release: Vec<u64>,
    pub pre: Option<(PreKind, u64)>,
    pub post: Option<u64>,
    pub dev: Option<u64>,
    pub local: Vec<LocalSegment>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a PEP 440 version: `{0}`")]
pub struct VersionError(pub String);

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn eat_sep(&mut self) -> bool {
        matches!(self.peek(), Some(b'.' | b'-' | b'_')) && {
            self.i += 1;
            true
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.s[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            true
        } else {
            false
        }
    }

    /// Digits as a number; `Err` on overflow, `Ok(None)` when there are none.
    fn number(&mut self) -> Result<Option<u64>, ()> {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        if self.i == start {
            return Ok(None);
        }
        let digits = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| ())?;
        digits.parse::<u64>().map(Some).map_err(|_| ())
    }
}

impl Version {
    /// Parses any PEP 440 spelling of a version.
    pub fn parse(input: &str) -> Result<Version, VersionError> {
        let err = || VersionError(input.chars().take(80).collect());
        let t = input.trim();
        if t.is_empty() || t.len() > MAX_LEN {
            return Err(err());
        }
        let lower = t.to_ascii_lowercase();
        let mut c = Cursor {
            s: lower.as_bytes(),
            i: 0,
        };
        c.eat(b'v');
        // Epoch or first release segment.
        let first = c.number().map_err(|_| err())?.ok_or_else(err)?;
        let (epoch, first) = if c.eat(b'!') {
            (first, c.number().map_err(|_| err())?.ok_or_else(err)?)
        } else {
            (0, first)
        };
        let mut release = vec![first];
        loop {
            let save = c.i;
            if c.eat(b'.')
                && let Some(n) = c.number().map_err(|_| err())?
            {
                release.push(n);
                if release.len() > MAX_SEGMENTS {
                    return Err(err());
                }
                continue;
            }
            c.i = save;
            break;
        }
        // Pre-release.
        let mut pre = None;
        {
            let save = c.i;
            c.eat_sep();
            let kind = if c.eat_word("alpha") || c.eat_word("a") {
                Some(PreKind::Alpha)
            } else if c.eat_word("beta") || c.eat_word("b") {
                Some(PreKind::Beta)
            } else if c.eat_word("preview")
                || c.eat_word("pre")
                || c.eat_word("c")
                || c.eat_word("rc")
            {
                Some(PreKind::Rc)
            } else {
                None
            };
            match kind {
                Some(k) => {
                    let save_n = c.i;
                    c.eat_sep();
                    let n = match c.number().map_err(|_| err())? {
                        Some(n) => n,
                        None => {
                            c.i = save_n;
                            0
                        }
                    };
                    pre = Some((k, n));
                }
                None => c.i = save,
            }
        }
        // Post release: `-N` or `[sep](post|rev|r)[sep][N]`.
        let mut post = None;
        {
            let save = c.i;
            if c.eat(b'-')
                && let Some(n) = c.number().map_err(|_| err())?
            {
                post = Some(n);
            } else {
                c.i = save;
                c.eat_sep();
                if c.eat_word("post") || c.eat_word("rev") || c.eat_word("r") {
                    let save_n = c.i;
                    c.eat_sep();
                    post = Some(match c.number().map_err(|_| err())? {
                        Some(n) => n,
                        None => {
                            c.i = save_n;
                            0
                        }
                    });
                } else {
                    c.i = save;
                }
            }
        }
        // Dev release.
        let mut dev = None;
        {
            let save = c.i;
            c.eat_sep();
            if c.eat_word("dev") {
                let save_n = c.i;
                c.eat_sep();
                dev = Some(match c.number().map_err(|_| err())? {
                    Some(n) => n,
                    None => {
                        c.i = save_n;
                        0
                    }
                });
            } else {
                c.i = save;
            }
        }
        // Local label.
        let mut local = Vec::new();
        if c.eat(b'+') {
            let rest = &lower[c.i..];
            if rest.is_empty() {
                return Err(err());
            }
            for part in rest.split(['.', '-', '_']) {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(err());
                }
                local.push(if part.bytes().all(|b| b.is_ascii_digit()) {
                    LocalSegment::Number(part.parse().map_err(|_| err())?)
                } else {
                    LocalSegment::Text(part.to_string())
                });
                if local.len() > MAX_SEGMENTS {
                    return Err(err());
                }
            }
            c.i = c.s.len();
        }
        if c.i != c.s.len() {
            return Err(err());
        }
        Ok(Version {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    /// The version without its local label.
    pub fn public(&self) -> Version {
        Version {
            local: Vec::new(),
            ..self.clone()
        }
    }

    /// The release segments without trailing zeros (`1.0.0` and `1` are one release).
    fn release_key(&self) -> &[u64] {
        let mut n = self.release.len();
        while n > 1 && self.release[n - 1] == 0 {
            n -= 1;
        }
        &self.release[..n]
    }

    /// The smallest version of this version's release line that is still not before
    /// it in the sense of `<`: `V.dev0` for a final or post release (so that `<V`
    /// excludes `V`'s pre-releases), `V` itself when it is a pre-release.
    fn exclusive_upper(&self) -> Version {
        if self.pre.is_none() && self.dev.is_none() {
            Version {
                dev: Some(0),
                local: Vec::new(),
                ..self.clone()
            }
        } else {
            self.public()
        }
    }

    /// The smallest version whose release starts with `prefix` (same epoch).
    fn prefix_floor(epoch: u64, prefix: &[u64]) -> Version {
        Version {
            epoch,
            release: prefix.to_vec(),
            pre: None,
            post: None,
            dev: Some(0),
            local: Vec::new(),
        }
    }

    /// The first version after every version whose release starts with `prefix`.
    fn prefix_ceiling(epoch: u64, prefix: &[u64]) -> Version {
        let mut next = prefix.to_vec();
        if let Some(last) = next.last_mut() {
            *last = last.saturating_add(1);
        }
        Self::prefix_floor(epoch, &next)
    }
}

/// The pieces of the PEP 440 sort key after epoch and release.
fn suffix_key(v: &Version) -> (i8, PreKind, u64, i8, u64, i8, u64) {
    // Pre: a dev-only release sorts before any pre-release of the same release; a
    // release without a pre-release after all of them.
    let (pre_rank, pre_kind, pre_n) = match (v.pre, v.post, v.dev) {
        (None, None, Some(_)) => (-1, PreKind::Alpha, 0),
        (None, _, _) => (1, PreKind::Alpha, 0),
        (Some((k, n)), _, _) => (0, k, n),
    };
    let (post_rank, post_n) = match v.post {
        None => (-1, 0),
        Some(n) => (0, n),
    };
    let (dev_rank, dev_n) = match v.dev {
        None => (1, 0),
        Some(n) => (0, n),
    };
    (
        pre_rank, pre_kind, pre_n, post_rank, post_n, dev_rank, dev_n,
    )
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| {
                let (a, b) = (self.release_key(), other.release_key());
                let n = a.len().max(b.len());
                (0..n)
                    .map(|i| {
                        a.get(i)
                            .copied()
                            .unwrap_or(0)
                            .cmp(&b.get(i).copied().unwrap_or(0))
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            })
            .then_with(|| suffix_key(self).cmp(&suffix_key(other)))
            .then_with(|| self.local.cmp(&other.local))
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
    /// The normal form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != 0 {
            write!(f, "{}!", self.epoch)?;
        }
        let rel: Vec<String> = self.release.iter().map(u64::to_string).collect();
        f.write_str(&rel.join("."))?;
        if let Some((k, n)) = self.pre {
            let k = match k {
                PreKind::Alpha => "a",
                PreKind::Beta => "b",
                PreKind::Rc => "rc",
            };
            write!(f, "{k}{n}")?;
        }
        if let Some(n) = self.post {
            write!(f, ".post{n}")?;
        }
        if let Some(n) = self.dev {
            write!(f, ".dev{n}")?;
        }
        if !self.local.is_empty() {
            let parts: Vec<String> = self
                .local
                .iter()
                .map(|s| match s {
                    LocalSegment::Number(n) => n.to_string(),
                    LocalSegment::Text(t) => t.clone(),
                })
                .collect();
            write!(f, "+{}", parts.join("."))?;
        }
        Ok(())
    }
}

/// Comparison operator of a specifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Compatible,
    Equal,
    NotEqual,
    LessEqual,
    GreaterEqual,
    Less,
    Greater,
    Arbitrary,
}

/// One clause of a specifier set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specifier {
    pub op: Op,
    /// The version as written (after the operator, trimmed).
    pub raw: String,
    /// Parsed version (`None` for `===` with a string that is not PEP 440).
    pub version: Option<Version>,
    /// `==1.2.*` / `!=1.2.*`.
    pub wildcard: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a PEP 440 specifier: `{0}`")]
pub struct SpecifierError(pub String);

impl Specifier {
    pub fn parse(input: &str) -> Result<Specifier, SpecifierError> {
        let err = || SpecifierError(input.chars().take(80).collect());
        let s = input.trim();
        let ops: [(&str, Op); 8] = [
            ("===", Op::Arbitrary),
            ("~=", Op::Compatible),
            ("==", Op::Equal),
            ("!=", Op::NotEqual),
            ("<=", Op::LessEqual),
            (">=", Op::GreaterEqual),
            ("<", Op::Less),
            (">", Op::Greater),
        ];
        let (op, rest) = ops
            .iter()
            .find_map(|(p, op)| s.strip_prefix(p).map(|r| (*op, r.trim())))
            .ok_or_else(err)?;
        if rest.is_empty() || rest.contains(char::is_whitespace) {
            return Err(err());
        }
        if op == Op::Arbitrary {
            return Ok(Specifier {
                op,
                raw: rest.to_string(),
                version: Version::parse(rest).ok(),
                wildcard: false,
            });
        }
        let (vtext, wildcard) = match rest.strip_suffix(".*") {
            Some(v) if matches!(op, Op::Equal | Op::NotEqual) => (v, true),
            Some(_) => return Err(err()),
            None => (rest, false),
        };
        let version = Version::parse(vtext).map_err(|_| err())?;
        if wildcard
            && (version.pre.is_some()
                || version.post.is_some()
                || version.dev.is_some()
                || !version.local.is_empty())
        {
            return Err(err());
        }
        if !version.local.is_empty() && !matches!(op, Op::Equal | Op::NotEqual) {
            return Err(err());
        }
        if op == Op::Compatible && version.release.len() < 2 {
            return Err(err());
        }
        Ok(Specifier {
            op,
            raw: rest.to_string(),
            version: Some(version),
            wildcard,
        })
    }

    /// The versions this clause admits (see the module documentation).
    pub fn to_set(&self) -> VersionSet<Version> {
        let Some(v) = &self.version else {
            // `===` of a non-PEP 440 string admits nothing we can order.
            return VersionSet::empty();
        };
        let public = v.public();
        let prefix_range = || {
            VersionSet::interval(
                Bound::Included(Version::prefix_floor(v.epoch, &v.release)),
                Bound::Excluded(Version::prefix_ceiling(v.epoch, &v.release)),
            )
        };
        match self.op {
            Op::Equal if self.wildcard => prefix_range(),
            Op::NotEqual if self.wildcard => prefix_range().complement(),
            Op::Arbitrary | Op::Equal => VersionSet::point(public),
            Op::NotEqual => VersionSet::point(public).complement(),
            Op::GreaterEqual => VersionSet::at_least(public),
            Op::Greater => VersionSet::above(public),
            Op::LessEqual => VersionSet::at_most(public),
            Op::Less => VersionSet::below(v.exclusive_upper()),
            Op::Compatible => {
                let prefix = &v.release[..v.release.len() - 1];
                VersionSet::interval(
                    Bound::Included(public),
                    Bound::Excluded(Version::prefix_ceiling(v.epoch, prefix)),
                )
            }
        }
    }

    /// Whether the clause names exactly one version (`==1.2.3`, `===1.2.3`).
    pub fn is_exact(&self) -> bool {
        matches!(self.op, Op::Equal | Op::Arbitrary) && !self.wildcard
    }
}

/// A comma-separated list of specifiers (all must hold).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpecifierSet {
    pub specifiers: Vec<Specifier>,
}

impl SpecifierSet {
    pub fn parse(input: &str) -> Result<SpecifierSet, SpecifierError> {
        let mut specifiers = Vec::new();
        for part in input.split(',') {
            if part.trim().is_empty() {
                if input.trim().is_empty() {
                    continue;
                }
                return Err(SpecifierError(input.chars().take(80).collect()));
            }
            specifiers.push(Specifier::parse(part)?);
            if specifiers.len() > 64 {
                return Err(SpecifierError(input.chars().take(80).collect()));
            }
        }
        Ok(SpecifierSet { specifiers })
    }

    pub fn is_empty(&self) -> bool {
        self.specifiers.is_empty()
    }

    pub fn to_set(&self) -> VersionSet<Version> {
        self.specifiers
            .iter()
            .fold(VersionSet::full(), |acc, s| acc.intersect(&s.to_set()))
    }

    /// The one version this set pins, when it has an exact clause.
    pub fn pinned_version(&self) -> Option<&Specifier> {
        self.specifiers.iter().find(|s| s.is_exact())
    }
}

/// PEP 503 normal form of a project name: lower case, runs of `-`, `_`, `.` as one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for ch in name.trim().chars() {
        if matches!(ch, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(ch.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn normal_forms() {
        for (input, normal) in [
            ("1.0", "1.0"),
            ("v1.0", "1.0"),
            ("1.0-ALPHA1", "1.0a1"),
            ("1.0.beta.2", "1.0b2"),
            ("1.0c1", "1.0rc1"),
            ("1.0-preview-3", "1.0rc3"),
            ("1.0pre", "1.0rc0"),
            ("1.0-1", "1.0.post1"),
            ("1.0.rev2", "1.0.post2"),
            ("1.0r", "1.0.post0"),
            ("1.0-dev", "1.0.dev0"),
            ("1.0a1.dev3", "1.0a1.dev3"),
            ("1!2.0.post1.dev2+Ubuntu-1_2", "1!2.0.post1.dev2+ubuntu.1.2"),
            ("  2.0.1+cu118 ", "2.0.1+cu118"),
        ] {
            assert_eq!(v(input).to_string(), normal, "{input}");
        }
        for bad in [
            "",
            "a",
            "1.0+",
            "1.0+a..b",
            "1.0 beta",
            "1..0",
            "1.0-",
            "1.0.post.post",
            "1.0_",
            "99999999999999999999999",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn ordering() {
        let ordered = [
            "1.0.dev0",
            "1.0a1.dev1",
            "1.0a1",
            "1.0a2",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+abc",
            "1.0+5",
            "1.0.post1.dev0",
            "1.0.post1",
            "1.1.dev0",
            "1.1",
            "2.0",
            "1!0.1",
        ];
        for w in ordered.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(v("1.0"), v("1.0.0"));
        assert_eq!(v("1.0"), v("1"));
        assert!(v("1.0+abc") > v("1.0"));
        assert!(v("1.0+abc.2") > v("1.0+abc"));
    }

    #[test]
    fn specifier_sets() {
        let set = |s: &str| SpecifierSet::parse(s).unwrap().to_set();
        assert!(set(">=1.0,<2").contains(&v("1.9")));
        assert!(
            !set(">=1.0,<2").contains(&v("2.0rc1")),
            "<2 excludes 2's pre-releases"
        );
        assert!(set("<2.0rc2").contains(&v("2.0rc1")));
        assert!(set("~=1.4.5").contains(&v("1.4.9")));
        assert!(!set("~=1.4.5").contains(&v("1.5")));
        assert!(set("~=1.4").contains(&v("1.9")));
        assert!(set("==1.2.*").contains(&v("1.2.post3")));
        assert!(set("==1.2.*").contains(&v("1.2rc1")));
        assert!(!set("==1.2.*").contains(&v("1.3.dev0")));
        assert!(!set("!=1.2.*").contains(&v("1.2.5")));
        assert!(set("!=1.2.*").contains(&v("1.3")));
        assert!(!set("!=1.5").contains(&v("1.5")));
        assert!(set("==1.5").contains(&v("1.5.0")));
        assert!(set("").contains(&v("0.1")));
        assert!(SpecifierSet::parse("~=1").is_err());
        assert!(SpecifierSet::parse(">=1.0.*").is_err());
        assert!(SpecifierSet::parse(">=1.0,").is_err());
        assert!(SpecifierSet::parse("1.0").is_err());
        assert!(
            SpecifierSet::parse("==1.2.3")
                .unwrap()
                .pinned_version()
                .is_some()
        );
    }

    #[test]
    fn names() {
        assert_eq!(normalize_name("Llama_Index..Core"), "llama-index-core");
        assert_eq!(normalize_name("scikit-learn"), "scikit-learn");
        assert_eq!(normalize_name("PyYAML"), "pyyaml");
    }
}

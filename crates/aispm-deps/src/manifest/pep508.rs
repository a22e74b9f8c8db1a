//! Python requirement strings: PEP 508 (`name[extras] (>=1,<2) ; markers`,
//! `name @ url`), Poetry's constraint dialect (`^1.2`, `~1.2`, `1.2.*`, bare
//! versions, `||`) and conda match specs (`pytorch=2.1`, `numpy 1.26.*`,
//! `pytorch::pytorch==2.1.0=py3.11_cuda12.1_0`).

use super::Requirement;
use crate::osv::AnySet;
use crate::pep440::{Specifier, SpecifierSet, Version};
use crate::vset::{Bound, VersionSet};

/// A parsed PEP 508 requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Pep508 {
    pub name: String,
    pub requirement: Requirement,
    pub markers: Option<String>,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Splits a leading distribution name off `s`.
fn take_name(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    let end = s.find(|c: char| !is_name_char(c)).unwrap_or(s.len());
    let name = &s[..end];
    if name.is_empty()
        || !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        return None;
    }
    Some((name, &s[end..]))
}

/// Classifies a PEP 440 specifier text: nothing, an exact pin or a range.
pub fn classify_pep440(spec: &str) -> Requirement {
    let spec = spec.trim();
    if spec.is_empty() {
        return Requirement::Any;
    }
    match SpecifierSet::parse(spec) {
        Ok(set) => match set.pinned_version() {
            Some(p) => Requirement::Exact(p.raw.clone()),
            None => Requirement::Range {
                spec: spec.to_string(),
                set: AnySet::Pep440(set.to_set()),
            },
        },
        Err(_) => Requirement::Unparsed(spec.to_string()),
    }
}

/// Whether a URL pins an exact artefact: a VCS URL with a full commit hash, or a
/// URL carrying a hash fragment.
pub fn url_is_pinned(url: &str) -> bool {
    let (base, frag) = url.split_once('#').unwrap_or((url, ""));
    if frag
        .split('&')
        .any(|p| p.starts_with("sha256=") || p.starts_with("sha384=") || p.starts_with("sha512="))
    {
        return true;
    }
    let vcs = base.starts_with("git+") || base.starts_with("hg+") || base.starts_with("git://");
    if vcs {
        // The revision is after the last `@` of the path.
        let path = base.split_once("://").map_or(base, |(_, p)| p);
        return path
            .rsplit_once('@')
            .is_some_and(|(_, rev)| rev.len() >= 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    // A plain archive URL names one file.
    !base.is_empty()
}

/// Parses one PEP 508 requirement. `None` when the text has no valid name.
pub fn parse(text: &str) -> Option<Pep508> {
    let text = text.trim();
    let (name, rest) = take_name(text)?;
    let mut rest = rest.trim_start();
    // Extras.
    if let Some(r) = rest.strip_prefix('[') {
        let close = r.find(']')?;
        rest = r[close + 1..].trim_start();
    }
    // Direct reference.
    if let Some(r) = rest.strip_prefix('@') {
        let r = r.trim();
        // Markers follow the URL after whitespace and `;`.
        let (url, markers) = match r.find(" ;").or_else(|| r.find("\t;")) {
            Some(i) => (r[..i].trim(), Some(r[i + 2..].trim().to_string())),
            None => (r, None),
        };
        if url.is_empty() {
            return None;
        }
        return Some(Pep508 {
            name: name.to_string(),
            requirement: Requirement::Direct {
                url: url.to_string(),
                pinned: url_is_pinned(url),
            },
            markers,
        });
    }
    let (spec, markers) = match rest.split_once(';') {
        Some((s, m)) => (s.trim(), Some(m.trim().to_string())),
        None => (rest.trim(), None),
    };
    let spec = spec
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(spec);
    if !spec.is_empty() && !spec.starts_with(['<', '>', '=', '!', '~']) {
        return None;
    }
    Some(Pep508 {
        name: name.to_string(),
        requirement: classify_pep440(spec),
        markers,
    })
}

/// `^V` in Poetry: up to the next change of the left-most non-zero segment.
fn caret_upper(v: &Version) -> Vec<u64> {
    let rel = &v.release;
    let idx = rel.iter().position(|&x| x != 0).unwrap_or(rel.len() - 1);
    let idx = idx.min(rel.len() - 1);
    let mut up: Vec<u64> = rel[..=idx].to_vec();
    if let Some(last) = up.last_mut() {
        *last = last.saturating_add(1);
    }
    up
}

fn floor_of(epoch: u64, release: Vec<u64>) -> Version {
    Version {
        epoch,
        release,
        pre: None,
        post: None,
        dev: Some(0),
        local: Vec::new(),
    }
}

/// One Poetry (or conda) clause as a set; `None` when it does not parse.
fn poetry_clause(tok: &str) -> Option<(VersionSet<Version>, Option<String>)> {
    if tok == "*" {
        return Some((VersionSet::full(), None));
    }
    if let Some(v) = tok.strip_prefix('^') {
        let v = Version::parse(v).ok()?;
        let hi = floor_of(v.epoch, caret_upper(&v));
        return Some((
            VersionSet::interval(Bound::Included(v.public()), Bound::Excluded(hi)),
            None,
        ));
    }
    if let Some(v) = tok.strip_prefix('~').filter(|v| !v.starts_with('=')) {
        let v = Version::parse(v).ok()?;
        let keep = if v.release.len() >= 2 { 2 } else { 1 };
        let mut up = v.release[..keep].to_vec();
        if let Some(last) = up.last_mut() {
            *last = last.saturating_add(1);
        }
        let hi = floor_of(v.epoch, up);
        return Some((
            VersionSet::interval(Bound::Included(v.public()), Bound::Excluded(hi)),
            None,
        ));
    }
    let spec = if tok.starts_with(['<', '>', '=', '!', '~']) {
        Specifier::parse(tok).ok()?
    } else {
        Specifier::parse(&format!("=={tok}")).ok()?
    };
    let exact = spec.is_exact().then(|| spec.raw.clone());
    Some((spec.to_set(), exact))
}

/// Splits a constraint into clauses: commas and spaces separate, an operator standing
/// alone binds to the next token (`>= 1.2, < 2`).
fn clauses(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for t in s.split([',', ' ', '\t']).filter(|t| !t.is_empty()) {
        if matches!(
            t,
            ">=" | "<=" | ">" | "<" | "==" | "!=" | "~=" | "^" | "~" | "=" | "==="
        ) {
            pending.push_str(t);
            continue;
        }
        out.push(format!("{pending}{t}"));
        pending.clear();
    }
    if !pending.is_empty() {
        out.push(pending);
    }
    out
}

/// Parses a Poetry version constraint.
pub fn classify_poetry(constraint: &str) -> Requirement {
    let c = constraint.trim();
    if c.is_empty() || c == "*" {
        return Requirement::Any;
    }
    let mut total = VersionSet::empty();
    let mut exact = None;
    let alternatives: Vec<&str> = c.split("||").collect();
    for alt in &alternatives {
        let mut set = VersionSet::full();
        let cls = clauses(alt);
        if cls.is_empty() {
            return Requirement::Unparsed(c.to_string());
        }
        for tok in &cls {
            match poetry_clause(tok) {
                Some((s, e)) => {
                    set = set.intersect(&s);
                    if cls.len() == 1 && alternatives.len() == 1 {
                        exact = e;
                    }
                }
                None => return Requirement::Unparsed(c.to_string()),
            }
        }
        total = total.union(&set);
    }
    match exact {
        Some(v) => Requirement::Exact(v),
        None => Requirement::Range {
            spec: c.to_string(),
            set: AnySet::Pep440(total),
        },
    }
}

/// Conda package names that differ from the PyPI project.
const CONDA_TO_PYPI: &[(&str, &str)] = &[
    ("pytorch", "torch"),
    ("pytorch-cpu", "torch"),
    ("pytorch-gpu", "torch"),
    ("py-xgboost", "xgboost"),
    ("py-xgboost-cpu", "xgboost"),
    ("py-xgboost-gpu", "xgboost"),
    ("tensorflow-base", "tensorflow"),
    ("pytorch-lightning", "pytorch-lightning"),
];

/// Conda packages that are not Python projects (interpreters, toolchains).
const CONDA_NOT_PYPI: &[&str] = &["python", "pip", "cudatoolkit", "cuda", "mkl", "nodejs"];

/// A conda match spec: the PyPI name it corresponds to and the requirement.
/// `None` for entries that are not packages aispm can match (`python`, `pip`).
pub fn parse_conda(spec: &str) -> Option<(String, Requirement)> {
    let s = spec.trim();
    let s = s.rsplit_once("::").map_or(s, |(_, r)| r).trim();
    let (name, rest) = take_name(s)?;
    let lower = name.to_ascii_lowercase();
    if CONDA_NOT_PYPI.contains(&lower.as_str()) {
        return None;
    }
    let pypi = CONDA_TO_PYPI
        .iter()
        .find(|(c, _)| *c == lower)
        .map_or(lower.clone(), |(_, p)| p.to_string());
    let rest = rest.trim();
    // `name[version='>=1.2']` bracket form.
    let rest = match rest
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|r| r.trim().strip_prefix("version"))
    {
        Some(r) => r
            .trim_start()
            .strip_prefix('=')
            .unwrap_or(r)
            .trim()
            .trim_matches(['\'', '"']),
        None => rest,
    };
    if rest.is_empty() {
        return Some((pypi, Requirement::Any));
    }
    // `name=1.2=build` and `name 1.2 build`: the build string is dropped.
    let (version_part, has_build) = if let Some(r) = rest.strip_prefix("==") {
        let mut it = r.splitn(2, '=');
        let v = it.next().unwrap_or_default();
        (format!("=={v}"), it.next().is_some())
    } else if let Some(r) = rest.strip_prefix('=') {
        let mut it = r.splitn(2, '=');
        let v = it.next().unwrap_or_default().to_string();
        let build = it.next().is_some();
        (if build { format!("=={v}") } else { v }, build)
    } else {
        let mut it = rest.split_whitespace();
        let v = it.next().unwrap_or_default().to_string();
        (v, it.next().is_some())
    };
    let v = version_part.trim();
    // A bare conda version matches itself and its extensions (`1.2` is `1.2.*`); with
    // three segments or a build string it is read as a pin of that release.
    let req = if !v.starts_with(['<', '>', '=', '!', '~']) {
        let bare = v.trim_end_matches(".*").trim_end_matches('*');
        match Version::parse(bare) {
            Err(_) => Requirement::Unparsed(v.to_string()),
            Ok(_) if has_build && !v.contains('*') => classify_pep440(&format!("=={bare}")),
            Ok(_) if v.contains('*') || bare.split('.').count() < 3 => {
                classify_pep440(&format!("=={bare}.*"))
            }
            Ok(_) => classify_pep440(&format!("=={bare}")),
        }
    } else if v.contains('|') {
        // Alternatives: union of the parts.
        let mut total = VersionSet::empty();
        for part in v.split('|') {
            match classify_pep440(part) {
                Requirement::Exact(x) => match Version::parse(&x) {
                    Ok(p) => total = total.union(&VersionSet::point(p.public())),
                    Err(_) => return Some((pypi, Requirement::Unparsed(v.to_string()))),
                },
                Requirement::Range {
                    set: AnySet::Pep440(s),
                    ..
                } => total = total.union(&s),
                _ => return Some((pypi, Requirement::Unparsed(v.to_string()))),
            }
        }
        Requirement::Range {
            spec: v.to_string(),
            set: AnySet::Pep440(total),
        }
    } else {
        classify_pep440(v)
    };
    Some((pypi, req))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(s: &str) -> Requirement {
        parse(s).unwrap().requirement
    }

    #[test]
    fn pep508() {
        assert_eq!(req("torch==2.1.0"), Requirement::Exact("2.1.0".into()));
        assert_eq!(
            req("torch [cuda] == 2.1.0 ; python_version >= '3.9'"),
            Requirement::Exact("2.1.0".into())
        );
        assert_eq!(req("langchain"), Requirement::Any);
        assert!(matches!(
            req("langchain>=0.1,<0.2"),
            Requirement::Range { .. }
        ));
        assert!(matches!(
            req("langchain (>=0.1)"),
            Requirement::Range { .. }
        ));
        assert!(matches!(req("x==1.*"), Requirement::Range { .. }));
        assert_eq!(
            req("pkg @ git+https://github.com/o/r@0123456789abcdef0123456789abcdef01234567"),
            Requirement::Direct {
                url: "git+https://github.com/o/r@0123456789abcdef0123456789abcdef01234567".into(),
                pinned: true
            }
        );
        assert!(matches!(
            req("pkg @ git+https://github.com/o/r@main"),
            Requirement::Direct { pinned: false, .. }
        ));
        assert!(matches!(req("x>=>1"), Requirement::Unparsed(_)));
        assert!(parse("-e .").is_none());
        assert!(parse("1.0").is_some(), "a digit-only name is valid PEP 508");
        assert!(parse("x 1.0").is_none());
    }

    #[test]
    fn poetry() {
        let set = |c: &str| match classify_poetry(c) {
            Requirement::Range {
                set: AnySet::Pep440(s),
                ..
            } => s,
            other => panic!("{c}: {other:?}"),
        };
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(classify_poetry("2.1.0"), Requirement::Exact("2.1.0".into()));
        assert_eq!(
            classify_poetry("==2.1.0"),
            Requirement::Exact("2.1.0".into())
        );
        assert_eq!(classify_poetry("*"), Requirement::Any);
        assert!(set("^1.2.3").contains(&v("1.9")));
        assert!(!set("^1.2.3").contains(&v("2.0")));
        assert!(!set("^0.2.3").contains(&v("0.3.0")));
        assert!(set("^0.0.3").contains(&v("0.0.3")));
        assert!(!set("^0.0.3").contains(&v("0.0.4")));
        assert!(set("~1.2.3").contains(&v("1.2.9")));
        assert!(!set("~1.2.3").contains(&v("1.3")));
        assert!(set(">= 1.2, < 1.5").contains(&v("1.4")));
        assert!(set("1.2.*").contains(&v("1.2.8")));
        assert!(set("^1.0 || ^3.0").contains(&v("3.1")));
        assert!(!set("^1.0 || ^3.0").contains(&v("2.1")));
        assert!(matches!(classify_poetry("^x"), Requirement::Unparsed(_)));
    }

    #[test]
    fn conda() {
        let c = |s: &str| parse_conda(s).unwrap();
        assert_eq!(
            c("pytorch::pytorch==2.1.0=py3.11_cuda12.1_0"),
            ("torch".into(), Requirement::Exact("2.1.0".into()))
        );
        assert_eq!(
            c("numpy=1.26.4=py311h_0"),
            ("numpy".into(), Requirement::Exact("1.26.4".into()))
        );
        assert!(matches!(c("numpy=1.26").1, Requirement::Range { .. }));
        assert!(matches!(c("numpy 1.26.*").1, Requirement::Range { .. }));
        assert!(matches!(c("numpy>=1.20,<2").1, Requirement::Range { .. }));
        assert_eq!(c("transformers").1, Requirement::Any);
        assert_eq!(
            c("conda-forge::transformers=4.44.2").1,
            Requirement::Exact("4.44.2".into())
        );
        assert!(parse_conda("python=3.11").is_none());
        assert!(matches!(
            c("numpy[version='>=1.20']").1,
            Requirement::Range { .. }
        ));
    }
}

//! Dependency manifests and lock files: which files are which (by name), and
//! parsers that turn each into a list of [`Dependency`] records.
//!
//! Every parser works on text already read under a size cap, caps the number of
//! entries it keeps, and reports malformed input as an error string, never a panic.
//! Lines are found in one pass over the text (a map from each entry's key to its
//! line), not by searching per entry.

pub mod npm;
pub mod pep508;
pub mod python;

use crate::osv::{AnySet, Ecosystem};
use std::collections::HashMap;

/// Most entries kept from one file.
pub const MAX_ENTRIES: usize = 200_000;

/// The kinds of file understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ManifestKind {
    /// `requirements*.txt`, `*.in`, files in a `requirements/` folder.
    Requirements,
    /// `constraints*.txt`: pins that restrict, but do not add, packages.
    Constraints,
    Pyproject,
    Pipfile,
    PipfileLock,
    PoetryLock,
    UvLock,
    PdmLock,
    /// PEP 751 `pylock.toml`.
    Pylock,
    CondaEnvironment,
    PackageJson,
    PackageLock,
    PnpmLock,
    YarnLock,
}

impl ManifestKind {
    /// Format name used in assets and messages.
    pub fn as_str(self) -> &'static str {
        use ManifestKind::*;
        match self {
            Requirements => "requirements",
            Constraints => "constraints",
            Pyproject => "pyproject",
            Pipfile => "pipfile",
            PipfileLock => "pipfile-lock",
            PoetryLock => "poetry-lock",
            UvLock => "uv-lock",
            PdmLock => "pdm-lock",
            Pylock => "pylock",
            CondaEnvironment => "conda-environment",
            PackageJson => "package-json",
            PackageLock => "package-lock",
            PnpmLock => "pnpm-lock",
            YarnLock => "yarn-lock",
        }
    }

    /// Lock files resolve every package to one version.
    pub fn is_lock(self) -> bool {
        use ManifestKind::*;
        matches!(
            self,
            PipfileLock
                | PoetryLock
                | UvLock
                | PdmLock
                | Pylock
                | PackageLock
                | PnpmLock
                | YarnLock
        )
    }

    pub fn ecosystem(self) -> Ecosystem {
        use ManifestKind::*;
        match self {
            PackageJson | PackageLock | PnpmLock | YarnLock => Ecosystem::Npm,
            _ => Ecosystem::PyPI,
        }
    }

    /// The kind of a file from its display path, if it is a manifest aispm reads.
    /// Manifests of installed packages (under `node_modules`, `site-packages`) are
    /// not the project's and are left out.
    pub fn detect(path: &str) -> Option<ManifestKind> {
        let inner = path.rsplit('!').next().unwrap_or(path);
        let mut parts: Vec<&str> = inner.split(['/', '\\']).collect();
        let file = parts.pop()?;
        if parts
            .iter()
            .any(|p| matches!(*p, "node_modules" | "site-packages" | "dist-packages"))
        {
            return None;
        }
        let lower = file.to_ascii_lowercase();
        use ManifestKind::*;
        let kind = match lower.as_str() {
            "pyproject.toml" => Pyproject,
            "pipfile" => Pipfile,
            "pipfile.lock" => PipfileLock,
            "poetry.lock" => PoetryLock,
            "uv.lock" => UvLock,
            "pdm.lock" => PdmLock,
            "package.json" => PackageJson,
            "package-lock.json" | "npm-shrinkwrap.json" => PackageLock,
            "pnpm-lock.yaml" => PnpmLock,
            "yarn.lock" => YarnLock,
            _ => {
                let (stem, ext) = lower.rsplit_once('.').unwrap_or((lower.as_str(), ""));
                if lower == "pylock.toml" || (lower.starts_with("pylock.") && ext == "toml") {
                    Pylock
                } else if matches!(ext, "yml" | "yaml")
                    && (matches!(
                        stem,
                        "environment" | "conda" | "conda-environment" | "conda_environment"
                    ) || stem.starts_with("environment-")
                        || stem.starts_with("environment_")
                        || stem.starts_with("environment."))
                {
                    CondaEnvironment
                } else if matches!(ext, "txt" | "in") {
                    let in_req_dir = parts
                        .last()
                        .is_some_and(|d| d.eq_ignore_ascii_case("requirements"));
                    if stem.contains("constraint") {
                        Constraints
                    } else if stem.contains("requirements") || in_req_dir {
                        Requirements
                    } else {
                        return None;
                    }
                } else {
                    return None;
                }
            }
        };
        Some(kind)
    }
}

/// What a manifest says about a package's version.
#[derive(Debug, Clone)]
pub enum Requirement {
    /// One version (`==1.2.3`, a bare Poetry version, a lock file entry), as written.
    Exact(String),
    /// A range of versions.
    Range { spec: String, set: AnySet },
    /// No constraint at all (or a moving tag such as `latest`).
    Any,
    /// A URL, VCS or archive reference; `pinned` when it names one artefact.
    Direct { url: String, pinned: bool },
    /// A constraint aispm could not read.
    Unparsed(String),
}

impl PartialEq for Requirement {
    fn eq(&self, other: &Self) -> bool {
        use Requirement::*;
        match (self, other) {
            (Exact(a), Exact(b)) | (Unparsed(a), Unparsed(b)) => a == b,
            (Range { spec: a, .. }, Range { spec: b, .. }) => a == b,
            (Any, Any) => true,
            (Direct { url: a, pinned: p }, Direct { url: b, pinned: q }) => a == b && p == q,
            _ => false,
        }
    }
}

impl Requirement {
    /// The text shown for the requirement.
    pub fn display(&self) -> String {
        match self {
            Requirement::Exact(v) => format!("=={v}"),
            Requirement::Range { spec, .. } => spec.clone(),
            Requirement::Any => String::new(),
            Requirement::Direct { url, .. } => format!("@ {url}"),
            Requirement::Unparsed(s) => s.clone(),
        }
    }

    /// Whether the requirement names exactly one release or artefact.
    pub fn is_pinned(&self) -> bool {
        matches!(
            self,
            Requirement::Exact(_) | Requirement::Direct { pinned: true, .. }
        )
    }
}

/// What a dependency entry is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Declared by the project (a manifest).
    Declared,
    /// A constraint or override: restricts the version if the package is installed.
    Constraint,
    /// Resolved in a lock file.
    Locked,
}

/// One dependency entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    /// The name as written (for npm aliases, the real package's name).
    pub name: String,
    /// The name as advisories compare it.
    pub normalized: String,
    pub ecosystem: Ecosystem,
    pub requirement: Requirement,
    pub role: Role,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// Dependency group: `dev`, `optional:gpu`, a PEP 735 group, ...
    pub group: Option<String>,
    /// For lock entries: whether the project declares the package itself.
    pub direct: Option<bool>,
    /// Set for conda match specs (matched against PyPI advisories under the PyPI
    /// name).
    pub conda_name: Option<String>,
}

impl Dependency {
    pub fn new(eco: Ecosystem, name: &str, requirement: Requirement, role: Role) -> Dependency {
        Dependency {
            name: name.trim().to_string(),
            normalized: eco.normalize(name),
            ecosystem: eco,
            requirement,
            role,
            line: None,
            group: None,
            direct: None,
            conda_name: None,
        }
    }

    pub fn at(mut self, line: Option<u32>) -> Self {
        self.line = line;
        self
    }

    pub fn group(mut self, group: Option<&str>) -> Self {
        self.group = group.map(str::to_string);
        self
    }
}

/// A parsed file.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub deps: Vec<Dependency>,
    /// Lines or entries that could not be read (kept short).
    pub skipped: Vec<String>,
    /// Total number of skipped entries.
    pub skipped_count: usize,
    /// Files this one refers to (`-r`, `-c`), as written.
    pub includes: Vec<String>,
}

impl Parsed {
    pub(crate) fn skip(&mut self, what: String) {
        self.skipped_count += 1;
        if self.skipped.len() < 5 {
            self.skipped.push(what.chars().take(120).collect());
        }
    }

    pub(crate) fn push(&mut self, dep: Dependency) -> Result<(), String> {
        if self.deps.len() >= MAX_ENTRIES {
            return Err(format!("more than {MAX_ENTRIES} entries"));
        }
        self.deps.push(dep);
        Ok(())
    }
}

/// Parses a file of a known kind.
pub fn parse(kind: ManifestKind, text: &str) -> Result<Parsed, String> {
    use ManifestKind::*;
    match kind {
        Requirements => Ok(python::requirements(text, Role::Declared)),
        Constraints => Ok(python::requirements(text, Role::Constraint)),
        Pyproject => python::pyproject(text),
        Pipfile => python::pipfile(text),
        PipfileLock => python::pipfile_lock(text),
        PoetryLock | UvLock | PdmLock | Pylock => python::toml_lock(text, kind),
        CondaEnvironment => python::conda(text),
        PackageJson => npm::package_json(text),
        PackageLock => npm::package_lock(text),
        PnpmLock => npm::pnpm_lock(text),
        YarnLock => npm::yarn_lock(text),
    }
}

/// First line on which each key appears, for keys a per-line extractor finds.
pub(crate) fn line_map(
    text: &str,
    mut key_of: impl FnMut(&str) -> Option<String>,
) -> HashMap<String, u32> {
    let mut map = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(k) = key_of(line) {
            map.entry(k).or_insert(i as u32 + 1);
        }
    }
    map
}

/// 1-based line of the first occurrence of `needle`, for small files.
pub(crate) fn find_line(text: &str, needle: &str) -> Option<u32> {
    if needle.is_empty() {
        return None;
    }
    let pos = text.find(needle)?;
    Some(text[..pos].bytes().filter(|&b| b == b'\n').count() as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection() {
        use ManifestKind::*;
        let d = ManifestKind::detect;
        assert_eq!(d("requirements.txt"), Some(Requirements));
        assert_eq!(d("app/requirements-dev.txt"), Some(Requirements));
        assert_eq!(d("requirements/base.txt"), Some(Requirements));
        assert_eq!(d("requirements.in"), Some(Requirements));
        assert_eq!(d("constraints.txt"), Some(Constraints));
        assert_eq!(d("notes.txt"), None);
        assert_eq!(d("a/pyproject.toml"), Some(Pyproject));
        assert_eq!(d("Pipfile"), Some(Pipfile));
        assert_eq!(d("Pipfile.lock"), Some(PipfileLock));
        assert_eq!(d("environment.yml"), Some(CondaEnvironment));
        assert_eq!(d("environment-gpu.yaml"), Some(CondaEnvironment));
        assert_eq!(d("model/conda.yaml"), Some(CondaEnvironment));
        assert_eq!(d("k8s/deployment.yaml"), None);
        assert_eq!(d("web/package.json"), Some(PackageJson));
        assert_eq!(d("web/node_modules/x/package.json"), None);
        assert_eq!(
            d("venv/lib/python3.11/site-packages/x/requirements.txt"),
            None
        );
        assert_eq!(d("bundle.zip!proj/uv.lock"), Some(UvLock));
        assert_eq!(d("pylock.toml"), Some(Pylock));
        assert_eq!(d("pylock.dev.toml"), Some(Pylock));
        assert_eq!(d("yarn.lock"), Some(YarnLock));
    }
}

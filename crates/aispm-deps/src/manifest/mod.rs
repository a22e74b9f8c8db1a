//! Dependency manifests and lock files: which files are which (by name), and
//! parsers that turn each into a list of [`Dependency`] records.
//!
//! Every parser works on text already read under a size cap, caps the number of
//! entries it keeps, and reports malformed input as a [`ManifestError`], never a panic.
//! Lines are found in one pass over the text (a map from each entry's key to its
//! line), not by searching per entry.

pub mod npm;
pub mod pep508;
pub mod python;

use crate::osv::{AnySet, Ecosystem};
use std::collections::HashMap;

/// Most entries kept from one file.
pub const MAX_ENTRIES: usize = 200_000;
/// Most workspace member patterns kept from one file (real workspaces have tens).
pub const MAX_MEMBERS: usize = 4096;

/// Why a manifest or lock file could not be read ([`parse`] and the readers in
/// [`python`] and [`npm`]). The analyzer's error record reads `<kind>: <message>`.
///
/// A parser's own error is kept, but its message is part of this one's, so it is
/// not also given as [`source`](std::error::Error::source) (an error chain would
/// print it twice).
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file has more than [`MAX_ENTRIES`] entries.
    #[error("more than {MAX_ENTRIES} entries")]
    TooManyEntries,
    /// A lockfile v1 `package-lock.json` nests `dependencies` more than 64 deep.
    #[error("dependencies nested too deep")]
    NestedTooDeep,
    /// Not valid JSON, or not the expected shape (`package.json`,
    /// `package-lock.json`, `Pipfile.lock`): `serde_json`'s message.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// Not valid TOML (`pyproject.toml`, `Pipfile`, TOML lock files): the first line
    /// of the parser's message.
    #[error("{}", first_line(.0, "invalid TOML"))]
    Toml(Box<toml::de::Error>),
    /// Not valid YAML, or not the expected shape (`environment.yml`,
    /// `pnpm-lock.yaml`): the first line of the parser's message.
    #[error("{}", first_line(.0, ""))]
    Yaml(Box<serde_saphyr::Error>),
}

/// The first line of an error message (parsers' messages go on with a snippet of
/// the input), or `default` when it has none.
fn first_line(e: &impl std::fmt::Display, default: &str) -> String {
    e.to_string().lines().next().unwrap_or(default).to_string()
}

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
    /// A bound reached while reading (line-oriented files stop there and keep what they
    /// read); reported as a limit.
    pub limit: Option<String>,
    /// Files this one refers to (`-r`, `-c`), as written.
    pub includes: Vec<String>,
    /// What the file says about a workspace it is the root of, or is locked with.
    pub workspace: Workspace,
}

/// A workspace as a root manifest declares it (`[tool.uv.workspace]`, npm and Yarn
/// `workspaces`) or a lock file records it (uv's editable and virtual members,
/// `package-lock.json`'s member folders and links, pnpm importers, Yarn `workspace:`
/// entries). A lock file at the root resolves the dependencies of every member, so a
/// member's manifest is pinned by it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workspace {
    /// Member folders relative to this file's folder, `/`-separated; `*` matches
    /// within one path segment and `**` any number of segments.
    pub members: Vec<String>,
    /// Folders the members' patterns leave out (uv `exclude`, npm `!pattern`).
    pub exclude: Vec<String>,
    /// Normalised names of packages built from the workspace's own source (members,
    /// local links): a dependency on one of them is not a registry download.
    pub packages: Vec<String>,
    /// Member and exclude patterns past [`MAX_MEMBERS`]: counted, not kept.
    pub omitted: usize,
}

impl Workspace {
    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.exclude.is_empty() && self.packages.is_empty()
    }

    /// Records a member folder as written in a file (`./libs/a/`, `libs\\a`). At most
    /// [`MAX_MEMBERS`] patterns are kept: every manifest is matched against them; the
    /// rest are counted in [`omitted`](Self::omitted).
    pub(crate) fn member(&mut self, pattern: &str) {
        let p = clean_rel(pattern);
        let kept = p.starts_with('!') || (!p.is_empty() && p != ".");
        if kept && self.members.len() + self.exclude.len() >= MAX_MEMBERS {
            self.omitted += 1;
            return;
        }
        if let Some(neg) = p.strip_prefix('!') {
            self.exclude.push(clean_rel(neg));
        } else if !p.is_empty() && p != "." {
            self.members.push(p);
        }
    }

    /// Whether a folder, relative to this file's folder, is a member.
    pub fn covers(&self, rel: &str) -> bool {
        let rel = clean_rel(rel);
        self.members.iter().any(|m| glob_path_match(m, &rel))
            && !self.exclude.iter().any(|m| glob_path_match(m, &rel))
    }
}

fn clean_rel(p: &str) -> String {
    let p = p.trim().replace('\\', "/");
    let mut p = p.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.trim_end_matches('/').to_string()
}

/// Matches a `/`-separated path against a pattern whose segments may contain `*`
/// (any run of characters within the segment) or be `**` (any number of segments).
/// Bounded: patterns and paths come from files, so backtracking is limited to
/// `**` segments and the work is at most the product of the segment counts.
pub fn glob_path_match(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if pat.len() > 64 || segs.len() > 256 {
        return false;
    }
    // reachable[j]: the pattern prefix read so far matches the first j segments.
    let mut reachable = vec![false; segs.len() + 1];
    reachable[0] = true;
    for p in &pat {
        let mut next = vec![false; segs.len() + 1];
        if *p == "**" {
            let mut any = false;
            for j in 0..=segs.len() {
                any |= reachable[j];
                next[j] = any;
            }
        } else {
            for j in 0..segs.len() {
                if reachable[j] && segment_match(p, segs[j]) {
                    next[j + 1] = true;
                }
            }
        }
        reachable = next;
    }
    reachable[segs.len()]
}

/// One segment against a pattern with `*` wildcards (greedy, linear per star).
fn segment_match(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if s.len() < first.len() + last.len() || !s.starts_with(first) || !s.ends_with(last) {
        return false;
    }
    let mut rest = &s[first.len()..s.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

impl Parsed {
    pub(crate) fn skip(&mut self, what: String) {
        self.skipped_count += 1;
        if self.skipped.len() < 5 {
            self.skipped.push(what.chars().take(120).collect());
        }
    }

    pub(crate) fn push(&mut self, dep: Dependency) -> Result<(), ManifestError> {
        if self.deps.len() >= MAX_ENTRIES {
            return Err(ManifestError::TooManyEntries);
        }
        self.deps.push(dep);
        Ok(())
    }
}

/// Parses a file of a known kind.
pub fn parse(kind: ManifestKind, text: &str) -> Result<Parsed, ManifestError> {
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

/// 1-based line of the first occurrence of `needle` that is not inside a `#`
/// comment (TOML, requirements and YAML comments), for small files. A comment that
/// quotes a requirement (`# nltk!=3.10.1: breaks imports`) is not where it is
/// declared.
pub(crate) fn find_line(text: &str, needle: &str) -> Option<u32> {
    if needle.is_empty() {
        return None;
    }
    for (pos, _) in text.match_indices(needle) {
        let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
        if !in_comment(&text[line_start..pos]) {
            return Some(text[..pos].bytes().filter(|&b| b == b'\n').count() as u32 + 1);
        }
    }
    None
}

/// Whether the end of `prefix` (the start of a line) lies in a `#` comment: a `#`
/// outside single or double quotes.
fn in_comment(prefix: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in prefix.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '#' => return true,
                '"' | '\'' => quote = Some(c),
                _ => {}
            },
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_the_parsers_say() {
        use ManifestKind::*;
        let msg = |kind, text| parse(kind, text).unwrap_err().to_string();
        let first = |m: String| m.lines().next().unwrap_or_default().to_string();
        let toml = toml::from_str::<toml::Table>("[project\n").unwrap_err();
        assert_eq!(msg(Pyproject, "[project\n"), first(toml.to_string()));
        assert_eq!(msg(PoetryLock, "[project\n"), first(toml.to_string()));
        let json = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        assert_eq!(msg(PackageJson, "{"), json.to_string());
        assert_eq!(msg(PipfileLock, "{"), json.to_string());
        assert_eq!(msg(PackageLock, "{"), json.to_string());
        let yaml = serde_saphyr::from_str::<serde_json::Value>("dependencies: [").unwrap_err();
        assert_eq!(
            msg(CondaEnvironment, "dependencies: ["),
            first(yaml.to_string())
        );
        assert!(!msg(PnpmLock, "packages: [").contains('\n'));
        assert_eq!(
            ManifestError::TooManyEntries.to_string(),
            "more than 200000 entries"
        );
        let p = parse(Requirements, "torch==2.0\nnot a requirement here\n").unwrap();
        assert_eq!(p.skipped, ["line 2: not a requirement here"]);
    }

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

    #[test]
    fn lines_skip_comments() {
        let toml = "[project.optional-dependencies]\n# nltk!=3.10.1: its import hook breaks\n# things\nmd = [\"x\", \"nltk!=3.10.1\"]\n";
        assert_eq!(find_line(toml, "nltk!=3.10.1"), Some(4));
        assert_eq!(find_line("a = \"# not a comment nltk\"\n", "nltk"), Some(1));
        assert_eq!(find_line("# only nltk here\n", "nltk"), None);
        assert_eq!(find_line("x = 'a#b' # nltk\n", "nltk"), None);
    }

    #[test]
    fn workspace_member_patterns() {
        let g = glob_path_match;
        assert!(g("packages/*", "packages/core"));
        assert!(!g("packages/*", "packages/core/sub"));
        assert!(!g("packages/*", "packages"));
        assert!(g("packages/**", "packages/core/sub"));
        assert!(g("**/x", "a/b/x"));
        assert!(g("**", "anything/at/all"));
        assert!(g("lib/core", "lib/core"));
        assert!(!g("lib/core", "lib/core-tools"));
        assert!(g("lib/co*-tools", "lib/core-tools"));
        assert!(g("src/*-server", "src/a-server"));
        assert!(!g("src/*-server", "src/a-server-x"));
        let mut w = Workspace::default();
        w.member("./packages/*/");
        w.member("!packages/old");
        w.member(".");
        assert_eq!(w.members, vec!["packages/*"]);
        assert!(w.covers("packages/new"));
        assert!(!w.covers("packages/old"));
        assert!(!w.covers("elsewhere"));
        // Bounded: patterns per file and segments per pattern.
        for i in 0..(MAX_MEMBERS + 10) {
            w.member(&format!("p{i}/*"));
        }
        assert_eq!(w.members.len() + w.exclude.len(), MAX_MEMBERS);
        // 2 + MAX_MEMBERS + 10 patterns: the 12 past the cap are counted.
        assert_eq!(w.omitted, 12);
        let deep = vec!["**"; 100].join("/");
        assert!(!g(&deep, "a/b"));
        assert!(!g("*a*a*a*a*a*a*a*b", &"a".repeat(10_000)));
    }
}

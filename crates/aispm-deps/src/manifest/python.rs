//! Python manifests: requirements and constraints files, `pyproject.toml` (PEP 621,
//! PEP 735 dependency groups, Poetry, uv), `Pipfile`, `Pipfile.lock`, TOML lock
//! files (`poetry.lock`, `uv.lock`, `pdm.lock`, PEP 751 `pylock.toml`) and conda
//! environment files.

use super::pep508::{self, classify_pep440, classify_poetry, url_is_pinned};
use super::{Dependency, ManifestError, Parsed, Requirement, Role, find_line, line_map};
use crate::osv::Ecosystem;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::{Table, Value};

const PYPI: Ecosystem = Ecosystem::PyPI;

/// Splits off pip's per-requirement options (`--hash=…`, `--config-settings …`).
fn strip_options(line: &str) -> (&str, bool) {
    let mut cut = line.len();
    let b = line.as_bytes();
    for i in 1..b.len() {
        if b[i] == b'-' && b[i - 1].is_ascii_whitespace() && b.get(i + 1) == Some(&b'-') {
            cut = i;
            break;
        }
    }
    let hashed = line[cut..].contains("--hash");
    (line[..cut].trim(), hashed)
}

/// The project name in an `#egg=name` fragment or a wheel/sdist file name.
fn name_from_url(url: &str) -> Option<(String, Option<String>)> {
    if let Some((_, frag)) = url.split_once('#') {
        for part in frag.split('&') {
            if let Some(egg) = part.strip_prefix("egg=") {
                let (n, v) = egg
                    .split_once('-')
                    .map_or((egg, None), |(n, v)| (n, Some(v)));
                return Some((n.to_string(), v.map(str::to_string)));
            }
        }
    }
    let base = url.split(['#', '?']).next().unwrap_or(url);
    let file = base.rsplit('/').next().unwrap_or(base);
    if let Some(stem) = file.strip_suffix(".whl") {
        let mut parts = stem.split('-');
        let name = parts.next()?;
        let version = parts.next()?;
        return Some((name.to_string(), Some(version.to_string())));
    }
    for ext in [".tar.gz", ".zip", ".tar.bz2"] {
        if let Some(stem) = file.strip_suffix(ext)
            && let Some((n, v)) = stem.rsplit_once('-')
        {
            return Some((n.to_string(), Some(v.to_string())));
        }
    }
    None
}

/// Reads a requirements or constraints file.
pub fn requirements(text: &str, role: Role) -> Parsed {
    let mut out = Parsed::default();
    let mut logical = String::new();
    let mut start_line = 0u32;
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.trim_end_matches('\r');
        if logical.is_empty() {
            start_line = i as u32 + 1;
        }
        if let Some(cont) = raw.strip_suffix('\\') {
            logical.push_str(cont);
            logical.push(' ');
            continue;
        }
        logical.push_str(raw);
        let line = std::mem::take(&mut logical);
        match requirement_line(&line, start_line, role, &mut out) {
            Ok(()) => {}
            Err(LineError::Manifest(e)) => {
                out.limit = Some(format!("{e} (from line {start_line} on, not read)"));
                break;
            }
            Err(e) => out.skip(e.to_string()),
        }
    }
    if !logical.is_empty() {
        let _ = requirement_line(&logical, start_line, role, &mut out);
    }
    out
}

/// Why one logical line of a requirements file was skipped.
#[derive(Debug, thiserror::Error)]
enum LineError {
    /// Neither a PEP 508 requirement nor a URL, archive or path.
    #[error("line {line}: {text}")]
    Unreadable { line: u32, text: String },
    /// The file has too many entries.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
}

fn requirement_line(line: &str, n: u32, role: Role, out: &mut Parsed) -> Result<(), LineError> {
    // Comments: whole line, or ` #` after content.
    let line = match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => line,
    };
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(());
    }
    if let Some(opt) = line.strip_prefix('-') {
        let (flag, arg) = opt
            .split_once([' ', '='])
            .map_or((opt, ""), |(f, a)| (f, a.trim()));
        match flag {
            "r" | "-requirement" | "c" | "-constraint" if out.includes.len() < 64 => {
                out.includes.push(arg.to_string());
            }
            "e" | "-editable" => {
                // Local paths are the project's own code; VCS URLs are dependencies.
                if arg.contains("://")
                    && let Some((name, _)) = name_from_url(arg)
                {
                    let pinned = url_is_pinned(arg);
                    out.push(
                        Dependency::new(
                            PYPI,
                            &name,
                            Requirement::Direct {
                                url: arg.to_string(),
                                pinned,
                            },
                            role,
                        )
                        .at(Some(n)),
                    )?;
                }
            }
            _ => {}
        }
        return Ok(());
    }
    let (req, hashed) = strip_options(line);
    match pep508::parse(req) {
        Some(p) => {
            let requirement = match p.requirement {
                Requirement::Direct { url, pinned } => Requirement::Direct {
                    url,
                    pinned: pinned || hashed,
                },
                other => other,
            };
            Ok(out.push(Dependency::new(PYPI, &p.name, requirement, role).at(Some(n)))?)
        }
        // A bare URL, archive or path: named by its `#egg=` fragment or file name;
        // a local folder is the project's own code.
        None if req.contains("://")
            || req.starts_with(['.', '/', '~'])
            || req.ends_with(".whl")
            || req.ends_with(".tar.gz")
            || req.ends_with(".zip") =>
        {
            if let Some((name, version)) = name_from_url(req) {
                let requirement = match version {
                    Some(v) => Requirement::Exact(v),
                    None => Requirement::Direct {
                        url: req.to_string(),
                        pinned: url_is_pinned(req) || hashed,
                    },
                };
                out.push(Dependency::new(PYPI, &name, requirement, role).at(Some(n)))?;
            }
            Ok(())
        }
        None => Err(LineError::Unreadable {
            line: n,
            text: req.to_string(),
        }),
    }
}

fn str_array(v: Option<&Value>) -> impl Iterator<Item = &str> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn pep508_deps<'a>(
    text: &str,
    reqs: impl Iterator<Item = &'a str>,
    role: Role,
    group: Option<&str>,
    out: &mut Parsed,
) -> Result<(), ManifestError> {
    for r in reqs {
        match pep508::parse(r) {
            Some(p) => out.push(
                Dependency::new(PYPI, &p.name, p.requirement, role)
                    .at(find_line(text, r))
                    .group(group),
            )?,
            None => out.skip(r.to_string()),
        }
    }
    Ok(())
}

/// A Poetry or Pipfile table entry: a constraint string, a table with `version`,
/// `git`, `url` or `path`, or an array of such tables.
fn table_requirement(v: &Value, poetry: bool) -> Option<Requirement> {
    let classify = |s: &str| {
        if poetry {
            classify_poetry(s)
        } else if s.trim() == "*" {
            Requirement::Any
        } else {
            classify_pep440(s)
        }
    };
    match v {
        Value::String(s) => Some(classify(s)),
        Value::Table(t) => {
            if t.contains_key("path") || t.contains_key("file") && !t.contains_key("version") {
                return None;
            }
            if let Some(git) = t.get("git").and_then(Value::as_str) {
                let rev = ["rev", "ref", "tag", "branch"]
                    .iter()
                    .find_map(|k| t.get(*k).and_then(Value::as_str));
                let pinned = t.contains_key("tag")
                    || rev
                        .is_some_and(|r| r.len() >= 40 && r.bytes().all(|b| b.is_ascii_hexdigit()));
                let url = match rev {
                    Some(r) => format!("{git}@{r}"),
                    None => git.to_string(),
                };
                return Some(Requirement::Direct { url, pinned });
            }
            if let Some(url) = t.get("url").and_then(Value::as_str) {
                return Some(Requirement::Direct {
                    url: url.to_string(),
                    pinned: true,
                });
            }
            Some(match t.get("version").and_then(Value::as_str) {
                Some(s) => classify(s),
                None => Requirement::Any,
            })
        }
        Value::Array(a) => {
            // Several constraints with markers: keep the first readable one.
            a.iter().find_map(|x| table_requirement(x, poetry))
        }
        _ => None,
    }
}

fn key_line(text: &str, key: &str) -> Option<u32> {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let rest = t
            .strip_prefix(key)
            .or_else(|| t.strip_prefix(&format!("\"{key}\"")))
            .or_else(|| t.strip_prefix(&format!("'{key}'")));
        if rest.is_some_and(|r| r.trim_start().starts_with('=')) {
            return Some(i as u32 + 1);
        }
    }
    None
}

fn table_deps(
    text: &str,
    table: Option<&Value>,
    poetry: bool,
    role: Role,
    group: Option<&str>,
    out: &mut Parsed,
) -> Result<(), ManifestError> {
    let Some(Value::Table(t)) = table else {
        return Ok(());
    };
    for (name, v) in t {
        if name.eq_ignore_ascii_case("python") {
            continue;
        }
        if let Some(req) = table_requirement(v, poetry) {
            out.push(
                Dependency::new(PYPI, name, req, role)
                    .at(key_line(text, name))
                    .group(group),
            )?;
        }
    }
    Ok(())
}

fn parse_toml(text: &str) -> Result<Table, ManifestError> {
    toml::from_str::<Table>(text).map_err(|e| ManifestError::Toml(Box::new(e)))
}

/// Reads `pyproject.toml`.
pub fn pyproject(text: &str) -> Result<Parsed, ManifestError> {
    let doc = parse_toml(text)?;
    let mut out = Parsed::default();
    let project = doc.get("project");
    // The project's own name: `mylib[extra]` in mylib's extras refers to itself.
    let own = [
        project.and_then(|p| p.get("name")),
        doc.get("tool")
            .and_then(|t| t.get("poetry"))
            .and_then(|p| p.get("name")),
    ];
    for name in own.into_iter().flatten().filter_map(Value::as_str) {
        out.workspace
            .packages
            .push(crate::pep440::normalize_name(name));
    }
    pep508_deps(
        text,
        str_array(project.and_then(|p| p.get("dependencies"))),
        Role::Declared,
        None,
        &mut out,
    )?;
    if let Some(Value::Table(groups)) = project.and_then(|p| p.get("optional-dependencies")) {
        for (g, list) in groups {
            let group = format!("optional:{g}");
            pep508_deps(
                text,
                str_array(Some(list)),
                Role::Declared,
                Some(&group),
                &mut out,
            )?;
        }
    }
    if let Some(Value::Table(groups)) = doc.get("dependency-groups") {
        for (g, list) in groups {
            pep508_deps(
                text,
                str_array(Some(list)),
                Role::Declared,
                Some(g),
                &mut out,
            )?;
        }
    }
    let tool = doc.get("tool");
    if let Some(poetry) = tool.and_then(|t| t.get("poetry")) {
        table_deps(
            text,
            poetry.get("dependencies"),
            true,
            Role::Declared,
            None,
            &mut out,
        )?;
        table_deps(
            text,
            poetry.get("dev-dependencies"),
            true,
            Role::Declared,
            Some("dev"),
            &mut out,
        )?;
        if let Some(Value::Table(groups)) = poetry.get("group") {
            for (g, body) in groups {
                table_deps(
                    text,
                    body.get("dependencies"),
                    true,
                    Role::Declared,
                    Some(g),
                    &mut out,
                )?;
            }
        }
    }
    if let Some(uv) = tool.and_then(|t| t.get("uv")) {
        if let Some(ws) = uv.get("workspace") {
            for m in str_array(ws.get("members")) {
                out.workspace.member(m);
            }
            for m in str_array(ws.get("exclude")) {
                out.workspace.member(&format!("!{m}"));
            }
        }
        if let Some(Value::Table(sources)) = uv.get("sources") {
            for (name, v) in sources {
                if v.get("workspace").and_then(Value::as_bool) == Some(true) {
                    out.workspace
                        .packages
                        .push(crate::pep440::normalize_name(name));
                }
            }
        }
        pep508_deps(
            text,
            str_array(uv.get("dev-dependencies")),
            Role::Declared,
            Some("dev"),
            &mut out,
        )?;
        for key in ["constraint-dependencies", "override-dependencies"] {
            pep508_deps(
                text,
                str_array(uv.get(key)),
                Role::Constraint,
                None,
                &mut out,
            )?;
        }
    }
    Ok(out)
}

/// Reads a `Pipfile`.
pub fn pipfile(text: &str) -> Result<Parsed, ManifestError> {
    let doc = parse_toml(text)?;
    let mut out = Parsed::default();
    for (key, group) in [("packages", None), ("dev-packages", Some("dev"))] {
        table_deps(text, doc.get(key), false, Role::Declared, group, &mut out)?;
    }
    Ok(out)
}

/// Reads a `Pipfile.lock`.
pub fn pipfile_lock(text: &str) -> Result<Parsed, ManifestError> {
    let doc: serde_json::Value = serde_json::from_str(text)?;
    let mut out = Parsed::default();
    let lines = line_map(text, |l| {
        let t = l.trim_start();
        let rest = t.strip_prefix('"')?;
        let (k, after) = rest.split_once('"')?;
        after
            .trim_start()
            .strip_prefix(':')?
            .trim_start()
            .starts_with('{')
            .then(|| k.to_string())
    });
    for (section, group) in [("default", None), ("develop", Some("dev"))] {
        let Some(serde_json::Value::Object(pkgs)) = doc.get(section) else {
            continue;
        };
        for (name, entry) in pkgs {
            let req = if let Some(v) = entry.get("version").and_then(|v| v.as_str()) {
                let v = v.trim().trim_start_matches("==").trim_start_matches('=');
                Requirement::Exact(v.to_string())
            } else if let Some(git) = entry.get("git").and_then(|v| v.as_str()) {
                let r = entry.get("ref").and_then(|v| v.as_str()).unwrap_or("");
                Requirement::Direct {
                    url: format!("{git}@{r}"),
                    pinned: r.len() >= 40,
                }
            } else {
                continue;
            };
            out.push(
                Dependency::new(PYPI, name, req, Role::Locked)
                    .at(lines.get(name.as_str()).copied())
                    .group(group),
            )?;
        }
    }
    Ok(out)
}

/// Reads `poetry.lock`, `uv.lock`, `pdm.lock` and `pylock.toml`: arrays of
/// `[[package]]` (`[[packages]]` in PEP 751) tables with `name` and `version`.
/// Packages that are local folders or the project itself are left out.
pub fn toml_lock(text: &str, kind: super::ManifestKind) -> Result<Parsed, ManifestError> {
    let doc = parse_toml(text)?;
    let key = if kind == super::ManifestKind::Pylock {
        "packages"
    } else {
        "package"
    };
    let mut out = Parsed::default();
    let lines = line_map(text, |l| {
        let rest = l
            .trim_start()
            .strip_prefix("name")?
            .trim_start()
            .strip_prefix('=')?;
        let rest = rest.trim().trim_matches('"');
        Some(crate::pep440::normalize_name(rest))
    });
    // uv: `[manifest] members = [names]`.
    for m in str_array(doc.get("manifest").and_then(|m| m.get("members"))) {
        out.workspace
            .packages
            .push(crate::pep440::normalize_name(m));
    }
    let Some(Value::Array(pkgs)) = doc.get(key) else {
        return Ok(out);
    };
    for p in pkgs {
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        let source = p.get("source");
        let local = source.is_some_and(|s| {
            ["editable", "virtual", "directory", "path"]
                .iter()
                .any(|k| s.get(*k).is_some())
                || matches!(
                    s.get("type").and_then(Value::as_str),
                    Some("directory" | "file")
                )
        }) || p.get("directory").is_some();
        if local {
            // A package built from a folder of the project: a workspace member (uv's
            // editable and virtual sources, Poetry and PDM path dependencies), whose
            // own manifest this lock resolves.
            let folder = source
                .and_then(|s| {
                    ["editable", "virtual", "directory", "path"]
                        .iter()
                        .find_map(|k| s.get(*k).and_then(Value::as_str))
                        .or_else(|| s.get("url").and_then(Value::as_str))
                })
                .or_else(|| p.get("directory").and_then(Value::as_str));
            if let Some(f) = folder.filter(|f| !f.contains("://") && !f.starts_with('/')) {
                out.workspace.member(f);
            }
            out.workspace
                .packages
                .push(crate::pep440::normalize_name(name));
            continue;
        }
        let Some(version) = p.get("version").and_then(Value::as_str) else {
            continue;
        };
        let normalized = crate::pep440::normalize_name(name);
        out.push(
            Dependency::new(
                PYPI,
                name,
                Requirement::Exact(version.to_string()),
                Role::Locked,
            )
            .at(lines.get(&normalized).copied()),
        )?;
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CondaEntry {
    Spec(String),
    Pip { pip: Vec<String> },
    Other(serde::de::IgnoredAny),
}

#[derive(Deserialize)]
struct CondaEnv {
    #[serde(default)]
    dependencies: Option<Vec<CondaEntry>>,
}

/// Reads a conda `environment.yml`: conda match specs, and PEP 508 requirements in
/// its `pip:` list.
pub fn conda(text: &str) -> Result<Parsed, ManifestError> {
    let env: Option<CondaEnv> =
        serde_saphyr::from_str_with_options(text, crate::osv::yaml_options())
            .map_err(|e| ManifestError::Yaml(Box::new(e)))?;
    let mut out = Parsed::default();
    let Some(env) = env else {
        return Ok(out);
    };
    for entry in env.dependencies.unwrap_or_default() {
        match entry {
            CondaEntry::Spec(s) => {
                if let Some((pypi, req)) = pep508::parse_conda(&s) {
                    let mut d =
                        Dependency::new(PYPI, &pypi, req, Role::Declared).at(find_line(text, &s));
                    let conda_name = s
                        .rsplit_once("::")
                        .map_or(s.as_str(), |(_, r)| r)
                        .split(|c: char| {
                            !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                        })
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    d.name = conda_name.clone();
                    d.conda_name = Some(conda_name);
                    out.push(d)?;
                } else if !s.trim().is_empty() && pep508::parse(&s).is_none() {
                    out.skip(s);
                }
            }
            CondaEntry::Pip { pip } => {
                let reqs: Vec<&str> = pip
                    .iter()
                    .map(String::as_str)
                    .filter(|r| !r.trim_start().starts_with('-'))
                    .collect();
                pep508_deps(
                    text,
                    reqs.into_iter(),
                    Role::Declared,
                    Some("pip"),
                    &mut out,
                )?;
            }
            CondaEntry::Other(_) => {}
        }
    }
    Ok(out)
}

/// Parsed entries by name (tests and diagnostics).
pub fn by_name(p: &Parsed) -> BTreeMap<String, &Dependency> {
    p.deps.iter().map(|d| (d.normalized.clone(), d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::ManifestKind;

    #[test]
    fn requirements_files() {
        let text = "# comment\n\
torch==2.1.0+cu118 --hash=sha256:abc \\\n    --hash=sha256:def\n\
langchain>=0.1  # floor only\n\
-r base.txt\n\
-c constraints.txt\n\
--index-url https://example.invalid/simple\n\
-e git+https://github.com/o/r.git@0123456789abcdef0123456789abcdef01234567#egg=mylib\n\
-e .\n\
https://files.example.invalid/pkgs/openai-1.2.3-py3-none-any.whl\n\
Flask[async] ; python_version > '3.8'\n\
this is not a requirement\n";
        let p = requirements(text, Role::Declared);
        let m = by_name(&p);
        assert_eq!(
            m["torch"].requirement,
            Requirement::Exact("2.1.0+cu118".into())
        );
        assert_eq!(m["torch"].line, Some(2));
        assert!(matches!(
            m["langchain"].requirement,
            Requirement::Range { .. }
        ));
        assert_eq!(m["langchain"].line, Some(4));
        assert!(matches!(
            m["mylib"].requirement,
            Requirement::Direct { pinned: true, .. }
        ));
        assert_eq!(m["openai"].requirement, Requirement::Exact("1.2.3".into()));
        assert_eq!(m["flask"].requirement, Requirement::Any);
        assert_eq!(p.includes, vec!["base.txt", "constraints.txt"]);
        assert_eq!(p.skipped_count, 1);
        assert_eq!(p.deps.len(), 5);
    }

    #[test]
    fn pyproject_flavours() {
        let text = r#"
[project]
name = "demo"
dependencies = ["openai>=1.0", "transformers==4.44.2"]
[project.optional-dependencies]
gpu = ["vllm"]
[dependency-groups]
test = ["pytest>=8", {include-group = "lint"}]
[tool.poetry.dependencies]
python = "^3.10"
langchain = "^0.1.0"
torch = { version = "2.1.0", source = "pytorch" }
mylib = { git = "https://github.com/o/r.git", branch = "main" }
local = { path = "../local" }
[tool.poetry.group.dev.dependencies]
ruff = "*"
[tool.uv]
constraint-dependencies = ["numpy<2"]
"#;
        let p = pyproject(text).unwrap();
        let m = by_name(&p);
        assert!(matches!(m["openai"].requirement, Requirement::Range { .. }));
        assert_eq!(m["openai"].line, Some(4));
        assert_eq!(
            m["transformers"].requirement,
            Requirement::Exact("4.44.2".into())
        );
        assert_eq!(m["vllm"].group.as_deref(), Some("optional:gpu"));
        assert_eq!(m["pytest"].group.as_deref(), Some("test"));
        assert!(matches!(
            m["langchain"].requirement,
            Requirement::Range { .. }
        ));
        assert_eq!(m["langchain"].line, Some(11));
        assert_eq!(m["torch"].requirement, Requirement::Exact("2.1.0".into()));
        assert!(matches!(
            m["mylib"].requirement,
            Requirement::Direct { pinned: false, .. }
        ));
        assert!(!m.contains_key("local") && !m.contains_key("python"));
        assert_eq!(m["ruff"].requirement, Requirement::Any);
        assert_eq!(m["numpy"].role, Role::Constraint);
        assert!(pyproject("[project\n").is_err());
    }

    #[test]
    fn pipfiles() {
        let p = pipfile("[packages]\nopenai = \"*\"\ntorch = \"==2.0.1\"\n\"llama-index\" = {version = \">=0.10\"}\n[dev-packages]\npytest = \">=7\"\n").unwrap();
        let m = by_name(&p);
        assert_eq!(m["openai"].requirement, Requirement::Any);
        assert_eq!(m["torch"].requirement, Requirement::Exact("2.0.1".into()));
        assert_eq!(m["torch"].line, Some(3));
        assert!(matches!(
            m["llama-index"].requirement,
            Requirement::Range { .. }
        ));
        assert_eq!(m["llama-index"].line, Some(4));
        assert_eq!(m["pytest"].group.as_deref(), Some("dev"));
        let lock = r#"{
    "_meta": {},
    "default": {
        "torch": {"hashes": [], "version": "==2.0.1"}
    },
    "develop": {
        "mylib": {"git": "https://x", "ref": "0123456789abcdef0123456789abcdef01234567"}
    }
}"#;
        let p = pipfile_lock(lock).unwrap();
        let m = by_name(&p);
        assert_eq!(m["torch"].requirement, Requirement::Exact("2.0.1".into()));
        assert_eq!(m["torch"].line, Some(4));
        assert!(m["mylib"].requirement.is_pinned());
    }

    #[test]
    fn toml_locks() {
        let poetry = "[[package]]\nname = \"langchain\"\nversion = \"0.0.300\"\n\n[[package]]\nname = \"mylocal\"\nversion = \"0.1\"\n[package.source]\ntype = \"directory\"\nurl = \"../x\"\n";
        let p = toml_lock(poetry, ManifestKind::PoetryLock).unwrap();
        assert_eq!(p.deps.len(), 1);
        assert_eq!(p.deps[0].requirement, Requirement::Exact("0.0.300".into()));
        assert_eq!(p.deps[0].line, Some(2));
        let uv = "version = 1\n[[package]]\nname = \"demo\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\n[[package]]\nname = \"Torch\"\nversion = \"2.4.1\"\nsource = { registry = \"https://index.example.invalid/simple\" }\n";
        let p = toml_lock(uv, ManifestKind::UvLock).unwrap();
        assert_eq!(p.deps.len(), 1);
        assert_eq!(p.deps[0].normalized, "torch");
        assert_eq!(p.deps[0].line, Some(7));
        assert_eq!(p.workspace.packages, vec!["demo"]);
        assert!(
            p.workspace.members.is_empty(),
            "the root itself is no member"
        );
        // A uv workspace: members as editable or virtual sources, and by name.
        let ws = "version = 1\n[manifest]\nmembers = [\"root\", \"Lib-A\"]\n[[package]]\nname = \"lib-a\"\nversion = \"0.1.0\"\nsource = { editable = \"libs/lib-a\" }\n[[package]]\nname = \"tools\"\nversion = \"0.1.0\"\nsource = { virtual = \"./tools/\" }\n";
        let p = toml_lock(ws, ManifestKind::UvLock).unwrap();
        assert!(p.deps.is_empty());
        assert_eq!(p.workspace.members, vec!["libs/lib-a", "tools"]);
        assert!(p.workspace.covers("libs/lib-a"));
        for name in ["root", "lib-a", "tools"] {
            assert!(p.workspace.packages.iter().any(|n| n == name), "{name}");
        }
        let root = "[project]\nname = \"r\"\ndependencies = [\"lib-a\"]\n[tool.uv.workspace]\nmembers = [\"libs/*\"]\nexclude = [\"libs/old\"]\n[tool.uv.sources]\nlib-a = { workspace = true }\ntorch = { index = \"cu\" }\n";
        let p = pyproject(root).unwrap();
        assert!(p.workspace.covers("libs/lib-a"));
        assert!(!p.workspace.covers("libs/old"));
        assert_eq!(p.workspace.packages, vec!["r", "lib-a"]);
        let pylock =
            "lock-version = \"1.0\"\n[[packages]]\nname = \"openai\"\nversion = \"1.2.3\"\n";
        let p = toml_lock(pylock, ManifestKind::Pylock).unwrap();
        assert_eq!(p.deps.len(), 1);
    }

    #[test]
    fn conda_environments() {
        let text = "name: ml\nchannels: [pytorch, conda-forge]\ndependencies:\n  - python=3.11\n  - pytorch::pytorch=2.1.0=py3.11_cuda12.1_0\n  - numpy>=1.26\n  - 42\n  - pip\n  - pip:\n    - langchain==0.0.300\n    - -r requirements.txt\n";
        let p = conda(text).unwrap();
        let m = by_name(&p);
        assert_eq!(m["torch"].requirement, Requirement::Exact("2.1.0".into()));
        assert_eq!(m["torch"].conda_name.as_deref(), Some("pytorch"));
        assert_eq!(m["torch"].line, Some(5));
        assert!(matches!(m["numpy"].requirement, Requirement::Range { .. }));
        assert_eq!(
            m["langchain"].requirement,
            Requirement::Exact("0.0.300".into())
        );
        assert_eq!(m["langchain"].group.as_deref(), Some("pip"));
        assert!(!m.contains_key("python") && !m.contains_key("pip"));
        assert!(conda("dependencies: [").is_err());
        assert!(conda("").unwrap().deps.is_empty());
    }
}

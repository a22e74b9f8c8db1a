//! JavaScript manifests: `package.json`, `package-lock.json` /
//! `npm-shrinkwrap.json` (lockfile versions 1 to 3), `pnpm-lock.yaml` (versions 5
//! to 9) and `yarn.lock` (classic and Berry).

use super::{Dependency, ManifestError, Parsed, Requirement, Role, line_map};
use crate::osv::{AnySet, Ecosystem};
use crate::semver;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

const NPM: Ecosystem = Ecosystem::Npm;

/// Byte index of the first `@` that is not the first character (a scope's `@`).
fn first_at(s: &str) -> Option<usize> {
    s.char_indices()
        .skip(1)
        .find(|(_, c)| *c == '@')
        .map(|(i, _)| i)
}

/// Byte index of the last `@` that is not the first character.
fn last_at(s: &str) -> Option<usize> {
    s.char_indices()
        .rev()
        .find(|(i, c)| *i > 0 && *c == '@')
        .map(|(i, _)| i)
}

/// How a `package.json` dependency value reads: the real package name (for
/// `npm:` aliases) and the requirement; `None` for workspace and local links.
fn classify(name: &str, spec: &str) -> Option<(String, Requirement)> {
    let s = spec.trim();
    if let Some(alias) = s.strip_prefix("npm:") {
        // `npm:real-name@range`; the `@` of a scope is not the separator.
        let (real, range) = match first_at(alias) {
            Some(i) => (&alias[..i], &alias[i + 1..]),
            None => (alias, ""),
        };
        return classify(real, range).map(|(_, r)| (real.to_string(), r));
    }
    let local = ["workspace:", "file:", "link:", "portal:", "patch:", "exec:"];
    if local.iter().any(|p| s.starts_with(p)) {
        return None;
    }
    let is_url = s.contains("://")
        || s.starts_with("git@")
        || ["github:", "gitlab:", "bitbucket:", "gist:", "git+"]
            .iter()
            .any(|p| s.starts_with(p))
        // `owner/repo` GitHub shorthand.
        || (!s.starts_with('@') && s.contains('/') && !s.contains(' ') && !s.starts_with(['<', '>', '=', '~', '^']));
    if is_url {
        let pinned = s
            .rsplit_once('#')
            .is_some_and(|(_, r)| r.len() >= 40 && r.bytes().all(|b| b.is_ascii_hexdigit()))
            || s.ends_with(".tgz");
        return Some((
            name.to_string(),
            Requirement::Direct {
                url: s.to_string(),
                pinned,
            },
        ));
    }
    if let Some(v) = semver::exact_version(s) {
        return Some((name.to_string(), Requirement::Exact(v.to_string())));
    }
    let req = match semver::parse_range(s) {
        Ok(set) if s.is_empty() || s == "*" || s == "x" => {
            let _ = set;
            Requirement::Any
        }
        Ok(set) => Requirement::Range {
            spec: s.to_string(),
            set: AnySet::Semver(set),
        },
        // A dist-tag (`latest`, `next`) moves with every publish.
        Err(_)
            if s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') =>
        {
            Requirement::Any
        }
        Err(_) => Requirement::Unparsed(s.to_string()),
    };
    Some((name.to_string(), req))
}

fn json_key_lines(text: &str) -> std::collections::HashMap<String, u32> {
    line_map(text, |l| {
        let t = l.trim_start().strip_prefix('"')?;
        let (k, after) = t.split_once('"')?;
        after.trim_start().starts_with(':').then(|| k.to_string())
    })
}

/// Reads `package.json`.
pub fn package_json(text: &str) -> Result<Parsed, ManifestError> {
    let doc: Value = serde_json::from_str(text)?;
    let mut out = Parsed::default();
    // The package's own name (a self-reference is no download).
    if let Some(own) = doc.get("name").and_then(Value::as_str) {
        out.workspace.packages.push(semver::normalize_name(own));
    }
    // `"workspaces": [globs]` (npm, Yarn) or `{"packages": [globs]}` (Yarn classic).
    let patterns = match doc.get("workspaces") {
        Some(Value::Array(a)) => Some(a),
        Some(Value::Object(o)) => o.get("packages").and_then(Value::as_array),
        _ => None,
    };
    for p in patterns.into_iter().flatten().filter_map(Value::as_str) {
        out.workspace.member(p);
    }
    let lines = json_key_lines(text);
    for (key, group) in [
        ("dependencies", None),
        ("devDependencies", Some("dev")),
        ("optionalDependencies", Some("optional")),
        ("peerDependencies", Some("peer")),
    ] {
        let Some(Value::Object(deps)) = doc.get(key) else {
            continue;
        };
        for (name, spec) in deps {
            let Some(spec) = spec.as_str() else {
                out.skip(format!("{name}: not a string"));
                continue;
            };
            if let Some((real, req)) = classify(name, spec) {
                out.push(
                    Dependency::new(NPM, &real, req, Role::Declared)
                        .at(lines.get(name.as_str()).copied())
                        .group(group),
                )?;
            }
        }
    }
    Ok(out)
}

fn lock_version(name: &str, v: &str) -> Option<Requirement> {
    let v = v.trim();
    if v.is_empty() || v.starts_with("file:") || v.starts_with("link:") {
        return None;
    }
    if semver::Version::parse(v).is_ok() {
        return Some(Requirement::Exact(v.to_string()));
    }
    // A git or tarball URL (lockfile v1 writes them as the version).
    classify(name, v).map(|(_, r)| r)
}

/// Reads `package-lock.json` and `npm-shrinkwrap.json`.
/// A `package-lock.json` read for its `packages` table only: integrity hashes,
/// URLs and the nested v1 tree that version 2 also carries are skipped by the
/// parser instead of becoming values.
#[derive(Deserialize)]
struct LockV2 {
    packages: Option<BTreeMap<String, LockEntry>>,
}

#[derive(Deserialize)]
struct LockEntry {
    name: Option<Value>,
    version: Option<Value>,
    link: Option<Value>,
    dev: Option<Value>,
    #[serde(default)]
    dependencies: Option<KeysOnly>,
    #[serde(default, rename = "devDependencies")]
    dev_dependencies: Option<KeysOnly>,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: Option<KeysOnly>,
    #[serde(default, rename = "peerDependencies")]
    peer_dependencies: Option<KeysOnly>,
}

/// The keys of a JSON object (values skipped); anything else reads as no keys.
#[derive(Default)]
struct KeysOnly(Vec<String>);

impl<'de> Deserialize<'de> for KeysOnly {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = KeysOnly;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<KeysOnly, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = m.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(KeysOnly(keys))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> Result<KeysOnly, A::Error> {
                while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(KeysOnly::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<KeysOnly, E> {
                Ok(KeysOnly::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<KeysOnly, E> {
                Ok(KeysOnly::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<KeysOnly, E> {
                Ok(KeysOnly::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<KeysOnly, E> {
                Ok(KeysOnly::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<KeysOnly, E> {
                Ok(KeysOnly::default())
            }
            fn visit_unit<E>(self) -> Result<KeysOnly, E> {
                Ok(KeysOnly::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads `package-lock.json` / `npm-shrinkwrap.json`.
pub fn package_lock(text: &str) -> Result<Parsed, ManifestError> {
    let mut out = Parsed::default();
    // Another shape than lockfile v2/v3 (or invalid JSON) is read as a value below.
    if let Ok(LockV2 {
        packages: Some(pkgs),
    }) = serde_json::from_str::<LockV2>(text)
    {
        // Lines of the `node_modules/…` keys only: the other keys are not reported.
        let lines = line_map(text, |l| {
            let t = l.trim_start().strip_prefix('"')?;
            let (k, after) = t.split_once('"')?;
            (k.contains("node_modules/") && after.trim_start().starts_with(':'))
                .then(|| k.to_string())
        });
        let mut direct: HashSet<&str> = HashSet::new();
        if let Some(root) = pkgs.get("") {
            for d in [
                &root.dependencies,
                &root.dev_dependencies,
                &root.optional_dependencies,
                &root.peer_dependencies,
            ]
            .into_iter()
            .flatten()
            {
                direct.extend(d.0.iter().map(String::as_str));
            }
        }
        for (path, entry) in &pkgs {
            let Some(idx) = path.rfind("node_modules/") else {
                // A workspace member's folder (the root is `""`).
                if !path.is_empty() {
                    out.workspace.member(path);
                    if let Some(n) = entry.name.as_ref().and_then(Value::as_str) {
                        out.workspace.packages.push(semver::normalize_name(n));
                    }
                }
                continue;
            };
            let installed_as = &path[idx + "node_modules/".len()..];
            if entry.link.as_ref().and_then(Value::as_bool) == Some(true) {
                // Installed as a link to a folder of the project.
                out.workspace
                    .packages
                    .push(semver::normalize_name(installed_as));
                continue;
            }
            let name = entry
                .name
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or(installed_as);
            let Some(req) = entry
                .version
                .as_ref()
                .and_then(Value::as_str)
                .and_then(|v| lock_version(name, v))
            else {
                continue;
            };
            let dev = entry.dev.as_ref().and_then(Value::as_bool) == Some(true);
            let mut d = Dependency::new(NPM, name, req, Role::Locked)
                .at(lines.get(path.as_str()).copied())
                .group(dev.then_some("dev"));
            d.direct = Some(idx == 0 && direct.contains(installed_as));
            out.push(d)?;
        }
        return Ok(out);
    }
    let doc: Value = serde_json::from_str(text)?;
    // Lockfile v1: nested `dependencies`.
    fn walk(
        deps: &serde_json::Map<String, Value>,
        depth: usize,
        top: bool,
        out: &mut Parsed,
    ) -> Result<(), ManifestError> {
        if depth > 64 {
            return Err(ManifestError::NestedTooDeep);
        }
        for (name, entry) in deps {
            if let Some(req) = entry
                .get("version")
                .and_then(Value::as_str)
                .and_then(|v| lock_version(name, v))
            {
                let mut d = Dependency::new(NPM, name, req, Role::Locked).group(
                    (entry.get("dev").and_then(Value::as_bool) == Some(true)).then_some("dev"),
                );
                d.direct = top.then_some(true);
                out.push(d)?;
            }
            if let Some(Value::Object(inner)) = entry.get("dependencies") {
                walk(inner, depth + 1, false, out)?;
            }
        }
        Ok(())
    }
    if let Some(Value::Object(deps)) = doc.get("dependencies") {
        walk(deps, 0, true, &mut out)?;
    }
    Ok(out)
}

/// `name` and `version` from a pnpm `packages` key: `/name/1.2.3` (v5),
/// `/name@1.2.3(peer@1.0.0)` (v6), `name@1.2.3` (v9), scoped names included.
fn pnpm_key(key: &str) -> Option<(String, String)> {
    let k = key.trim().trim_start_matches('/');
    let k = k.split('(').next().unwrap_or(k);
    let valid_name = |n: &str| {
        let slashes = n.matches('/').count();
        !n.is_empty()
            && if n.starts_with('@') {
                slashes == 1
            } else {
                slashes == 0
            }
    };
    let v6 = last_at(k)
        .map(|i| (&k[..i], &k[i + 1..]))
        .filter(|(n, _)| valid_name(n));
    let (name, version) = match v6 {
        Some(x) => x,
        None => {
            // v5: the version is the last path segment, peers after `_`.
            let (n, v) = k.rsplit_once('/')?;
            (n, v.split('_').next().unwrap_or(v))
        }
    };
    (!name.is_empty() && semver::Version::parse(version).is_ok())
        .then(|| (name.to_string(), version.to_string()))
}

#[derive(Deserialize)]
struct PnpmLock {
    #[serde(default)]
    packages: Option<BTreeMap<String, serde::de::IgnoredAny>>,
    #[serde(default)]
    importers: Option<BTreeMap<String, PnpmImporter>>,
    #[serde(default)]
    dependencies: Option<BTreeMap<String, serde::de::IgnoredAny>>,
    #[serde(default, rename = "devDependencies")]
    dev_dependencies: Option<BTreeMap<String, serde::de::IgnoredAny>>,
}

#[derive(Deserialize)]
struct PnpmImporter {
    #[serde(default)]
    dependencies: Option<BTreeMap<String, PnpmImporterDep>>,
    #[serde(default, rename = "devDependencies")]
    dev_dependencies: Option<BTreeMap<String, PnpmImporterDep>>,
}

/// An importer's dependency: `{specifier, version}` (v6 and later) or the version
/// alone (v5); `link:` versions are folders of the project.
#[derive(Deserialize)]
#[serde(untagged)]
enum PnpmImporterDep {
    Version(String),
    Entry {
        #[serde(default)]
        version: Option<String>,
    },
    Other(serde::de::IgnoredAny),
}

impl PnpmImporterDep {
    fn is_link(&self) -> bool {
        let v = match self {
            PnpmImporterDep::Version(v) => Some(v.as_str()),
            PnpmImporterDep::Entry { version } => version.as_deref(),
            PnpmImporterDep::Other(_) => None,
        };
        v.is_some_and(|v| v.starts_with("link:") || v.starts_with("file:"))
    }
}

/// Reads `pnpm-lock.yaml`.
pub fn pnpm_lock(text: &str) -> Result<Parsed, ManifestError> {
    let lock: Option<PnpmLock> =
        serde_saphyr::from_str_with_options(text, crate::osv::yaml_options())
            .map_err(|e| ManifestError::Yaml(Box::new(e)))?;
    let mut out = Parsed::default();
    let Some(lock) = lock else {
        return Ok(out);
    };
    let mut direct: HashSet<String> = HashSet::new();
    for m in [&lock.dependencies, &lock.dev_dependencies]
        .into_iter()
        .flatten()
    {
        direct.extend(m.keys().cloned());
    }
    for (folder, imp) in lock.importers.iter().flatten() {
        out.workspace.member(folder);
        for m in [&imp.dependencies, &imp.dev_dependencies]
            .into_iter()
            .flatten()
        {
            for (name, dep) in m {
                if dep.is_link() {
                    out.workspace.packages.push(semver::normalize_name(name));
                } else {
                    direct.insert(name.clone());
                }
            }
        }
    }
    let lines = line_map(text, |l| {
        // Package keys sit at indent 2 under `packages:`.
        let t = l.strip_prefix("  ")?;
        if t.starts_with(' ') {
            return None;
        }
        let k = t.trim_end().strip_suffix(':')?;
        Some(k.trim_matches(['\'', '"']).to_string())
    });
    let mut seen = HashSet::new();
    for key in lock.packages.iter().flat_map(|m| m.keys()) {
        let Some((name, version)) = pnpm_key(key) else {
            continue;
        };
        if !seen.insert((name.clone(), version.clone())) {
            continue;
        }
        let mut d = Dependency::new(NPM, &name, Requirement::Exact(version), Role::Locked)
            .at(lines.get(key.as_str()).copied());
        d.direct = Some(direct.contains(&name));
        out.push(d)?;
    }
    Ok(out)
}

/// Reads `yarn.lock`, classic (v1) and Berry: entries start at column 0 with the
/// descriptors they resolve and end with `:`; the `version` line follows indented.
pub fn yarn_lock(text: &str) -> Result<Parsed, ManifestError> {
    let mut out = Parsed::default();
    let mut current: Option<(String, u32)> = None;
    let mut seen = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        if line.len() > 64 * 1024 {
            out.skip(format!("line {}: too long", i + 1));
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            current = None;
            let Some(header) = line.trim_end().strip_suffix(':') else {
                continue;
            };
            let first = header
                .split(',')
                .next()
                .unwrap_or(header)
                .trim()
                .trim_matches('"');
            if first == "__metadata" {
                continue;
            }
            // The name ends at the first `@` after a possible scope `@`.
            let Some(at) = first_at(first) else {
                continue;
            };
            let descriptor = &first[at + 1..];
            if let Some(folder) = descriptor.strip_prefix("workspace:") {
                out.workspace.member(folder);
                out.workspace
                    .packages
                    .push(semver::normalize_name(&first[..at]));
                continue;
            }
            if ["link:", "portal:", "file:"]
                .iter()
                .any(|p| descriptor.starts_with(p))
            {
                continue;
            }
            current = Some((first[..at].to_string(), i as u32 + 1));
            continue;
        }
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix("version") else {
            continue;
        };
        let Some((name, at_line)) = current.take() else {
            continue;
        };
        let v = rest
            .trim_start_matches(':')
            .trim()
            .trim_matches('"')
            .to_string();
        if v.ends_with("-use.local") || semver::Version::parse(&v).is_err() {
            continue;
        }
        if !seen.insert((name.clone(), v.clone())) {
            continue;
        }
        out.push(
            Dependency::new(NPM, &name, Requirement::Exact(v), Role::Locked).at(Some(at_line)),
        )?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::python::by_name;

    #[test]
    fn package_json_values() {
        let text = r#"{
  "name": "web",
  "dependencies": {
    "openai": "^4.20.0",
    "@anthropic-ai/sdk": "0.24.3",
    "ai": "latest",
    "left": "npm:left-pad@1.3.0",
    "mylib": "github:o/r#0123456789abcdef0123456789abcdef01234567",
    "shared": "workspace:*",
    "bad": ">>1"
  },
  "devDependencies": {"langchain": "*"}
}"#;
        let p = package_json(text).unwrap();
        let m = by_name(&p);
        assert!(matches!(m["openai"].requirement, Requirement::Range { .. }));
        assert_eq!(m["openai"].line, Some(4));
        assert_eq!(
            m["@anthropic-ai/sdk"].requirement,
            Requirement::Exact("0.24.3".into())
        );
        assert_eq!(m["ai"].requirement, Requirement::Any);
        assert_eq!(
            m["left-pad"].requirement,
            Requirement::Exact("1.3.0".into())
        );
        assert!(m["mylib"].requirement.is_pinned());
        assert!(!m.contains_key("shared"));
        assert_eq!(p.workspace.packages, vec!["web"]);
        assert!(p.workspace.members.is_empty());
        let root = package_json(r#"{"workspaces": ["src/*", "!src/old"]}"#).unwrap();
        assert!(root.workspace.covers("src/a"));
        assert!(!root.workspace.covers("src/old"));
        let classic = package_json(r#"{"workspaces": {"packages": ["apps/**"]}}"#).unwrap();
        assert!(classic.workspace.covers("apps/x/y"));
        assert!(matches!(m["bad"].requirement, Requirement::Unparsed(_)));
        assert_eq!(m["langchain"].group.as_deref(), Some("dev"));
        assert_eq!(m["langchain"].requirement, Requirement::Any);
    }

    #[test]
    fn package_locks() {
        let v3 = r#"{
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "web", "dependencies": {"openai": "^4"}},
    "node_modules/openai": {"version": "4.20.1"},
    "node_modules/openai/node_modules/node-fetch": {"version": "2.7.0"},
    "node_modules/shared": {"link": true},
    "node_modules/alias": {"name": "real-pkg", "version": "1.0.0", "dev": true}
  }
}"#;
        let p = package_lock(v3).unwrap();
        assert_eq!(p.workspace.packages, vec!["shared"]);
        let m = by_name(&p);
        assert_eq!(m["openai"].requirement, Requirement::Exact("4.20.1".into()));
        assert_eq!(m["openai"].direct, Some(true));
        assert_eq!(m["openai"].line, Some(5));
        assert_eq!(m["node-fetch"].direct, Some(false));
        assert_eq!(m["real-pkg"].group.as_deref(), Some("dev"));
        assert_eq!(p.deps.len(), 3);
        let v1 = r#"{"lockfileVersion": 1, "dependencies": {"a": {"version": "1.0.0", "dependencies": {"b": {"version": "git+https://x/b.git#0123456789abcdef0123456789abcdef01234567"}}}}}"#;
        let p = package_lock(v1).unwrap();
        let m = by_name(&p);
        assert_eq!(m["a"].requirement, Requirement::Exact("1.0.0".into()));
        assert!(m["b"].requirement.is_pinned());
    }

    #[test]
    fn pnpm_locks() {
        assert_eq!(
            pnpm_key("/openai/4.20.1"),
            Some(("openai".into(), "4.20.1".into()))
        );
        assert_eq!(
            pnpm_key("/@langchain/core/0.1.2_openai@4.0.0"),
            Some(("@langchain/core".into(), "0.1.2".into()))
        );
        assert_eq!(
            pnpm_key("/@langchain/core@0.1.2(openai@4.0.0)"),
            Some(("@langchain/core".into(), "0.1.2".into()))
        );
        assert_eq!(pnpm_key("ai@3.0.1"), Some(("ai".into(), "3.0.1".into())));
        assert_eq!(pnpm_key("link:../x"), None);
        let v9 = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      openai:\n        specifier: ^4.20.0\n        version: 4.20.1\npackages:\n  openai@4.20.1:\n    resolution: {integrity: sha512-x}\n  node-fetch@2.7.0:\n    resolution: {integrity: sha512-y}\nsnapshots:\n  openai@4.20.1: {}\n";
        let p = pnpm_lock(v9).unwrap();
        assert!(p.workspace.members.is_empty());
        let m = by_name(&p);
        assert_eq!(m["openai"].requirement, Requirement::Exact("4.20.1".into()));
        assert_eq!(m["openai"].direct, Some(true));
        assert_eq!(m["openai"].line, Some(9));
        assert_eq!(m["node-fetch"].direct, Some(false));
        assert!(pnpm_lock("packages: [").is_err());
        let ws = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      ui:\n        specifier: workspace:*\n        version: link:packages/ui\n  packages/ui:\n    dependencies:\n      ai:\n        specifier: ^3.0.0\n        version: 3.0.1\npackages:\n  ai@3.0.1:\n    resolution: {integrity: x}\n";
        let p = pnpm_lock(ws).unwrap();
        assert_eq!(p.workspace.members, vec!["packages/ui"]);
        assert_eq!(p.workspace.packages, vec!["ui"]);
        assert_eq!(by_name(&p)["ai"].direct, Some(true));
    }

    #[test]
    fn yarn_locks() {
        let v1 = "# yarn lockfile v1\n\n\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.10.4\":\n  version \"7.12.13\"\n  resolved \"https://x\"\n\nopenai@^4.0.0:\n  version \"4.20.1\"\n";
        let p = yarn_lock(v1).unwrap();
        let m = by_name(&p);
        assert_eq!(
            m["@babel/code-frame"].requirement,
            Requirement::Exact("7.12.13".into())
        );
        assert_eq!(m["@babel/code-frame"].line, Some(3));
        assert_eq!(m["openai"].requirement, Requirement::Exact("4.20.1".into()));
        let berry = "__metadata:\n  version: 6\n\n\"openai@npm:^4.0.0\":\n  version: 4.20.1\n  resolution: \"openai@npm:4.20.1\"\n\n\"web@workspace:.\":\n  version: 0.0.0-use.local\n";
        let p = yarn_lock(berry).unwrap();
        assert_eq!(p.deps.len(), 1);
        assert!(p.workspace.members.is_empty());
        assert_eq!(p.workspace.packages, vec!["web"]);
        assert_eq!(p.deps[0].requirement, Requirement::Exact("4.20.1".into()));
        let p = yarn_lock("\"ui@workspace:packages/ui\":\n  version: 0.0.0-use.local\n").unwrap();
        assert_eq!(p.workspace.members, vec!["packages/ui"]);
    }
}

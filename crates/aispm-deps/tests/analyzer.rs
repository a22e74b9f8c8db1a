//! The dependency analyzer through the scan engine: per-format manifests in a
//! temporary folder, lock files winning over manifests, range judgments, malicious
//! and look-alike names, archives, alias de-duplication and the imported database.

use aispm_core::ScanReport;
use aispm_deps::DepsAnalyzer;
use aispm_deps::db::{Advisories, AdvisoryDb, DbMeta};
use aispm_deps::osv::{Parsed, parse_record};
use aispm_engine::{ScanOptions, Scanner};
use std::collections::BTreeMap;
use std::path::Path;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn scan_with(dir: &Path, advisories: Advisories) -> ScanReport {
    let scanner = Scanner::new(
        vec![Box::new(DepsAnalyzer::with_advisories(advisories))],
        ScanOptions::default(),
    )
    .unwrap();
    scanner.scan(&[dir.to_path_buf()], None)
}

fn scan(dir: &Path) -> ScanReport {
    scan_with(dir, Advisories::bundled_only())
}

/// `(rule, path, package)` of every finding; a finding about several packages (the
/// one DEP004 of a manifest) gives one row per package.
fn findings(r: &ScanReport) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = r
        .findings
        .iter()
        .flat_map(|f| {
            let packages: Vec<String> = match f.properties.get("packages") {
                Some(serde_json::Value::Array(a)) => a
                    .iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect(),
                _ => vec![
                    f.properties
                        .get("package")
                        .and_then(|p| p.as_str())
                        .unwrap_or_default()
                        .to_string(),
                ],
            };
            packages
                .into_iter()
                .map(|p| (f.rule_id.clone(), f.path.clone(), p))
        })
        .collect();
    v.sort();
    v
}

fn count(r: &ScanReport, rule: &str, package: &str) -> usize {
    findings(r)
        .iter()
        .filter(|(id, _, p)| id == rule && p == package)
        .count()
}

#[test]
fn requirements_file_findings() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "requirements.txt",
        "langchain==0.0.305\nrequests==2.19.0\ngradio>=3.40\ntransformers\n\
langchainn==0.1.0\nlitellm==1.82.8\ntorchtriton\nultralytics==8.3.40\nlangchain-core<0.0.1\n",
    );
    let r = scan(d.path());
    assert_eq!(r.stats.errors, 0, "{:#?}", r.errors);
    // Three langchain advisories affect 0.0.305; one is CVSS 9.8.
    assert_eq!(count(&r, "DEP001", "langchain"), 3);
    let crit = r
        .findings
        .iter()
        .find(|f| f.properties["advisory_id"] == "PYSEC-2023-162")
        .unwrap();
    assert_eq!(crit.severity, aispm_core::Severity::Critical);
    assert_eq!(crit.line, Some(1));
    assert_eq!(crit.properties["fixed_in"], "0.0.308");
    assert_eq!(crit.properties["aliases"][0], "CVE-2023-39631");
    assert!(
        crit.properties["advisory_db"]
            .as_str()
            .unwrap()
            .starts_with("bundled snapshot of PyPA advisory-database")
    );
    assert!(crit.frameworks.iter().any(|c| c.id == "LLM03:2025"));
    // A non-AI package: CVE-2018-18074 and CVE-2023-32681.
    assert_eq!(count(&r, "DEP002", "requests"), 2);
    assert!(
        r.findings
            .iter()
            .any(|f| f.properties["advisory_id"] == "PYSEC-2018-28")
    );
    // A floor that admits vulnerable releases, and unpinned.
    assert_eq!(count(&r, "DEP003", "gradio"), 1);
    assert_eq!(count(&r, "DEP004", "gradio"), 1);
    let dep3 = r.findings.iter().find(|f| f.rule_id == "DEP003").unwrap();
    assert_eq!(dep3.properties["minimum_safe_version"], "4.14.0");
    assert_eq!(dep3.severity, aispm_core::Severity::Low);
    // No constraint: unpinned, but not judged against advisories.
    assert_eq!(count(&r, "DEP004", "transformers"), 1);
    assert_eq!(count(&r, "DEP003", "transformers"), 0);
    assert_eq!(count(&r, "DEP006", "langchainn"), 1);
    assert_eq!(count(&r, "DEP005", "litellm"), 1);
    assert_eq!(count(&r, "DEP005", "torchtriton"), 1);
    assert_eq!(count(&r, "DEP005", "ultralytics"), 0);
    // Assets for every AI package, with pinned flags.
    let asset = |name: &str| {
        r.assets
            .iter()
            .find(|a| a.properties["package"] == name)
            .unwrap_or_else(|| panic!("no asset for {name}"))
    };
    assert_eq!(asset("langchain").properties["pinned"], true);
    assert_eq!(asset("langchain").properties["version"], "0.0.305");
    assert_eq!(
        asset("langchain").properties["purl"],
        "pkg:pypi/langchain@0.0.305"
    );
    assert_eq!(asset("gradio").properties["pinned"], false);
    assert_eq!(asset("transformers").line, Some(4));
    assert!(
        r.assets
            .iter()
            .all(|a| a.properties["package"] != "requests")
    );
    assert!(
        r.assets
            .iter()
            .all(|a| a.kind == aispm_core::AssetKind::AiDependency)
    );
}

#[test]
fn ranges_that_admit_only_affected_versions_are_reported_like_pins() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "requirements.txt", "langchain<0.0.300\n");
    let r = scan(d.path());
    let ids: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.rule_id == "DEP001")
        .map(|f| f.properties["advisory_id"].as_str().unwrap())
        .collect();
    // Advisories fixed after 0.0.300 cover every version below it.
    for id in ["PYSEC-2023-162", "PYSEC-2023-205", "PYSEC-2024-43"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    // Those fixed earlier only partly overlap: one DEP003 lists them.
    let dep3 = r.findings.iter().find(|f| f.rule_id == "DEP003").unwrap();
    assert!(
        dep3.properties["advisory_ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "PYSEC-2023-138")
    );
}

#[test]
fn lock_files_win_over_manifests_in_the_same_folder() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "svc/pyproject.toml",
        "[tool.poetry.dependencies]\npython = \"^3.10\"\nlangchain = \">=0.0.200\"\ntransformers = \"*\"\n",
    );
    write(
        d.path(),
        "svc/poetry.lock",
        "[[package]]\nname = \"langchain\"\nversion = \"0.1.20\"\n\n[[package]]\nname = \"torch\"\nversion = \"1.12.1\"\n",
    );
    // A manifest in another folder is not covered by that lock.
    write(d.path(), "other/requirements.txt", "langchain>=0.0.200\n");
    let r = scan(d.path());
    let f = findings(&r);
    assert!(
        !f.iter().any(|(id, p, pkg)| p == "svc/pyproject.toml"
            && pkg == "langchain"
            && (id == "DEP003" || id == "DEP004")),
        "{f:?}"
    );
    // transformers is not in the lock: still unpinned.
    assert_eq!(count(&r, "DEP004", "transformers"), 1);
    // The lock's own entries are matched: torch 1.12.1 < 1.13.1.
    assert!(f.contains(&("DEP001".into(), "svc/poetry.lock".into(), "torch".into())));
    assert!(f.contains(&(
        "DEP003".into(),
        "other/requirements.txt".into(),
        "langchain".into()
    )));
    let declared = r
        .assets
        .iter()
        .find(|a| a.path == "svc/pyproject.toml" && a.properties["package"] == "langchain")
        .unwrap();
    assert_eq!(declared.properties["locked_version"], "0.1.20");
    assert_eq!(declared.properties["lock_file"], "svc/poetry.lock");
    assert_eq!(declared.properties["pinned"], true);
    let locked = r
        .assets
        .iter()
        .find(|a| a.path == "svc/poetry.lock" && a.properties["package"] == "torch")
        .unwrap();
    assert_eq!(locked.properties["role"], "locked");
    assert_eq!(locked.line, Some(6));
}

#[test]
fn constraints_files_pin_too() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "requirements.txt", "-c constraints.txt\nopenai\n");
    write(d.path(), "constraints.txt", "openai==1.45.0\n");
    let r = scan(d.path());
    assert_eq!(count(&r, "DEP004", "openai"), 0, "{:?}", findings(&r));
    assert_eq!(r.assets.len(), 1, "constraints are not assets");
}

#[test]
fn every_format_is_read() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    write(p, "a/requirements-dev.txt", "torch==1.12.0\n");
    write(
        p,
        "b/pyproject.toml",
        "[project]\nname = \"b\"\ndependencies = [\"torch==1.12.0\"]\n",
    );
    write(p, "c/Pipfile", "[packages]\ntorch = \"==1.12.0\"\n");
    write(
        p,
        "d/Pipfile.lock",
        "{\n  \"default\": {\n    \"torch\": {\"version\": \"==1.12.0\"}\n  }\n}\n",
    );
    write(
        p,
        "e/uv.lock",
        "version = 1\n[[package]]\nname = \"torch\"\nversion = \"1.12.0\"\n",
    );
    write(
        p,
        "f/environment.yml",
        "dependencies:\n  - pytorch=1.12.0\n",
    );
    write(
        p,
        "g/pdm.lock",
        "[[package]]\nname = \"torch\"\nversion = \"1.12.0\"\n",
    );
    write(
        p,
        "h/pylock.toml",
        "lock-version = \"1.0\"\n[[packages]]\nname = \"torch\"\nversion = \"1.12.0\"\n",
    );
    let r = scan(p);
    assert_eq!(r.stats.errors, 0, "{:#?}", r.errors);
    let mut paths: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.rule_id == "DEP001" && f.properties["advisory_id"] == "PYSEC-2022-43015")
        .map(|f| f.path.clone())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            "a/requirements-dev.txt",
            "b/pyproject.toml",
            "c/Pipfile",
            "d/Pipfile.lock",
            "e/uv.lock",
            "f/environment.yml",
            "g/pdm.lock",
            "h/pylock.toml"
        ]
    );
    let conda = r
        .assets
        .iter()
        .find(|a| a.path == "f/environment.yml")
        .unwrap();
    assert_eq!(conda.properties["conda_package"], "pytorch");
    assert_eq!(conda.properties["package"], "torch");
    // JavaScript manifests: inventory and pinning (the bundled data is PyPI only).
    write(
        p,
        "web/package.json",
        "{\"dependencies\": {\"openai\": \"^4.20.0\", \"@langchain/core\": \"0.2.1\", \"left-pad\": \"1.3.0\"}}\n",
    );
    write(
        p,
        "web2/package.json",
        "{\"dependencies\": {\"openai\": \"^4.20.0\"}}\n",
    );
    write(
        p,
        "web2/package-lock.json",
        "{\"lockfileVersion\": 3, \"packages\": {\"node_modules/openai\": {\"version\": \"4.20.1\"}}}\n",
    );
    write(
        p,
        "web3/pnpm-lock.yaml",
        "lockfileVersion: '9.0'\npackages:\n  ai@3.0.1:\n    resolution: {integrity: x}\n",
    );
    write(
        p,
        "web4/yarn.lock",
        "openai@^4.0.0:\n  version \"4.20.1\"\n",
    );
    let r = scan(p);
    assert_eq!(r.stats.errors, 0, "{:#?}", r.errors);
    let f = findings(&r);
    assert!(f.contains(&("DEP004".into(), "web/package.json".into(), "openai".into())));
    assert!(
        !f.iter().any(|(_, path, _)| path.starts_with("web2/")),
        "{f:?}"
    );
    let npm_assets: Vec<(&str, &str)> = r
        .assets
        .iter()
        .filter(|a| a.properties["ecosystem"] == "npm")
        .map(|a| (a.path.as_str(), a.properties["package"].as_str().unwrap()))
        .collect();
    for want in [
        ("web/package.json", "openai"),
        ("web/package.json", "@langchain/core"),
        ("web2/package-lock.json", "openai"),
        ("web3/pnpm-lock.yaml", "ai"),
        ("web4/yarn.lock", "openai"),
    ] {
        assert!(npm_assets.contains(&want), "{want:?} not in {npm_assets:?}");
    }
    let core = r
        .assets
        .iter()
        .find(|a| a.properties["package"] == "@langchain/core")
        .unwrap();
    assert_eq!(core.properties["purl"], "pkg:npm/%40langchain/core@0.2.1");
}

#[test]
fn manifests_inside_archives_and_broken_ones() {
    let d = tempfile::tempdir().unwrap();
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file(
            "proj/requirements.txt",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut z, b"torch==1.12.0\n").unwrap();
        z.finish().unwrap();
    }
    std::fs::write(d.path().join("bundle.zip"), buf.into_inner()).unwrap();
    write(
        d.path(),
        "bad/pyproject.toml",
        "[project\ndependencies = [\n",
    );
    write(d.path(), "bad/package.json", "{\"dependencies\": ");
    write(
        d.path(),
        "bad/requirements.txt",
        "torch==1.12.0\n%%% nonsense %%%\n",
    );
    let r = scan(d.path());
    assert!(findings(&r).contains(&(
        "DEP001".into(),
        "bundle.zip!proj/requirements.txt".into(),
        "torch".into()
    )));
    let errs: Vec<(&str, &str)> = r
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect();
    for p in [
        "bad/pyproject.toml",
        "bad/package.json",
        "bad/requirements.txt",
    ] {
        assert!(
            errs.iter().any(|(path, _)| *path == p),
            "{p} not in {errs:?}"
        );
    }
    // The readable line of the broken requirements file is still judged.
    assert!(findings(&r).contains(&(
        "DEP001".into(),
        "bad/requirements.txt".into(),
        "torch".into()
    )));
}

fn imported(records: &[&str]) -> AdvisoryDb {
    let advisories = records
        .iter()
        .map(|r| match parse_record(r, false).unwrap() {
            Parsed::Kept(a) => *a,
            other => panic!("{other:?}"),
        })
        .collect();
    AdvisoryDb::from_advisories(
        DbMeta {
            aispm_advisory_db: aispm_deps::db::FORMAT,
            source: "test export".into(),
            source_commit: None,
            date: "2026-01-01".into(),
            license: None,
            advisories: 0,
            ecosystems: BTreeMap::new(),
        },
        advisories,
        false,
    )
}

#[test]
fn imported_database_is_preferred_for_its_ecosystems_and_aliases_count_once() {
    let db = imported(&[
        r#"{"id": "GHSA-aaaa-bbbb-cccc", "aliases": ["CVE-2099-0001"], "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.3.1"}]}]}], "database_specific": {"severity": "HIGH"}}"#,
        r#"{"id": "OTHER-2099-1", "aliases": ["CVE-2099-0001"], "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.3.1"}]}]}]}"#,
        r#"{"id": "MAL-2099-7", "affected": [{"package": {"ecosystem": "npm", "name": "openai-helper-pro"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}"#,
    ]);
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "web/package-lock.json",
        "{\"lockfileVersion\": 3, \"packages\": {\"node_modules/left-pad\": {\"version\": \"1.3.0\"}, \"node_modules/openai-helper-pro\": {\"version\": \"0.0.1\"}}}\n",
    );
    write(d.path(), "py/requirements.txt", "torch==1.12.0\n");
    let r = scan_with(d.path(), Advisories::with_imported(db));
    let npm: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule_id == "DEP002")
        .collect();
    assert_eq!(npm.len(), 1, "aliases are one finding: {npm:#?}");
    assert_eq!(npm[0].properties["advisory_id"], "GHSA-aaaa-bbbb-cccc");
    assert_eq!(npm[0].severity, aispm_core::Severity::High);
    assert!(
        npm[0].properties["advisory_db"]
            .as_str()
            .unwrap()
            .starts_with("imported from test export")
    );
    let aliases = npm[0].properties["aliases"].as_array().unwrap();
    assert!(aliases.iter().any(|a| a == "OTHER-2099-1"));
    assert_eq!(count(&r, "DEP005", "openai-helper-pro"), 1);
    // PyPI still comes from the bundled snapshot.
    let torch = r.findings.iter().find(|f| f.rule_id == "DEP001").unwrap();
    assert!(
        torch.properties["advisory_db"]
            .as_str()
            .unwrap()
            .starts_with("bundled")
    );
}

#[test]
fn reports_are_deterministic() {
    let d = tempfile::tempdir().unwrap();
    for i in 0..12 {
        write(
            d.path(),
            &format!("p{i}/requirements.txt"),
            "langchain>=0.0.100\ngradio\ntorch==1.12.0\n",
        );
    }
    let a = scan(d.path());
    let b = scan(d.path());
    let strip =
        |r: &ScanReport| serde_json::to_string(&(&r.findings, &r.assets, &r.errors)).unwrap();
    assert_eq!(strip(&a), strip(&b));
}

fn dep_findings<'a>(r: &'a ScanReport, rule: &str) -> Vec<&'a aispm_core::Finding> {
    r.findings.iter().filter(|f| f.rule_id == rule).collect()
}

#[test]
fn a_uv_workspace_root_lock_covers_its_members() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    write(
        p,
        "pyproject.toml",
        "[project]\nname = \"root\"\ndependencies = []\n[tool.uv.workspace]\nmembers = [\"libs/*\"]\nexclude = [\"libs/legacy\"]\n",
    );
    write(
        p,
        "uv.lock",
        "version = 1\n[manifest]\nmembers = [\"root\", \"agent\", \"helpers\"]\n\n[[package]]\nname = \"agent\"\nversion = \"0.1.0\"\nsource = { editable = \"libs/agent\" }\n\n[[package]]\nname = \"helpers\"\nversion = \"0.1.0\"\nsource = { editable = \"libs/helpers\" }\n\n[[package]]\nname = \"langchain\"\nversion = \"0.3.1\"\nsource = { registry = \"https://pypi.org/simple\" }\n",
    );
    // A member: langchain is locked at the root, helpers is a workspace package,
    // openai is in no lock.
    write(
        p,
        "libs/agent/pyproject.toml",
        "[project]\nname = \"agent\"\ndependencies = [\"langchain>=0.0.200\", \"helpers\", \"openai>=1.0\"]\n[tool.uv.sources]\nhelpers = { workspace = true }\n",
    );
    // Excluded from the workspace, and a folder that is no member: not covered.
    write(
        p,
        "libs/legacy/pyproject.toml",
        "[project]\nname = \"legacy\"\ndependencies = [\"langchain>=0.0.200\"]\n",
    );
    write(p, "scripts/requirements.txt", "langchain>=0.0.200\n");
    let r = scan(p);
    assert_eq!(r.stats.errors, 0, "{:#?}", r.errors);
    let f = findings(&r);
    let member = |rule: &str, pkg: &str| {
        f.contains(&(
            rule.to_string(),
            "libs/agent/pyproject.toml".into(),
            pkg.to_string(),
        ))
    };
    assert!(
        !member("DEP004", "langchain") && !member("DEP003", "langchain"),
        "{f:?}"
    );
    assert!(!member("DEP004", "helpers"), "{f:?}");
    assert!(member("DEP004", "openai"), "{f:?}");
    for outside in ["libs/legacy/pyproject.toml", "scripts/requirements.txt"] {
        assert!(
            f.contains(&("DEP004".into(), outside.into(), "langchain".into())),
            "{outside} is not covered: {f:?}"
        );
    }
    let asset = r
        .assets
        .iter()
        .find(|a| a.path == "libs/agent/pyproject.toml" && a.properties["package"] == "langchain")
        .unwrap();
    assert_eq!(asset.properties["locked_version"], "0.3.1");
    assert_eq!(asset.properties["lock_file"], "uv.lock");
}

#[test]
fn a_package_naming_itself_in_its_extras_is_no_dependency() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "pyproject.toml",
        "[project]\nname = \"langgraph\"\ndependencies = [\"openai\"]\n[project.optional-dependencies]\naws = [\"boto3\"]\nall = [\"langgraph[aws]\"]\n",
    );
    write(
        d.path(),
        "web/package.json",
        r#"{"name": "ai", "devDependencies": {"ai": "*", "openai": "^4"}}"#,
    );
    let r = scan(d.path());
    let f = findings(&r);
    assert!(f.contains(&("DEP004".into(), "pyproject.toml".into(), "openai".into())));
    assert!(
        !f.iter().any(|(_, _, p)| p == "langgraph" || p == "ai"),
        "{f:?}"
    );
}

#[test]
fn npm_and_pnpm_workspace_root_locks_cover_their_members() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // npm: the root declares `workspaces`, the lock records member folders and links.
    write(
        p,
        "web/package.json",
        r#"{"name": "root", "workspaces": ["packages/*"], "dependencies": {"@me/server": "*"}}"#,
    );
    write(
        p,
        "web/package-lock.json",
        r#"{"lockfileVersion": 3, "packages": {
  "": {"name": "root", "workspaces": ["packages/*"]},
  "node_modules/@me/server": {"resolved": "packages/server", "link": true},
  "node_modules/openai": {"version": "4.20.1"},
  "packages/server": {"name": "@me/server", "version": "1.0.0", "dependencies": {"openai": "^4.20.0"}}
}}"#,
    );
    write(
        p,
        "web/packages/server/package.json",
        r#"{"name": "@me/server", "dependencies": {"openai": "^4.20.0", "ai": "^3.0.0"}}"#,
    );
    // pnpm: the lock's importers are the members.
    write(
        p,
        "mono/pnpm-lock.yaml",
        "lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/chat:\n    dependencies:\n      ai:\n        specifier: ^3.0.0\n        version: 3.0.1\npackages:\n  ai@3.0.1:\n    resolution: {integrity: x}\n",
    );
    write(
        p,
        "mono/apps/chat/package.json",
        r#"{"dependencies": {"ai": "^3.0.0"}}"#,
    );
    let r = scan(p);
    assert_eq!(r.stats.errors, 0, "{:#?}", r.errors);
    let f = findings(&r);
    let dep4: Vec<_> = f.iter().filter(|(rule, _, _)| rule == "DEP004").collect();
    // Only `ai`, which the npm lock does not hold, is unpinned.
    assert_eq!(
        dep4,
        vec![&(
            "DEP004".to_string(),
            "web/packages/server/package.json".to_string(),
            "ai".to_string()
        )],
        "{f:?}"
    );
}

#[test]
fn one_dep004_per_manifest_lists_its_packages() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "requirements.txt",
        "openai\nrequests>=2.31\nlangchain>=0.3\ntransformers\nopenai\n",
    );
    let r = scan(d.path());
    let dep4 = dep_findings(&r, "DEP004");
    assert_eq!(dep4.len(), 1, "{dep4:#?}");
    let f = dep4[0];
    assert_eq!(
        f.properties["packages"],
        serde_json::json!(["openai", "langchain", "transformers"])
    );
    assert_eq!(f.line, Some(1));
    assert_eq!(f.end_line, Some(5));
    assert!(
        f.message.starts_with("3 AI packages are not pinned"),
        "{}",
        f.message
    );
    assert!(!f.properties.contains_key("package"));
    assert_eq!(f.severity, aispm_core::Severity::Low);
}

#[test]
fn dep005_is_critical_for_a_pinned_or_locked_release_and_low_for_a_range() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    write(p, "pinned/requirements.txt", "litellm==1.82.8\n");
    write(
        p,
        "locked/uv.lock",
        "version = 1\n[[package]]\nname = \"litellm\"\nversion = \"1.82.7\"\nsource = { registry = \"https://pypi.org/simple\" }\n",
    );
    write(p, "floor/requirements.txt", "litellm>=1.55.6\n");
    write(p, "bare/requirements.txt", "litellm\n");
    write(p, "clean/requirements.txt", "litellm>=1.83\n");
    write(p, "every/requirements.txt", "torchtriton\n");
    let r = scan(p);
    let by_path = |path: &str| {
        dep_findings(&r, "DEP005")
            .into_iter()
            .filter(|f| f.path == path)
            .map(|f| {
                (
                    f.severity,
                    f.properties["match"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    use aispm_core::Severity::{Critical, Info};
    assert_eq!(
        by_path("pinned/requirements.txt"),
        vec![(Critical, "version".into())]
    );
    assert_eq!(
        by_path("locked/uv.lock"),
        vec![(Critical, "version".into())]
    );
    assert_eq!(
        by_path("floor/requirements.txt"),
        vec![(Info, "range-admits".into())]
    );
    assert_eq!(
        by_path("bare/requirements.txt"),
        vec![(Info, "range-admits".into())]
    );
    assert!(by_path("clean/requirements.txt").is_empty());
    assert_eq!(
        by_path("every/requirements.txt"),
        vec![(Critical, "every-admitted-version".into())]
    );
    let low = dep_findings(&r, "DEP005")
        .into_iter()
        .find(|f| f.path == "floor/requirements.txt")
        .unwrap();
    assert!(low.message.contains("1.82.7, 1.82.8"), "{}", low.message);
    assert!(
        low.message.contains("pin or lock a clean version"),
        "{}",
        low.message
    );
}

#[test]
fn open_ranges_trust_the_version_list_and_no_fix_is_never_critical() {
    let db = imported(&[
        // Open from 0 with a list: only listed versions are affected; CVSS 9.8.
        r#"{"id": "PYSEC-2099-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "listed"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}], "versions": ["1.0", "1.1"]}], "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}"#,
        // Open from 0, no fix, no list: reads as every release affected.
        r#"{"id": "PYSEC-2099-2", "affected": [{"package": {"ecosystem": "PyPI", "name": "everything"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}], "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}"#,
        // Open from a real version, no list: plausible (unfixed), but not critical.
        r#"{"id": "PYSEC-2099-3", "affected": [{"package": {"ecosystem": "PyPI", "name": "unfixed"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}]}]}], "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}"#,
    ]);
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "requirements.txt",
        "listed==1.1\neverything==3.0\nunfixed==2.5\n",
    );
    write(d.path(), "later/requirements.txt", "listed==1.2\n");
    let r = scan_with(d.path(), Advisories::with_imported(db));
    let dep2 = dep_findings(&r, "DEP002");
    let sev = |pkg: &str| {
        dep2.iter()
            .filter(|f| f.properties["package"] == pkg)
            .map(|f| (f.path.as_str(), f.severity))
            .collect::<Vec<_>>()
    };
    use aispm_core::Severity::{High, Low};
    assert_eq!(sev("listed"), vec![("requirements.txt", High)]);
    assert_eq!(sev("everything"), vec![("requirements.txt", Low)]);
    assert_eq!(sev("unfixed"), vec![("requirements.txt", High)]);
    let every = dep2
        .iter()
        .find(|f| f.properties["package"] == "everything")
        .unwrap();
    assert!(
        every.properties["severity_adjusted"]
            .as_str()
            .unwrap()
            .contains("every release")
    );
    // A range over an every-version record is the same low finding, not a high one.
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "requirements.txt", "everything>=1\n");
    let r = scan_with(
        d.path(),
        Advisories::with_imported(imported(&[
            r#"{"id": "PYSEC-2099-2", "affected": [{"package": {"ecosystem": "PyPI", "name": "everything"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}"#,
        ])),
    );
    let dep2 = dep_findings(&r, "DEP002");
    assert_eq!(dep2.len(), 1);
    assert_eq!(dep2[0].severity, Low);
}

#[test]
fn the_bundled_records_with_open_ranges_no_longer_match_later_releases() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "uv.lock",
        "version = 1\n[[package]]\nname = \"langchain-experimental\"\nversion = \"0.3.4\"\nsource = { registry = \"https://pypi.org/simple\" }\n[[package]]\nname = \"couchbase\"\nversion = \"4.6.1\"\nsource = { registry = \"https://pypi.org/simple\" }\n",
    );
    write(
        d.path(),
        "app/requirements.txt",
        "datasette==0.65.1\ncouchbase>=4.6.0\n",
    );
    write(
        d.path(),
        "old/requirements.txt",
        "langchain-experimental==0.0.14\n",
    );
    let r = scan(d.path());
    let f = findings(&r);
    assert!(
        !f.iter()
            .any(|(rule, path, _)| (rule == "DEP001" || rule == "DEP002")
                && path != "old/requirements.txt"),
        "{f:?}"
    );
    // A listed version is still affected; no fix is listed, so high, not critical.
    let old = r
        .findings
        .iter()
        .find(|f| f.properties["advisory_id"] == "PYSEC-2023-194")
        .unwrap();
    assert_eq!(old.severity, aispm_core::Severity::High);
}

#[test]
fn a_comment_quoting_a_requirement_is_not_its_location() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\ndependencies = []\n[project.optional-dependencies]\n# nltk!=3.10.1: that release breaks imports\n# (a second comment line)\nmarkdown = [\"markdown\", \"nltk!=3.10.1\"]\n",
    );
    let r = scan(d.path());
    let f = dep_findings(&r, "DEP003");
    assert_eq!(f.len(), 1, "{:#?}", r.findings);
    assert_eq!(f[0].line, Some(7));
}

fn notices_of(r: &ScanReport) -> Vec<(&str, aispm_core::NoticeLevel)> {
    r.notices
        .iter()
        .map(|n| (n.kind.as_str(), n.level))
        .collect()
}

#[test]
fn the_report_states_the_advisory_data_and_warns_when_it_is_old_or_missing() {
    use aispm_core::NoticeLevel::{Info, Warning};
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "requirements.txt", "torch==1.12.0\n");
    let scan_on = |dir: &Path, today: &str| {
        let scanner = Scanner::new(
            vec![Box::new(
                DepsAnalyzer::with_advisories(Advisories::bundled_only()).with_today(today),
            )],
            ScanOptions::default(),
        )
        .unwrap();
        scanner.scan(&[dir.to_path_buf()], None)
    };
    let date = AdvisoryDb::bundled().meta.date.clone();
    assert_eq!(date, "2024-10-10");
    // 22 days after the snapshot: stated, not stale.
    let r = scan_on(d.path(), "2024-11-01");
    assert_eq!(notices_of(&r), vec![("advisory-data", Info)]);
    let n = &r.notices[0];
    assert!(
        n.message.contains("PyPI: bundled snapshot"),
        "{}",
        n.message
    );
    assert!(n.message.contains("2024-10-10"), "{}", n.message);
    assert_eq!(n.data["ecosystems"]["PyPI"]["date"], "2024-10-10");
    assert_eq!(n.data["ecosystems"]["PyPI"]["age_days"], 22);
    assert!(
        n.data["ecosystems"].get("npm").is_none(),
        "no npm manifest was seen"
    );
    // 91 days after: a warning that says how to refresh.
    let r = scan_on(d.path(), "2025-01-09");
    assert_eq!(
        notices_of(&r),
        vec![("advisory-data-stale", Warning), ("advisory-data", Info)]
    );
    let w = &r.notices[0];
    assert!(w.message.contains("91 days old"), "{}", w.message);
    assert!(w.message.contains("aispm db import"), "{}", w.message);
    // npm manifests with no npm data: said, not implied.
    write(
        d.path(),
        "web/package.json",
        r#"{"dependencies": {"openai": "4.20.1"}}"#,
    );
    let r = scan_on(d.path(), "2024-11-01");
    assert_eq!(
        notices_of(&r),
        vec![("advisory-data-missing", Warning), ("advisory-data", Info)]
    );
    assert!(
        r.notices[0]
            .message
            .starts_with("npm dependencies were not checked")
    );
    assert!(r.notices[1].data["ecosystems"]["npm"].is_null());
    // No dependency at all: nothing to say.
    let empty = tempfile::tempdir().unwrap();
    write(empty.path(), "README.md", "# nothing\n");
    assert!(scan_on(empty.path(), "2030-01-01").notices.is_empty());
}

/// Workspace member patterns past the cap are not kept; a limit record counts them.
#[test]
fn workspace_members_past_the_cap_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let members: Vec<String> = (0..aispm_deps::manifest::MAX_MEMBERS + 4)
        .map(|i| format!("\"packages/p{i}\""))
        .collect();
    write(
        dir.path(),
        "package.json",
        &format!(
            r#"{{"name": "root", "workspaces": [{}], "dependencies": {{"openai": "4.0.0"}}}}"#,
            members.join(",")
        ),
    );
    let r = scan(dir.path());
    let limits: Vec<&str> = r
        .errors
        .iter()
        .filter(|e| e.kind == aispm_core::ErrorKind::Limit)
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(limits.len(), 1, "{:#?}", r.errors);
    assert!(
        limits[0].starts_with("4 workspace member patterns past the first 4096"),
        "{limits:?}"
    );
    assert_eq!(r.stats.limits_hit, 1);
}

#[test]
fn a_manifest_past_the_entry_cap_is_a_limit_not_a_parse_error() {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (0..aispm_deps::manifest::MAX_ENTRIES + 1)
        .map(|i| format!("pkg{i}==1.0\n"))
        .collect();
    write(dir.path(), "requirements.txt", &lines);
    let r = scan(dir.path());
    let limits: Vec<&str> = r
        .errors
        .iter()
        .filter(|e| e.kind == aispm_core::ErrorKind::Limit)
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(limits.len(), 1, "{:#?}", r.errors);
    assert!(limits[0].contains("more than 200000 entries"), "{limits:?}");
    assert_eq!(r.stats.limits_hit, 1);
}

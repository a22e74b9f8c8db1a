//! Git history scanning end to end on small repositories built with the `git` command
//! (fixtures only; the engine reads them with gix): provenance of findings removed from
//! the tip, no duplicates for content still at the tip, deduplication across branches,
//! tags, detached HEAD, empty repositories, limits, submodules and sub-folder roots.

use aispm_core::framework::LLM02;
use aispm_core::{
    AnalysisContext, AnalysisError, Analyzer, Category, ErrorKind, FileInput, RawFinding, Rule,
    ScanReport, Severity, SuppressionKind,
};
use aispm_engine::{Limits, ScanOptions, Scanner};

mod common;
use common::{Repo, git_available};
use std::path::{Path, PathBuf};
use std::process::Command;

static MARKER: Rule = Rule {
    id: "TST101",
    name: "marker",
    title: "A marker string",
    category: Category::Secret,
    severity: Severity::High,
    what: "Reports `SECRET-` tokens.",
    why: "Test rule.",
    example: "SECRET-abc",
    remediation: "Remove it.",
    controls: &[LLM02],
};
static NOTE: Rule = Rule {
    id: "TST102",
    name: "note",
    title: "A note",
    severity: Severity::Low,
    ..MARKER
};
static MARKER_RULES: &[&Rule] = &[&MARKER];
static NOTE_RULES: &[&Rule] = &[&NOTE];

/// Reports every `SECRET-…` token, keyed by the token; scans history.
struct MarkerAnalyzer;

impl Analyzer for MarkerAnalyzer {
    fn name(&self) -> &'static str {
        "marker"
    }
    fn rules(&self) -> &'static [&'static Rule] {
        MARKER_RULES
    }
    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind.is_text()
    }
    fn scans_history(&self) -> bool {
        true
    }
    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let bytes = file.read_all(1 << 20)?.unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            if let Some(pos) = line.find("SECRET-") {
                let token: String = line[pos..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                cx.report(
                    RawFinding::new(&MARKER, file.path, "marker found")
                        .line(i as u32 + 1)
                        .evidence(token.clone())
                        .key(token),
                );
            }
        }
        Ok(())
    }
}

/// Reports lines with `NOTE`; does not scan history.
struct NoteAnalyzer;

impl Analyzer for NoteAnalyzer {
    fn name(&self) -> &'static str {
        "note"
    }
    fn rules(&self) -> &'static [&'static Rule] {
        NOTE_RULES
    }
    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind.is_text()
    }
    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let bytes = file.read_all(1 << 20)?.unwrap_or_default();
        if String::from_utf8_lossy(&bytes).contains("NOTE") {
            cx.report(RawFinding::new(&NOTE, file.path, "note").evidence("NOTE"));
        }
        Ok(())
    }
}

fn scanner(history: bool, limits: Limits, excludes: Vec<String>) -> Scanner {
    Scanner::new(
        vec![Box::new(MarkerAnalyzer), Box::new(NoteAnalyzer)],
        ScanOptions {
            respect_gitignore: true,
            history,
            limits,
            excludes,
            ..ScanOptions::default()
        },
    )
    .expect("rules register")
}

fn scan(root: &Path, history: bool) -> ScanReport {
    scanner(history, Limits::default(), Vec::new()).scan(&[root.to_path_buf()], None)
}

const ALICE: (&str, &str) = ("Alice Example", "alice@example.invalid");
const BOB: (&str, &str) = ("Bob Example", "bob@example.invalid");

fn markers<'r>(r: &'r ScanReport, token: &str) -> Vec<&'r aispm_core::Finding> {
    r.findings
        .iter()
        .filter(|f| f.rule_id == "TST101" && f.evidence.as_deref() == Some(token))
        .collect()
}

#[test]
fn added_then_removed_is_reported_with_its_commit() {
    if !git_available() {
        return;
    }
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("initial", BOB, "2024-01-01T10:00:00Z");
    repo.write("app/.env", "# config\nTOKEN=SECRET-gone1\n");
    let added = repo.commit("add env", ALICE, "2024-01-02T11:30:00+02:00");
    repo.remove("app/.env");
    repo.commit("remove env", BOB, "2024-01-03T10:00:00Z");

    let without = scan(repo.path(), false);
    assert!(markers(&without, "SECRET-gone1").is_empty());
    assert!(without.stats.history.is_none());
    assert!(without.findings.iter().all(|f| f.history.is_none()));

    let r = scan(repo.path(), true);
    let found = markers(&r, "SECRET-gone1");
    assert_eq!(found.len(), 1, "{:#?}", r.findings);
    let f = found[0];
    assert_eq!(f.path, "app/.env");
    assert_eq!(f.line, Some(2));
    let h = f.history.as_ref().expect("provenance");
    assert_eq!(h.commit, added);
    assert_eq!(h.author, "Alice Example");
    assert_eq!(h.email, "alice@example.invalid");
    assert_eq!(h.date, "2024-01-02T11:30:00+02:00");
    assert_eq!(h.path, "app/.env");
    assert!(!h.in_tip);
    assert!(
        f.message
            .contains("removed from the tip but alive in history"),
        "{}",
        f.message
    );
    assert!(f.message.contains(&added[..7]));
    let stats = r.stats.history.as_ref().expect("history stats");
    assert_eq!(stats.repositories, 1);
    assert_eq!(stats.commits, 3);
    assert_eq!(stats.unique_blobs, 2);
    assert_eq!(stats.blobs_in_tip, 1, "README.md is identical to the tip");
    assert_eq!(stats.blobs_scanned, 1);
    assert!(stats.bytes_read > 0);
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    // The analyzer that does not scan history saw no blob of it.
    assert!(r.findings.iter().all(|f| f.rule_id != "TST102"));
}

#[test]
fn content_still_at_the_tip_is_not_duplicated_and_gets_its_first_commit() {
    if !git_available() {
        return;
    }
    let repo = Repo::new();
    repo.write("config.py", "KEY = 'SECRET-kept'\n");
    let first = repo.commit("add config", ALICE, "2024-02-01T09:00:00Z");
    repo.write("config.py", "KEY = 'SECRET-kept'\nNAME = 'x'\n");
    repo.commit("edit config", BOB, "2024-02-02T09:00:00Z");
    repo.write("notes.txt", "NOTE to self\n");
    let notes = repo.commit("notes", BOB, "2024-02-03T09:00:00Z");

    let plain = scan(repo.path(), false);
    let r = scan(repo.path(), true);
    let found = markers(&r, "SECRET-kept");
    assert_eq!(found.len(), 1, "{:#?}", r.findings);
    let f = found[0];
    // The finding of the scanned tree, unchanged but for its provenance: the commit
    // that first had the secret, not the one that last touched the file.
    let before = markers(&plain, "SECRET-kept")[0];
    assert_eq!(f.fingerprint, before.fingerprint);
    assert_eq!(f.message, before.message);
    let h = f.history.as_ref().expect("provenance");
    assert!(h.in_tip);
    assert_eq!(h.commit, first);
    assert_eq!(h.author, "Alice Example");
    // A finding of an analyzer that does not scan history, in a file identical to its
    // blob, gets the blob's commit.
    let note = r.findings.iter().find(|f| f.rule_id == "TST102").unwrap();
    assert_eq!(note.history.as_ref().unwrap().commit, notes);
    assert_eq!(r.findings.len(), plain.findings.len());
    let stats = r.stats.history.as_ref().unwrap();
    assert_eq!(stats.unique_blobs, 3);
    assert_eq!(stats.blobs_in_tip, 2);
    assert_eq!(stats.blobs_scanned, 1);
}

#[test]
fn uncommitted_removal_counts_as_removed_from_the_tip() {
    if !git_available() {
        return;
    }
    let repo = Repo::new();
    repo.write("a.txt", "SECRET-wt\n");
    let c = repo.commit("add", ALICE, "2024-02-01T09:00:00Z");
    // Deleted in the working tree only: the committed blob still holds it.
    repo.write("a.txt", "clean\n");
    let r = scan(repo.path(), true);
    let found = markers(&r, "SECRET-wt");
    assert_eq!(found.len(), 1);
    let h = found[0].history.as_ref().unwrap();
    assert_eq!((h.commit.as_str(), h.in_tip), (c.as_str(), false));
    assert_eq!(r.stats.history.as_ref().unwrap().blobs_in_tip, 0);
}

#[test]
fn blobs_are_read_once_across_branches_tags_and_detached_head() {
    if !git_available() {
        return;
    }
    let repo = Repo::new();
    repo.write("shared.txt", "SECRET-shared\n");
    let base = repo.commit("base", ALICE, "2024-03-01T00:00:00Z");
    // Two branches add the same content at different paths and times.
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("f/copy.txt", "SECRET-dup\n");
    let feature = repo.commit("feature copy", BOB, "2024-03-03T00:00:00Z");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("m/copy.txt", "SECRET-dup\n");
    let main_copy = repo.commit("main copy", ALICE, "2024-03-02T00:00:00Z");
    // A commit reachable only from an annotated tag.
    repo.git(&["checkout", "-q", "--detach"]);
    repo.write("tagged.txt", "SECRET-tag\n");
    let tagged = repo.commit("tagged", BOB, "2024-03-04T00:00:00Z");
    repo.git(&["tag", "-a", "v1", "-m", "release"]);
    // A commit reachable only from the detached HEAD.
    repo.git(&["checkout", "-q", &main_copy]);
    repo.write("detached.txt", "SECRET-head\n");
    let detached = repo.commit("detached", ALICE, "2024-03-05T00:00:00Z");
    // Leave the work tree at main's content, HEAD detached on `detached`.
    repo.git(&["rm", "-q", "detached.txt"]);

    let r = scan(repo.path(), true);
    let commit_of = |token: &str| {
        let found = markers(&r, token);
        assert_eq!(found.len(), 1, "{token}: {:#?}", r.findings);
        found[0].history.clone().expect("provenance")
    };
    let dup = commit_of("SECRET-dup");
    // Identical content on two branches is one blob, credited to the earlier commit.
    assert_eq!(dup.commit, main_copy);
    assert_eq!(dup.path, "m/copy.txt");
    assert!(dup.in_tip, "m/copy.txt is in the work tree");
    assert_ne!(dup.commit, feature);
    let shared = commit_of("SECRET-shared");
    assert_eq!(
        (shared.commit.as_str(), shared.in_tip),
        (base.as_str(), true)
    );
    let tag = commit_of("SECRET-tag");
    assert_eq!((tag.commit.as_str(), tag.in_tip), (tagged.as_str(), false));
    let head = commit_of("SECRET-head");
    assert_eq!(
        (head.commit.as_str(), head.in_tip),
        (detached.as_str(), false)
    );
    let stats = r.stats.history.as_ref().unwrap();
    assert_eq!(stats.commits, 5);
    // shared.txt, the copy (once), tagged.txt, detached.txt.
    assert_eq!(stats.unique_blobs, 4);
    assert!(r.errors.is_empty(), "{:#?}", r.errors);

    // The same input gives the same report.
    let again = scan(repo.path(), true);
    assert_eq!(
        serde_json::to_value(&again.findings).unwrap(),
        serde_json::to_value(&r.findings).unwrap()
    );
    // History fingerprints are distinct from the tip's and stable.
    let fps: std::collections::HashSet<&str> =
        r.findings.iter().map(|f| f.fingerprint.as_str()).collect();
    assert_eq!(fps.len(), r.findings.len());
}

#[test]
fn empty_repository_and_no_repository() {
    if !git_available() {
        return;
    }
    let repo = Repo::new();
    repo.write("draft.txt", "SECRET-draft\n");
    let r = scan(repo.path(), true);
    let stats = r.stats.history.as_ref().unwrap();
    assert_eq!((stats.repositories, stats.refs, stats.commits), (1, 0, 0));
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    // The untracked file is scanned as usual, without provenance.
    let found = markers(&r, "SECRET-draft");
    assert_eq!(found.len(), 1);
    assert!(found[0].history.is_none());

    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("x.txt"), "SECRET-x\n").unwrap();
    // A temporary folder may sit inside a repository on some machines; only check the
    // error when discovery really finds none.
    let r = scan(plain.path(), true);
    if r.stats.history.as_ref().unwrap().repositories == 0 {
        assert!(
            r.errors
                .iter()
                .any(|e| e.stage.as_deref() == Some("history")
                    && e.message.contains("not inside a git repository")),
            "{:#?}",
            r.errors
        );
    }
    assert_eq!(markers(&r, "SECRET-x").len(), 1);
}

#[test]
fn limits_submodules_excludes_and_inline_comments() {
    if !git_available() {
        return;
    }
    let repo = Repo::new();
    repo.write(
        "big/data.txt",
        &format!("SECRET-big\n{}\n", "x".repeat(4096)),
    );
    repo.write("vendor/lib.txt", "SECRET-vendored\n");
    repo.write(
        "ignored.txt",
        "TOKEN=SECRET-fixture  # aispm:ignore TST101 test fixture\n",
    );
    let c = repo.commit("add", ALICE, "2024-04-01T00:00:00Z");
    // A gitlink (submodule entry) pointing at some commit.
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{c},modules/sub"),
    ]);
    repo.git_with(&["commit", "-q", "-m", "sub"], BOB, "2024-04-02T00:00:00Z");
    for p in ["big/data.txt", "vendor/lib.txt", "ignored.txt"] {
        repo.remove(p);
    }
    repo.commit("clean", BOB, "2024-04-03T00:00:00Z");

    let limits = Limits {
        max_member_in_memory: 1024,
        ..Limits::default()
    };
    let r = scanner(true, limits, vec!["vendor/**".into()]).scan(&[repo.path().into()], None);
    assert!(markers(&r, "SECRET-big").is_empty());
    let big = r
        .errors
        .iter()
        .find(|e| e.path == "big/data.txt")
        .unwrap_or_else(|| panic!("{:#?}", r.errors));
    assert_eq!(big.kind, ErrorKind::Limit);
    assert!(big.message.contains(&c[..7]), "{}", big.message);
    assert!(big.message.contains("max_member_in_memory"));
    assert!(markers(&r, "SECRET-vendored").is_empty(), "excluded path");
    let sub = r
        .errors
        .iter()
        .find(|e| e.path == "modules/sub")
        .unwrap_or_else(|| panic!("{:#?}", r.errors));
    assert_eq!(sub.kind, ErrorKind::Unsupported);
    assert_eq!(r.stats.history.as_ref().unwrap().submodules, 1);
    // The inline comment in the old blob suppresses the finding there.
    assert!(markers(&r, "SECRET-fixture").is_empty());
    let s = r
        .suppressed
        .iter()
        .find(|s| s.finding.evidence.as_deref() == Some("SECRET-fixture"))
        .expect("suppressed, not lost");
    assert_eq!(s.suppression.kind, SuppressionKind::Inline);
    assert!(s.finding.history.is_some());
}

#[test]
fn a_sub_folder_root_scans_the_history_of_that_folder() {
    if !git_available() {
        return;
    }
    let repo = Repo::new();
    repo.write("svc/app/.env", "SECRET-in-svc\n");
    repo.write("other/.env", "SECRET-elsewhere\n");
    let c = repo.commit("add", ALICE, "2024-05-01T00:00:00Z");
    repo.remove("svc/app/.env");
    repo.remove("other/.env");
    repo.write("svc/keep.txt", "ok\n");
    repo.commit("clean", BOB, "2024-05-02T00:00:00Z");

    let root: PathBuf = repo.path().join("svc");
    let r = scan(&root, true);
    let found = markers(&r, "SECRET-in-svc");
    assert_eq!(found.len(), 1, "{:#?}", r.findings);
    assert_eq!(
        found[0].path, "app/.env",
        "relative to the root, as the walk writes it"
    );
    let h = found[0].history.as_ref().unwrap();
    assert_eq!(h.path, "svc/app/.env", "relative to the repository");
    assert_eq!(h.commit, c);
    assert!(markers(&r, "SECRET-elsewhere").is_empty());
}

#[test]
fn shallow_and_partial_clones_say_what_they_miss() {
    if !git_available() {
        return;
    }
    let src = Repo::new();
    src.write("a.txt", "SECRET-old\n");
    src.commit("one", ALICE, "2024-06-01T00:00:00Z");
    src.write("a.txt", "clean\n");
    src.commit("two", BOB, "2024-06-02T00:00:00Z");
    src.write("b.txt", "more\n");
    src.commit("three", BOB, "2024-06-03T00:00:00Z");
    src.git(&["config", "uploadpack.allowFilter", "true"]);
    let url = format!("file://{}", src.path().display());

    let dst = tempfile::tempdir().unwrap();
    let clone = |dir: &str, extra: &[&str]| -> PathBuf {
        let to = dst.path().join(dir);
        let out = Command::new("git")
            .arg("clone")
            .arg("-q")
            .args(extra)
            .arg(&url)
            .arg(&to)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        to
    };

    let shallow = clone("shallow", &["--depth", "1"]);
    let r = scan(&shallow, true);
    assert_eq!(r.stats.history.as_ref().unwrap().commits, 1);
    assert!(
        r.errors.iter().any(|e| e.message.contains("shallow clone")),
        "{:#?}",
        r.errors
    );
    assert!(markers(&r, "SECRET-old").is_empty());

    let partial = clone("partial", &["--filter=blob:none"]);
    let r = scan(&partial, true);
    assert_eq!(r.stats.history.as_ref().unwrap().commits, 3);
    assert!(
        r.errors.iter().any(|e| e
            .message
            .contains("not in the object database (partial clone)")),
        "{:#?}",
        r.errors
    );
}

#[test]
fn archives_in_history_are_opened_for_the_history_analyzers_only() {
    if !git_available() {
        return;
    }
    let repo = Repo::new();
    let zip = aispm_fixtures::zip_of(&[
        ("config/.env", b"TOKEN=SECRET-zipped\n"),
        ("../../evil.txt", b"NOTE outside\n"),
    ]);
    let p = repo.path().join("bundle.zip");
    std::fs::write(&p, &zip).unwrap();
    let c = repo.commit("add archive", ALICE, "2024-07-01T00:00:00Z");
    std::fs::remove_file(&p).unwrap();
    repo.commit("remove archive", BOB, "2024-07-02T00:00:00Z");

    let r = scan(repo.path(), true);
    let found = markers(&r, "SECRET-zipped");
    assert_eq!(found.len(), 1, "{:#?}", r.findings);
    assert_eq!(found[0].path, "bundle.zip!config/.env");
    let h = found[0].history.as_ref().unwrap();
    assert_eq!(
        (h.commit.as_str(), h.path.as_str()),
        (c.as_str(), "bundle.zip")
    );
    // Neither the engine's archive rules nor analyzers that do not scan history
    // report on the old archive.
    assert!(
        r.findings.iter().all(|f| f.rule_id == "TST101"),
        "{:#?}",
        r.findings
    );
}

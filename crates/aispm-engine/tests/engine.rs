//! Engine behaviour end to end with a test analyzer: dispatch, archive recursion and
//! its limits, hostile trees, suppressions and baselines.

use aispm_core::framework::LLM03;
use aispm_core::{
    AnalysisContext, AnalysisError, Analyzer, Asset, AssetKind, Category, ErrorKind, FileInput,
    FileKind, RawFinding, Rule, ScanReport, Severity, SuppressionKind,
};
use aispm_engine::{Baseline, Limits, PathIgnore, ScanOptions, Scanner, SelectionOptions};
use std::path::{Path, PathBuf};

mod common;
use common::{Repo, git_available};

static BAD_LINE: Rule = Rule {
    id: "TST001",
    name: "bad-line",
    title: "A line says BAD",
    category: Category::Code,
    severity: Severity::High,
    what: "Reports lines containing BAD.",
    why: "Test rule.",
    example: "BAD",
    remediation: "Remove BAD.",
    controls: &[LLM03],
};
static PICKLE_SEEN: Rule = Rule {
    id: "TST002",
    name: "pickle-seen",
    title: "A pickle was seen",
    severity: Severity::Medium,
    ..BAD_LINE
};
static RULES: &[&Rule] = &[&BAD_LINE, &PICKLE_SEEN];

/// Reports `TST001` on every text line containing `BAD`, `TST002` on every pickle,
/// and records pickles as model assets.
struct TestAnalyzer;

impl Analyzer for TestAnalyzer {
    fn name(&self) -> &'static str {
        "test"
    }
    fn rules(&self) -> &'static [&'static Rule] {
        RULES
    }
    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind.is_text() || file.kind == FileKind::Pickle
    }
    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        if file.kind == FileKind::Pickle {
            cx.report(
                RawFinding::new(&PICKLE_SEEN, file.path, "pickle").evidence(file.file_name()),
            );
            cx.asset(Asset::new(AssetKind::Model, file.path, "", "pickle"));
            return Ok(());
        }
        let bytes = file.read_all(1 << 20)?.unwrap_or_default();
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if line.windows(3).any(|w| w == b"BAD") {
                cx.report(
                    RawFinding::new(&BAD_LINE, file.path, "bad line")
                        .line(i as u32 + 1)
                        .evidence(String::from_utf8_lossy(line).trim().to_string()),
                );
            }
        }
        Ok(())
    }
}

fn scan_with(root: &Path, opts: ScanOptions) -> ScanReport {
    let scanner = Scanner::new(vec![Box::new(TestAnalyzer)], opts).expect("rules register");
    scanner.scan(&[root.to_path_buf()], None)
}

fn scan(root: &Path) -> ScanReport {
    scan_with(
        root,
        ScanOptions {
            respect_gitignore: true,
            ..ScanOptions::default()
        },
    )
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

fn rule_paths(r: &ScanReport, rule: &str) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| f.path.clone())
        .collect()
}

const PICKLE: &[u8] = b"\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00}\x94.";

#[test]
fn types_by_content_and_walks_hidden_ai_folders() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "notes.txt", b"ok\nBAD here\n");
    write(d.path(), "weights.jpg", PICKLE);
    write(
        d.path(),
        ".cache/huggingface/hub/models--a--b/blobs/0123",
        PICKLE,
    );
    write(d.path(), ".git/objects/xx", b"BAD");
    let r = scan(d.path());
    assert_eq!(rule_paths(&r, "TST001"), vec!["notes.txt"]);
    assert_eq!(
        r.findings
            .iter()
            .find(|f| f.rule_id == "TST001")
            .unwrap()
            .line,
        Some(2)
    );
    let mut pickles = rule_paths(&r, "TST002");
    pickles.sort();
    assert_eq!(
        pickles,
        vec![
            ".cache/huggingface/hub/models--a--b/blobs/0123",
            "weights.jpg"
        ]
    );
    // Assets get their digest and size from the engine.
    let a = r.assets.iter().find(|a| a.path == "weights.jpg").unwrap();
    assert_eq!(a.size, PICKLE.len() as u64);
    assert_eq!(a.sha256.len(), 64);
    // Findings link to the asset at their path.
    let f = r.findings.iter().find(|f| f.path == "weights.jpg").unwrap();
    assert_eq!(f.asset_id.as_deref(), Some(a.id.as_str()));
}

#[test]
fn respects_gitignore_and_aispmignore_and_excludes() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), ".gitignore", b"ignored/\n");
    write(d.path(), ".aispmignore", b"vendor/\n");
    write(d.path(), "ignored/a.txt", b"BAD");
    write(d.path(), "vendor/b.txt", b"BAD");
    write(d.path(), "skip/c.txt", b"BAD");
    write(d.path(), "kept/d.txt", b"BAD");
    let r = scan_with(
        d.path(),
        ScanOptions {
            respect_gitignore: true,
            excludes: vec!["skip/**".into()],
            ..ScanOptions::default()
        },
    );
    assert_eq!(rule_paths(&r, "TST001"), vec!["kept/d.txt"]);
    let r = scan_with(d.path(), ScanOptions::default());
    assert_eq!(
        rule_paths(&r, "TST001").len(),
        3,
        "without gitignore only .aispmignore applies"
    );
    // A root the user names is scanned even when an enclosing .gitignore ignores it.
    let r = scan(&d.path().join("ignored"));
    assert_eq!(rule_paths(&r, "TST001"), vec!["a.txt"]);
}

/// Git's rule: ignore patterns apply to untracked files only. Tracked files are
/// scanned whatever `.gitignore` says (an ignored folder is entered for them alone);
/// untracked ignored files stay out; every skip is counted by reason.
#[test]
fn tracked_files_are_scanned_whatever_gitignore_says() {
    if !git_available() {
        return;
    }
    let repo = Repo::new();
    repo.write(".gitignore", "extensions/\n*.log\nbuild/\n");
    repo.write(".aispmignore", "vendor/\n");
    repo.write("lib/.gitignore", "gen/\n");
    for tracked in [
        "extensions/tracked.txt",
        "notes.log",
        "vendor/v.txt",
        "lib/gen/g.txt",
    ] {
        repo.write(tracked, "BAD\n");
        repo.git(&["add", "-f", tracked]);
    }
    repo.write("kept.txt", "BAD\n");
    repo.commit(
        "init",
        ("Test Bot", "bot@example.invalid"),
        "2024-01-01T00:00:00Z",
    );
    for untracked in [
        "extensions/untracked.txt",
        "extensions/deeper/new.txt",
        "build/out.txt",
        "scratch.log",
        "skip/s.txt",
        "lib/gen/u.txt",
        "lib/fresh.txt",
    ] {
        repo.write(untracked, "BAD\n");
    }
    let opts = || ScanOptions {
        respect_gitignore: true,
        excludes: vec!["skip/".into()],
        ..ScanOptions::default()
    };
    let r = scan_with(repo.path(), opts());
    let mut paths = rule_paths(&r, "TST001");
    paths.sort();
    assert_eq!(
        paths,
        [
            "extensions/tracked.txt",
            "kept.txt",
            "lib/fresh.txt",
            "lib/gen/g.txt",
            "notes.log"
        ]
    );
    // Tracked and matched: extensions/tracked.txt, notes.log, lib/gen/g.txt.
    assert_eq!(r.stats.tracked_gitignored, 3);
    // Untracked and ignored: extensions/untracked.txt, extensions/deeper, build,
    // scratch.log, lib/gen/u.txt (a folder counts once).
    assert_eq!(r.stats.skipped_gitignored, 5);
    // vendor (by .aispmignore, tracked or not) and skip (by --exclude).
    assert_eq!(r.stats.skipped_excluded, 2);
    assert!(r.errors.is_empty(), "{:?}", r.errors);

    // A sub-folder root finds its files in the index under its own path.
    let r = scan_with(&repo.path().join("lib"), opts());
    let mut paths = rule_paths(&r, "TST001");
    paths.sort();
    assert_eq!(paths, ["fresh.txt", "gen/g.txt"]);
    assert_eq!(r.stats.tracked_gitignored, 1);
    assert_eq!(r.stats.skipped_gitignored, 1);

    // Without .gitignore every file but the excluded ones is scanned.
    let r = scan_with(
        repo.path(),
        ScanOptions {
            respect_gitignore: false,
            ..opts()
        },
    );
    assert_eq!(rule_paths(&r, "TST001").len(), 10);
    assert_eq!(r.stats.skipped_gitignored + r.stats.tracked_gitignored, 0);
}

/// An analyzer without rules that records every text file as an asset, like the
/// inventory.
struct AssetsOnly;

impl Analyzer for AssetsOnly {
    fn name(&self) -> &'static str {
        "assets"
    }
    fn rules(&self) -> &'static [&'static Rule] {
        &[]
    }
    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind.is_text()
    }
    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        cx.asset(Asset::new(AssetKind::Prompt, file.path, "", "text"));
        Ok(())
    }
}

#[test]
fn analyzers_the_selection_leaves_nothing_to_report_do_not_run() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.txt", b"BAD\n");
    let run = |select: &[&str], ignore: &[&str]| {
        let opts = ScanOptions {
            selection: SelectionOptions {
                select: select.iter().map(|s| s.to_string()).collect(),
                ignore: ignore.iter().map(|s| s.to_string()).collect(),
                ..SelectionOptions::default()
            },
            ..ScanOptions::default()
        };
        Scanner::new(vec![Box::new(TestAnalyzer), Box::new(AssetsOnly)], opts)
            .expect("rules register")
            .scan(&[d.path().to_path_buf()], None)
    };
    let r = run(&[], &[]);
    assert_eq!((r.findings.len(), r.assets.len()), (1, 1));
    assert!(r.stats.analyzers_not_run.is_empty());
    // Selecting a rule: its analyzer runs, the rule-less one does not.
    let r = run(&["TST001"], &[]);
    assert_eq!((r.findings.len(), r.assets.len()), (1, 0));
    assert_eq!(r.stats.analyzers_not_run, ["assets"]);
    // Selecting another analyzer's rules: this one does not run at all, so nothing
    // of it is even suppressed.
    let r = run(&["MDL"], &[]);
    assert_eq!((r.findings.len(), r.suppressed.len()), (0, 0));
    assert_eq!(r.stats.analyzers_not_run, ["test", "assets"]);
    // Ignoring every rule of an analyzer: same; the inventory still runs.
    let r = run(&[], &["TST"]);
    assert_eq!(
        (r.findings.len(), r.suppressed.len(), r.assets.len()),
        (0, 0, 1)
    );
    assert_eq!(r.stats.analyzers_not_run, ["test"]);
    // Ignoring one of its rules: it runs and the other rule still reports.
    let r = run(&["TST"], &["TST002"]);
    assert_eq!(r.findings.len(), 1);
    assert!(r.stats.analyzers_not_run.contains(&"assets".to_string()));
}

#[test]
fn archive_members_are_named_outer_bang_inner_and_nested() {
    let d = tempfile::tempdir().unwrap();
    let inner =
        aispm_fixtures::archive::zip_of(&[("model/data.pkl", PICKLE), ("readme.txt", b"BAD")]);
    let tar = aispm_fixtures::archive::tar_of(&[("bundle/inner.zip", &inner)]);
    write(
        d.path(),
        "release.tar.gz",
        &aispm_fixtures::archive::gzip(&tar),
    );
    write(d.path(), "m.pkl.gz", &aispm_fixtures::archive::gzip(PICKLE));
    let r = scan(d.path());
    let mut pickles = rule_paths(&r, "TST002");
    pickles.sort();
    assert_eq!(
        pickles,
        vec![
            "m.pkl.gz!m.pkl",
            "release.tar.gz!bundle/inner.zip!model/data.pkl"
        ]
    );
    assert_eq!(
        rule_paths(&r, "TST001"),
        vec!["release.tar.gz!bundle/inner.zip!readme.txt"]
    );
    assert!(r.stats.archive_members >= 4);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn zip_bomb_is_reported_and_the_scan_finishes() {
    let d = tempfile::tempdir().unwrap();
    // About 10 GB declared from a few KB.
    let bomb = aispm_fixtures::archive::zip_bomb_overlapping(1000, 10_000_000);
    assert!(bomb.len() < 200_000, "bomb is {} bytes", bomb.len());
    write(d.path(), "weights.zip", &bomb);
    // A flat bomb: one deflated member of zeros, far over the ratio.
    write(
        d.path(),
        "flat.zip",
        &aispm_fixtures::archive::zip_bomb_flat(200 << 20),
    );
    // Overlap where every entry has its own matching local header.
    write(
        d.path(),
        "quoted.zip",
        &aispm_fixtures::archive::zip_bomb_quoted_overlap(500, 20_000_000),
    );
    write(d.path(), "after.txt", b"BAD");
    let r = scan(d.path());
    let mut bombs = rule_paths(&r, "ART001");
    bombs.sort();
    assert_eq!(bombs, vec!["flat.zip", "quoted.zip", "weights.zip"]);
    assert_eq!(
        rule_paths(&r, "TST001"),
        vec!["after.txt"],
        "the scan went on"
    );
    // Decompression stayed within the budget.
    assert!(r.stats.bytes_read < Limits::default().max_expanded_bytes);
}

#[test]
fn gzip_bomb_stops_at_the_ratio() {
    let d = tempfile::tempdir().unwrap();
    let zeros = vec![0u8; 64 << 20];
    write(
        d.path(),
        "data.bin.gz",
        &aispm_fixtures::archive::gzip(&zeros),
    );
    let r = scan_with(
        d.path(),
        ScanOptions {
            limits: Limits {
                max_expansion_ratio: 100,
                ..Limits::default()
            },
            ..ScanOptions::default()
        },
    );
    assert_eq!(rule_paths(&r, "ART001"), vec!["data.bin.gz"]);
    assert!(
        r.errors
            .iter()
            .any(|e| e.kind == ErrorKind::Limit && e.path == "data.bin.gz")
    );
}

#[test]
fn nesting_beyond_the_depth_limit_is_reported() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "deep.zip",
        &aispm_fixtures::archive::zip_nested(6),
    );
    let r = scan_with(
        d.path(),
        ScanOptions {
            limits: Limits {
                max_archive_depth: 2,
                ..Limits::default()
            },
            ..ScanOptions::default()
        },
    );
    assert_eq!(
        r.findings.iter().filter(|f| f.rule_id == "ART005").count(),
        1
    );
    assert!(r.errors.iter().any(|e| e.kind == ErrorKind::Limit));
}

#[cfg(unix)]
#[test]
fn symlink_loops_special_files_and_unreadable_files_are_recorded() {
    use std::os::unix::fs::symlink;
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("a")).unwrap();
    symlink("../a", d.path().join("a/loop")).unwrap();
    symlink("self", d.path().join("self")).unwrap();
    symlink("/etc/hostname", d.path().join("outside")).unwrap();
    symlink("missing-target", d.path().join("dangling")).unwrap();
    let _sock = std::os::unix::net::UnixListener::bind(d.path().join("agent.sock")).unwrap();
    let unreadable = write(d.path(), "secret.txt", b"BAD");
    let root = unsafe_free_is_root();
    if !root {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    write(d.path(), "ok.txt", b"BAD");
    let r = scan(d.path());
    let err = |p: &str| {
        r.errors
            .iter()
            .find(|e| e.path == p)
            .unwrap_or_else(|| panic!("no error for {p}: {:?}", r.errors))
    };
    assert_eq!(err("self").kind, ErrorKind::Symlink);
    assert!(err("self").message.contains("loop"));
    assert_eq!(err("dangling").kind, ErrorKind::Symlink);
    assert_eq!(err("agent.sock").kind, ErrorKind::Io);
    assert_eq!(rule_paths(&r, "ART006"), vec!["outside"]);
    if !root {
        assert_eq!(err("secret.txt").kind, ErrorKind::Io);
    }
    assert!(rule_paths(&r, "TST001").contains(&"ok.txt".to_string()));
}

/// Whether this process runs as root (permission bits do not stop root from reading).
fn unsafe_free_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn files_over_the_size_limit_are_listed() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "big.txt", &vec![b'x'; 10_000]);
    let r = scan_with(
        d.path(),
        ScanOptions {
            limits: Limits {
                max_file_size: 1000,
                ..Limits::default()
            },
            ..ScanOptions::default()
        },
    );
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].kind, ErrorKind::Limit);
    let mut per_analyzer = Limits::default();
    per_analyzer
        .analyzer_max_file_size
        .insert("test".into(), 100);
    let r = scan_with(
        d.path(),
        ScanOptions {
            limits: per_analyzer,
            ..ScanOptions::default()
        },
    );
    assert!(
        r.errors[0].message.contains("test analyzer"),
        "{:?}",
        r.errors
    );
}

/// Records a limit error on `noted.txt` and goes on, and gives up with a limit on
/// `stopped.txt`, like analyzers that cap their own work.
struct SelfLimited;

impl Analyzer for SelfLimited {
    fn name(&self) -> &'static str {
        "limited"
    }
    fn rules(&self) -> &'static [&'static Rule] {
        &[]
    }
    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind.is_text()
    }
    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        match file.file_name() {
            "noted.txt" => {
                cx.error(
                    file.path,
                    ErrorKind::Limit,
                    "only the first items were read",
                );
                cx.asset(Asset::new(AssetKind::Prompt, file.path, "", "text"));
                Ok(())
            }
            "stopped.txt" => Err(AnalysisError::Limit("too many items".into())),
            _ => Ok(()),
        }
    }
}

/// `stats.limits_hit` counts every error record of kind limit: the engine's, an
/// analyzer's that gave up, and an analyzer's that recorded one and went on.
#[test]
fn limits_hit_counts_every_limit_record() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "noted.txt", b"text\n");
    write(d.path(), "stopped.txt", b"text\n");
    write(d.path(), "big.txt", &vec![b'x'; 10_000]);
    let opts = ScanOptions {
        limits: Limits {
            max_file_size: 1000,
            ..Limits::default()
        },
        ..ScanOptions::default()
    };
    let r = Scanner::new(vec![Box::new(SelfLimited)], opts)
        .expect("rules register")
        .scan(&[d.path().to_path_buf()], None);
    let limits: Vec<_> = r
        .errors
        .iter()
        .filter(|e| e.kind == ErrorKind::Limit)
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(
        limits,
        ["big.txt", "noted.txt", "stopped.txt"],
        "{:#?}",
        r.errors
    );
    assert_eq!(r.stats.limits_hit, 3, "{:#?}", r.errors);
    // The analyzer that recorded a limit still reported what it saw.
    assert_eq!(r.assets.len(), 1);
}

#[test]
fn files_over_the_hash_limit_are_analysed_but_not_hashed() {
    let d = tempfile::tempdir().unwrap();
    // A pickle padded past the hash limit with bytes after STOP: still analysed.
    let mut big = PICKLE.to_vec();
    big.resize(4096, 0);
    write(d.path(), "big.pkl", &big);
    write(d.path(), "small.pkl", PICKLE);
    let r = scan_with(
        d.path(),
        ScanOptions {
            limits: Limits {
                max_hash_size: 1024,
                ..Limits::default()
            },
            ..ScanOptions::default()
        },
    );
    assert_eq!(rule_paths(&r, "TST002"), ["big.pkl", "small.pkl"]);
    let big = r.assets.iter().find(|a| a.path == "big.pkl").unwrap();
    assert_eq!(big.sha256, "");
    assert_eq!(big.size, 4096);
    assert!(big.properties.contains_key("sha256_skipped"));
    let small = r.assets.iter().find(|a| a.path == "small.pkl").unwrap();
    assert_eq!(small.sha256.len(), 64);
    assert!(!small.properties.contains_key("sha256_skipped"));
    assert_eq!(r.stats.files_not_hashed, 1);
    assert_eq!(r.scan.limits["max_hash_size"], 1024);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn inline_comments_selection_path_ignores_and_baseline_suppress_but_keep() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "src/a.py",
        b"x = 1  # BAD aispm:ignore TST001 reviewed, test value\n# aispm:ignore TST reviewed\nBAD = 2\nBAD = 3\n",
    );
    write(d.path(), "fixtures/b.txt", b"BAD\n");
    write(d.path(), "m.pkl", PICKLE);
    let r = scan_with(
        d.path(),
        ScanOptions {
            selection: SelectionOptions {
                ignore: vec!["TST002".into()],
                path_ignores: vec![PathIgnore {
                    rules: vec!["TST001".into()],
                    paths: vec!["fixtures/**".into()],
                    reason: Some("test data".into()),
                }],
                ..SelectionOptions::default()
            },
            ..ScanOptions::default()
        },
    );
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_eq!(
        (r.findings[0].path.as_str(), r.findings[0].line),
        ("src/a.py", Some(4))
    );
    let kinds: Vec<(SuppressionKind, Option<String>)> = r
        .suppressed
        .iter()
        .map(|s| (s.suppression.kind, s.suppression.reason.clone()))
        .collect();
    assert_eq!(r.stats.suppressed, 4);
    assert!(kinds.contains(&(SuppressionKind::Inline, Some("reviewed, test value".into()))));
    assert!(kinds.contains(&(SuppressionKind::Inline, Some("reviewed".into()))));
    assert!(kinds.contains(&(SuppressionKind::PathExclusion, Some("test data".into()))));
    assert!(
        kinds
            .iter()
            .any(|(k, _)| *k == SuppressionKind::RuleSelection)
    );

    // Baseline: everything known is suppressed; a new finding is not.
    let first = scan(d.path());
    let baseline = Baseline::from_report(&first);
    let file = d.path().join("baseline.json");
    baseline.save(&file).unwrap();
    write(d.path(), "new.txt", b"BAD\n");
    let second = scan_with(
        d.path(),
        ScanOptions {
            selection: SelectionOptions {
                baseline: Some(Baseline::load(&file).unwrap()),
                ..SelectionOptions::default()
            },
            ..ScanOptions::default()
        },
    );
    assert_eq!(rule_paths(&second, "TST001"), vec!["new.txt"]);
    assert!(
        second
            .suppressed
            .iter()
            .any(|s| s.suppression.kind == SuppressionKind::Baseline)
    );
}

#[test]
fn fingerprints_survive_line_moves_and_reruns() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.txt", b"BAD one\n");
    let r1 = scan(d.path());
    write(d.path(), "a.txt", b"\n\n\nBAD one\n");
    let r2 = scan(d.path());
    assert_eq!(r1.findings[0].fingerprint, r2.findings[0].fingerprint);
    assert_ne!(r1.findings[0].line, r2.findings[0].line);
}

#[test]
fn a_report_is_deterministic_apart_from_timing() {
    let d = tempfile::tempdir().unwrap();
    for i in 0..50 {
        write(
            d.path(),
            &format!("d{}/f{i}.txt", i % 7),
            format!("BAD {i}\n").as_bytes(),
        );
        write(d.path(), &format!("m{i}.pkl"), PICKLE);
    }
    let strip = |mut r: ScanReport| {
        r.scan.started_at.clear();
        r.scan.duration_ms = 0;
        serde_json::to_string(&r).unwrap()
    };
    assert_eq!(strip(scan(d.path())), strip(scan(d.path())));
}

/// Sets bits in the general-purpose flags, or overwrites the CRC, of every local and
/// central header of a zip.
fn patch_zip(mut zip: Vec<u8>, flag_bits: u16, crc: Option<u32>) -> Vec<u8> {
    let mut i = 0;
    while i + 4 <= zip.len() {
        let (flag_at, crc_at) = match &zip[i..i + 4] {
            b"PK\x03\x04" => (i + 6, i + 14),
            b"PK\x01\x02" => (i + 8, i + 16),
            _ => {
                i += 1;
                continue;
            }
        };
        let flags = u16::from_le_bytes([zip[flag_at], zip[flag_at + 1]]) | flag_bits;
        zip[flag_at..flag_at + 2].copy_from_slice(&flags.to_le_bytes());
        if let Some(c) = crc {
            zip[crc_at..crc_at + 4].copy_from_slice(&c.to_le_bytes());
        }
        i += 4;
    }
    zip
}

#[test]
fn zip_members_are_read_the_way_loaders_read_them() {
    let d = tempfile::tempdir().unwrap();
    let plain = aispm_fixtures::archive::zip_of(&[("model/data.pkl", PICKLE)]);
    let deflated = aispm_fixtures::archive::zip_of_deflated(&[("model/data.pkl", PICKLE)]);
    // Encryption flag set on data stored in the clear: analysed, and reported.
    write(d.path(), "flagged.zip", &patch_zip(plain.clone(), 1, None));
    write(
        d.path(),
        "flagged_deflated.zip",
        &patch_zip(deflated, 1, None),
    );
    // A wrong CRC does not stop a loader, so it does not stop the scan.
    write(
        d.path(),
        "bad_crc.zip",
        &patch_zip(plain, 0, Some(0xdead_beef)),
    );
    let r = scan(d.path());
    let mut pickles = rule_paths(&r, "TST002");
    pickles.sort();
    assert_eq!(
        pickles,
        vec![
            "bad_crc.zip!model/data.pkl",
            "flagged.zip!model/data.pkl",
            "flagged_deflated.zip!model/data.pkl"
        ]
    );
    let mut flagged = rule_paths(&r, "ART003");
    flagged.sort();
    assert_eq!(flagged, vec!["flagged.zip", "flagged_deflated.zip"]);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn xz_and_lzma_streams_are_opened() {
    let d = tempfile::tempdir().unwrap();
    // An xz stream written by the same library in its encoder configuration.
    let xz = lzma_rust2_compress_xz(PICKLE);
    write(d.path(), "m.pkl.xz", &xz);
    let r = scan(d.path());
    assert_eq!(rule_paths(&r, "TST002"), vec!["m.pkl.xz!m.pkl"]);
}

fn lzma_rust2_compress_xz(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    let mut w = lzma_rust2::XzWriter::new(&mut out, lzma_rust2::XzOptions::default()).unwrap();
    w.write_all(data).unwrap();
    w.finish().unwrap();
    out
}

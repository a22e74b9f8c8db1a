use crate::{fixture, rendered};
use aispm_report::{Format, RenderOptions};

fn table(report: &aispm_core::ScanReport, opts: &RenderOptions) -> String {
    rendered(report, Format::Table, opts)
}

const SUMMARY: &str = "aispm: 3 findings (1 critical, 1 high, 1 medium, 0 low, 0 info), \
                       1 suppressed, 2 assets, 1 error in 1,234 files (56.7 MB) in 0.42 s";

#[test]
fn plain_table_has_headings_summary_and_no_escapes() {
    let text = table(&fixture::report(), &RenderOptions::default());
    assert!(!text.contains('\x1b'), "no escape codes without colour");
    for heading in [
        "CRITICAL (1)",
        "HIGH (1)",
        "MEDIUM (1)",
        "INVENTORY (2 assets)",
        "ERRORS (1)",
    ] {
        assert!(text.contains(heading), "missing {heading} in\n{text}");
    }
    assert!(!text.contains("LOW ("), "empty severities have no heading");
    assert!(
        text.trim_end().ends_with(SUMMARY),
        "summary last in\n{text}"
    );
    // Highest severity first.
    let pos = |s: &str| text.find(s).unwrap_or(usize::MAX);
    assert!(pos("CRITICAL (1)") < pos("HIGH (1)"));
    assert!(pos("HIGH (1)") < pos("MEDIUM (1)"));
    assert!(pos("MEDIUM (1)") < pos("INVENTORY"));
    assert!(pos("INVENTORY") < pos("ERRORS"));

    assert!(text.contains("config/.env:2"));
    assert!(text.contains("fix TST001: Do not load the file"));
    assert!(text.contains("By kind: model 1, ai-sdk-usage 1"));
    assert!(text.contains("56.7 MB"));
    // Evidence is cut to about 120 characters.
    assert!(text.contains("evidence: GLOBAL os system; xxx"));
    assert!(!text.contains(&"x".repeat(121)));
    // Suppressed findings are counted, not listed, unless asked for.
    assert!(!text.contains("SUPPRESSED"));
    insta::assert_snapshot!("table_plain", text);
}

#[test]
fn notices_close_the_table_one_line_each() {
    use aispm_core::{Notice, NoticeLevel};
    let mut r = fixture::report();
    r.notices = vec![
        Notice::new(
            "advisory-data-stale",
            NoticeLevel::Warning,
            "advisory data is older than 90 days;\nrefresh it",
        ),
        Notice::new(
            "advisory-data",
            NoticeLevel::Info,
            "matched against \x1b[31mPyPI",
        ),
    ];
    let text = table(&r, &RenderOptions::default());
    let tail: Vec<&str> = text.trim_end().lines().rev().take(3).collect();
    assert_eq!(
        tail,
        vec![
            "note: matched against \\u{1b}[31mPyPI",
            "warning: advisory data is older than 90 days; refresh it",
            SUMMARY
        ],
        "{text}"
    );
    assert!(!text.contains('\x1b'));
}

#[test]
fn empty_report_says_no_findings() {
    let text = table(&fixture::empty_report(), &RenderOptions::default());
    assert!(text.starts_with("No findings.\n"), "{text}");
    assert!(text.contains("No AI assets found."));
    assert!(!text.contains("ERRORS"));
    assert!(text.contains(
        "aispm: 0 findings (0 critical, 0 high, 0 medium, 0 low, 0 info), 0 suppressed, \
         0 assets, 0 errors in 1 file (10 B) in 0.42 s"
    ));
    insta::assert_snapshot!("table_empty", text);
}

#[test]
fn suppressed_and_capped() {
    let mut report = fixture::report();
    let mut second = report.findings[1].clone();
    second.path = "downloads/other.pkl".to_string();
    report.findings.push(second);
    let opts = RenderOptions {
        color: false,
        show_suppressed: true,
        max_findings_per_severity: Some(1),
    };
    let text = table(&report, &opts);
    assert!(text.contains("CRITICAL (2)"));
    assert!(text.contains("... and 1 more critical finding, see --format json"));
    assert!(text.contains("SUPPRESSED (1)"));
    assert!(text.contains("inline: test fixture, not a real token"));
}

#[test]
fn colour_only_when_asked() {
    let opts = RenderOptions {
        color: true,
        ..RenderOptions::default()
    };
    let text = table(&fixture::report(), &opts);
    assert!(text.contains("\x1b[1;31mCRITICAL (1)\x1b[0m"));
    assert!(text.contains("\x1b[1;33mMEDIUM (1)\x1b[0m"));
}

#[test]
fn hostile_text_cannot_reach_the_terminal() {
    let mut report = fixture::report();
    report.findings[0].path = "evil\x1b]0;pwned\x07name.pkl".to_string();
    report.findings[0].evidence = Some("a\u{202e}gnp.exe\x1b[2J".to_string());
    report.errors[0].message = "bad\x1b[31m".to_string();
    report.assets[0].path = "m\x1b[1A.pt".to_string();
    let text = table(&report, &RenderOptions::default());
    assert!(!text.contains('\x1b'), "{text}");
    assert!(!text.contains('\u{202e}'));
    assert!(text.contains("evil\\u{1b}]0;pwned\\u{7}name.pkl"));
}

#[test]
fn many_assets_and_errors_are_capped() {
    let mut report = fixture::report();
    let asset = report.assets[1].clone();
    let error = report.errors[0].clone();
    for i in 0..60 {
        let mut a = asset.clone();
        a.path = format!("src/m{i:02}.py");
        report.assets.push(a);
        let mut e = error.clone();
        e.path = format!("models/b{i:02}.safetensors");
        report.errors.push(e);
    }
    let text = table(&report, &RenderOptions::default());
    assert!(
        text.contains("... and 12 more assets, see --format json"),
        "{text}"
    );
    assert!(
        text.contains("... and 11 more errors, see --format json"),
        "{text}"
    );
}

#[test]
fn history_findings_show_their_commit() {
    let text = table(&fixture::history_report(), &RenderOptions::default());
    assert!(text.contains("app/.env:1 @ 0f58141"), "{text}");
    assert!(text.contains("config/.env:2 @ 0f58141"), "{text}");
    assert!(text.contains("removed from the tip but alive in"), "{text}");
    assert!(text.contains(
        "git history: 1 repository, 3 refs, 4 commits, 9 unique blobs (5 as in the scanned tree), 4 scanned (1.2 kB)"
    ), "{text}");
    // The summary stays the last line.
    assert!(
        text.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("aispm: 4 findings")
    );
    // Reports without history show no commit.
    let plain = table(&fixture::report(), &RenderOptions::default());
    assert!(!plain.contains(" @ ") && !plain.contains("git history"));
}

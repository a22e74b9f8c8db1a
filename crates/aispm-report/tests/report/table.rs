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
        ..RenderOptions::default()
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
fn many_assets_and_errors_are_counted_not_lost() {
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
    // 61 imports of one SDK are one row.
    assert!(
        text.contains("│ ai-sdk-usage ┆ datasets    ┆ 61    ┆         ┆ 61 files               │"),
        "{text}"
    );
    assert!(
        text.contains("62 assets in 2 groups; --verbose lists every asset"),
        "{text}"
    );
    assert!(
        text.contains("... and 11 more errors; --verbose lists them all"),
        "{text}"
    );
    let verbose = table(
        &report,
        &RenderOptions {
            verbose: true,
            ..RenderOptions::default()
        },
    );
    assert!(verbose.contains("ASSETS (62)"), "{verbose}");
    assert!(verbose.contains("src/m59.py:3"));
    assert!(verbose.contains("models/b59.safetensors"));
    assert!(!verbose.contains("more errors"));
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

fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading} in\n{text}"));
    let rest = &text[start..];
    let end = rest.find("\n\n").unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn low_and_info_are_folded_into_one_line_per_rule() {
    let report = fixture::busy_report();
    let text = table(&report, &RenderOptions::default());
    let low = section(&text, "LOW (34)");
    assert_eq!(
        low,
        "LOW (34), folded: --show-low lists them\n  \
         TST004  34 low findings in 17 files: AI package not pinned to a version"
    );
    let info = section(&text, "INFO (1)");
    assert_eq!(
        info,
        "INFO (1), folded: --show-low lists them\n  \
         TST005  1 info finding in 1 file: Version range allows known-vulnerable versions"
    );
    // Folded findings are still counted everywhere.
    assert!(text.contains("2 critical, 2 high, 26 medium, 34 low, 1 info"));

    for opts in [
        RenderOptions {
            show_low: true,
            ..RenderOptions::default()
        },
        RenderOptions {
            verbose: true,
            ..RenderOptions::default()
        },
    ] {
        let text = table(&report, &opts);
        let low = section(&text, "LOW (34)");
        assert!(low.starts_with("LOW (34)\n"), "{low}");
        assert_eq!(low.matches("  TST004  apps/app").count(), 34, "{low}");
        assert!(low.contains("fix TST004: Pin the version in a lock file."));
        assert!(section(&text, "INFO (1)").contains("TST005  apps/app00/requirements.txt:3"));
    }
}

#[test]
fn identical_findings_are_listed_once_with_a_count() {
    let text = table(&fixture::busy_report(), &RenderOptions::default());
    let critical = section(&text, "CRITICAL (2)");
    assert_eq!(
        critical
            .matches("downloads/my model.zip!archive/data.pkl")
            .count(),
        1,
        "{critical}"
    );
    assert!(
        critical.contains("  TST001  downloads/my model.zip!archive/data.pkl  ×2\n"),
        "{critical}"
    );
}

#[test]
fn a_flood_of_one_medium_rule_is_counted_after_ten() {
    let report = fixture::busy_report();
    let text = table(&report, &RenderOptions::default());
    let medium = section(&text, "MEDIUM (26)");
    assert_eq!(medium.matches("  TST003  ").count(), 11, "{medium}");
    assert!(medium.contains(
        "  TST003  … and 16 more medium findings in 4 files (Dataset is downloaded without a \
         pinned revision); --verbose lists them"
    ));
    let verbose = table(
        &report,
        &RenderOptions {
            verbose: true,
            ..RenderOptions::default()
        },
    );
    assert_eq!(
        section(&verbose, "MEDIUM (26)")
            .matches("  TST003  ")
            .count(),
        26
    );
}

#[test]
fn closing_summary_counts_rules_and_names_top_files() {
    let text = table(&fixture::busy_report(), &RenderOptions::default());
    let summary = &text[text.find("SUMMARY").expect("a summary")..];
    insta::assert_snapshot!("table_summary", summary);
    let rule_rows: Vec<&str> = summary.lines().filter(|l| l.starts_with("│ TST")).collect();
    assert_eq!(rule_rows.len(), 5, "{summary}");
    // Highest severity first, then most findings.
    assert!(rule_rows[0].starts_with("│ TST001 ┆ critical ┆ 2 "));
    assert!(rule_rows[1].starts_with("│ TST002 ┆ high     ┆ 2 "));
    assert!(rule_rows[2].starts_with("│ TST003 ┆ medium   ┆ 26 "));
    assert!(rule_rows[3].starts_with("│ TST004 ┆ low      ┆ 34 "));
    assert!(summary.contains("Top files (of 26 with findings, most serious first):"));
    assert!(summary.contains("  2  downloads/my model.zip!archive/data.pkl  (2 critical)"));
    assert!(summary.contains("Errors: 1 (1 parse), listed under ERRORS"));
    assert!(
        summary
            .trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("aispm: 65 findings")
    );
}

#[test]
fn piped_output_is_never_wrapped() {
    let text = table(&fixture::busy_report(), &RenderOptions::default());
    let long = format!("{}:12", fixture::LONG_PATH);
    assert!(text.contains(&format!("  TST002  {long}\n")), "{text}");
    assert!(text.contains(
        "          Hugging Face token assigned to HF_TOKEN, read by the ingestion service at \
         start-up and sent with every request to the inference endpoint.\n"
    ));
}

#[test]
fn terminal_output_wraps_at_words_and_keeps_paths_on_one_line() {
    const WIDTH: usize = 72;
    let opts = RenderOptions {
        width: Some(WIDTH as u16),
        ..RenderOptions::default()
    };
    let text = table(&fixture::busy_report(), &opts);
    for line in text.lines() {
        // The one word longer than a line is the 120-character evidence; the summary
        // line stays one line for scripts.
        if line.contains("xxxxxxxxxx") || line.starts_with("aispm: ") {
            continue;
        }
        assert!(
            line.chars().count() <= WIDTH,
            "{} > {WIDTH}: {line}",
            line.chars().count()
        );
    }
    // The deep path is cut in the middle, on one line: its start and its end stay.
    let loc = text
        .lines()
        .find(|l| l.starts_with("  TST002  services/"))
        .unwrap_or_else(|| panic!("no deep location in\n{text}"));
    assert!(
        loc.contains('…') && loc.ends_with("requirements-production.txt:12"),
        "{loc}"
    );
    // The message is wrapped between words, every word whole.
    let high = section(&text, "HIGH (2)");
    for word in "read by the ingestion service at start-up and sent with every request to \
                 the inference endpoint."
        .split(' ')
    {
        assert!(
            high.lines()
                .any(|l| l.split_whitespace().any(|w| w == word)),
            "{word} split in\n{high}"
        );
    }
    // Short paths are never cut.
    assert!(text.contains("  TST003  src/train.py:14\n"));
    // A model ID wider than a third of the line is cut in the middle, not split.
    assert!(text.contains("┆ interna…on-2.5 ┆"), "{text}");
    insta::assert_snapshot!("table_terminal_72", text);
}

#[test]
fn inventory_is_rolled_up_per_name_with_counts() {
    let report = fixture::busy_report();
    let text = table(&report, &RenderOptions::default());
    let inventory = section(&text, "INVENTORY");
    insta::assert_snapshot!("table_inventory", inventory);
    assert!(inventory.contains("By kind: model 1, model-reference 16, ai-sdk-usage 301"));
    // One row per SDK, largest first, with its count.
    let pos = |s: &str| {
        inventory
            .find(s)
            .unwrap_or_else(|| panic!("no {s} in\n{inventory}"))
    };
    assert!(pos("┆ openai ") < pos("┆ anthropic ") && pos("┆ anthropic ") < pos("┆ langchain "));
    let row = |name: &str| {
        inventory
            .lines()
            .find(|l| l.contains(&format!("┆ {name} ")))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("openai").contains("┆ 210 "), "{inventory}");
    assert!(row("anthropic").contains("┆ 60 "), "{inventory}");
    // Thirteen models: ten shown, the rest counted, not dropped.
    assert!(inventory.contains("┆ … 3 more"), "{inventory}");
    assert!(inventory.contains(
        "318 assets in 18 groups; the largest 10 of each kind shown, --verbose lists every \
         group and asset"
    ));
    let verbose = table(
        &report,
        &RenderOptions {
            verbose: true,
            ..RenderOptions::default()
        },
    );
    assert!(!section(&verbose, "INVENTORY").contains("more"));
    assert_eq!(
        section(&verbose, "ASSETS (318)")
            .matches("│ ai-sdk-usage")
            .count(),
        301
    );
}

#[test]
fn summary_says_what_the_walk_skipped_and_what_did_not_run() {
    let mut report = fixture::report();
    report.stats.skipped_gitignored = 12;
    report.stats.skipped_excluded = 3;
    report.stats.tracked_gitignored = 147;
    report.stats.limits_hit = 1;
    report.stats.analyzers_not_run = vec!["secrets".to_string(), "code".to_string()];
    let text = table(&report, &RenderOptions::default());
    let summary = &text[text.find("SUMMARY").expect("a summary")..];
    assert!(
        summary.contains(
            "Skipped (a folder counts once): 12 untracked and ignored by .gitignore, 3 excluded \
         by --exclude, .aispmignore or .ignore, 1 limit reached (see ERRORS)\n"
        ),
        "{summary}"
    );
    assert!(summary.contains(
        "Scanned although .gitignore matches them: 147 files tracked by git (ignore patterns \
         apply to untracked files only)\n"
    ));
    assert!(
        summary
            .contains("Not run, the rule selection leaves them nothing to report: secrets, code\n")
    );
    // Nothing skipped: no line about it.
    let plain = table(&fixture::report(), &RenderOptions::default());
    assert!(!plain.contains("Skipped") && !plain.contains("Not run"));
}

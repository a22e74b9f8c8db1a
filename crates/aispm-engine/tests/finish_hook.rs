//! The post-walk hook (`Analyzer::finish`): called once, with every asset in report
//! order whatever the thread count, its findings finalised like any others, and a
//! panic in it costing an error record, not the scan.

use aispm_core::framework::LLM03;
use aispm_core::{
    AnalysisContext, AnalysisError, Analyzer, Asset, AssetKind, Category, FileInput, FileKind,
    RawFinding, Rule, ScanReport, Severity,
};
use aispm_engine::{ScanOptions, Scanner};
use std::path::Path;

static LAST_MODEL: Rule = Rule {
    id: "TST010",
    name: "last-model",
    title: "The last model asset",
    category: Category::Model,
    severity: Severity::Low,
    what: "Reports the last model asset in report order.",
    why: "Test rule.",
    example: "m.pkl",
    remediation: "None.",
    controls: &[LLM03],
};
static RULES: &[&Rule] = &[&LAST_MODEL];

/// Records pickles as models; after the walk numbers them in the order it is given,
/// adds a summary asset (one per call) and reports the last one.
struct Numbering;

impl Analyzer for Numbering {
    fn name(&self) -> &'static str {
        "numbering"
    }
    fn rules(&self) -> &'static [&'static Rule] {
        RULES
    }
    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind == FileKind::Pickle
    }
    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        cx.asset(Asset::new(AssetKind::Model, file.path, "", "pickle"));
        Ok(())
    }
    fn finish(&self, assets: &mut [Asset], cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        for (i, a) in assets.iter_mut().enumerate() {
            a.set("position", i);
        }
        if let Some(last) = assets.last() {
            cx.report(RawFinding::new(&LAST_MODEL, &last.path, "last").asset(&last.id));
        }
        cx.asset(
            Asset::new(AssetKind::Model, "", "summary", "summary")
                .with_property("count", assets.len()),
        );
        Ok(())
    }
}

/// Panics after the walk.
struct Broken;

impl Analyzer for Broken {
    fn name(&self) -> &'static str {
        "broken"
    }
    fn rules(&self) -> &'static [&'static Rule] {
        &[]
    }
    fn accepts(&self, _: &FileInput<'_>) -> bool {
        false
    }
    fn analyze(&self, _: &FileInput<'_>, _: &mut AnalysisContext) -> Result<(), AnalysisError> {
        Ok(())
    }
    fn finish(&self, _: &mut [Asset], _: &mut AnalysisContext) -> Result<(), AnalysisError> {
        panic!("bug in a post-scan step")
    }
}

const PICKLE: &[u8] = b"\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00}\x94.";

fn scan(root: &Path, threads: usize) -> (ScanReport, usize) {
    let scanner = Scanner::new(
        vec![Box::new(Broken), Box::new(Numbering)],
        ScanOptions {
            threads,
            ..ScanOptions::default()
        },
    )
    .unwrap();
    let mut report = scanner.scan(&[root.to_path_buf()], None);
    let n = report
        .assets
        .iter()
        .filter(|a| a.format == "summary")
        .count();
    report.scan.started_at.clear();
    report.scan.duration_ms = 0;
    (report, n)
}

#[test]
fn finish_runs_once_on_sorted_assets_and_is_isolated() {
    let d = tempfile::tempdir().unwrap();
    for i in 0..40 {
        let p = d.path().join(format!("d{}/m{i}.pkl", i % 5));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, PICKLE).unwrap();
    }
    let (one, summaries) = scan(d.path(), 1);
    assert_eq!(summaries, 1, "finish runs once");
    // Positions follow report order (path, kind, ID).
    let models: Vec<&Asset> = one.assets.iter().filter(|a| a.format == "pickle").collect();
    assert_eq!(models.len(), 40);
    for (i, a) in models.iter().enumerate() {
        assert_eq!(a.properties["position"], i, "{}", a.path);
    }
    let summary = one.assets.iter().find(|a| a.format == "summary").unwrap();
    assert_eq!(summary.properties["count"], 40);
    // The finding is finalised: rule metadata, fingerprint, asset link.
    let f = one.findings.iter().find(|f| f.rule_id == "TST010").unwrap();
    assert_eq!(f.path, models[39].path);
    assert_eq!(f.fingerprint.len(), 32);
    assert_eq!(f.asset_id.as_deref(), Some(models[39].id.as_str()));
    assert_eq!(one.stats.assets, 41);
    // A panic in another analyzer's hook is an error record; the rest went on.
    let e = one
        .errors
        .iter()
        .find(|e| e.stage.as_deref() == Some("broken"))
        .unwrap();
    assert!(e.message.contains("internal error"), "{}", e.message);

    let (two, _) = scan(d.path(), 2);
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&two).unwrap()
    );
}

static LATE: Rule = Rule {
    id: "TST011",
    name: "late-line",
    title: "A line reported after the walk",
    category: Category::Model,
    severity: Severity::Low,
    what: "Reports, from the post-walk hook, the line of every `LATE` marker seen during the walk.",
    why: "Test rule.",
    example: "LATE",
    remediation: "None.",
    controls: &[LLM03],
};
static LATE_RULES: &[&Rule] = &[&LATE];

/// Notes during the walk where `LATE` stands (reporting nothing and adding no asset),
/// asks for the file's inline comments, and reports those lines from `finish`.
#[derive(Default)]
struct Late {
    seen: std::sync::Mutex<Vec<(String, u32)>>,
}

impl Analyzer for Late {
    fn name(&self) -> &'static str {
        "late"
    }
    fn rules(&self) -> &'static [&'static Rule] {
        LATE_RULES
    }
    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind.is_text()
    }
    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let text = String::from_utf8_lossy(file.head).into_owned();
        for (i, l) in text.lines().enumerate() {
            if l.contains("LATE") && !l.contains("aispm:ignore") {
                cx.report_later();
                self.seen
                    .lock()
                    .unwrap()
                    .push((file.path.to_string(), i as u32 + 1));
            }
        }
        Ok(())
    }
    fn finish(&self, _: &mut [Asset], cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let mut seen = std::mem::take(&mut *self.seen.lock().unwrap());
        seen.sort();
        for (path, line) in seen {
            cx.report(RawFinding::new(&LATE, &path, "late").line(line));
        }
        Ok(())
    }
}

#[test]
fn inline_comments_cover_findings_from_finish_in_files_with_nothing_else() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.py"),
        "x = 1\n# aispm:ignore TST011 reviewed\nLATE = 2\nLATE = 3\n",
    )
    .unwrap();
    let scanner = Scanner::new(vec![Box::new(Late::default())], ScanOptions::default()).unwrap();
    let report = scanner.scan(&[d.path().to_path_buf()], None);
    let lines: Vec<Option<u32>> = report.findings.iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![Some(4)]);
    assert_eq!(report.suppressed.len(), 1);
    assert_eq!(report.suppressed[0].finding.line, Some(3));
    assert_eq!(
        report.suppressed[0].suppression.reason.as_deref(),
        Some("reviewed")
    );
}

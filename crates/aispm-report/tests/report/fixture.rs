//! A small synthetic report and the rules it names, with fixed values throughout so
//! that every rendering of it is byte-for-byte reproducible.

use aispm_core::framework::{
    ATLAS_T0010_003, ATLAS_T0011_000, ATLAS_T0055, LLM02, LLM03, LLM04, ML02, ML06,
    NIST_MEASURE_2_7,
};
use aispm_core::report::{ScanInfo, ToolInfo};
use aispm_core::{
    Asset, AssetKind, Category, ErrorKind, ErrorRecord, Finding, HistoryProvenance, HistoryStats,
    Rule, RuleRegistry, ScanReport, Severity, Stats, SuppressedFinding, Suppression,
    SuppressionKind,
};
use std::collections::BTreeMap;

pub static PICKLE: Rule = Rule {
    id: "TST001",
    name: "test-pickle-code-execution",
    title: "Pickle can execute code on load",
    category: Category::Model,
    severity: Severity::Critical,
    what: "Reports pickle streams that import callables able to run commands.",
    why: "Loading such a file runs attacker-chosen code.",
    example: "GLOBAL os system",
    remediation: "Do not load the file; convert trusted weights to safetensors.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        NIST_MEASURE_2_7,
    ],
};

pub static TOKEN: Rule = Rule {
    id: "TST002",
    name: "test-hf-token",
    title: "Hugging Face token in a file",
    category: Category::Secret,
    severity: Severity::High,
    what: "Reports Hugging Face access tokens.",
    why: "A leaked token gives access to private models and datasets.",
    example: "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    remediation: "Revoke the token and load it from the environment.",
    controls: &[LLM02, ATLAS_T0055],
};

pub static UNPINNED: Rule = Rule {
    id: "TST003",
    name: "test-unpinned-dataset",
    title: "Dataset is downloaded without a pinned revision",
    category: Category::Data,
    severity: Severity::Medium,
    what: "Reports dataset downloads that do not pin a revision.",
    why: "The dataset can change under you.",
    example: "load_dataset(\"org/data\")",
    remediation: "Pass revision= with a commit hash.",
    controls: &[LLM04, ML02],
};

pub fn registry() -> RuleRegistry {
    let mut r = RuleRegistry::new();
    r.register(&[&PICKLE, &TOKEN, &UNPINNED])
        .expect("test rules are valid");
    r
}

fn finding(rule: &Rule, path: &str, line: Option<u32>, message: &str) -> Finding {
    Finding {
        rule_id: rule.id.to_string(),
        title: rule.title.to_string(),
        severity: rule.severity,
        category: rule.category,
        path: path.to_string(),
        line,
        end_line: None,
        message: message.to_string(),
        evidence: None,
        fingerprint: aispm_core::report::fingerprint(rule.id, path, message, 0),
        asset_id: None,
        frameworks: rule.control_refs(),
        remediation: rule.remediation.to_string(),
        properties: BTreeMap::new(),
        history: None,
    }
}

pub const ARCHIVE_MEMBER: &str = "downloads/my model.zip!archive/data.pkl";

pub fn report() -> ScanReport {
    let mut model = Asset::new(
        AssetKind::Model,
        "downloads/my model.zip",
        "",
        "pytorch-zip",
    );
    model.size = 56_700_000;
    model.sha256 = "ab".repeat(32);
    let mut sdk = Asset::new(AssetKind::AiSdkUsage, "src/train.py", "datasets", "python");
    sdk.line = Some(3);
    sdk.set("sdk", "datasets");

    let mut pickle = finding(
        &PICKLE,
        ARCHIVE_MEMBER,
        None,
        "The pickle imports os.system, which runs a shell command when loaded.",
    );
    pickle.evidence = Some(format!("GLOBAL os system; {}", "x".repeat(200)));
    pickle.asset_id = Some(model.id.clone());

    let mut token = finding(
        &TOKEN,
        "config/.env",
        Some(2),
        "Hugging Face token assigned to HF_TOKEN.",
    );
    token.evidence = Some("HF_TOKEN=hf_Ab…[redacted]".to_string());
    token.end_line = Some(2);

    let unpinned = finding(
        &UNPINNED,
        "src/train.py",
        Some(14),
        "load_dataset(\"org/data\") has no revision.",
    );

    let suppressed_token = finding(
        &TOKEN,
        "tests/fixtures/.env",
        Some(1),
        "Hugging Face token assigned to HF_TOKEN.",
    );

    ScanReport {
        schema_version: aispm_core::report::SCHEMA_VERSION,
        tool: ToolInfo {
            name: "aispm".to_string(),
            version: "0.1.0".to_string(),
        },
        scan: ScanInfo {
            started_at: "2026-01-02T03:04:05Z".to_string(),
            duration_ms: 420,
            roots: vec![".".to_string()],
            config: None,
            limits: BTreeMap::from([(
                "max_file_size".to_string(),
                serde_json::json!(1_073_741_824u64),
            )]),
        },
        stats: Stats {
            files_seen: 1234,
            files_analyzed: 1200,
            bytes_read: 56_700_000,
            findings: 3,
            suppressed: 1,
            errors: 1,
            assets: 2,
            archive_members: 1,
            limits_hit: 0,
            files_not_hashed: 0,
            history: None,
            ..Stats::default()
        },
        assets: vec![model, sdk],
        findings: vec![unpinned, pickle, token],
        suppressed: vec![SuppressedFinding {
            finding: suppressed_token,
            suppression: Suppression {
                kind: SuppressionKind::Inline,
                reason: Some("test fixture, not a real token".to_string()),
            },
        }],
        errors: vec![
            ErrorRecord::new(
                "models/broken.safetensors",
                ErrorKind::Parse,
                "header length exceeds file size",
            )
            .at_stage("safetensors"),
        ],
        notices: Vec::new(),
    }
}

/// The same report with nothing found.
pub fn empty_report() -> ScanReport {
    let mut r = report();
    r.findings.clear();
    r.suppressed.clear();
    r.errors.clear();
    r.assets.clear();
    r.stats = Stats {
        files_seen: 1,
        bytes_read: 10,
        ..Stats::default()
    };
    r
}

/// The report of a scan with `--history`: the token in `config/.env` was committed and
/// is still there; a second token only the history holds.
pub fn history_report() -> ScanReport {
    let mut r = report();
    let provenance = |path: &str, in_tip: bool| HistoryProvenance {
        commit: "0f58141650ca969a7f4a6cbc855fdc4d915f0f5c".to_string(),
        author: "Dev Example".to_string(),
        email: "dev@example.invalid".to_string(),
        date: "2024-03-02T11:00:00Z".to_string(),
        path: path.to_string(),
        in_tip,
    };
    for f in &mut r.findings {
        if f.path == "config/.env" {
            f.history = Some(provenance("config/.env", true));
        }
    }
    let mut gone = finding(
        &TOKEN,
        "app/.env",
        Some(1),
        "Hugging Face token assigned to HF_TOKEN (removed from the tip but alive in history: commit 0f58141, app/.env)",
    );
    gone.evidence = Some("HF_TOKEN=hf_Cd…[redacted]".to_string());
    gone.history = Some(provenance("app/.env", false));
    r.findings.push(gone);
    r.stats.findings += 1;
    r.stats.history = Some(HistoryStats {
        repositories: 1,
        refs: 3,
        commits: 4,
        unique_blobs: 9,
        blobs_in_tip: 5,
        blobs_scanned: 4,
        bytes_read: 1_234,
        submodules: 0,
    });
    r
}

/// A low-severity rule the registry does not know (the table then takes the title
/// from the findings).
pub static UNPINNED_DEP: Rule = Rule {
    id: "TST004",
    name: "test-unpinned-dependency",
    title: "AI package not pinned to a version",
    category: Category::Dependency,
    severity: Severity::Low,
    what: "Reports AI packages declared without a version.",
    why: "The next install may bring a different release.",
    example: "openai",
    remediation: "Pin the version in a lock file.",
    controls: &[LLM03],
};

/// An informational rule the registry does not know.
pub static RANGE_NOTE: Rule = Rule {
    id: "TST005",
    name: "test-range-note",
    title: "Version range allows known-vulnerable versions",
    category: Category::Dependency,
    severity: Severity::Info,
    what: "Notes ranges that include vulnerable releases.",
    why: "A resolver may pick one.",
    example: "requests>=2.0",
    remediation: "Raise the lower bound.",
    controls: &[LLM03],
};

/// A path longer than any terminal line.
pub const LONG_PATH: &str = "services/ingestion/pipelines/very_long_folder_name_for_a_tutorial/another_nested_folder_with_words/requirements-production.txt";

/// A report shaped like a real repository's: one low rule firing in many manifests,
/// an info rule, one finding reported twice on one line, a medium rule firing
/// hundreds of times, a finding in a very deep path, and hundreds of SDK imports and
/// model references.
pub fn busy_report() -> ScanReport {
    let mut r = report();
    for i in 0..34 {
        let path = format!("apps/app{:02}/requirements.txt", i / 2);
        r.findings.push(finding(
            &UNPINNED_DEP,
            &path,
            Some(1 + i % 2),
            "`openai` is declared without a version",
        ));
    }
    r.findings.push(finding(
        &RANGE_NOTE,
        "apps/app00/requirements.txt",
        Some(3),
        "`requests>=2.0` allows 2.5.0 (PYSEC-0000-1)",
    ));
    // The same finding twice (an analyzer bug the view must not repeat).
    let dup = r.findings[1].clone();
    r.findings.push(dup);
    for i in 0..25 {
        r.findings.push(finding(
            &UNPINNED,
            &format!("tests/test_{:02}.py", i / 5),
            Some(10 + i),
            "load_dataset(\"org/data\") has no revision.",
        ));
    }
    let mut deep = finding(
        &TOKEN,
        LONG_PATH,
        Some(12),
        "Hugging Face token assigned to HF_TOKEN, read by the ingestion service at start-up and sent with every request to the inference endpoint.",
    );
    deep.evidence = Some("HF_TOKEN=hf_Zz…[redacted]".to_string());
    r.findings.push(deep);
    for i in 0..300u32 {
        let sdk = match i % 10 {
            0..=6 => "openai",
            7 | 8 => "anthropic",
            _ => "langchain",
        };
        let path = format!("apps/app{:02}/main.py", i % 30);
        let mut a = Asset::new(AssetKind::AiSdkUsage, &path, &format!("{sdk}{i}"), "python");
        a.line = Some(1 + i / 30);
        a.set("sdk", sdk);
        a.set("language", "python");
        r.assets.push(a);
    }
    for i in 0..14u32 {
        let path = format!("apps/app{:02}/main.py", i);
        let model = format!("org/model-{:02}", i % 12);
        let mut a = Asset::new(AssetKind::ModelReference, &path, &model, "python");
        a.line = Some(40);
        a.set("model", model.as_str());
        a.set("provider", "huggingface");
        r.assets.push(a);
    }
    // A model ID longer than a third of a narrow terminal.
    for app in ["apps/app00/train.py", "apps/app01/train.py"] {
        let model = "internal-testing-organisation/tiny-Qwen2ForSequenceClassification-2.5";
        let mut a = Asset::new(AssetKind::ModelReference, app, model, "python");
        a.line = Some(7);
        a.set("model", model);
        a.set("provider", "huggingface");
        r.assets.push(a);
    }
    r.stats.findings = r.findings.len() as u64;
    r.stats.assets = r.assets.len() as u64;
    r
}

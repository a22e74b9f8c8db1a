//! The `aispm` binary end to end: the JSON contract on the demo estate, SARIF validity,
//! exit codes, rules and explain, configuration discovery, baselines, hostile inputs.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn demo() -> PathBuf {
    repo_root().join("examples/demo-estate")
}

fn aispm() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aispm"));
    c.env_remove("NO_COLOR");
    c
}

fn scan_json(path: &Path, extra: &[&str]) -> (Value, i32) {
    let out = aispm()
        .arg("scan")
        .arg(path)
        .args(["--format", "json", "--quiet"])
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (v, code)
}

fn validate(schema_path: &Path, draft: jsonschema::Draft, instance: &Value) -> Vec<String> {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let v = jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles offline");
    v.iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

#[test]
fn demo_estate_json_follows_the_contract_and_lists_every_ai_file() {
    let (report, code) = scan_json(&demo(), &[]);
    assert_eq!(code, 0);
    let errors = validate(
        &repo_root().join("schemas/aispm-report-v1.schema.json"),
        jsonschema::Draft::Draft7,
        &report,
    );
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report["stats"]["errors"], 0, "{:#?}", report["errors"]);

    // Every model, dataset and notebook in the estate is an asset with a digest.
    let assets = report["assets"].as_array().unwrap();
    let asset = |p: &str| assets.iter().find(|a| a["path"] == p);
    let mut expected = Vec::new();
    collect_ai_files(&demo(), &demo(), &mut expected);
    assert!(expected.len() >= 10, "{expected:?}");
    for rel in &expected {
        let a = asset(rel).unwrap_or_else(|| panic!("{rel} is not an asset"));
        assert_eq!(a["sha256"].as_str().unwrap().len(), 64, "{rel}");
        assert!(a["size"].as_u64().unwrap() > 0, "{rel}");
    }
    // Metadata read from headers.
    let st = asset("models/classifier/model.safetensors").unwrap();
    assert!(st["properties"]["tensor_count"].as_u64().unwrap() > 0);
    let gguf = asset("models/llm/tiny-chat.gguf").unwrap();
    assert_eq!(gguf["properties"]["architecture"], "llama");
    assert_eq!(gguf["properties"]["has_chat_template"], true);
    assert!(asset("models/onnx/classifier.onnx").unwrap()["properties"]["opsets"].is_array());
    assert_eq!(
        asset("models/legacy/checkpoint.pt").unwrap()["format"],
        "pytorch-zip"
    );
    assert_eq!(asset("notebooks/eval.ipynb").unwrap()["kind"], "notebook");
    assert_eq!(asset("data/train.csv").unwrap()["kind"], "dataset");
    let kinds: Vec<&str> = assets.iter().filter_map(|a| a["kind"].as_str()).collect();
    for k in ["model-card", "model-config", "hf-cache-repo"] {
        assert!(kinds.contains(&k), "no {k} asset");
    }
    let repo = assets
        .iter()
        .find(|a| a["kind"] == "hf-cache-repo")
        .unwrap();
    assert_eq!(repo["properties"]["repo_id"], "demo-org/tiny-bert");
    // Blobs in the Hugging Face cache carry their repository.
    assert!(
        assets
            .iter()
            .any(|a| a["path"].as_str().unwrap().contains("/blobs/")
                && a["properties"]["hf_repo"] == "demo-org/tiny-bert")
    );
}

/// Regular files of the estate whose content is a model, dataset or notebook, by the
/// names a person would use to list them (the engine itself types by content).
fn collect_ai_files(base: &Path, dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            collect_ai_files(base, &p, out);
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        let rel = p
            .strip_prefix(base)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        let ai = matches!(
            ext,
            "safetensors"
                | "pt"
                | "pth"
                | "pkl"
                | "gguf"
                | "npy"
                | "npz"
                | "keras"
                | "h5"
                | "onnx"
                | "csv"
                | "tsv"
                | "jsonl"
                | "parquet"
                | "ipynb"
                | "joblib"
        ) || (rel.contains("/blobs/") && !std::fs::read(&p).unwrap().starts_with(b"{"));
        if ai {
            out.push(rel);
        }
    }
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let out = aispm()
        .arg("scan")
        .arg(demo())
        .args(["--format", "sarif", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = validate(
        &repo_root().join("crates/aispm-report/tests/schemas/sarif-2.1.0.json"),
        jsonschema::Draft::Draft4,
        &sarif,
    );
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn exit_codes_gate_ci() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "bundle.zip",
        &aispm_fixtures::archive::zip_traversal(),
    );
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "notes.txt", b"nothing here\n");

    // 0: no --fail-on, or nothing at or above it.
    aispm()
        .args(["scan", "--quiet"])
        .arg(d.path())
        .assert()
        .code(0);
    aispm()
        .args(["scan", "--quiet", "--fail-on", "critical"])
        .arg(d.path())
        .assert()
        .code(0);
    aispm()
        .args(["scan", "--quiet", "--fail-on", "low"])
        .arg(clean.path())
        .assert()
        .code(0);
    // 1: a finding at or above the threshold remains.
    aispm()
        .args(["scan", "--quiet", "--fail-on", "high"])
        .arg(d.path())
        .assert()
        .code(1);
    // Suppressed findings do not fail the build.
    aispm()
        .args(["scan", "--quiet", "--fail-on", "low", "--ignore", "ART"])
        .arg(d.path())
        .assert()
        .code(0);
    // 2: usage and fatal errors.
    aispm()
        .args(["scan", "--quiet"])
        .arg(d.path().join("missing"))
        .assert()
        .code(2);
    aispm()
        .args(["scan", "--quiet", "--format", "xml"])
        .arg(d.path())
        .assert()
        .code(2);
    aispm()
        .args(["scan", "--quiet", "--fail-on", "severe"])
        .arg(d.path())
        .assert()
        .code(2);
    aispm()
        .args(["scan", "--quiet", "--select", "NOPE1"])
        .arg(d.path())
        .assert()
        .code(2);
    aispm().args(["frobnicate"]).assert().code(2);
    aispm().args(["scan"]).assert().code(2);
    let bad = tempfile::tempdir().unwrap();
    write(bad.path(), "aispm.toml", b"[scan]\nselekt = 1\n");
    aispm()
        .args(["scan", "--quiet"])
        .arg(bad.path())
        .assert()
        .code(2);
}

#[test]
fn rules_and_explain() {
    let out = aispm()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "ART001"));
    for r in rules {
        assert!(!r["frameworks"].as_array().unwrap().is_empty(), "{r}");
    }
    let table = aispm().args(["rules"]).output().unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("ART002"));
    let doc = aispm().args(["explain", "art001"]).output().unwrap();
    assert!(doc.status.success());
    let doc = String::from_utf8_lossy(&doc.stdout);
    for h in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Remediation",
        "LLM10:2025",
    ] {
        assert!(doc.contains(h), "missing {h}");
    }
    aispm().args(["explain", "XYZ999"]).assert().code(2);
}

#[test]
fn table_folds_low_findings_unless_asked() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "app/requirements.txt", b"openai\nanthropic\n");
    let app = d.path().join("app");
    let table = |extra: &[&str]| {
        let out = aispm()
            .args(["scan", "--quiet", "--color", "never"])
            .args(extra)
            .arg(&app)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    // (DEP004 may fold the manifest's packages into one finding: counts are not
    // asserted.)
    let folded = table(&[]);
    assert!(
        folded.contains("), folded: --show-low lists them\n  DEP004  "),
        "{folded}"
    );
    assert!(folded.contains(" in 1 file: "), "{folded}");
    assert!(!folded.contains("DEP004  requirements.txt"), "{folded}");
    assert!(folded.contains("SUMMARY"));
    for flag in ["--show-low", "--verbose", "-v"] {
        let listed = table(&[flag]);
        assert!(!listed.contains("folded"), "{flag}: {listed}");
        assert!(
            listed.contains("DEP004  requirements.txt:"),
            "{flag}: {listed}"
        );
    }
    // JSON carries everything whatever the table options.
    let (plain, _) = scan_json(&app, &[]);
    let (verbose, _) = scan_json(&app, &["--verbose", "--show-low"]);
    assert_eq!(plain["findings"], verbose["findings"]);
    assert!(!plain["findings"].as_array().unwrap().is_empty());
}

#[test]
fn table_output_file_config_and_baseline() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "repo/bundle.zip",
        &aispm_fixtures::archive::zip_traversal(),
    );
    write(
        d.path(),
        "repo/models/m.pkl",
        b"\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00}\x94.",
    );
    let repo = d.path().join("repo");

    // (The pickle is a well-formed empty dict: FRAME declares exactly its 3 bytes.)
    // Table to a file: no colour codes, a summary line.
    let out_file = d.path().join("report.txt");
    aispm()
        .args(["scan", "--quiet", "--color", "never", "--output"])
        .arg(&out_file)
        .arg(&repo)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert!(text.contains("ART002"));
    assert!(!text.contains('\u{1b}'));

    // Baseline: write, then only new findings remain.
    let baseline = d.path().join("baseline.json");
    aispm()
        .args(["scan", "--quiet", "--write-baseline"])
        .arg(&baseline)
        .arg(&repo)
        .assert()
        .code(0);
    aispm()
        .args(["scan", "--quiet", "--fail-on", "low", "--baseline"])
        .arg(&baseline)
        .arg(&repo)
        .assert()
        .code(0);
    write(
        d.path(),
        "repo/new.zip",
        &aispm_fixtures::archive::zip_traversal(),
    );
    let (report, code) = scan_json(
        &repo,
        &["--fail-on", "low", "--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| *p == "new.zip"), "{paths:?}");
    assert!(report["stats"]["suppressed"].as_u64().unwrap() >= 1);

    // aispm.toml above the scan root is found and applied.
    write(
        d.path(),
        "aispm.toml",
        b"[scan]\nignore = [\"ART002\"]\nfail_on = \"low\"\n",
    );
    let (report, code) = scan_json(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert!(
        report["scan"]["config"]
            .as_str()
            .unwrap()
            .ends_with("aispm.toml")
    );
    let (_, code) = scan_json(&repo, &["--no-config", "--fail-on", "low"]);
    assert_eq!(code, 1);
}

#[test]
fn hostile_inputs_produce_records_and_the_scan_finishes() {
    let d = tempfile::tempdir().unwrap();
    // 10 KB-class zip declaring 10 GB.
    let bomb = aispm_fixtures::archive::zip_bomb_overlapping(1000, 10_000_000);
    write(d.path(), "bomb.zip", &bomb);
    write(
        d.path(),
        "slip.zip",
        &aispm_fixtures::archive::zip_traversal(),
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink("loop", d.path().join("loop")).unwrap();
    #[cfg(unix)]
    let _sock = std::os::unix::net::UnixListener::bind(d.path().join("unreadable.sock")).unwrap();
    let (report, code) = scan_json(d.path(), &[]);
    assert_eq!(code, 0);
    let has = |rule: &str, path: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule_id"] == rule && f["path"] == path)
    };
    assert!(has("ART001", "bomb.zip"));
    assert!(has("ART002", "slip.zip"));
    let errors = report["errors"].as_array().unwrap();
    #[cfg(unix)]
    {
        assert!(
            errors
                .iter()
                .any(|e| e["path"] == "loop" && e["kind"] == "symlink")
        );
        assert!(
            errors
                .iter()
                .any(|e| e["path"] == "unreadable.sock" && e["kind"] == "io")
        );
    }
    let _ = errors;
}

#[test]
fn several_roots_keep_their_prefix() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    write(a.path(), "x.zip", &aispm_fixtures::archive::zip_traversal());
    write(b.path(), "y.zip", &aispm_fixtures::archive::zip_traversal());
    let out = aispm()
        .args(["scan", "--quiet", "--format", "json"])
        .arg(a.path())
        .arg(b.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert!(
        paths.iter().any(
            |p| p.ends_with("/x.zip") && p.starts_with(&a.path().to_string_lossy().to_string())
        )
    );
    assert!(paths.iter().any(|p| p.ends_with("/y.zip")));
    // A single file as root is named by its file name.
    let (v, _) = scan_json(&a.path().join("x.zip"), &[]);
    assert_eq!(v["findings"][0]["path"], "x.zip");
}

#[test]
fn demo_estate_shows_code_dependency_and_agent_risks() {
    let (report, _) = scan_json(&demo(), &[]);
    let findings = report["findings"].as_array().unwrap();
    let has = |rule: &str, path: &str| {
        findings
            .iter()
            .any(|f| f["rule_id"] == rule && f["path"] == path)
    };
    // Model output run by a shell; unsafe model loading in training code.
    assert!(has("CODE002", "app/chat.py"));
    assert!(has("CODE010", "training/train.py"));
    assert!(has("CODE014", "training/train.py"));
    // A pinned dependency with a known advisory, and a range admitting vulnerable ones.
    assert!(has("DEP001", "app/requirements.txt"));
    assert!(has("DEP003", "app/requirements.txt"));
    // The MCP configuration: a credential inline, an unpinned `npx -y` server, a
    // filesystem server rooted at `/` and a remote server over plain HTTP.
    assert!(has("SEC101", "agents/.mcp.json"));
    assert!(has("MCP001", "agents/.mcp.json"));
    assert!(has("MCP003", "agents/.mcp.json"));
    assert!(has("MCP005", "agents/.mcp.json"));
    let assets = report["assets"].as_array().unwrap();
    assert!(assets.iter().any(|a| a["kind"] == "ai-sdk-usage"
        && a["path"] == "app/chat.py"
        && a["properties"]["sdk"] == "openai"));
    assert!(
        assets
            .iter()
            .any(|a| a["kind"] == "model-reference" && a["properties"]["model"] == "gpt-4o-mini")
    );
}

/// An error's cause is printed once: the message already holds the system's words.
#[test]
fn an_unreadable_configuration_is_reported_once() {
    let missing = repo_root().join("no-such-dir").join("aispm.toml");
    let out = aispm()
        .args(["scan", "."])
        .arg("--config")
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read"), "{err}");
    assert_eq!(err.matches("(os error 2)").count(), 1, "{err}");
}

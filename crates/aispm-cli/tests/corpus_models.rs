//! The model corpus (`../shared/corpus/models`): the foundation's guarantee is that
//! every model file is inventoried (or recorded as an error, never skipped silently)
//! and that the scan of hostile files finishes. Detection figures are printed for
//! information; the model analyzers assert their own thresholds.

use aispm_core::{Category, Severity};
use aispm_corpus::{corpus_folder, evaluate_files, is_same_or_member, load_file_labels, run_scan};
use std::path::Path;

const MODEL_FORMATS: &[&str] = &[
    "pickle",
    "pytorch",
    "pytorch-zip",
    "pytorch-legacy",
    "pytorch-tar",
    "numpy",
    "npz",
    "joblib",
    "keras",
    "keras-h5",
    "tf-savedmodel",
    "onnx",
    "gguf",
    "safetensors",
];

#[test]
fn model_corpus_is_inventoried_and_nothing_is_skipped_silently() {
    let Some(folder) = corpus_folder("models") else {
        return;
    };
    let labels = load_file_labels(&folder).unwrap();
    let report = run_scan(Path::new(env!("CARGO_BIN_EXE_aispm")), &folder, &[]).unwrap();

    let model_labels: Vec<_> = labels
        .iter()
        .filter(|l| MODEL_FORMATS.contains(&l.format.as_str()))
        .collect();
    let mut missing = Vec::new();
    for l in &model_labels {
        let seen = report
            .assets
            .iter()
            .any(|a| is_same_or_member(&a.path, &l.path))
            || report
                .errors
                .iter()
                .any(|e| is_same_or_member(&e.path, &l.path))
            || report
                .findings
                .iter()
                .any(|f| is_same_or_member(&f.path, &l.path));
        if !seen {
            missing.push(format!("{} [{}]", l.path, l.format));
        }
    }
    let coverage = 1.0 - missing.len() as f64 / model_labels.len() as f64;
    println!(
        "model corpus inventory: {}/{} model files recorded ({coverage:.3}); {} assets, {} findings, {} errors",
        model_labels.len() - missing.len(),
        model_labels.len(),
        report.assets.len(),
        report.findings.len(),
        report.errors.len()
    );
    for m in &missing {
        println!("  not recorded: {m}");
    }
    let ev = evaluate_files(&report, &labels, Severity::Medium, &[Category::Model]);
    print!("{}", ev.summary().lines().next().unwrap_or_default());
    println!();
    assert!(
        coverage >= 0.97,
        "inventory coverage {coverage:.3} below 0.97"
    );
    // Archive attacks the engine itself must report.
    for (rule, label_path_part) in [("ART001", "zip_bomb"), ("ART002", "traversal")] {
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule_id == rule && f.path.contains(label_path_part)),
            "{rule} not reported on any file named like {label_path_part}"
        );
    }
}

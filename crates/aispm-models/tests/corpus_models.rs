//! Acceptance on the model corpus (`../shared/corpus/models`, read in place): every
//! file labelled malicious gets a critical or high finding, every unsafe file at least
//! one finding, and no benign file a finding above low. Archive members count against
//! the labelled container. Prints the figures and the misses.

use aispm_core::{Category, Severity};
use aispm_corpus::{corpus_folder, evaluate_files, is_same_or_member, load_file_labels};
use aispm_engine::{ScanOptions, Scanner};

#[test]
fn model_corpus_thresholds() {
    let Some(folder) = corpus_folder("models") else {
        return;
    };
    let labels = load_file_labels(&folder).unwrap();
    let scanner = Scanner::new(aispm_models::analyzers(), ScanOptions::default()).unwrap();
    let report = scanner.scan(std::slice::from_ref(&folder), None);
    let all = [
        Category::Model,
        Category::Secret,
        Category::Pii,
        Category::Iac,
        Category::Code,
        Category::Dependency,
        Category::Agent,
        Category::Data,
        Category::Access,
    ];
    let high = evaluate_files(&report, &labels, Severity::High, &all);
    let any = evaluate_files(&report, &labels, Severity::Info, &all);
    let above_low = evaluate_files(&report, &labels, Severity::Medium, &all);
    println!(
        "model corpus: malicious with a high/critical finding {}/{} (recall {:.3}); unsafe with a finding {}/{}; benign with a finding above low {}/{} (FPR {:.3}); benign with any finding {}/{}",
        high.malicious_detected,
        high.malicious,
        high.true_positive_rate(),
        any.unsafe_detected,
        any.unsafe_total,
        above_low.benign_flagged,
        above_low.benign,
        above_low.false_positive_rate(),
        any.benign_flagged,
        any.benign,
    );
    for m in &high.missed {
        println!("  missed malicious: {m}");
    }
    for l in labels.iter().filter(|l| l.label == "unsafe") {
        if !report
            .findings
            .iter()
            .any(|f| is_same_or_member(&f.path, &l.path))
        {
            println!("  missed unsafe: {} [{}]", l.path, l.format);
        }
    }
    for f in &above_low.false_alarms {
        println!("  benign above low: {f}");
    }
    assert_eq!(
        high.malicious_detected, high.malicious,
        "every malicious file needs a high or critical finding"
    );
    assert_eq!(
        any.unsafe_detected, any.unsafe_total,
        "every unsafe file needs a finding"
    );
    assert_eq!(
        above_low.benign_flagged, 0,
        "no benign file may have a finding above low"
    );
}

//! The pickle analyzer through the engine: evidence reads like the call it found,
//! containers are followed, and ordinary checkpoints and data stay silent.

use aispm_engine::{ScanOptions, Scanner};
use aispm_fixtures::pickle::{
    benign_state_dict_pickle, malicious_os_system_pickle_v4, plain_data_pickle,
};
use aispm_fixtures::{npy, pytorch_zip};

fn scan(files: &[(&str, Vec<u8>)]) -> aispm_core::ScanReport {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let scanner = Scanner::new(aispm_models::analyzers(), ScanOptions::default()).unwrap();
    scanner.scan(&[dir.path().to_path_buf()], None)
}

#[test]
fn evidence_is_the_call_and_members_are_followed() {
    let payload = malicious_os_system_pickle_v4("echo aispm-demo");
    let report = scan(&[
        ("model.pt", pytorch_zip("archive", &payload, &[])),
        ("renamed.txt", payload.clone()),
    ]);
    for path in ["model.pt!archive/data.pkl", "renamed.txt"] {
        let f = report
            .findings
            .iter()
            .find(|f| f.path == path && f.rule_id == "MDL001")
            .unwrap_or_else(|| panic!("no MDL001 on {path}: {:#?}", report.findings));
        assert_eq!(f.evidence.as_deref(), Some("os.system('echo aispm-demo')"));
    }
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
}

#[test]
fn ordinary_files_are_silent() {
    let storages: [(&str, &[u8]); 2] = [("0", &[0u8; 16]), ("1", &[0u8; 8])];
    let report = scan(&[
        (
            "model.pt",
            pytorch_zip("archive", &benign_state_dict_pickle(), &storages),
        ),
        ("config.pkl", plain_data_pickle()),
        ("weights.npy", npy("<f4", &[4], &[0u8; 16])),
    ]);
    let model: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id.starts_with("MDL"))
        .collect();
    assert!(model.is_empty(), "{model:#?}");
}

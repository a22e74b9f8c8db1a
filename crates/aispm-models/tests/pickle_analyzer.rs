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

/// A protocol-2 pickle that calls `n` different callables of unknown modules.
fn many_calls_pickle(n: usize) -> Vec<u8> {
    let mut p = vec![0x80, 2];
    for i in 0..n {
        p.extend_from_slice(format!("cpayload{i}\nrun\n").as_bytes());
        let arg = format!("echo call-{i}");
        p.push(b'X');
        p.extend_from_slice(&(arg.len() as u32).to_le_bytes());
        p.extend_from_slice(arg.as_bytes());
        p.extend_from_slice(&[0x85, b'R', b'0']);
    }
    p.extend_from_slice(b"N.");
    p
}

#[test]
fn findings_over_the_per_rule_cap_are_counted_not_dropped() {
    const RULE: &str = "MDL004";
    let report = scan(&[("many.pkl", many_calls_pickle(40))]);
    let calls: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == RULE)
        .collect();
    assert_eq!(calls.len(), 32, "{calls:#?}");
    let last = calls
        .iter()
        .find(|f| f.properties.contains_key("more_in_file"))
        .expect("the last listed finding counts the rest");
    assert_eq!(last.properties["more_in_file"], 8);
    assert!(last.message.contains("8 more"), "{}", last.message);
}

/// Sites past the machine's own cap (64 per list) are counted too: a hundred copyreg
/// extension codes give 32 findings, the last one counting the other 68.
#[test]
fn sites_past_the_machine_cap_are_counted_in_the_findings() {
    const RULE: &str = "MDL005";
    let mut p = vec![0x80, 2];
    for i in 0..100u8 {
        p.extend_from_slice(&[0x82, i]); // EXT1
    }
    p.push(b'.');
    let report = scan(&[("ext.pkl", p)]);
    let ext: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == RULE)
        .collect();
    assert_eq!(ext.len(), 32, "{:#?}", report.findings);
    let last = ext
        .iter()
        .find(|f| f.properties.contains_key("more_in_file"))
        .expect("the last listed finding counts the rest");
    assert_eq!(last.properties["more_in_file"], 68);
    assert!(last.message.contains("68 more"), "{}", last.message);
}

/// Embedded pickles past the cap are neither kept nor analysed: the finding counts them
/// and a limit error record says they were not analysed.
#[test]
fn embedded_pickles_past_the_cap_are_counted_and_reported() {
    let inner = aispm_fixtures::pickle::malicious_os_system_pickle("id");
    let mut w = aispm_fixtures::pickle::PickleWriter::new(4);
    w.empty_list().mark();
    for _ in 0..70 {
        w.bytes(&inner);
    }
    w.appends();
    let report = scan(&[("nested.pkl", w.finish())]);
    let embedded: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "MDL010")
        .collect();
    assert_eq!(embedded.len(), 32, "{:#?}", report.findings);
    let counted = embedded
        .iter()
        .find(|f| f.properties.contains_key("more_in_file"))
        .expect("the last listed finding counts the rest");
    assert_eq!(counted.properties["more_in_file"], 70 - 32);
    let limit: Vec<_> = report
        .errors
        .iter()
        .filter(|e| e.kind == aispm_core::ErrorKind::Limit)
        .collect();
    assert_eq!(limit.len(), 1, "{:#?}", report.errors);
    assert!(
        limit[0].message.contains("6 embedded pickles"),
        "{}",
        limit[0].message
    );
}

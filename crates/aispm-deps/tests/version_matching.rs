//! Dependency matching against known answers: (package, version) pairs judged against
//! real advisories of the bundled PyPA snapshot and a few synthetic OSV records for
//! what the real data lacks (epochs, npm semver). Every answer was worked out by hand
//! from the advisory's events; the cases cover pre-releases, post releases, dev
//! releases, local versions, epochs, normal-form spellings, multi-branch ranges,
//! `last_affected`, explicit version lists and versions that are not PEP 440.

use aispm_deps::db::AdvisoryDb;
use aispm_deps::osv::{AffectedMatcher, Ecosystem, Parsed, parse_record};

/// `(advisory ID, package, version, affected?)`.
const BUNDLED_CASES: &[(&str, &str, &str, bool)] = &[
    // torch: introduced 0, fixed 1.13.1.
    ("PYSEC-2022-43015", "torch", "0.4.1", true),
    ("PYSEC-2022-43015", "torch", "1.13.0", true),
    ("PYSEC-2022-43015", "torch", "1.13.1", false),
    ("PYSEC-2022-43015", "torch", "1.13.1rc1", true),
    ("PYSEC-2022-43015", "torch", "1.13.1.dev20221201", true),
    ("PYSEC-2022-43015", "torch", "1.13.1.post1", false),
    ("PYSEC-2022-43015", "torch", "1.13.0+cu117", true),
    ("PYSEC-2022-43015", "torch", "1.13.1+cu117", false),
    ("PYSEC-2022-43015", "torch", "2.0.0", false),
    ("PYSEC-2022-43015", "torch", "1!0.1", false),
    ("PYSEC-2022-43015", "Torch", "1.13.0-RC1", true),
    // tensorflow: [0, 2.2.0rc0) [2.2.0, 2.3.0rc0) [2.3.0, 2.3.4) [2.4.0, 2.4.3).
    ("PYSEC-2021-150", "tensorflow", "2.1.4", true),
    ("PYSEC-2021-150", "tensorflow", "2.2.0rc0", false),
    ("PYSEC-2021-150", "tensorflow", "2.2.0rc4", false),
    ("PYSEC-2021-150", "tensorflow", "2.2.0", true),
    ("PYSEC-2021-150", "tensorflow", "2.2.3", true),
    ("PYSEC-2021-150", "tensorflow", "2.3.0rc2", false),
    ("PYSEC-2021-150", "tensorflow", "2.3.3", true),
    ("PYSEC-2021-150", "tensorflow", "2.3.4", false),
    ("PYSEC-2021-150", "tensorflow", "2.4.0rc1", false),
    ("PYSEC-2021-150", "tensorflow", "2.4.2", true),
    ("PYSEC-2021-150", "tensorflow", "2.4.2+local.build", true),
    ("PYSEC-2021-150", "tensorflow", "2.4.3", false),
    ("PYSEC-2021-150", "tensorflow", "2.5.0", false),
    // django: introduced 1.7a0, fixed 1.7b4 (a range of pre-releases).
    ("PYSEC-2014-19", "django", "1.7a0", true),
    ("PYSEC-2014-19", "django", "1.7b3", true),
    ("PYSEC-2014-19", "django", "1.7b4", false),
    ("PYSEC-2014-19", "django", "1.7a0.dev1", false),
    ("PYSEC-2014-19", "django", "1.7", false),
    ("PYSEC-2014-19", "django", "1.3", false),
    ("PYSEC-2014-19", "django", "1.4.12", true),
    // py: introduced 0, last_affected 1.11.0.
    ("PYSEC-2022-42969", "py", "1.10", true),
    ("PYSEC-2022-42969", "py", "1.11.0", true),
    ("PYSEC-2022-42969", "py", "1.11", true),
    ("PYSEC-2022-42969", "py", "1.11.0+deb1", true),
    ("PYSEC-2022-42969", "py", "1.11.0.post1", false),
    ("PYSEC-2022-42969", "py", "1.11.1", false),
    // beaker: fixed in a post release, 1.6.5.post1.
    ("PYSEC-2012-1", "beaker", "1.6.5", true),
    ("PYSEC-2012-1", "beaker", "1.6.5.post0", true),
    ("PYSEC-2012-1", "beaker", "1.6.5.post1.dev0", true),
    ("PYSEC-2012-1", "beaker", "1.6.5.post1", false),
    ("PYSEC-2012-1", "beaker", "1.6.5-1", false),
    ("PYSEC-2012-1", "beaker", "1.6.5.rev2", false),
    // limnoria: fixed 2019.11.09, plus listed versions that are not PEP 440.
    ("PYSEC-2019-102", "limnoria", "2019.11.8", true),
    ("PYSEC-2019-102", "limnoria", "2019.11.09", false),
    ("PYSEC-2019-102", "limnoria", "2019.11.22", false),
    (
        "PYSEC-2019-102",
        "limnoria",
        "2013-01-21T20:33:09+0100",
        true,
    ),
    (
        "PYSEC-2019-102",
        "limnoria",
        "2099-01-01T00:00:00+0100",
        false,
    ),
    // langchain: introduced 0, fixed 0.1.11.
    ("PYSEC-2024-43", "langchain", "0.0.99rc0", true),
    ("PYSEC-2024-43", "langchain", "v0.1.10", true),
    ("PYSEC-2024-43", "langchain", "0.1.11", false),
    ("PYSEC-2024-43", "langchain", "0.1.11.0", false),
    ("PYSEC-2024-43", "langchain", "0.1.11a1", true),
    // Open ranges (introduced 0, no fix) with a version list: the list is trusted,
    // releases after it are not extrapolated into.
    ("PYSEC-2023-194", "langchain-experimental", "0.0.14", true),
    ("PYSEC-2023-194", "langchain-experimental", "0.3.2", true),
    ("PYSEC-2023-194", "langchain-experimental", "0.3.4", false),
    ("PYSEC-2023-235", "couchbase", "4.1.10", true),
    ("PYSEC-2023-235", "couchbase", "4.6.1", false),
    ("PYSEC-2023-154", "datasette", "1.0a3", true),
    ("PYSEC-2023-154", "datasette", "0.64.5", true),
    ("PYSEC-2023-154", "datasette", "0.65.1", false),
];

/// Synthetic records for epochs and npm ranges.
const EPOCH_RECORD: &str = r#"{"id": "TEST-EPOCH", "affected": [{"package": {"ecosystem": "PyPI", "name": "epochal"},
  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1!1.0"}, {"fixed": "1!2.0"}]}]}]}"#;
const NPM_RECORD: &str = r#"{"id": "TEST-NPM", "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
  "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.0.0"}, {"introduced": "5.0.0-rc.1"}, {"last_affected": "5.1.2"}]}]}]}"#;

/// An open range after a fixed one, with a list naming versions in the open part
/// only: the closed interval stands, the open one is the list.
const OPEN_TAIL_RECORD: &str = r#"{"id": "TEST-OPEN", "affected": [{"package": {"ecosystem": "PyPI", "name": "opentail"},
  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0"}, {"introduced": "2.0"}]}],
  "versions": ["0.5", "2.0", "2.1"]}]}"#;
/// The same without a list: the open range stands.
const OPEN_NO_LIST_RECORD: &str = r#"{"id": "TEST-OPEN-2", "affected": [{"package": {"ecosystem": "PyPI", "name": "opentail"},
  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}]}]}]}"#;

const SYNTHETIC_CASES: &[(&str, &str, bool)] = &[
    (OPEN_TAIL_RECORD, "0.9", true),
    (OPEN_TAIL_RECORD, "1.5", false),
    (OPEN_TAIL_RECORD, "2.1", true),
    (OPEN_TAIL_RECORD, "2.0.1", false),
    (OPEN_TAIL_RECORD, "3.0", false),
    (OPEN_NO_LIST_RECORD, "1.9", false),
    (OPEN_NO_LIST_RECORD, "9.0", true),
    (EPOCH_RECORD, "1!1.5", true),
    (EPOCH_RECORD, "1!1.0", true),
    (EPOCH_RECORD, "1.5", false),
    (EPOCH_RECORD, "1!2.0rc1", true),
    (EPOCH_RECORD, "1!2.0", false),
    (EPOCH_RECORD, "2!0.1", false),
    (NPM_RECORD, "3.9.9", true),
    (NPM_RECORD, "4.0.0-beta.1", true),
    (NPM_RECORD, "4.0.0", false),
    (NPM_RECORD, "v3.0.0+build.7", true),
    (NPM_RECORD, "4.9.9", false),
    (NPM_RECORD, "5.0.0-rc.0", false),
    (NPM_RECORD, "5.0.0-rc.1", true),
    (NPM_RECORD, "5.1.2", true),
    (NPM_RECORD, "5.1.3", false),
];

fn matchers_for(db: &AdvisoryDb, id: &str, package: &str) -> Vec<AffectedMatcher> {
    let eco = Ecosystem::PyPI;
    let normalized = eco.normalize(package);
    let a = db
        .for_package(eco, &normalized)
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("{id} for {package} is not in the bundled snapshot"));
    a.entries_for(eco, &normalized)
        .map(AffectedMatcher::new)
        .collect()
}

#[test]
fn version_matching_known_answers() {
    let db = AdvisoryDb::bundled();
    let mut wrong = Vec::new();
    let mut total = 0;
    for &(id, package, version, expected) in BUNDLED_CASES {
        total += 1;
        let got = matchers_for(db, id, package)
            .iter()
            .any(|m| m.affects(version));
        if got != expected {
            wrong.push(format!(
                "{package} {version} vs {id}: expected {expected}, got {got}"
            ));
        }
    }
    for &(record, version, expected) in SYNTHETIC_CASES {
        total += 1;
        let Parsed::Kept(a) = parse_record(record, false).unwrap() else {
            panic!("synthetic record not kept");
        };
        let got = a
            .affected
            .iter()
            .any(|e| AffectedMatcher::new(e).affects(version));
        if got != expected {
            wrong.push(format!(
                "{version} vs {}: expected {expected}, got {got}",
                a.id
            ));
        }
    }
    println!(
        "version matching: {total} pairs, {} right, {} wrong",
        total - wrong.len(),
        wrong.len()
    );
    assert!(total >= 40, "the acceptance set needs at least 40 pairs");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn open_range_list_entries_survive_import_and_every_version_records_are_told_apart() {
    let Parsed::Kept(a) = parse_record(OPEN_TAIL_RECORD, false).unwrap() else {
        panic!("not kept");
    };
    // 0.5 lies in the closed interval and is redundant; 2.0 and 2.1 bound the open one.
    assert_eq!(a.affected[0].versions, vec!["2.0", "2.1"]);
    let m = AffectedMatcher::new(&a.affected[0]);
    assert!(m.list_trusted() && !m.affects_every_version());
    let every = r#"{"id": "TEST-ALL", "affected": [{"package": {"ecosystem": "PyPI", "name": "x"},
  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}"#;
    let Parsed::Kept(a) = parse_record(every, false).unwrap() else {
        panic!("not kept");
    };
    let m = AffectedMatcher::new(&a.affected[0]);
    assert!(m.affects_every_version() && m.affects("0.0.1") && m.affects("99"));
    let db = AdvisoryDb::bundled();
    let m = matchers_for(db, "PYSEC-2023-194", "langchain-experimental");
    assert!(m.iter().any(AffectedMatcher::list_trusted));
    assert!(!m.iter().any(AffectedMatcher::affects_every_version));
}

#[test]
fn fixed_versions_are_named() {
    let db = AdvisoryDb::bundled();
    let m = matchers_for(db, "PYSEC-2021-150", "tensorflow");
    let fixed: Vec<Option<&str>> = ["2.1.0", "2.2.1", "2.3.1", "2.4.0+x", "2.5.0"]
        .iter()
        .map(|v| m.iter().find_map(|m| m.fixed_for(v)))
        .collect();
    assert_eq!(
        fixed,
        vec![
            Some("2.2.0rc0"),
            Some("2.3.0rc0"),
            Some("2.3.4"),
            Some("2.4.3"),
            None
        ]
    );
}

//! Bad input is normal input: every parser returns a value or an error on arbitrary
//! and adversarial text (deep nesting, alias bombs, huge lines), never panics, and
//! version algebra keeps its laws.

use aispm_deps::manifest::{self, ManifestKind, pep508};
use aispm_deps::osv::{parse_json_document, parse_record};
use aispm_deps::vset::{Bound, VersionSet};
use aispm_deps::{db::AdvisoryDb, pep440, semver};
use proptest::prelude::*;

const KINDS: [ManifestKind; 14] = [
    ManifestKind::Requirements,
    ManifestKind::Constraints,
    ManifestKind::Pyproject,
    ManifestKind::Pipfile,
    ManifestKind::PipfileLock,
    ManifestKind::PoetryLock,
    ManifestKind::UvLock,
    ManifestKind::PdmLock,
    ManifestKind::Pylock,
    ManifestKind::CondaEnvironment,
    ManifestKind::PackageJson,
    ManifestKind::PackageLock,
    ManifestKind::PnpmLock,
    ManifestKind::YarnLock,
];

fn parse_all(text: &str) {
    for k in KINDS {
        let _ = manifest::parse(k, text);
    }
}

/// Text made of the characters manifests are built from.
fn manifest_like() -> impl Strategy<Value = String> {
    "[a-z0-9_.@/:=<>!~^*,;#\\[\\]{}()\"' \n\t|+-]{0,400}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parsers_never_panic_on_any_text(s in "\\PC{0,300}") {
        parse_all(&s);
        let _ = parse_record(&s, true);
        let _ = parse_record(&s, false);
        let _ = parse_json_document(&s);
    }

    #[test]
    fn parsers_never_panic_on_manifest_like_text(s in manifest_like()) {
        parse_all(&s);
        let _ = pep508::parse(&s);
        let _ = pep508::classify_poetry(&s);
        let _ = pep508::parse_conda(&s);
        let _ = pep440::SpecifierSet::parse(&s);
        let _ = semver::parse_range(&s);
    }

    #[test]
    fn versions_roundtrip_through_their_normal_form(
        epoch in 0u64..3, rel in prop::collection::vec(0u64..30, 1..5),
        pre in prop::option::of((0usize..3, 0u64..5)), post in prop::option::of(0u64..5),
        dev in prop::option::of(0u64..5), local in prop::option::of("[a-z0-9]{1,6}(\\.[a-z0-9]{1,4}){0,2}"),
    ) {
        let mut s = String::new();
        if epoch > 0 { s.push_str(&format!("{epoch}!")); }
        s.push_str(&rel.iter().map(u64::to_string).collect::<Vec<_>>().join("."));
        if let Some((k, n)) = pre { s.push_str(&format!("{}{n}", ["a", "b", "rc"][k])); }
        if let Some(n) = post { s.push_str(&format!(".post{n}")); }
        if let Some(n) = dev { s.push_str(&format!(".dev{n}")); }
        if let Some(l) = &local { s.push_str(&format!("+{l}")); }
        let v = pep440::Version::parse(&s).unwrap();
        let again = pep440::Version::parse(&v.to_string()).unwrap();
        prop_assert_eq!(&v, &again);
        prop_assert_eq!(v.to_string(), again.to_string());
    }

    #[test]
    fn version_order_is_total_and_consistent(
        a in "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}((a|b|rc)[0-9])?(\\.post[0-9])?(\\.dev[0-9])?",
        b in "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}((a|b|rc)[0-9])?(\\.post[0-9])?(\\.dev[0-9])?",
        c in "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}((a|b|rc)[0-9])?(\\.post[0-9])?(\\.dev[0-9])?",
    ) {
        let (a, b, c) = (
            pep440::Version::parse(&a).unwrap(),
            pep440::Version::parse(&b).unwrap(),
            pep440::Version::parse(&c).unwrap(),
        );
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        if a <= b && b <= c { prop_assert!(a <= c); }
    }

    #[test]
    fn set_algebra_agrees_with_membership(
        xs in prop::collection::vec((0u32..20, 0u32..20, any::<bool>(), any::<bool>()), 0..4),
        ys in prop::collection::vec((0u32..20, 0u32..20, any::<bool>(), any::<bool>()), 0..4),
        probe in 0u32..21,
    ) {
        let build = |v: &[(u32, u32, bool, bool)]| {
            v.iter().fold(VersionSet::empty(), |acc, &(a, b, li, hi)| {
                let lo = if li { Bound::Included(a) } else { Bound::Excluded(a) };
                let hi = if hi { Bound::Included(b) } else { Bound::Excluded(b) };
                acc.union(&VersionSet::interval(lo, hi))
            })
        };
        let (x, y) = (build(&xs), build(&ys));
        prop_assert_eq!(x.union(&y).contains(&probe), x.contains(&probe) || y.contains(&probe));
        prop_assert_eq!(x.intersect(&y).contains(&probe), x.contains(&probe) && y.contains(&probe));
        prop_assert_eq!(x.complement().contains(&probe), !x.contains(&probe));
        prop_assert_eq!(x.difference(&y).contains(&probe), x.contains(&probe) && !y.contains(&probe));
    }

    #[test]
    fn database_reader_rejects_garbage(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = AdvisoryDb::read(&bytes, false);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep_json = format!("{{\"dependencies\": {}", "[".repeat(200_000));
    for k in [
        ManifestKind::PackageJson,
        ManifestKind::PackageLock,
        ManifestKind::PipfileLock,
    ] {
        assert!(manifest::parse(k, &deep_json).is_err());
    }
    let deep_toml = format!("[project]\ndependencies = {}", "[".repeat(200_000));
    for k in [
        ManifestKind::Pyproject,
        ManifestKind::Pipfile,
        ManifestKind::UvLock,
    ] {
        assert!(manifest::parse(k, &deep_toml).is_err());
    }
    let deep_yaml = format!("dependencies: {}", "[".repeat(200_000));
    for k in [ManifestKind::CondaEnvironment, ManifestKind::PnpmLock] {
        assert!(manifest::parse(k, &deep_yaml).is_err());
    }
    // A v1 package-lock nested beyond the walker's depth.
    let mut lock = String::from("{\"lockfileVersion\": 1, \"dependencies\": ");
    for _ in 0..100 {
        lock.push_str("{\"a\": {\"version\": \"1.0.0\", \"dependencies\": ");
    }
    lock.push_str("{}");
    for _ in 0..100 {
        lock.push_str("}}");
    }
    lock.push('}');
    assert!(manifest::parse(ManifestKind::PackageLock, &lock).is_err());
}

#[test]
fn yaml_alias_bombs_are_refused() {
    let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        y.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    y.push_str("dependencies: *a9\npackages: *a9\n");
    assert!(manifest::parse(ManifestKind::CondaEnvironment, &y).is_err());
    assert!(manifest::parse(ManifestKind::PnpmLock, &y).is_err());
    assert!(parse_record(&format!("id: X\n{y}"), true).is_err());
}

#[test]
fn huge_and_odd_lines_are_bounded() {
    let long = "a".repeat(2_000_000);
    let p = manifest::parse(
        ManifestKind::YarnLock,
        &format!("{long}@1:\n  version \"1.0.0\"\n"),
    )
    .unwrap();
    assert!(p.deps.is_empty());
    let p = manifest::parse(ManifestKind::Requirements, &format!("{long}==1.0\n")).unwrap();
    assert_eq!(p.deps.len(), 1);
    assert!(pep440::Version::parse(&"1.".repeat(10_000)).is_err());
    assert!(semver::parse_range(&"1.0.0 || ".repeat(10_000)).is_err());
    // Non-ASCII where names and versions are expected.
    parse_all("é@1:\n  version \"1.0.0\"\n\"@é/x@1\":\n  version: 1.0.0\n");
    parse_all("ünïcode==1.0 ; python_version > '3'\n");
    assert!(pep440::Version::parse("１.０").is_err());
}

#[test]
fn many_entries_stay_fast_enough_to_not_need_a_clock() {
    // A 60k-entry lock is parsed and indexed in one pass (lines are found through a
    // map, not by searching the text per entry).
    let mut lock = String::from("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n");
    for i in 0..60_000 {
        lock.push_str(&format!(
            "    \"node_modules/pkg{i}\": {{\"version\": \"1.0.{i}\"}},\n"
        ));
    }
    lock.push_str("    \"node_modules/last\": {\"version\": \"1.0.0\"}\n  }\n}\n");
    let p = manifest::parse(ManifestKind::PackageLock, &lock).unwrap();
    assert_eq!(p.deps.len(), 60_001);
    assert!(p.deps.iter().all(|d| d.line.is_some()));
}

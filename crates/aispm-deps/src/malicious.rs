//! Known-malicious AI packages and releases, and names that imitate AI packages.
//!
//! [`CURATED`] lists incidents with a public primary source; each becomes an
//! advisory with an `AISPM-MAL-` ID and is matched like any OSV record (so a release
//! list or "every version" both work). OSV `MAL-` records from an imported osv.dev
//! export are treated the same way.
//!
//! [`lookalike`] flags a dependency whose name is a confusable variant of an AI
//! package's name: two neighbouring letters swapped, a letter doubled, a double
//! letter written once, a digit for a look-alike letter (`0`/`o`, `1`/`l`/`i`),
//! `rn` for `m`, `vv` for `w`, or the name with a separator added or removed. Plain
//! one-letter substitutions are not flagged: too many real packages are one letter
//! apart. Names of real, widely used packages that happen to be that close are
//! listed in [`NOT_LOOKALIKES`] (checked against a list of PyPI and npm names).

use crate::ai;
use crate::osv::{
    Advisory, Affected, DatabaseSpecific, Ecosystem, Event, Package, Range, Reference,
};

/// A known-malicious package or compromised release.
pub struct KnownMalicious {
    pub id: &'static str,
    pub ecosystem: Ecosystem,
    pub name: &'static str,
    /// Compromised releases; empty when every release is malicious.
    pub versions: &'static [&'static str],
    pub what: &'static str,
    pub references: &'static [&'static str],
}

pub static CURATED: &[KnownMalicious] = &[
    KnownMalicious {
        id: "AISPM-MAL-2022-0001",
        ecosystem: Ecosystem::PyPI,
        name: "torchtriton",
        versions: &[],
        what: "dependency-confusion package on PyPI that shadowed PyTorch nightly's \
torchtriton dependency and uploaded system data and files (December 2022)",
        references: &["https://pytorch.org/blog/compromised-nightly-dependency/"],
    },
    KnownMalicious {
        id: "AISPM-MAL-2024-0001",
        ecosystem: Ecosystem::PyPI,
        name: "ultralytics",
        versions: &["8.3.41", "8.3.42", "8.3.45", "8.3.46"],
        what: "releases published to PyPI with injected code that downloads and runs a \
cryptocurrency miner (December 2024; 8.3.47 and later are clean)",
        references: &[
            "https://github.com/ultralytics/ultralytics/issues/18027",
            "https://github.com/ultralytics/ultralytics/pull/18018",
        ],
    },
    KnownMalicious {
        id: "AISPM-MAL-2026-0001",
        ecosystem: Ecosystem::PyPI,
        name: "litellm",
        versions: &["1.82.7", "1.82.8"],
        what: "releases uploaded to PyPI from a hijacked maintainer account with a \
credential stealer (1.82.8 through a .pth file that runs at every Python start; March 2026)",
        references: &[
            "https://github.com/BerriAI/litellm/issues/24518",
            "https://github.com/BerriAI/litellm/issues/24521",
        ],
    },
];

/// The curated entries as OSV-shaped advisories.
pub fn curated_advisories() -> Vec<Advisory> {
    CURATED
        .iter()
        .map(|k| Advisory {
            id: k.id.to_string(),
            modified: None,
            aliases: Vec::new(),
            affected: vec![Affected {
                package: Package {
                    ecosystem: k.ecosystem,
                    name: k.name.to_string(),
                },
                ranges: if k.versions.is_empty() {
                    vec![Range {
                        kind: "ECOSYSTEM".into(),
                        events: vec![Event {
                            introduced: Some("0".into()),
                            ..Event::default()
                        }],
                    }]
                } else {
                    Vec::new()
                },
                versions: k.versions.iter().map(|v| v.to_string()).collect(),
            }],
            severity: Vec::new(),
            database_specific: Some(DatabaseSpecific {
                severity: Some("CRITICAL".into()),
            }),
            references: k
                .references
                .iter()
                .map(|u| Reference {
                    kind: "REPORT".into(),
                    url: u.to_string(),
                })
                .collect(),
        })
        .collect()
}

/// The description of a curated entry.
pub fn curated_description(id: &str) -> Option<&'static str> {
    CURATED.iter().find(|k| k.id == id).map(|k| k.what)
}

/// Real packages whose names are confusable with an AI package's name by the rules
/// above, found by running [`lookalike`] over the PyPI and npm name lists and keeping
/// the widely used ones and those published by the same organisation.
pub static NOT_LOOKALIKES: &[(Ecosystem, &str)] = &[
    // LMFlow, a fine-tuning toolkit (not MLflow).
    (Ecosystem::PyPI, "lmflow"),
    // A SOPS companion tool (not skops).
    (Ecosystem::PyPI, "ksops"),
];

/// How a name imitates an AI package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookalike {
    /// The AI package imitated.
    pub target: &'static str,
    /// What differs.
    pub how: &'static str,
}

fn without_separators(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .collect()
}

/// Whether `target` without its separators is `bare` (already without them).
fn same_without_separators(bare: &str, target: &str) -> bool {
    target
        .bytes()
        .filter(|c| !matches!(c, b'-' | b'_' | b'.'))
        .eq(bare.bytes())
}

fn is_transposition(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let Some(i) = (0..a.len()).find(|&i| a[i] != b[i]) else {
        return false;
    };
    i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
}

/// `long` is `short` with one byte inserted; returns the insertion index.
fn insertion_at(short: &[u8], long: &[u8]) -> Option<usize> {
    if long.len() != short.len() + 1 {
        return None;
    }
    let i = (0..short.len())
        .find(|&i| short[i] != long[i])
        .unwrap_or(short.len());
    (short[i..] == long[i + 1..]).then_some(i)
}

fn homoglyph(a: u8, b: u8) -> bool {
    matches!(
        (a, b),
        (b'0', b'o') | (b'o', b'0') | (b'1', b'l') | (b'l', b'1') | (b'1', b'i') | (b'i', b'1')
    )
}

fn is_homoglyph_swap(name: &[u8], target: &[u8]) -> bool {
    if name.len() == target.len() {
        let mut differs = false;
        for (&a, &b) in name.iter().zip(target) {
            if a != b {
                if !homoglyph(a, b) {
                    return false;
                }
                differs = true;
            }
        }
        return differs;
    }
    // rn ↔ m, vv ↔ w: `name` is `target` with one `from` written as `to`.
    let replaced = |from: &[u8], to: &[u8]| {
        name.len() + from.len() == target.len() + to.len()
            && (0..target.len()).any(|i| {
                target[i..].starts_with(from)
                    && name[..i] == target[..i]
                    && name[i..].starts_with(to)
                    && name[i + to.len()..] == target[i + from.len()..]
            })
    };
    replaced(b"m", b"rn") || replaced(b"w", b"vv") || replaced(b"rn", b"m") || replaced(b"vv", b"w")
}

/// Whether `name` (normalised) imitates an AI package of its ecosystem.
pub fn lookalike(eco: Ecosystem, name: &str) -> Option<Lookalike> {
    if ai::category(eco, name).is_some() || NOT_LOOKALIKES.contains(&(eco, name)) {
        return None;
    }
    // npm scopes: compare the whole name; a scope cannot be typed by accident.
    let n = name.as_bytes();
    // Computed once: every package of a lock file is compared with every target.
    let bare = without_separators(name);
    for target in ai::exact_names(eco) {
        let t = target.as_bytes();
        // Very short names are not compared, nor a scoped name with a name of the
        // same scope (one organisation publishes both).
        if t.len() < 5
            || target.starts_with('@') != name.starts_with('@')
            || (target.starts_with('@') && target.split('/').next() == name.split('/').next())
        {
            continue;
        }
        if n.len().abs_diff(t.len()) > 1 {
            // Every edit below changes the length by at most one.
            if name.len() >= 5 && name != target && same_without_separators(&bare, target) {
                return Some(Lookalike {
                    target,
                    how: "separators changed",
                });
            }
            continue;
        }
        if is_transposition(n, t) {
            return Some(Lookalike {
                target,
                how: "two neighbouring letters swapped",
            });
        }
        if let Some(i) = insertion_at(t, n) {
            let inserted = n[i];
            let doubled = (i > 0 && n[i - 1] == inserted) || n.get(i + 1) == Some(&inserted);
            if doubled && inserted.is_ascii_alphanumeric() {
                return Some(Lookalike {
                    target,
                    how: "a letter doubled",
                });
            }
            if matches!(inserted, b'-' | b'_' | b'.') {
                return Some(Lookalike {
                    target,
                    how: "a separator added",
                });
            }
        }
        if let Some(i) = insertion_at(n, t) {
            if matches!(t[i], b'-' | b'_' | b'.') && t.len() >= 7 {
                return Some(Lookalike {
                    target,
                    how: "a separator removed",
                });
            }
            // One letter of a double dropped (`litelm`); other drops are too often
            // real names (`dataset`, `outline`).
            let of_double = (i > 0 && t[i - 1] == t[i]) || t.get(i + 1) == Some(&t[i]);
            if of_double && t[i].is_ascii_alphabetic() {
                return Some(Lookalike {
                    target,
                    how: "a double letter written once",
                });
            }
        }
        if is_homoglyph_swap(n, t) {
            return Some(Lookalike {
                target,
                how: "look-alike characters",
            });
        }
        if name.len() >= 5 && name != target && same_without_separators(&bare, target) {
            return Some(Lookalike {
                target,
                how: "separators changed",
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookalikes() {
        let l = |n: &str| lookalike(Ecosystem::PyPI, n).map(|l| (l.target, l.how));
        assert_eq!(l("transfromers").unwrap().0, "transformers");
        assert_eq!(l("langchainn").unwrap().0, "langchain");
        assert_eq!(l("litelm").unwrap().0, "litellm");
        assert_eq!(l("langchan"), None, "a dropped letter alone is too common");
        assert_eq!(l("dataset"), None);
        assert_eq!(l("torch-vision").unwrap().0, "torchvision");
        assert_eq!(l("0penai").unwrap().0, "openai");
        assert_eq!(l("open-ai").unwrap().0, "openai");
        assert_eq!(l("llamaindex").unwrap().0, "llama-index");
        assert_eq!(l("anthroplc"), None, "plain substitutions are not flagged");
        assert_eq!(l("langchain"), None);
        assert_eq!(l("langchain-openai"), None);
        assert_eq!(l("requests"), None);
        assert_eq!(l("torc"), None, "short names are not compared");
        assert_eq!(
            lookalike(Ecosystem::Npm, "@langchain/openaii"),
            None,
            "scoped family members are AI packages"
        );
        assert_eq!(
            lookalike(Ecosystem::Npm, "openia").map(|l| l.target),
            Some("openai")
        );
    }

    #[test]
    fn curated_entries_are_well_formed() {
        for a in curated_advisories() {
            assert!(a.is_malicious());
            assert!(!a.references.is_empty());
        }
    }
}

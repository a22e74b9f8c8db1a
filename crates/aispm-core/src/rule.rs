//! Rules: stable IDs, metadata, user documentation and framework mappings.

use crate::framework::{Control, ControlRef};
use crate::severity::{Category, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A detection rule. Declared as a `static` in the file that implements it; its
/// ID never changes once released.
///
/// The documentation follows one shape for every rule: *What it does*, *Why is this
/// bad?*, *Example*, *Remediation*.
#[derive(Debug)]
pub struct Rule {
    /// Stable identifier: three or four upper-case letters and three digits (`MDL001`).
    pub id: &'static str,
    /// Short kebab-case name (`pickle-code-execution`).
    pub name: &'static str,
    /// One-line title used in reports.
    pub title: &'static str,
    /// The family the rule belongs to.
    pub category: Category,
    /// Default severity of its findings; an analyzer may report one at another.
    pub severity: Severity,
    /// What it does.
    pub what: &'static str,
    /// Why is this bad?
    pub why: &'static str,
    /// Example of what is reported.
    pub example: &'static str,
    /// What to do about it (also copied into every finding).
    pub remediation: &'static str,
    /// Framework controls the rule maps to.
    pub controls: &'static [Control],
}

impl Rule {
    /// The rule's documentation as Markdown-flavoured text, as printed by `aispm explain`.
    pub fn doc(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{} ({}): {}", self.id, self.name, self.title);
        let _ = writeln!(
            s,
            "Category: {}    Default severity: {}\n",
            self.category, self.severity
        );
        let _ = writeln!(s, "## What it does\n{}\n", self.what.trim());
        let _ = writeln!(s, "## Why is this bad?\n{}\n", self.why.trim());
        let _ = writeln!(s, "## Example\n{}\n", self.example.trim());
        let _ = writeln!(s, "## Remediation\n{}\n", self.remediation.trim());
        let _ = writeln!(s, "## Framework mappings");
        for c in self.controls {
            let _ = writeln!(s, "- {} {}: {}", c.framework.title(), c.id, c.title);
        }
        s
    }

    /// The rule's controls in their serialised form.
    pub fn control_refs(&self) -> Vec<ControlRef> {
        self.controls.iter().map(ControlRef::from).collect()
    }

    /// Whether `id_or_prefix` selects this rule (`MDL`, `MDL0`, `MDL001`).
    pub fn matches_selector(&self, id_or_prefix: &str) -> bool {
        let sel = id_or_prefix.trim();
        !sel.is_empty()
            && self.id.len() >= sel.len()
            && self.id[..sel.len()].eq_ignore_ascii_case(sel)
    }
}

/// Whether `id` has the shape of a rule ID: 3 or 4 upper-case ASCII letters, then 3 digits.
pub fn is_valid_rule_id(id: &str) -> bool {
    let b = id.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    (3..=4).contains(&letters)
        && b.len() == letters + 3
        && b[letters..].iter().all(u8::is_ascii_digit)
}

/// The serialised summary of a rule for `aispm rules --format json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleInfo {
    /// The rule's ID.
    pub id: String,
    /// The rule's kebab-case name.
    pub name: String,
    /// The rule's title.
    pub title: String,
    /// The rule's category.
    pub category: Category,
    /// The rule's default severity.
    pub severity: Severity,
    /// First line of the rule's *What it does*.
    pub summary: String,
    /// The rule's remediation.
    pub remediation: String,
    /// The framework controls the rule maps to.
    pub frameworks: Vec<ControlRef>,
}

impl From<&Rule> for RuleInfo {
    fn from(r: &Rule) -> Self {
        RuleInfo {
            id: r.id.to_string(),
            name: r.name.to_string(),
            title: r.title.to_string(),
            category: r.category,
            severity: r.severity,
            summary: r.what.trim().lines().next().unwrap_or_default().to_string(),
            remediation: r.remediation.trim().to_string(),
            frameworks: r.control_refs(),
        }
    }
}

/// Problems a registry refuses.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RegistryError {
    /// The ID is not three or four upper-case letters and three digits.
    #[error("rule ID `{0}` does not have the shape LLL000")]
    BadId(String),
    /// Another rule already has the ID.
    #[error("rule ID `{0}` is declared twice")]
    Duplicate(String),
    /// The name, the title or a documentation section is empty.
    #[error("rule `{0}` has an empty documentation section")]
    MissingDoc(String),
    /// The rule maps to no OWASP LLM or OWASP ML control.
    #[error("rule `{0}` maps to no OWASP control")]
    NoOwaspMapping(String),
}

/// All rules known to one build, ordered by ID.
#[derive(Debug, Default)]
pub struct RuleRegistry {
    rules: BTreeMap<&'static str, &'static Rule>,
}

impl RuleRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a family of rules, checking the invariants every rule must hold.
    pub fn register(&mut self, rules: &[&'static Rule]) -> Result<(), RegistryError> {
        for rule in rules {
            if !is_valid_rule_id(rule.id) {
                return Err(RegistryError::BadId(rule.id.into()));
            }
            if [
                rule.name,
                rule.title,
                rule.what,
                rule.why,
                rule.example,
                rule.remediation,
            ]
            .iter()
            .any(|s| s.trim().is_empty())
            {
                return Err(RegistryError::MissingDoc(rule.id.into()));
            }
            if !rule.controls.iter().any(|c| {
                matches!(
                    c.framework,
                    crate::Framework::OwaspLlm2025 | crate::Framework::OwaspMl2023
                )
            }) {
                return Err(RegistryError::NoOwaspMapping(rule.id.into()));
            }
            if self.rules.insert(rule.id, rule).is_some() {
                return Err(RegistryError::Duplicate(rule.id.into()));
            }
        }
        Ok(())
    }

    /// The rule with this ID, compared without regard to case.
    pub fn get(&self, id: &str) -> Option<&'static Rule> {
        self.rules.get(id).copied().or_else(|| {
            self.rules
                .values()
                .copied()
                .find(|r| r.id.eq_ignore_ascii_case(id))
        })
    }

    /// Every rule, ordered by ID.
    pub fn iter(&self) -> impl Iterator<Item = &'static Rule> + '_ {
        self.rules.values().copied()
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether a selector (rule ID or prefix) names at least one known rule.
    pub fn selector_is_known(&self, sel: &str) -> bool {
        self.iter().any(|r| r.matches_selector(sel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::LLM03;

    static GOOD: Rule = Rule {
        id: "TST001",
        name: "test-rule",
        title: "A test rule",
        category: Category::Model,
        severity: Severity::High,
        what: "Reports tests.",
        why: "Tests are bad.",
        example: "test",
        remediation: "Remove the test.",
        controls: &[LLM03],
    };
    static NO_OWASP: Rule = Rule {
        id: "TST002",
        controls: &[],
        ..GOOD
    };
    static BAD_ID: Rule = Rule { id: "T1", ..GOOD };

    #[test]
    fn ids() {
        assert!(is_valid_rule_id("MDL001"));
        assert!(is_valid_rule_id("SECR123"));
        assert!(!is_valid_rule_id("MD001"));
        assert!(!is_valid_rule_id("mdl001"));
        assert!(!is_valid_rule_id("MDL01"));
        assert!(!is_valid_rule_id("MDL0011"));
    }

    #[test]
    fn registry_checks_invariants() {
        let mut r = RuleRegistry::new();
        r.register(&[&GOOD]).unwrap();
        assert_eq!(
            r.register(&[&GOOD]),
            Err(RegistryError::Duplicate("TST001".into()))
        );
        assert_eq!(
            r.register(&[&NO_OWASP]),
            Err(RegistryError::NoOwaspMapping("TST002".into()))
        );
        assert_eq!(
            r.register(&[&BAD_ID]),
            Err(RegistryError::BadId("T1".into()))
        );
        assert!(r.get("tst001").is_some());
        assert!(GOOD.matches_selector("TST"));
        assert!(GOOD.matches_selector("tst0"));
        assert!(!GOOD.matches_selector("MDL"));
        assert!(!GOOD.matches_selector(""));
        let doc = GOOD.doc();
        for h in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Remediation",
        ] {
            assert!(doc.contains(h));
        }
    }
}

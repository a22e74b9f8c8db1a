//! Severities and finding categories.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: context, not a weakness by itself.
    Info,
    /// Hygiene or weak evidence (an unpinned AI package, a malformed chat template).
    Low,
    /// A weakness to fix (a hub model loaded without a pinned commit).
    Medium,
    /// A serious weakness (a hard-coded AI provider key, a package with a known
    /// vulnerability).
    High,
    /// Compromise as it stands (code run on model load, a known-malicious package, a
    /// hard-coded cloud credential).
    Critical,
}

impl Severity {
    /// Every severity, highest first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// Lower-case name, as serialised and as parsed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no severity.
#[derive(Debug, thiserror::Error)]
#[error("unknown severity `{0}` (expected one of critical, high, medium, low, info)")]
pub struct ParseSeverityError(String);

impl FromStr for Severity {
    type Err = ParseSeverityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(ParseSeverityError(s.to_string())),
        }
    }
}

/// The family a rule belongs to. Serialised in lower case; the set is part of the
/// JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Model files and the archives that carry them.
    Model,
    /// Hard-coded credentials.
    Secret,
    /// Personal data (no rule reports it yet).
    Pii,
    /// Infrastructure as code (no rule reports it yet).
    Iac,
    /// Source code that calls AI SDKs or loads models.
    Code,
    /// AI packages in dependency manifests and lock files.
    Dependency,
    /// AI agents, agent skills and MCP servers.
    Agent,
    /// Data and the scanned tree itself (a symbolic link out of it).
    Data,
    /// How far a leaked credential reaches: its scope, its lifetime, where it is written.
    Access,
}

impl Category {
    /// Lower-case name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Model => "model",
            Category::Secret => "secret",
            Category::Pii => "pii",
            Category::Iac => "iac",
            Category::Code => "code",
            Category::Dependency => "dependency",
            Category::Agent => "agent",
            Category::Data => "data",
            Category::Access => "access",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_are_ordered_and_parse() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>().unwrap(), s);
        }
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        assert!("severe".parse::<Severity>().is_err());
    }
}

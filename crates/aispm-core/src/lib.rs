//! Core data model of aispm: assets, findings, rules, severities, content kinds and
//! the framework-control catalogue. Every other crate depends on this one; it depends
//! on no other aispm crate.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod analyzer;
pub mod framework;
pub mod json;
pub mod kind;
pub mod notebook;
pub mod report;
pub mod role;
pub mod rule;
pub mod severity;

pub use analyzer::{
    AnalysisContext, AnalysisError, Analyzer, Digest256, DigestBuilder, DigestError, FileInput,
    HEAD_LEN, ParentInfo, RawFinding, Source,
};
pub use framework::{Control, ControlRef, Framework};
pub use kind::FileKind;
pub use report::{
    Asset, AssetKind, ErrorKind, ErrorRecord, Finding, HistoryProvenance, HistoryStats, Notice,
    NoticeLevel, ScanReport, Stats, SuppressedFinding, Suppression, SuppressionKind,
};
pub use rule::{Rule, RuleInfo, RuleRegistry};
pub use severity::{Category, Severity};

//! The scan report: assets, findings, suppressed findings and error records.
//!
//! These types are the JSON contract (`schema_version` 1) that reports, the store and
//! external tools rely on. Fields are only ever added, never renamed or removed,
//! within one schema version.

use crate::framework::ControlRef;
use crate::severity::{Category, Severity};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Version of the JSON document layout.
pub const SCHEMA_VERSION: u32 = 1;

/// Separator between an archive and a path inside it: `outer.zip!inner/path`.
pub const ARCHIVE_SEPARATOR: char = '!';

/// The result of one scan: the JSON document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScanReport {
    /// Layout version of this document, [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The program that wrote the report.
    pub tool: ToolInfo,
    /// When and over what the scan ran.
    pub scan: ScanInfo,
    /// Counts over the whole scan.
    pub stats: Stats,
    /// The AI asset inventory.
    pub assets: Vec<Asset>,
    /// Findings in force (suppressed ones are in [`suppressed`](Self::suppressed)).
    pub findings: Vec<Finding>,
    /// Findings removed by an inline comment, a baseline or rule selection; kept with
    /// the reason so that nothing is lost.
    #[serde(default)]
    pub suppressed: Vec<SuppressedFinding>,
    /// Files, or parts of files, that could not be (fully) analysed.
    pub errors: Vec<ErrorRecord>,
    /// What a reader needs to know about the scan as a whole (for example how old the
    /// advisory data was); not about one file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
}

/// The program that wrote a report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolInfo {
    /// Tool name (`aispm`).
    pub name: String,
    /// Tool version (the version of the build).
    pub version: String,
}

/// When a scan ran, over what, and with which limits.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScanInfo {
    /// RFC 3339 UTC timestamp.
    pub started_at: String,
    /// Wall-clock duration of the scan in milliseconds.
    pub duration_ms: u64,
    /// The roots as given on the command line.
    pub roots: Vec<String>,
    /// Configuration file used, relative to the working directory, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    /// Limits in force, so a reader knows what "too large" meant.
    #[serde(default)]
    pub limits: BTreeMap<String, Value>,
}

/// Counts over a whole scan.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stats {
    /// Files (and archive members) encountered.
    pub files_seen: u64,
    /// Files that at least one analyzer examined.
    pub files_analyzed: u64,
    /// Bytes read from disk and decompressed from archives.
    pub bytes_read: u64,
    /// Findings in the report (suppressed ones not counted).
    pub findings: u64,
    /// Suppressed findings.
    pub suppressed: u64,
    /// Error records.
    pub errors: u64,
    /// Assets in the inventory.
    #[serde(default)]
    pub assets: u64,
    /// Archive members encountered (also counted in [`files_seen`](Self::files_seen)).
    #[serde(default)]
    pub archive_members: u64,
    /// Error records of kind `limit`: times a limit (size, depth, member count, time, an
    /// analyzer's own cap) stopped the engine or an analyzer short of a file's whole
    /// content, whether the analyzer gave up or recorded it and went on.
    #[serde(default)]
    pub limits_hit: u64,
    /// Files whose assets carry no SHA-256 because they are over `max_hash_size`.
    #[serde(default)]
    pub files_not_hashed: u64,
    /// Untracked files and folders not walked because `.gitignore` (or the
    /// repository's `info/exclude`) ignores them; a folder counts once. Files git
    /// tracks are never skipped for this reason.
    #[serde(default)]
    pub skipped_gitignored: u64,
    /// Files and folders not walked because an `--exclude`/`exclude` glob, an
    /// `.aispmignore` or an `.ignore` file names them; a folder counts once.
    #[serde(default)]
    pub skipped_excluded: u64,
    /// Files tracked by git that `.gitignore` matches, scanned all the same (git
    /// applies ignore patterns to untracked files only).
    #[serde(default)]
    pub tracked_gitignored: u64,
    /// Analyzers that did not run because the rule selection (`--select`,
    /// `--ignore`) leaves none of their rules; rule-less analyzers (the inventory)
    /// do not run when `--select` is given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub analyzers_not_run: Vec<String>,
    /// Git history figures, present only when the history was scanned (`--history`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryStats>,
}

/// What a scan of the git history covered.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct HistoryStats {
    /// Repositories whose history was read.
    pub repositories: u64,
    /// References (branches, tags, remotes, `HEAD`) whose commits were walked.
    pub refs: u64,
    /// Commits reachable from those references.
    pub commits: u64,
    /// Distinct blobs (by object id) found in those commits.
    pub unique_blobs: u64,
    /// Blobs identical to the file at the same path in the scanned tree, not read twice.
    pub blobs_in_tip: u64,
    /// Blobs read and offered to the analyzers that scan history.
    pub blobs_scanned: u64,
    /// Bytes of those blobs.
    pub bytes_read: u64,
    /// Submodule entries (gitlinks) seen and not followed.
    #[serde(default)]
    pub submodules: u64,
}

/// Kinds of AI asset in the inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssetKind {
    /// A serialised model or checkpoint.
    Model,
    /// A model configuration (`config.json` of a Hugging Face model, Keras config).
    ModelConfig,
    /// A model card (README with model metadata).
    ModelCard,
    /// A repository in a Hugging Face cache (`models--org--name`).
    HfCacheRepo,
    /// Training, evaluation or RAG data.
    Dataset,
    /// A Jupyter notebook.
    Notebook,
    /// Tokenizer files (`tokenizer.json`, `tokenizer_config.json`).
    Tokenizer,
    /// Use of an AI SDK or framework in code.
    AiSdkUsage,
    /// A model named in code or configuration.
    ModelReference,
    /// An AI package in a dependency manifest.
    AiDependency,
    /// An MCP server declared in a client configuration.
    McpServer,
    /// An agent definition or configuration.
    Agent,
    /// A prompt or system-prompt file.
    Prompt,
    /// An AI cloud service declared in infrastructure as code.
    AiService,
    /// An agent skill: a `SKILL.md` whose front matter names and describes what it
    /// teaches an agent, with the scripts beside it.
    AgentSkill,
    /// A vector store or document store (a FAISS index's docstore pickle, pickled
    /// embeddings): retrieval data, not a model.
    VectorStore,
}

impl AssetKind {
    /// Stable kebab-case name, as serialised and hashed into asset IDs.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Model => "model",
            AssetKind::ModelConfig => "model-config",
            AssetKind::ModelCard => "model-card",
            AssetKind::HfCacheRepo => "hf-cache-repo",
            AssetKind::Dataset => "dataset",
            AssetKind::Notebook => "notebook",
            AssetKind::Tokenizer => "tokenizer",
            AssetKind::AiSdkUsage => "ai-sdk-usage",
            AssetKind::ModelReference => "model-reference",
            AssetKind::AiDependency => "ai-dependency",
            AssetKind::McpServer => "mcp-server",
            AssetKind::Agent => "agent",
            AssetKind::Prompt => "prompt",
            AssetKind::AiService => "ai-service",
            AssetKind::AgentSkill => "agent-skill",
            AssetKind::VectorStore => "vector-store",
        }
    }
}

/// An AI asset found by the scan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Asset {
    /// Stable identifier derived from kind, path and name.
    pub id: String,
    /// What kind of asset it is.
    pub kind: AssetKind,
    /// Display path of the file that holds the asset.
    pub path: String,
    /// Content format (`safetensors`, `pytorch-zip`, `csv`, ...).
    pub format: String,
    /// Size in bytes of the file that holds the asset; 0 when unknown (the engine fills
    /// it in for whole-file assets).
    pub size: u64,
    /// Hex SHA-256 of the content; empty when it could not be computed or the file is
    /// over the hash limit (the property `sha256_skipped` then says why).
    pub sha256: String,
    /// 1-based line for assets that live inside a file (an SDK import, an MCP server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Kind-specific facts set by the analyzers (and `sha256_skipped` by the engine).
    #[serde(default)]
    pub properties: BTreeMap<String, Value>,
}

impl Asset {
    /// A new asset; `name` distinguishes several assets of one kind in one file
    /// (empty for a whole-file asset).
    pub fn new(kind: AssetKind, path: &str, name: &str, format: &str) -> Asset {
        Asset {
            id: asset_id(kind, path, name),
            kind,
            path: path.to_string(),
            format: format.to_string(),
            size: 0,
            sha256: String::new(),
            line: None,
            properties: BTreeMap::new(),
        }
    }

    /// Sets a property, while building an asset.
    pub fn with_property(mut self, key: &str, value: impl Into<Value>) -> Asset {
        self.properties.insert(key.to_string(), value.into());
        self
    }

    /// Sets (or replaces) a property.
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.properties.insert(key.to_string(), value.into());
    }
}

/// Stable asset identifier: `kind:` and the first 16 hex digits of a SHA-256 over the
/// kind, path and name.
pub fn asset_id(kind: AssetKind, path: &str, name: &str) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_str().as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(name.as_bytes());
    format!("{}:{}", kind.as_str(), &hex::encode(h.finalize())[..16])
}

/// A finding as reported.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    /// ID of the rule that reported it (`MDL001`).
    pub rule_id: String,
    /// The rule's title.
    pub title: String,
    /// Severity of this finding: the rule's default unless the analyzer chose another.
    pub severity: Severity,
    /// The rule's category.
    pub category: Category,
    /// Display path of the file: relative to the scan root; archive members as
    /// `outer.zip!inner`.
    pub path: String,
    /// 1-based line, when the finding has one.
    pub line: Option<u32>,
    /// 1-based last line, when the finding spans several lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// What was found, for a person.
    pub message: String,
    /// What was seen, already redacted where it is a secret.
    pub evidence: Option<String>,
    /// Stable across runs and machines: depends on rule, path and what was found,
    /// not on line numbers or time.
    pub fingerprint: String,
    /// ID of the asset the finding is about ([`Asset::id`]), if any.
    pub asset_id: Option<String>,
    /// The framework controls the rule maps to.
    pub frameworks: Vec<ControlRef>,
    /// What to do about it (the rule's remediation).
    pub remediation: String,
    /// Extra facts for machines (resolved call, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, Value>,
    /// Where the content came from in the git history, when the history was scanned
    /// (`--history`) and the finding is in a committed blob.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryProvenance>,
}

/// The commit that introduced what a finding is about.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HistoryProvenance {
    /// Full hex object id of the commit.
    pub commit: String,
    /// Author name as recorded in the commit.
    pub author: String,
    /// Author e-mail as recorded in the commit.
    pub email: String,
    /// Author date, RFC 3339 with the author's offset.
    pub date: String,
    /// Path of the file in that commit, relative to the repository's top level.
    pub path: String,
    /// Whether the scanned tree still produces the same finding (same rule and key).
    /// `false`: removed from the tip but alive in history.
    pub in_tip: bool,
}

impl HistoryProvenance {
    /// The first 7 hex digits of the commit, as git abbreviates it.
    pub fn short_commit(&self) -> &str {
        self.commit.get(..7).unwrap_or(&self.commit)
    }
}

/// Why a finding was suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionKind {
    /// An `aispm:ignore RULE reason` comment in the file.
    Inline,
    /// The finding's fingerprint is in the baseline file.
    Baseline,
    /// The rule is deselected by `--select`/`--ignore` or the configuration.
    RuleSelection,
    /// The path is excluded by a per-rule path exclusion in the configuration.
    PathExclusion,
}

/// What suppressed a finding, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Suppression {
    /// What suppressed it.
    pub kind: SuppressionKind,
    /// The reason given: an inline comment's, a path exclusion's, or `rule not selected`;
    /// none for a baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A finding that was suppressed, with what suppressed it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SuppressedFinding {
    /// The finding as it would have been reported (flattened into this object in JSON).
    #[serde(flatten)]
    pub finding: Finding,
    /// What suppressed it, and why.
    pub suppression: Suppression,
}

/// What kind of problem kept a file from being (fully) analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The file could not be read.
    Io,
    /// The walker could not enter or list a path.
    Walk,
    /// The content could not be parsed.
    Parse,
    /// A configured limit was reached (size, depth, expansion, time).
    Limit,
    /// The format is recognised but not inspected (an encrypted member, 7z, ...).
    Unsupported,
    /// A symbolic link that was not followed.
    Symlink,
}

/// A file, or a part of one, that could not be analysed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ErrorRecord {
    /// Display path of the file, archive member or folder.
    pub path: String,
    /// What went wrong, for a person.
    pub message: String,
    /// What kind of problem it was.
    pub kind: ErrorKind,
    /// The analyzer or engine stage that gave up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
}

impl ErrorRecord {
    /// An error record with no stage.
    pub fn new(path: impl Into<String>, kind: ErrorKind, message: impl Into<String>) -> Self {
        ErrorRecord {
            path: path.into(),
            message: message.into(),
            kind,
            stage: None,
        }
    }

    /// Sets the analyzer or engine stage that gave up.
    pub fn at_stage(mut self, stage: impl Into<String>) -> Self {
        self.stage = Some(stage.into());
        self
    }
}

/// How much a notice matters.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum NoticeLevel {
    /// Context: what data the scan used (shown as a note).
    Info,
    /// The scan could not judge something fully (stale or missing data); listed first.
    Warning,
}

/// A report-level statement about the scan: what data it used, what it could not
/// judge, and what to do about it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Notice {
    /// Stable kebab-case kind, e.g. `advisory-data`.
    pub kind: String,
    /// How much the notice matters.
    pub level: NoticeLevel,
    /// The statement, for a person.
    pub message: String,
    /// Machine-readable facts behind the message.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data: BTreeMap<String, Value>,
}

impl Notice {
    /// A notice with no data.
    pub fn new(kind: impl Into<String>, level: NoticeLevel, message: impl Into<String>) -> Self {
        Notice {
            kind: kind.into(),
            level,
            message: message.into(),
            data: BTreeMap::new(),
        }
    }

    /// Adds one machine-readable fact.
    pub fn with_data(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.data.insert(key.to_string(), value.into());
        self
    }
}

/// Fingerprint of a finding: the first 32 hex digits of a SHA-256 over the rule ID,
/// the path and a key chosen by the analyzer (by default the evidence), and an
/// occurrence number for repeats of the same key in one file.
pub fn fingerprint(rule_id: &str, path: &str, key: &str, occurrence: u32) -> String {
    let mut h = Sha256::new();
    for part in [rule_id.as_bytes(), path.as_bytes(), key.as_bytes()] {
        h.update(part);
        h.update([0]);
    }
    h.update(occurrence.to_le_bytes());
    hex::encode(h.finalize())[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = fingerprint("MDL001", "a/b.pkl", "os.system", 0);
        assert_eq!(a, fingerprint("MDL001", "a/b.pkl", "os.system", 0));
        assert_eq!(a.len(), 32);
        assert_ne!(a, fingerprint("MDL001", "a/b.pkl", "os.system", 1));
        assert_ne!(a, fingerprint("MDL002", "a/b.pkl", "os.system", 0));
        // Fixed value: a change here breaks every user's baseline.
        assert_eq!(
            fingerprint("TST001", "x", "y", 0),
            "d9b766cf2d0f6338c956a036a92564f3"
        );
    }

    #[test]
    fn asset_ids_depend_on_kind_path_and_name() {
        let a = asset_id(AssetKind::Model, "m.pt", "");
        assert!(a.starts_with("model:"));
        assert_ne!(a, asset_id(AssetKind::Dataset, "m.pt", ""));
        assert_ne!(a, asset_id(AssetKind::Model, "m.pt", "x"));
    }
}

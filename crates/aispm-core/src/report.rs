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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScanReport {
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub scan: ScanInfo,
    pub stats: Stats,
    pub assets: Vec<Asset>,
    pub findings: Vec<Finding>,
    /// Findings removed by an inline comment, a baseline or rule selection; kept with
    /// the reason so that nothing is lost.
    #[serde(default)]
    pub suppressed: Vec<SuppressedFinding>,
    pub errors: Vec<ErrorRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScanInfo {
    /// RFC 3339 UTC timestamp.
    pub started_at: String,
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

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stats {
    /// Files (and archive members) encountered.
    pub files_seen: u64,
    /// Files that at least one analyzer examined.
    pub files_analyzed: u64,
    /// Bytes read from disk and decompressed from archives.
    pub bytes_read: u64,
    pub findings: u64,
    pub suppressed: u64,
    pub errors: u64,
    #[serde(default)]
    pub assets: u64,
    #[serde(default)]
    pub archive_members: u64,
    #[serde(default)]
    pub limits_hit: u64,
    /// Files whose assets carry no SHA-256 because they are over `max_hash_size`.
    #[serde(default)]
    pub files_not_hashed: u64,
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
    pub kind: AssetKind,
    pub path: String,
    /// Content format (`safetensors`, `pytorch-zip`, `csv`, ...).
    pub format: String,
    pub size: u64,
    /// Hex SHA-256 of the content; empty when it could not be computed or the file is
    /// over the hash limit (the property `sha256_skipped` then says why).
    pub sha256: String,
    /// 1-based line for assets that live inside a file (an SDK import, an MCP server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
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

    pub fn with_property(mut self, key: &str, value: impl Into<Value>) -> Asset {
        self.properties.insert(key.to_string(), value.into());
        self
    }

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
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    pub category: Category,
    pub path: String,
    /// 1-based line, when the finding has one.
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    pub message: String,
    /// What was seen, already redacted where it is a secret.
    pub evidence: Option<String>,
    /// Stable across runs and machines: depends on rule, path and what was found,
    /// not on line numbers or time.
    pub fingerprint: String,
    pub asset_id: Option<String>,
    pub frameworks: Vec<ControlRef>,
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
    /// Author name and e-mail as recorded in the commit.
    pub author: String,
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SuppressedFinding {
    #[serde(flatten)]
    pub finding: Finding,
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
    pub path: String,
    pub message: String,
    pub kind: ErrorKind,
    /// The analyzer or engine stage that gave up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
}

impl ErrorRecord {
    pub fn new(path: impl Into<String>, kind: ErrorKind, message: impl Into<String>) -> Self {
        ErrorRecord {
            path: path.into(),
            message: message.into(),
            kind,
            stage: None,
        }
    }

    pub fn at_stage(mut self, stage: impl Into<String>) -> Self {
        self.stage = Some(stage.into());
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

//! The GGUF reader's issues as findings: one table for the two rules the reader's
//! single pass over a file feeds ([`crate::gguf::reader`] decides each issue's
//! severity and words it). Header and metadata issues (counts, lengths, types,
//! version) are [`mdl044_gguf_malformed_header`]; tensor-info issues (dimensions,
//! types, offsets against the data section) are [`mdl045_gguf_tensor_layout`].

use super::{mdl044_gguf_malformed_header, mdl045_gguf_tensor_layout};
use crate::gguf::reader::{GgufInfo, Issue, IssueKind};
use aispm_core::RawFinding;

/// The finding for one issue the reader found in the file at `path`.
pub(crate) fn check(path: &str, info: &GgufInfo, issue: &Issue) -> RawFinding {
    let rule = match issue.kind {
        IssueKind::Header => &mdl044_gguf_malformed_header::RULE,
        IssueKind::Tensors => &mdl045_gguf_tensor_layout::RULE,
    };
    RawFinding::new(rule, path, issue.message.clone())
        .severity(issue.severity)
        .evidence(format!("byte offset {}", issue.offset))
        .key(issue.message.clone())
        .property("gguf_version", info.version)
}

//! Rules of the GGUF and chat-template analyzer, one file each. Their checks are two
//! tables, one per matcher: `template_signals.rs` maps the chat-template analysis'
//! signals to MDL040–MDL043, `reader_issues.rs` maps the GGUF reader's issues to MDL044
//! and MDL045.

use crate::gguf::reader::{GgufInfo, Issue};
use crate::gguf::template::TemplateFinding;
use aispm_core::{RawFinding, Rule};

pub mod mdl040_template_injection;
pub mod mdl041_template_obfuscation;
pub mod mdl042_template_sensitive_reach;
pub mod mdl043_template_malformed;
pub mod mdl044_gguf_malformed_header;
pub mod mdl045_gguf_tensor_layout;
mod reader_issues;
mod template_signals;

pub(crate) use template_signals::Template;

/// Every rule of the GGUF and chat-template analyzer.
pub static RULES: &[&Rule] = &[
    &mdl040_template_injection::RULE,
    &mdl041_template_obfuscation::RULE,
    &mdl042_template_sensitive_reach::RULE,
    &mdl043_template_malformed::RULE,
    &mdl044_gguf_malformed_header::RULE,
    &mdl045_gguf_tensor_layout::RULE,
];

/// Runs the rules on one signal of a template.
pub(crate) fn check_template(t: &Template<'_>, f: &TemplateFinding) -> Option<RawFinding> {
    template_signals::check(t, f) // MDL040, MDL041, MDL042, MDL043
}

/// Runs the rules on one issue of a GGUF file's header or tensor infos.
pub(crate) fn check_reader_issue(path: &str, info: &GgufInfo, issue: &Issue) -> RawFinding {
    reader_issues::check(path, info, issue) // MDL044, MDL045
}

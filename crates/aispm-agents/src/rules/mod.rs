//! Rules of the agents analyzer, one file each: `MCP0xx` judge MCP client
//! configurations, `AGT0xx` judge content read by models (tool descriptions,
//! documents, datasets, prompts, skills).
//!
//! A rule file holds the rule's documentation and metadata (`RULE`) and its check: the
//! verdict (threshold, severity, message, evidence) on a view of what the analyzer's
//! readers found ([`crate::mcp::ServerView`], [`crate::poison::Description`], the
//! scores of [`crate::skill`]) or on the matches of a shared detector
//! ([`aispm_formats::injection`]). Rules that share one matcher share one table file
//! that maps its verdicts to them: `unpinned_launcher.rs` (MCP001, MCP002),
//! `deceptive_unicode.rs` (AGT002–AGT004). The functions below are the dispatch table
//! the analyzer calls, one line per rule.

use crate::mcp::{ServerRoles, ServerView};
use crate::poison::Description;
use crate::skill::ScriptScore;
use crate::skill::instructions::SkillScore;
use crate::skill::link::SkillRef;
use aispm_core::{AnalysisContext, AnalysisError, Rule};

pub mod agt001_tool_poisoning;
pub mod agt002_unicode_tag_chars;
pub mod agt003_unicode_bidi;
pub mod agt004_unicode_zero_width;
pub mod agt005_prompt_injection;
pub mod agt006_malicious_skill;
pub mod deceptive_unicode;
pub mod mcp001_unpinned_npx;
pub mod mcp002_unpinned_uvx;
pub mod mcp003_insecure_http;
pub mod mcp004_remote_no_auth;
pub mod mcp005_filesystem_broad_root;
pub mod mcp006_shell_server;
pub mod mcp007_docker_privileged;
pub mod mcp008_toxic_combination;
pub mod unpinned_launcher;

/// Every rule of the agents analyzer.
pub static RULES: &[&Rule] = &[
    &mcp001_unpinned_npx::RULE,
    &mcp002_unpinned_uvx::RULE,
    &mcp003_insecure_http::RULE,
    &mcp004_remote_no_auth::RULE,
    &mcp005_filesystem_broad_root::RULE,
    &mcp006_shell_server::RULE,
    &mcp007_docker_privileged::RULE,
    &mcp008_toxic_combination::RULE,
    &agt001_tool_poisoning::RULE,
    &agt002_unicode_tag_chars::RULE,
    &agt003_unicode_bidi::RULE,
    &agt004_unicode_zero_width::RULE,
    &agt005_prompt_injection::RULE,
    &agt006_malicious_skill::RULE,
];

/// One server of an MCP client configuration.
pub(crate) fn check_server(view: &ServerView, cx: &mut AnalysisContext) {
    unpinned_launcher::check(view, cx); // MCP001, MCP002
    mcp003_insecure_http::check(view, cx);
    mcp004_remote_no_auth::check(view, cx);
    mcp005_filesystem_broad_root::check(view, cx);
    mcp006_shell_server::check(view, cx);
    mcp007_docker_privileged::check(view, cx);
}

/// The servers of one MCP client configuration together.
pub(crate) fn check_servers(path: &str, servers: &[ServerRoles], cx: &mut AnalysisContext) {
    mcp008_toxic_combination::check(path, servers, cx);
}

/// One tool description (from a listing or server code).
pub(crate) fn check_tool_description(path: &str, d: &Description, cx: &mut AnalysisContext) {
    agt001_tool_poisoning::check(path, d, cx);
}

/// Any text, line by line, for deceptive Unicode.
pub(crate) fn check_text(
    path: &str,
    text: &str,
    json_escapes: bool,
    cx: &mut AnalysisContext,
) -> Result<(), AnalysisError> {
    deceptive_unicode::check(path, text, json_escapes, cx) // AGT002, AGT003, AGT004
}

/// A document or dataset read by models (not a configuration, listing, prompt or
/// skill).
pub(crate) fn check_document(
    path: &str,
    ext: &str,
    text: &str,
    cx: &mut AnalysisContext,
) -> Result<(), AnalysisError> {
    agt005_prompt_injection::check(path, ext, text, cx)
}

/// The instructions of a skill (`SKILL.md`).
pub(crate) fn check_skill(path: &str, score: &SkillScore, cx: &mut AnalysisContext) {
    agt006_malicious_skill::check_skill(path, score, cx);
}

/// Whether a script's score is worth keeping until the walk is over (AGT006).
pub(crate) fn script_reaches_threshold(score: &ScriptScore) -> bool {
    agt006_malicious_skill::script_reaches(score)
}

/// A scored script under a skill's folder, after the walk.
pub(crate) fn check_skill_script(
    path: &str,
    skill: &SkillRef,
    score: &ScriptScore,
    cx: &mut AnalysisContext,
) {
    agt006_malicious_skill::check_script(path, skill, score, cx);
}

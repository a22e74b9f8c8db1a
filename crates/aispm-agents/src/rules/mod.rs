//! Rules of the agents analyzer, one file each: `MCP0xx` judge MCP client
//! configurations, `AGT0xx` judge content read by models (tool descriptions,
//! documents, datasets, prompts).

use aispm_core::Rule;

pub mod agt001_tool_poisoning;
pub mod agt002_unicode_tag_chars;
pub mod agt003_unicode_bidi;
pub mod agt004_unicode_zero_width;
pub mod agt005_prompt_injection;
pub mod agt006_malicious_skill;
pub mod mcp001_unpinned_npx;
pub mod mcp002_unpinned_uvx;
pub mod mcp003_insecure_http;
pub mod mcp004_remote_no_auth;
pub mod mcp005_filesystem_broad_root;
pub mod mcp006_shell_server;
pub mod mcp007_docker_privileged;
pub mod mcp008_toxic_combination;

pub use agt001_tool_poisoning::RULE as TOOL_POISONING;
pub use agt002_unicode_tag_chars::RULE as TAG_CHARACTERS;
pub use agt003_unicode_bidi::RULE as BIDI_CONTROL;
pub use agt004_unicode_zero_width::RULE as ZERO_WIDTH;
pub use agt005_prompt_injection::RULE as PROMPT_INJECTION;
pub use agt006_malicious_skill::RULE as MALICIOUS_SKILL;
pub use mcp001_unpinned_npx::RULE as UNPINNED_NPX;
pub use mcp002_unpinned_uvx::RULE as UNPINNED_UVX;
pub use mcp003_insecure_http::RULE as INSECURE_HTTP;
pub use mcp004_remote_no_auth::RULE as REMOTE_NO_AUTH;
pub use mcp005_filesystem_broad_root::RULE as FILESYSTEM_BROAD_ROOT;
pub use mcp006_shell_server::RULE as SHELL_EXECUTION;
pub use mcp007_docker_privileged::RULE as DOCKER_PRIVILEGED;
pub use mcp008_toxic_combination::RULE as TOXIC_COMBINATION;

/// Every rule of the agents analyzer.
pub static RULES: &[&Rule] = &[
    &UNPINNED_NPX,
    &UNPINNED_UVX,
    &INSECURE_HTTP,
    &REMOTE_NO_AUTH,
    &FILESYSTEM_BROAD_ROOT,
    &SHELL_EXECUTION,
    &DOCKER_PRIVILEGED,
    &TOXIC_COMBINATION,
    &TOOL_POISONING,
    &TAG_CHARACTERS,
    &BIDI_CONTROL,
    &ZERO_WIDTH,
    &PROMPT_INJECTION,
    &MALICIOUS_SKILL,
];

//! Rules of the source analyzer, one file each.

use aispm_core::Rule;

pub mod code001_llm_output_to_exec;
pub mod code002_llm_output_to_shell;
pub mod code003_llm_output_to_sql;
pub mod code004_llm_output_to_html;
pub mod code005_llm_output_to_path;
pub mod code006_llm_output_deserialised;
pub mod code007_untrusted_input_in_system_prompt;
pub mod code010_torch_load_unsafe;
pub mod code011_pickle_load;
pub mod code012_numpy_allow_pickle;
pub mod code013_keras_unsafe;
pub mod code014_trust_remote_code;
pub mod code015_hub_model_unpinned;
pub mod code016_langchain_dangerous_deserialization;
pub mod code017_hub_download_unpinned;
pub mod code018_dangerous_agent_tool;
pub mod code019_tls_verification_disabled;
pub mod code020_mcp_server_launched_unpinned;

/// Every rule of the source analyzer.
pub static RULES: &[&Rule] = &[
    &code001_llm_output_to_exec::RULE,
    &code002_llm_output_to_shell::RULE,
    &code003_llm_output_to_sql::RULE,
    &code004_llm_output_to_html::RULE,
    &code005_llm_output_to_path::RULE,
    &code006_llm_output_deserialised::RULE,
    &code007_untrusted_input_in_system_prompt::RULE,
    &code010_torch_load_unsafe::RULE,
    &code011_pickle_load::RULE,
    &code012_numpy_allow_pickle::RULE,
    &code013_keras_unsafe::RULE,
    &code014_trust_remote_code::RULE,
    &code015_hub_model_unpinned::RULE,
    &code016_langchain_dangerous_deserialization::RULE,
    &code017_hub_download_unpinned::RULE,
    &code018_dangerous_agent_tool::RULE,
    &code019_tls_verification_disabled::RULE,
    &code020_mcp_server_launched_unpinned::RULE,
];

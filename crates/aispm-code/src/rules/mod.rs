//! Rules of the source analyzer, one file each: its documentation and metadata
//! (`RULE`), how its findings weigh by the file's role (`WEIGHING`) and its check,
//! which turns the views the walk hands it (`flow::Call`, `flow::Property`,
//! `flow::Assignment`, a node) into findings. The sinks of model output
//! (`CODE001`–`CODE006`) share one matcher, `llm_output_sinks.rs`; the Hub pinning
//! rules (`CODE015`, `CODE017`) share what a pinned revision is, `hub_pinning.rs`.
//!
//! Below, the dispatch table: what the walk calls for each thing it reads, one line
//! per rule, in the order the rules run (the first finding of a rule on a line is
//! the one kept).

use crate::flow::{Assignment, Call, Property, Walker};
use crate::role::Role;
use aispm_core::{Rule, Severity};
use tree_sitter::Node;

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
mod hub_pinning;
mod llm_output_sinks;

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

// The dispatch table.

/// A Python call.
pub(crate) fn on_python_call<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    llm_output_sinks::check_python_call(w, call); // CODE001–CODE006
    code007_untrusted_input_in_system_prompt::check_call(w, call);
    code010_torch_load_unsafe::check(w, call);
    code011_pickle_load::check(w, call);
    code012_numpy_allow_pickle::check(w, call);
    code013_keras_unsafe::check(w, call);
    code014_trust_remote_code::check(w, call);
    code016_langchain_dangerous_deserialization::check(w, call);
    code015_hub_model_unpinned::check(w, call);
    code017_hub_download_unpinned::check(w, call);
    code018_dangerous_agent_tool::check(w, call);
    code019_tls_verification_disabled::check_call(w, call);
}

/// A JavaScript or TypeScript call (or `new`).
pub(crate) fn on_js_call<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    llm_output_sinks::check_js_call(w, call); // CODE001–CODE005
}

/// A JavaScript or TypeScript assignment (`el.innerHTML = …`, `process.env.X = …`).
pub(crate) fn on_js_assignment<'s>(w: &mut Walker<'s>, a: &Assignment<'s>) {
    llm_output_sinks::check_js_assignment(w, a); // CODE004
    code019_tls_verification_disabled::check_env_assignment(w, a);
}

/// A property of a JavaScript object literal (`{ rejectUnauthorized: false }`).
pub(crate) fn on_js_property<'s>(w: &mut Walker<'s>, p: &Property<'s>) {
    llm_output_sinks::check_js_property(w, p); // CODE004
    code019_tls_verification_disabled::check_property(w, p);
}

/// A JSX attribute (`dangerouslySetInnerHTML={…}`).
pub(crate) fn on_jsx_attribute<'s>(w: &mut Walker<'s>, n: Node<'s>) {
    llm_output_sinks::check_jsx_attribute(w, n); // CODE004
}

/// A dictionary or object literal (a chat message).
pub(crate) fn on_literal_map<'s>(w: &mut Walker<'s>, n: Node<'s>) {
    code007_untrusted_input_in_system_prompt::check_message(w, n);
}

/// The value a function returns (a code executor handed on).
pub(crate) fn on_return<'s>(w: &mut Walker<'s>, value: Node<'s>) {
    code018_dangerous_agent_tool::check_return(w, value);
}

/// An MCP server the code starts through a package launcher (`at` is the call or the
/// server map, `server` its index among the file's servers).
pub(crate) fn on_mcp_server<'s>(
    w: &mut Walker<'s>,
    at: Node<'s>,
    launch: &crate::flow::Launch,
    server: usize,
) {
    code020_mcp_server_launched_unpinned::check(w, at, launch, server);
}

/// How a rule's findings weigh by the role of the file they are in ([`Role`]).
/// Tests run fixed inputs against the project's own fixtures; examples and notebooks
/// are code for a reader to adapt; flows of model output into sinks keep their
/// severity anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weighing {
    /// The same severity anywhere (flows of model output or request input).
    Anywhere,
    /// Low in tests: a dangerous loader there reads the project's own fixtures.
    LowInTests,
    /// Pinning: no finding in tests (whether a test pins the models it downloads
    /// does not matter), low in examples.
    Pinning,
    /// A flag or tool a test exercises against mock models: no finding in tests.
    ExercisedInTests,
    /// As [`Weighing::ExercisedInTests`], and at most medium in examples, where a
    /// demo of a host shell or REPL tool shows the reader how to wire it.
    HostToolDemo,
}

impl Weighing {
    /// The severity of a finding of `rule` (`severity` overriding the rule's) in a
    /// file of `role`; `None`: not reported.
    pub(crate) fn weigh(
        self,
        role: Role,
        rule: &Rule,
        severity: Option<Severity>,
    ) -> Option<Option<Severity>> {
        use Weighing::*;
        match (self, role) {
            (Pinning | ExercisedInTests | HostToolDemo, Role::Test) => None,
            (LowInTests, Role::Test) => Some(Some(Severity::Low)),
            (Pinning, Role::Example) => Some(Some(Severity::Low)),
            (HostToolDemo, Role::Example) => Some(Some(
                severity.unwrap_or(rule.severity).min(Severity::Medium),
            )),
            _ => Some(severity),
        }
    }
}

/// Each rule's [`Weighing`], as its file declares it.
static WEIGHINGS: &[(&Rule, Weighing)] = &[
    (
        &code001_llm_output_to_exec::RULE,
        llm_output_sinks::WEIGHING,
    ),
    (
        &code002_llm_output_to_shell::RULE,
        llm_output_sinks::WEIGHING,
    ),
    (&code003_llm_output_to_sql::RULE, llm_output_sinks::WEIGHING),
    (
        &code004_llm_output_to_html::RULE,
        llm_output_sinks::WEIGHING,
    ),
    (
        &code005_llm_output_to_path::RULE,
        llm_output_sinks::WEIGHING,
    ),
    (
        &code006_llm_output_deserialised::RULE,
        llm_output_sinks::WEIGHING,
    ),
    (
        &code007_untrusted_input_in_system_prompt::RULE,
        code007_untrusted_input_in_system_prompt::WEIGHING,
    ),
    (
        &code010_torch_load_unsafe::RULE,
        code010_torch_load_unsafe::WEIGHING,
    ),
    (&code011_pickle_load::RULE, code011_pickle_load::WEIGHING),
    (
        &code012_numpy_allow_pickle::RULE,
        code012_numpy_allow_pickle::WEIGHING,
    ),
    (&code013_keras_unsafe::RULE, code013_keras_unsafe::WEIGHING),
    (
        &code014_trust_remote_code::RULE,
        code014_trust_remote_code::WEIGHING,
    ),
    (
        &code015_hub_model_unpinned::RULE,
        code015_hub_model_unpinned::WEIGHING,
    ),
    (
        &code016_langchain_dangerous_deserialization::RULE,
        code016_langchain_dangerous_deserialization::WEIGHING,
    ),
    (
        &code017_hub_download_unpinned::RULE,
        code017_hub_download_unpinned::WEIGHING,
    ),
    (
        &code018_dangerous_agent_tool::RULE,
        code018_dangerous_agent_tool::WEIGHING,
    ),
    (
        &code019_tls_verification_disabled::RULE,
        code019_tls_verification_disabled::WEIGHING,
    ),
    (
        &code020_mcp_server_launched_unpinned::RULE,
        code020_mcp_server_launched_unpinned::WEIGHING,
    ),
];

/// The [`Weighing`] of `rule` (a rule of another analyzer: [`Weighing::Anywhere`]).
pub(crate) fn weighing(rule: &Rule) -> Weighing {
    WEIGHINGS
        .iter()
        .find(|(r, _)| r.id == rule.id)
        .map_or(Weighing::Anywhere, |&(_, w)| w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_declares_its_weighing() {
        assert_eq!(WEIGHINGS.len(), RULES.len());
        for ((weighed, _), rule) in WEIGHINGS.iter().zip(RULES) {
            assert_eq!(weighed.id, rule.id);
        }
    }
}

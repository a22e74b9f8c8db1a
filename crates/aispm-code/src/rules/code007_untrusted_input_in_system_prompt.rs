//! `CODE007`: request input (`USER` taint) in a system prompt, written through a
//! Python call (`check_call`) or a chat message literal (`check_message`).

use super::Weighing;
use crate::flow::{Call, Walker};
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};
use tree_sitter::Node;

/// CODE007: Request input is written into the system prompt.
pub static RULE: Rule = Rule {
    id: "CODE007",
    name: "untrusted-input-in-system-prompt",
    title: "Request input is written into the system prompt",
    category: Category::Code,
    severity: Severity::Medium,
    what: "Reports request data (Flask/Django/FastAPI `request` fields, Express `req.body`/`req.query`/`req.params`, `await request.json()`) placed in the system role of a model call: a `{\"role\": \"system\", \"content\": ...}` message, `SystemMessage(...)`, `SystemMessagePromptTemplate`, the `system=` parameter of Anthropic's messages API or `instructions=` of an assistant or agent. `input()` and `sys.argv` are not request data: the operator of a command-line program already controls its prompt.",
    why: "The system prompt is where the application's rules live; text placed there by a user carries the authority of the developer and overrides guardrails (direct prompt injection).",
    example: "`messages=[{\"role\": \"system\", \"content\": f\"You are {request.args['persona']}\"}]`.",
    remediation: "Keep the system prompt constant; pass user text in the user role, delimited, and validate fields that must shape behaviour against an allow-list.",
    controls: &[
        LLM01,
        LLM07,
        ATLAS_T0051,
        ATLAS_M0020,
        NIST_MEASURE_2_7,
        EU_ART_15,
    ],
};

/// A flow of request input: the same in tests and examples.
pub(crate) const WEIGHING: Weighing = Weighing::Anywhere;

/// A Python call that sets a system prompt: `SystemMessage(…)`, a system prompt
/// template, `system=`/`instructions=` of a model call, an agent's instructions.
pub(crate) fn check_call<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    if !w.has_ai() {
        return;
    }
    let last = call.last;
    let system_arg = match last {
        "SystemMessage" | "from_template"
            if call.segs.iter().any(|s| s.starts_with("System")) || last == "SystemMessage" =>
        {
            call.arg0()
                .or_else(|| call.kwarg("content"))
                .or_else(|| call.kwarg("template"))
        }
        "create" | "stream" => call.kwarg("system").or_else(|| call.kwarg("instructions")),
        "Agent" | "Assistant" | "AssistantAgent" => call
            .kwarg("instructions")
            .or_else(|| call.kwarg("system_message"))
            .or_else(|| call.kwarg("system_prompt")),
        _ => None,
    };
    if system_arg.is_some_and(|a| w.tainted_user(a)) {
        w.hit(
            &RULE,
            call.node,
            "Request input is written into the system prompt".into(),
            None,
        );
    }
}

/// `{"role": "system", "content": <request data>}`.
pub(crate) fn check_message<'s>(w: &mut Walker<'s>, n: Node<'s>) {
    if !w.has_ai() {
        return;
    }
    let mut system = false;
    let mut content = None;
    for (key, v) in w.pairs(n) {
        match key.as_str() {
            "role" => system = w.string_literal(v).as_deref() == Some("system"),
            "content" => content = Some(v),
            _ => {}
        }
    }
    if system && content.is_some_and(|c| w.tainted_user(c)) {
        w.hit(
            &RULE,
            n,
            "Request input is written into a system message".into(),
            None,
        );
    }
}

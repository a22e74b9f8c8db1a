use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

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

//! `CODE019`: TLS certificate verification turned off: `verify=False` (and aiohttp's
//! `ssl=False`) in Python calls, `rejectUnauthorized: false` and
//! `NODE_TLS_REJECT_UNAUTHORIZED = "0"` in JavaScript.

use super::Weighing;
use crate::flow::{Assignment, Call, Property, Walker};
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE019: TLS verification disabled in AI client code.
pub static RULE: Rule = Rule {
    id: "CODE019",
    name: "tls-verification-disabled",
    title: "TLS verification disabled in AI client code",
    category: Category::Code,
    severity: Severity::Medium,
    what: "Reports certificate verification turned off in a file that uses an AI SDK: `verify=False` in Python HTTP clients (including the `http_client` handed to an SDK), `ssl=False` in aiohttp requests and connectors (not in database or vector-store clients, where it selects plain TCP), `rejectUnauthorized: false`, and setting `NODE_TLS_REJECT_UNAUTHORIZED` to `0`. Not reported in tests (their clients are patched or local).",
    why: "Prompts, completions and API keys then travel over connections any network attacker can intercept and alter (manipulated responses, stolen keys).",
    example: "`OpenAI(http_client=httpx.Client(verify=False))`.",
    remediation: "Keep verification on; point the client at the corporate CA bundle instead of disabling checks.",
    controls: &[LLM02, LLM03, ATLAS_T0024, NIST_MEASURE_2_7, EU_ART_15],
};

/// No finding in tests, which point patched clients at local servers.
pub(crate) const WEIGHING: Weighing = Weighing::ExercisedInTests;

/// Methods of HTTP sessions and clients that take aiohttp's `ssl=`.
const REQUEST_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "request",
    "ws_connect",
];

/// A Python call with `verify=False`, or aiohttp's `ssl=False`, in a file using AI.
pub(crate) fn check_call<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    if !w.has_ai() {
        return;
    }
    let last = call.last;
    // `ssl=False` turns verification off in aiohttp requests and connectors; in a
    // database or vector-store client it selects plain TCP, which is not this rule.
    let aiohttp_like = call.resolved.starts_with("aiohttp")
        || last == "TCPConnector"
        || (call.segs.len() >= 2 && REQUEST_METHODS.contains(&last));
    if call.kwarg("verify").is_some_and(|v| w.is_literal_false(v))
        || (aiohttp_like && call.kwarg("ssl").is_some_and(|v| w.is_literal_false(v)))
    {
        w.hit(
            &RULE,
            call.node,
            format!("`{last}` is called with certificate verification disabled"),
            None,
        );
    }
}

/// `process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"`.
pub(crate) fn check_env_assignment<'s>(w: &mut Walker<'s>, a: &Assignment<'s>) {
    if a.augmented {
        return;
    }
    if w.text(a.left).ends_with("NODE_TLS_REJECT_UNAUTHORIZED")
        && (matches!(w.string_literal(a.right).as_deref(), Some("0")) || w.text(a.right) == "0")
    {
        w.hit(
            &RULE,
            a.node,
            "Certificate verification is disabled for the whole Node.js process".into(),
            None,
        );
    }
}

/// `{ rejectUnauthorized: false }` in a file using AI.
pub(crate) fn check_property<'s>(w: &mut Walker<'s>, p: &Property<'s>) {
    if p.key == "rejectUnauthorized" && w.is_literal_false(p.value) && w.has_ai() {
        w.hit(
            &RULE,
            p.node,
            "TLS certificate verification is disabled (`rejectUnauthorized: false`)".into(),
            None,
        );
    }
}

//! `SEC103`: a credential whose format says it has admin or unrestricted scope.

use crate::findings::Leak;
use aispm_core::framework::*;
use aispm_core::{Category, RawFinding, Rule, Severity};
use serde_json::Value;

/// SEC103: a leaked key carries an administrative or unrestricted scope.
pub static RULE: Rule = Rule {
    id: "SEC103",
    name: "admin-scoped-key",
    title: "Leaked key has an administrative or unrestricted scope",
    category: Category::Access,
    severity: Severity::High,
    what: "Reports leaked credentials whose format reveals more than application access: \
OpenAI admin keys (`sk-admin-`), Anthropic admin keys (`sk-ant-admin…`), unrestricted \
Stripe live secret keys (`sk_live_`, as opposed to restricted `rk_` keys) and Supabase \
`service_role` tokens (which bypass row-level security).",
    why: "An admin key manages the organisation itself: it creates and deletes keys and \
users, changes limits and billing, and reads usage across projects; a leak of one is a \
takeover, not just a bill.",
    example: "`OPENAI_ADMIN_KEY=sk-admin-…` in a deployment script.",
    remediation: "Revoke the key immediately, review the organisation's audit log, and use \
project-scoped or restricted keys in applications; keep admin keys out of code entirely.",
    controls: &[
        LLM02,
        LLM06,
        ATLAS_T0012,
        ATLAS_T0055,
        ATLAS_M0026,
        NIST_MEASURE_2_7,
        EU_ART_15,
    ],
};

/// The finding for a credential whose detector's check read its scope from the
/// format (`scope`: OpenAI and Anthropic admin keys, live unrestricted Stripe keys,
/// Supabase `service_role` JWTs).
pub(crate) fn check(leak: &Leak<'_>) -> Option<RawFinding> {
    let d = leak.d;
    let scope = leak.prop("scope").and_then(Value::as_str)?;
    Some(leak.finding(
        &RULE,
        format!("{} `{}` has {scope} scope", d.detector.title, d.redacted),
        format!("scope:{}", d.fingerprint_key()),
    ))
}

//! `SEC008` is checked by the family table (`family_table.rs`): every detection of a
//! detector of the `Token` family is reported under this rule.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// SEC008: a signed JSON Web Token is hard-coded.
pub static RULE: Rule = Rule {
    id: "SEC008",
    name: "jwt",
    title: "Signed JSON Web Token hard-coded",
    category: Category::Secret,
    severity: Severity::Medium,
    what: "Reports JSON Web Tokens whose header and payload decode to JSON with a signing \
algorithm. Unsigned tokens (`alg: none`), public Supabase `anon` keys and the jwt.io \
documentation example are not reported; `service_role` tokens are also reported as \
admin-scoped (SEC103). A token whose issuer names a demo (a tool's published \
local-development key) or whose `exp` passed more than 30 days ago is informational, \
with the reason in the message and the `public_demo` or `expired` property.",
    why: "A JWT is a bearer credential: whoever holds it is the subject until it expires, \
and tokens written into code or configuration are often long-lived service tokens.",
    example: "`Authorization: Bearer eyJhbGciOi…` in a test script that calls a production \
inference API.",
    remediation: "Revoke the token or rotate the signing key, issue short-lived tokens at run \
time, and keep long-lived service tokens in a secret manager.",
    controls: &[LLM02, ATLAS_T0055, NIST_MEASURE_2_7, EU_ART_15],
};

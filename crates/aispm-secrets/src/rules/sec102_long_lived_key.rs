//! `SEC102`: a credential whose format (or its detector's check) says it does not
//! expire, on a platform that offers short-lived ones.

use crate::findings::Leak;
use aispm_core::framework::*;
use aispm_core::{Category, RawFinding, Rule, Severity};
use serde_json::Value;

/// SEC102: a long-lived cloud key is used where short-lived credentials exist.
pub static RULE: Rule = Rule {
    id: "SEC102",
    name: "long-lived-cloud-key",
    title: "Long-lived cloud key where short-lived credentials exist",
    category: Category::Access,
    severity: Severity::Medium,
    what: "Reports leaked credentials whose format shows they do not expire although the \
platform offers short-lived ones: AWS IAM user keys (`AKIA…`, as opposed to temporary \
`ASIA…` STS keys), long-lived Amazon Bedrock API keys (`ABSK…`, as opposed to short-term \
keys), and Google Cloud service-account key files (as opposed to workload identity).",
    why: "A long-lived key stays valid until someone deletes it, so a leak that goes \
unnoticed for months is exploitable for months; temporary credentials expire on their \
own and bound the damage of any leak.",
    example: "`AWS_ACCESS_KEY_ID: AKIA…` with its secret in a deployment manifest.",
    remediation: "Replace the key with role-based, short-lived credentials (IAM roles, IAM \
Identity Center, OIDC federation for CI, workload identity federation, short-term \
Bedrock keys) and delete the long-lived key.",
    controls: &[
        LLM02,
        ATLAS_T0012,
        ATLAS_T0055,
        ATLAS_M0005,
        NIST_MEASURE_2_7,
        EU_ART_15,
    ],
};

/// The finding for a long-lived key: an AWS IAM user key (`aws_key_type`), a key whose
/// check found it long-lived (`lifetime`: Bedrock `ABSK…` keys), or a Google Cloud
/// service-account key file.
pub(crate) fn check(leak: &Leak<'_>) -> Option<RawFinding> {
    let d = leak.d;
    let long_lived = leak.prop("aws_key_type").and_then(Value::as_str) == Some("long-lived")
        || leak.prop("lifetime").and_then(Value::as_str) == Some("long-lived")
        || d.kind == "gcp-service-account";
    if !long_lived {
        return None;
    }
    let instead = match d.kind {
        "gcp-service-account" => "workload identity or short-lived tokens",
        "aws-bedrock" => "short-term Bedrock API keys or IAM roles",
        _ => "temporary (STS) credentials from a role",
    };
    Some(leak.finding(
        &RULE,
        format!(
            "long-lived {} `{}` where {instead} exist",
            d.detector.title, d.redacted
        ),
        format!("lifetime:{}", d.fingerprint_key()),
    ))
}

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

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

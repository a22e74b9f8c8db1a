//! `SEC003` is checked by the family table (`family_table.rs`): every detection of a
//! detector of the `Cloud` family is reported under this rule.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// SEC003: a cloud credential is hard-coded.
pub static RULE: Rule = Rule {
    id: "SEC003",
    name: "cloud-credential",
    title: "Cloud credential hard-coded",
    category: Category::Secret,
    severity: Severity::Critical,
    what: "Reports cloud credentials: AWS access keys (the key ID is reported only together \
with its secret access key, found within a few lines; the account is decoded from the \
ID), AWS secret keys assigned by name, Google Cloud service-account key files (also \
base64-encoded) and OAuth client secrets, Azure storage account keys, SAS tokens, \
Service Bus keys and Entra ID client secrets, Google API keys (high at most; a Firebase \
app configuration key, public by design, at low) and Google OAuth refresh tokens (also \
URL-encoded) and access tokens (medium: they expire within the hour), MongoDB Atlas \
private keys, and DigitalOcean, Heroku, Fly.io and Alibaba tokens.",
    why: "A cloud key opens the account behind the AI system: the training data in storage, \
the model registry and endpoints, Bedrock, Vertex AI or Azure OpenAI usage billed to \
the account, and often far more than the application needed.",
    example: "`AWS_ACCESS_KEY_ID: AKIA…` and `AWS_SECRET_ACCESS_KEY: …` in a Compose file; a \
`service_account` JSON key committed beside a Vertex AI pipeline.",
    remediation: "Deactivate and delete the key in the cloud console, review its activity \
(CloudTrail, Cloud Audit Logs, Azure activity log), and replace it with workload \
identity or short-lived credentials (IAM roles, workload identity federation, managed \
identities) instead of a new long-lived key.",
    controls: &[
        LLM02,
        ATLAS_T0055,
        ATLAS_T0012,
        ATLAS_M0005,
        NIST_MEASURE_2_7,
        EU_ART_15,
        ISO_A_6_2_6,
        GDPR_ART_32,
    ],
};

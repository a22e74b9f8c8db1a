//! Rules of the secrets analyzer, one file each, and the dispatch that turns each
//! detection into findings. Secret findings are grouped by what the credential opens
//! (a model provider, an ML platform, a cloud, ...): the detector family decides the
//! rule, through one table (`family_table.rs`) that `SEC001`–`SEC009` share; the exact
//! format is the finding's `secret_kind` and `detector` property. Access findings
//! (`SEC1xx`) are separate, lower-volume rules about where and how a credential
//! leaked, each with its check in its own file.
//!
//! A rule's check gets a [`Leak`](crate::findings::Leak): the detection, its file's
//! path and the evidence; severity and confidence follow from the evidence the same way
//! for every rule (`findings.rs`).

use crate::Detection;
use crate::findings::{Leak, path_context, prop};
use aispm_core::{RawFinding, Rule};
use serde_json::Value;

mod family_table;
pub mod sec001_ai_provider_key;
pub mod sec002_ai_platform_token;
pub mod sec003_cloud_credential;
pub mod sec004_code_registry_token;
pub mod sec005_saas_token;
pub mod sec006_data_platform_credential;
pub mod sec007_private_key;
pub mod sec008_jwt;
pub mod sec009_generic_credential;
pub mod sec101_credential_in_agent_config;
pub mod sec102_long_lived_key;
pub mod sec103_admin_scoped_key;

/// Every rule of the secrets analyzer.
pub static RULES: &[&Rule] = &[
    &sec001_ai_provider_key::RULE,
    &sec002_ai_platform_token::RULE,
    &sec003_cloud_credential::RULE,
    &sec004_code_registry_token::RULE,
    &sec005_saas_token::RULE,
    &sec006_data_platform_credential::RULE,
    &sec007_private_key::RULE,
    &sec008_jwt::RULE,
    &sec009_generic_credential::RULE,
    &sec101_credential_in_agent_config::RULE,
    &sec102_long_lived_key::RULE,
    &sec103_admin_scoped_key::RULE,
];

/// Every finding for the detections of the file at `path` (whose first bytes are
/// `head`): each detection goes through every rule's check, in this order.
pub(crate) fn findings_for(path: &str, head: &[u8], detections: &[Detection]) -> Vec<RawFinding> {
    let mut out = Vec::new();
    if detections.is_empty() {
        return out;
    }
    let agent_config = sec101_credential_in_agent_config::is_agent_config(path, head);
    let in_tests = path_context(path) == Some("test");
    for d in detections {
        // A password for a reserved documentation host in a test is the test's input
        // (URL parsing, credential scrubbing), not a credential.
        if in_tests && prop(d, "reserved_host") == Some(&Value::Bool(true)) {
            continue;
        }
        let leak = Leak::new(path, d);
        out.push(family_table::check(&leak));
        out.extend(sec101_credential_in_agent_config::check(
            &leak,
            agent_config,
        ));
        out.extend(sec102_long_lived_key::check(&leak));
        out.extend(sec103_admin_scoped_key::check(&leak));
    }
    out
}

//! The secret rules `SEC001`–`SEC009` share one check: every detection is reported under
//! the rule of its detector's family (what the credential opens), with the detector's
//! title, the redacted secret and where it stands. The severity is the rule's, capped by
//! what the detection says (`findings.rs`: a detector's `max_severity`, test-mode keys,
//! local hosts, test and example paths, demo and expired tokens).

use super::{
    sec001_ai_provider_key, sec002_ai_platform_token, sec003_cloud_credential,
    sec004_code_registry_token, sec005_saas_token, sec006_data_platform_credential,
    sec007_private_key, sec008_jwt, sec009_generic_credential,
};
use crate::detector::Family;
use crate::findings::Leak;
use aispm_core::{RawFinding, Rule};
use serde_json::Value;

/// The rule a detector family reports under.
pub(crate) fn rule_for(family: Family) -> &'static Rule {
    match family {
        Family::AiProvider => &sec001_ai_provider_key::RULE,
        Family::AiPlatform => &sec002_ai_platform_token::RULE,
        Family::Cloud => &sec003_cloud_credential::RULE,
        Family::CodeAndRegistry => &sec004_code_registry_token::RULE,
        Family::Saas => &sec005_saas_token::RULE,
        Family::DataPlatform => &sec006_data_platform_credential::RULE,
        Family::PrivateKey => &sec007_private_key::RULE,
        Family::Token => &sec008_jwt::RULE,
        Family::Generic => &sec009_generic_credential::RULE,
    }
}

/// The secret finding of one detection, under its family's rule; fingerprinted on the
/// secret's kind and hash.
pub(crate) fn check(leak: &Leak<'_>) -> RawFinding {
    let d = leak.d;
    let mut title = d.detector.title.to_string();
    if d.detector.family == Family::Cloud && leak.prop("paired") == Some(&Value::Bool(true)) {
        title = "AWS access key with its secret access key".into();
    }
    let message = format!("{title} `{}`{}", d.redacted, leak.place());
    leak.finding(rule_for(d.detector.family), message, d.fingerprint_key())
}

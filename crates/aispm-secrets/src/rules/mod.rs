//! Rules of the secrets analyzer, one file each. Secret findings are grouped by what
//! the credential opens (a model provider, an ML platform, a cloud, ...); the exact
//! format is the finding's `secret_kind` and `detector` property. Access findings
//! (`SEC1xx`) are separate, lower-volume rules about where and how a credential leaked.

use crate::detector::Family;
use aispm_core::Rule;

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

pub use sec001_ai_provider_key::RULE as AI_PROVIDER_KEY;
pub use sec002_ai_platform_token::RULE as AI_PLATFORM_TOKEN;
pub use sec003_cloud_credential::RULE as CLOUD_CREDENTIAL;
pub use sec004_code_registry_token::RULE as CODE_REGISTRY_TOKEN;
pub use sec005_saas_token::RULE as SAAS_TOKEN;
pub use sec006_data_platform_credential::RULE as DATA_PLATFORM_CREDENTIAL;
pub use sec007_private_key::RULE as PRIVATE_KEY;
pub use sec008_jwt::RULE as JWT;
pub use sec009_generic_credential::RULE as GENERIC_CREDENTIAL;
pub use sec101_credential_in_agent_config::RULE as CREDENTIAL_IN_AGENT_CONFIG;
pub use sec102_long_lived_key::RULE as LONG_LIVED_KEY;
pub use sec103_admin_scoped_key::RULE as ADMIN_SCOPED_KEY;

/// Every rule of the secrets analyzer.
pub static RULES: &[&Rule] = &[
    &AI_PROVIDER_KEY,
    &AI_PLATFORM_TOKEN,
    &CLOUD_CREDENTIAL,
    &CODE_REGISTRY_TOKEN,
    &SAAS_TOKEN,
    &DATA_PLATFORM_CREDENTIAL,
    &PRIVATE_KEY,
    &JWT,
    &GENERIC_CREDENTIAL,
    &CREDENTIAL_IN_AGENT_CONFIG,
    &LONG_LIVED_KEY,
    &ADMIN_SCOPED_KEY,
];

/// The rule a detector family reports under.
pub fn rule_for(family: Family) -> &'static Rule {
    match family {
        Family::AiProvider => &AI_PROVIDER_KEY,
        Family::AiPlatform => &AI_PLATFORM_TOKEN,
        Family::Cloud => &CLOUD_CREDENTIAL,
        Family::CodeAndRegistry => &CODE_REGISTRY_TOKEN,
        Family::Saas => &SAAS_TOKEN,
        Family::DataPlatform => &DATA_PLATFORM_CREDENTIAL,
        Family::PrivateKey => &PRIVATE_KEY,
        Family::Token => &JWT,
        Family::Generic => &GENERIC_CREDENTIAL,
    }
}

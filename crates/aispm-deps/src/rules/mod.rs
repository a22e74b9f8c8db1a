//! Rules of the dependency analyzer, one file each.

use aispm_core::Rule;

pub mod dep001_vulnerable_ai_package;
pub mod dep002_vulnerable_package;
pub mod dep003_range_allows_vulnerable;
pub mod dep004_unpinned_ai_package;
pub mod dep005_malicious_package;
pub mod dep006_lookalike_name;

pub use dep001_vulnerable_ai_package::RULE as VULNERABLE_AI_PACKAGE;
pub use dep002_vulnerable_package::RULE as VULNERABLE_PACKAGE;
pub use dep003_range_allows_vulnerable::RULE as RANGE_ALLOWS_VULNERABLE;
pub use dep004_unpinned_ai_package::RULE as UNPINNED_AI_PACKAGE;
pub use dep005_malicious_package::RULE as MALICIOUS_PACKAGE;
pub use dep006_lookalike_name::RULE as LOOKALIKE_NAME;

/// Every rule of the dependency analyzer.
pub static RULES: &[&Rule] = &[
    &VULNERABLE_AI_PACKAGE,
    &VULNERABLE_PACKAGE,
    &RANGE_ALLOWS_VULNERABLE,
    &UNPINNED_AI_PACKAGE,
    &MALICIOUS_PACKAGE,
    &LOOKALIKE_NAME,
];

//! `SEC004` is checked by the family table (`family_table.rs`): every detection of a
//! detector of the `CodeAndRegistry` family is reported under this rule.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// SEC004: a source-control, CI, package-registry or automation token is hard-coded.
pub static RULE: Rule = Rule {
    id: "SEC004",
    name: "code-registry-token",
    title: "Source control, package registry or automation token hard-coded",
    category: Category::Secret,
    severity: Severity::High,
    what: "Reports GitHub tokens (classic tokens are accepted only when their CRC32 checksum \
holds; fine-grained tokens by their layout), GitLab tokens, npm tokens (checksum checked) \
and `.npmrc` auth tokens, PyPI upload tokens, Docker registry credentials in \
`config.json`, HashiCorp Vault, Terraform Cloud, Doppler, Postman, Bitbucket, crates.io, \
RubyGems, Atlassian, Docker Hub, SonarQube, Azure DevOps, Sourcegraph, Snyk and 1Password \
(service-account tokens, account Secret Keys) tokens, and \
GitHub OAuth client secrets (the formats without a prefix only next to their service's \
name).",
    why: "These tokens change what others install and run: pushing to a repository or a \
package registry is a supply-chain compromise of every user of the code, models or \
packages, and secret-manager tokens hand over every other secret at once.",
    example: "`git.clone-token=ghp_…` in `application.properties`, `_authToken=npm_…` in a \
committed `.npmrc`.",
    remediation: "Revoke the token, replace it with a fine-grained or short-lived one (GitHub \
Actions `GITHUB_TOKEN`, OIDC trusted publishing for PyPI and npm), and review recent \
pushes, releases and package versions made with it.",
    controls: &[
        LLM03,
        LLM02,
        ML06,
        ATLAS_T0055,
        ATLAS_T0010_001,
        NIST_MEASURE_2_7,
        EU_ART_15,
        ISO_A_10_3,
    ],
};

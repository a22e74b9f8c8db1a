//! `SEC007` is checked by the family table (`family_table.rs`): every detection of a
//! detector of the `PrivateKey` family is reported under this rule.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// SEC007: a private key is stored in a file.
pub static RULE: Rule = Rule {
    id: "SEC007",
    name: "private-key",
    title: "Private key stored in the repository",
    category: Category::Secret,
    severity: Severity::High,
    what: "Reports private keys in PEM (`RSA`, `EC`, `DSA`, PKCS#8 and encrypted PKCS#8), \
OpenSSH, PGP armour, PuTTY (`.ppk`) and age formats, also inside strings with `\\n` \
escapes, and PEM blocks wrapped in base64 (a Kubernetes secret's `data`). The key material is decoded and checked (a DER sequence, the OpenSSH magic and \
cipher), so a header around placeholder text is not reported. Encrypted keys are \
reported at medium severity.",
    why: "A private key is an identity: it signs, decrypts and logs in (deploy keys, TLS \
servers, code signing, SSH to training machines). Unlike a password it cannot be \
changed, only revoked and replaced.",
    example: "A `deploy_key` with `-----BEGIN OPENSSH PRIVATE KEY-----`; a TLS `server.key` \
next to the inference service's configuration.",
    remediation: "Revoke the key (remove it from `authorized_keys`, deploy keys, certificate \
authorities), generate a new one outside the repository, and keep keys in a secret \
manager or an agent; never commit them, even encrypted.",
    controls: &[
        LLM02,
        ATLAS_T0055,
        ATLAS_M0012,
        NIST_MEASURE_2_7,
        EU_ART_15,
        ISO_A_6_2_6,
    ],
};

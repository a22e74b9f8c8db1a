//! `SEC009` is checked by the family table (`family_table.rs`): every detection of a
//! detector of the `Generic` family is reported under this rule.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// SEC009: a password or high-entropy secret without a known format is hard-coded.
pub static RULE: Rule = Rule {
    id: "SEC009",
    name: "generic-credential",
    title: "Password or secret value hard-coded",
    category: Category::Secret,
    severity: Severity::Medium,
    what: "Reports literal values assigned to credential names (`*_PASSWORD`, `*_SECRET`, \
`*_TOKEN`, `*_API_KEY`, `client_secret`, `<password>`) passwords in URLs, and \
credentials on `curl` command lines (`-u user:password`, `-H 'Authorization: …'`, \
`-H 'X-Api-Key: …'`), and password hashes (crypt `$1$`/`$2b$`/`$5$`/`$6$`, Cisco \
`$8$`/`$9$`, Argon2, Kerberos AS-REP and TGS-REP): medium as a password-file entry \
(`user:HASH`), low alone on a line or under a password name, not reported elsewhere \
(test vectors). A UUID or hex value counts under a name that says whose secret it is \
(`client_secret`, `api_key`, `diffbot_token`), not under one that says what the \
program uses it for (`session_token`, `upload_key`). `WORD NAME VALUE` lines (a \
Dockerfile's `ENV API_KEY …`) read as `WORD_NAME = VALUE`. Names that \
only mention a credential (`token_count`, `private_key_id`, `password_reset_url`) are \
ignored, and so are values that are references (`${VAR}`, `os.environ[…]`, \
`{{ .Values.x }}`), placeholders (`changeme`, `<your-key>`, `xxxx`), digests, UUIDs, \
base64-encoded prose or words, identifiers and low-entropy words, code (calls, paths, \
templates, also inside data files), file paths and dotted names under a bare `key`, \
and public-by-design keys (PostHog project keys, publishable keys). In source code \
only string literals count. Never above medium; low in test, fixture, cassette and \
example files and for URL passwords of reserved documentation hosts (`example.com`, \
`.test`), which tests use as input and are not reported there.",
    why: "Passwords and service secrets in files end up in every clone, fork, CI log and \
container image built from them, and cannot be taken back once pushed.",
    example: "`DB_PASSWORD=8ae3…` in `.env.prod`; `http://user:…@host` in a script.",
    remediation: "Change the password or rotate the secret, then read it from the \
environment or a secret manager at run time. If the value is a deliberate test fixture, \
say so with `aispm:ignore SEC009 <reason>` on its line.",
    controls: &[LLM02, ATLAS_T0055, NIST_MEASURE_2_7, EU_ART_15, GDPR_ART_32],
};

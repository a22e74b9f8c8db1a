//! Whether a name reads as a credential, and of which kind: `DB_PASSWORD`, `cohereAPIKey`
//! and `client_secret` do; `token_count`, `private_key_id` and `publishable_key` do not.
//! Mostly word lists: the credential words, what may follow them, the qualifiers that
//! make a `key` or `token` something else, and the words that make a UUID- or
//! hex-shaped value an issued credential rather than a handle.

/// What a credential name protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredClass {
    Password,
    Secret,
    Token,
    Key,
    Auth,
}

/// Splits a name into lower-case words at separators and camelCase boundaries
/// (`cohereAPIKey` → `cohere`, `api`, `key`).
pub fn words(name: &str) -> Vec<String> {
    let b = name.as_bytes();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in b.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let boundary = i > 0
            && c.is_ascii_uppercase()
            && (b[i - 1].is_ascii_lowercase()
                || (b[i - 1].is_ascii_uppercase()
                    && b.get(i + 1).is_some_and(u8::is_ascii_lowercase)));
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase() as char);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn class_of_word(w: &str) -> Option<CredClass> {
    Some(match w {
        "password" | "passwd" | "pwd" | "pass" | "passphrase" | "passwort" | "pword" => {
            CredClass::Password
        }
        "secret" | "clientsecret" | "appsecret" | "secretkey" | "secretaccesskey" => {
            CredClass::Secret
        }
        "token" | "accesstoken" | "authtoken" | "apitoken" | "bearer" | "pat" => CredClass::Token,
        "key" | "apikey" | "accesskey" | "privatekey" | "appkey" | "masterkey"
        | "subscriptionkey" | "licensekey" => CredClass::Key,
        "auth" | "authorization" | "credential" | "credentials" | "creds" => CredClass::Auth,
        _ => return None,
    })
}

/// Words after the credential word that keep the name a credential.
const SUFFIX_OK: &[&str] = &[
    "value",
    "val",
    "str",
    "string",
    "raw",
    "b64",
    "base64",
    "enc",
    "encoded",
    "hex",
    "plain",
    "plaintext",
    "prod",
    "production",
    "dev",
    "development",
    "stg",
    "staging",
    "stage",
    "test",
    "testing",
    "qa",
    "uat",
    "live",
    "local",
    "old",
    "new",
    "primary",
    "secondary",
    "backup",
    "default",
    "v1",
    "v2",
    "v3",
    "1",
    "2",
    "3",
    "sk",
    "api",
];

/// Words right before `key` that make it something else than a credential.
const KEY_QUALIFIER_NO: &[&str] = &[
    "public",
    "pub",
    "primary",
    "foreign",
    "partition",
    "sort",
    "hash",
    "cache",
    "idempotency",
    "dedup",
    "dedupe",
    "lookup",
    "map",
    "row",
    "object",
    "s3",
    "bucket",
    "file",
    "publishable",
    "composite",
    "unique",
    "index",
    "group",
    "route",
    "routing",
    "shard",
    "hot",
    "range",
    "cursor",
    "i18n",
    "translation",
    "message",
    "label",
    "locale",
    "dict",
    "react",
    "metric",
    "event",
    "column",
    "table",
    "field",
    "prop",
    "state",
    "storage_path",
    "sorting",
    "join",
    "lock",
    "tracking",
    "site",
    "recaptcha",
    "ssh",
    "gpg",
    "pgp",
    "signing_public",
    "verify",
    "verification",
    "encrypted",
    "kms",
    "cmk",
    "customer",
    "managed",
    "deploy_public",
    "next",
    "prev",
    "last",
    "first",
    "asset",
    "parameter",
    "attribute",
    "attr",
    "tag",
    "setting",
    "option",
    "property",
    "resource",
    "node",
    "selector",
    "annotation",
];

/// Words right before `token` that make it something else than a credential.
const TOKEN_QUALIFIER_NO: &[&str] = &[
    // Tokens published on purpose (Mapbox and Plaid public tokens, Stripe
    // publishable ones): meant for clients, not secrets.
    "public",
    "publishable",
    "csrf",
    "xsrf",
    "page",
    "next",
    "continuation",
    "pagination",
    "cancellation",
    "cancel",
    "max",
    "min",
    "num",
    "total",
    "bos",
    "eos",
    "pad",
    "unk",
    "sep",
    "cls",
    "mask",
    "special",
    "eot",
    "start",
    "end",
    "stop",
    "count",
    "prompt",
    "completion",
    "input",
    "output",
    "sync",
    "resume",
    "id",
    "sample",
    "new",
    "added",
    "image",
    "decoder",
    "vision",
    "audio",
    "length",
    "cached",
    "reasoning",
    "generated",
];

/// Words before the credential word that make the name describe something else than
/// the secret itself (`password_reset_url` is caught by the suffix rule; these catch
/// `example_api_key`, `hash_secret`, `max_token`).
const NAME_NO: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "fake",
    "mock",
    "placeholder",
    "template",
    "format",
    "regex",
    "pattern",
    "prefix",
    "suffix",
    "hint",
    "label",
    "description",
    "desc",
    "doc",
    "help",
    "message",
    "msg",
    "error",
    "title",
    "header",
    "param",
    "field",
    "column",
    "type",
    "kind",
    "name",
    "path",
    "file",
    "dir",
    "url",
    "uri",
    "endpoint",
    "host",
    "region",
    "length",
    "len",
    "size",
    "count",
    "policy",
    "expiry",
    "expires",
    "expiration",
    "ttl",
    "timeout",
    "version",
    "hash",
    // A secret's hash (`hashed_secret` in a detect-secrets baseline) is not the secret.
    "hashed",
    "sha1",
    "sha256",
    "sha512",
    "salt",
    "digest",
    "checksum",
    "sha",
    "md5",
    "fingerprint",
    "rotation",
    "ref",
    "arn",
    "location",
    "mode",
    "method",
    "scheme",
    "scope",
    "strategy",
    "enabled",
    "enable",
    "disabled",
    "required",
    "validator",
    "validation",
    "min",
    "max",
    "generator",
    "cache",
    "handler",
    "factory",
    "class",
    "reset",
    "forgot",
    "confirm",
    "confirmation",
    "input",
    "lookup",
    "mapping",
    "level",
    "status",
    "state",
    "index",
    "flag",
    "flags",
    "is",
    "has",
    "use",
    "show",
    "get",
    "set",
];

/// What a name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameInfo {
    pub class: CredClass,
    /// The name had a qualifier that makes a bare `key`/`token` specific (`api_key`).
    pub qualified: bool,
    pub words: Vec<String>,
}

/// The last word of a name (`cohereAPIKey` → `Key`), without allocating.
fn last_word(name: &str) -> &str {
    let b = name.as_bytes();
    let mut end = b.len();
    while end > 0 && !b[end - 1].is_ascii_alphanumeric() {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && b[start - 1].is_ascii_alphanumeric() {
        let i = start - 1;
        // A camelCase boundary: `…yK|ey` stops before `K`; `API|Key` before `K`.
        if start < end
            && b[start].is_ascii_uppercase()
            && (b[i].is_ascii_lowercase()
                || (b[i].is_ascii_uppercase()
                    && b.get(start + 1).is_some_and(u8::is_ascii_lowercase)))
        {
            break;
        }
        start = i;
    }
    &name[start..end]
}

/// Whether a name reads as a credential, and of which kind.
pub fn classify(name: &str) -> Option<NameInfo> {
    // Most names fail on their last word; decide that before allocating.
    let last = last_word(name).to_ascii_lowercase();
    if class_of_word(&last).is_none() && !SUFFIX_OK.contains(&last.as_str()) {
        return None;
    }
    let ws = words(name);
    let pos = ws.iter().rposition(|w| class_of_word(w).is_some())?;
    let class = class_of_word(&ws[pos])?;
    if !ws[pos + 1..]
        .iter()
        .all(|w| SUFFIX_OK.contains(&w.as_str()))
    {
        return None;
    }
    // `*_sk` style suffixes only after a credential word ending.
    let before: &[String] = &ws[..pos];
    if before.iter().any(|w| NAME_NO.contains(&w.as_str())) {
        return None;
    }
    let prev = pos.checked_sub(1).map(|p| ws[p].as_str());
    let denied = match class {
        CredClass::Key => prev.is_some_and(|p| KEY_QUALIFIER_NO.contains(&p)),
        CredClass::Token => prev.is_some_and(|p| TOKEN_QUALIFIER_NO.contains(&p)),
        _ => false,
    };
    if denied {
        return None;
    }
    let qualified = match ws[pos].as_str() {
        "key" | "token" | "auth" | "pat" => prev.is_some(),
        _ => true,
    };
    Some(NameInfo {
        class,
        qualified,
        words: ws,
    })
}

/// Whether a name mentions one of `providers` (lower-case), ignoring separators and
/// case (`cohereAPIKey` and `COHERE_API_KEY` both mention `cohere`).
pub fn mentions(name: &str, providers: &[&str]) -> bool {
    let squashed: Vec<u8> = name
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    providers.iter().any(|p| {
        let p: Vec<u8> = p
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase())
            .collect();
        !p.is_empty() && squashed.windows(p.len()).any(|w| w == p.as_slice())
    })
}

/// Words in a credential name that make it name an issued secret even when its value
/// is a UUID or hex string (`api_key`, `client_secret`, `access_token`).
const HEX_CREDENTIAL_WORDS: &[&str] = &[
    "api",
    "secret",
    "access",
    "private",
    "client",
    "app",
    "master",
    "service",
    "bearer",
    "personal",
    "oauth",
    "auth",
    "license",
    "subscription",
];

/// Whether a name makes a UUID- or hex-shaped value a credential. Many services issue
/// such keys (Heroku, HubSpot, Snyk, MongoDB Atlas, GitHub OAuth secrets), but far more
/// UUIDs and hex strings are IDs, digests and request or session handles, so the name
/// must say whose secret it is (`client_secret`, not `hex_secret`) or "api/access/client
/// … key or token" (`session_token`, `job_key` and a bare `key` or `token` do not).
pub fn names_hex_credential(info: &NameInfo) -> bool {
    if info.class == CredClass::Password {
        return true;
    }
    if info.class == CredClass::Secret {
        // Whose secret it is (`client_secret`, `webhookSecret`), not only how it is
        // written (`hex_secret`) or a bare `secret`.
        const FORM_WORDS: &[&str] = &[
            "secret", "hex", "b64", "base64", "raw", "plain", "enc", "encoded", "str", "string",
            "value", "val", "my", "the",
        ];
        return info
            .words
            .iter()
            .any(|w| !FORM_WORDS.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()));
    }
    if !info.qualified || info.class == CredClass::Auth {
        return false;
    }
    info.words.iter().any(|w| {
        HEX_CREDENTIAL_WORDS.contains(&w.as_str())
            || matches!(
                w.as_str(),
                "apikey" | "apitoken" | "accesstoken" | "authtoken" | "accesskey" | "secretkey"
            )
    }) || names_owner(info)
}

/// Words that say what a key or token is for inside a program (a request, a session, a
/// job, an upload), not whose credential it is: a UUID or hex value under them is a
/// handle, not an issued secret.
const HANDLE_WORDS: &[&str] = &[
    "request",
    "session",
    "job",
    "task",
    "run",
    "step",
    "batch",
    "build",
    "trace",
    "span",
    "correlation",
    "device",
    "user",
    "install",
    "installation",
    "instance",
    "event",
    "message",
    "upload",
    "download",
    "item",
    "record",
    "transaction",
    "order",
    "invite",
    "invitation",
    "share",
    "entity",
    "team",
    "project",
    "workspace",
    "query",
    "search",
    "result",
    "document",
    "commit",
    "revision",
    "branch",
    "release",
    "notification",
    "stream",
    "queue",
    "topic",
    "channel",
    "room",
    "chat",
    "thread",
    "conversation",
    "media",
    "video",
    "track",
    "product",
    "account",
    "tenant",
    "registration",
    "enrollment",
    "email",
    "phone",
    "login",
    "logout",
    "magic",
    "nonce",
    "challenge",
    "state",
    "random",
    "unique",
    "local",
    "remote",
    "temp",
    "tmp",
    "test",
    "tests",
    "mock",
    "fake",
    "stub",
    "demo",
    "default",
    "current",
    "old",
    "previous",
    "other",
    "this",
    "that",
    "your",
    "some",
    "model",
    "layer",
    "weight",
    "data",
    "dataset",
    "config",
    "cfg",
    "context",
    "payload",
    "body",
    "header",
    "cookie",
    "form",
    "link",
    "embed",
    "widget",
    "plugin",
    "schema",
    "secondary",
    "encryption",
    "decryption",
    "wrapped",
    "wrapping",
    "derived",
    "shared",
    "common",
    "global",
    "internal",
    "external",
    "upstream",
    "downstream",
    "parent",
    "child",
    "root",
    "base",
    "main",
    // A refresh token in UUID or hex form is rare; a refresh handle is not.
    "refresh",
];

/// Whether the word before `key`/`token` names whose credential it is: a word of at least
/// three letters, not all digits, that is not a program's own purpose (`diffbot_token`,
/// `checklyhqTOKEN`, `box-key`), as opposed to `session_token`, `job_key` or
/// `upload_token`. Consulted only after `HEX_CREDENTIAL_WORDS`, so it only widens.
fn names_owner(info: &NameInfo) -> bool {
    if !matches!(info.class, CredClass::Key | CredClass::Token) {
        return false;
    }
    let Some(pos) = info
        .words
        .iter()
        .rposition(|w| matches!(w.as_str(), "key" | "token"))
    else {
        return false;
    };
    let Some(owner) = pos.checked_sub(1).map(|p| info.words[p].as_str()) else {
        return false;
    };
    owner.len() >= 3
        && owner
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && owner.bytes().any(|b| b.is_ascii_lowercase())
        && !HANDLE_WORDS.contains(&owner)
        && !KEY_OR_TOKEN_HANDLE.iter().any(|w| owner.ends_with(w))
}

/// Endings of a qualifier that make it a handle whatever comes before
/// (`idempotency`, `dedupe`, `cacheKey`-like compounds glued into one word).
const KEY_OR_TOKEN_HANDLE: &[&str] = &["id", "ids", "cache", "hash", "sum", "index", "name"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names() {
        let c = |n: &str| classify(n).map(|i| i.class);
        assert_eq!(c("DB_PASSWORD"), Some(CredClass::Password));
        assert_eq!(c("cohereAPIKey"), Some(CredClass::Key));
        assert_eq!(c("SLACK_BOT_TOKEN"), Some(CredClass::Token));
        assert_eq!(c("client_secret"), Some(CredClass::Secret));
        assert_eq!(c("OPENAI_API_KEY_STAGING"), Some(CredClass::Key));
        for no in [
            "private_key_id",
            "token_count",
            "max_tokens",
            "publishable_key",
            "secret_name",
            "secretKeyRef",
            "password_hash",
            "api_key_header",
            "REQUEST_ID_SALT",
            "pad_token",
            "keyboard",
            "monkey",
            "primary_key",
            "PROMPT_CACHE_VERSION",
            "token_uri",
            "example_api_key",
        ] {
            assert_eq!(c(no), None, "{no}");
        }
        assert!(!classify("key").unwrap().qualified);
        assert_eq!(last_word("cohereAPIKey"), "Key");
        assert_eq!(last_word("OPENAI_API_KEY_STAGING"), "STAGING");
        assert_eq!(last_word("apiKEY"), "KEY");
        assert!(classify("api_key").unwrap().qualified);
        assert!(mentions("cohereAPIKey", &["cohere"]));
        assert!(mentions("AZURE_OPENAI_KEY", &["azure_openai"]));
    }
}

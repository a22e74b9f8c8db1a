//! Structural checks of single tokens: embedded checksums (GitHub, npm), decoded
//! payloads (JWT, Bedrock, Neptune, Sentry), fixed markers, and the scope or mode a
//! format reveals (admin keys, live versus test keys).

use crate::detector::{Confidence, Site, Verdict};
use crate::text::{self, Classes};
use serde_json::Value;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Base62 of a CRC32, left-padded with `0` to six characters (GitHub's and npm's
/// token checksum).
pub fn crc32_base62(data: &[u8]) -> String {
    let mut n = crc32fast::hash(data);
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `prefix_` + 30 random characters + their 6-character checksum.
fn checksum_ok(token: &str) -> bool {
    let Some((_, body)) = token.split_once('_') else {
        return false;
    };
    body.len() == 36 && crc32_base62(&body.as_bytes()[..30]) == body[30..]
}

/// GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens carry a CRC32 of their random part;
/// a token whose checksum does not hold was never issued.
pub fn github_classic(token: &str, _: &Site<'_>) -> Verdict {
    if !checksum_ok(token) {
        return Verdict::Reject;
    }
    let t = match &token[..4] {
        "ghp_" => "personal-access-token",
        "gho_" => "oauth-access-token",
        "ghu_" => "user-to-server-token",
        "ghs_" => "server-to-server-token",
        "ghr_" => "refresh-token",
        _ => "token",
    };
    Verdict::high()
        .with("token_type", t)
        .with("checksum", "valid")
}

/// Fine-grained personal access tokens: `github_pat_` + 22 + `_` + 59.
pub fn github_fine_grained(token: &str, _: &Site<'_>) -> Verdict {
    let rest = &token["github_pat_".len()..];
    match rest.split_once('_') {
        Some((a, b)) if a.len() == 22 && b.len() == 59 => {
            Verdict::high().with("token_type", "fine-grained-personal-access-token")
        }
        _ => Verdict::medium().with("token_type", "fine-grained-personal-access-token"),
    }
}

/// npm tokens use the same checksum scheme as GitHub's.
pub fn npm(token: &str, _: &Site<'_>) -> Verdict {
    if checksum_ok(token) {
        Verdict::high().with("checksum", "valid")
    } else {
        Verdict::medium()
    }
}

/// OpenAI keys all carry `T3BlbkFJ` ("OpenAI" in base64); the prefix tells the type.
pub fn openai(token: &str, _: &Site<'_>) -> Verdict {
    let key_type = if token.starts_with("sk-proj-") {
        "project"
    } else if token.starts_with("sk-svcacct-") {
        "service-account"
    } else if token.starts_with("sk-admin-") {
        "admin"
    } else if token.starts_with("sk-None-") {
        "user"
    } else {
        "legacy"
    };
    let v = Verdict::high().with("key_type", key_type);
    if key_type == "admin" {
        v.with("scope", "admin")
    } else {
        v
    }
}

/// Anthropic keys end in `AA` after 93 characters of body.
pub fn anthropic(token: &str, _: &Site<'_>) -> Verdict {
    let key_type = if token.starts_with("sk-ant-admin") {
        "admin"
    } else if token.starts_with("sk-ant-oat") {
        "oauth-access-token"
    } else if token.starts_with("sk-ant-ort") {
        "oauth-refresh-token"
    } else {
        "api"
    };
    let body = token.splitn(4, '-').nth(3).unwrap_or_default();
    let exact = body.len() == 95 && body.ends_with("AA");
    let v = if exact || key_type.starts_with("oauth") {
        Verdict::high()
    } else {
        Verdict::medium()
    };
    let v = v.with("key_type", key_type);
    if key_type == "admin" {
        v.with("scope", "admin")
    } else {
        v
    }
}

/// The 84-character Azure AI services key format: an OpenAI resource when an OpenAI
/// endpoint or name is near, otherwise another Cognitive Services resource.
pub fn azure_ai_key(_: &str, site: &Site<'_>) -> Verdict {
    let around = text::lower(site.around(8));
    let openai = memchr::memmem::find(&around, b"openai").is_some();
    let mut v = Verdict::high();
    if let Verdict::Accept { kind, .. } = &mut v {
        *kind = Some(if openai {
            "azure-openai"
        } else {
            "azure-cognitive-services"
        });
    }
    with_azure_endpoint(v, &around)
}

fn with_azure_endpoint(v: Verdict, around: &[u8]) -> Verdict {
    for suffix in [
        &b".openai.azure.com"[..],
        b".cognitiveservices.azure.com",
        b".services.ai.azure.com",
    ] {
        if let Some(p) = memchr::memmem::find(around, suffix) {
            let start = around[..p]
                .iter()
                .rposition(|&b| !(b.is_ascii_alphanumeric() || b == b'-'))
                .map_or(0, |i| i + 1);
            let host = String::from_utf8_lossy(&around[start..p + suffix.len()]).into_owned();
            return v.with("endpoint", host).with("paired", true);
        }
    }
    v
}

/// A 32-character hex key accepted near an Azure OpenAI mention: paired with the
/// endpoint when one is in sight.
pub fn azure_openai_hex(token: &str, site: &Site<'_>) -> Verdict {
    let v = mixed(token, site);
    if v == Verdict::Reject {
        return v;
    }
    let around = text::lower(site.around(8));
    with_azure_endpoint(v, &around)
}

/// Hex or alphanumeric keys found by context must mix letters and digits (a run of
/// one class is a word or a number).
pub fn mixed(token: &str, _: &Site<'_>) -> Verdict {
    let c = Classes::of(token.as_bytes());
    if c.digit && c.letter() {
        Verdict::medium()
    } else {
        Verdict::Reject
    }
}

/// Slack tokens: the prefix tells whose token it is.
pub fn slack(token: &str, _: &Site<'_>) -> Verdict {
    let t = match token.get(..5) {
        Some("xoxb-") => "bot",
        Some("xoxp-") => "user",
        Some("xoxa-") => "app",
        Some("xoxr-") => "refresh",
        Some("xoxs-") => "session",
        Some("xoxe.") | Some("xoxe-") => "rotating",
        Some("xapp-") => "app-level",
        _ => "token",
    };
    Verdict::high().with("token_type", t)
}

/// Stripe secret (`sk_`) keys are unrestricted; restricted (`rk_`) keys are scoped.
pub fn stripe(token: &str, _: &Site<'_>) -> Verdict {
    let live = token[3..].starts_with("live_");
    let restricted = token.starts_with("rk_");
    let v = Verdict::high()
        .with("mode", if live { "live" } else { "test" })
        .with("key_type", if restricted { "restricted" } else { "secret" });
    if live && !restricted {
        v.with("scope", "unrestricted")
    } else {
        v
    }
}

fn b64_json(data: &[u8]) -> Option<serde_json::Map<String, Value>> {
    let decoded = text::base64_decode(data)?;
    match serde_json::from_slice::<Value>(&decoded).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// JWTs: a JSON header with `alg`, a JSON payload; unsigned tokens, public anon keys
/// and the well-known documentation example are not credentials.
pub fn jwt(token: &str, _: &Site<'_>) -> Verdict {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return Verdict::Reject;
    };
    let Some(header) = b64_json(h.as_bytes()) else {
        return Verdict::Reject;
    };
    let Some(payload) = b64_json(p.as_bytes()) else {
        return Verdict::Reject;
    };
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg.is_empty() || alg.eq_ignore_ascii_case("none") || sig.len() < 16 {
        return Verdict::Reject;
    }
    if !payload.keys().any(|k| is_grant_claim(k)) {
        // A payload with no identity, audience, lifetime or permission claim
        // (`{"confidence": 0.8}`) signs data; it lets no one in.
        return Verdict::Reject;
    }
    let role = payload.get("role").and_then(Value::as_str).unwrap_or("");
    if role == "anon" {
        return Verdict::Reject; // Supabase anonymous keys are public by design
    }
    if payload.get("name").and_then(Value::as_str) == Some("John Doe")
        || payload.get("sub").and_then(Value::as_str) == Some("1234567890")
    {
        return Verdict::Reject; // the jwt.io example
    }
    let claims = ["iss", "sub", "aud", "exp", "iat"]
        .iter()
        .filter(|c| payload.contains_key(**c))
        .count();
    let iss = payload.get("iss").and_then(Value::as_str).unwrap_or("");
    // A token whose issuer calls itself a demo (`supabase-demo`) is the published
    // local-development key of a tool, the same on every machine.
    let demo = is_demo_issuer(iss);
    let expired = payload
        .get("exp")
        .and_then(Value::as_f64)
        .filter(|&exp| expired_long_ago(exp, now_unix()));
    let mut v = if demo || expired.is_some() {
        Verdict::Accept {
            confidence: Confidence::Low,
            props: Vec::new(),
            kind: None,
        }
    } else if claims >= 2 {
        Verdict::high()
    } else {
        Verdict::medium()
    };
    v = v.with("alg", alg.to_string());
    if !iss.is_empty() {
        v = v.with("issuer", iss.chars().take(120).collect::<String>());
    }
    if demo {
        v = v.with(
            "public_demo",
            "the issuer names a demo: a published local-development token",
        );
    }
    if let Some(exp) = expired {
        v = v.with("expired", civil_date(exp as i64));
    }
    if !role.is_empty() {
        v = v.with("role", role.chars().take(40).collect::<String>());
        if role == "service_role" && !demo && expired.is_none() {
            v = v.with("scope", "admin");
        }
    }
    v
}

/// Parts of claim names that say who a token speaks for, to whom, for how long or
/// with which rights: registered claims (`iss`, `sub`, `aud`, `exp`, `iat`, `nbf`,
/// `jti`) and the usual identity and permission claims of providers.
const GRANT_CLAIM_PARTS: &[&str] = &[
    "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "user", "uid", "id", "name", "email", "role",
    "scope", "scp", "perm", "auth", "acc", "grant", "admin", "tenant", "org", "project", "team",
    "group", "session", "client", "app", "login", "ref", "key", "token",
];

/// Whether a claim name is one that grants or identifies: one of its words (`user_id`,
/// `tenantId`, `scopes`) starts with a grant part; a part inside a word
/// (`confidence`, `valid`) does not count.
fn is_grant_claim(name: &str) -> bool {
    crate::assign::words(name)
        .iter()
        .any(|w| GRANT_CLAIM_PARTS.iter().any(|p| w.starts_with(p)))
}

/// An issuer one of whose words is `demo`, `example` or `sample`.
fn is_demo_issuer(iss: &str) -> bool {
    iss.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| ["demo", "example", "sample"].contains(&w.to_ascii_lowercase().as_str()))
}

/// Seconds since the epoch now (0 if the clock is before it).
fn now_unix() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Days an expiry must be past before a token is called expired: clocks and
/// recordings drift, and a token that just expired may be one of a series still issued.
const EXPIRED_GRACE_DAYS: f64 = 30.0;

/// Whether a JWT `exp` lies more than the grace period before `now`.
pub fn expired_long_ago(exp: f64, now: f64) -> bool {
    exp.is_finite() && exp > 0.0 && exp + EXPIRED_GRACE_DAYS * 86400.0 < now
}

/// `YYYY-MM-DD` of a Unix time (proleptic Gregorian, UTC).
pub fn civil_date(secs: i64) -> String {
    let z = secs.div_euclid(86400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Long-lived Amazon Bedrock API keys: `ABSK` + base64 of `BedrockAPIKey-…`.
pub fn bedrock_long(token: &str, _: &Site<'_>) -> Verdict {
    match text::base64_decode(&token.as_bytes()[4..]) {
        Some(d) if d.starts_with(b"BedrockAPIKey-") => Verdict::high()
            .with("key_type", "long-lived")
            .with("lifetime", "long-lived"),
        _ => Verdict::Reject,
    }
}

/// Short-term Amazon Bedrock API keys: a base64 presigned request.
pub fn bedrock_short(token: &str, _: &Site<'_>) -> Verdict {
    match text::base64_decode(&token.as_bytes()["bedrock-api-key-".len()..]) {
        Some(d) if text::contains_ci(&d, b"bedrock") => {
            Verdict::high().with("key_type", "short-term")
        }
        _ => Verdict::Reject,
    }
}

/// Neptune API tokens: base64 JSON with the API address and key.
pub fn neptune(token: &str, _: &Site<'_>) -> Verdict {
    match b64_json(token.as_bytes()) {
        Some(m)
            if (m.contains_key("api_address") || m.contains_key("api_url"))
                && m.contains_key("api_key") =>
        {
            Verdict::high()
        }
        _ => Verdict::Reject,
    }
}

/// Sentry organization tokens: `sntrys_` + base64 JSON with an `iat` and a URL.
pub fn sentry_org(token: &str, _: &Site<'_>) -> Verdict {
    let body = &token["sntrys_".len()..];
    let body = body.split('_').next().unwrap_or(body);
    match b64_json(body.as_bytes()) {
        Some(m) if m.contains_key("iat") => Verdict::high(),
        _ => Verdict::medium(),
    }
}

/// The bot ID of a Telegram token is a number of 8 to 10 digits.
pub fn telegram(token: &str, _: &Site<'_>) -> Verdict {
    match token.split_once(':') {
        Some((id, _)) if (8..=10).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()) => {
            Verdict::high()
        }
        _ => Verdict::Reject,
    }
}

/// PyPI tokens are macaroons whose location is `pypi.org` (or `test.pypi.org`).
pub fn pypi(token: &str, _: &Site<'_>) -> Verdict {
    let registry = if token.starts_with("pypi-AgEIcHlwaS5vcmc") {
        "pypi.org"
    } else {
        "test.pypi.org"
    };
    Verdict::high().with("registry", registry)
}

/// Databricks personal access tokens are `dapi` + 32 hex (optionally `-N`).
pub fn databricks(token: &str, _: &Site<'_>) -> Verdict {
    let body = token.trim_start_matches("dapi");
    let hex = body.split('-').next().unwrap_or(body);
    if hex.len() == 32 && text::is_hex(hex.as_bytes()) {
        Verdict::high()
    } else {
        Verdict::Reject
    }
}

/// A base64-encoded service-account key file (a CI variable holding the JSON).
pub fn gcp_service_account_b64(token: &str, _: &Site<'_>) -> Verdict {
    let Some(m) = b64_json(token.as_bytes()) else {
        return Verdict::Reject;
    };
    if m.get("type").and_then(Value::as_str) != Some("service_account") {
        return Verdict::Reject;
    }
    let Some(pk) = m.get("private_key").and_then(Value::as_str) else {
        return Verdict::Reject;
    };
    let (Some(b), Some(e)) = (pk.find("PRIVATE KEY-----"), pk.find("-----END ")) else {
        return Verdict::Reject;
    };
    let body_start = b + "PRIVATE KEY-----".len();
    if e <= body_start
        || crate::structured::check_pem_body("PRIVATE KEY", &pk.as_bytes()[body_start..e]).is_none()
    {
        return Verdict::Reject;
    }
    let mut v = Verdict::high().with("encoding", "base64");
    if let Some(p) = m.get("project_id").and_then(Value::as_str) {
        v = v.with("gcp_project_id", p.to_string());
    }
    v
}

/// Fixed-prefix formats whose length is exact need nothing more; this is the verdict
/// with medium confidence for formats whose prefix is short or shared.
pub fn medium(_: &str, _: &Site<'_>) -> Verdict {
    Verdict::medium()
}

/// Confidence of a verdict, for callers that only need that.
pub fn confidence(v: &Verdict) -> Option<Confidence> {
    match v {
        Verdict::Accept { confidence, .. } => Some(*confidence),
        Verdict::Reject => None,
    }
}

/// Password hashes. An entry of a password file (`user:HASH` first on its line, as in
/// `/etc/shadow` or an `htpasswd`) opens an account once cracked: medium. A hash alone on
/// its line (a dumped hash list) or on a line that names a password (Jupyter's
/// `c.ServerApp.password = 'argon2:$argon2id$…'`) is low. A hash anywhere else in code or
/// text is most often a hashing library's test vector or a documentation sample, with the
/// plain text beside it, and is not reported.
pub fn password_hash(token: &str, site: &Site<'_>) -> Verdict {
    let scheme = token
        .trim_start_matches('$')
        .split('$')
        .next()
        .unwrap_or("")
        .to_string();
    let (ls, le) = text::line_bounds(site.buf, site.start);
    let before = &site.buf[ls..site.start];
    let after = &site.buf[site.end.min(le)..le];
    let entry = before
        .strip_suffix(b":")
        .map(<[u8]>::trim_ascii_start)
        .is_some_and(|user| {
            !user.is_empty()
                && user.len() <= 64
                && user
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'))
        });
    let alone = before.trim_ascii().is_empty() && after.trim_ascii().is_empty();
    // The name of the value, not a word further back on a long line.
    let low = text::lower(&before[before.len().saturating_sub(40)..]);
    let named = ["password", "passwd", "pwd", "passphrase"]
        .iter()
        .any(|w| memchr::memmem::find(&low, w.as_bytes()).is_some());
    let confidence = if entry {
        Confidence::Medium
    } else if alone || named {
        Confidence::Low
    } else {
        return Verdict::Reject;
    };
    Verdict::Accept {
        confidence,
        props: vec![
            ("hash_scheme", Value::from(scheme)),
            ("password_file_entry", Value::from(entry)),
        ],
        kind: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_expiry() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(1_740_266_464), "2025-02-22");
        assert_eq!(civil_date(951_782_400), "2000-02-29");
        assert!(expired_long_ago(1_000_000_000.0, 1_800_000_000.0));
        assert!(!expired_long_ago(1_800_000_000.0, 1_800_000_000.0));
        assert!(!expired_long_ago(f64::NAN, 1_800_000_000.0));
        assert!(is_demo_issuer("acme-demo"));
        assert!(!is_demo_issuer("https://auth.demographics.io"));
    }

    #[test]
    fn github_checksum() {
        // A random body and its checksum computed independently of this code.
        assert_eq!(crc32_base62(b"U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8"), "14Un4I");
        let site = Site {
            buf: b"",
            start: 0,
            end: 0,
        };
        let ok = concat!("ghp_", "U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8", "14Un4I");
        assert_eq!(
            confidence(&github_classic(ok, &site)),
            Some(Confidence::High)
        );
        let bad = concat!("ghp_", "U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8", "I4nU41");
        assert_eq!(github_classic(bad, &site), Verdict::Reject);
        assert_eq!(
            github_classic("ghp_000000000000000000000000000000000000", &site),
            Verdict::Reject
        );
    }
}

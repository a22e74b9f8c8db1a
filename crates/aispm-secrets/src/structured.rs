//! Matchers for formats a single regular expression cannot judge: multi-line key
//! blocks (PEM, OpenSSH, PGP, PuTTY), service-account JSON, AWS key pairs, registry
//! auth entries, URL passwords, and the generic credential assignment.

use crate::assign::{self, CredClass, NameInfo};
use crate::detector::{Confidence, Detector, Verdict};
use crate::engine::{Candidate, Scan, Style};
use crate::noise;
use crate::text::{self, Classes};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Assignments

/// The identifier around `hit` (at most 128 bytes), when something that may be an
/// assignment follows it: a cheap test that rejects most keyword hits in code
/// (`.keys()`, `token_count +=`, `monkey`) before any name is read.
fn ident_at(buf: &[u8], hit: usize) -> Option<(usize, usize)> {
    let lo = hit.saturating_sub(128);
    let mut s = hit.min(buf.len());
    while s > lo && assign::is_name_byte(buf[s - 1]) {
        s -= 1;
    }
    let hi = (hit + 128).min(buf.len());
    let mut e = hit.min(buf.len());
    while e < hi && assign::is_name_byte(buf[e]) {
        e += 1;
    }
    if e == s || e - s >= 128 {
        return None;
    }
    let mut i = e;
    if i < buf.len() && matches!(buf[i], b'"' | b'\'' | b'`') {
        i += 1;
    }
    if i < buf.len() && buf[i] == b']' {
        i += 1;
    }
    let after_name = i;
    while i < buf.len() && matches!(buf[i], b' ' | b'\t') {
        i += 1;
    }
    let next = *buf.get(i)?;
    if matches!(next, b'=' | b':' | b'>' | b',' | b'<' | b'?' | b'|') {
        return Some((s, e));
    }
    // `password VALUE` and `--token VALUE`: a name first on its line, then a space.
    if i > after_name && !matches!(next, b'\n' | b'\r') {
        let mut k = s;
        while k > lo && matches!(buf[k - 1], b' ' | b'\t') {
            k -= 1;
        }
        if k == 0 || buf[k - 1] == b'\n' || buf[s] == b'-' {
            return Some((s, e));
        }
        // `WORD NAME VALUE`: one word before the name on its line.
        let line_start = buf[lo..k]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(lo, |p| lo + p + 1);
        if (line_start > lo || lo == 0) && assign::lead_word(buf, line_start, s).is_some() {
            return Some((s, e));
        }
    }
    None
}

/// The identifier around `hit` and the value assigned to it.
fn assignment_at(buf: &[u8], hit: usize) -> Option<(&str, usize, assign::Value)> {
    let (s, e) = ident_at(buf, hit)?;
    assignment_of(buf, s, e)
}

/// The value assigned to the identifier `s..e`.
fn assignment_of(buf: &[u8], s: usize, e: usize) -> Option<(&str, usize, assign::Value)> {
    let hi = (e + text::MAX_LINE_REACH).min(buf.len());
    let le = memchr::memchr(b'\n', &buf[e..hi]).map_or(hi, |i| e + i);
    let name = std::str::from_utf8(&buf[s..e]).ok()?;
    let v = assign::value_after(buf, e, le)?;
    Some((name, s, v))
}

/// Whether a value assigned to a credential name is a plausible literal secret.
pub fn generic_value_ok(scan: &Scan<'_>, info: &NameInfo, v: &[u8], quoted: bool) -> bool {
    let style = scan.opts.style;
    if style == Style::Binary || (!quoted && style == Style::Code) {
        return false;
    }
    let min_len = if info.class == CredClass::Password {
        8
    } else {
        12
    };
    if v.len() < min_len || v.len() > MAX_GENERIC_LEN || v.iter().any(|b| b.is_ascii_whitespace()) {
        return false;
    }
    // Long values are tokens only when nothing else explains them: no repeated block
    // (an encoded image or a padded fixture) and a generated alphabet.
    if v.len() > 256 && (info.class == CredClass::Password || !long_token_shaped(v)) {
        return false;
    }
    // Cheap shape tests first; the substring scans only for what is left.
    // A UUID or a hex string is a key only under a name that says so plainly (see
    // `names_hex_credential`); elsewhere it is an ID, a digest or a checksum.
    let hex_shaped = text::is_uuid(v) || noise::is_digest(v);
    if hex_shaped && !names_hex_credential(info) {
        return false;
    }
    if noise::is_identifier_like(v)
        || v.starts_with(b"-----")
        || (v.starts_with(b"eyJ") && is_jwt_shaped(v))
        || v.iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_' | b'+'))
    {
        return false;
    }
    if info.class != CredClass::Password
        && (noise::is_word_like(v) || noise::is_camel_identifier(v) || noise::is_file_path(v))
    {
        return false;
    }
    // A bare `key` names lookup keys, object keys and labels far more often than
    // secrets: paths, dotted names and `prefix:rest` keys are those.
    if info.class == CredClass::Key
        && !info.qualified
        && v.iter().any(|b| matches!(b, b'/' | b'.' | b':'))
    {
        return false;
    }
    // Templates (`f"…{name}…"`, `"{0}"`), values built from ascending runs (`abc123`,
    // `123abc-456def-789ghi`), and query strings without a signature-sized value.
    if v.contains(&b'{') || noise::is_sequential(v) || noise::is_query_without_secret(v) {
        return false;
    }
    // Escapes and Windows paths (`\\u{1b}`, `SOFTWARE\\Microsoft`), and values that
    // spell a credential word (`secret123`, `my-token`), are not generated secrets.
    if v.contains(&b'\\') || noise::spells_credential_word(v) {
        return false;
    }
    if scan.scanner.has_known_prefix(v)
        || noise::is_reference(v)
        || noise::is_placeholder(v)
        || noise::is_known_example(v)
        || noise::is_encoded_prose(v)
        || noise::is_encoded_words(v)
        || noise::is_public_key(v)
    {
        return false;
    }
    // A value that spells its own name (`stripe_key = "stripe-key-1"`) was typed; a
    // generated secret behind a product prefix (`acme_9fK2…`) was not.
    let low = text::lower(v);
    if info.words.iter().filter(|w| w.len() >= 4).any(|w| {
        memchr::memmem::find(&low, w.as_bytes())
            .is_some_and(|_| low.len() < w.len() + 20 || !rest_is_random(&low, w))
    }) {
        return false;
    }
    let classes = Classes::of(v);
    let h = text::entropy(v);
    let ok = match info.class {
        CredClass::Password => classes.count() >= 2 && h >= 2.8,
        _ if !info.qualified => {
            v.len() >= 20 && classes.digit && classes.letter() && classes.count() >= 2 && h >= 3.5
        }
        _ => classes.digit && classes.letter() && h >= 3.0,
    };
    ok && (style != Style::Prose || (h >= 3.5 && v.len() >= 16))
}

/// Longest value the generic detector reads as one secret (long-lived tokens of some
/// services run to several hundred characters).
const MAX_GENERIC_LEN: usize = 1024;

/// Whether a long value reads as one generated token: its alphabet is a token's (no
/// padding inside, at most a few separators) and no 16-byte block repeats in it.
fn long_token_shaped(v: &[u8]) -> bool {
    let separators = v
        .iter()
        .filter(|&&b| matches!(b, b'.' | b'-' | b'_' | b'/' | b'+'))
        .count();
    if separators > v.len() / 16 || v[..v.len() - 2].contains(&b'=') {
        return false;
    }
    let mut seen = std::collections::HashSet::new();
    v.chunks_exact(16).all(|c| seen.insert(c))
}

/// Whether a value starting with `eyJ` is a JSON Web Token (its first segment decodes to
/// a JSON header naming an `alg`): the token detector judges those, including the ones it
/// rejects on purpose (unsigned, public anon keys, the documentation example).
fn is_jwt_shaped(v: &[u8]) -> bool {
    let head = v.split(|&b| b == b'.').next().unwrap_or(v);
    text::base64_decode(head)
        .and_then(|d| serde_json::from_slice::<Value>(&d).ok())
        .is_some_and(|h| h.get("alg").is_some())
}

/// Whether `low` without the first `word` in it is still a generated secret (at least 16
/// characters of letters and digits with a secret's entropy).
fn rest_is_random(low: &[u8], word: &str) -> bool {
    let Some(at) = memchr::memmem::find(low, word.as_bytes()) else {
        return false;
    };
    let rest: Vec<u8> = low[..at]
        .iter()
        .chain(&low[at + word.len()..])
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    rest.len() >= 16 && text::entropy(&rest) >= 3.5
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
fn names_hex_credential(info: &NameInfo) -> bool {
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

/// Whether the client secret at `pos` belongs to an installed application whose
/// secret is published with it (its client ID is within a few hundred bytes).
fn public_client_secret(buf: &[u8], pos: usize) -> bool {
    let lo = pos.saturating_sub(512);
    let hi = (pos + 512).min(buf.len());
    noise::names_public_oauth_client(&buf[lo..hi])
}

/// Whether a blank, not an operator, separates the name ending at `e` from its value.
fn bare_value_follows(buf: &[u8], e: usize) -> bool {
    let rest = &buf[e..(e + 8).min(buf.len())];
    rest.first().is_some_and(|b| matches!(b, b' ' | b'\t'))
        && rest
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t'))
            .is_some_and(|b| !matches!(b, b'=' | b':'))
}

/// `NAME = value` where NAME reads as a credential and the value as a literal secret.
pub fn generic_assignment(scan: &mut Scan<'_>, det: &'static Detector, hit: usize) {
    let Some((s, e)) = ident_at(scan.buf, hit) else {
        return;
    };
    if scan.last_ident.replace((det.id, s)) == Some((det.id, s)) {
        return;
    }
    let Some((name, name_start, v)) = assignment_of(scan.buf, s, e) else {
        return;
    };
    // In a `WORD NAME VALUE` line the word says whose credential it is: `acme TOKEN v`
    // reads as `acme_TOKEN`.
    let (ls, _) = text::line_bounds(scan.buf, name_start);
    let name = match assign::lead_word(scan.buf, ls, name_start) {
        Some(word) if !name.starts_with('-') && bare_value_follows(scan.buf, e) => {
            format!("{}_{name}", String::from_utf8_lossy(word))
        }
        _ => name.to_string(),
    };
    let Some(info) = assign::classify(&name) else {
        return;
    };
    if !scan.seen.insert((det.id, name_start)) {
        return;
    }
    let value = &scan.buf[v.start..v.end];
    if v.code
        || !generic_value_ok(scan, &info, value, v.quoted)
        || scan.marked(v.start, v.end)
        || (info.class == CredClass::Secret && public_client_secret(scan.buf, v.start))
    {
        return;
    }
    let kind = if info.class == CredClass::Password {
        "password"
    } else {
        det.kind
    };
    let verdict = Verdict::Accept {
        confidence: Confidence::Medium,
        props: vec![(
            "name_class",
            Value::from(format!("{:?}", info.class).to_lowercase()),
        )],
        kind: Some(kind),
    };
    scan.push_simple(det, v.start, v.end, Some(name), verdict);
}

/// Credentials assigned near a mention of a platform that has no token format of its
/// own (Snowflake passwords and tokens).
pub fn context_assignment(scan: &mut Scan<'_>, det: &'static Detector, hit: usize) {
    let buf = scan.buf;
    let (ws, we) = text::lines_around(buf, hit, 6, 6, 4096);
    if !scan.seen.insert((det.id, ws)) {
        return;
    }
    const NAMES: &[&[u8]] = &[
        b"password",
        b"passwd",
        b"pwd",
        b"passphrase",
        b"token",
        b"secret",
    ];
    let window = text::lower(&buf[ws..we]);
    let mut positions = Vec::new();
    for n in NAMES {
        positions.extend(memchr::memmem::find_iter(&window, n).map(|p| ws + p));
    }
    positions.sort_unstable();
    positions.dedup();
    for p in positions {
        let Some((name, name_start, v)) = assignment_at(buf, p) else {
            continue;
        };
        if !scan.seen.insert((det.id, name_start + 1)) {
            continue;
        }
        let Some(info) = assign::classify(name) else {
            continue;
        };
        let name = name.to_string();
        let value = &buf[v.start..v.end];
        if v.code || !generic_value_ok(scan, &info, value, v.quoted) || scan.marked(v.start, v.end)
        {
            continue;
        }
        scan.push_simple(det, v.start, v.end, Some(name), Verdict::medium());
    }
}

/// A value of 40 base64 characters assigned to an AWS secret-key name, without its
/// key ID nearby.
pub fn aws_named_secret(scan: &mut Scan<'_>, det: &'static Detector, hit: usize) {
    let Some((name, name_start, v)) = assignment_at(scan.buf, hit) else {
        return;
    };
    if assign::classify(name).is_none() || !scan.seen.insert((det.id, name_start)) {
        return;
    }
    let name = name.to_string();
    let value = &scan.buf[v.start..v.end];
    if !is_aws_secret(value) || !scan.plausible(det, v.start, v.end) {
        return;
    }
    scan.push_simple(det, v.start, v.end, Some(name), Verdict::medium());
}

fn is_aws_secret(v: &[u8]) -> bool {
    let c = Classes::of(v);
    v.len() == 40
        && v.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        && c.lower
        && c.upper
        && c.digit
        && text::entropy(v) >= 4.0
        && !noise::is_placeholder(v)
}

// ---------------------------------------------------------------------------
// AWS access key pairs

const AWS_ID_PREFIXES: &[&[u8]] = &[b"AKIA", b"ASIA", b"ABIA", b"ACCA"];

fn is_aws_id(id: &[u8]) -> bool {
    id.len() == 20
        && AWS_ID_PREFIXES.contains(&&id[..4])
        && id[4..]
            .iter()
            .all(|&b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

/// The AWS account an access key ID belongs to (decoded from the ID itself).
pub fn aws_account_id(id: &str) -> Option<String> {
    const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let body = id.as_bytes().get(4..)?;
    let mut acc: u128 = 0;
    for &b in body {
        acc = (acc << 5) | ALPHA.iter().position(|&a| a == b)? as u128;
    }
    // 16 base32 characters = 80 bits; the account ID sits in the first 48 bits.
    let first48 = (acc >> 32) as u64 & 0xFFFF_FFFF_FFFF;
    Some(format!("{:012}", (first48 & 0x7fff_ffff_ff80) >> 7))
}

/// An access key ID with its secret access key within a few lines: reported once, on
/// the ID's line, spanning both.
pub fn aws_pair(scan: &mut Scan<'_>, det: &'static Detector, hit: usize) {
    let buf = scan.buf;
    if hit + 20 > buf.len() || !is_aws_id(&buf[hit..hit + 20]) {
        return;
    }
    if (hit > 0 && buf[hit - 1].is_ascii_alphanumeric())
        || buf.get(hit + 20).is_some_and(u8::is_ascii_alphanumeric)
        || !scan.seen.insert((det.id, hit))
    {
        return;
    }
    let id = &buf[hit..hit + 20];
    if noise::is_placeholder(&id[4..])
        || text::entropy(&id[4..]) < 3.0
        || scan.marked(hit, hit + 20)
    {
        return;
    }
    let (ws, we) = text::lines_around(buf, hit, 5, 5, 2048);
    let mut best: Option<(usize, usize, usize)> = None;
    let mut i = ws;
    while i < we {
        if !(buf[i].is_ascii_alphanumeric() || buf[i] == b'/' || buf[i] == b'+') {
            i += 1;
            continue;
        }
        let s = i;
        while i < we && (buf[i].is_ascii_alphanumeric() || buf[i] == b'/' || buf[i] == b'+') {
            i += 1;
        }
        let e = i;
        let bounded = buf.get(e) != Some(&b'=');
        if e - s == 40 && bounded && is_aws_secret(&buf[s..e]) && !scan.marked(s, e) {
            let dist = s.abs_diff(hit);
            if best.is_none_or(|(_, _, d)| dist < d) {
                best = Some((s, e, dist));
            }
        }
    }
    let Some((s, e, _)) = best else {
        return;
    };
    let Ok(secret) = std::str::from_utf8(&buf[s..e]) else {
        return;
    };
    let id_str = String::from_utf8_lossy(id).into_owned();
    let long_lived = id.starts_with(b"AKIA");
    let window = text::lower(&buf[ws..we]);
    let mut props = vec![
        (
            "aws_key_type",
            Value::from(if long_lived {
                "long-lived"
            } else {
                "temporary"
            }),
        ),
        ("paired", Value::from(true)),
    ];
    if let Some(acct) = aws_account_id(&id_str) {
        props.push(("aws_account_id", Value::from(acct)));
    }
    let mut extra = vec![(s, e)];
    for name in [&b"session_token"[..], b"sessiontoken", b"security_token"] {
        if let Some(p) = memchr::memmem::find(&window, name) {
            props.push(("session_token", Value::from(true)));
            // The token itself belongs to this credential, not to a finding of its own.
            if let Some((_, _, v)) = assignment_at(buf, ws + p) {
                extra.push((v.start, v.end));
            }
            break;
        }
    }
    let (ls, _) = text::line_bounds(buf, hit);
    scan.out.push(Candidate {
        det,
        kind: det.kind,
        start: hit,
        end: hit + 20,
        extra,
        span_start: hit.min(s),
        span_end: (hit + 20).max(e),
        secret: secret.to_string(),
        display: Some(String::from_utf8_lossy(&id[..4]).into_owned()),
        name: assign::name_before(buf, hit, ls).map(|n| n.text),
        confidence: Confidence::High,
        props,
    });
}

// ---------------------------------------------------------------------------
// Private keys

/// What the body of a key block turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBody {
    /// The base64 text, whitespace and escapes removed.
    pub base64: String,
    pub encrypted: bool,
    pub key_type: &'static str,
}

fn trim_bytes(mut s: &[u8], f: impl Fn(u8) -> bool) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !f(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !f(*last) {
            break;
        }
        s = rest;
    }
    s
}

/// Checks the text between `-----BEGIN <label>-----` and `-----END <label>-----`.
pub fn check_pem_body(label: &str, body: &[u8]) -> Option<KeyBody> {
    let mut b64 = String::new();
    let mut encrypted = label.contains("ENCRYPTED");
    let normalized: Vec<u8> = {
        // Keys inside strings carry `\n` escapes instead of newlines.
        let mut out = Vec::with_capacity(body.len());
        let mut i = 0;
        while i < body.len() {
            if body[i] == b'\\' && i + 1 < body.len() && matches!(body[i + 1], b'n' | b'r' | b't') {
                out.push(b'\n');
                i += 2;
            } else {
                out.push(body[i]);
                i += 1;
            }
        }
        out
    };
    for raw in normalized.split(|&b| b == b'\n') {
        // String syntax around each line of a key written as code: quotes, commas,
        // escapes, and a `+` joining strings (but never a `+` of the base64 itself).
        let mut line = raw.trim_ascii();
        for _ in 0..3 {
            if let Some(l) = line.strip_suffix(b"+").filter(|l| {
                l.trim_ascii_end().ends_with(b"\"") || l.trim_ascii_end().ends_with(b"'")
            }) {
                line = l.trim_ascii();
            }
            if let Some(l) = line.strip_prefix(b"+").filter(|l| {
                l.trim_ascii_start().starts_with(b"\"") || l.trim_ascii_start().starts_with(b"'")
            }) {
                line = l.trim_ascii();
            }
            line = trim_bytes(line, |b| {
                matches!(b, b'"' | b'\'' | b',' | b'\\' | b';' | b'(' | b')')
            })
            .trim_ascii();
        }
        if line.is_empty() {
            continue;
        }
        if line.contains(&b':') {
            if text::contains_ci(line, b"encrypted") || line.starts_with(b"DEK-Info") {
                encrypted = true;
            }
            continue; // armour headers: Proc-Type, DEK-Info, Version, Comment
        }
        if label.contains("PGP") && line.starts_with(b"=") && line.len() <= 6 {
            continue; // armour checksum
        }
        if !line
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        {
            return None;
        }
        b64.push_str(std::str::from_utf8(line).ok()?);
    }
    if b64.len() < 100 || text::entropy(b64.as_bytes()) < 4.5 {
        return None;
    }
    let decoded = text::base64_decode(b64.as_bytes())?;
    let key_type = if label.contains("OPENSSH") {
        let magic = b"openssh-key-v1\0";
        if !decoded.starts_with(magic) {
            return None;
        }
        // The cipher name follows the magic; `none` means the key is not encrypted.
        let rest = &decoded[magic.len()..];
        let cipher = rest
            .get(..4)
            .map(|n| u32::from_be_bytes([n[0], n[1], n[2], n[3]]) as usize)
            .filter(|&n| n <= 64)
            .and_then(|n| rest.get(4..4 + n));
        encrypted |= cipher.is_some_and(|c| c != b"none");
        "openssh"
    } else if label.contains("PGP") {
        "pgp"
    } else {
        // DER: a SEQUENCE.
        if decoded.first() != Some(&0x30) {
            return None;
        }
        if label.contains("RSA") {
            "rsa"
        } else if label.contains("EC") {
            "ec"
        } else if label.contains("DSA") {
            "dsa"
        } else if encrypted {
            "pkcs8-encrypted"
        } else {
            "pkcs8"
        }
    };
    Some(KeyBody {
        base64: b64,
        encrypted,
        key_type,
    })
}

/// `-----BEGIN … PRIVATE KEY-----` … `-----END … PRIVATE KEY-----`, also inside
/// strings with `\n` escapes.
pub fn pem_block(scan: &mut Scan<'_>, det: &'static Detector, hit: usize) {
    let buf = scan.buf;
    if !scan.seen.insert((det.id, hit)) {
        return;
    }
    let head = &buf[hit..(hit + 80).min(buf.len())];
    if !head.starts_with(b"-----BEGIN ") {
        return;
    }
    let Some(label_end) = memchr::memmem::find(&head[11..], b"-----") else {
        return;
    };
    let label = &head[11..11 + label_end];
    if memchr::memmem::find(label, b"PRIVATE KEY").is_none()
        || !label
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b == b' ' || b.is_ascii_digit())
    {
        return;
    }
    let Ok(label) = std::str::from_utf8(label) else {
        return;
    };
    let body_start = hit + 11 + label_end + 5;
    let footer = format!("-----END {label}-----");
    let limit = (body_start + 65536).min(buf.len());
    let Some(rel) = memchr::memmem::find(&buf[body_start..limit], footer.as_bytes()) else {
        return;
    };
    let body_end = body_start + rel;
    let Some(key) = check_pem_body(label, &buf[body_start..body_end]) else {
        return;
    };
    let end = body_end + footer.len();
    if scan.marked(hit, hit) {
        return;
    }
    let mut props = vec![("key_type", Value::from(key.key_type))];
    if key.encrypted {
        props.push(("encrypted", Value::from(true)));
    }
    let (ls, _) = text::line_bounds(buf, hit);
    scan.out.push(Candidate {
        det,
        kind: det.kind,
        start: hit,
        end,
        extra: Vec::new(),
        span_start: hit,
        span_end: end,
        secret: key.base64,
        display: Some(format!("-----BEGIN {label}-----")),
        name: assign::name_before(buf, hit, ls).map(|n| n.text),
        confidence: Confidence::High,
        props,
    });
}

/// A PuTTY private key file (`PuTTY-User-Key-File-2/3`).
pub fn putty_key(scan: &mut Scan<'_>, det: &'static Detector, hit: usize) {
    let buf = scan.buf;
    if !scan.seen.insert((det.id, hit)) {
        return;
    }
    let limit = (hit + 32768).min(buf.len());
    let block = &buf[hit..limit];
    let mut encrypted = false;
    let mut private_lines: Option<usize> = None;
    let mut b64 = String::new();
    let mut end = hit;
    let mut pos = 0;
    let mut remaining_private = 0usize;
    for line in block.split(|&b| b == b'\n') {
        let l = line.trim_ascii();
        let line_end = hit + pos + line.len();
        pos += line.len() + 1;
        if remaining_private > 0 {
            if !l
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
            {
                return;
            }
            b64.push_str(std::str::from_utf8(l).unwrap_or_default());
            remaining_private -= 1;
            end = line_end;
            continue;
        }
        if let Some(v) = l.strip_prefix(b"Encryption:") {
            encrypted = v.trim_ascii() != b"none";
        } else if let Some(v) = l.strip_prefix(b"Private-Lines:") {
            let n: usize = std::str::from_utf8(v.trim_ascii())
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            if n == 0 || n > 200 {
                return;
            }
            private_lines = Some(n);
            remaining_private = n;
        } else if l.starts_with(b"Private-MAC:") {
            end = line_end;
            break;
        }
        if pos > block.len() {
            break;
        }
    }
    if private_lines.is_none() || b64.len() < 40 || text::entropy(b64.as_bytes()) < 4.0 {
        return;
    }
    let mut props = vec![("key_type", Value::from("putty"))];
    if encrypted {
        props.push(("encrypted", Value::from(true)));
    }
    scan.out.push(Candidate {
        det,
        kind: det.kind,
        start: hit,
        end,
        extra: Vec::new(),
        span_start: hit,
        span_end: end,
        secret: b64,
        display: Some("PuTTY-User-Key-File".into()),
        name: None,
        confidence: Confidence::High,
        props,
    });
}

// ---------------------------------------------------------------------------
// Google Cloud service accounts

/// The end (exclusive) of the JSON object starting at `start`, string-aware.
fn json_object_end(buf: &[u8], start: usize, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_str = false;
    let mut i = start;
    while i < limit {
        let b = buf[i];
        if in_str {
            if b == b'\\' {
                i += 1;
            } else if b == b'"' {
                in_str = false;
            }
        } else {
            match b {
                b'"' => in_str = true,
                b'{' => depth += 1,
                b'}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// A service-account key file: `"type": "service_account"` with a private key.
pub fn gcp_service_account(scan: &mut Scan<'_>, det: &'static Detector, hit: usize) {
    let buf = scan.buf;
    let floor = hit.saturating_sub(4096);
    let Some(open) = buf[floor..hit]
        .iter()
        .rposition(|&b| b == b'{')
        .map(|p| floor + p)
    else {
        return;
    };
    if !scan.seen.insert((det.id, open)) {
        return;
    }
    let limit = (open + 65536).min(buf.len());
    let Some(close) = json_object_end(buf, open, limit) else {
        return;
    };
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(&buf[open..close]) else {
        return;
    };
    if obj.get("type").and_then(Value::as_str) != Some("service_account") {
        return;
    }
    let Some(pk) = obj.get("private_key").and_then(Value::as_str) else {
        return;
    };
    let Some(b) = pk.find("-----BEGIN ") else {
        return;
    };
    let rest = &pk[b + 11..];
    let Some(le) = rest.find("-----") else {
        return;
    };
    let label = &rest[..le];
    let body_start = b + 11 + le + 5;
    let Some(body_end) = pk.find("-----END ") else {
        return;
    };
    if body_end <= body_start {
        return;
    }
    let Some(key) = check_pem_body(label, &pk.as_bytes()[body_start..body_end]) else {
        return;
    };
    // Locate the raw private_key value for the overlap with the PEM detector.
    let slice = &buf[open..close];
    let (ks, ke) = memchr::memmem::find(slice, b"\"private_key\"")
        .and_then(|p| {
            let name_end = open + p + 12;
            assign::value_after(buf, name_end, close).map(|v| (v.start, v.end))
        })
        .unwrap_or((open, close));
    let email = obj
        .get("client_email")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let confidence = if email.ends_with(".gserviceaccount.com") {
        Confidence::High
    } else {
        Confidence::Medium
    };
    let mut props = Vec::new();
    if let Some(p) = obj.get("project_id").and_then(Value::as_str) {
        props.push(("gcp_project_id", Value::from(p)));
    }
    if !email.is_empty() {
        props.push(("gcp_client_email", Value::from(email)));
    }
    scan.out.push(Candidate {
        det,
        kind: det.kind,
        start: ks,
        end: ke,
        extra: Vec::new(),
        span_start: open,
        span_end: close,
        secret: key.base64,
        display: Some("service_account:".into()),
        name: None,
        confidence,
        props,
    });
}

// ---------------------------------------------------------------------------
// Registries and URLs

/// `"auth": "<base64 of user:password>"` in a Docker `config.json` (`auths`).
pub fn docker_auth(scan: &mut Scan<'_>, det: &'static Detector, hit: usize) {
    let buf = scan.buf;
    let floor = hit.saturating_sub(4096);
    if memchr::memmem::find(&buf[floor..hit], b"\"auths\"").is_none() {
        return;
    }
    let name_end = hit + 5; // `"auth` ends here, the closing quote follows
    let (_, le) = text::line_bounds(buf, hit);
    if name_end > le {
        return;
    }
    let Some(v) = assign::value_after(buf, name_end, le) else {
        return;
    };
    if !scan.seen.insert((det.id, v.start)) {
        return;
    }
    let value = &buf[v.start..v.end];
    let Some(decoded) = text::base64_decode(value) else {
        return;
    };
    if !text::is_printable_text(&decoded) {
        return;
    }
    let Some(colon) = decoded.iter().position(|&b| b == b':') else {
        return;
    };
    let (user, pass) = (&decoded[..colon], &decoded[colon + 1..]);
    if user.is_empty() || pass.len() < 4 || noise::is_placeholder(pass) || noise::is_reference(pass)
    {
        return;
    }
    if scan.marked(v.start, v.end) {
        return;
    }
    let verdict = Verdict::high().with("registry_user", String::from_utf8_lossy(user).into_owned());
    scan.push_simple(det, v.start, v.end, Some("auth".into()), verdict);
}

/// `_authToken=` in an `.npmrc` (legacy UUID and hex tokens; `npm_` tokens have their
/// own detector).
pub fn npmrc_token(scan: &mut Scan<'_>, det: &'static Detector, hit: usize) {
    let Some((name, name_start, v)) = assignment_at(scan.buf, hit) else {
        return;
    };
    let name = name.to_string();
    if !scan.seen.insert((det.id, name_start)) || !name.to_ascii_lowercase().ends_with("_authtoken")
    {
        return;
    }
    let value = &scan.buf[v.start..v.end];
    if value.len() < 20
        || scan.scanner.has_known_prefix(value)
        || noise::is_reference(value)
        || noise::is_placeholder(value)
        || text::entropy(value) < 3.0
        || !value
            .iter()
            .all(|&b| text::is_token_byte(b) || matches!(b, b'=' | b'+' | b'/'))
        || scan.marked(v.start, v.end)
    {
        return;
    }
    scan.push_simple(det, v.start, v.end, Some(name), Verdict::medium());
}

const DB_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "mssql",
    "sqlserver",
    "oracle",
    "clickhouse",
    "snowflake",
    "cockroachdb",
    "cassandra",
    "neo4j",
    "neo4j+s",
    "bolt",
    "couchbase",
    "couchbases",
    "memcached",
    "db2",
    "jdbc:postgresql",
    "jdbc:mysql",
    "jdbc:sqlserver",
    "jdbc:oracle",
    "jdbc:mariadb",
    "postgresql+psycopg2",
    "postgresql+asyncpg",
    "mysql+pymysql",
    "mysql+mysqldb",
    "elasticsearch",
    "influxdb",
    "nats",
    "kafka",
    "sqlalchemy",
];

/// `scheme://user:password@host`: a password in a URL. `db` selects database schemes
/// (the data-platform detector) or the others (the generic one).
fn url_password(scan: &mut Scan<'_>, det: &'static Detector, hit: usize, db: bool) {
    let buf = scan.buf;
    let (ls, le) = text::line_bounds(buf, hit);
    let mut s = hit;
    while s > ls
        && (buf[s - 1].is_ascii_alphanumeric() || matches!(buf[s - 1], b'+' | b'.' | b'-' | b':'))
    {
        s -= 1;
    }
    let scheme = String::from_utf8_lossy(&buf[s..hit]).to_ascii_lowercase();
    let scheme = scheme.trim_start_matches(':');
    if scheme.is_empty() {
        return;
    }
    if DB_SCHEMES.contains(&scheme) != db {
        return;
    }
    let auth_start = hit + 3;
    let mut auth_end = auth_start;
    while auth_end < le
        && !matches!(
            buf[auth_end],
            b'/' | b'?'
                | b'#'
                | b' '
                | b'\t'
                | b'"'
                | b'\''
                | b'`'
                | b'<'
                | b'>'
                | b'\\'
                | b'|'
                | b'('
                | b')'
                | b','
        )
    {
        auth_end += 1;
    }
    let authority = &buf[auth_start..auth_end];
    let Some(at) = authority.iter().rposition(|&b| b == b'@') else {
        return;
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.iter().position(|&b| b == b':') else {
        return;
    };
    let user = &userinfo[..colon];
    let pass = &userinfo[colon + 1..];
    let host = &authority[at + 1..];
    let ps = auth_start + colon + 1;
    let pe = ps + pass.len();
    if pass.len() < 4
        || host.is_empty()
        || pass == user
        || pass
            .iter()
            .any(|b| matches!(b, b'[' | b']' | b'{' | b'}' | b'<' | b'>'))
        || noise::is_password_word(pass)
        || noise::is_placeholder(pass)
        || noise::is_reference(pass)
        || pass.iter().all(|&b| b == b'*' || b == b'x' || b == b'X')
        // A token with a provider prefix is that provider detector's to judge (which
        // may have rejected it on purpose: `ghp_x`).
        || scan.scanner.has_known_prefix(pass)
        // A host that cannot exist: not a URL but a test of URL parsing.
        || noise::is_malformed_host(host)
        || !scan.seen.insert((det.id, ps))
        || scan.marked(ps, pe)
    {
        return;
    }
    let host_s = String::from_utf8_lossy(host).to_ascii_lowercase();
    let local = host_s.starts_with("localhost")
        || host_s.starts_with("127.")
        || host_s.starts_with("0.0.0.0")
        || host_s.starts_with("[::1]");
    let mut verdict = Verdict::medium().with("scheme", scheme.to_string());
    if local {
        verdict = verdict.with("local_host", true);
    }
    // Documentation and test hosts (`example.com`, `.test`): the password opens
    // nothing there, though one pasted into an example may be real elsewhere.
    if noise::is_reserved_host(host) {
        verdict = verdict.with("reserved_host", true);
    }
    let Ok(secret) = std::str::from_utf8(pass) else {
        return;
    };
    let name = assign::name_before(buf, s, ls).map(|n| n.text);
    let Verdict::Accept {
        confidence, props, ..
    } = verdict
    else {
        return;
    };
    scan.out.push(Candidate {
        det,
        kind: det.kind,
        start: ps,
        end: pe,
        extra: Vec::new(),
        span_start: ps,
        span_end: pe,
        secret: secret.to_string(),
        display: Some(format!("{scheme}://{}:", String::from_utf8_lossy(user))),
        name,
        confidence,
        props,
    });
}

pub fn db_url(scan: &mut Scan<'_>, det: &'static Detector, hit: usize) {
    url_password(scan, det, hit, true);
}

pub fn url_credentials(scan: &mut Scan<'_>, det: &'static Detector, hit: usize) {
    url_password(scan, det, hit, false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_account_from_key_id() {
        // The decoding documented for keys issued since 2019.
        assert_eq!(
            aws_account_id("ASIAY34FZKBOKMUTVV7A").as_deref(),
            Some("609629065308")
        );
    }
}

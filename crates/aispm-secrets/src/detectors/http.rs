//! Credentials handed to an HTTP client on its command line: `curl -u user:password` and
//! `curl -H 'Authorization: …'` / `-H 'X-Api-Key: …'`. The command is read over its
//! continuation lines; variables, templates and placeholders are references, not
//! secrets, and a token with a provider format of its own is left to that detector.

use crate::assign;
use crate::detector::{BASE, CandidateSink, Confidence, Detector, Family, Matcher, Verdict};
use crate::noise;
use crate::text::{self, Classes};

/// How far one curl command may reach: its continuation lines, bounded.
const COMMAND_REACH: usize = 4096;
const COMMAND_LINES: usize = 8;

/// The bytes of the command that starts at `hit`: up to the end of the line, and on
/// over lines ending with a backslash (shell) or a backtick (PowerShell).
fn command_span(buf: &[u8], hit: usize) -> (usize, usize) {
    let limit = (hit + COMMAND_REACH).min(buf.len());
    let mut end = hit;
    for _ in 0..COMMAND_LINES {
        let le = memchr::memchr(b'\n', &buf[end..limit]).map_or(limit, |i| end + i);
        let line = buf[end..le].trim_ascii_end();
        end = le;
        // The next line goes on the command after a continuation mark, or when it
        // starts with an option (a command wrapped in documentation).
        let next_is_option = buf
            .get(le + 1..limit)
            .is_some_and(|n| n.trim_ascii_start().starts_with(b"-"));
        if le >= limit || !(line.ends_with(b"\\") || line.ends_with(b"`") || next_is_option) {
            break;
        }
        end = le + 1;
    }
    (hit, end)
}

/// The argument starting at `i` (after an option): quoted, or up to whitespace. A bare
/// argument may join quoted parts (`kevin:'pa ss'`, `"user":"pass"`). Returns the
/// argument without its quotes, and where it ends.
fn argument(buf: &[u8], mut i: usize, end: usize) -> Option<(Vec<u8>, usize, usize)> {
    while i < end && matches!(buf[i], b' ' | b'\t' | b'=') {
        i += 1;
    }
    let start = i;
    let mut out = Vec::new();
    while i < end && !matches!(buf[i], b' ' | b'\t' | b'\n' | b'\r') {
        match buf[i] {
            q @ (b'"' | b'\'') => {
                let close = memchr::memchr(q, &buf[i + 1..end])?;
                out.extend_from_slice(&buf[i + 1..i + 1 + close]);
                i += close + 2;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    (!out.is_empty()).then_some((out, start, i))
}

/// Whether a value is a stand-in: a variable, a template, a command substitution, a
/// placeholder or the word "password".
fn stand_in(v: &[u8]) -> bool {
    v.len() < 3
        || v.iter().any(|b| {
            b.is_ascii_whitespace()
                || matches!(
                    b,
                    b'$' | b'{' | b'}' | b'<' | b'>' | b'[' | b']' | b'`' | b'"' | b'\'' | b','
                )
        })
        || v.starts_with(b"%")
        || noise::is_placeholder(v)
        || noise::is_reference(v)
        || noise::is_password_word(v)
        || noise::spells_credential_word(v)
        || v.iter()
            .all(|&b| b == b'*' || b == b'x' || b == b'X' || b == b'.')
}

/// Where the value `v` (a part of the argument bytes) sits in the buffer, so that the
/// finding points at the secret itself.
fn locate(buf: &[u8], start: usize, end: usize, v: &[u8]) -> Option<(usize, usize)> {
    memchr::memmem::find(&buf[start..end], v).map(|p| (start + p, start + p + v.len()))
}

fn push(
    sink: &mut CandidateSink<'_>,
    det: &'static Detector,
    span: (usize, usize),
    via: &'static str,
) {
    let (s, e) = span;
    if sink.marked(s, e) || !sink.first_visit(det.id, s) {
        return;
    }
    let verdict = Verdict::Accept {
        confidence: Confidence::Medium,
        props: vec![("passed_as", via.into())],
        kind: None,
    };
    sink.push_simple(det, s, e, Some(via.to_string()), verdict);
}

/// `-u user:password`: the password, or the user when the password is empty (an API
/// key passed as the user name).
fn basic_user(
    sink: &mut CandidateSink<'_>,
    det: &'static Detector,
    arg: &[u8],
    at: (usize, usize),
) {
    let Some(colon) = arg.iter().position(|&b| b == b':') else {
        return;
    };
    let (user, pass) = (&arg[..colon], &arg[colon + 1..]);
    let secret = if pass.is_empty() { user } else { pass };
    if stand_in(secret)
        || (!pass.is_empty() && user == pass)
        || text::entropy(secret) < 2.5
        || Classes::of(secret).count() < 2
        || sink.has_known_prefix(secret)
    {
        return;
    }
    if let Some(span) = locate(sink.buf, at.0, at.1, secret) {
        push(sink, det, span, "curl --user");
    }
}

/// Header names that carry a credential.
fn credential_header(name: &[u8]) -> bool {
    let low = text::lower(name);
    let low = low.as_slice();
    if matches!(low, b"authorization" | b"proxy-authorization" | b"cookie") {
        return false; // judged by their scheme below, or not at all (cookies)
    }
    let last = low.rsplit(|&b| b == b'-').next().unwrap_or(low);
    (matches!(last, b"key" | b"token" | b"secret" | b"apikey")
        && !low.starts_with(b"x-csrf")
        && !low.starts_with(b"x-xsrf"))
        || low == b"private-token"
}

/// A bearer or API token: long enough, varied, not a stand-in, not a format that a
/// dedicated detector owns (which may have rejected it on purpose).
fn token_ok(sink: &CandidateSink<'_>, v: &[u8]) -> bool {
    let c = Classes::of(v);
    v.len() >= 10
        && v.len() <= 2048
        && !stand_in(v)
        && !v.starts_with(b"eyJ")
        && !sink.has_known_prefix(v)
        && c.digit
        && c.letter()
        && text::entropy(v) >= 3.0
        && v.iter().all(|&b| {
            text::is_token_byte(b) || matches!(b, b'.' | b'=' | b'+' | b'/' | b'~' | b'@')
        })
}

fn header(sink: &mut CandidateSink<'_>, det: &'static Detector, arg: &[u8], at: (usize, usize)) {
    let Some(colon) = arg.iter().position(|&b| b == b':') else {
        return;
    };
    let name = arg[..colon].trim_ascii();
    let value = arg[colon + 1..].trim_ascii();
    let low = text::lower(name);
    if low == b"authorization" || low == b"proxy-authorization" {
        let (scheme, cred) = match value.iter().position(|&b| b == b' ') {
            Some(p) => (&value[..p], value[p + 1..].trim_ascii()),
            None => (&b""[..], value),
        };
        if scheme.eq_ignore_ascii_case(b"basic") {
            let Some(decoded) = text::base64_decode(cred) else {
                return;
            };
            let Some(c) = decoded.iter().position(|&b| b == b':') else {
                return;
            };
            let (user, pass) = (&decoded[..c], &decoded[c + 1..]);
            let secret = if pass.is_empty() { user } else { pass };
            if !text::is_printable_text(&decoded)
                || stand_in(secret)
                || user == pass
                || text::entropy(secret) < 2.5
            {
                return;
            }
        } else if !token_ok(sink, cred) {
            return;
        }
        if let Some(span) = locate(sink.buf, at.0, at.1, cred) {
            push(sink, det, span, "curl Authorization header");
        }
    } else if credential_header(name)
        && token_ok(sink, value)
        && let Some(span) = locate(sink.buf, at.0, at.1, value)
    {
        push(sink, det, span, "curl API-key header");
    }
}

/// `curl … -u user:password` and `curl … -H 'Authorization: …'`.
fn curl_credentials(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    let buf = sink.buf;
    // A whole word `curl` (not `curly`, not `libcurl_version`).
    if hit > 0 && assign::is_name_byte(buf[hit - 1])
        || buf.get(hit + 4).is_some_and(|&b| assign::is_name_byte(b))
    {
        return;
    }
    let (s, end) = command_span(buf, hit);
    let mut i = s + 4;
    while i < end {
        if buf[i] != b'-' || !matches!(buf[i - 1], b' ' | b'\t' | b'\n') {
            i += 1;
            continue;
        }
        let opt_end = buf[i..end]
            .iter()
            .position(|&b| matches!(b, b' ' | b'\t' | b'=' | b'\n' | b'"' | b'\''))
            .map_or(end, |p| i + p);
        let opt = &buf[i..opt_end];
        let user = matches!(opt, b"-u" | b"--user");
        let head = matches!(opt, b"-H" | b"--header");
        if !(user || head) {
            i = opt_end.max(i + 1);
            continue;
        }
        let Some((arg, a_start, a_end)) = argument(buf, opt_end, end) else {
            break;
        };
        if user {
            basic_user(sink, det, &arg, (a_start, a_end));
        } else {
            header(sink, det, &arg, (a_start, a_end));
        }
        i = a_end.max(i + 1);
    }
}

pub static CURL_CREDENTIAL: Detector = Detector {
    id: "curl-credential",
    kind: "http-credential",
    family: Family::Generic,
    title: "Credential in a curl command",
    keywords: &["curl"],
    matcher: Matcher::Custom(curl_credentials),
    default_confidence: Confidence::Medium,
    priority: 2,
    binary: false,
    positives: &[
        // Fakes generated for these samples.
        concat!(
            "curl -s --user 'deploy:Wq7f",
            "Lk2Rz9Tb' https://api.example.com/v1/items"
        ),
        concat!(
            "curl -X POST https://api.example.com/ingest \\\n  -H 'Content-Type: application/json' \\\n  -u ingest:tR4vLp9QxZ",
            "m2Kd"
        ),
        concat!(
            "curl -u \"Nq3Vt8",
            "LmP2xRz7Wc:\" https://api.example.com/charges"
        ),
        concat!(
            "curl https://api.example.com/v2/runs -H \"Authorization: Bearer 7fQpL2vX9",
            "kT4mZ8rW1cN6bH3\""
        ),
        concat!(
            "curl -H 'X-Api-Key: Zp4Lq8Rv2",
            "Tn6Wm1Xc5Bk9' https://api.example.com/v1/models"
        ),
        concat!(
            "curl --header \"Authorization: Basic ZGVwbG95OldxN2ZM",
            "azJSejlUYg==\" https://api.example.com"
        ),
    ],
    negatives: &[
        "curl -u \"$API_USER:$API_PASSWORD\" https://api.example.com",
        "curl -u <user>:<password> https://api.example.com",
        "curl --user admin:password http://localhost:8080",
        "curl -u elastic:changeme https://localhost:9200",
        "curl --user \"{{ .Values.user }}:{{ .Values.pass }}\" https://x",
        "curl -H \"Authorization: Bearer $OPENAI_API_KEY\" https://api.openai.com/v1/models",
        "curl -H 'Authorization: Bearer YOUR_API_KEY' https://api.example.com",
        "curl -H \"X-Api-Key: ${API_KEY}\" https://api.example.com",
        "curl -H 'Content-Type: application/json' -d '{\"user\": \"a:b\"}' https://x",
        "curl -u \"myusername\" http://localhost:15130/api/check_user/",
        "curly -u deploy:Wq7fLk2Rz9Tb",
    ],
    ..BASE
};

/// Every HTTP-client detector.
pub static ALL: &[&Detector] = &[&CURL_CREDENTIAL];

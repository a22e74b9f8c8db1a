//! Noise control: what looks like a secret but is not one. Placeholders (`sk-xxxx`,
//! `<your-key>`, `changeme`), templates and references (`${VAR}`, `{{ .Values.x }}`,
//! `os.environ[...]`), documented example values, digests and UUIDs, prose that happens
//! to be base64, and lines a developer marked as fake or allow-listed.

use crate::text;
use aho_corasick::AhoCorasick;
use std::sync::OnceLock;

/// One case-insensitive automaton per word list, built on first use.
fn any_of(cell: &'static OnceLock<AhoCorasick>, words: &[&str], hay: &[u8]) -> bool {
    cell.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(words)
            .expect("word list automaton")
    })
    .is_match(hay)
}

/// Substrings (lower-case) that mark a placeholder wherever they appear.
const PLACEHOLDER_PARTS: &[&str] = &[
    "example",
    "sample",
    "placeholder",
    "dummy",
    "your",
    "xxxx",
    "****",
    "....",
    "…",
    "changeme",
    "change_me",
    "change-me",
    "replace",
    "redacted",
    "insert",
    "<",
    ">",
    "${",
    "{{",
    "}}",
    "%s",
    "here",
    "fixme",
    "todo",
    "notreal",
    "not_real",
    "not-real",
    "fake",
    "0000000000",
    "1234567890",
    "abcdefgh",
    "qwerty",
];

/// Whole values (lower-case) that are never a secret.
const PLACEHOLDER_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "key",
    "changeit",
    "admin",
    "administrator",
    "root",
    "guest",
    "test",
    "testing",
    "test123",
    "password1",
    "password123",
    "letmein",
    "default",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "empty",
    "blank",
    "n/a",
    "na",
    "tbd",
    "secretkey",
    "mysecret",
    "my-secret",
    "mypassword",
    "foo",
    "bar",
    "foobar",
    "baz",
    "demo",
    "user",
    "username",
    "pass",
    "pwd",
    "required",
    "optional",
    "string",
    "value",
    "hunter2",
    "s3cr3t",
    "p@ssw0rd",
    "p@ssword",
    "postgres",
    "mysql",
    "redis",
    "sa",
];

/// Documented example credentials that appear in provider docs and tutorials.
const KNOWN_EXAMPLES: &[&str] = &[
    // Azure Storage emulator (Azurite) account key, public by design.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    // Stripe documentation test keys.
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    // The example UUID of RFC 4122 and of most UUID documentation.
    "123e4567-e89b-12d3-a456-426614174000",
];

/// Longest run of one repeated byte.
pub fn longest_run(s: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for &b in s {
        if Some(b) == prev {
            run += 1;
        } else {
            run = 1;
            prev = Some(b);
        }
        best = best.max(run);
    }
    best
}

/// Longest run of consecutive ascending (or descending) bytes (`abcdef`, `654321`).
pub fn longest_sequence(s: &[u8]) -> usize {
    let mut best = usize::from(!s.is_empty());
    let mut up = 1;
    let mut down = 1;
    for w in s.windows(2) {
        up = if w[1] == w[0].wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if w[1] == w[0].wrapping_sub(1) {
            down + 1
        } else {
            1
        };
        best = best.max(up).max(down);
    }
    best
}

/// A value that is a placeholder, a mask or a filler rather than a credential.
pub fn is_placeholder(s: &[u8]) -> bool {
    if s.is_empty() || is_elided(s) {
        return true;
    }
    if PLACEHOLDER_WORDS
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w.as_bytes()))
    {
        return true;
    }
    static PARTS: OnceLock<AhoCorasick> = OnceLock::new();
    if any_of(&PARTS, PLACEHOLDER_PARTS, s) {
        return true;
    }
    let run_limit = if text::is_hex(s) { 6 } else { 5 };
    if s.len() >= 8 && longest_run(s) >= run_limit {
        return true;
    }
    if s.len() >= 8 && longest_sequence(&text::lower(s)) >= 6 {
        return true;
    }
    let mut seen = [false; 256];
    let distinct = s
        .iter()
        .filter(|&&b| !std::mem::replace(&mut seen[b as usize], true))
        .count();
    s.len() >= 8 && distinct < 5
}

pub fn is_known_example(s: &[u8]) -> bool {
    KNOWN_EXAMPLES.iter().any(|e| e.as_bytes() == s)
}

/// A value that refers to a secret kept elsewhere instead of holding it: variables,
/// template expressions, lookups, paths and URLs.
pub fn is_reference(s: &[u8]) -> bool {
    let low = text::lower(s);
    const STARTS: &[&str] = &[
        "$",
        "%",
        "{",
        "<",
        "[",
        "(",
        "@",
        "!",
        "&",
        "*",
        "~",
        "/",
        "./",
        "../",
        "\\",
        "#",
        "env.",
        "env:",
        "env(",
        "process.env",
        "os.environ",
        "os.getenv",
        "getenv",
        "secrets.",
        "vars.",
        "settings.",
        "config.",
        "self.",
        "this.",
        "params.",
        "args.",
        "opts.",
        "options.",
        "input.",
        "var.",
        "local.",
        "data.",
        "module.",
        "ctx.",
        "context.",
        "values.",
        "import.meta",
        "std::env",
        "system.getenv",
        "environment.",
        "vault:",
        "arn:",
        "projects/",
        "sm://",
        "secretsmanager:",
        "ssm:",
        "op://",
        "awssm:",
        "file:",
        "sha256:",
        "sha1:",
        "sha512:",
        "md5:",
        "sha256-",
        "sha384-",
        "sha512-",
        "sha1-",
    ];
    const PARTS: &[&str] = &["${", "{{", "}}", "#{", "%(", "$(", "<%", "%>", "://", "()"];
    static REF_PARTS: OnceLock<AhoCorasick> = OnceLock::new();
    STARTS.iter().any(|p| low.starts_with(p.as_bytes())) || any_of(&REF_PARTS, PARTS, s)
}

/// A dotted or plain identifier (`settings.API_KEY`, `apiKeyFromVault`) as opposed to a
/// random token: letters only, with at most separators.
pub fn is_identifier_like(s: &[u8]) -> bool {
    s.iter()
        .all(|&b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'.' | b'-'))
        && s.iter().any(u8::is_ascii_alphabetic)
}

/// A word in one case: `lower`, `UPPER` or `Capitalized`.
fn is_cased_word(p: &[u8]) -> bool {
    !p.is_empty()
        && (p.iter().all(u8::is_ascii_lowercase)
            || p.iter().all(u8::is_ascii_uppercase)
            || (p[0].is_ascii_uppercase() && p[1..].iter().all(u8::is_ascii_lowercase)))
}

/// One piece of a word-like value: a number, a word in one case, or a word and a short
/// number written together (`base64`, `step1`, `v44`, `32bytes`).
fn is_word_piece(p: &[u8]) -> bool {
    if p.iter().all(u8::is_ascii_digit) || is_cased_word(p) {
        return true;
    }
    let letters_then_digits = p.iter().position(u8::is_ascii_digit).is_some_and(|i| {
        i >= 1
            && p.len() - i <= 3
            && is_cased_word(&p[..i])
            && p[i..].iter().all(u8::is_ascii_digit)
    });
    let digits_then_letters = p
        .iter()
        .position(|b| !b.is_ascii_digit())
        .is_some_and(|i| i <= 3 && p.len() - i >= 2 && p[i..].iter().all(u8::is_ascii_lowercase));
    letters_then_digits || digits_then_letters
}

/// A value made of words and numbers (`session_cache-3642`, `ModelConfig.v2`,
/// `header.not_valid_base64.signature`): every piece between separators is a number,
/// a word in one case (`lower`, `UPPER`, `Capitalized`), or a word with a short
/// number. Generated tokens mix letters and digits inside their pieces.
pub fn is_word_like(s: &[u8]) -> bool {
    s.split(|b| matches!(b, b'_' | b'-' | b'.' | b':' | b'/' | b' ' | b'@' | b'+'))
        .filter(|p| !p.is_empty())
        .all(is_word_piece)
}

/// Base64 whose content is words (`dGVzdC1rZXktZm9y…` is `test-key-for-…`,
/// `QVdTOnRlc3RwYXNzd29yZA==` is `AWS:testpassword`): a phrase or a `user:password`
/// of dictionary words typed by a person, not a generated key. A real encoded
/// credential holds a random part, which is never made of such pieces.
pub fn is_encoded_words(s: &[u8]) -> bool {
    if s.len() < 12 {
        return false;
    }
    let Some(decoded) = text::base64_decode(s) else {
        return false;
    };
    let pieces = decoded
        .split(|b| matches!(b, b'_' | b'-' | b'.' | b':' | b'/' | b' ' | b'@' | b'+'))
        .filter(|p| !p.is_empty())
        .count();
    let letters = decoded.iter().filter(|b| b.is_ascii_alphabetic()).count();
    decoded.len() >= 8
        && text::is_printable_text(&decoded)
        && letters * 2 >= decoded.len()
        && (pieces >= 2 || decoded.iter().all(u8::is_ascii_lowercase))
        && is_word_like(&decoded)
}

/// A value built from ascending runs (`abc123`, `123abc-456def-789ghi`, `a1b2c3`
/// aside): at least three quarters of its letters and digits sit in runs of three or
/// more consecutive characters. Typed by a person as an example, never generated.
pub fn is_sequential(s: &[u8]) -> bool {
    let low = text::lower(s);
    let alnum = low.iter().filter(|b| b.is_ascii_alphanumeric()).count();
    if alnum < 6 {
        return false;
    }
    let mut covered = 0;
    let mut run = 1;
    for i in 1..=low.len() {
        let continues = i < low.len()
            && low[i].is_ascii_alphanumeric()
            && low[i - 1].is_ascii_alphanumeric()
            && low[i] == low[i - 1].wrapping_add(1);
        if continues {
            run += 1;
        } else {
            if run >= 3 {
                covered += run;
            }
            run = 1;
        }
    }
    covered * 4 >= alnum * 3
}

/// A query string (`sv=…&sr=c&sig=abc`) none of whose parameters holds a secret-sized
/// random value: a shortened or faked signed URL, not a live one.
pub fn is_query_without_secret(s: &[u8]) -> bool {
    let pairs: Vec<&[u8]> = s.split(|&b| b == b'&').filter(|p| !p.is_empty()).collect();
    if pairs.len() < 2 || !pairs.iter().all(|p| p.contains(&b'=')) {
        return false;
    }
    !pairs.iter().any(|p| {
        let v = &p[p.iter().position(|&b| b == b'=').map_or(0, |i| i + 1)..];
        v.len() >= 16 && text::entropy(v) >= 3.5 && !is_placeholder(v) && !is_word_like(v)
    })
}

/// A file path (`models/v1/model.bin`, `canary/step1-screenshot.png`): folders and a
/// file name with an extension. Keys and tokens have no extension.
pub fn is_file_path(s: &[u8]) -> bool {
    let Some(slash) = s.iter().rposition(|&b| b == b'/') else {
        return false;
    };
    let name = &s[slash + 1..];
    name.iter().rposition(|&b| b == b'.').is_some_and(|dot| {
        let ext = &name[dot + 1..];
        dot > 0
            && (1..=8).contains(&ext.len())
            && ext
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && ext.iter().any(u8::is_ascii_lowercase)
    })
}

/// An identifier in camelCase or PascalCase (`InstanceGroupSettings1`,
/// `transformOutputPrefix`): words of three letters or more, each in one case,
/// perhaps with a short number. Random mixed-case tokens break into short pieces.
pub fn is_camel_identifier(s: &[u8]) -> bool {
    if s.is_empty() || !s[0].is_ascii_alphabetic() {
        return false;
    }
    let mut pieces: Vec<&[u8]> = Vec::new();
    for part in s.split(|b| matches!(b, b'_' | b'-' | b'.')) {
        let mut start = 0;
        for i in 1..part.len() {
            if part[i].is_ascii_uppercase() && part[i - 1].is_ascii_lowercase() {
                pieces.push(&part[start..i]);
                start = i;
            }
        }
        pieces.push(&part[start..]);
    }
    pieces.len() >= 2
        && pieces.iter().all(|p| {
            let letters = p.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            letters >= 3 && is_word_piece(p)
        })
}

/// A value shown cut short (`agno_pat_duXGF96q...`, `sk-abc…`): a display of a
/// credential, not the credential.
pub fn is_elided(s: &[u8]) -> bool {
    s.ends_with(b"...") || s.ends_with("…".as_bytes())
}

/// Whether the text right after a value elides it (`…`, `...`).
pub fn elided_after(after: &[u8]) -> bool {
    after.starts_with(b"...") || after.starts_with("…".as_bytes())
}

/// Prefixes of keys that are public by design: they identify a project to a
/// client-side SDK and grant no read access (PostHog project keys, Stripe publishable
/// keys, Mapbox public tokens). They are meant to ship in web pages.
const PUBLIC_PREFIXES: &[&str] = &["phc_", "pk_live_", "pk_test_", "pk."];

/// A key of a format that is public by design.
pub fn is_public_key(s: &[u8]) -> bool {
    PUBLIC_PREFIXES
        .iter()
        .any(|p| s.len() > p.len() + 8 && s[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
}

/// OAuth clients of installed applications whose client secrets are published with
/// the application (Google documents that such a secret is not confidential): the
/// Google Cloud SDK and the Google OAuth 2.0 Playground. Tokens issued to these
/// clients are still secrets; only the client secret is public.
const PUBLIC_OAUTH_CLIENTS: &[&str] = &[
    "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
    "407408718192.apps.googleusercontent.com",
];

/// Whether `around` (the text near a `client_secret`) names a public installed-app
/// OAuth client.
pub fn names_public_oauth_client(around: &[u8]) -> bool {
    PUBLIC_OAUTH_CLIENTS
        .iter()
        .any(|c| memchr::memmem::find(around, c.as_bytes()).is_some())
}

/// Host names reserved for documentation and tests (RFC 2606, RFC 6761): `example.com`,
/// `example.net`, `example.org` and their subdomains, and the `.example`, `.test` and
/// `.invalid` top-level names. No credential for them opens anything.
pub fn is_reserved_host(host: &[u8]) -> bool {
    let h = text::lower(host);
    // Without the port.
    let h = match h.iter().rposition(|&b| b == b':') {
        Some(i) if h[i + 1..].iter().all(u8::is_ascii_digit) => &h[..i],
        _ => &h[..],
    };
    let h = h.strip_suffix(b".").unwrap_or(h);
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|d| h == d.as_bytes() || h.ends_with(format!(".{d}").as_bytes()))
        || [".example", ".test", ".invalid"]
            .iter()
            .any(|t| h.ends_with(t.as_bytes()) || h == &t.as_bytes()[1..])
}

/// A host part of a URL that cannot be a host: empty, an unclosed or non-address
/// bracket (`[invalid`), or bytes no host name has.
pub fn is_malformed_host(host: &[u8]) -> bool {
    if host.is_empty() {
        return true;
    }
    if host[0] == b'[' {
        let Some(close) = host.iter().position(|&b| b == b']') else {
            return true;
        };
        return !host[1..close]
            .iter()
            .all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.'));
    }
    !host
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'%'))
}

/// A value that contains a credential word (`secret123`, `test-token`, `mypassword`):
/// what people type as an example, not what a generator produces.
pub fn spells_credential_word(s: &[u8]) -> bool {
    static WORDS: OnceLock<AhoCorasick> = OnceLock::new();
    any_of(
        &WORDS,
        &[
            "secret", "passw", "token", "apikey", "api_key", "api-key", "test", "sample", "demo",
        ],
        s,
    )
}

/// A password that is the word "password" in some spelling (`pass%20word`, `p@ss:word`,
/// `passwörd`, `Passw0rd`): documentation of a URL syntax, not a credential.
pub fn is_password_word(s: &[u8]) -> bool {
    let mut norm = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let mut b = s[i];
        if b == b'%' && i + 2 < s.len() {
            let hex = std::str::from_utf8(&s[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                b = v;
                i += 2;
            }
        }
        let b = match b.to_ascii_lowercase() {
            b'@' | b'4' => b'a',
            b'0' => b'o',
            b'$' | b'5' => b's',
            b'3' => b'e',
            b'1' | b'!' => b'i',
            c => c,
        };
        if b.is_ascii_alphanumeric() {
            norm.push(b);
        }
        i += 1;
    }
    matches!(
        norm.as_slice(),
        b"password" | b"passwd" | b"pass" | b"pwd" | b"secret" | b"passwort" | b"motdepasse"
    ) || (norm.starts_with(b"pass") && norm.len() <= 12)
}

/// A hexadecimal digest of a common hash length.
pub fn is_digest(s: &[u8]) -> bool {
    text::is_hex(s) && matches!(s.len(), 32 | 40 | 56 | 64 | 96 | 128)
}

/// Base64 whose content is prose (`aGVsbG8gd29ybGQ…` is "hello world…"):
/// encoded text with spaces is a message, not a key.
pub fn is_encoded_prose(s: &[u8]) -> bool {
    if s.len() < 16 {
        return false;
    }
    let Some(decoded) = text::base64_decode(s) else {
        return false;
    };
    decoded.len() >= 12
        && text::is_printable_text(&decoded)
        && decoded.iter().filter(|&&b| b == b' ').count() >= 1
        && decoded
            .iter()
            .filter(|b| b.is_ascii_alphabetic() || **b == b' ')
            .count()
            * 10
            >= decoded.len() * 8
}

/// Phrases in a comment that say the value is deliberately not a real credential.
const FIXTURE_PHRASES: &[&str] = &[
    "fake key",
    "fake token",
    "fake secret",
    "fake password",
    "fake credential",
    "dummy key",
    "dummy token",
    "dummy secret",
    "dummy password",
    "dummy credential",
    "mock key",
    "mock token",
    "mock secret",
    "test key",
    "test token",
    "test secret",
    "example key",
    "example token",
    "example secret",
    "sample key",
    "sample token",
    "not a real",
    "not real",
    "test fixture",
    "for unit tests",
    "for testing only",
    "placeholder key",
    "placeholder token",
];

fn comment_part(line: &[u8]) -> Option<&[u8]> {
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        let starts_comment = match b {
            b'#' => i == 0 || matches!(line[i - 1], b' ' | b'\t'),
            b'/' => line.get(i + 1).is_some_and(|&n| n == b'/' || n == b'*'),
            b'-' => line.get(i + 1) == Some(&b'-') && (i == 0 || line[i - 1] == b' '),
            b'<' => line[i..].starts_with(b"<!--"),
            b';' => i == 0 || line[..i].iter().all(|c| c.is_ascii_whitespace()),
            _ => false,
        };
        if starts_comment {
            return Some(&line[i..]);
        }
        i += 1;
    }
    None
}

/// Whether a comment on the secret's line (or the comment line right above it)
/// marks it as a fake. `after` is the part of the line after the
/// secret, `prev` the line above.
pub fn is_marked(after: &[u8], prev: Option<&[u8]>) -> bool {
    // Other scanners' allow-list comments (`pragma: allowlist secret`,
    // `gitleaks:allow`, ...) are not judged here: the engine reports what they cover
    // as suppressed, so that nothing they hide is lost.
    static FIXTURE: OnceLock<AhoCorasick> = OnceLock::new();
    if let Some(c) = comment_part(after)
        && any_of(&FIXTURE, FIXTURE_PHRASES, c)
    {
        return true;
    }
    if let Some(prev) = prev {
        let p = text::lower(prev.trim_ascii());
        let is_comment = comment_part(&p).is_some_and(|c| c.len() == p.len());
        if is_comment && any_of(&FIXTURE, FIXTURE_PHRASES, &p) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            &b"sk-XXXXXXXXXXXXXXXXXXXXXXXX"[..],
            b"your_api_key_here",
            b"<COHERE_API_KEY>",
            b"hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            b"changeme",
            b"0000000000000000000000000000000000000000",
            b"abcdefghijklmnop",
            b"TESTTESTTESTTEST",
        ] {
            assert!(is_placeholder(p), "{}", String::from_utf8_lossy(p));
        }
        for s in [
            &b"Qm7ZYMmLOPIwFQuYhrsiF8nfMaunlNy5yX0Y3rNJ"[..],
            b"e5a22fac180d6b2e6e1b46",
            b"5e551305fd2d2490ca4c616e8c4bf144",
        ] {
            assert!(!is_placeholder(s), "{}", String::from_utf8_lossy(s));
        }
    }

    #[test]
    fn references_digests_prose() {
        assert!(is_reference(b"${DB_PASSWORD}"));
        assert!(is_reference(b"{{ .Values.hfToken }}"));
        assert!(is_reference(b"os.environ[\"X\"]"));
        assert!(is_reference(b"sha256:abc"));
        assert!(!is_reference(b"e5a22fac180d6b2e6e1b46"));
        assert!(is_password_word(b"pass%20word"));
        assert!(is_password_word(b"p%40ss%3Aword"));
        assert!(is_password_word("passwörd".as_bytes()));
        assert!(!is_password_word(b"whyuseplainhttpforthis"));
        assert!(spells_credential_word(b"secret123"));
        assert!(is_word_like(b"value_batch-15695"));
        assert!(is_word_like(b"Session.Cache_v"));
        assert!(!is_word_like(b"Tr8xk2Lm#9"));
        assert!(!is_word_like(b"8ae31cacf1416"));
        assert!(is_digest(b"c3095179b24d43ad57b5e5150766d7499e7fdd4b"));
        assert!(is_encoded_prose(
            b"YSBub3RlIHRoYXQgbm9ib2R5IHNob3VsZCBldmVyIHJlYWQgdHdpY2U="
        ));
        assert!(!is_encoded_prose(
            b"Xk2m8aHGHJSLLaJ7N4jUxfzO2QH20XLrE/+gSAl1"
        ));
    }

    #[test]
    fn markers() {
        assert!(
            !is_marked(b"'  # pragma: allowlist secret", None),
            "allow-list comments are the engine's to report as suppressions"
        );
        assert!(is_marked(b"'  # fake key for tests", None));
        assert!(is_marked(b"'", Some(b"# not a real token, used in tests")));
        assert!(!is_marked(
            b"",
            Some(b"# Fill these in locally; the values below are fake and only show the layout.")
        ));
        assert!(!is_marked(
            b"'",
            Some(b"# FIXME: read this from the secret store")
        ));
    }
}

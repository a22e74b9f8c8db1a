//! Tests of a token's shape that detectors of several families share: the CRC32
//! checksum in base62 that GitHub and npm tokens carry, the letter-and-digit mix asked
//! of keys found by context, and JSON objects inside base64 (JWT parts, Neptune and
//! Sentry tokens, encoded key files). Offline, like every check: bytes in, a verdict
//! out.

use crate::assign;
use crate::detector::{Site, Verdict};
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
pub fn crc32_checksum_ok(token: &str) -> bool {
    let Some((_, body)) = token.split_once('_') else {
        return false;
    };
    body.len() == 36 && crc32_base62(&body.as_bytes()[..30]) == body[30..]
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

/// For keys whose shape alone is common (a UUID, 40 hex digits) found next to their
/// service's name: the value must be assigned to a name (not sit in a URL, a commit
/// link or prose) and mix letters and digits.
pub fn named_mixed(token: &str, site: &Site<'_>) -> Verdict {
    let (ls, _) = text::line_bounds(site.buf, site.start);
    let before = site.start.checked_sub(1).map(|i| site.buf[i]);
    if matches!(before, Some(b'/' | b'@' | b'#' | b'.' | b'-'))
        || assign::name_before(site.buf, site.start, ls).is_none()
    {
        return Verdict::Reject;
    }
    mixed(token, site)
}

/// The JSON object that `data` (base64, either alphabet) decodes to.
pub fn b64_json(data: &[u8]) -> Option<serde_json::Map<String, Value>> {
    let decoded = text::base64_decode(data)?;
    match serde_json::from_slice::<Value>(&decoded).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_checksum() {
        // A random body and its checksum computed independently of this code.
        assert_eq!(crc32_base62(b"U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8"), "14Un4I");
        assert!(crc32_checksum_ok(concat!(
            "ghp_",
            "U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8",
            "14Un4I"
        )));
        assert!(!crc32_checksum_ok(concat!(
            "ghp_",
            "U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8",
            "I4nU41"
        )));
    }
}

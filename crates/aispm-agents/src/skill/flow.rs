//! A small flow pass over a script (lowercased): values followed through assignments
//! in source order — what was decoded, fetched, read from a credential store or
//! `.env`, or copied from the whole environment — to the calls that run code (in
//! process or in a shell) and to the calls that send data out.

use super::scripts::ScriptPatterns;
use regex::bytes::Regex as BytesRegex;

/// Lines of a script the flow pass follows.
const MAX_FLOW_LINES: usize = 20_000;
/// Names the flow pass follows at once.
const MAX_TRACKED: usize = 64;

/// Calls that run code in process, not methods of that name (`re.compile`,
/// `model.eval`, a JS regex's `exec`): where each starts and where its `(` is.
pub(super) fn inproc_sinks<'a>(
    re: &'a BytesRegex,
    bytes: &'a [u8],
) -> impl Iterator<Item = (usize, usize)> + 'a {
    re.find_iter(bytes)
        .filter(|m| m.start() == 0 || !matches!(bytes[m.start() - 1], b'.' | b'$'))
        .map(|m| (m.start(), m.end() - 1))
}

/// The arguments of the call whose `(` is at `open`: up to the matching `)`, at most
/// `MAX_ARGS` bytes (a minified bundle's line holds a whole program).
fn call_args(bytes: &[u8], open: usize) -> &[u8] {
    const MAX_ARGS: usize = 512;
    let end = bytes.len().min(open + MAX_ARGS);
    let mut depth = 0i32;
    for (i, &b) in bytes[open..end].iter().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return &bytes[open..=open + i];
                }
            }
            _ => {}
        }
    }
    &bytes[open..end]
}

// Labels the flow pass gives names.
const L_DECODED: u8 = 1;
const L_FETCHED: u8 = 1 << 1;
const L_CRED: u8 = 1 << 2;
const L_ENV: u8 = 1 << 3;

/// Byte offsets (into the script) where the flow pass saw a decoded or fetched value
/// run, or credential data reach a send.
#[derive(Debug, Default)]
pub(super) struct FlowHits {
    pub(super) decoded_exec: Option<usize>,
    pub(super) fetched_inproc: Option<usize>,
    pub(super) fetched_shell: Option<usize>,
    pub(super) exfil: Option<usize>,
}

/// `name = value` (with `const`/`let`/`var`/`export`/`local`, a `$` sigil, a type
/// annotation or `:=`), or Python's `with value as name:`.
fn binding(line: &str) -> Option<(&str, &str)> {
    let t = line.trim_start();
    for w in ["with ", "async with "] {
        if let Some(rest) = t.strip_prefix(w)
            && let Some(i) = rest.rfind(" as ")
        {
            let name = rest[i + 4..].trim().trim_end_matches(':').trim();
            if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Some((name, &rest[..i]));
            }
            return None;
        }
    }
    let mut s = t;
    for kw in [
        "export ",
        "local ",
        "readonly ",
        "declare ",
        "const ",
        "let ",
        "var ",
        "my ",
    ] {
        if let Some(rest) = s.strip_prefix(kw) {
            s = rest.trim_start();
            break;
        }
    }
    let s = s.strip_prefix('$').unwrap_or(s);
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    if end == 0 || s.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let name = &s[..end];
    let mut rest = s[end..].trim_start();
    if let Some(r) = rest.strip_prefix(':') {
        rest = &r[r.find('=')?..];
    }
    let rest = rest.strip_prefix('=')?;
    if rest.starts_with('=') {
        return None;
    }
    Some((name, rest.trim()))
}

/// Whether `name` occurs in `text` as a whole word and is read there: not a name being
/// bound (`env=…` as a keyword argument), and with `skip_env_kw` not a value handed
/// over as a child process's environment (`env=name`, `env: name`).
fn word_in(text: &[u8], name: &str, skip_env_kw: bool) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    for i in memchr::memmem::find_iter(text, name.as_bytes()) {
        let j = i + name.len();
        if (i > 0 && word(text[i - 1])) || text.get(j).is_some_and(|&b| word(b)) {
            continue;
        }
        let after = text[j..].trim_ascii_start();
        if after.starts_with(b"=") && !after.starts_with(b"==") {
            continue;
        }
        if skip_env_kw {
            let before = text[..i].trim_ascii_end();
            let before = before
                .strip_suffix(b"=")
                .or_else(|| before.strip_suffix(b":"))
                .map(<[u8]>::trim_ascii_end);
            if before.is_some_and(|b| {
                let lower = b.to_ascii_lowercase();
                lower.ends_with(b"env")
                    || lower.ends_with(b"environ")
                    || lower.ends_with(b"environment")
            }) {
                continue;
            }
        }
        return true;
    }
    false
}

fn labels_in(text: &[u8], tracked: &[(String, u8)]) -> u8 {
    tracked.iter().fold(0, |acc, (name, l)| {
        // An environment handed to a child process is its configuration, not data.
        if word_in(text, name, *l & L_ENV != 0) {
            acc | l
        } else {
            acc
        }
    })
}

/// Follows values (in the lowercased script) through assignments in source order: what was decoded, fetched, read
/// from a credential store or `.env`, or copied from the whole environment, and
/// whether such a value reaches code execution or a send (its line, or the call around
/// it).
pub(super) fn flow_pass(
    text: &str,
    p: &ScriptPatterns,
    want_exec: bool,
    want_exfil: bool,
) -> FlowHits {
    let mut out = FlowHits::default();
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .scan(0usize, |off, l| {
            let at = *off;
            *off += l.len() + 1;
            Some((at, l))
        })
        .take(MAX_FLOW_LINES)
        .collect();
    let classify = |s: &[u8]| {
        let mut l = 0;
        if want_exec {
            if p.decode_source.is_match(s) {
                l |= L_DECODED;
            }
            if p.fetch_source.is_match(s) {
                l |= L_FETCHED;
            }
        }
        if want_exfil {
            if p.cred_store.is_match(s) && !p.cred_store_unless.is_match(s)
                || p.env_read.is_match(s)
            {
                l |= L_CRED;
            }
            if p.env_whole.is_match(s) {
                l |= L_ENV;
            }
        }
        l
    };
    let mut tracked: Vec<(String, u8)> = Vec::new();
    for (i, &(at, line)) in lines.iter().enumerate() {
        let bytes = line.as_bytes();
        if let Some((name, value)) = binding(line) {
            let l = classify(value.as_bytes()) | labels_in(value.as_bytes(), &tracked);
            tracked.retain(|t| t.0 != name);
            if l != 0 {
                if tracked.len() == MAX_TRACKED {
                    tracked.remove(0);
                }
                tracked.push((name.to_string(), l));
            }
        }
        if want_exec {
            for (_, open) in inproc_sinks(&p.inproc_sink, bytes).take(64) {
                let args = call_args(bytes, open);
                let l = labels_in(args, &tracked) | classify(args);
                if l & L_DECODED != 0 {
                    out.decoded_exec.get_or_insert(at);
                }
                if l & L_FETCHED != 0 {
                    out.fetched_inproc.get_or_insert(at);
                }
            }
            for c in p.shell_sink.captures_iter(bytes) {
                let Some(name) = c.iter().skip(1).flatten().next() else {
                    continue;
                };
                let l = tracked
                    .iter()
                    .filter(|t| t.0.as_bytes() == name.as_bytes())
                    .fold(0, |acc, t| acc | t.1);
                if l & L_DECODED != 0 {
                    out.decoded_exec.get_or_insert(at);
                }
                if l & L_FETCHED != 0 {
                    out.fetched_shell.get_or_insert(at);
                }
            }
        }
        if want_exfil
            && out.exfil.is_none()
            && p.sends.is_match(bytes)
            && !p.sends_unless.is_match(bytes)
        {
            let region = call_region(&lines, i);
            let l = labels_in(region.as_bytes(), &tracked) | classify(region.as_bytes());
            if l & (L_CRED | L_ENV) != 0 {
                out.exfil = Some(at);
            }
        }
    }
    out
}

/// The call a send sits in: from the line that opened the enclosing bracket (up to
/// five lines above, for a send marked inside a call's options such as `method:
/// 'POST'`) to the line that closes it (at most ten lines in all).
fn call_region(lines: &[(usize, &str)], i: usize) -> String {
    let mut start = i;
    let mut depth: i32 = 0;
    'back: for k in (i.saturating_sub(5)..i).rev() {
        for b in lines[k].1.bytes().rev() {
            match b {
                b')' | b']' | b'}' => depth += 1,
                b'(' | b'[' | b'{' => depth -= 1,
                _ => {}
            }
            if depth < 0 {
                start = k;
                break 'back;
            }
        }
    }
    let mut region = String::new();
    let mut depth: i32 = 0;
    for (k, (_, l)) in lines.iter().enumerate().skip(start).take(10) {
        region.push_str(l);
        region.push('\n');
        for b in l.bytes() {
            match b {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                _ => {}
            }
        }
        if depth <= 0 && k >= i {
            break;
        }
    }
    region
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_are_read() {
        assert_eq!(binding("  x = f(y)"), Some(("x", "f(y)")));
        assert_eq!(binding("const k: string = read()"), Some(("k", "read()")));
        assert_eq!(
            binding("export TOKEN=$(cat ~/.netrc)"),
            Some(("TOKEN", "$(cat ~/.netrc)"))
        );
        assert_eq!(
            binding("$b = [Convert]::FromBase64String($p)"),
            Some(("b", "[Convert]::FromBase64String($p)"))
        );
        assert_eq!(binding("if (n := len(a)) > 3:"), None);
        assert_eq!(binding("x == y"), None);
        assert_eq!(binding("with open(p) as fh:"), Some(("fh", "open(p)")));
        assert_eq!(binding("= 3"), None);
    }
}

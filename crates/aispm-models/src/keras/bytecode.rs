//! Lambda bytecode as bytes (base64-decoded by [`aispm_formats::base64`]): a scan for
//! the strings a marshalled code object carries (its constants, names and variable names). The bytes are
//! never unmarshalled; the scan only looks for marshal's string records (a type code,
//! a length, then the characters) and splits their text into identifiers.

/// Identifiers whose presence in a lambda's tables means it reaches the operating
/// system, the interpreter or the network.
pub const DANGEROUS_NAMES: &[&str] = &[
    "os",
    "posix",
    "nt",
    "system",
    "popen",
    "subprocess",
    "Popen",
    "check_output",
    "check_call",
    "getoutput",
    "getstatusoutput",
    "spawnv",
    "spawnl",
    "spawnve",
    "execv",
    "execve",
    "execl",
    "execvp",
    "fork",
    "eval",
    "exec",
    "compile",
    "open",
    "socket",
    "create_connection",
    "__import__",
    "import_module",
    "importlib",
    "builtins",
    "__builtins__",
    "__builtin__",
    "__globals__",
    "__subclasses__",
    "globals",
    "getattr",
    "setattr",
    "pty",
    "shutil",
    "rmtree",
    "unlink",
    "urlopen",
    "urllib",
    "requests",
    "pickle",
    "marshal",
    "ctypes",
    "webbrowser",
    "runpy",
    "breakpoint",
    "sys",
];

/// Printable strings recorded the way marshal writes them: short ASCII (`z`, `Z`:
/// one length byte) and ASCII, interned or Unicode strings (`a`, `A`, `u`, `t`: four
/// length bytes), with or without marshal's reference flag. At most `max` strings.
pub fn marshal_strings(b: &[u8], max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < b.len() && out.len() < max {
        let t = b[i] & 0x7f;
        let (len, start) = match t {
            b'z' | b'Z' => match b.get(i + 1) {
                Some(&l) => (usize::from(l), i + 2),
                None => break,
            },
            b'a' | b'A' | b'u' | b't' => match b.get(i + 1..i + 5) {
                Some(l) => (u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize, i + 5),
                None => break,
            },
            _ => {
                i += 1;
                continue;
            }
        };
        if (1..=4096).contains(&len)
            && let Some(s) = b.get(start..start + len)
            && s.iter()
                .all(|&c| (0x20..0x7f).contains(&c) || c == b'\n' || c == b'\t')
        {
            out.push(String::from_utf8_lossy(s).into_owned());
            i = start + len;
            continue;
        }
        i += 1;
    }
    out
}

/// The dangerous identifiers among the strings of a marshalled code object, sorted
/// and deduplicated.
pub fn dangerous_names(code: &[u8]) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = Vec::new();
    for s in marshal_strings(code, 10_000) {
        for ident in s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if let Some(&d) = DANGEROUS_NAMES.iter().find(|&&d| d == ident)
                && !found.contains(&d)
            {
                found.push(d);
            }
        }
    }
    found.sort_unstable();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_names_in_marshal_records() {
        // Short ASCII interned `system` with the reference flag, and an ASCII `os`.
        let mut code = vec![0xe3, 0, 0];
        code.extend_from_slice(&[0xda, 6]);
        code.extend_from_slice(b"system");
        code.push(b'a');
        code.extend_from_slice(&2u32.to_le_bytes());
        code.extend_from_slice(b"os");
        code.extend_from_slice(&[0xfa, 1, b'x']);
        assert_eq!(dangerous_names(&code), ["os", "system"]);
        assert!(dangerous_names(&[0xfa, 1, b'x', 0xfa, 8]).is_empty());
    }

    #[test]
    fn splits_source_like_constants() {
        let s = b"import os;os.system('id')";
        let mut code = vec![b'z', s.len() as u8];
        code.extend_from_slice(s);
        assert_eq!(dangerous_names(&code), ["os", "system"]);
    }

    proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = dangerous_names(&b);
        }
    }
}

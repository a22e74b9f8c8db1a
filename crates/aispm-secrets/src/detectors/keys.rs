//! Private keys in every common container (PEM, OpenSSH, PGP armour, PuTTY, age) and
//! signed bearer tokens (JWT). Key blocks are validated by decoding them: a header
//! around a word is documentation, not a key.

use super::shape;
use crate::assign;
use crate::credential_names;
use crate::detector::{
    BASE, Boundary, Candidate, CandidateSink, Confidence, Detector, Family, Matcher, Site, Verdict,
};
use crate::text;
use serde_json::Value;

/// What the body of a key block turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KeyBody {
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
pub(super) fn check_pem_body(label: &str, body: &[u8]) -> Option<KeyBody> {
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
fn pem_block(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    let buf = sink.buf;
    if !sink.first_visit(det.id, hit) {
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
    if sink.marked(hit, hit) {
        return;
    }
    let mut props = vec![("key_type", Value::from(key.key_type))];
    if key.encrypted {
        props.push(("encrypted", Value::from(true)));
    }
    let (ls, _) = text::line_bounds(buf, hit);
    sink.push(Candidate {
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

pub static PEM_PRIVATE_KEY: Detector = Detector {
    id: "private-key",
    kind: "private-key",
    family: Family::PrivateKey,
    title: "Private key",
    keywords: &["-----begin "],
    matcher: Matcher::Custom(pem_block),
    priority: 3,
    positives: &[
        concat!(
            "-----BEGIN R",
            "SA PRIVATE K",
            "EY-----\nMII",
            "CWAIBAE95icY",
            "YEQlL15AbcDj",
            "nNPAOxuO2Rg2",
            "s6xkMB/ZkivX",
            "hoWKToqkHCJj",
            "X\nIlVP1Y4GT",
            "cBipEZo96EmU",
            "6eiJ62lp2OKC",
            "8aKWN+SlVij5",
            "5Onrb3F925kd",
            "4vmcZxr\nFPg",
            "U+52Gpan0rcB",
            "ZnOGCjec9Goy",
            "RyLpSbj6loFE",
            "TgE0FQZArpyK",
            "580y7koV+TBm",
            "B\nGmsJAdp1I",
            "68A/aVdMvFqV",
            "ZRz+OXLJrckN",
            "Cvuw5/FblL6X",
            "qmIOZUg/5kw+",
            "zmurk5e\n/LM",
            "cRTBTqsMjGIq",
            "VqJvbkjKBEug",
            "kvCzfbFe51o5",
            "/DSEUgSSuCTX",
            "0b/IJWh8B+78",
            "N\nII2onwXEb",
            "8Rb7uprGVFeL",
            "is/zHatKL51M",
            "1/J2KY+PKTAe",
            "hJ7x0gAgV1GZ",
            "b2qGK89\nyhB",
            "BCvKOwRwdjKe",
            "Sw52elHXI6sr",
            "NwYhey7HbBTw",
            "5EH59ycwbeg3",
            "/IQAuYGVt0yj",
            "J\nFhRiI9tm0",
            "cbhCw586buPj",
            "6u5KMVcdcD4F",
            "wvoCAe20fZ7g",
            "OfuBzv4d21J3",
            "sgzLu8R\nJnH",
            "7XRO3ZuEN/nz",
            "o6ikHWtCt5b5",
            "P9LdzmrCpJm9",
            "iJwM/eoEDAJ9",
            "F9LSnHxqgGG2",
            "O\nMRODOmkPl",
            "NQO89+0xG4xa",
            "18fmPBbKfLPp",
            "VyIOFVFVJV9o",
            "io7CoH0q784c",
            "u9DtZRP\nMik",
            "osz7+etwlRnD",
            "frUg3lgJyurl",
            "SWVinrPWZ/P1",
            "O5/1B/ZquIL/",
            "Xd+wBtfgLea4",
            "0\nxcXf45rEr",
            "jrZyOBjdRGLH",
            "ew3HGwyIuiKT",
            "3lvcaDhOPxZp",
            "0HAyiQsspYZp",
            "RfICzL7\nXEF",
            "WwLkso/XzPy6",
            "2vO0O2EPxjoM",
            "ZaoHGIFVN/8F",
            "vkg==\n-----",
            "END RSA PRIV",
            "ATE KEY-----"
        ),
        concat!(
            "-----BEGIN E",
            "C PRIVATE KE",
            "Y-----\nMIIA",
            "yAIBAB8vF06I",
            "peSxdF2ndmSt",
            "GklOYp+3aywF",
            "tagn6Ax4esgJ",
            "b/gwBnSrr012",
            "\nrQJcICIkk9",
            "bB1aQSFcoTqV",
            "BixPYbSDTFS1",
            "t3+EDGEd28yZ",
            "3qrclqLmpEL3",
            "naNDKZ\nGDhL",
            "2i035rESqKqc",
            "looJRlEpuXkX",
            "UKtEEfTTeyYP",
            "ekRgQfIeNmxr",
            "fo61KMe0h0Ad",
            "\nTUxrZgoSbK",
            "e8bYkQ3BsG2F",
            "5pPCf5JqSBMp",
            "OMqomves+WEZ",
            "p1JfSHVpFvGd",
            "jXj8IB\n69Lw",
            "Gx6MrUx2kE6i",
            "qIM2\n-----E",
            "ND EC PRIVAT",
            "E KEY-----"
        ),
        concat!(
            "-----BEGIN P",
            "RIVATE KEY--",
            "---\nMIICWAI",
            "BABc9lZEEqij",
            "msgdOZc9kVjE",
            "mGRKOQ4YQO4w",
            "nVyIgfk8vZF1",
            "gaAkN+jLq\nq",
            "Y/jBn7mQPDJ4",
            "5aEnTI6RonXm",
            "3cnxJbnfjQ7+",
            "4IpuNwc0q2K+",
            "1T9+0uLdZVID",
            "2Ff\npJtm8vh",
            "gPHiymCGVWYa",
            "tAy7YofvDXS9",
            "+c07kVMCIV5x",
            "81cMAaPqZG2E",
            "gjKkbywws\nW",
            "RA1XUOmi68j/",
            "rvD9PXpJrgjB",
            "XgwlPP7MXOsO",
            "EcCGCKT291DQ",
            "rg1TWyXrb9gr",
            "g/q\nibPirkV",
            "AjSHvkJmOEsw",
            "cA4saY74qcsl",
            "34GRuQBb3paB",
            "qlFw0srJqYt9",
            "LSD8EfT2l\nw",
            "dnS8RSjIsxIc",
            "Lcw/sPPXfLpg",
            "ebL+khOlXID1",
            "UF4sDRZYguE5",
            "UtY6IY1vi8Ey",
            "Kf9\nmRkLxqt",
            "yi9iZg0wteTR",
            "/rFS+gEZtJc0",
            "XYkCrJfT+Cww",
            "qI8WODskFiwH",
            "DyBAgoaaQ\n+",
            "auQp3AvuDU4F",
            "x2PDn1q++9EI",
            "AYPL0Qzj+HJE",
            "abY2M3m54FbO",
            "5p/YALpFCueD",
            "g9J\nptrOZzX",
            "BeU7NllPfutC",
            "59lqaotx7sHo",
            "66UX9Pcb5YRV",
            "gUiPhqL/r2CP",
            "tsFQ8jP4n\nB",
            "ns46Fiy45jeA",
            "yxblYtx65vxp",
            "jsQ6jLd56oVB",
            "SDlnhDtr8Hgu",
            "apOVLoSyB/1B",
            "uZo\nUql/7ZW",
            "eHm4dTxqbgPD",
            "pqnwaoel8ol2",
            "dxZw8afa33z2",
            "NHDYHWZu7Nzv",
            "IiwIrcNex\nU",
            "ScwEi7lIT9L2",
            "vl/9sM3da3mH",
            "47EX29jSjFdv",
            "bLB3eJk3K3fa",
            "36ON5SXoxOiw",
            "l3x\n1XPePEb",
            "Ka2M775/lol0",
            "oLY6ta9uRvOy",
            "iqlksDTojKw=",
            "=\n-----END ",
            "PRIVATE KEY-",
            "----"
        ),
        concat!(
            "-----BEGIN O",
            "PENSSH PRIVA",
            "TE KEY-----",
            "\nb3BlbnNzaC1",
            "rZXktdjEAAAA",
            "ABG5vbmUAAAA",
            "Ebm9uZTIdD17",
            "UExPZmP91wZV",
            "ZTVcTsOXnls",
            "\n7m1Q63Ix+Dl",
            "OnMwsEJ2sEll",
            "W/T9P+4lm90z",
            "4zJ9kSWDAyNh",
            "a92+1LhvckmS",
            "W4oTllSrQ4Q",
            "\n8RiQc4QtUc+",
            "uw7Vqui+wpzQ",
            "sD2XEKR/Jej1",
            "A/OVHpeNnG0O",
            "SN34467EoU+x",
            "Saq6q5qaiNq",
            "\n66IPQlAWjXj",
            "tvSf0tfw+STh",
            "Pk/G6orj1MTF",
            "3E7tJaOy5dP/",
            "leBKwzac8WIu",
            "QIAG+wkVlXo",
            "\nZdJ3ZuzBwMr",
            "mwE2GHzHXbey",
            "WckyNFS5+ZL7",
            "aD+CNLToIxzz",
            "PoGWXlsg1/IW",
            "B1kmaaJRZST",
            "\nMOQ9dosEwjK",
            "jlZ3BvAw/+as",
            "VSFFktqqmgeC",
            "mcUCx/W4N0Sw",
            "lvtW9y7c4HXw",
            "NJdCmi0MaeV",
            "\ndRe9LvBvHdm",
            "ar/5VqomQQG/",
            "f7PoThbVuqB1",
            "zkWg12Bjv8qJ",
            "gIq+8GlnwY7/",
            "AgoHPT/KJ2D",
            "\ntHZE/fUQvSo",
            "LSTlv0SHt/Si",
            "qinybOv4yLUM",
            "lk/7Kylm7SFO",
            "7SHhiuIoipj",
            "\n-----END OP",
            "ENSSH PRIVAT",
            "E KEY-----"
        ),
        concat!(
            "-----BEGIN P",
            "GP PRIVATE K",
            "EY BLOCK----",
            "-\n\nJ2gDkBo",
            "d662vj8gCx5+",
            "h/HyRgJ4hxsJ",
            "Jzc4O95rSK7e",
            "yEXr9PgzZn0o",
            "Ed3oejWup\nT",
            "mX0m7fiVwd6G",
            "/rU4fgbR8WU4",
            "25GVV+Uca1uJ",
            "n5HzO0E2DtP6",
            "m8Ngg2EzdPgn",
            "8zW\n9bNaLOc",
            "cV+KSNkKILXY",
            "ULxno2Z+Muiq",
            "94zXcQQ88USI",
            "9PsW2xBHa7mB",
            "kIwpB/pYn\n0",
            "PNXq4E5kr3hH",
            "MiEApypG9h4B",
            "r9CssHGsD5BV",
            "JZ5Po63h6Abe",
            "eaiFURSmNCp3",
            "BoM\nYY38HlK",
            "QsKHdt1+mmZ/",
            "jxCozq9+GeHp",
            "tyGMfxtMMOik",
            "T0RYNDbDJV2q",
            "uD/jbvR8p\nG",
            "IeE7JGzN72dw",
            "rW8bQ3RSdM8j",
            "rBH38v3GdURM",
            "xTU5PoqixaqF",
            "MRi5snvWwKFp",
            "NB5\nOOamATG",
            "Q9Vqi7AbxpXt",
            "Kx+7iaa7K0R+",
            "CMgDVadZa2aN",
            "lr7H3Y2yv3yn",
            "VSBu5eJjd\ny",
            "hwXYk8kJ6RIj",
            "5VlJpRkoDnrJ",
            "NFVQRq50cd+f",
            "songRKn9RBzo",
            "4lTkNEcgx3GD",
            "WgX\nAy6bQKT",
            "M2a1naAkqBmS",
            "cECbM0SqSJAQ",
            "N8TuJ23lBtYi",
            "jqCixFjer22T",
            "yrD1nKL9V\n4",
            "4rFtdqkbdPqJ",
            "OEfVkM5oO/m+",
            "DVFttd645O9B",
            "BwRLdIi3SCw0",
            "5K0XERGdZ8LL",
            "LGj\nWFlPRzL",
            "YANJ3sewF4xi",
            "VMMRhYxc=\n=",
            "1S+/\n-----E",
            "ND PGP PRIVA",
            "TE KEY BLOCK",
            "-----"
        ),
        concat!(
            "KEY = \"-----BEGIN P",
            "RIVATE KEY--",
            "---\nMIICWAI",
            "BAI75DfxbrG/",
            "+lt46TpdrS2h",
            "5UztR0l8RJYf",
            "HxADKG3+KoLh",
            "aDP1clGIs\ne",
            "066xmdMNBkVP",
            "Ikp+n5yOhill",
            "a27DFjIYWQmu",
            "p4k2WYSV2VHZ",
            "WFCQlsQ8ZGuw",
            "IGn\n1pwyr/7",
            "krbnyNr61SJn",
            "comjUrqzsQwl",
            "ysCe+KLjH12y",
            "/S42/WBnSDcq",
            "D66351wQ7\nW",
            "C62g1qjWqs17",
            "z6mgQwTRQ2U5",
            "qVAY1ZOwVEdw",
            "h/IlsZqd098e",
            "drokxvuV3jCK",
            "OAp\nffpncRI",
            "QJb4SwoK60aG",
            "cDcRMwDG3F3h",
            "q3FNY1Uew1cV",
            "PGwU4mJvaa+Z",
            "8CKg61Z7y\nH",
            "SDjn61utTZED",
            "4OqLsR96D/Ct",
            "TBMFva37HEp4",
            "R/U5KzjSXInv",
            "hZsTu2W8dOm4",
            "qhV\nvdXGKzn",
            "L0Xkfoc7sXaY",
            "OQbSE3xxy8/2",
            "SEPQqwDoIS/p",
            "b0mvENtiZBLt",
            "U/bhipBzC\n/",
            "pv8V3D8lhb37",
            "AbuEWA8vF2ye",
            "HvcIJZjaLw/H",
            "/DYlHoRNVaqT",
            "/uJPMi18bonv",
            "Kbq\ntr6Vix8",
            "APlNXgnMv2Q8",
            "C9MBsQzPUyDr",
            "PFWKd5I6xpSi",
            "swwScrBWa35o",
            "9Q+ktMay+\nS",
            "2gjL1apFEKte",
            "InLibLorRer9",
            "JiHSXpgALNCO",
            "si/tZTjZSCN3",
            "i5bUzo2lSy8P",
            "/4V\nEiNx3mz",
            "7wFf8FQ+gy8l",
            "7CvfFSsawxCl",
            "GseYmCDW6l03",
            "siZOE7BmAdJ/",
            "iEUZVPGV0\nS",
            "5OnlAqlNUBNW",
            "nWaFA74aa5xM",
            "VL4YrPvfzOxu",
            "kzTHZOWFvspI",
            "9bmnnvUB0IAl",
            "jyt\nhKJdKC2",
            "vpKXnaA3SBBM",
            "P+OpwuT2uhkt",
            "j2ULB30zGLA=",
            "=\n-----END ",
            "PRIVATE KEY-",
            "----\""
        ),
    ],
    negatives: &[
        "-----BEGIN PRIVATE KEY-----\n<paste the key here>\n-----END PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nThisIsJustAWordNotAKeyAtAllWrittenForTheDocumentation\n-----END OPENSSH PRIVATE KEY-----",
        concat!(
            "-----BEGIN CERTIFICATE-----\nD6crsh2d6OQm",
            "79+o36JkKV+0",
            "gHtNRu/d4j1/",
            "PMhDnz1inu9Z",
            "4MGyAKE/bsdV",
            "2IfEUs0hoKj9",
            "c1HNSssiiPEu",
            "Xt0UrCM0ea6g",
            "K8HTJ+WF0GzP",
            "C5riPgUk0q+y",
            "E6uAMNABFiOg",
            "cO16WeN4xr2A",
            "YvClcRr9qcRF",
            "lMNCSigV44lG",
            "S/GRn8gOvXr7",
            "Ci6m38CvN8HO",
            "CUItqFNG\n-----END CERTIFICATE-----"
        ),
        concat!(
            "-----BEGIN RSA PRIVATE KEY-----\nUIX8pLcraot0",
            "5NkFEolVhnH/",
            "zocbrk6Iit6y",
            "2ytiICPdIyMF",
            "B9ATDSAann+B",
            "wYC0\nn38gkp+fAfvF",
            "06eS8E9fHSTp",
            "aJZLpkmfcAKY",
            "XI+JuLOqCFX0",
            "oLJGnDJcyPC1",
            "Vymj\nQviVlqkT4cst",
            "4lbzwM6I6x89",
            "QYHXRRHBUAyU",
            "v8gePaJ08Dnp",
            "U0dMTfqUoYdW",
            "yFft\n-----END RSA PRIVATE KEY-----"
        ),
    ],
    ..BASE
};

/// A PuTTY private key file (`PuTTY-User-Key-File-2/3`).
fn putty_key(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    let buf = sink.buf;
    if !sink.first_visit(det.id, hit) {
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
    sink.push(Candidate {
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

pub static PUTTY_KEY: Detector = Detector {
    id: "putty-private-key",
    kind: "private-key",
    family: Family::PrivateKey,
    title: "PuTTY private key",
    keywords: &["putty-user-key-file-"],
    matcher: Matcher::Custom(putty_key),
    priority: 3,
    positives: &[concat!(
        "PuTTY-User-K",
        "ey-File-3: s",
        "sh-rsa\nEncr",
        "yption: none",
        "\nComment: d",
        "eploy\nPubli",
        "c-Lines: 5\n",
        "AAAAB3NzaC1y",
        "c2EUJptuiSRI",
        "dTIkxsgOAbNj",
        "KdukBjfdDVuY",
        "IxXnCPNviqfC",
        "HtAp\nfXAS6I",
        "j5V9gxBa9q4l",
        "R8EnKLcqt5jZ",
        "ot5vdSP98W4G",
        "Yp7fDg31KIQC",
        "xQ9AVmoSFw\n",
        "uWpCRwRfU0iC",
        "NTI5KViwo41c",
        "L4j2e+SsHOwS",
        "cGxMATc8gVVc",
        "P1OikPgte5Sq",
        "job9\nOE6ghl",
        "sdtHA0wQnWhC",
        "h0sJDkcoev8D",
        "gyg4Jz9ao4wj",
        "8rg5TVyD9axB",
        "j1XKbI7sJC\n",
        "Klt0zuesd4Hk",
        "1o2v0vtUb3ux",
        "2Q==\nPrivat",
        "e-Lines: 7\n",
        "jt4udh2zXl7u",
        "JvRi5YuncIDC",
        "Cwe14ogPeIFg",
        "/TyexbZFD1nu",
        "6x1CWT4Q0Dse",
        "wG6x\nYevSBs",
        "9g0Q4zRc6sdr",
        "d2/FR64vu+47",
        "cIEYooVUW3ar",
        "kaQ+vT/sQkuO",
        "aUokwEDIn2\n",
        "aRI71D1vXdEF",
        "+naPUgv+rzN1",
        "FKxQpVIvcUEO",
        "IKVJZ6B7+tVw",
        "SRtqZ47Wnsai",
        "yUHN\nEFjzE9",
        "dsDWFEfOLoVo",
        "d2vri/ID6jw0",
        "/MRx8PlmJhqt",
        "3povfekut+Z+",
        "3wR4dGFQFY\n",
        "zYD0z02YQ3sk",
        "wofQcjq1mAqY",
        "ejc69tJvRnwV",
        "W4PxrSriZia+",
        "gQbP0lPRGswb",
        "F9MP\n1vxDYM",
        "+EWJXukI50Ph",
        "61pzdE4viaQ+",
        "CWyxOObTEmrO",
        "/EXMLNWJiG9O",
        "mBSacSvGac\n",
        "yNgvz99tiAzn",
        "HHaH\nPrivat",
        "e-MAC: 7b6c2",
        "9163d00d68df",
        "6db75d0c3f7e",
        "b9340051e467",
        "ab4a36ee0987",
        "b3544242b30"
    )],
    negatives: &[
        "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: docs\nPublic-Lines: 1\nAAAA\nPrivate-Lines: 1\n<private>\nPrivate-MAC: 00",
    ],
    ..BASE
};

pub static AGE_KEY: Detector = Detector {
    id: "age-secret-key",
    kind: "private-key",
    family: Family::PrivateKey,
    title: "age encryption secret key",
    keywords: &["AGE-SECRET-KEY-1"],
    pattern: r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
    prefix: "AGE-SECRET-KEY-1",
    positives: &[concat!(
        "# created: 2025-01-01\nAGE-SECRET-K",
        "EY-1UT36V2VU",
        "EG7X80SERNCM",
        "TSGPLZ4AE2GF",
        "5MWWKLXJ0D3N",
        "RTU9AMG5Y9GX",
        "0W"
    )],
    negatives: &["AGE-SECRET-KEY-1..."],
    ..BASE
};

/// JWTs: a JSON header with `alg`, a JSON payload; unsigned tokens, public anon keys
/// and the well-known documentation example are not credentials.
fn jwt(token: &str, _: &Site<'_>) -> Verdict {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return Verdict::Reject;
    };
    let Some(header) = shape::b64_json(h.as_bytes()) else {
        return Verdict::Reject;
    };
    let Some(payload) = shape::b64_json(p.as_bytes()) else {
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
    credential_names::words(name)
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
fn expired_long_ago(exp: f64, now: f64) -> bool {
    exp.is_finite() && exp > 0.0 && exp + EXPIRED_GRACE_DAYS * 86400.0 < now
}

/// `YYYY-MM-DD` of a Unix time (proleptic Gregorian, UTC).
fn civil_date(secs: i64) -> String {
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

pub static JWT: Detector = Detector {
    id: "jwt",
    kind: "jwt",
    family: Family::Token,
    title: "JSON Web Token",
    keywords: &["eyJ"],
    pattern: r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}",
    prefix: "eyJ",
    boundary: Boundary::Base64,
    min_entropy: 3.5,
    check: Some(jwt),
    // Kubernetes service-account and OIDC ID tokens run to several kilobytes.
    reach: 16384,
    default_confidence: Confidence::Medium,
    positives: &[
        concat!(
            "Authorization: Bearer eyJhbGciOiJI",
            "UzI1NiIsInR5",
            "cCI6IkpXVCJ9",
            ".eyJpc3MiOiJ",
            "odHRwczovL2F",
            "1dGguYWNtZS1",
            "tbC5pbyIsInN",
            "1YiI6InN2Yy1",
            "pYXU1YjB6aiI",
            "sImF1ZCI6Iml",
            "uZmVyZW5jZSI",
            "sImV4cCI6MTg",
            "5MzQ1NjAwMCw",
            "iaWF0IjoxNzM",
            "1Njg5NjAwfQ.",
            "hH47LFT6Znhi",
            "a33nBei3P85C",
            "rBgiev45Go_v",
            "-rRWLim"
        ),
        concat!(
            "SUPABASE_SERVICE_ROLE_KEY=eyJhbGciOiJI",
            "UzI1NiIsInR5",
            "cCI6IkpXVCJ9",
            ".eyJpc3MiOiJ",
            "zdXBhYmFzZSI",
            "sInJlZiI6IjJ",
            "iYnJleWhscjd",
            "pa2ZobHI3c2F",
            "mIiwicm9sZSI",
            "6InNlcnZpY2V",
            "fcm9sZSIsIml",
            "hdCI6MTczNTY",
            "4OTYwMCwiZXh",
            "wIjoxODkzNDU",
            "2MDAwfQ.99NE",
            "ec7c6jymIZNf",
            "6YTtburAhYX4",
            "9WqoMcB5K5PB",
            "s2s"
        ),
    ],
    negatives: &[
        concat!(
            "SUPABASE_ANON_KEY=eyJhbGciOiJI",
            "UzI1NiIsInR5",
            "cCI6IkpXVCJ9",
            ".eyJpc3MiOiJ",
            "zdXBhYmFzZSI",
            "sInJlZiI6InZ",
            "4bnZhY3JzcjR",
            "0cDd2eWZvdnE",
            "yIiwicm9sZSI",
            "6ImFub24iLCJ",
            "pYXQiOjE3MzU",
            "2ODk2MDAsImV",
            "4cCI6MTg5MzQ",
            "1NjAwMH0.t-8",
            "_GxDNsuTg4pP",
            "UlqRTSXAOi2E",
            "gJghp4LKy6fy",
            "qyvD"
        ),
        "token = \"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\"",
        // Signed data, not a credential: the payload names no one and grants nothing.
        concat!(
            "Authorization: Basic eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.",
            "eyJzY29yZSI6MC40MiwibGFiZWwiOiJvayJ9.",
            "sckWi_5sqLbrWq55KxU55OCifijiIPgKNca7khabMSA"
        ),
    ],
    ..BASE
};

/// A PEM private key wrapped in base64 (a Kubernetes secret's `data`, a CI variable):
/// decoded, and accepted only when the decoded block is a well-formed private key.
fn pem_base64(token: &str, _: &Site<'_>) -> Verdict {
    let Some(decoded) = text::base64_decode(token.as_bytes()) else {
        return Verdict::Reject;
    };
    let Some(label_end) = decoded
        .get(11..)
        .and_then(|rest| memchr::memmem::find(rest, b"-----"))
        .map(|p| 11 + p)
    else {
        return Verdict::Reject;
    };
    let Ok(label) = std::str::from_utf8(&decoded[11..label_end]) else {
        return Verdict::Reject;
    };
    if !label.contains("PRIVATE KEY") {
        return Verdict::Reject;
    }
    let body_start = label_end + 5;
    let footer = format!("-----END {label}-----");
    let Some(body_len) = decoded
        .get(body_start..)
        .and_then(|rest| memchr::memmem::find(rest, footer.as_bytes()))
    else {
        return Verdict::Reject;
    };
    match check_pem_body(label, &decoded[body_start..body_start + body_len]) {
        Some(key) => {
            let v = Verdict::high()
                .with("key_type", key.key_type)
                .with("encoding", "base64");
            if key.encrypted {
                v.with("encrypted", true)
            } else {
                v
            }
        }
        None => Verdict::Reject,
    }
}

pub static PEM_BASE64: Detector = Detector {
    id: "private-key-base64",
    kind: "private-key",
    family: Family::PrivateKey,
    title: "Private key (base64-encoded PEM)",
    // `-----BEGIN ` in base64, at the start of a value.
    keywords: &["LS0tLS1CRUdJTi"],
    pattern: r"LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,65536}={0,2}",
    display: "LS0tLS1CRUdJTi",
    boundary: Boundary::Base64,
    check: Some(pem_base64),
    reach: 70000,
    priority: 4,
    binary: false,
    // The `private-key` sample above, base64-encoded.
    positives: &[concat!(
        "PRIVATE_KEY_B64: ",
        "LS0tLS1CRUdJ",
        "TiBSU0EgUFJJ",
        "VkFURSBLRVkt",
        "LS0tLQpNSUlD",
        "V0FJQkFFOTVp",
        "Y1lZRVFsTDE1",
        "QWJjRGpuTlBB",
        "T3h1TzJSZzJz",
        "NnhrTUIvWmtp",
        "dlhob1dLVG9x",
        "a0hDSmpYCkls",
        "VlAxWTRHVGNC",
        "aXBFWm85NkVt",
        "VTZlaUo2Mmxw",
        "Mk9LQzhhS1dO",
        "K1NsVmlqNTVP",
        "bnJiM0Y5MjVr",
        "ZDR2bWNaeHIK",
        "RlBnVSs1Mkdw",
        "YW4wcmNCWm5P",
        "R0NqZWM5R295",
        "UnlMcFNiajZs",
        "b0ZFVGdFMEZR",
        "WkFycHlLNTgw",
        "eTdrb1YrVEJt",
        "QgpHbXNKQWRw",
        "MUk2OEEvYVZk",
        "TXZGcVZaUnor",
        "T1hMSnJja05D",
        "dnV3NS9GYmxM",
        "NlhxbUlPWlVn",
        "LzVrdyt6bXVy",
        "azVlCi9MTWNS",
        "VEJUcXNNakdJ",
        "cVZxSnZia2pL",
        "QkV1Z2t2Q3pm",
        "YkZlNTFvNS9E",
        "U0VVZ1NTdUNU",
        "WDBiL0lKV2g4",
        "Qis3OE4KSUky",
        "b253WEViOFJi",
        "N3VwckdWRmVM",
        "aXMvekhhdEtM",
        "NTFNMS9KMktZ",
        "K1BLVEFlaEo3",
        "eDBnQWdWMUda",
        "YjJxR0s4OQp5",
        "aEJCQ3ZLT3dS",
        "d2RqS2VTdzUy",
        "ZWxIWEk2c3JO",
        "d1loZXk3SGJC",
        "VHc1RUg1OXlj",
        "d2JlZzMvSVFB",
        "dVlHVnQweWpK",
        "CkZoUmlJOXRt",
        "MGNiaEN3NTg2",
        "YnVQajZ1NUtN",
        "VmNkY0Q0Rnd2",
        "b0NBZTIwZlo3",
        "Z09mdUJ6djRk",
        "MjFKM3Nnekx1",
        "OFIKSm5IN1hS",
        "TzNadUVOL256",
        "bzZpa0hXdEN0",
        "NWI1UDlMZHpt",
        "ckNwSm05aUp3",
        "TS9lb0VEQUo5",
        "RjlMU25IeHFn",
        "R0cyTwpNUk9E",
        "T21rUGxOUU84",
        "OSsweEc0eGEx",
        "OGZtUEJiS2ZM",
        "UHBWeUlPRlZG",
        "VkpWOW9pbzdD",
        "b0gwcTc4NGN1",
        "OUR0WlJQCk1p",
        "a29zejcrZXR3",
        "bFJuRGZyVWcz",
        "bGdKeXVybFNX",
        "VmluclBXWi9Q",
        "MU81LzFCL1px",
        "dUlML1hkK3dC",
        "dGZnTGVhNDAK",
        "eGNYZjQ1ckVy",
        "anJaeU9CamRS",
        "R0xIZXczSEd3",
        "eUl1aUtUM2x2",
        "Y2FEaE9QeFpw",
        "MEhBeWlRc3Nw",
        "WVpwUmZJQ3pM",
        "NwpYRUZXd0xr",
        "c28vWHpQeTYy",
        "dk8wTzJFUHhq",
        "b01aYW9IR0lG",
        "Vk4vOEZ2a2c9",
        "PQotLS0tLUVO",
        "RCBSU0EgUFJJ",
        "VkFURSBLRVkt",
        "LS0tLQ=="
    )],
    negatives: &[
        // `-----BEGIN CERTIFICATE-----` and a body: a certificate is public.
        concat!(
            "tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
            "Ck1JSUJJakFOQmdrcWhraUc5dzBCQVFFRkFBT0NBUThBTUlJQkNnS0NBUUVB",
            "Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K"
        ),
    ],
    ..BASE
};

/// Every key and token detector.
pub static ALL: &[&Detector] = &[&PEM_PRIVATE_KEY, &PUTTY_KEY, &AGE_KEY, &JWT, &PEM_BASE64];

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
}

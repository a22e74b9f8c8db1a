//! Cloud credentials: AWS key pairs (also what Bedrock is called with), Google Cloud
//! service-account keys and OAuth client secrets, Azure storage keys, SAS tokens and
//! app secrets, and a few other clouds with prefixed tokens.

use super::{ai, keys, shape};
use crate::assign;
use crate::credential_names::classify;
use crate::detector::{
    BASE, Boundary, Candidate, CandidateSink, Confidence, ContextRule, Detector, Family, Matcher,
    Site, Verdict,
};
use crate::noise;
use crate::text::{self, Classes};
use serde_json::Value;

const fn context(words: &'static [&'static str], lines: usize) -> Matcher {
    Matcher::Context(ContextRule { words, lines })
}

const AWS_ID_PREFIXES: &[&[u8]] = &[b"AKIA", b"ASIA", b"ABIA", b"ACCA"];

fn is_aws_id(id: &[u8]) -> bool {
    id.len() == 20
        && AWS_ID_PREFIXES.contains(&&id[..4])
        && id[4..]
            .iter()
            .all(|&b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

/// The AWS account an access key ID belongs to (decoded from the ID itself).
fn aws_account_id(id: &str) -> Option<String> {
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
fn aws_pair(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    let buf = sink.buf;
    if hit + 20 > buf.len() || !is_aws_id(&buf[hit..hit + 20]) {
        return;
    }
    if (hit > 0 && buf[hit - 1].is_ascii_alphanumeric())
        || buf.get(hit + 20).is_some_and(u8::is_ascii_alphanumeric)
        || !sink.first_visit(det.id, hit)
    {
        return;
    }
    let id = &buf[hit..hit + 20];
    if noise::is_placeholder(&id[4..])
        || text::entropy(&id[4..]) < 3.0
        || sink.marked(hit, hit + 20)
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
        if e - s == 40 && bounded && is_aws_secret(&buf[s..e]) && !sink.marked(s, e) {
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
            if let Some((_, _, v)) = assign::assignment_at(buf, ws + p) {
                extra.push((v.start, v.end));
            }
            break;
        }
    }
    let (ls, _) = text::line_bounds(buf, hit);
    sink.push(Candidate {
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

pub static AWS_ACCESS_KEY: Detector = Detector {
    id: "aws-access-key-pair",
    kind: "aws-access-key",
    family: Family::Cloud,
    title: "AWS access key (ID with its secret access key)",
    keywords: &["akia", "asia", "abia", "acca"],
    matcher: Matcher::Custom(aws_pair),
    prefix: "AKIA",
    priority: 4,
    binary: false,
    positives: &[
        concat!(
            "      AWS_ACCESS_KEY_ID: AKIA2IBYYURL7B6K",
            "J6HB\n      AWS_SECRET_ACCESS_KEY: QSXrPVed5Hjr",
            "AoVrtyzpnVs+",
            "i4K9gVVk9jKM",
            "w378\n      AWS_REGION: eu-central-1"
        ),
        concat!(
            "[training]\naws_access_key_id = ASIAO7OG422OPXNY",
            "FTDN\naws_secret_access_key = M2BD2ag2+b2t",
            "fU2AwO+c7vlO",
            "TDDXG7QacpvS",
            "oNa6\naws_session_token = 6CkiftMXRRJT",
            "JvMD4Xi0ZVY4",
            "zR9MOehzHnx2",
            "XgQC/Fq7zVQS",
            "p3cct/Nkebjm",
            "HW5K62RoJLQN",
            "fcRAp/C0yShH",
            "47LFT6Znhia3",
            "3nBei3P85CrB",
            "giev45Go+v/r"
        ),
        concat!(
            "AKIAILFRT4BBREYH",
            "LRIK,LPWikAK99NEe",
            "c7c6jymIZNf6",
            "YTtburAhYX49",
            "WqoM"
        ),
    ],
    negatives: &[
        "      AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE\n      AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        concat!(
            "id: AKIAABCDABCDABCDABCD\nkey: TFrXu91a0RSg",
            "7MS6Z8+TBQ2o",
            "WVRMFpZlLqsV",
            "wBAf"
        ),
        concat!(
            "aws_access_key_id = AKIAP4Z42VECG7R6",
            "KGKH\nregion = eu-west-1"
        ),
    ],
    ..BASE
};

/// A value of 40 base64 characters assigned to an AWS secret-key name, without its
/// key ID nearby.
fn aws_named_secret(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    let Some((name, name_start, v)) = assign::assignment_at(sink.buf, hit) else {
        return;
    };
    if classify(name).is_none() || !sink.first_visit(det.id, name_start) {
        return;
    }
    let name = name.to_string();
    let value = &sink.buf[v.start..v.end];
    if !is_aws_secret(value) || !sink.plausible(det, v.start, v.end) {
        return;
    }
    sink.push_simple(det, v.start, v.end, Some(name), Verdict::medium());
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

pub static AWS_SECRET_KEY: Detector = Detector {
    id: "aws-secret-access-key",
    kind: "aws-access-key",
    family: Family::Cloud,
    title: "AWS secret access key",
    keywords: &[
        "aws_secret",
        "secret_access_key",
        "secretaccesskey",
        "aws-secret",
        "awssecret",
    ],
    matcher: Matcher::Custom(aws_named_secret),
    priority: 2,
    binary: false,
    default_confidence: Confidence::Medium,
    positives: &[concat!(
        "AWS_SECRET_ACCESS_KEY=\"cB5K5PBs2sD6",
        "crsh2d6OQm79",
        "+o36JkKV+0gH",
        "tNRu\""
    )],
    negatives: &[
        "aws_secret_access_key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'",
        "aws_secret_key = 9876012345",
    ],
    ..BASE
};

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
fn gcp_service_account(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    let buf = sink.buf;
    let floor = hit.saturating_sub(4096);
    let Some(open) = buf[floor..hit]
        .iter()
        .rposition(|&b| b == b'{')
        .map(|p| floor + p)
    else {
        return;
    };
    if !sink.first_visit(det.id, open) {
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
    let Some(key) = keys::check_pem_body(label, &pk.as_bytes()[body_start..body_end]) else {
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
    sink.push(Candidate {
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

pub static GCP_SERVICE_ACCOUNT: Detector = Detector {
    id: "gcp-service-account-key",
    kind: "gcp-service-account",
    family: Family::Cloud,
    title: "Google Cloud service-account key",
    keywords: &["\"service_account\""],
    matcher: Matcher::Custom(gcp_service_account),
    priority: 4,
    binary: false,
    positives: &[concat!(
        "{\n  \"type",
        "\": \"service",
        "_account\",",
        "\n  \"project",
        "_id\": \"ml-",
        "prod-5o2r05",
        "\",\n  \"priv",
        "ate_key_id\"",
        ": \"33809cd8",
        "9bf6e31c021f",
        "6b75d2715bd8",
        "a28f7d13\",",
        "\n  \"private",
        "_key\": \"--",
        "---BEGIN PRI",
        "VATE KEY----",
        "-\\nMIIDhAIB",
        "AOxUoG7mE9v/",
        "EMKol0nGP+nm",
        "AZ0/160aiUTk",
        "YTVgnrlY0Mnn",
        "EEU8Y63z\\nu",
        "hfwx6k4BTXr1",
        "Qon31pvy8rYp",
        "djzi0/qkSazZ",
        "q2PJ6b+Ro+o4",
        "SlouIm+OEMLy",
        "IJW\\noS5cig",
        "lzrtlq+M/B/d",
        "EFGHj+F+Ju3m",
        "JXDijKSuYJSr",
        "CFOki3v7K296",
        "PjWDNAm4aU",
        "\\nXV8Lg4qt8B6",
        "NvZsWuTU1XOA",
        "PySTPjCi4rh4",
        "5eoIaRHT02jq",
        "BSyan19F/jEU",
        "J61fO\\nM/0K",
        "7JbDP6aCKLiv",
        "mcU92aI8Ae/Y",
        "Om5ImE9yucDX",
        "O5YBTkDJ1GeM",
        "OF6r9FFqIb9Y",
        "\\n4X8uOkNAJ",
        "6mgJatzD6eWI",
        "+Y5mv9CZJOi+",
        "jNQN+i1AYeQZ",
        "D7uUCs+QcJo+",
        "/KW52Q+\\nq4",
        "p8vs3g6h7uwe",
        "TaMZD/Ksf2Jb",
        "g0GvXpC1m9K+",
        "kT3mIDEm070+",
        "Yplk3894oxsI",
        "Ao\\nosbeN0E",
        "3TTizXeJpECk",
        "UyNjsX0vDo5j",
        "++KBk1u38Uww",
        "t0BbV4Y0ZTS8",
        "vqt982gEP\\n",
        "ckbWxwFOvClt",
        "2cmyK/IAM0Wc",
        "bbX799bPRchH",
        "ZExqiVzQPOtO",
        "MzPHdaIHAaR4",
        "hyCl\\n1EqTj",
        "xUeTA6Zfzq0P",
        "lybexYflvmmt",
        "JLj4P7rPMtMQ",
        "dnSMZV4IRbgZ",
        "g379IoyxlQD",
        "\\nq/u3zRFYKb",
        "wxxmapC65bEN",
        "UIr60sMFSRUk",
        "H6VNLuAm/YEG",
        "jqnYl8zGbkp3",
        "Q7jif+\\n/F6",
        "tB0I2Wl4RqG9",
        "HeHOl9pH/P9A",
        "3RShKZ3XQzW7",
        "aKezYtiICir8",
        "b/61mUAlmqOF",
        "Y\\nihlPSLM6",
        "EMDJo7fhfNhO",
        "uGzeIeVjkVhH",
        "SSoelVjnpbtx",
        "BiEG2cbUF+LA",
        "xgbSRNB6\\nD",
        "7lKfQjyIaotL",
        "7tZvHxhEODsA",
        "ChVM9A2X/UMP",
        "dBNQfGmSSoa3",
        "bP4ndsHhJcAh",
        "Jjz\\n/6Kuis",
        "GBi4ughAVXq1",
        "uGZjtPaAlVVx",
        "Bd5r0fogTT0v",
        "8ZZgIEzKSljv",
        "XcZAZ+hXeH",
        "\\nGm1em914QOK",
        "BU5MA2K75eIQ",
        "Bkyv/G8mYPzl",
        "N2umkiSlVFkJ",
        "QrOxuCAUSs72",
        "NzLbI\\nQdOY",
        "2xdZ9bWhUKbo",
        "+UXYKCd82ctj",
        "d4e08U9lYpKC",
        "iSOe+Ydr898K",
        "x9MZ2P71vFb8",
        "\\n5iM5HvMKW",
        "0Zz/YiuPeBtn",
        "c/mUbM1LKKVL",
        "dJ51eqacOezk",
        "BlW8Lm6XM+UF",
        "vuExA9/\\nVd",
        "GNWj4uthEsyA",
        "GyHFne1n2gCb",
        "EiVLg22h1dBW",
        "CAttf3GAaVl7",
        "VAF/TEBw==",
        "\\n-----END PR",
        "IVATE KEY---",
        "--\\n\",\n  ",
        "\"client_ema",
        "il\": \"trai",
        "ner@ml-prod-",
        "5o2r05.iam.g",
        "serviceaccou",
        "nt.com\",\n ",
        " \"client_id",
        "\": \"295544",
        "105285625016",
        "337\"\n}"
    )],
    negatives: &[
        "{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo\",\n  \"private_key\": \"<paste the key here>\"\n}",
    ],
    ..BASE
};

/// A base64-encoded service-account key file (a CI variable holding the JSON).
fn gcp_service_account_b64(token: &str, _: &Site<'_>) -> Verdict {
    let Some(m) = shape::b64_json(token.as_bytes()) else {
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
        || keys::check_pem_body("PRIVATE KEY", &pk.as_bytes()[body_start..e]).is_none()
    {
        return Verdict::Reject;
    }
    let mut v = Verdict::high().with("encoding", "base64");
    if let Some(p) = m.get("project_id").and_then(Value::as_str) {
        v = v.with("gcp_project_id", p.to_string());
    }
    v
}

pub static GCP_SERVICE_ACCOUNT_B64: Detector = Detector {
    id: "gcp-service-account-key-base64",
    reach: 16384,
    kind: "gcp-service-account",
    family: Family::Cloud,
    title: "Google Cloud service-account key (base64-encoded)",
    keywords: &[
        "eyJ0eXBlIjogInNlcnZpY2VfYWNjb3VudC",
        "ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudC",
        "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50",
    ],
    pattern: r"(?:eyJ0eXBlIjogInNlcnZpY2VfYWNjb3VudC|ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudC|eyJ0eXBlIjoic2VydmljZV9hY2NvdW50)[A-Za-z0-9+/]{100,12000}={0,2}",
    boundary: Boundary::Base64,
    min_entropy: 4.0,
    check: Some(gcp_service_account_b64),
    priority: 4,
    binary: false,
    positives: &[concat!(
        "GOOGLE_CREDENTIALS=eyJ0eXBlIjog",
        "InNlcnZpY2Vf",
        "YWNjb3VudCIs",
        "ICJwcm9qZWN0",
        "X2lkIjogInAt",
        "cWY0ZGplIiwg",
        "InByaXZhdGVf",
        "a2V5X2lkIjog",
        "ImY1MWQxYzMw",
        "ZWE4Mzg1OWRh",
        "ZmMxZWIwMzMw",
        "MDE4Mzg3M2Rl",
        "NTczZWMiLCAi",
        "cHJpdmF0ZV9r",
        "ZXkiOiAiLS0t",
        "LS1CRUdJTiBQ",
        "UklWQVRFIEtF",
        "WS0tLS0tXG5N",
        "SUlDdkFJQkFH",
        "TzJjTllVWWNS",
        "YkljdDFNWWls",
        "aFFoUTB0T3Jk",
        "NStqN09ZdWxq",
        "b0l6NndyME9z",
        "eFdYMWhXUGYr",
        "XG5yQ1JZSDNt",
        "U1UvMk1oRjd3",
        "NGVvMUFiSEk2",
        "NUlqYi9FK3Bz",
        "RjlBKzBNcW1R",
        "VmovZ3czNlgy",
        "d2Y0NG1uVks1",
        "QkxMXG5wNVl6",
        "TkZqUk1ONjQ4",
        "cE9vSkZJR2Zo",
        "dHVsTG5yTkJM",
        "OWRYUHV2RnZL",
        "TXQrR1RGUmZP",
        "eW9BWnY3aU5W",
        "NkI5cElMXG5h",
        "ekxVNXlVTEla",
        "WEp5eGloOFN4",
        "MmdkY2RaZzdD",
        "d2s4NUlDeXhT",
        "MThBODdPaE1w",
        "ZFQwajZUZWRH",
        "RGVxcUxnSFRG",
        "XG55S1pML3dp",
        "ZHc3V21ZZlRB",
        "QVNkU3J4cVhz",
        "TmtoQ296Ukc1",
        "cGxVby8zOGRs",
        "M1hnUUNJMUEw",
        "V3dBUllXK1p1",
        "SjlHXG4zRk5m",
        "N2tsWEFybmtV",
        "TllRYmtmNjlN",
        "Y1FlL2NDM3R4",
        "eG84aVFFTXdv",
        "QU5JVi91Q2h0",
        "ZDI5YmozWVl3",
        "TEhJRDFDXG5Y",
        "UjMxV09Ta2Yw",
        "Y0NyZXlZSUU5",
        "SlRSQTB4cGxo",
        "cEZnbHNxc1lG",
        "aFlPb3hocE11",
        "QlRRdjVFTVZT",
        "WEF6Tmh1M3li",
        "XG5LOEVCM1dh",
        "R0JaaVdoV2d6",
        "akc1MzB0QVow",
        "emtZSll6b3lu",
        "M0xidGlUK0c0",
        "MlIvTGhEYkFl",
        "VmJoVTRzWGN0",
        "dmdNXG5YNW4w",
        "SkkwWXI1a3Fp",
        "RkFWdjYyZlRp",
        "MkpiSG04V0t1",
        "c1owY3RlSkYv",
        "RzV2bk1QbFlw",
        "ZGNua2RKRmgx",
        "WUxEMTNQXG5k",
        "QllFa0JHVXEx",
        "TlMwdFZVeVU0",
        "dmVkN1k1MlNB",
        "cHBYd2dNK2Fu",
        "T2UwcTJhVUx6",
        "c1ZzVTU1Uno0",
        "TENsSTdYbkZH",
        "XG5oOGZ1dWNj",
        "MDFmeEcvMzVk",
        "eG9MYWZEK1E1",
        "WHFCdEs5TTlO",
        "bDZxeXd5QkZF",
        "RXg5dklGLzds",
        "ZUhRTmR0Njlk",
        "QlVLXG4vMXBP",
        "YkRjWVI5ZkhE",
        "S0ZZVi8rYnhE",
        "K1Y2ZVVLUXVk",
        "ZmNmdTAvNVBX",
        "QnMvTTFHOG1a",
        "ajkxYmFOekw4",
        "aDJFVjVhXG5X",
        "Rk96YStQNHVn",
        "UWVXZ050c1JX",
        "STNXd216VHhj",
        "L3YwWUdycjdI",
        "aXhoa3FRQ21T",
        "MjBWcGJhSWc4",
        "UzBCSGlTZ1JY",
        "XG5VQ1N4WGxX",
        "VzFUSTZTNDlR",
        "SHpDdVNlMi9j",
        "bEkyVDdoQmtV",
        "TVBTVWxsckM1",
        "R1Bkd3hoS0My",
        "VHd6RHgxV0lh",
        "MUNaXG5zMVor",
        "aGFUZHU0TW0w",
        "cEwwSDl5L1Q4",
        "WnlnZ1oydUlB",
        "Q0hSYStrR2kw",
        "ZmNqZ2tGRT1c",
        "bi0tLS0tRU5E",
        "IFBSSVZBVEUg",
        "S0VZLS0tLS1c",
        "biIsICJjbGll",
        "bnRfZW1haWwi",
        "OiAic2FAcC5p",
        "YW0uZ3NlcnZp",
        "Y2VhY2NvdW50",
        "LmNvbSJ9"
    )],
    negatives: &[concat!(
        "GOOGLE_CREDENTIALS=dGhlIHF1aWNr",
        "IGJyb3duIGZv",
        "eCBqdW1wcyBv",
        "dmVyIHRoZSBs",
        "YXp5IGRvZyBh",
        "Z2Fpbg=="
    )],
    ..BASE
};

pub static GCP_OAUTH_SECRET: Detector = Detector {
    id: "gcp-oauth-client-secret",
    kind: "gcp-oauth-client-secret",
    family: Family::Cloud,
    title: "Google OAuth client secret",
    keywords: &["GOCSPX-"],
    pattern: r"GOCSPX-[A-Za-z0-9_-]{28}",
    prefix: "GOCSPX-",
    positives: &[concat!(
        "\"client_secret\": \"GOCSPX-r2AYvClcRr9q",
        "cRFlMNCSigV4",
        "4lGS\""
    )],
    negatives: &["\"client_secret\": \"GOCSPX-<secret>\""],
    ..BASE
};

pub static AZURE_STORAGE_KEY: Detector = Detector {
    id: "azure-storage-account-key",
    display: "AccountKey=",
    kind: "azure-storage-key",
    family: Family::Cloud,
    title: "Azure storage account key",
    keywords: &["AccountKey=", "accountkey="],
    pattern: r"(?i:AccountKey)=([A-Za-z0-9+/]{86}==)",
    boundary: Boundary::Base64,
    positives: &[concat!(
        "AZURE_STORAGE_CONNECTION_STRING=\"DefaultEndpointsProtocol=https;AccountName=mlartifacts;AccountKey=ann+BwYC0n38",
        "gkp+fAfvF06e",
        "S8E9fHSTpaJZ",
        "LpkmfcAKYXI+",
        "JuLOqCFX0oLJ",
        "GnDJcyPC1Vym",
        "jQviVlqkT4cs",
        "t4==;EndpointSuffix=core.windows.net\""
    )],
    negatives: &[
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;",
    ],
    ..BASE
};

pub static AZURE_SHARED_ACCESS_KEY: Detector = Detector {
    id: "azure-shared-access-key",
    display: "SharedAccessKey=",
    kind: "azure-shared-access-key",
    family: Family::Cloud,
    title: "Azure Service Bus / Event Hubs shared access key",
    keywords: &["SharedAccessKey="],
    pattern: r"(?i:SharedAccessKey)=([A-Za-z0-9+/]{43}=)",
    boundary: Boundary::Base64,
    positives: &[concat!(
        "Endpoint=sb://ml-events.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=lbzwM6I6x89Q",
        "YHXRRHBUAyUv",
        "8gePaJ08DnpU",
        "0dMTfqU="
    )],
    negatives: &[
        "Endpoint=sb://ml-events.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=<key>",
    ],
    ..BASE
};

pub static AZURE_SAS: Detector = Detector {
    id: "azure-sas-token",
    display: "sig=",
    kind: "azure-sas-token",
    family: Family::Cloud,
    title: "Azure shared access signature (SAS) token",
    keywords: &["sig="],
    pattern: r"[?&]s[vpe]=[^&\s]{1,40}&(?:[a-z]{2,6}=[^&\s]{0,80}&)*sig=([A-Za-z0-9%+/]{40,120}(?:%3D|%3d|=){0,2})",
    boundary: Boundary::None,
    positives: &[concat!(
        "blob_url = \"https://mldata.blob.core.windows.net/train/data.parquet?sv=2022-11-02&ss=b&srt=o&sp=rl&se=2030-01-01T00:00:00Z&spr=https&sig=oYdWyFftrvbq",
        "AEikj8nfrxLc",
        "qh5t/8+GxDNs",
        "uTg4pPU%3D\""
    )],
    negatives: &[
        "url = \"https://mldata.blob.core.windows.net/train?sv=2022-11-02&sp=r&sig=<signature>\"",
    ],
    ..BASE
};

pub static AZURE_CLIENT_SECRET: Detector = Detector {
    id: "azure-ad-client-secret",
    kind: "azure-client-secret",
    family: Family::Cloud,
    title: "Microsoft Entra ID (Azure AD) client secret",
    keywords: &["Q~"],
    pattern: r"[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
    boundary: Boundary::Token,
    positives: &[concat!(
        "AZURE_CLIENT_SECRET=SVI8Q~mJJLiAsHRbt9",
        "CpQExrw1QpQU",
        "o11cw7ptjF"
    )],
    negatives: &["AZURE_CLIENT_SECRET=<client-secret>"],
    ..BASE
};

pub static DIGITALOCEAN: Detector = Detector {
    id: "digitalocean-token",
    kind: "digitalocean",
    family: Family::Cloud,
    title: "DigitalOcean token",
    keywords: &["dop_v1_", "doo_v1_", "dor_v1_"],
    pattern: r"do[por]_v1_[a-f0-9]{64}",
    prefix: "dop_v1_",
    positives: &[concat!(
        "DIGITALOCEAN_TOKEN=dop_v1_2ce7cacb013b",
        "22d5f6388268",
        "acb850c813fd",
        "521dd77cdcf0",
        "2347c1f59ff4",
        "7904"
    )],
    negatives: &["DIGITALOCEAN_TOKEN=dop_v1_..."],
    ..BASE
};

pub static HEROKU: Detector = Detector {
    id: "heroku-api-key",
    kind: "heroku",
    family: Family::Cloud,
    title: "Heroku API key",
    keywords: &["HRKU-"],
    pattern: r"HRKU-AA[A-Za-z0-9_-]{58}",
    prefix: "HRKU-AA",
    positives: &[concat!(
        "HEROKU_API_KEY=HRKU-AAW3yGxrfPH5ST",
        "32cBM0sMLgD5",
        "Wm9cLLTnMdRH",
        "6Zm5yWw_Q_nY",
        "w3zNCi4o3n"
    )],
    negatives: &["HEROKU_API_KEY=HRKU-<key>"],
    ..BASE
};

pub static ALIBABA: Detector = Detector {
    id: "alibaba-access-key-pair",
    display: "LTAI",
    kind: "alibaba-access-key",
    family: Family::Cloud,
    title: "Alibaba Cloud AccessKey secret",
    keywords: &["LTAI"],
    pattern: r"LTAI[A-Za-z0-9]{20}[^\n]{0,200}?(?i:secret)[^\n]{0,40}?[=:]\s*['\x22]?([A-Za-z0-9]{30})(?-u:\b)",
    boundary: Boundary::None,
    check: Some(shape::mixed),
    positives: &[concat!(
        "access_key_id='LTAIAQa0YLY77k4O",
        "1aLafBN3', access_key_secret='1G16H1ksrTMe",
        "ErG8mvmuncBN",
        "GqL3NO'"
    )],
    negatives: &[concat!("access_key_id='LTAI6hSeJ2T2zCCU", "L7lF5hxb'")],
    ..BASE
};

/// Words of a Firebase app configuration (web `firebaseConfig`, Android
/// `google-services.json`): its API key identifies the project and is shipped in every
/// client; it is not a secret.
const FIREBASE_WORDS: &[&[u8]] = &[
    b"firebase",
    b"authdomain",
    b"messagingsenderid",
    b"storagebucket",
    b"\"current_key\"",
];

/// `AIza` keys away from Gemini: a Google API key of another service, or the public
/// key of a Firebase app configuration.
fn google_api_key(_: &str, site: &Site<'_>) -> Verdict {
    if ai::near_gemini(site) {
        return Verdict::Reject; // `ai::GEMINI_API_KEY`
    }
    let around = text::lower(site.around(6));
    if FIREBASE_WORDS
        .iter()
        .any(|w| memchr::memmem::find(&around, w).is_some())
    {
        return Verdict::medium()
            .with("service", "firebase")
            .with("max_severity", "low")
            .with(
                "note",
                "a Firebase app configuration's API key identifies the project and ships in \
                 every client; check its API restrictions rather than rotating it",
            );
    }
    // What it opens depends on the APIs the key is restricted to.
    Verdict::high()
        .with("service", "google-api")
        .with("max_severity", "high")
}

pub static GOOGLE_API_KEY: Detector = Detector {
    id: "google-api-key",
    kind: "google-api-key",
    family: Family::Cloud,
    title: "Google API key",
    keywords: &["AIza"],
    pattern: r"AIza[0-9A-Za-z_-]{35}",
    prefix: "AIza",
    check: Some(google_api_key),
    positives: &[
        concat!(
            "GOOGLE_MAPS_API_KEY=AIzaVkd4w97WFJf4",
            "yHrCkkLBUVcR",
            "q0YDzpgMAj9"
        ),
        // A Firebase web configuration: reported, at low severity.
        concat!(
            "const firebaseConfig = {\n  apiKey: \"AIzaxTVexuvScujQ",
            "eM-hhu04UMgP",
            "JWyRWYomlID\",\n  authDomain: \"demo-app.firebaseapp.com\",\n};"
        ),
    ],
    negatives: &[
        "GOOGLE_API_KEY=AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        // Beside Gemini it is a Gemini key (`gemini-api-key`).
        concat!(
            "GEMINI_API_KEY: AIzaVkd4w97WFJf4",
            "yHrCkkLBUVcR",
            "q0YDzpgMAj9"
        ),
    ],
    ..BASE
};

/// Google OAuth refresh tokens: `1//0` and about a hundred token characters, also
/// URL-encoded (`1%2F%2F0…`) in a recorded form body.
fn google_refresh(token: &str, _: &Site<'_>) -> Verdict {
    let c = Classes::of(token.as_bytes());
    if !(c.digit && c.lower && c.upper) {
        return Verdict::Reject;
    }
    let v = Verdict::high()
        .with("token_type", "oauth-refresh-token")
        .with("max_severity", "high");
    if token.contains('%') {
        v.with("encoding", "url")
    } else {
        v
    }
}

pub static GOOGLE_OAUTH_REFRESH: Detector = Detector {
    id: "google-oauth-refresh-token",
    kind: "google-oauth-token",
    family: Family::Cloud,
    title: "Google OAuth refresh token",
    keywords: &["1//0", "1%2F%2F0", "1%2f%2f0"],
    pattern: r"1(?://|%2[Ff]%2[Ff])0[A-Za-z0-9_-]{40,512}",
    prefix: "1//0",
    min_entropy: 3.5,
    check: Some(google_refresh),
    binary: false,
    positives: &[
        concat!(
            "{\"refresh_token\": \"1//0gKx7Vq2mZ",
            "pT4rW9cN1bH6-LfQ8yJ3sD5eA0uXk",
            "GiRtYuIoPmNbVcXzAsDfGhJkL\"}"
        ),
        concat!(
            "body: grant_type=refresh_token&client_id=fake.apps.example&refresh_token=1%2F%2F0",
            "4Tq9LmZ2vX8kR5wN1cB7hJ3",
            "yD6fGaQ0sPeUiOtYrWxKz&scope=openid"
        ),
    ],
    negatives: &[
        "refresh_token: 1//0XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "see https://example.com/1//0/docs for the path",
        "ratio = 1//0",
    ],
    ..BASE
};

/// Access tokens expire within the hour: a committed one is most likely dead.
fn google_access(token: &str, site: &Site<'_>) -> Verdict {
    match shape::mixed(token, site) {
        Verdict::Reject => Verdict::Reject,
        _ => Verdict::high()
            .with("token_type", "oauth-access-token")
            .with("lifetime", "1 hour")
            .with("max_severity", "medium"),
    }
}

pub static GOOGLE_OAUTH_ACCESS: Detector = Detector {
    id: "google-oauth-access-token",
    kind: "google-oauth-token",
    family: Family::Cloud,
    title: "Google OAuth access token",
    keywords: &["ya29."],
    pattern: r"ya29\.[A-Za-z0-9_-]{30,2048}",
    prefix: "ya29.",
    min_entropy: 3.5,
    check: Some(google_access),
    reach: 2200,
    binary: false,
    positives: &[concat!(
        "Authorization: Bearer ya29.a0AfB_byC4kQ",
        "9vLm2TzX7rW1nP5dH8jS3gF6yK0",
        "eU-Qw7Ry2Ui9Op4As6Df1Gh3Jk"
    )],
    negatives: &[
        "GOOGLE_ACCESS_TOKEN=ya29.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "token = \"ya29.<access-token>\"",
    ],
    ..BASE
};

const HEROKU_WORDS: &[&str] = &["heroku"];

pub static HEROKU_LEGACY: Detector = Detector {
    id: "heroku-legacy-api-key",
    kind: "heroku",
    family: Family::Cloud,
    title: "Heroku API key",
    keywords: HEROKU_WORDS,
    pattern: r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    matcher: context(HEROKU_WORDS, 3),
    check: Some(shape::named_mixed),
    priority: 2,
    binary: false,
    positives: &[concat!(
        "HEROKU_API_KEY=\"4e1c7a9f-2b8d-",
        "4f63-9a0e-5d7b2c8f1e46\""
    )],
    negatives: &[
        concat!("HEROKU_APP_ID=\"4e1c7a9f-2b8d-", "4f63-9a0e-5d7b2c8f1e46\""),
        "HEROKU_API_KEY=\"00000000-0000-0000-0000-000000000000\"",
    ],
    ..BASE
};

const ATLAS_WORDS: &[&str] = &["atlas", "mongodb"];

/// An Atlas API key pair is a public key (a short name) and a UUID private key; only
/// the private one is a secret, and only a name that says private, secret or key
/// claims a UUID (project and organisation IDs are UUIDs too).
fn atlas_private(token: &str, site: &Site<'_>) -> Verdict {
    let line = text::lower(site.line());
    let named = [&b"private"[..], b"secret", b"api_key", b"apikey"]
        .iter()
        .any(|w| memchr::memmem::find(&line, w).is_some());
    if named {
        shape::named_mixed(token, site)
    } else {
        Verdict::Reject
    }
}

pub static MONGODB_ATLAS_KEY: Detector = Detector {
    id: "mongodb-atlas-private-key",
    kind: "mongodb-atlas",
    family: Family::Cloud,
    title: "MongoDB Atlas API private key",
    keywords: ATLAS_WORDS,
    pattern: r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    matcher: context(ATLAS_WORDS, 3),
    check: Some(atlas_private),
    priority: 2,
    binary: false,
    positives: &[concat!(
        "MONGODB_ATLAS_PUBLIC_KEY=qwkdrtzp\nMONGODB_ATLAS_PRIVATE_KEY=7c2e9b41-5d8a-",
        "4e3f-b16c-0a9d8e7f6c5b"
    )],
    negatives: &[
        concat!(
            "MONGODB_ATLAS_PROJECT_ID=7c2e9b41-5d8a-",
            "4e3f-b16c-0a9d8e7f6c5b"
        ),
        concat!("atlas_org_id: \"7c2e9b41-5d8a-", "4e3f-b16c-0a9d8e7f6c5b\""),
    ],
    ..BASE
};

/// Fly.io tokens: `FlyV1 fm1…`/`fm2_…` macaroons and `fo1_` organisation tokens.
pub static FLY_IO: Detector = Detector {
    id: "flyio-token",
    kind: "flyio",
    family: Family::Cloud,
    title: "Fly.io access token",
    keywords: &["FlyV1 fm", "fo1_"],
    pattern: r"(?:FlyV1 fm[12][ar]?_[A-Za-z0-9+/]{100,1500}={0,2}|fo1_[A-Za-z0-9_-]{43})",
    prefix: "FlyV1 fm",
    check: Some(fly_token),
    reach: 1600,
    boundary: Boundary::Base64,
    positives: &[
        concat!(
            "FLY_API_TOKEN=fo1_Vq7Lm2Rk9Tz4Wx",
            "Pc8Nb1Hd5Jf0Xs7Gy2Tu9Ea4Qo3Iw"
        ),
        concat!(
            "FLY_API_TOKEN=\"FlyV1 fm2_lJPE7qKx2Vq9mZpT4rW9cN1bH6",
            "LfQ8yJ3sD5eA0uXkGiRtYuIoPmNbVcXzAsDfGhJkL",
            "q8Wn3Rt6Yp1Ls4Kd7Fg0Hj2Zx5Cv9Bm3Nq6Wr8Ty1Ui4\""
        ),
    ],
    negatives: &["FLY_API_TOKEN=fo1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ..BASE
};

/// A deploy token opens the organisation's apps, but not as the cloud account does.
fn fly_token(token: &str, site: &Site<'_>) -> Verdict {
    match shape::mixed(token, site) {
        Verdict::Reject => Verdict::Reject,
        _ => Verdict::high().with("max_severity", "high"),
    }
}

/// Every cloud detector.
pub static ALL: &[&Detector] = &[
    &AWS_ACCESS_KEY,
    &AWS_SECRET_KEY,
    &GCP_SERVICE_ACCOUNT,
    &GCP_SERVICE_ACCOUNT_B64,
    &GCP_OAUTH_SECRET,
    &AZURE_STORAGE_KEY,
    &AZURE_SHARED_ACCESS_KEY,
    &AZURE_SAS,
    &AZURE_CLIENT_SECRET,
    &DIGITALOCEAN,
    &HEROKU,
    &ALIBABA,
    &GOOGLE_API_KEY,
    &GOOGLE_OAUTH_REFRESH,
    &GOOGLE_OAUTH_ACCESS,
    &HEROKU_LEGACY,
    &MONGODB_ATLAS_KEY,
    &FLY_IO,
];

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

//! The safetensors header checks as findings: one pass over the parsed header
//! ([`aispm_formats::safetensors`]) in the header's order, one table for the three
//! rules it feeds, every issue counted against one cap ([`MAX_ISSUES`]; the last one
//! listed counts the rest). A header that is not a valid safetensors header (not
//! UTF-8, not starting with `{`, not a JSON object, an unknown dtype, a missing shape
//! or offsets, metadata that is not strings) is [`mdl052_invalid_header`]; offsets
//! that are reversed, overlap, run past the file or a key declared twice are
//! [`mdl051_offsets`]; sizes that disagree (shape × dtype against the offsets, bytes
//! of the data section no tensor covers) are [`mdl053_size_mismatch`].

use super::{mdl051_offsets, mdl052_invalid_header, mdl053_size_mismatch};
use aispm_core::{RawFinding, Severity};
use aispm_formats::safetensors::{Entry, Header, HeaderError, Metadata, dtype_bits};

/// Which rule an issue belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueKind {
    /// Offsets overlap, are reversed or point past the file (MDL051).
    Offsets,
    /// The header is not a valid safetensors header (MDL052).
    Header,
    /// Sizes disagree: shape × dtype vs offsets, gaps, uncovered bytes (MDL053).
    Size,
}

/// One issue of the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub kind: IssueKind,
    pub severity: Severity,
    pub message: String,
}

/// What validation found.
#[derive(Debug, Default, Clone)]
pub struct HeaderReport {
    pub issues: Vec<Issue>,
    /// `__metadata__` entries (string values only), for MDL054.
    pub metadata: Vec<(String, String)>,
    pub tensor_count: usize,
    /// Issues found past [`MAX_ISSUES`], counted and not listed.
    pub omitted: usize,
}

/// Issues listed per header; the last one listed counts the rest.
pub const MAX_ISSUES: usize = 32;

impl HeaderReport {
    fn add(&mut self, kind: IssueKind, severity: Severity, message: String) {
        if self.issues.len() < MAX_ISSUES {
            self.issues.push(Issue {
                kind,
                severity,
                message,
            });
        } else {
            self.omitted += 1;
        }
    }
}

/// The findings of a validated header, one per issue listed; the last one counts the
/// issues past the cap.
pub(crate) fn check(path: &str, rep: &HeaderReport, out: &mut Vec<RawFinding>) {
    let last = rep.issues.len().saturating_sub(1);
    for (i, issue) in rep.issues.iter().enumerate() {
        let rule = match issue.kind {
            IssueKind::Offsets => &mdl051_offsets::RULE,
            IssueKind::Header => &mdl052_invalid_header::RULE,
            IssueKind::Size => &mdl053_size_mismatch::RULE,
        };
        let mut f = RawFinding::new(rule, path, issue.message.clone())
            .severity(issue.severity)
            .key(issue.message.clone());
        // Nothing dropped unsaid: the last issue listed counts the ones past the cap.
        if i == last && rep.omitted > 0 {
            f = f.more_in_file(rep.omitted, "header issues");
        }
        out.push(f);
    }
}

/// Validates a JSON header: `header` its bytes, `parsed` what the reader made of them,
/// `data_len` the number of bytes after it.
pub fn validate(header: &[u8], parsed: Result<Header, HeaderError>, data_len: u64) -> HeaderReport {
    let mut rep = HeaderReport::default();
    if let Err(e @ HeaderError::NotUtf8 { .. }) = &parsed {
        rep.add(IssueKind::Header, Severity::Medium, e.to_string());
        return rep;
    }
    // The reference loader requires the object to start at the first byte (it pads
    // the end with spaces only); a parser that skips leading bytes sees another header.
    if !header.starts_with(b"{") {
        rep.add(
            IssueKind::Header,
            Severity::Medium,
            "header does not start with `{`".into(),
        );
    }
    let parsed = match parsed {
        Ok(h) => h,
        Err(e) => {
            rep.add(IssueKind::Header, Severity::Medium, e.to_string());
            return rep;
        }
    };
    if let Some(dup) = &parsed.duplicate_key {
        rep.add(
            IssueKind::Offsets,
            Severity::High,
            format!(
                "header declares `{}` more than once (loaders disagree on which entry wins)",
                clip(dup)
            ),
        );
    }
    // (begin, end, name) of well-formed entries.
    let mut spans: Vec<(u64, u64, String)> = Vec::new();
    for entry in parsed.entries {
        let (name, fields) = match entry {
            Entry::Metadata(Metadata::Object(m)) => {
                for (k, v) in m {
                    match v {
                        Some(s) => rep.metadata.push((k, s)),
                        None => rep.add(
                            IssueKind::Header,
                            Severity::Medium,
                            format!("`__metadata__` value of `{}` is not a string", clip(&k)),
                        ),
                    }
                }
                continue;
            }
            Entry::Metadata(Metadata::NotObject) => {
                rep.add(
                    IssueKind::Header,
                    Severity::Medium,
                    "`__metadata__` is not an object of strings".into(),
                );
                continue;
            }
            Entry::Tensor { name, fields } => (name, fields),
        };
        rep.tensor_count += 1;
        let n = clip(&name);
        let Some(e) = fields else {
            rep.add(
                IssueKind::Header,
                Severity::Medium,
                format!("tensor `{n}` is not an object"),
            );
            continue;
        };
        let dtype = e.dtype.as_deref();
        let bits = dtype.and_then(dtype_bits);
        if bits.is_none() {
            rep.add(
                IssueKind::Header,
                Severity::Medium,
                format!(
                    "tensor `{n}` has {}",
                    match dtype {
                        Some(d) => format!("unknown dtype `{}`", clip(d)),
                        None => "no dtype".into(),
                    }
                ),
            );
        }
        let shape = e.shape;
        if shape.is_none() {
            rep.add(
                IssueKind::Header,
                Severity::Medium,
                format!("tensor `{n}` has no shape of non-negative integers"),
            );
        }
        let Some((begin, end)) = e.data_offsets else {
            rep.add(
                IssueKind::Header,
                Severity::Medium,
                format!("tensor `{n}` has no `data_offsets` pair of integers"),
            );
            continue;
        };
        if begin > end {
            rep.add(
                IssueKind::Offsets,
                Severity::High,
                format!("tensor `{n}` has reversed offsets [{begin}, {end}]"),
            );
            continue;
        }
        if end > data_len {
            rep.add(
                IssueKind::Offsets,
                Severity::High,
                format!(
                    "tensor `{n}` offsets [{begin}, {end}] run past the end of the file \
                     (data section of {data_len} bytes)"
                ),
            );
        }
        if let (Some(shape), Some(bits)) = (&shape, bits) {
            let need_bits = shape
                .iter()
                .try_fold(1u64, |acc, d| acc.checked_mul(*d))
                .and_then(|elems| elems.checked_mul(bits));
            match need_bits {
                None => rep.add(
                    IssueKind::Size,
                    Severity::High,
                    format!("tensor `{n}` shape {shape:?} overflows 64 bits"),
                ),
                Some(b) if b % 8 != 0 || b / 8 != end - begin => rep.add(
                    IssueKind::Size,
                    Severity::Medium,
                    format!(
                        "tensor `{n}` needs {} bytes for shape {shape:?} of {} but its offsets \
                         give {}",
                        b.div_ceil(8),
                        dtype.unwrap_or_default(),
                        end - begin
                    ),
                ),
                Some(_) => {}
            }
        }
        spans.push((begin, end, name));
    }
    spans.sort();
    let mut covered_to = 0u64;
    let mut prev: Option<&(u64, u64, String)> = None;
    for s in &spans {
        if let Some(p) = prev
            && s.0 < p.1
        {
            rep.add(
                IssueKind::Offsets,
                Severity::High,
                format!(
                    "tensors `{}` [{}, {}] and `{}` [{}, {}] overlap",
                    clip(&p.2),
                    p.0,
                    p.1,
                    clip(&s.2),
                    s.0,
                    s.1
                ),
            );
        } else if s.0 > covered_to {
            rep.add(
                IssueKind::Size,
                Severity::Medium,
                format!(
                    "bytes {covered_to}..{} of the data section belong to no tensor",
                    s.0
                ),
            );
        }
        covered_to = covered_to.max(s.1);
        prev = Some(s);
    }
    if covered_to < data_len && rep.issues.iter().all(|i| i.kind != IssueKind::Offsets) {
        rep.add(
            IssueKind::Size,
            Severity::Medium,
            format!(
                "{} bytes after the last tensor belong to no tensor",
                data_len - covered_to
            ),
        );
    }
    rep
}

fn clip(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    crate::gguf::template::truncate(&s, 80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aispm_formats::safetensors::parse_header;

    fn validate_header(h: &[u8], data_len: u64) -> HeaderReport {
        validate(h, parse_header(h), data_len)
    }

    fn kinds(h: &str, data_len: u64) -> Vec<(IssueKind, Severity)> {
        validate_header(h.as_bytes(), data_len)
            .issues
            .iter()
            .map(|i| (i.kind, i.severity))
            .collect()
    }

    /// A header of small objects costs some 85 times its length once parsed (a
    /// 100 MB one over 8 GB); past the budget it is refused unparsed.
    #[test]
    fn object_dense_header_is_not_parsed() {
        let n = crate::json::MAX_PARSED_BYTES as usize / 700 + 1;
        let h = format!(
            r#"{{"__metadata__":{{"x":"y"}},"t":[{}0]}}"#,
            r#"{"a":0},"#.repeat(n)
        );
        let r = validate_header(h.as_bytes(), 0);
        assert_eq!(r.issues.len(), 1, "{:?}", r.issues);
        assert_eq!(r.issues[0].kind, IssueKind::Header);
        assert!(r.issues[0].message.contains("MiB to parse"));
        assert!(r.metadata.is_empty());
    }

    /// Forty tensors with an unknown dtype: 32 issues listed, the rest counted.
    #[test]
    fn issues_past_the_cap_are_counted() {
        let tensors: Vec<String> = (0..40)
            .map(|i| format!(r#""t{i}":{{"dtype":"Q9","shape":[1],"data_offsets":[0,0]}}"#))
            .collect();
        let h = format!("{{{}}}", tensors.join(","));
        let r = validate_header(h.as_bytes(), 0);
        assert_eq!(r.issues.len(), MAX_ISSUES, "{:?}", r.issues);
        assert!(r.omitted > 0);
        assert_eq!(r.issues.len() + r.omitted, 40, "{:?}", r.issues);
    }

    #[test]
    fn valid_headers_are_clean() {
        let h = r#"{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"w":{"dtype":"F16","shape":[2,2],"data_offsets":[16,24]}}  "#;
        let r = validate_header(h.as_bytes(), 24);
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        assert_eq!(r.metadata, [("format".to_string(), "pt".to_string())]);
        assert!(kinds("{}", 0).is_empty());
        assert!(
            kinds(
                r#"{"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#,
                0
            )
            .is_empty()
        );
        assert!(
            kinds(
                r#"{"e":{"dtype":"F4","shape":[3,2],"data_offsets":[0,3]}}"#,
                3
            )
            .is_empty()
        );
    }

    #[test]
    fn offsets() {
        let overlap = r#"{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]},"b":{"dtype":"F32","shape":[8],"data_offsets":[16,48]}}"#;
        assert!(kinds(overlap, 48).contains(&(IssueKind::Offsets, Severity::High)));
        let past = r#"{"a":{"dtype":"F32","shape":[1024,1024],"data_offsets":[0,4194304]}}"#;
        assert!(kinds(past, 64).contains(&(IssueKind::Offsets, Severity::High)));
        let reversed = r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[9,8]}}"#;
        assert!(kinds(reversed, 9).contains(&(IssueKind::Offsets, Severity::High)));
        let dup = r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#;
        assert!(kinds(dup, 1).contains(&(IssueKind::Offsets, Severity::High)));
    }

    #[test]
    fn sizes() {
        let mismatch = r#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}}"#;
        assert_eq!(kinds(mismatch, 8), [(IssueKind::Size, Severity::Medium)]);
        let gap = r#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}"#;
        assert_eq!(kinds(gap, 8), [(IssueKind::Size, Severity::Medium)]);
        let trailing = r#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}"#;
        assert_eq!(kinds(trailing, 8), [(IssueKind::Size, Severity::Medium)]);
        let overflow =
            r#"{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#;
        assert!(kinds(overflow, 8).contains(&(IssueKind::Size, Severity::High)));
    }

    #[test]
    fn malformed_headers() {
        for (h, n) in [
            ("[1,2]", 0),
            ("{\"a\":1}", 0),
            (
                "{\"a\":{\"dtype\":\"Q9\",\"shape\":[1],\"data_offsets\":[0,1]}}",
                1,
            ),
            (
                "{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}",
                1,
            ),
            (
                "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]}}",
                1,
            ),
            ("{\"__metadata__\":{\"k\":1}}", 0),
            ("{\"__metadata__\":[]}", 0),
            ("{not json", 0),
        ] {
            assert!(
                kinds(h, n).contains(&(IssueKind::Header, Severity::Medium)),
                "{h}"
            );
        }
        assert!(!validate_header(b"{\"\xff\":1}", 0).issues.is_empty());
        assert!(kinds("  {}", 0).contains(&(IssueKind::Header, Severity::Medium)));
    }
}

//! safetensors: the header is validated strictly against the file size ([`header`])
//! and `__metadata__` strings are checked for code, commands, risky links and template
//! payloads ([`metadata`]). Only the 8-byte length and the JSON header are read; the
//! tensor data never is.

use aispm_core::analyzer::TimeLimitReached;
use aispm_core::{AnalysisContext, AnalysisError, Analyzer, FileInput, FileKind, RawFinding, Rule};
use aispm_formats::safetensors;

pub mod header;
pub mod metadata;
pub mod rules;

/// Analyzer for safetensors model files.
#[derive(Debug, Default)]
pub struct SafetensorsAnalyzer;

impl SafetensorsAnalyzer {
    pub fn new() -> Self {
        SafetensorsAnalyzer
    }
}

impl Analyzer for SafetensorsAnalyzer {
    fn name(&self) -> &'static str {
        "safetensors"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    /// By content; a `.safetensors` file whose content matches no format is still
    /// validated, since that is where a broken or disguised header ends up.
    fn accepts(&self, file: &FileInput<'_>) -> bool {
        file.kind == FileKind::Safetensors
            || (file.kind == FileKind::Binary && file.extension() == "safetensors")
    }

    /// Only the header is read, so file size is no reason to skip a file.
    fn default_max_file_size(&self) -> u64 {
        u64::MAX
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        let mut r = file.open()?;
        let buf = match safetensors::read_header(&mut r, file.size) {
            Ok(buf) => buf,
            Err(safetensors::ReadError::Short) => {
                cx.report(RawFinding::new(
                    &rules::HEADER_LENGTH,
                    file.path,
                    "file is shorter than the 8-byte header length",
                ));
                return Ok(());
            }
            Err(safetensors::ReadError::Length(e)) => {
                let issue = header::length_issue(&e);
                let n = e.length();
                cx.report(
                    RawFinding::new(&rules::HEADER_LENGTH, file.path, issue.message)
                        .severity(issue.severity)
                        .evidence(format!("header length field = {n}")),
                );
                return Ok(());
            }
            Err(safetensors::ReadError::Io(e)) => return Err(e.into()),
        };
        // Bounded by the reader: at most 100 MB and inside the file.
        let data_len = file.size - 8 - buf.len() as u64;
        let rep = header::validate_header(&buf, data_len);
        let last = rep.issues.len().saturating_sub(1);
        for (i, issue) in rep.issues.iter().enumerate() {
            let rule = match issue.kind {
                header::IssueKind::HeaderLength => &rules::HEADER_LENGTH,
                header::IssueKind::Offsets => &rules::OFFSETS,
                header::IssueKind::Header => &rules::INVALID_HEADER,
                header::IssueKind::Size => &rules::SIZE_MISMATCH,
            };
            let mut f = RawFinding::new(rule, file.path, issue.message.clone())
                .severity(issue.severity)
                .key(issue.message.clone());
            // Nothing dropped unsaid: the last issue listed counts the ones past the cap.
            if i == last && rep.omitted > 0 {
                f = f.more_in_file(rep.omitted, "header issues");
            }
            cx.report(f);
        }
        let hits = {
            let mut check = || -> Result<(), TimeLimitReached> { cx.check_time() };
            metadata::check_metadata(&rep.metadata, &mut check)?
        };
        // What the metadata checks left out, said rather than dropped.
        let unchecked = rep.metadata.len().saturating_sub(metadata::MAX_ENTRIES);
        if unchecked > 0 {
            cx.error(
                file.path,
                aispm_core::ErrorKind::Limit,
                format!(
                    "{unchecked} `__metadata__` entries past the first {} were not checked",
                    metadata::MAX_ENTRIES
                ),
            );
        }
        let long = rep
            .metadata
            .iter()
            .take(metadata::MAX_ENTRIES)
            .filter(|(_, v)| v.len() > metadata::MAX_VALUE)
            .count();
        if long > 0 {
            cx.error(
                file.path,
                aispm_core::ErrorKind::Limit,
                format!(
                    "{long} `__metadata__` values longer than {} bytes were checked on their first {} bytes only",
                    metadata::MAX_VALUE,
                    metadata::MAX_VALUE
                ),
            );
        }
        for h in hits {
            let value = rep
                .metadata
                .iter()
                .find(|(k, _)| *k == h.key)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default();
            cx.report(
                RawFinding::new(
                    &rules::SUSPICIOUS_METADATA,
                    file.path,
                    format!("`__metadata__` value `{}` holds {}", h.key, h.what),
                )
                .severity(h.severity)
                .evidence(format!(
                    "{}: {}",
                    h.key,
                    crate::gguf::template::truncate(value, 200)
                ))
                .key(h.key.clone()),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aispm_core::{ErrorKind, Source};
    use std::path::Path;

    /// Metadata entries past the cap, and values past the length checked, are said in
    /// limit records.
    #[test]
    fn unchecked_metadata_is_recorded() {
        let mut entries: Vec<String> = (0..metadata::MAX_ENTRIES + 3)
            .map(|i| format!(r#""k{i:05}":"v""#))
            .collect();
        entries[0] = format!(r#""k00000":"{}""#, "x".repeat(metadata::MAX_VALUE + 1));
        let header = format!(r#"{{"__metadata__":{{{}}}}}"#, entries.join(","));
        let mut file = (header.len() as u64).to_le_bytes().to_vec();
        file.extend_from_slice(header.as_bytes());
        let input = FileInput::new(
            "m.safetensors",
            Path::new("m.safetensors"),
            FileKind::Safetensors,
            file.len() as u64,
            &file[..aispm_core::HEAD_LEN],
            Source::Bytes(&file),
        );
        let mut cx = AnalysisContext::new(None, 0);
        SafetensorsAnalyzer::new().analyze(&input, &mut cx).unwrap();
        let msgs: Vec<&str> = cx
            .errors
            .iter()
            .filter(|e| e.kind == ErrorKind::Limit)
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(
            msgs[0].starts_with("3 `__metadata__` entries past the first 4096"),
            "{msgs:?}"
        );
        assert!(
            msgs[1].starts_with("1 `__metadata__` values longer than"),
            "{msgs:?}"
        );
    }
}

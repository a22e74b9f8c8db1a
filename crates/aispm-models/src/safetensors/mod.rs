//! safetensors: the header is read and parsed by the shared reader
//! ([`aispm_formats::safetensors`]), then validated strictly
//! against the file size and its `__metadata__` strings checked for code, commands,
//! risky links and template payloads by the rules ([`rules`]). Only the 8-byte length
//! and the JSON header are read; the tensor data never is.

use aispm_core::analyzer::TimeLimitReached;
use aispm_core::{AnalysisContext, AnalysisError, Analyzer, FileInput, FileKind, Rule};
use aispm_formats::safetensors;
use rules::header_checks::{self, HeaderReport};
use rules::mdl054_suspicious_metadata::{MAX_ENTRIES, MAX_VALUE};

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
                cx.report(rules::check_short_file(file.path));
                return Ok(());
            }
            Err(safetensors::ReadError::Length(e)) => {
                cx.report(rules::check_length(file.path, &e));
                return Ok(());
            }
            Err(safetensors::ReadError::Io(e)) => return Err(e.into()),
        };
        // Bounded by the reader: at most 100 MB and inside the file.
        let data_len = file.size - 8 - buf.len() as u64;
        let rep = validate_header(&buf, data_len);
        let mut out = Vec::new();
        rules::check_header(file.path, &rep, &mut out);
        for f in out.drain(..) {
            cx.report(f);
        }
        {
            let mut check = || -> Result<(), TimeLimitReached> { cx.check_time() };
            rules::check_metadata(file.path, &rep.metadata, &mut check, &mut out)?;
        }
        // What the metadata checks left out, said rather than dropped.
        let unchecked = rep.metadata.len().saturating_sub(MAX_ENTRIES);
        if unchecked > 0 {
            cx.error(
                file.path,
                aispm_core::ErrorKind::Limit,
                format!(
                    "{unchecked} `__metadata__` entries past the first {MAX_ENTRIES} were not checked"
                ),
            );
        }
        let long = rep
            .metadata
            .iter()
            .take(MAX_ENTRIES)
            .filter(|(_, v)| v.len() > MAX_VALUE)
            .count();
        if long > 0 {
            cx.error(
                file.path,
                aispm_core::ErrorKind::Limit,
                format!(
                    "{long} `__metadata__` values longer than {MAX_VALUE} bytes were checked on their first {MAX_VALUE} bytes only"
                ),
            );
        }
        for f in out {
            cx.report(f);
        }
        Ok(())
    }
}

/// Validates a JSON header of which `data_len` bytes of tensor data follow: the
/// reader's parse ([`safetensors::parse_header`]) judged by the header checks of the rules.
pub fn validate_header(header: &[u8], data_len: u64) -> HeaderReport {
    header_checks::validate(header, safetensors::parse_header(header), data_len)
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
        let mut entries: Vec<String> = (0..MAX_ENTRIES + 3)
            .map(|i| format!(r#""k{i:05}":"v""#))
            .collect();
        entries[0] = format!(r#""k00000":"{}""#, "x".repeat(MAX_VALUE + 1));
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

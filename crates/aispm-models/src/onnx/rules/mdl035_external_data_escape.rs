use crate::onnx::rules::Model;
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};
use std::path::Path;

/// MDL035: an ONNX tensor's external data lies outside the model's folder.
pub static RULE: Rule = Rule {
    id: "MDL035",
    name: "onnx-external-data-escape",
    title: "ONNX external data location escapes the model folder",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports ONNX initializers whose `external_data` `location` is an absolute path, \
climbs out of the model's folder with `..`, or (for models on disk) names a symbolic link \
whose target lies outside that folder.",
    why: "ONNX loaders read external tensor data from `location` relative to the model file. \
A location such as `../../../../etc/passwd` or `/etc/shadow` makes the runtime read an \
arbitrary file into a tensor, where a model's outputs or an error message can disclose it \
(CVE-2022-25882, CVE-2024-27318, CVE-2025-51480).",
    example: "An initializer `W` with `data_location: EXTERNAL` and \
`external_data { key: \"location\" value: \"../../../../etc/passwd\" }`.",
    remediation: "Do not load the model. Legitimate external data is a file name (or a \
relative path without `..`) inside the model's own folder; re-export the model with \
`onnx.save_model(..., save_as_external_data=True, location=\"weights.bin\")`.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        NIST_MEASURE_2_7,
        EU_ART_15,
    ],
};

/// Every externally stored tensor whose location leaves the model's folder: by its
/// text, or (for a model on disk) through a symbolic link.
pub(crate) fn check(model: &Model<'_>, out: &mut Vec<RawFinding>) {
    for (tensor, loc) in &model.facts.external {
        let why = lexical_escape(loc)
            .map(str::to_string)
            .or_else(|| model.on_disk.and_then(|p| resolves_outside(p, loc)));
        if let Some(why) = why {
            out.push(
                RawFinding::new(
                    &RULE,
                    model.path,
                    format!(
                        "tensor {tensor} reads its data from `{loc}`, {why}: loading the model reads that file"
                    ),
                )
                .evidence(format!("external_data location: {loc}"))
                .key(loc.clone()),
            );
        }
    }
}

/// Why a location leaves the model's folder, judged from the text alone.
pub(crate) fn lexical_escape(location: &str) -> Option<&'static str> {
    let b = location.as_bytes();
    if location.starts_with('/') || location.starts_with('\\') {
        return Some("an absolute path");
    }
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Some("an absolute Windows path");
    }
    if location.contains("://") {
        return Some("a URL");
    }
    let mut depth = 0i64;
    for comp in location.split(['/', '\\']) {
        match comp {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return Some("a path that climbs out of the model folder");
                }
            }
            _ => depth += 1,
        }
    }
    None
}

/// For a model on disk: whether `location` resolves (through symbolic links) outside
/// the model's folder. Only file metadata is read.
fn resolves_outside(model: &Path, location: &str) -> Option<String> {
    let dir = match model.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let target = dir.join(location);
    std::fs::symlink_metadata(&target).ok()?;
    let canon_dir = std::fs::canonicalize(dir).ok()?;
    let canon_target = std::fs::canonicalize(&target).ok()?;
    (!canon_target.starts_with(&canon_dir))
        .then(|| "a symbolic link whose target lies outside the model folder".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_escapes() {
        assert!(lexical_escape("/etc/shadow").is_some());
        assert!(lexical_escape("../../etc/passwd").is_some());
        assert!(lexical_escape("a/../../b").is_some());
        assert!(lexical_escape("C:\\Windows\\x").is_some());
        assert!(lexical_escape("weights.bin").is_none());
        assert!(lexical_escape("sub/../weights.bin").is_none());
        assert!(lexical_escape("./data/w.bin").is_none());
    }
}

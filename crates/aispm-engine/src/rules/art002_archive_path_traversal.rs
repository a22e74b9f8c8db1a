//! ART002: `archive.rs` hands every zip and tar member's name to
//! [`check_member_name`], and every tar link to [`check_tar_link`].

use aispm_core::framework::*;
use aispm_core::{Category, RawFinding, Rule, Severity};

/// ART002: an archive member would be written outside the extraction folder.
pub static RULE: Rule = Rule {
    id: "ART002",
    name: "archive-path-traversal",
    title: "Archive member escapes the extraction folder",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports archive members whose names are absolute paths or climb out with `..`, \
and tar symbolic or hard links that point outside the archive.",
    why: "Extracting such an archive (a model bundle, a dataset, a checkpoint) writes files \
anywhere the extracting process can write: shell start-up files, SSH keys, Python \
`site-packages`. This \"zip slip\" turns a model download into code execution.",
    example: "A member named `../../.bashrc` or `/etc/cron.d/job` in `model.zip`; a tar entry \
`weights.bin -> /etc/passwd`.",
    remediation: "Do not extract the archive with tools that honour such names. Rebuild the \
archive with relative member paths only, or obtain the artefact from a trusted source.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0011_000,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

/// A member whose name would be extracted outside the target folder (`format` is the
/// archive's, `zip` or `tar`).
pub(crate) fn check_member_name(format: &str, container: &str, name: &str) -> Option<RawFinding> {
    escapes(name).then(|| {
        super::about_member(
            &RULE,
            container,
            name,
            format!("{format} member `{name}` would be extracted outside the target folder"),
        )
    })
}

/// A tar symbolic or hard link whose target is absolute or leaves the archive. A
/// symbolic link's target is relative to the link's folder, a hard link's to the
/// archive's top.
pub(crate) fn check_tar_link(
    container: &str,
    name: &str,
    target: &str,
    symbolic: bool,
) -> Option<RawFinding> {
    let resolved = if symbolic {
        match name.rfind('/') {
            Some(i) => format!("{}/{}", &name[..i], target),
            None => target.to_string(),
        }
    } else {
        target.to_string()
    };
    if !target.starts_with('/') && !escapes(&resolved) {
        return None;
    }
    let kind = if symbolic { "symbolic" } else { "hard" };
    Some(
        RawFinding::new(
            &RULE,
            container,
            format!("tar member `{name}` is a {kind} link to `{target}`, outside the archive"),
        )
        .evidence(format!("{name} -> {target}"))
        .key(format!("{name}->{target}")),
    )
}

/// Whether a member name escapes the extraction folder: absolute (also with a drive
/// letter), or climbing above the top with `..`.
pub(crate) fn escapes(name: &str) -> bool {
    let n = name.replace('\\', "/");
    if n.starts_with('/') || n.starts_with("//") {
        return true;
    }
    let b = n.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return true;
    }
    let mut depth: i64 = 0;
    for part in n.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_names() {
        assert!(escapes("../evil"));
        assert!(escapes("a/../../evil"));
        assert!(escapes("/etc/passwd"));
        assert!(escapes("C:\\Windows\\x"));
        assert!(escapes("..\\..\\x"));
        assert!(!escapes("a/../b"));
        assert!(!escapes("archive/data.pkl"));
        assert!(!escapes("./x/y"));
    }
}

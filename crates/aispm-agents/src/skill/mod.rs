//! Agent skills: a `SKILL.md` (YAML front matter with `name` and `description`, then
//! instructions an agent follows, often with scripts in the same folder) becomes an
//! `agent-skill` asset, and its text is scored ([`instructions`]) for instructions
//! that turn the agent against its user: piping a download into a shell, running
//! decoded base64, fetching and executing a binary, sending credentials or environment
//! files out, switching off safety checks, keeping things from the user. Signals are
//! scored like the other checks of this crate, so a skill that installs a package or
//! runs the tests is not reported on one well-known installer line.
//!
//! The scripts a skill ships (any script under the folder holding its `SKILL.md`) are
//! scored for the same harms written as code ([`scripts`], with a small flow pass in
//! [`flow`]) as they pass during the walk, and tied to their skill after it
//! ([`link`]): listed on the skill's asset, reported when they score. The verdicts are
//! the rule's (`rules::agt006_malicious_skill`).

pub mod flow;
pub mod instructions;
pub mod link;
pub mod scripts;

pub use link::{MAX_LISTED_SCRIPTS, ScriptRecord, link_scripts, script_record};
pub use scripts::{MAX_SCRIPT_BYTES, ScriptScore, ScriptSignal, score_script};

use crate::rules;
use crate::text::preview;
use aispm_core::{AnalysisContext, Asset, AssetKind, ErrorKind};

/// Whether a file is a skill definition, by name (`SKILL.md`, any case).
pub fn is_skill_file(path: &str) -> bool {
    file_name(path).eq_ignore_ascii_case("skill.md")
}

/// Front matter fields of a skill: `name`, `description`.
fn front_matter(text: &str) -> Option<(String, String, u32)> {
    let t = text.trim_start_matches('\u{feff}');
    let mut lines = t.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let (mut name, mut description) = (None, None);
    for (i, l) in lines.enumerate().take(200) {
        if l.trim_end() == "---" {
            let line = u32::try_from(i + 2).unwrap_or(u32::MAX);
            return Some((name?, description.unwrap_or_default(), line));
        }
        let value = |rest: &str| rest.trim().trim_matches(['"', '\'']).to_string();
        if let Some(rest) = l.strip_prefix("name:") {
            name = Some(value(rest));
        } else if let Some(rest) = l.strip_prefix("description:") {
            description = Some(value(rest));
        }
    }
    None
}

/// Inventories a skill and judges its instructions. Returns whether the file is a skill.
pub fn analyze(path: &str, text: &str, cx: &mut AnalysisContext) -> bool {
    if !is_skill_file(path) {
        return false;
    }
    if let Some((name, description, _)) = front_matter(text) {
        // The whole file is the skill: the same asset (and ID) as the inventory's
        // `agent-skill`, which the engine merges with this one.
        let mut a = Asset::new(AssetKind::AgentSkill, path, "", "skill-md");
        a.line = Some(1);
        a.size = text.len() as u64;
        a.set("skill_name", preview(&name, 80));
        if !description.is_empty() {
            a.set("description", preview(&description, 200));
        }
        cx.asset(a);
    }
    let score = instructions::score(text);
    if score.unjudged > 0 {
        cx.error(
            path,
            ErrorKind::Limit,
            format!(
                "{} lines of the skill past the first {} were not judged",
                score.unjudged,
                instructions::MAX_LINES
            ),
        );
    }
    rules::check_skill(path, &score, cx);
    true
}

/// Extensions of files an agent runs as programs.
const SCRIPT_EXTENSIONS: &[&str] = &[
    "sh", "bash", "zsh", "ksh", "dash", "fish", "command", "py", "pyw", "js", "mjs", "cjs", "ts",
    "mts", "cts", "jsx", "tsx", "ps1", "psm1", "bat", "cmd", "rb", "pl",
];

/// The last component of a path (after `/`, `\` or an archive's `!`).
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\', '!']).next().unwrap_or(path)
}

pub(crate) fn lower_extension(path: &str) -> String {
    let name = file_name(path);
    match name.rfind('.') {
        Some(i) if i > 0 => name[i + 1..].to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Whether a file is a script: by extension, or by a `#!` line for files without one.
pub fn is_script(path: &str, head: &[u8]) -> bool {
    let ext = lower_extension(path);
    if SCRIPT_EXTENSIONS.contains(&ext.as_str()) {
        return true;
    }
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    head.starts_with(b"#!")
}

/// Whether a script's bytes are UTF-16 with a byte-order mark, as PowerShell writes its
/// scripts (the engine types those as binary).
pub fn is_utf16_powershell(path: &str, head: &[u8]) -> bool {
    (head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]))
        && matches!(lower_extension(path).as_str(), "ps1" | "psm1")
}

/// Decodes UTF-16 text with a byte-order mark, at most `max` bytes of it.
pub fn decode_utf16(bytes: &[u8], max: usize) -> String {
    let big = bytes.starts_with(&[0xfe, 0xff]);
    let body = bytes.get(2..).unwrap_or_default();
    let body = &body[..body.len().min(max) & !1];
    let units = body.chunks_exact(2).map(|c| {
        if big {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_names_the_asset() {
        let mut cx = AnalysisContext::new(None, 0);
        assert!(analyze(
            "a/SKILL.md",
            "---\nname: pdf\ndescription: \"Fill PDF forms\"\n---\nBody\n",
            &mut cx
        ));
        assert_eq!(cx.assets.len(), 1);
        assert_eq!(cx.assets[0].kind, AssetKind::AgentSkill);
        assert!(!analyze("a/README.md", "---\nname: x\n---\n", &mut cx));
    }

    /// Lines of a skill past the cap are not judged, and a limit record counts them.
    #[test]
    fn skill_lines_past_the_cap_are_counted() {
        let mut text = String::from("---\nname: x\ndescription: y\n---\n");
        text.push_str(&"Say hello.\n".repeat(instructions::MAX_LINES + 6));
        let mut cx = AnalysisContext::new(None, 0);
        analyze("skills/x/SKILL.md", &text, &mut cx);
        let msgs: Vec<&str> = cx.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            ["10 lines of the skill past the first 20000 were not judged"]
        );
    }

    #[test]
    fn scripts_are_known_by_extension_or_shebang() {
        assert!(is_script("s/scripts/run.sh", b""));
        assert!(is_script("s/scripts/Fill.PY", b""));
        assert!(is_script("a.zip!s/tool.ps1", b""));
        assert!(is_script("s/bin/tool", b"#!/usr/bin/env python3\n"));
        assert!(is_script("s/bin/tool", b"\xef\xbb\xbf#!/bin/sh\n"));
        assert!(!is_script("s/README.md", b"#!/bin/sh\n"[..0].as_ref()));
        assert!(!is_script("s/data.json", b"{}"));
        assert!(!is_script("s/notes", b"hello"));
    }

    #[test]
    fn utf16_powershell_is_decoded() {
        let text = "iex ([Convert]::FromBase64String($p))\n";
        let mut bytes = vec![0xff, 0xfe];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert!(is_utf16_powershell("x/run.ps1", &bytes));
        assert!(!is_utf16_powershell("x/run.txt", &bytes));
        assert_eq!(decode_utf16(&bytes, 1 << 20), text);
        // Odd lengths and a cap in the middle of a unit do not panic.
        let _ = decode_utf16(&bytes[..7], 1 << 20);
        let _ = decode_utf16(&bytes, 5);
        let _ = decode_utf16(&[0xff], 5);
    }
}

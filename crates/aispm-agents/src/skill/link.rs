//! The scripts of skills, from the walk to the report: every script the analyzer sees
//! is recorded with its score ([`script_record`]), and after the walk
//! [`link_scripts`] ties each to the nearest skill whose folder holds it, lists them
//! on the skill's asset and hands the scored ones to the rule.

use super::is_script;
use super::scripts::{MAX_SCRIPT_BYTES, ScriptScore, score_script};
use crate::rules;
use crate::text::preview;
use aispm_core::{AnalysisContext, Asset, AssetKind, ErrorKind};

/// Script paths listed on a skill asset (`scripts_total` counts them all).
pub const MAX_LISTED_SCRIPTS: usize = 50;

/// A script seen during the walk: its path, and its score when it reached the rule's
/// threshold (reported after the walk if a skill's folder holds it).
#[derive(Debug, Clone)]
pub struct ScriptRecord {
    /// The script's display path.
    pub path: String,
    /// Its score, when it reached the threshold.
    pub verdict: Option<ScriptScore>,
    /// Only the first [`MAX_SCRIPT_BYTES`] were judged (a script that does not score
    /// gets a limit record when a skill's folder holds it).
    pub truncated: bool,
}

/// Records a script for the post-walk step: `None` when the file is no script. A
/// script that scores is flagged with [`AnalysisContext::report_later`], so inline
/// suppressions in it are read.
pub fn script_record(
    path: &str,
    head: &[u8],
    text: &str,
    cx: &mut AnalysisContext,
) -> Option<ScriptRecord> {
    if !is_script(path, head) {
        return None;
    }
    let score = score_script(path, text);
    let truncated = score.truncated;
    let verdict = rules::script_reaches_threshold(&score).then_some(score);
    if verdict.is_some() {
        cx.report_later();
    }
    Some(ScriptRecord {
        path: path.to_string(),
        verdict,
        truncated,
    })
}

/// The folder a skill's `SKILL.md` defines: its path up to the last separator (`/`,
/// `\` or an archive's `!`), kept; empty at the root of the scan.
fn skill_folder(skill_md: &str) -> &str {
    match skill_md.rfind(['/', '\\', '!']) {
        Some(i) => &skill_md[..=i],
        None => "",
    }
}

/// The skill a script belongs to, as its finding names it.
#[derive(Debug, Clone)]
pub struct SkillRef {
    /// The skill's name (its front matter's, else its path).
    pub name: String,
    /// The path of its `SKILL.md`.
    pub path: String,
    /// The ID of its `agent-skill` asset.
    pub asset_id: String,
}

/// After the walk: lists each skill's scripts on its asset (`scripts`, relative to the
/// skill's folder, at most [`MAX_LISTED_SCRIPTS`], and `scripts_total`), and reports
/// the scored scripts that a skill's folder holds, at any depth, naming the nearest
/// skill. Scripts outside every skill folder are not reported by this rule.
pub fn link_scripts(
    assets: &mut [Asset],
    mut scripts: Vec<ScriptRecord>,
    cx: &mut AnalysisContext,
) {
    let mut skills: std::collections::BTreeMap<String, SkillRef> = Default::default();
    for a in assets.iter().filter(|a| a.kind == AssetKind::AgentSkill) {
        let name = ["skill_name", "name"]
            .iter()
            .find_map(|k| a.properties.get(*k).and_then(|v| v.as_str()))
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let folder = skill_folder(&a.path).to_string();
        // The agents analyzer's own asset (which carries `skill_name`) names the skill
        // when the inventory reports the same file too.
        let ours = a.properties.contains_key("skill_name");
        let take = match skills.get(&folder) {
            None => true,
            Some(s) => ours && s.path == a.path,
        };
        if !take {
            continue;
        }
        skills.insert(
            folder,
            SkillRef {
                name: name.unwrap_or_else(|| a.path.clone()),
                path: a.path.clone(),
                asset_id: a.id.clone(),
            },
        );
    }
    if skills.is_empty() {
        return;
    }
    scripts.sort_by(|a, b| a.path.cmp(&b.path));
    scripts.dedup_by(|b, a| a.path == b.path);
    let mut listed: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for s in &scripts {
        let Some(folder) = owning_folder(&s.path, &skills) else {
            continue;
        };
        let Some(skill) = skills.get(folder) else {
            continue;
        };
        let rel = &s.path[folder.len()..];
        listed.entry(folder).or_default().push(rel);
        if let Some(v) = &s.verdict {
            rules::check_skill_script(&s.path, skill, v, cx);
        } else if s.truncated {
            // A reported script says so itself (`judged_bytes`).
            cx.error(
                &s.path,
                ErrorKind::Limit,
                format!(
                    "script of agent skill `{}` ({}): only its first {MAX_SCRIPT_BYTES} bytes were judged",
                    preview(&skill.name, 80),
                    skill.path
                ),
            );
        }
    }
    for a in assets
        .iter_mut()
        .filter(|a| a.kind == AssetKind::AgentSkill)
    {
        let folder = skill_folder(&a.path);
        // A skill nested in another's folder owns its own scripts.
        let own: &[&str] = listed.get(folder).map_or(&[], Vec::as_slice);
        let shown: Vec<&str> = own.iter().take(MAX_LISTED_SCRIPTS).copied().collect();
        a.set("scripts", shown);
        a.set("scripts_total", own.len());
    }
}

/// The deepest skill folder holding `path`.
fn owning_folder<'s>(
    path: &str,
    skills: &'s std::collections::BTreeMap<String, SkillRef>,
) -> Option<&'s str> {
    let mut end = path.len();
    while let Some(i) = path[..end].rfind(['/', '\\', '!']) {
        if let Some((k, _)) = skills.get_key_value(&path[..=i]) {
            return Some(k.as_str());
        }
        end = i;
    }
    skills.get_key_value("").map(|(k, _)| k.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::script_reaches_threshold;
    use crate::skill::scripts::tests::{BENIGN, MALICIOUS};
    use aispm_core::Severity;

    fn skill_asset(path: &str, name: &str) -> Asset {
        let mut a = Asset::new(AssetKind::AgentSkill, path, name, "skill-md");
        a.set("skill_name", name);
        a
    }

    fn record(path: &str, text: &str) -> ScriptRecord {
        let s = score_script(path, text);
        ScriptRecord {
            path: path.to_string(),
            truncated: s.truncated,
            verdict: script_reaches_threshold(&s).then_some(s),
        }
    }

    #[test]
    fn scripts_are_tied_to_the_nearest_skill() {
        let mut assets = vec![
            skill_asset("skills/sync/SKILL.md", "cloud-sync"),
            skill_asset("skills/sync/inner/SKILL.md", "inner"),
            // The inventory's asset for the same file.
            Asset::new(
                AssetKind::AgentSkill,
                "skills/sync/SKILL.md",
                "",
                "agent-skill",
            )
            .with_property("name", "cloud-sync"),
        ];
        let bad = MALICIOUS[0].1;
        let scripts = vec![
            record("skills/sync/scripts/sync.py", bad),
            record("skills/sync/scripts/setup.sh", BENIGN[0].1),
            record("skills/sync/inner/run.py", bad),
            record("tools/exfil.py", bad),
            record("skills/synced/other.py", bad),
        ];
        let mut cx = AnalysisContext::new(None, 0);
        link_scripts(&mut assets, scripts, &mut cx);
        let paths: Vec<&str> = cx.findings.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            vec!["skills/sync/inner/run.py", "skills/sync/scripts/sync.py"]
        );
        let f = &cx.findings[1];
        assert_eq!(f.severity, Severity::Critical);
        assert!(
            f.message.contains("`cloud-sync` (skills/sync/SKILL.md)"),
            "{}",
            f.message
        );
        assert_eq!(f.properties["skill_path"], "skills/sync/SKILL.md");
        assert_eq!(f.asset_id.as_deref(), Some(assets[0].id.as_str()));
        assert_eq!(cx.findings[0].properties["skill_name"], "inner");
        assert_eq!(
            assets[0].properties["scripts"],
            serde_json::json!(["scripts/setup.sh", "scripts/sync.py"])
        );
        assert_eq!(assets[0].properties["scripts_total"], 2);
        assert_eq!(assets[2].properties["scripts_total"], 2);
        assert_eq!(
            assets[1].properties["scripts"],
            serde_json::json!(["run.py"])
        );
    }

    /// A script of a skill that does not score and was judged on its first part only
    /// gets a limit record; one outside every skill does not.
    #[test]
    fn truncated_scripts_of_a_skill_are_recorded() {
        let mut assets = vec![skill_asset("skills/big/SKILL.md", "big")];
        let long = "echo hi\n".repeat(MAX_SCRIPT_BYTES / 8 + 1);
        let scripts = vec![
            record("skills/big/scripts/run.sh", &long),
            record("skills/big/scripts/small.sh", "echo hi\n"),
            record("tools/run.sh", &long),
        ];
        let mut cx = AnalysisContext::new(None, 0);
        link_scripts(&mut assets, scripts, &mut cx);
        assert!(cx.findings.is_empty());
        let limits: Vec<&str> = cx
            .errors
            .iter()
            .filter(|e| e.kind == ErrorKind::Limit)
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(limits, ["skills/big/scripts/run.sh"], "{:?}", cx.errors);
    }

    #[test]
    fn listed_scripts_are_capped_and_a_root_skill_owns_everything() {
        let mut assets = vec![skill_asset("SKILL.md", "root")];
        let scripts = (0..80)
            .map(|i| record(&format!("scripts/s{i:02}.sh"), "echo hi\n"))
            .collect();
        let mut cx = AnalysisContext::new(None, 0);
        link_scripts(&mut assets, scripts, &mut cx);
        assert!(cx.findings.is_empty());
        assert_eq!(assets[0].properties["scripts_total"], 80);
        assert_eq!(
            assets[0].properties["scripts"].as_array().map(Vec::len),
            Some(MAX_LISTED_SCRIPTS)
        );
        // No skill: nothing is reported and nothing is listed.
        let mut none: Vec<Asset> = Vec::new();
        let mut cx = AnalysisContext::new(None, 0);
        link_scripts(
            &mut none,
            vec![record("x/evil.py", MALICIOUS[1].1)],
            &mut cx,
        );
        assert!(cx.findings.is_empty());
    }

    #[test]
    fn candidate_scripts_ask_for_suppressions() {
        let mut cx = AnalysisContext::new(None, 0);
        let r = script_record("s/scripts/a.py", b"", MALICIOUS[1].1, &mut cx).unwrap();
        assert!(r.verdict.is_some() && cx.reports_later());
        let mut cx = AnalysisContext::new(None, 0);
        let git = BENIGN
            .iter()
            .find(|b| b.0 == "git helper")
            .map_or("", |b| b.1);
        let r = script_record("s/scripts/b.py", b"", git, &mut cx).unwrap();
        assert!(r.verdict.is_none() && !cx.reports_later());
        assert!(script_record("s/README.md", b"", "x", &mut cx).is_none());
    }
}

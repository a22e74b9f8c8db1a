//! The chat-template analysis' signals as findings: one table for the four rules that
//! read the same matcher, [`crate::gguf::template`] (which tokenises a template, finds
//! what each tag reaches and rates it). Python internals reached are
//! [`mdl040_template_injection`], sensitive names hidden by escapes or assembled from
//! pieces [`mdl041_template_obfuscation`], environment internals touched
//! [`mdl042_template_sensitive_reach`], unbalanced or unterminated tags
//! [`mdl043_template_malformed`]. A template that is not a chat template (deployment
//! files, CI workflows, Helm charts share the braces, not the threat) is reported for
//! hidden names only.

use super::{
    mdl040_template_injection, mdl041_template_obfuscation, mdl042_template_sensitive_reach,
    mdl043_template_malformed,
};
use crate::gguf::Lines;
use crate::gguf::template::{Signal, TemplateFinding};
use aispm_core::RawFinding;

/// One template as its rules see it.
pub(crate) struct Template<'a> {
    /// The file holding it.
    pub path: &'a str,
    /// Its GGUF metadata key or JSON key path; empty when the template is the file.
    pub key: &'a str,
    /// A chat template: GGUF metadata, a `chat_template` key or file, or a template
    /// that renders a conversation.
    pub chat: bool,
    /// Where its findings point in the file.
    pub lines: Lines,
}

/// The finding for one aggregated signal of the template, if its rule applies.
pub(crate) fn check(t: &Template<'_>, f: &TemplateFinding) -> Option<RawFinding> {
    if !t.chat && f.signal != Signal::Obfuscation {
        return None;
    }
    let (rule, what) = match f.signal {
        Signal::Injection => (&mdl040_template_injection::RULE, "reaches Python internals"),
        Signal::Obfuscation => (&mdl041_template_obfuscation::RULE, "hides sensitive names"),
        Signal::Reach => (
            &mdl042_template_sensitive_reach::RULE,
            "touches environment internals",
        ),
        Signal::Malformed => (&mdl043_template_malformed::RULE, "is malformed"),
    };
    let key = t.key;
    let place = if key.is_empty() {
        "template".to_string()
    } else {
        format!("template `{key}`")
    };
    let msg = format!("Chat {place} {what}: {}", f.items.join("; "));
    let mut rf = RawFinding::new(rule, t.path, msg)
        .severity(f.severity)
        .key(format!("{key}:{}", f.items.join(";")));
    if !f.evidence.is_empty() {
        rf = rf.evidence(f.evidence.clone());
    }
    match t.lines {
        Lines::Template => rf = rf.line(f.line),
        Lines::At(l) => rf = rf.line(l),
        Lines::None => {}
    }
    if !key.is_empty() {
        rf = rf.property("template_key", key.to_string());
    }
    Some(rf)
}

//! The signals a tool description is scored on: kinds of signal (instruction markup,
//! sensitive files, secrecy toward the user, overrides and tool shadowing, coercion,
//! exfiltration, hidden Unicode — whose decoded text is scored too), each with a
//! weight. The verdict (how many kinds, what score, what severity) is the rule's
//! (`rules::agt001_tool_poisoning`).

use crate::text::re;
use aispm_formats::unicode as chars;
use regex::Regex;
use std::sync::OnceLock;

/// Descriptions longer than this are judged on their first part (a limit record
/// counts them).
pub const MAX_DESCRIPTION: usize = 64 * 1024;

struct Signal {
    kind: &'static str,
    name: &'static str,
    weight: i32,
    re: Regex,
}

fn signals() -> &'static [Signal] {
    static S: OnceLock<Vec<Signal>> = OnceLock::new();
    S.get_or_init(|| {
        let s = |kind, name, weight, p: &str| Signal {
            kind,
            name,
            weight,
            re: re(p),
        };
        vec![
            s(
                "markup",
                "instruction-markup",
                2,
                r"</?\s*(?:important|system|instructions?|secret|hidden|admin|critical|override|context)\s*>|\[\s*(?:system|important|admin|instructions?)\s*\]|\{\{\s*system|<\|(?:im_start|system)\|>",
            ),
            s(
                "sensitive",
                "sensitive-file",
                2,
                r"~/\.ssh|\.ssh/|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.aws/credentials|\.aws/config|\bmcp\.json\b|claude_desktop_config|\.cursor/|(?:^|[\s`'\x22/(])\.env\b|\.netrc\b|\.git-credentials|\.kube/config|\.docker/config\.json|/etc/(?:passwd|shadow)|\.npmrc|\.pypirc|\bprivate\s+keys?\b|\bcredentials?\s+files?\b|\bwallet\b|\bseed\s+phrase",
            ),
            // Secrecy aimed at the user (or about the model's own hidden steps), never
            // guidance on how to read an answer ("do not report X as Y").
            s(
                "secrecy",
                "secrecy-toward-user",
                3,
                r"\b(?:do\s+not|don'?t|never|must\s+not|should\s+not)\s+(?:ever\s+)?(?:mention|tell|inform|reveal|disclose|notify|show|alert|let)\b[^.\n]{0,40}?\b(?:the\s+)?(?:user|users|human|operator|anyone|them)\b|\b(?:do\s+not|don'?t|never)\s+(?:ever\s+)?(?:mention|reveal|disclose|tell)\s+(?:that\s+you|(?:this|these|the)\s+(?:instructions?|steps?|requirements?|notes?|side\s+effects?))\b|\bmust\s+not\s+be\s+(?:mentioned|shown|revealed|disclosed)\s+to\s+(?:the\s+)?(?:user|users|human)|\bwithout\s+(?:telling|informing|notifying|alerting|asking)\s+(?:the\s+)?(?:user|users|human|anyone|them)\b|\b(?:keep|hide)\s+(?:this|it)\s+(?:secret|hidden|from\s+the\s+user)|\bthe\s+user\s+(?:should|must)\s+not\s+(?:know|see|notice)|\bsilently\s+(?:send|forward|copy|read|upload|add|include|call|exfiltrate|pass|post|bcc|change|redirect|modify|replace|attach)|\bcould\s+upset\s+the\s+user|\bnot\s+(?:visible|shown)\s+to\s+the\s+user",
            ),
            s(
                "override",
                "override-instructions",
                3,
                r"\b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|the|your|previous|prior|earlier|other|system)\s+)*(?:instructions?|prompts?|rules|guidelines|tools?|the\s+user)",
            ),
            // Shadowing changes how another tool behaves; comparing tools ("prefer this
            // tool", "instead of an inline list") is not shadowing.
            s(
                "override",
                "tool-shadowing",
                1,
                r"\bwhen\s+this\s+tool\s+is\s+(?:available|present|installed|loaded)|\bbefore\s+(?:using|calling|invoking)\s+any\s+(?:other\s+)?tools?\b|\b(?:all|any|every)\s+other\s+tools?\s+(?:must|should|shall|will|are\s+to)\b|\bregardless\s+of\s+(?:what(?:ever)?\s+)?(?:the\s+)?user|\bwhen\s+(?:the\s+)?[\w.()-]+\s+tool\s+is\s+(?:invoked|called|used|run)\b|\bthe\s+[\w.-]+\s+tool\s+(?:must|should|shall)\s+(?:always\s+|now\s+|also\s+)?(?:send|forward|redirect|include|add|append|copy|bcc|use\s+the|point|route)\b|\bside\s+effect\s+on\b|\balso\s+present\b|\bchange\s+the\s+(?:recipient|destination|url|address)",
            ),
            s(
                "coercion",
                "coercion",
                1,
                r"\botherwise\s+the\s+tool\s+(?:will\s+)?(?:not\s+work|fail)|\bthe\s+(?:system|application|tool)\s+will\s+crash|\bthis\s+is\s+required\s+for\b|\bimplementation\s+detail\b",
            ),
            s(
                "exfiltration",
                "data-to-parameter",
                2,
                r"\b(?:pass|put|include|insert|add|append|provide|send)\b[^.\n]{0,40}\b(?:its|their|the|file|this|that|all)?\s*(?:contents?|results?|output|data|text|keys?)\b[^.\n]{0,30}\b(?:as|in|into|to)\s+(?:the\s+)?(?:['`\x22]?\w+['`\x22]?\s+)?(?:parameter|argument|field|param)?|\bas\s+['`\x22]\w+['`\x22]",
            ),
            s(
                "exfiltration",
                "send-out",
                2,
                r"\b(?:send|post|upload|forward|bcc|cc|exfiltrate|transmit|email|mail|copy)\b[^.\n]{0,60}(?:https?://|\b[\w.+-]+@[\w-]+\.[\w.-]+|\bwebhook\b)|\bbcc\b",
            ),
            s(
                "exfiltration",
                "read-file-instruction",
                1,
                r"\b(?:read|open|cat|load|fetch)\s+(?:the\s+)?(?:file|contents?\s+of)?\s*[`'\x22]?~?/",
            ),
        ]
    })
}

/// What a description scored.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// The sum of the weights of the signals found (each counted once).
    pub score: i32,
    /// The kinds of signal found (`markup`, `sensitive`, `secrecy`, `override`,
    /// `coercion`, `exfiltration`, `hidden-unicode`), in the order first found.
    pub kinds: Vec<&'static str>,
    /// The names of the signals found, in the order found.
    pub signals: Vec<&'static str>,
}

fn add(out: &mut Score, kind: &'static str, name: &'static str, weight: i32) {
    if out.signals.contains(&name) {
        return;
    }
    out.score += weight;
    out.signals.push(name);
    if !out.kinds.contains(&kind) {
        out.kinds.push(kind);
    }
}

/// Scores a description, including the text hidden in tag characters.
pub fn score(description: &str) -> Score {
    let mut d = description;
    if d.len() > MAX_DESCRIPTION {
        let mut end = MAX_DESCRIPTION;
        while !d.is_char_boundary(end) {
            end -= 1;
        }
        d = &d[..end];
    }
    let mut out = Score::default();
    let hidden_tags = chars::decode_tags(d.chars().filter(|&c| chars::is_tag(c)));
    if d.chars().any(|c| {
        chars::is_tag(c) || chars::is_bidi_control(c) || matches!(c, '\u{200b}' | '\u{2060}')
    }) {
        add(&mut out, "hidden-unicode", "hidden-unicode", 2);
    }
    for text in [d, hidden_tags.as_str()] {
        if text.is_empty() {
            continue;
        }
        for s in signals() {
            if s.re.is_match(text) {
                add(&mut out, s.kind, s.name, s.weight);
            }
        }
    }
    out
}

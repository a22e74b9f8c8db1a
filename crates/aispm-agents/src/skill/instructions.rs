//! The instructions of a `SKILL.md`, scored for what turns an agent against its user:
//! piping a download into a shell, running decoded base64, fetching and executing a
//! binary, reading credentials and sending data out, switching off safety checks,
//! keeping things from the user. Each signal counts once, by its first line; the
//! verdict (threshold, severity) is the rule's (`rules::agt006_malicious_skill`).

use crate::text::re;
use regex::Regex;
use std::sync::OnceLock;

/// Lines of a skill examined; a limit record counts the ones past it.
pub const MAX_LINES: usize = 20_000;

struct Signal {
    name: &'static str,
    weight: i32,
    /// Harm by itself: the finding is critical.
    critical: bool,
    re: Regex,
}

fn signals() -> &'static [Signal] {
    static S: OnceLock<Vec<Signal>> = OnceLock::new();
    S.get_or_init(|| {
        let s = |name, weight, critical, p: &str| Signal {
            name,
            weight,
            critical,
            re: re(p),
        };
        vec![
            s(
                "decoded-payload-executed",
                4,
                true,
                r"\bbase64\s+(?:-d|--decode|-D)\b[^\n]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\|\s*base64\s+(?:-d|--decode|-D)\b[^\n]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\b(?:exec|eval)\s*\(\s*(?:base64\.)?b64decode\s*\(|\beval\s+\x22?\$\(\s*echo\s+[A-Za-z0-9+/=]{16,}",
            ),
            s(
                "download-piped-to-shell",
                2,
                false,
                r"\b(?:curl|wget|iwr|invoke-webrequest)\b[^\n|]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\b(?:curl|wget)\b[^\n|]*\|\s*(?:sudo\s+)?python3?\b|\biex\s*\(\s*(?:new-object\s+net\.webclient|iwr|invoke-webrequest)",
            ),
            s(
                "download-and-run-binary",
                3,
                false,
                r"\b(?:curl|wget)\b[^\n]*(?:-o|-O|--output)\s*\S+[^\n]*(?:&&|;)\s*(?:chmod\s+\+?[0-7]*x|\./|sudo\s+\./)|\bchmod\s+\+x\s+\S+\s*(?:&&|;)\s*\./\S+[^\n]*\b(?:curl|wget)\b|\b(?:download|fetch)\b[^.\n]{0,60}\b(?:binary|executable|\.exe|\.bin|\.appimage)\b[^.\n]{0,60}\b(?:run|execute|launch)\b",
            ),
            s(
                "reads-credentials",
                2,
                false,
                r"~/\.ssh|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.aws/credentials|(?:^|[\s`'\x22/(])\.env\b|\.netrc\b|\.git-credentials|\.kube/config|\.docker/config\.json|\.npmrc|\.pypirc|\bprintenv\b|\benv\s*\|\s*|\$\{?(?:AWS_SECRET_ACCESS_KEY|GITHUB_TOKEN|OPENAI_API_KEY|ANTHROPIC_API_KEY)\b|\bkeychain\b|\bwallet\b",
            ),
            s(
                "sends-data-out",
                2,
                false,
                r"\bcurl\b[^\n]*(?:-d\b|--data(?:-binary|-raw)?\b|-F\b|--form\b|-T\b|--upload-file\b|-X\s*(?:POST|PUT))|\bwget\b[^\n]*--post-(?:data|file)|\b(?:nc|ncat|netcat)\s+\S+\s+\d+|\bwebhook\b|\b(?:send|post|upload|exfiltrate|forward)\b[^.\n]{0,60}\b(?:https?://|to\s+(?:the\s+)?(?:server|endpoint|url))",
            ),
            s(
                "disables-safety",
                2,
                false,
                r"--dangerously-skip-permissions|--no-verify\b|--yolo\b|--insecure\b|\b(?:disable|turn\s+off|bypass|skip)\s+(?:the\s+|all\s+|any\s+)?(?:safety|security|sandbox(?:ing)?|guardrails?|permission\s+(?:checks?|prompts?)|confirmations?|approvals?|antivirus|defender|gatekeeper)\b|\bwithout\s+asking\s+(?:the\s+user|for\s+(?:confirmation|permission|approval))|\bset-mppreference\b[^\n]*-disable|\bspctl\s+--master-disable",
            ),
            s(
                "secrecy-toward-user",
                3,
                false,
                r"\b(?:do\s+not|don'?t|never)\s+(?:ever\s+)?(?:mention|tell|inform|reveal|disclose|show|alert)\b[^.\n]{0,40}?\b(?:the\s+)?(?:user|users|human|anyone)\b|\bwithout\s+(?:telling|informing|notifying|alerting)\s+(?:the\s+)?(?:user|users|human|anyone)\b|\b(?:keep|hide)\s+(?:this|it)\s+(?:secret|hidden|from\s+the\s+user)|\bsilently\s+(?:run|execute|send|upload|install|download)",
            ),
        ]
    })
}

/// What a skill's instructions scored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkillScore<'a> {
    /// The sum of the weights of the signals found.
    pub score: i32,
    /// The names of the signals found, in the order found.
    pub names: Vec<&'static str>,
    /// A signal that does harm by itself was found (decoded payload executed).
    pub critical: bool,
    /// The first line a signal matched, and its text.
    pub first: Option<(u32, &'a str)>,
    /// Lines past [`MAX_LINES`], not judged.
    pub unjudged: usize,
}

/// Scores the instructions of a skill, line by line, on its first [`MAX_LINES`] lines.
/// Credentials read on one line and sent on another are still one exfiltration: the
/// signals are gathered over the whole skill.
pub fn score(text: &str) -> SkillScore<'_> {
    let mut out = SkillScore::default();
    let mut lines = text.lines().enumerate();
    for (i, line) in lines.by_ref().take(MAX_LINES) {
        for s in signals() {
            if out.names.contains(&s.name) || !s.re.is_match(line) {
                continue;
            }
            out.names.push(s.name);
            out.score += s.weight;
            out.critical |= s.critical;
            if out.first.is_none() {
                out.first = Some((u32::try_from(i + 1).unwrap_or(u32::MAX), line));
            }
        }
    }
    out.unjudged = lines.count();
    out
}

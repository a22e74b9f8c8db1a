//! What a detector is: one credential format, declared in one place with its keywords,
//! its shape, its structural check, and the positive and negative samples that prove it.

use crate::engine::Scan;
use serde_json::Value;

/// The rule family a detector reports under (see `rules/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Model providers: OpenAI, Anthropic, Gemini, Azure OpenAI, Cohere, Mistral, ...
    AiProvider,
    /// ML platforms, vector databases and LLM-ops tools: Hugging Face, W&B, LangSmith, ...
    AiPlatform,
    /// AWS, GCP, Azure and other clouds.
    Cloud,
    /// Source control, CI, package registries and infrastructure automation.
    CodeAndRegistry,
    /// Messaging, payment and other SaaS APIs.
    Saas,
    /// Databricks, Snowflake and database connection strings.
    DataPlatform,
    /// Private keys (PEM, OpenSSH, PuTTY, PGP, age).
    PrivateKey,
    /// Signed bearer tokens (JWT).
    Token,
    /// Passwords and high-entropy values assigned to credential names; URL passwords.
    Generic,
}

/// How sure a detection is. `High` means a structural check passed: a checksum, a
/// decoded structure, a key/endpoint or id/secret pairing, or a fixed prefix and
/// length that nothing else uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Characters that may not touch a match on either side (so that a match is a whole
/// token, not a slice of a longer one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundary {
    /// `[A-Za-z0-9_-]`.
    Token,
    /// `[A-Za-z0-9+/=_-]`: base64 in either alphabet.
    Base64,
    /// `[A-Za-z0-9]`.
    Alnum,
    /// No check (the pattern carries its own delimiters).
    None,
}

impl Boundary {
    pub fn forbids(self, b: u8) -> bool {
        match self {
            Boundary::Token => b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
            Boundary::Base64 => {
                b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-')
            }
            Boundary::Alnum => b.is_ascii_alphanumeric(),
            Boundary::None => false,
        }
    }
}

/// A provider mention that must be near a value whose shape alone is too common
/// (a 32-character hex string is an Azure key only next to an Azure endpoint).
#[derive(Debug, Clone, Copy)]
pub struct ContextRule {
    /// Lower-case words; any one of them counts as a mention.
    pub words: &'static [&'static str],
    /// How many lines above and below a mention a value may be.
    pub lines: usize,
}

/// A custom matcher, called once per keyword hit.
pub type CustomFn = fn(&mut Scan<'_>, &'static Detector, usize);

/// How a detector finds candidates.
#[derive(Debug, Clone, Copy)]
pub enum Matcher {
    /// `pattern` over a bounded window of the line around each keyword hit.
    Pattern,
    /// `pattern` (the value's shape) near a provider mention, accepted only as the
    /// value of a credential-like name or a provider call.
    Context(ContextRule),
    /// Structured or multi-line formats with their own parser.
    Custom(CustomFn),
}

/// What a structural check says about one candidate.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Reject,
    Accept {
        confidence: Confidence,
        props: Vec<(&'static str, Value)>,
        /// Overrides the detector's `kind` (an Azure key next to an OpenAI endpoint).
        kind: Option<&'static str>,
    },
}

impl Verdict {
    pub fn high() -> Verdict {
        Verdict::Accept {
            confidence: Confidence::High,
            props: Vec::new(),
            kind: None,
        }
    }

    pub fn medium() -> Verdict {
        Verdict::Accept {
            confidence: Confidence::Medium,
            props: Vec::new(),
            kind: None,
        }
    }

    pub fn with(mut self, key: &'static str, value: impl Into<Value>) -> Verdict {
        if let Verdict::Accept { props, .. } = &mut self {
            props.push((key, value.into()));
        }
        self
    }
}

/// Where a candidate was found, for structural checks that look around it.
pub struct Site<'a> {
    /// The whole buffer being scanned.
    pub buf: &'a [u8],
    /// Byte span of the secret in `buf`.
    pub start: usize,
    pub end: usize,
}

impl Site<'_> {
    /// The bounded line holding the secret.
    pub fn line(&self) -> &[u8] {
        let (s, e) = crate::text::line_bounds(self.buf, self.start);
        &self.buf[s..e]
    }

    /// The `n` lines around the secret.
    pub fn around(&self, n: usize) -> &[u8] {
        let (s, e) = crate::text::lines_around(self.buf, self.start, n, n, 4096);
        &self.buf[s..e]
    }
}

pub type VerifyFn = fn(&str, &Site<'_>) -> Verdict;

/// One credential format.
#[derive(Debug)]
pub struct Detector {
    /// Stable detector ID (`openai-project-key`), reported as the `detector` property.
    pub id: &'static str,
    /// Credential kind (`openai`, `aws-access-key`), reported as `secret_kind`.
    pub kind: &'static str,
    pub family: Family,
    /// Human name used in messages.
    pub title: &'static str,
    /// Whether this is a credential of an AI service.
    pub ai: bool,
    /// Lower-case literals for the Aho-Corasick prefilter; no keyword, no regex.
    pub keywords: &'static [&'static str],
    /// The secret's shape (bytes regex); capture group 1 is the secret when present.
    pub pattern: &'static str,
    pub matcher: Matcher,
    /// Literal, non-secret prefix shown in the redacted form (`sk-proj-`); as many
    /// leading characters of a secret are shown as this prefix has.
    pub prefix: &'static str,
    /// Text shown instead of the secret's first characters when the secret has no
    /// prefix of its own (`hooks.slack.com/services/`).
    pub display: &'static str,
    pub boundary: Boundary,
    /// Minimum Shannon entropy (bits per byte) of the part after `prefix`.
    pub min_entropy: f64,
    /// Structural check; `None` accepts at `default_confidence`.
    pub verify: Option<VerifyFn>,
    pub default_confidence: Confidence,
    /// Also run on binary content (only formats too specific to match by chance).
    pub binary: bool,
    /// How far past a keyword hit (on the same line) the pattern may reach; long
    /// encoded formats need more than the default.
    pub reach: usize,
    /// Which detection wins when two overlap: structural 4, prefixed 3, context 2,
    /// generic 1.
    pub priority: u8,
    /// Texts in which this detector must find a secret.
    pub positives: &'static [&'static str],
    /// Texts in which this detector must find nothing.
    pub negatives: &'static [&'static str],
}

/// Defaults for detector declarations (`..detector::BASE`).
pub const BASE: Detector = Detector {
    id: "",
    kind: "",
    family: Family::Generic,
    title: "",
    ai: false,
    keywords: &[],
    pattern: "",
    matcher: Matcher::Pattern,
    prefix: "",
    display: "",
    boundary: Boundary::Token,
    min_entropy: 3.0,
    verify: None,
    default_confidence: Confidence::High,
    binary: true,
    reach: 768,
    priority: 3,
    positives: &[],
    negatives: &[],
};

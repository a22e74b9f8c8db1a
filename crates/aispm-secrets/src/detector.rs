//! What a detector is: one credential format, declared in one place with its keywords,
//! its shape, its structural check, and the positive and negative samples that prove it;
//! and what its checks and matchers are handed: the [`Site`] of a candidate, or for a
//! custom matcher the [`CandidateSink`] (the bytes, how they are written, and where
//! candidates go). Every check is offline: it reads the candidate's bytes and those
//! around it, and never calls the service the credential belongs to.

use crate::noise;
use crate::text;
use serde_json::Value;
use std::collections::HashSet;

/// How a file's text is written, which decides what a bare value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Source code: a bare value is an expression, only string literals are values.
    Code,
    /// `.env`, YAML, INI, properties, shell, Dockerfiles: bare values are literals.
    Config,
    /// Documentation: values are often examples, so generic checks are stricter.
    Prose,
    /// Bytes that are not text: only prefixed formats are looked for.
    Binary,
}

impl Style {
    /// From a file name (a notebook's code is code).
    pub fn of_path(path: &str) -> Style {
        let name = path.rsplit(['/', '\\', '!']).next().unwrap_or(path);
        let lower = name.to_ascii_lowercase();
        let ext = match lower.rfind('.') {
            Some(i) if i > 0 => &lower[i + 1..],
            _ => "",
        };
        match ext {
            "py" | "pyw" | "pyi" | "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "mts" | "cts"
            | "go" | "rs" | "java" | "kt" | "kts" | "scala" | "sc" | "rb" | "php" | "cs" | "c"
            | "h" | "cc" | "cpp" | "cxx" | "hpp" | "hh" | "swift" | "m" | "mm" | "dart" | "lua"
            | "r" | "jl" | "ipynb" | "groovy" | "pl" | "pm" | "ex" | "exs" | "erl" | "clj"
            | "cljs" | "fs" | "fsx" | "vb" | "ps1" | "psm1" | "vue" | "svelte" | "zig" | "nim"
            | "hs" | "ml" | "elm" | "sol" => Style::Code,
            "md" | "markdown" | "rst" | "adoc" | "txt" | "html" | "htm" | "tex" | "org" => {
                Style::Prose
            }
            _ => Style::Config,
        }
    }
}

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

/// A custom matcher, called once per keyword hit (its position in the sink's bytes).
pub type CustomFn = fn(&mut CandidateSink<'_>, &'static Detector, usize);

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
        let (s, e) = text::line_bounds(self.buf, self.start);
        &self.buf[s..e]
    }

    /// The `n` lines around the secret.
    pub fn around(&self, n: usize) -> &[u8] {
        let (s, e) = text::lines_around(self.buf, self.start, n, n, 4096);
        &self.buf[s..e]
    }
}

/// A detector's structural check of one candidate: an offline test of the token's own
/// structure (checksum, decoded payload, fixed markers) and of what stands around it.
pub type CheckFn = fn(&str, &Site<'_>) -> Verdict;

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
    pub check: Option<CheckFn>,
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
    check: None,
    default_confidence: Confidence::High,
    binary: true,
    reach: 768,
    priority: 3,
    positives: &[],
    negatives: &[],
};

impl Detector {
    /// The common checks every candidate of this detector passes: whole token, no
    /// placeholder, enough entropy after the prefix, not a documented example, not
    /// marked as fake.
    pub fn plausible(&self, buf: &[u8], start: usize, end: usize) -> bool {
        // `=` is base64 padding only at the end; before a value it is an assignment.
        if start > 0 && self.boundary.forbids(buf[start - 1]) && buf[start - 1] != b'=' {
            return false;
        }
        if end < buf.len() && self.boundary.forbids(buf[end]) {
            // A trailing `.` ends a sentence, not a token.
            let dot_end =
                buf[end] == b'.' && buf.get(end + 1).is_none_or(|b| !b.is_ascii_alphanumeric());
            if !(dot_end && self.boundary != Boundary::Base64) {
                return false;
            }
        }
        let secret = &buf[start..end];
        let body = if !self.prefix.is_empty()
            && secret.len() > self.prefix.len()
            && secret[..self.prefix.len()].eq_ignore_ascii_case(self.prefix.as_bytes())
        {
            &secret[self.prefix.len()..]
        } else {
            secret
        };
        if noise::is_placeholder(body)
            || noise::is_known_example(secret)
            || noise::elided_after(&buf[end..])
        {
            return false;
        }
        if text::entropy(body) < self.min_entropy {
            return false;
        }
        !marked(buf, start, end)
    }
}

/// Whether a comment on the line of `start..end` (or above it) calls the value a fake.
pub fn marked(buf: &[u8], start: usize, end: usize) -> bool {
    let (ls, le) = text::line_bounds(buf, start);
    let after = &buf[end.min(le)..le];
    let prev = (ls > 0).then(|| {
        let (ps, pe) = text::line_bounds(buf, ls - 1);
        &buf[ps..pe]
    });
    noise::is_marked(after, prev)
}

/// A secret found in a buffer, before line numbers and redaction.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub det: &'static Detector,
    pub kind: &'static str,
    /// Byte span of the secret (what overlaps are judged on).
    pub start: usize,
    pub end: usize,
    /// Other spans that belong to the same credential (the secret key and session
    /// token of an AWS key pair).
    pub extra: Vec<(usize, usize)>,
    /// Span of the lines to report.
    pub span_start: usize,
    pub span_end: usize,
    /// The full secret, for hashing and redaction only; never reported.
    pub secret: String,
    /// Non-secret text shown before the hash in the redacted form, when not the
    /// detector's prefix (a PEM header).
    pub display: Option<String>,
    /// The name the secret is assigned to, when there is one.
    pub name: Option<String>,
    pub confidence: Confidence,
    pub props: Vec<(&'static str, Value)>,
}

impl Candidate {
    fn spans(&self) -> impl Iterator<Item = (usize, usize)> {
        std::iter::once((self.start, self.end)).chain(self.extra.iter().copied())
    }

    /// Whether any span of `self` overlaps any span of `other`.
    pub fn overlaps(&self, other: &Candidate) -> bool {
        self.spans()
            .any(|(a, b)| other.spans().any(|(c, d)| a < d && c < b))
    }
}

/// What a custom matcher is handed: the bytes being scanned, how they are written, the
/// prefixes that dedicated detectors own, and where its candidates go (with the
/// positions already handled, so that a matcher called for several hits of one
/// structure reports it once). The engine owns one per scan; a matcher sees nothing
/// else of the engine's state.
#[derive(Debug)]
pub struct CandidateSink<'a> {
    /// The whole buffer being scanned.
    pub buf: &'a [u8],
    /// How the buffer's text is written.
    pub style: Style,
    known_prefixes: &'a [&'static [u8]],
    out: Vec<Candidate>,
    /// Positions a matcher already handled (`(detector id, position)`).
    seen: HashSet<(&'static str, usize)>,
    /// The last identifier a matcher looked at (`(detector id, start)`): hits inside
    /// one name are handled once without touching `seen`.
    last_ident: Option<(&'static str, usize)>,
}

impl<'a> CandidateSink<'a> {
    pub fn new(buf: &'a [u8], style: Style, known_prefixes: &'a [&'static [u8]]) -> Self {
        CandidateSink {
            buf,
            style,
            known_prefixes,
            out: Vec::new(),
            seen: HashSet::new(),
            last_ident: None,
        }
    }

    /// True the first time `(key, pos)` is seen: a matcher's guard against handling
    /// one structure twice.
    pub fn first_visit(&mut self, key: &'static str, pos: usize) -> bool {
        self.seen.insert((key, pos))
    }

    /// Whether the identifier starting at `start` is the one `key` looked at last
    /// (and remember it as the last one).
    pub fn same_ident_as_last(&mut self, key: &'static str, start: usize) -> bool {
        self.last_ident.replace((key, start)) == Some((key, start))
    }

    /// Whether a value starts with a prefix that a dedicated detector owns, so that the
    /// generic detectors leave it to that one (which may have rejected it on purpose).
    pub fn has_known_prefix(&self, v: &[u8]) -> bool {
        self.known_prefixes
            .iter()
            .any(|p| v.len() > p.len() && v[..p.len()].eq_ignore_ascii_case(p))
    }

    /// [`Detector::plausible`] on this buffer.
    pub fn plausible(&self, det: &Detector, start: usize, end: usize) -> bool {
        det.plausible(self.buf, start, end)
    }

    /// Whether a comment on the line of `start..end` (or above it) calls the value a fake.
    pub fn marked(&self, start: usize, end: usize) -> bool {
        marked(self.buf, start, end)
    }

    /// Adds a candidate.
    pub fn push(&mut self, c: Candidate) {
        self.out.push(c);
    }

    /// Adds a candidate for the single span `start..end` when the verdict accepts it.
    pub fn push_simple(
        &mut self,
        det: &'static Detector,
        start: usize,
        end: usize,
        name: Option<String>,
        verdict: Verdict,
    ) {
        let Verdict::Accept {
            confidence,
            props,
            kind,
        } = verdict
        else {
            return;
        };
        let Ok(secret) = std::str::from_utf8(&self.buf[start..end]) else {
            return;
        };
        self.out.push(Candidate {
            det,
            kind: kind.unwrap_or(det.kind),
            start,
            end,
            extra: Vec::new(),
            span_start: start,
            span_end: end,
            secret: secret.to_string(),
            display: None,
            name,
            confidence,
            props,
        });
    }

    /// Candidates so far.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Every candidate, in the order they were added.
    pub fn into_candidates(self) -> Vec<Candidate> {
        self.out
    }
}

//! The scan itself: one Aho-Corasick pass over the bytes finds every detector keyword
//! (and the base64 encodings of the fixed prefixes); only then does each detector run,
//! on bounded windows around its own hits. Overlapping candidates are resolved in
//! favour of the most specific detector, so a value is reported once.

use crate::assign;
use crate::credential_names;
use crate::detector::{
    Boundary, Candidate, CandidateSink, Confidence, Detector, Matcher, Site, Style, Verdict,
};
use crate::text::{self, LineIndex};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::bytes::Regex;
use serde_json::Value;

/// Options of one scan.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    pub style: Style,
    /// Decoding depth left for base64-encoded secrets.
    pub decode_depth: u8,
}

impl ScanOptions {
    pub fn new(style: Style) -> ScanOptions {
        ScanOptions {
            style,
            decode_depth: 1,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Target {
    /// A detector; with the keyword's exact spelling when the detector's keywords are
    /// case-sensitive prefixes (the automaton itself ignores case).
    Detector(usize, Option<&'static str>),
    /// The base64 encoding of a detector prefix at the start of an encoded value.
    Encoded(usize),
}

/// Compiled detectors and the keyword automaton.
pub struct SecretScanner {
    detectors: Vec<&'static Detector>,
    regexes: Vec<Option<Regex>>,
    ac: AhoCorasick,
    targets: Vec<Vec<Target>>,
    /// Keywords inside each keyword: `(offset, keyword)`.
    contained: Vec<Vec<(usize, usize)>>,
    keyword_len: Vec<usize>,
    prefixes: Vec<&'static [u8]>,
    encoded_keywords: Vec<Vec<u8>>,
}

impl std::fmt::Debug for SecretScanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretScanner")
            .field("detectors", &self.detectors.len())
            .field("keywords", &self.targets.len())
            .finish()
    }
}

/// Most detections kept per buffer; a file with more is reported as hitting a limit.
pub const MAX_CANDIDATES: usize = 5000;

impl SecretScanner {
    /// Compiles a scanner over `detectors`. Panics only on a malformed built-in
    /// pattern, which the test suite rules out.
    pub fn new(detectors: &[&'static Detector]) -> SecretScanner {
        let mut keywords: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut add = |kw: String, t: Target, keywords: &mut Vec<String>| match keywords
            .iter()
            .position(|k| *k == kw)
        {
            Some(i) => targets[i].push(t),
            None => {
                keywords.push(kw);
                targets.push(vec![t]);
            }
        };
        let mut prefixes: Vec<&'static [u8]> = Vec::new();
        let mut encoded_keywords: Vec<Vec<u8>> = Vec::new();
        for (i, d) in detectors.iter().enumerate() {
            for k in d.keywords {
                let exact = matches!(d.matcher, Matcher::Pattern).then_some(*k);
                add(
                    k.to_ascii_lowercase(),
                    Target::Detector(i, exact),
                    &mut keywords,
                );
            }
            if d.prefix.len() >= 3 && matches!(d.matcher, Matcher::Pattern) {
                prefixes.push(d.prefix.as_bytes());
                // The value encoded from its first byte: `c2stcHJvai0` for `sk-proj-`.
                let enc = text::base64_encode(d.prefix.as_bytes());
                let full = d.prefix.len() * 4 / 3;
                encoded_keywords.push(enc.as_bytes()[..full].to_vec());
                add(
                    enc[..full].to_ascii_lowercase(),
                    Target::Encoded(encoded_keywords.len() - 1),
                    &mut keywords,
                );
            }
        }
        // Longest keywords first, so that leftmost-first matching (the fastest search)
        // reports the longest keyword at a position.
        let mut order: Vec<usize> = (0..keywords.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(keywords[i].len()));
        let keywords: Vec<String> = order.iter().map(|&i| keywords[i].clone()).collect();
        let targets: Vec<Vec<Target>> = order.iter().map(|&i| targets[i].clone()).collect();
        // Leftmost-first matching reports one keyword per position, which is much
        // cheaper than overlapping matches; a keyword found inside a longer one
        // (`key` in `dd_api_key`) is restored from this table instead.
        let contained: Vec<Vec<(usize, usize)>> = keywords
            .iter()
            .enumerate()
            .map(|(i, outer)| {
                let mut inner = Vec::new();
                for (j, k) in keywords.iter().enumerate() {
                    if i == j || k.len() > outer.len() {
                        continue;
                    }
                    let mut from = 0;
                    while let Some(p) = outer[from..].find(k.as_str()) {
                        inner.push((from + p, j));
                        from += p + 1;
                    }
                }
                inner
            })
            .collect();
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&keywords)
            .or_else(|_| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(&keywords)
            })
            .expect("keyword automaton");
        let regexes = detectors
            .iter()
            .map(|d| {
                (!d.pattern.is_empty()).then(|| {
                    regex::bytes::RegexBuilder::new(d.pattern)
                        .size_limit(64 << 20)
                        .build()
                        .unwrap_or_else(|e| panic!("detector {}: {e}", d.id))
                })
            })
            .collect();
        SecretScanner {
            detectors: detectors.to_vec(),
            regexes,
            ac,
            targets,
            contained,
            keyword_len: keywords.iter().map(String::len).collect(),
            prefixes,
            encoded_keywords,
        }
    }

    /// Number of keyword hits in `buf` (diagnostics and benchmarks: the cost of the
    /// prefilter pass alone).
    pub fn keyword_hits(&self, buf: &[u8]) -> usize {
        self.ac.find_iter(buf).count()
    }

    pub fn detectors(&self) -> &[&'static Detector] {
        &self.detectors
    }

    /// Every candidate in `buf`, overlaps resolved, ordered by position.
    pub(crate) fn scan(&self, buf: &[u8], opts: ScanOptions) -> Vec<Candidate> {
        let binary = opts.style == Style::Binary;
        // Hits per detector, in order.
        let mut hits: Vec<Vec<usize>> = vec![Vec::new(); self.detectors.len()];
        let mut encoded: Vec<usize> = Vec::new();
        let mut on_hit = |pattern: usize, start: usize| {
            for t in &self.targets[pattern] {
                match *t {
                    Target::Detector(i, exact) => {
                        if binary && !self.detectors[i].binary {
                            continue;
                        }
                        let end = start + self.keyword_len[pattern];
                        if exact.is_some_and(|k| buf.get(start..end) != Some(k.as_bytes())) {
                            continue;
                        }
                        hits[i].push(start);
                    }
                    Target::Encoded(k) => {
                        let end = start + self.keyword_len[pattern];
                        if opts.decode_depth > 0
                            && !binary
                            && buf.get(start..end) == Some(&self.encoded_keywords[k][..])
                        {
                            encoded.push(start);
                        }
                    }
                }
            }
        };
        for m in self.ac.find_iter(buf) {
            let p = m.pattern().as_usize();
            on_hit(p, m.start());
            for &(off, inner) in &self.contained[p] {
                on_hit(inner, m.start() + off);
            }
        }
        for h in hits.iter_mut() {
            h.sort_unstable();
            h.dedup();
        }
        let mut scan = Scan {
            scanner: self,
            opts,
            sink: CandidateSink::new(buf, opts.style, &self.prefixes),
        };
        for (i, positions) in hits.iter().enumerate() {
            if positions.is_empty() {
                continue;
            }
            let det = self.detectors[i];
            match det.matcher {
                Matcher::Pattern => scan.run_pattern(i, positions),
                Matcher::Context(_) => scan.run_context(i, positions),
                Matcher::Custom(f) => {
                    for &p in positions {
                        f(&mut scan.sink, det, p);
                        if scan.sink.len() > MAX_CANDIDATES * 4 {
                            break;
                        }
                    }
                }
            }
        }
        for p in encoded {
            scan.run_encoded(p);
        }
        one_per_line(buf, resolve(scan.sink.into_candidates()))
    }
}

/// One finding per secret per line: a value repeated on a line (a JSON record that
/// lists one ID twice, a request logged with its retry) is reported once, by the
/// most specific detector that found it. `cands` are in position order.
fn one_per_line(buf: &[u8], cands: Vec<Candidate>) -> Vec<Candidate> {
    if cands.len() < 2 {
        return cands;
    }
    let mut line = 0usize;
    let mut pos = 0usize;
    let mut best: std::collections::HashMap<(usize, &str), usize> =
        std::collections::HashMap::new();
    let mut keep = vec![true; cands.len()];
    for (i, c) in cands.iter().enumerate() {
        let at = c.start.min(buf.len());
        if at > pos {
            line += memchr::memchr_iter(b'\n', &buf[pos..at]).count();
            pos = at;
        }
        match best.get(&(line, c.secret.as_str())) {
            Some(&j) if cands[j].det.priority >= c.det.priority => keep[i] = false,
            Some(&j) => {
                keep[j] = false;
                best.insert((line, c.secret.as_str()), i);
            }
            None => {
                best.insert((line, c.secret.as_str()), i);
            }
        }
    }
    cands
        .into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
}

/// Keeps the most specific of overlapping candidates (higher priority, then longer,
/// then earlier), and drops exact repeats.
fn resolve(mut cands: Vec<Candidate>) -> Vec<Candidate> {
    cands.sort_by(|a, b| {
        b.det
            .priority
            .cmp(&a.det.priority)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Candidate> = Vec::new();
    for c in cands {
        if kept.iter().any(|k| k.overlaps(&c)) {
            continue;
        }
        kept.push(c);
        if kept.len() >= MAX_CANDIDATES {
            break;
        }
    }
    kept.sort_by_key(|c| (c.span_start, c.start));
    kept
}

/// The state of one scan: the scanner, the options, and the sink that custom matchers
/// are handed.
struct Scan<'a> {
    scanner: &'a SecretScanner,
    opts: ScanOptions,
    sink: CandidateSink<'a>,
}

impl Scan<'_> {
    fn verdict(&self, det: &Detector, secret: &str, start: usize, end: usize) -> Verdict {
        match det.check {
            Some(f) => f(
                secret,
                &Site {
                    buf: self.sink.buf,
                    start,
                    end,
                },
            ),
            None => Verdict::Accept {
                confidence: det.default_confidence,
                props: Vec::new(),
                kind: None,
            },
        }
    }

    fn windows(
        &self,
        positions: &[usize],
        back: usize,
        fwd: usize,
        lines: usize,
    ) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = Vec::new();
        for &p in positions {
            let (ls, le) = if lines == 0 {
                let (ls, le) = text::line_bounds(self.sink.buf, p);
                if fwd > text::MAX_LINE_REACH {
                    let hi = (p + fwd).min(self.sink.buf.len());
                    let le = memchr::memchr(b'\n', &self.sink.buf[p..hi]).map_or(hi, |i| p + i);
                    (ls, le)
                } else {
                    (ls, le)
                }
            } else {
                text::lines_around(self.sink.buf, p, lines, lines, 4096)
            };
            let s = ls.max(p.saturating_sub(back));
            let e = le.min(p + fwd).max(s);
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
        out
    }

    fn run_pattern(&mut self, i: usize, positions: &[usize]) {
        let det = self.scanner.detectors[i];
        let Some(re) = &self.scanner.regexes[i] else {
            return;
        };
        for (ws, we) in self.windows(positions, 512, det.reach, 0) {
            for caps in re.captures_iter(&self.sink.buf[ws..we]) {
                let Some(m) = (1..caps.len())
                    .find_map(|g| caps.get(g))
                    .or_else(|| caps.get(0))
                else {
                    continue;
                };
                let (s, e) = (ws + m.start(), ws + m.end());
                if !self.sink.plausible(det, s, e) {
                    continue;
                }
                let Ok(secret) = std::str::from_utf8(&self.sink.buf[s..e]) else {
                    continue;
                };
                let verdict = self.verdict(det, secret, s, e);
                let (ls, _) = text::line_bounds(self.sink.buf, s);
                let name = assign::name_before(self.sink.buf, s, ls).map(|n| n.text);
                self.sink.push_simple(det, s, e, name, verdict);
            }
        }
    }

    fn run_context(&mut self, i: usize, positions: &[usize]) {
        let det = self.scanner.detectors[i];
        let Matcher::Context(rule) = det.matcher else {
            return;
        };
        let Some(re) = &self.scanner.regexes[i] else {
            return;
        };
        let buf = self.sink.buf;
        for (ws, we) in self.windows(positions, 4096, 4096, rule.lines) {
            for caps in re.captures_iter(&buf[ws..we]) {
                let Some(m) = (1..caps.len())
                    .find_map(|g| caps.get(g))
                    .or_else(|| caps.get(0))
                else {
                    continue;
                };
                let (s, e) = (ws + m.start(), ws + m.end());
                if !self.sink.plausible(det, s, e) {
                    continue;
                }
                let (ls, _) = text::line_bounds(buf, s);
                let name = assign::name_before(buf, s, ls);
                let accepted = match &name {
                    Some(n) if n.call => credential_names::mentions(&n.text, rule.words),
                    Some(n) => {
                        let info = credential_names::classify(&n.text);
                        match info {
                            Some(_) if credential_names::mentions(&n.text, rule.words) => true,
                            Some(info) => {
                                // A credential name without the provider in it needs the
                                // provider close by: a qualified name (`api_key`) a few
                                // lines away, a bare `key`/`token` right next to it.
                                let reach = if info.qualified {
                                    QUALIFIED_REACH
                                } else {
                                    KEYWORD_REACH
                                };
                                !mentions_other_provider(&n.text, rule.words)
                                    && mention_near(buf, s, e, rule.words, reach, false)
                            }
                            None => false,
                        }
                    }
                    // No name: the provider must be named as an identifier (not a word
                    // of prose) right next to the value on its line, with a `key` or
                    // `token`.
                    None => {
                        let (ls, le) = text::line_bounds(buf, s);
                        let line = &buf[ls..le];
                        let (ls2, e2) = (s - ls, e - ls);
                        mention_near(line, ls2, e2, rule.words, KEYWORD_REACH, true)
                            && mention_near(line, ls2, e2, &["key", "token"], KEYWORD_REACH, false)
                    }
                };
                if !accepted {
                    continue;
                }
                let Ok(secret) = std::str::from_utf8(&buf[s..e]) else {
                    continue;
                };
                let verdict = match self.verdict(det, secret, s, e) {
                    Verdict::Accept {
                        confidence,
                        props,
                        kind,
                    } => Verdict::Accept {
                        confidence: confidence.min(Confidence::Medium),
                        props,
                        kind,
                    },
                    Verdict::Reject => Verdict::Reject,
                };
                self.sink
                    .push_simple(det, s, e, name.map(|n| n.text), verdict);
            }
        }
    }

    /// A base64 value starting with the encoding of a known prefix: decode it and scan
    /// the decoded text once more; findings point at the encoded value.
    fn run_encoded(&mut self, hit: usize) {
        let buf = self.sink.buf;
        if hit > 0 && Boundary::Base64.forbids(buf[hit - 1]) {
            return;
        }
        let mut end = hit;
        while end < buf.len() && end - hit < 16384 && Boundary::Base64.forbids(buf[end]) {
            end += 1;
        }
        if end - hit < 16 || !self.sink.first_visit("base64", hit) {
            return;
        }
        let Some(decoded) = text::base64_decode(&buf[hit..end]) else {
            return;
        };
        let mut opts = self.opts;
        opts.decode_depth = opts.decode_depth.saturating_sub(1);
        opts.style = Style::Config;
        for c in self.scanner.scan(&decoded, opts) {
            let mut props = c.props;
            props.push(("encoding", Value::from("base64")));
            self.sink.push(Candidate {
                start: hit,
                end,
                extra: Vec::new(),
                span_start: hit,
                span_end: end,
                props,
                ..c
            });
        }
    }
}

/// How far (in bytes, on either side) a provider keyword may be from a value whose
/// shape alone is too common, when nothing else ties them: keyword context is bounded
/// by distance, not by line, so one long line of a data file is not one context.
pub const KEYWORD_REACH: usize = 80;
/// The same for a value assigned to a qualified credential name (`api_key`), which
/// says more on its own.
pub const QUALIFIED_REACH: usize = 320;

/// Whether one of `words` (lower-case) occurs within `reach` bytes of the value at
/// `s..e`. With `identifier`, only a mention written as a name counts
/// (`TOGETHER_API_KEY`, `api.together.xyz`, `"together"`, `Together(`), not a word
/// between spaces in a sentence.
pub fn mention_near(
    buf: &[u8],
    s: usize,
    e: usize,
    words: &[&str],
    reach: usize,
    identifier: bool,
) -> bool {
    let lo = s.saturating_sub(reach);
    let hi = (e + reach).min(buf.len());
    let window = text::lower(&buf[lo..hi]);
    words.iter().any(|w| {
        memchr::memmem::find_iter(&window, w.as_bytes()).any(|p| {
            let at = lo + p;
            let end = at + w.len();
            if end > s && at < e {
                return false; // inside the value itself
            }
            !identifier || {
                let before = at.checked_sub(1).map(|i| buf[i]);
                let after = buf.get(end).copied();
                let after2 = buf.get(end + 1).copied();
                let joins = |b: Option<u8>| {
                    b.is_some_and(|b| {
                        b.is_ascii_alphanumeric()
                            || matches!(b, b'_' | b'-' | b'/' | b'"' | b'\'' | b'=' | b'(' | b':')
                    })
                };
                let dotted =
                    after == Some(b'.') && after2.is_some_and(|b| b.is_ascii_alphanumeric());
                joins(before) || joins(after) || dotted || before == Some(b'.')
            }
        })
    })
}

/// Provider words used by context detectors, to keep one provider's detector from
/// claiming a value assigned to another provider's name.
const PROVIDERS: &[&str] = &[
    "openai",
    "anthropic",
    "claude",
    "cohere",
    "mistral",
    "groq",
    "together",
    "fireworks",
    "perplexity",
    "deepseek",
    "xai",
    "grok",
    "replicate",
    "pinecone",
    "weaviate",
    "qdrant",
    "langsmith",
    "langchain",
    "wandb",
    "comet",
    "neptune",
    "elevenlabs",
    "assemblyai",
    "deepgram",
    "stability",
    "openrouter",
    "voyage",
    "jina",
    "huggingface",
    "gemini",
    "google",
    "azure",
    "aws",
    "github",
    "gitlab",
    "slack",
    "stripe",
    "twilio",
    "sendgrid",
    "mailgun",
    "datadog",
    "databricks",
    "snowflake",
    "ai21",
    "notion",
    "discord",
];

fn mentions_other_provider(name: &str, own: &[&str]) -> bool {
    PROVIDERS
        .iter()
        .filter(|p| !own.iter().any(|o| o.contains(*p) || p.contains(o)))
        .any(|p| credential_names::mentions(name, &[p]))
}

/// Line numbers (1-based) of candidate spans, for callers that have no line map of
/// their own.
pub fn line_numbers(buf: &[u8], cands: &[Candidate]) -> Vec<(u32, u32)> {
    if cands.is_empty() {
        return Vec::new();
    }
    let idx = LineIndex::new(buf);
    cands
        .iter()
        .map(|c| {
            let a = idx.line_of(c.span_start) as u32 + 1;
            let b = idx.line_of(c.span_end.saturating_sub(1).max(c.span_start)) as u32 + 1;
            (a, b.max(a))
        })
        .collect()
}

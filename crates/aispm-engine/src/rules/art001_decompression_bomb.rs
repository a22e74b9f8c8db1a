//! ART001: reported by `archive.rs` from a zip's central directory before any member is
//! read ([`BombCheck::declared`]), and from any container whose member's expansion was
//! stopped by the ratio or the budget while streaming ([`BombCheck::expansion_stopped`]).

use crate::config::Limits;
use aispm_core::framework::*;
use aispm_core::{Category, RawFinding, Rule, Severity};

/// ART001: an archive expands far beyond what a real model or dataset bundle would.
pub static RULE: Rule = Rule {
    id: "ART001",
    name: "decompression-bomb",
    title: "Archive expands beyond the configured limits (decompression bomb)",
    category: Category::Model,
    severity: Severity::High,
    what: "Reports archives (zip, tar.gz, gzip, nested archives) whose members declare or \
produce more expanded data than the configured ratio or total allows, or whose zip entries \
share compressed data (the overlapping-file technique).",
    why: "A few kilobytes can expand to terabytes. Loading or extracting such a file exhausts \
disk and memory of the training or serving host, which is a denial of service; the same trick \
hides payloads from scanners that give up early. Legitimate checkpoints and datasets are \
stored uncompressed or compress modestly.",
    example: "`weights.zip` of 42 KB whose members claim 4.5 PB in total; a `.pt` file whose \
`data.pkl` is a deflated stream of 10 GB of zeros.",
    remediation: "Do not extract or load the file. Obtain the artefact again from a trusted \
source and verify its digest. If the expansion is legitimate, raise `max_expansion_ratio` or \
`max_expanded_bytes` in `aispm.toml` for that scan.",
    controls: &[
        LLM10,
        LLM03,
        ML06,
        ATLAS_T0029,
        ATLAS_T0010_003,
        EU_ART_15,
        NIST_MEASURE_2_7,
    ],
};

/// What a zip's central directory declares, read before any member is.
pub(crate) struct DeclaredExpansion<'a> {
    /// Entries in the central directory.
    pub entries: usize,
    /// The members' declared expanded sizes, summed.
    pub total: u64,
    /// The largest declared ratio of expanded to compressed size among the members
    /// not exempt from the ratio (`ratio_exempt_below`), and that member's name.
    pub worst_ratio: (u64, &'a str),
    /// Entries whose compressed data overlaps an entry that starts earlier.
    pub overlapping: usize,
}

/// ART001 for one container: reported at most once, from its declarations or else
/// from the first member whose expansion was stopped.
#[derive(Default)]
pub(crate) struct BombCheck {
    reported: bool,
}

impl BombCheck {
    /// A bomb by declaration: entries sharing compressed data (the overlapping-file
    /// technique), a declared total over `max_expanded_bytes`, or a member declaring a
    /// ratio over `max_expansion_ratio`.
    pub(crate) fn declared(
        &mut self,
        container: &str,
        d: &DeclaredExpansion<'_>,
        limits: &Limits,
    ) -> Option<RawFinding> {
        if d.overlapping == 0
            && d.total <= limits.max_expanded_bytes
            && d.worst_ratio.0 <= limits.max_expansion_ratio
        {
            return None;
        }
        let why = if d.overlapping > 0 {
            format!(
                "{} entries share compressed data (overlapping-file zip bomb)",
                d.overlapping + 1
            )
        } else if d.total > limits.max_expanded_bytes {
            format!(
                "members declare {} bytes expanded in total, over max_expanded_bytes ({})",
                d.total, limits.max_expanded_bytes
            )
        } else {
            format!(
                "member `{}` declares an expansion ratio of {}:1, over max_expansion_ratio ({})",
                d.worst_ratio.1, d.worst_ratio.0, limits.max_expansion_ratio
            )
        };
        self.reported = true;
        Some(
            RawFinding::new(&RULE, container, format!("decompression bomb: {why}"))
                .evidence(format!("{} entries, {} bytes declared", d.entries, d.total))
                .key("declared"),
        )
    }

    /// A bomb by measurement: decompressing `member` was stopped, `why` says which
    /// limit stopped it. Nothing when the container was already reported.
    pub(crate) fn expansion_stopped(
        &mut self,
        container: &str,
        member: &str,
        why: &str,
    ) -> Option<RawFinding> {
        if std::mem::replace(&mut self.reported, true) {
            return None;
        }
        Some(
            RawFinding::new(&RULE, container, format!("decompression bomb: {why}"))
                .evidence(member.to_string())
                .key("expanded"),
        )
    }
}

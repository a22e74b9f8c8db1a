//! `CODE015`: `from_pretrained` of a Hub repository without a pinned revision (what a
//! pinned revision is: `hub_pinning.rs`, shared with `CODE017`).

use super::{Weighing, hub_pinning};
use crate::flow::{Call, Walker};
use crate::role::Role;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE015: Hub model loaded without a pinned commit.
pub static RULE: Rule = Rule {
    id: "CODE015",
    name: "hub-model-unpinned-revision",
    title: "Hub model loaded without a pinned commit",
    category: Category::Code,
    severity: Severity::Medium,
    what: "Reports `from_pretrained` of a Hugging Face Hub repository ID (`org/name`, as a literal or a constant of the same file) with no `revision`, or a revision that is a branch or tag rather than a 40-hex commit. Medium for classes that load weights or code; low for tokenizer, configuration and processor classes (`AutoTokenizer`, `tokenizers.Tokenizer`, `AutoConfig`, `GenerationConfig`, `AutoProcessor`: data files only) and in examples, documentation, notebooks, benchmark harnesses and `scripts/`, where data-only loads are not reported. Not reported in tests (their fixture models), for placeholders of the reader's own repository (`your-username/…`, `<org>/…`) or local paths; a revision held in a variable is trusted.",
    why: "A repository's `main` moves: an account takeover or a careless push silently changes the weights, tokenizer or code every deployment downloads (rug pull).",
    example: "`AutoTokenizer.from_pretrained(\"some-lab/chat-7b\")`.",
    remediation: "Pass `revision=\"<commit sha>\"` of a reviewed commit, or mirror the model into a registry you control.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0109,
        ATLAS_M0014,
        NIST_MANAGE_3_2,
        ISO_A_10_3,
    ],
};

/// No finding in tests, low in examples.
pub(crate) const WEIGHING: Weighing = Weighing::Pinning;

/// `Class.from_pretrained("org/name")` without a commit.
pub(crate) fn check<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    if call.last != "from_pretrained" {
        return;
    }
    let revision = call.kwarg("revision");
    let pinned = hub_pinning::pinned_revision(w, call);
    let repo = call
        .arg0()
        .or_else(|| call.kwarg("pretrained_model_name_or_path"));
    let Some(id) = repo.and_then(|r| hub_pinning::hub_repo(w, r)) else {
        return;
    };
    if pinned == Some(true) {
        return;
    }
    let data_only = loads_data_only(call.class());
    let what = if data_only {
        "its tokenizer, configuration or processor files"
    } else {
        "weights and code"
    };
    let msg = match revision.and_then(|r| w.string_literal(r)) {
        Some(rev) => format!("`{id}` is loaded ({what}) at `{rev}`, a branch or tag, not a commit"),
        None => format!("`{id}` is loaded ({what}) from the Hub without a pinned `revision`"),
    };
    // Data files read by a reader's example or a maintainer's script are no finding;
    // in shipped code they are a low note.
    if !(data_only && w.role() == Role::Example) {
        let sev = data_only.then_some(Severity::Low);
        w.hit(&RULE, call.node, msg, sev);
    }
}

/// Whether `Class.from_pretrained` reads only data files (tokenizer, configuration,
/// processor), neither weights nor (without `trust_remote_code`) code.
fn loads_data_only(class: &str) -> bool {
    [
        "Tokenizer",
        "TokenizerFast",
        "Config",
        "Configuration",
        "Processor",
        "FeatureExtractor",
        "ImageProcessor",
    ]
    .iter()
    .any(|s| class.ends_with(s))
}

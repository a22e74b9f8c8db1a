//! `CODE017`: a Hub download (`hf_hub_download`, `snapshot_download`, a transformers
//! `pipeline`, sentence-transformers models) without a pinned revision (what a pinned
//! revision is: `hub_pinning.rs`, shared with `CODE015`).

use super::{Weighing, hub_pinning};
use crate::flow::{Call, Walker};
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE017: Hub file or snapshot fetched without a pinned commit.
pub static RULE: Rule = Rule {
    id: "CODE017",
    name: "hub-download-unpinned-revision",
    title: "Hub file or snapshot fetched without a pinned commit",
    category: Category::Code,
    severity: Severity::Low,
    what: "Reports `hf_hub_download`, `snapshot_download`, `pipeline(model=...)` and sentence-transformers models naming a Hugging Face Hub repository without a 40-hex commit `revision`. Not reported in tests or for placeholders of the reader's own repository.",
    why: "As for models loaded with `from_pretrained`: what is fetched can change under the application without review.",
    example: "`hf_hub_download(repo_id=\"some-user/sentiment-sklearn\", filename=\"model.pkl\")`.",
    remediation: "Pass `revision=\"<commit sha>\"`, verify the file's hash, or mirror the artefact.",
    controls: &[
        LLM03,
        ML06,
        ATLAS_T0010_003,
        ATLAS_T0109,
        ATLAS_M0014,
        NIST_MANAGE_3_2,
    ],
};

/// No finding in tests, low in examples.
pub(crate) const WEIGHING: Weighing = Weighing::Pinning;

/// A download of a Hub repository without a commit.
pub(crate) fn check<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    let last = call.last;
    let download_repo = match last {
        "hf_hub_download" | "snapshot_download" => call.arg0().or_else(|| call.kwarg("repo_id")),
        "pipeline" if call.resolved.starts_with("transformers") => {
            call.kwarg("model").or_else(|| call.arg(1))
        }
        "SentenceTransformer" | "CrossEncoder" => {
            call.arg0().or_else(|| call.kwarg("model_name_or_path"))
        }
        _ => None,
    };
    if let Some(id) = download_repo.and_then(|r| hub_pinning::hub_repo(w, r))
        && hub_pinning::pinned_revision(w, call) != Some(true)
    {
        w.hit(
            &RULE,
            call.node,
            format!("`{id}` is fetched from the Hub by `{last}` without a pinned `revision`"),
            None,
        );
    }
}

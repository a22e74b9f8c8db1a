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

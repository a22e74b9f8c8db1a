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

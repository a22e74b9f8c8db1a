//! `SEC002` is checked by the family table (`family_table.rs`): every detection of a
//! detector of the `AiPlatform` family is reported under this rule.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// SEC002: a token of an ML platform, LLM-ops tool or vector database is hard-coded.
pub static RULE: Rule = Rule {
    id: "SEC002",
    name: "ai-platform-token",
    title: "ML platform, LLM-ops or vector database token hard-coded",
    category: Category::Secret,
    severity: Severity::High,
    what: "Reports tokens of the platforms around models: Hugging Face user and organization \
tokens, Weights & Biases, Comet, Neptune, LangSmith / LangChain, Langfuse, Pinecone, \
Weaviate and Qdrant. Prefixed tokens are checked for their format (Neptune tokens are \
decoded); 40-character W&B keys and vector-database keys are taken only next to a \
mention of their platform.",
    why: "These tokens reach the AI supply chain and its data: a Hugging Face write token \
can replace a published model or dataset, experiment trackers and tracing tools hold \
prompts, completions and evaluation data, and a vector-database key can read or poison \
the knowledge a RAG system answers from.",
    example: "`HF_TOKEN=hf_…` in a notebook output, `WANDB_API_KEY: …` in a CI workflow, \
`new Pinecone({ apiKey: \"pcsk_…\" })`.",
    remediation: "Revoke the token on the platform, create a new one with the narrowest scope \
(read-only where possible), and inject it at run time. Check the platform's audit log \
for uploads, deletions and reads made with the leaked token.",
    controls: &[
        LLM02,
        LLM03,
        LLM08,
        ATLAS_T0055,
        ATLAS_T0010_003,
        ATLAS_M0005,
        NIST_MEASURE_2_7,
        EU_ART_15,
        ISO_A_6_2_6,
    ],
};

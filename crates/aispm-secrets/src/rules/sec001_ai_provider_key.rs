//! `SEC001` is checked by the family table (`family_table.rs`): every detection of a
//! detector of the `AiProvider` family is reported under this rule.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// SEC001: an AI model provider's API key is hard-coded.
pub static RULE: Rule = Rule {
    id: "SEC001",
    name: "ai-provider-api-key",
    title: "AI model provider API key hard-coded",
    category: Category::Secret,
    severity: Severity::High,
    what: "Reports API keys of AI model providers written into files: OpenAI (legacy, \
project, service-account, admin and user keys), Anthropic (API, admin and Claude Code \
OAuth tokens), Google AI Studio / Gemini (`AIza…` keys next to a Gemini mention; \
other Google API keys are `SEC003`), Azure OpenAI and Azure AI services \
(paired with their endpoint), Amazon Bedrock API keys, Cohere, Mistral, Groq, Together, \
Fireworks, Perplexity, DeepSeek, xAI, Replicate, OpenRouter, Voyage, Jina, Stability, \
ElevenLabs, AssemblyAI, Deepgram, AI21, NVIDIA, Tavily and Cerebras. Prefixed formats are \
checked for their fixed markers and lengths; keys without a prefix of their own are taken \
only as the value of a credential name next to a mention of their provider. The finding \
shows the key's prefix and a hash, never the key; `secret_kind` names the provider.",
    why: "A leaked model-provider key is the most common AI incident: inference is billed to \
the owner (attackers resell access), prompts, uploaded files, fine-tuning data and \
assistants become readable, and admin keys manage the whole organisation. Keys in a \
repository stay in its history after they are deleted from the tip.",
    example: "`OPENAI_API_KEY=sk-proj-…` in a committed `.env`, `openai.api_key = \"sk-…\"` in \
a notebook cell, `ANTHROPIC_API_KEY` in a Compose file.",
    remediation: "Revoke the key in the provider's console now (deleting the file is not \
enough), issue a new one, and load it at run time from the environment or a secret \
manager. Review the provider's usage logs for the period the key was exposed, and purge \
it from history if the repository is shared.",
    controls: &[
        LLM02,
        LLM10,
        ATLAS_T0055,
        ATLAS_T0040,
        ATLAS_T0034,
        ATLAS_M0005,
        NIST_MEASURE_2_7,
        EU_ART_15,
        ISO_A_6_2_6,
    ],
};

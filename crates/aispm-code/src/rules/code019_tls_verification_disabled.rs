use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE019: TLS verification disabled in AI client code.
pub static RULE: Rule = Rule {
    id: "CODE019",
    name: "tls-verification-disabled",
    title: "TLS verification disabled in AI client code",
    category: Category::Code,
    severity: Severity::Medium,
    what: "Reports certificate verification turned off in a file that uses an AI SDK: `verify=False` in Python HTTP clients (including the `http_client` handed to an SDK), `ssl=False` in aiohttp requests and connectors (not in database or vector-store clients, where it selects plain TCP), `rejectUnauthorized: false`, and setting `NODE_TLS_REJECT_UNAUTHORIZED` to `0`. Not reported in tests (their clients are patched or local).",
    why: "Prompts, completions and API keys then travel over connections any network attacker can intercept and alter (manipulated responses, stolen keys).",
    example: "`OpenAI(http_client=httpx.Client(verify=False))`.",
    remediation: "Keep verification on; point the client at the corporate CA bundle instead of disabling checks.",
    controls: &[LLM02, LLM03, ATLAS_T0024, NIST_MEASURE_2_7, EU_ART_15],
};

//! Which imports are AI SDKs and frameworks, and which provider a model name belongs to.
//!
//! Python modules match on their dotted root (`langchain_openai.chat` → `langchain`);
//! JavaScript packages on the package name (`@langchain/openai` → `langchain`). Matching
//! is on whole names, never substrings: `openapi_spec_validator` is not `openai`.

/// Python import roots (the first dotted component) and the SDK they belong to.
const PYTHON: &[(&str, &str)] = &[
    ("openai", "openai"),
    ("anthropic", "anthropic"),
    ("google.generativeai", "google-genai"),
    ("google.genai", "google-genai"),
    ("google.ai.generativelanguage", "google-genai"),
    ("vertexai", "vertexai"),
    ("mistralai", "mistral"),
    ("cohere", "cohere"),
    ("langchain", "langchain"),
    ("langgraph", "langgraph"),
    ("langsmith", "langsmith"),
    ("llama_index", "llama_index"),
    ("llama_cpp", "llama-cpp"),
    ("transformers", "transformers"),
    ("diffusers", "diffusers"),
    ("sentence_transformers", "sentence-transformers"),
    ("huggingface_hub", "huggingface_hub"),
    ("peft", "peft"),
    ("trl", "trl"),
    ("vllm", "vllm"),
    ("litellm", "litellm"),
    ("ollama", "ollama"),
    ("crewai", "crewai"),
    ("crewai_tools", "crewai"),
    ("autogen", "autogen"),
    ("autogen_agentchat", "autogen"),
    ("autogen_core", "autogen"),
    ("autogen_ext", "autogen"),
    ("semantic_kernel", "semantic-kernel"),
    ("dspy", "dspy"),
    ("haystack", "haystack"),
    ("mcp", "mcp"),
    ("fastmcp", "mcp"),
    ("groq", "groq"),
    ("together", "together"),
    ("fireworks", "fireworks"),
    ("replicate", "replicate"),
    ("voyageai", "voyage"),
    ("pinecone", "pinecone"),
    ("weaviate", "weaviate"),
    ("qdrant_client", "qdrant"),
    ("chromadb", "chromadb"),
    ("instructor", "instructor"),
    ("guidance", "guidance"),
    ("smolagents", "smolagents"),
    ("pydantic_ai", "pydantic-ai"),
    ("gpt4all", "gpt4all"),
    ("tiktoken", "tiktoken"),
    ("xai_sdk", "xai"),
    ("deepseek", "deepseek"),
    ("agno", "agno"),
    ("phi.agent", "agno"),
    ("phi.assistant", "agno"),
    ("google.adk", "google-adk"),
    ("strands", "strands-agents"),
    ("browser_use", "browser-use"),
    ("praisonaiagents", "praisonai"),
    ("camel.agents", "camel"),
    ("swarm", "openai-swarm"),
    ("openai_agents", "openai-agents"),
];

/// Sub-modules of the OpenAI Agents SDK, whose import name (`agents`) is too common a
/// folder name to be an SDK on its own.
const OPENAI_AGENTS_MODULES: &[&str] = &[
    "mcp",
    "extensions",
    "model_settings",
    "run_context",
    "realtime",
    "voice",
    "tracing",
    "sandbox",
    "items",
    "tool",
    "models",
];

/// Names only the OpenAI Agents SDK exports from `agents` (not `Agent`, which any
/// local `agents` package may define).
const OPENAI_AGENTS_NAMES: &[&str] = &[
    "Runner",
    "function_tool",
    "ModelSettings",
    "RunConfig",
    "handoff",
    "ShellTool",
    "LocalShellTool",
    "WebSearchTool",
    "FileSearchTool",
    "HostedMCPTool",
    "set_default_openai_key",
    "set_default_openai_client",
    "set_default_openai_api",
    "set_tracing_disabled",
    "OpenAIChatCompletionsModel",
    "OpenAIResponsesModel",
    "RunContextWrapper",
    "GuardrailFunctionOutput",
    "input_guardrail",
    "output_guardrail",
    "ItemHelpers",
    "SQLiteSession",
    "gen_trace_id",
    "enable_verbose_stdout_logging",
];

/// Whether `from <module> import <names>` is the OpenAI Agents SDK (`from agents
/// import Runner`, `from agents.mcp import MCPServerStdio`).
pub fn is_openai_agents(module: &str, names: &[&str]) -> bool {
    match module.strip_prefix("agents") {
        Some("") => names.iter().any(|n| OPENAI_AGENTS_NAMES.contains(n)),
        Some(rest) => rest
            .strip_prefix('.')
            .and_then(|r| r.split('.').next())
            .is_some_and(|sub| OPENAI_AGENTS_MODULES.contains(&sub)),
        None => false,
    }
}

/// Whether `module` is `prefix` or one of its sub-modules (`google.adk.agents` in
/// `google.adk`), without allocating.
fn in_module(module: &str, prefix: &str) -> bool {
    module
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// The installable package a Python module belongs to, as its import path
/// components: `google.adk.agents` → `[google, adk]`, `crewai.tools` → `[crewai]`.
pub fn python_package(module: &str) -> Vec<&str> {
    let module = module.trim_start_matches('.');
    for &(prefix, _) in PYTHON {
        if prefix.contains('.') && in_module(module, prefix) {
            return prefix.split('.').collect();
        }
    }
    module.split('.').take(1).collect()
}

/// JavaScript packages (exact name, or a scope prefix ending in `/`).
const JAVASCRIPT: &[(&str, &str)] = &[
    ("openai", "openai"),
    ("@azure/openai", "azure-openai"),
    ("@anthropic-ai/sdk", "anthropic"),
    ("@anthropic-ai/", "anthropic"),
    ("@google/generative-ai", "google-genai"),
    ("@google/genai", "google-genai"),
    ("@google-cloud/vertexai", "vertexai"),
    ("@mistralai/mistralai", "mistral"),
    ("cohere-ai", "cohere"),
    ("langchain", "langchain"),
    ("@langchain/langgraph", "langgraph"),
    ("@langchain/", "langchain"),
    ("llamaindex", "llama_index"),
    ("@llamaindex/", "llama_index"),
    ("ai", "vercel-ai"),
    ("@ai-sdk/", "vercel-ai"),
    ("@huggingface/", "huggingface"),
    ("@xenova/transformers", "transformers"),
    ("ollama", "ollama"),
    ("@modelcontextprotocol/", "mcp"),
    ("groq-sdk", "groq"),
    ("together-ai", "together"),
    ("replicate", "replicate"),
    ("@pinecone-database/", "pinecone"),
    ("chromadb", "chromadb"),
    ("@aws-sdk/client-bedrock-runtime", "bedrock"),
    ("@aws-sdk/client-bedrock-agent-runtime", "bedrock"),
    ("@openai/agents", "openai-agents"),
    ("@openai/agents-core", "openai-agents"),
    ("@openai/agents-openai", "openai-agents"),
    ("@openai/agents-realtime", "openai-agents"),
    ("@openai/agents-extensions", "openai-agents"),
    ("@mastra/", "mastra"),
    ("@google/adk", "google-adk"),
];

/// The SDK a Python module belongs to (`langchain_community.vectorstores` → `langchain`).
pub fn python_sdk(module: &str) -> Option<&'static str> {
    let module = module.trim_start_matches('.');
    if module.is_empty() {
        return None;
    }
    // Whole dotted prefixes first (`google.genai`), then the root with an optional
    // `_suffix` family (`langchain_openai`, `llama_index`).
    for &(prefix, sdk) in PYTHON {
        if prefix.contains('.') && in_module(module, prefix) {
            return Some(sdk);
        }
    }
    let root = module.split('.').next().unwrap_or(module);
    for &(name, sdk) in PYTHON {
        if name.contains('.') {
            continue;
        }
        if root == name {
            return Some(sdk);
        }
    }
    // Integration packages named `<family>_<partner>`: `langchain_openai`,
    // `llama_index_core` (not `openai_x`, where the suffix rule would be too loose).
    for family in [
        "langchain",
        "langgraph",
        "llama_index",
        "haystack",
        "crewai",
        "autogen",
    ] {
        if let Some(rest) = root.strip_prefix(family)
            && rest.starts_with('_')
        {
            return python_sdk(family);
        }
    }
    None
}

/// The package name of a JavaScript specifier: `@scope/name` or `name`, without a
/// sub-path or a `node:` prefix.
pub fn javascript_package(spec: &str) -> &str {
    let spec = spec.strip_prefix("node:").unwrap_or(spec);
    let mut end = 0;
    let mut slashes = if spec.starts_with('@') { 2 } else { 1 };
    for (i, c) in spec.char_indices() {
        if c == '/' {
            slashes -= 1;
            if slashes == 0 {
                return &spec[..i];
            }
        }
        end = i + c.len_utf8();
    }
    &spec[..end]
}

/// The SDK a JavaScript package specifier belongs to (`@langchain/openai/chat` →
/// `langchain`). Relative and absolute paths are never SDKs.
pub fn javascript_sdk(spec: &str) -> Option<&'static str> {
    let spec = spec.strip_prefix("node:").unwrap_or(spec);
    if spec.starts_with('.') || spec.starts_with('/') {
        return None;
    }
    // The package name: `@scope/name` or `name`, without a sub-path.
    let mut parts = spec.splitn(3, '/');
    let first = parts.next().unwrap_or("");
    let package = if first.starts_with('@') {
        match parts.next() {
            Some(second) => format!("{first}/{second}"),
            None => first.to_string(),
        }
    } else {
        first.to_string()
    };
    for &(name, sdk) in JAVASCRIPT {
        if name.ends_with('/') {
            if package.starts_with(name) {
                return Some(sdk);
            }
        } else if package == name {
            return Some(sdk);
        }
    }
    None
}

/// The provider a model name most likely belongs to, from its well-known prefix.
pub fn provider_of_model(model: &str) -> Option<&'static str> {
    let m = model.to_ascii_lowercase();
    let m = m.rsplit('/').next().unwrap_or(&m);
    let table: &[(&str, &str)] = &[
        ("gpt-", "openai"),
        ("o1", "openai"),
        ("o3", "openai"),
        ("o4-", "openai"),
        ("chatgpt", "openai"),
        ("text-embedding-", "openai"),
        ("dall-e", "openai"),
        ("whisper", "openai"),
        ("claude", "anthropic"),
        ("gemini", "google"),
        ("text-bison", "google"),
        ("mistral", "mistral"),
        ("mixtral", "mistral"),
        ("codestral", "mistral"),
        ("command", "cohere"),
        ("embed-english", "cohere"),
        ("llama", "meta"),
        ("deepseek", "deepseek"),
        ("grok", "xai"),
        ("qwen", "alibaba"),
    ];
    table
        .iter()
        .find(|(p, _)| m.starts_with(p))
        .map(|&(_, provider)| provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_modules() {
        assert_eq!(python_sdk("openai"), Some("openai"));
        assert_eq!(python_sdk("openai.types.chat"), Some("openai"));
        assert_eq!(python_sdk("openapi_spec_validator"), None);
        assert_eq!(
            python_sdk("langchain_community.vectorstores"),
            Some("langchain")
        );
        assert_eq!(python_sdk("langchain_openai"), Some("langchain"));
        assert_eq!(python_sdk("llama_index.core"), Some("llama_index"));
        assert_eq!(python_sdk("google.genai"), Some("google-genai"));
        assert_eq!(python_sdk("google.cloud.storage"), None);
        assert_eq!(python_sdk("mcp.server.fastmcp"), Some("mcp"));
        assert_eq!(python_sdk("torch"), None);
        assert_eq!(python_sdk(".local"), None);
        assert_eq!(python_sdk("openai_helpers"), None);
        assert_eq!(python_sdk("agno.agent"), Some("agno"));
        assert_eq!(python_sdk("google.adk.agents"), Some("google-adk"));
        assert_eq!(python_sdk("agents"), None);
        assert!(is_openai_agents("agents", &["Agent", "Runner"]));
        assert!(!is_openai_agents("agents", &["Agent"]));
        assert!(is_openai_agents("agents.mcp", &["MCPServerStdio"]));
        assert!(!is_openai_agents("agents.research", &["Runner"]));
        assert_eq!(python_package("google.adk.agents"), vec!["google", "adk"]);
        assert_eq!(python_package("crewai.tools"), vec!["crewai"]);
    }

    #[test]
    fn javascript_packages() {
        assert_eq!(javascript_sdk("openai"), Some("openai"));
        assert_eq!(javascript_sdk("@anthropic-ai/sdk"), Some("anthropic"));
        assert_eq!(javascript_sdk("@langchain/openai"), Some("langchain"));
        assert_eq!(javascript_sdk("@langchain/langgraph"), Some("langgraph"));
        assert_eq!(javascript_sdk("ai/react"), Some("vercel-ai"));
        assert_eq!(javascript_sdk("@ai-sdk/openai"), Some("vercel-ai"));
        assert_eq!(javascript_sdk("aim"), None);
        assert_eq!(javascript_sdk("./ai"), None);
        assert_eq!(javascript_sdk("openai-edge-x"), None);
        assert_eq!(
            javascript_package("@langchain/core/messages"),
            "@langchain/core"
        );
        assert_eq!(javascript_package("ai/react"), "ai");
        assert_eq!(javascript_package("openai"), "openai");
    }

    #[test]
    fn providers() {
        assert_eq!(provider_of_model("gpt-4o-mini"), Some("openai"));
        assert_eq!(
            provider_of_model("claude-3-5-haiku-latest"),
            Some("anthropic")
        );
        assert_eq!(provider_of_model("meta-llama/Llama-3.1-8B"), Some("meta"));
        assert_eq!(provider_of_model("my-model"), None);
    }
}

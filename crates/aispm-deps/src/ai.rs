//! The curated list of AI and ML packages: LLM provider SDKs, LLM and agent
//! frameworks, model libraries and runtimes, serving, vector stores, MLOps and AI UIs.
//! A dependency on one of these is an `ai-dependency` asset. Names are in normal form
//! (PEP 503 for PyPI, lower case for npm); a trailing `*` marks a family prefix
//! (`langchain-*` covers `langchain-openai`, `@langchain/*` every package of the scope).

use crate::osv::Ecosystem;

/// `(normalised name or family, category)`.
pub static PYPI: &[(&str, &str)] = &[
    // LLM provider SDKs
    ("openai", "llm-sdk"),
    ("anthropic", "llm-sdk"),
    ("google-generativeai", "llm-sdk"),
    ("google-genai", "llm-sdk"),
    ("google-cloud-aiplatform", "llm-sdk"),
    ("vertexai", "llm-sdk"),
    ("mistralai", "llm-sdk"),
    ("cohere", "llm-sdk"),
    ("groq", "llm-sdk"),
    ("together", "llm-sdk"),
    ("replicate", "llm-sdk"),
    ("fireworks-ai", "llm-sdk"),
    ("ai21", "llm-sdk"),
    ("voyageai", "llm-sdk"),
    ("boto3-bedrock", "llm-sdk"),
    ("azure-ai-inference", "llm-sdk"),
    ("azure-ai-openai", "llm-sdk"),
    ("ollama", "llm-sdk"),
    ("litellm", "llm-gateway"),
    ("huggingface-hub", "model-hub"),
    // LLM and agent frameworks
    ("langchain", "llm-framework"),
    ("langchain-*", "llm-framework"),
    ("langgraph", "agent-framework"),
    ("langgraph-*", "agent-framework"),
    ("langsmith", "llm-observability"),
    ("llama-index", "llm-framework"),
    ("llama-index-*", "llm-framework"),
    ("haystack-ai", "llm-framework"),
    ("farm-haystack", "llm-framework"),
    ("semantic-kernel", "llm-framework"),
    ("dspy", "llm-framework"),
    ("dspy-ai", "llm-framework"),
    ("guidance", "llm-framework"),
    ("instructor", "llm-framework"),
    ("outlines", "llm-framework"),
    ("crewai", "agent-framework"),
    ("crewai-tools", "agent-framework"),
    ("autogen", "agent-framework"),
    ("pyautogen", "agent-framework"),
    ("autogen-agentchat", "agent-framework"),
    ("autogen-core", "agent-framework"),
    ("autogen-ext", "agent-framework"),
    ("ag2", "agent-framework"),
    ("openai-agents", "agent-framework"),
    ("pydantic-ai", "agent-framework"),
    ("pydantic-ai-slim", "agent-framework"),
    ("smolagents", "agent-framework"),
    ("agno", "agent-framework"),
    ("phidata", "agent-framework"),
    ("langflow", "agent-framework"),
    ("mcp", "agent-protocol"),
    ("fastmcp", "agent-protocol"),
    // Model libraries and training
    ("transformers", "model-library"),
    ("diffusers", "model-library"),
    ("accelerate", "model-library"),
    ("peft", "model-library"),
    ("trl", "model-library"),
    ("datasets", "model-library"),
    ("tokenizers", "model-library"),
    ("safetensors", "model-library"),
    ("sentence-transformers", "model-library"),
    ("sentencepiece", "model-library"),
    ("tiktoken", "model-library"),
    ("bitsandbytes", "model-library"),
    ("optimum", "model-library"),
    ("timm", "model-library"),
    ("ultralytics", "model-library"),
    ("open-clip-torch", "model-library"),
    ("spacy", "model-library"),
    ("nltk", "model-library"),
    ("gensim", "model-library"),
    ("unsloth", "model-library"),
    ("deepspeed", "ml-framework"),
    ("xformers", "ml-framework"),
    ("flash-attn", "ml-framework"),
    // ML frameworks
    ("torch", "ml-framework"),
    ("torchvision", "ml-framework"),
    ("torchaudio", "ml-framework"),
    ("pytorch-lightning", "ml-framework"),
    ("lightning", "ml-framework"),
    ("tensorflow", "ml-framework"),
    ("tensorflow-cpu", "ml-framework"),
    ("tensorflow-gpu", "ml-framework"),
    ("tensorflow-intel", "ml-framework"),
    ("tensorflow-hub", "ml-framework"),
    ("tf-keras", "ml-framework"),
    ("keras", "ml-framework"),
    ("keras-nlp", "ml-framework"),
    ("keras-hub", "ml-framework"),
    ("jax", "ml-framework"),
    ("jaxlib", "ml-framework"),
    ("flax", "ml-framework"),
    ("paddlepaddle", "ml-framework"),
    ("mxnet", "ml-framework"),
    ("scikit-learn", "ml-framework"),
    ("xgboost", "ml-framework"),
    ("lightgbm", "ml-framework"),
    ("catboost", "ml-framework"),
    ("skops", "ml-framework"),
    // Runtimes and serving
    ("onnx", "model-runtime"),
    ("onnxruntime", "model-runtime"),
    ("onnxruntime-gpu", "model-runtime"),
    ("tensorrt", "model-runtime"),
    ("tflite-runtime", "model-runtime"),
    ("vllm", "model-serving"),
    ("llama-cpp-python", "model-runtime"),
    ("ctransformers", "model-runtime"),
    ("gpt4all", "model-runtime"),
    ("text-generation", "model-serving"),
    ("tritonclient", "model-serving"),
    ("bentoml", "model-serving"),
    ("kserve", "model-serving"),
    ("ray", "model-serving"),
    ("sglang", "model-serving"),
    // Vector stores
    ("chromadb", "vector-store"),
    ("pinecone", "vector-store"),
    ("pinecone-client", "vector-store"),
    ("weaviate-client", "vector-store"),
    ("qdrant-client", "vector-store"),
    ("pymilvus", "vector-store"),
    ("faiss-cpu", "vector-store"),
    ("faiss-gpu", "vector-store"),
    ("lancedb", "vector-store"),
    ("pgvector", "vector-store"),
    // MLOps and AI UIs
    ("mlflow", "mlops"),
    ("wandb", "mlops"),
    ("clearml", "mlops"),
    ("comet-ml", "mlops"),
    ("dvc", "mlops"),
    ("gradio", "ai-ui"),
    ("chainlit", "ai-ui"),
];

/// `(normalised name or family, category)` for npm.
pub static NPM: &[(&str, &str)] = &[
    ("openai", "llm-sdk"),
    ("@anthropic-ai/sdk", "llm-sdk"),
    ("@anthropic-ai/*", "llm-sdk"),
    ("@google/generative-ai", "llm-sdk"),
    ("@google/genai", "llm-sdk"),
    ("@google-cloud/vertexai", "llm-sdk"),
    ("@mistralai/mistralai", "llm-sdk"),
    ("cohere-ai", "llm-sdk"),
    ("groq-sdk", "llm-sdk"),
    ("together-ai", "llm-sdk"),
    ("replicate", "llm-sdk"),
    ("ollama", "llm-sdk"),
    ("@aws-sdk/client-bedrock-runtime", "llm-sdk"),
    ("@azure/openai", "llm-sdk"),
    ("@huggingface/inference", "model-hub"),
    ("@huggingface/hub", "model-hub"),
    ("ai", "llm-framework"),
    ("@ai-sdk/*", "llm-framework"),
    ("langchain", "llm-framework"),
    ("@langchain/*", "llm-framework"),
    ("llamaindex", "llm-framework"),
    ("@llamaindex/*", "llm-framework"),
    ("@mastra/*", "agent-framework"),
    ("@openai/agents", "agent-framework"),
    ("@modelcontextprotocol/sdk", "agent-protocol"),
    ("@modelcontextprotocol/*", "agent-protocol"),
    ("@huggingface/transformers", "model-library"),
    ("@xenova/transformers", "model-library"),
    ("@tensorflow/tfjs", "ml-framework"),
    ("@tensorflow/*", "ml-framework"),
    ("onnxruntime-node", "model-runtime"),
    ("onnxruntime-web", "model-runtime"),
    ("@pinecone-database/pinecone", "vector-store"),
    ("chromadb", "vector-store"),
    ("@qdrant/js-client-rest", "vector-store"),
    ("weaviate-client", "vector-store"),
    ("weaviate-ts-client", "vector-store"),
    ("@zilliz/milvus2-sdk-node", "vector-store"),
];

fn list(eco: Ecosystem) -> &'static [(&'static str, &'static str)] {
    match eco {
        Ecosystem::PyPI => PYPI,
        Ecosystem::Npm => NPM,
    }
}

/// The AI category of a package (normalised name), if it is an AI package.
pub fn category(eco: Ecosystem, normalized: &str) -> Option<&'static str> {
    let l = list(eco);
    l.iter()
        .find(|(n, _)| *n == normalized)
        .or_else(|| {
            l.iter().find(|(n, _)| {
                n.strip_suffix('*').is_some_and(|prefix| {
                    normalized.len() > prefix.len() && normalized.starts_with(prefix)
                })
            })
        })
        .map(|(_, c)| *c)
}

/// The exact (non-family) AI package names of an ecosystem.
pub fn exact_names(eco: Ecosystem) -> impl Iterator<Item = &'static str> {
    list(eco)
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !n.ends_with('*'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(
            category(Ecosystem::PyPI, "langchain"),
            Some("llm-framework")
        );
        assert_eq!(
            category(Ecosystem::PyPI, "langchain-openai"),
            Some("llm-framework")
        );
        assert_eq!(
            category(Ecosystem::PyPI, "llama-index-core"),
            Some("llm-framework")
        );
        assert_eq!(category(Ecosystem::PyPI, "requests"), None);
        assert_eq!(category(Ecosystem::PyPI, "langchain-"), None);
        assert_eq!(
            category(Ecosystem::Npm, "@langchain/openai"),
            Some("llm-framework")
        );
        assert_eq!(category(Ecosystem::Npm, "ai"), Some("llm-framework"));
        assert_eq!(category(Ecosystem::Npm, "aim"), None);
        for eco in Ecosystem::ALL {
            for (n, _) in list(eco) {
                let probe = n.replace('*', "x");
                assert_eq!(eco.normalize(&probe), probe, "{n} is not in normal form");
            }
        }
    }
}

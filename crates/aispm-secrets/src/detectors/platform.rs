//! ML platforms, LLM-ops tools and vector databases: tokens that can publish models,
//! read datasets and experiment logs, or query and overwrite embeddings.

use super::shape;
use crate::detector::{BASE, Boundary, ContextRule, Detector, Family, Matcher, Site, Verdict};

const fn context(words: &'static [&'static str], lines: usize) -> Matcher {
    Matcher::Context(ContextRule { words, lines })
}

pub static HUGGINGFACE: Detector = Detector {
    id: "huggingface-user-token",
    kind: "huggingface",
    family: Family::AiPlatform,
    title: "Hugging Face access token",
    ai: true,
    keywords: &["hf_"],
    pattern: r"hf_[A-Za-z]{34}",
    prefix: "hf_",
    positives: &[
        concat!("HF_TOKEN=hf_aIBnYYURLgfB", "eKJkwreHBIgJ", "LVHKtPskqo"),
        concat!(
            "      \"logged in with hf_OcDRVAUKhVrW",
            "mZZUvTyKWmjf",
            "RcFzueQKnK\\n\""
        ),
    ],
    negatives: &[
        "HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "HUGGING_FACE_HUB_TOKEN: \"{{ .Values.hub.token }}\"",
        "HUGGING_FACE_HUB_TOKEN: ${{ secrets.HUGGINGFACE_TOKEN }}",
    ],
    ..BASE
};

pub static HUGGINGFACE_ORG: Detector = Detector {
    id: "huggingface-org-token",
    kind: "huggingface",
    family: Family::AiPlatform,
    title: "Hugging Face organization API token",
    ai: true,
    keywords: &["api_org_"],
    pattern: r"api_org_[A-Za-z]{34}",
    prefix: "api_org_",
    positives: &[concat!(
        "org_token = \"api_org_SeRFGuYbqdeO",
        "fOGncaiaOPXt",
        "NhYFTyDiNG\""
    )],
    negatives: &["org_token = \"api_org_...\""],
    ..BASE
};

pub static LANGSMITH: Detector = Detector {
    id: "langsmith-api-key",
    kind: "langsmith",
    family: Family::AiPlatform,
    title: "LangSmith (LangChain) API key",
    ai: true,
    keywords: &["lsv2_"],
    pattern: r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}",
    prefix: "lsv2_",
    positives: &[
        concat!(
            "  langsmith_api_key: \"lsv2_pt_d00d68df6db7",
            "5d0c3f7eb934",
            "0051e467_ab4a3",
            "6ee09\""
        ),
        concat!(
            "LANGCHAIN_API_KEY=lsv2_sk_87b3544242b3",
            "0e58d656ec4f",
            "3378c19c_d5840",
            "f1aec"
        ),
    ],
    negatives: &["LANGCHAIN_API_KEY=lsv2_pt_..."],
    ..BASE
};

pub static LANGSMITH_LEGACY: Detector = Detector {
    id: "langsmith-legacy-api-key",
    kind: "langsmith",
    family: Family::AiPlatform,
    title: "LangSmith (LangChain) API key",
    ai: true,
    keywords: &["ls__"],
    pattern: r"ls__[a-f0-9]{32}",
    prefix: "ls__",
    positives: &[concat!(
        "LANGCHAIN_API_KEY=ls__544ad77bf397",
        "68915e2ed4a2",
        "2437740a"
    )],
    negatives: &["LANGCHAIN_API_KEY=ls__<key>"],
    ..BASE
};

const WANDB: &[&str] = &["wandb", "weights_and_biases", "weightsandbiases"];
pub static WANDB_KEY: Detector = Detector {
    id: "wandb-api-key",
    kind: "wandb",
    family: Family::AiPlatform,
    title: "Weights & Biases API key",
    ai: true,
    keywords: WANDB,
    pattern: r"(?:local-)?[a-f0-9]{40}",
    matcher: context(WANDB, 4),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[
        concat!(
            "    env:\n      WANDB_API_KEY: f0dc481ee214",
            "e69886dd9078",
            "d3fe0a0887be",
            "e1af"
        ),
        concat!(
            "tracking:\n  wandb_api_key: bfa45289e008",
            "2c3584523589",
            "02ff3177e7e8",
            "c926\n  project: ranker"
        ),
        concat!(
            "wandb.login(key=\"37e64b6ba086",
            "5ef5aa370e2e",
            "30bdb0e7ab8d",
            "7e34\")"
        ),
    ],
    negatives: &[
        concat!(
            "CACHE_REVISION = \"ca76a9e28bec",
            "dcb820372c31",
            "0f04040699f0",
            "c60d\""
        ),
        concat!(
            "tracking:\n  wandb_api_key: ${WANDB_KEY}\n  data_revision: 9df89af707b1",
            "de74f1f7144a",
            "6262a9977026",
            "52f2"
        ),
        concat!(
            "uses: wandb/wandb-action@b23a015da221",
            "9027c30d5c98",
            "4b859a94e7bb",
            "e96c"
        ),
    ],
    ..BASE
};

const COMET: &[&str] = &[
    "comet_api_key",
    "comet_ml",
    "cometml",
    "comet.api_key",
    "comet-api-key",
];
pub static COMET_KEY: Detector = Detector {
    id: "comet-api-key",
    kind: "comet",
    family: Family::AiPlatform,
    title: "Comet ML API key",
    ai: true,
    keywords: COMET,
    pattern: r"[A-Za-z0-9]{20,40}",
    matcher: context(COMET, 3),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[concat!("COMET_API_KEY=Tdef30Uu0pbd", "EvSs53Fp2K77", "r")],
    negatives: &["COMET_API_KEY=\"\"\nCOMET_PROJECT_NAME=ranker"],
    ..BASE
};

/// Neptune API tokens: base64 JSON with the API address and key.
fn neptune(token: &str, _: &Site<'_>) -> Verdict {
    match shape::b64_json(token.as_bytes()) {
        Some(m)
            if (m.contains_key("api_address") || m.contains_key("api_url"))
                && m.contains_key("api_key") =>
        {
            Verdict::high()
        }
        _ => Verdict::Reject,
    }
}

pub static NEPTUNE: Detector = Detector {
    id: "neptune-api-token",
    kind: "neptune",
    family: Family::AiPlatform,
    title: "Neptune.ai API token",
    ai: true,
    keywords: &["eyJhcGlfYWRkcmVzcyI6", "eyJhcGlfdXJsIjoi"],
    pattern: r"eyJhcGlf[A-Za-z0-9+/]{40,600}={0,2}",
    boundary: Boundary::Base64,
    check: Some(neptune),
    positives: &[concat!(
        "NEPTUNE_API_TOKEN=\"eyJhcGlfYWRk",
        "cmVzcyI6ICJo",
        "dHRwczovL2Fw",
        "cC5uZXB0dW5l",
        "LmFpIiwgImFw",
        "aV91cmwiOiAi",
        "aHR0cHM6Ly9h",
        "cHAubmVwdHVu",
        "ZS5haSIsICJh",
        "cGlfa2V5Ijog",
        "ImZkODFiMzRi",
        "LWY3ZTgtZGYz",
        "My04MDljLWQ4",
        "OWJmNmUzMWMw",
        "MiJ9\""
    )],
    negatives: &[concat!(
        "NEPTUNE_API_TOKEN=\"eyJhcGlfYWRk",
        "cmVzcyI6ICJo",
        "dHRwczovL2Fw",
        "cC5uZXB0dW5l",
        "LmFpIiwgIm5v",
        "dGUiOiAibm8g",
        "a2V5In0=\""
    )],
    ..BASE
};

pub static PINECONE: Detector = Detector {
    id: "pinecone-api-key",
    kind: "pinecone",
    family: Family::AiPlatform,
    title: "Pinecone API key",
    ai: true,
    keywords: &["pcsk_"],
    pattern: r"pcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{50,90}",
    prefix: "pcsk_",
    positives: &[concat!(
        "index = Pinecone(api_key=\"pcsk_tmC",
        "ftN_4WOKz8bwEP9C",
        "KWaQ5hUsgFRe",
        "OgaDsGJnWW6R",
        "Ro2HCXLhW7aK",
        "VwBG7waPvzNr",
        "6dQ\")"
    )],
    negatives: &["PINECONE_API_KEY=pcsk_..."],
    ..BASE
};

const PINECONE_WORDS: &[&str] = &["pinecone"];
pub static PINECONE_LEGACY: Detector = Detector {
    id: "pinecone-legacy-api-key",
    kind: "pinecone",
    family: Family::AiPlatform,
    title: "Pinecone API key",
    ai: true,
    keywords: PINECONE_WORDS,
    pattern: r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}",
    matcher: context(PINECONE_WORDS, 2),
    binary: false,
    priority: 2,
    positives: &[concat!(
        "PINECONE_API_KEY=2f142f51-d1c",
        "3-0ea8-3859-",
        "dafc1eb03300"
    )],
    negatives: &[
        concat!(
            "import pinecone\nRUN_NAMESPACE = \"c3e2ecff-461",
            "5-4410-50c5-",
            "bf87362df09a\""
        ),
        concat!(
            "pinecone_index_id: 5d7347a5-a67",
            "5-c17b-ab6a-",
            "01898f97ac27"
        ),
    ],
    ..BASE
};

const WEAVIATE: &[&str] = &["weaviate"];
pub static WEAVIATE_KEY: Detector = Detector {
    id: "weaviate-api-key",
    kind: "weaviate",
    family: Family::AiPlatform,
    title: "Weaviate API key",
    ai: true,
    keywords: WEAVIATE,
    pattern: r"[A-Za-z0-9]{20,64}",
    matcher: context(WEAVIATE, 3),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[concat!(
        "WEAVIATE_API_KEY=\"CRHQ32OHadLP",
        "7utGc7s03YVb",
        "AisMXB3SOInj",
        "3Vqe\""
    )],
    negatives: &[concat!(
        "WEAVIATE_URL=\"https://demo.weaviate.network\"\nWEAVIATE_CLASS=\"mvVQcWfjesfn",
        "DYhBGgWlXjyJ\""
    )],
    ..BASE
};

const QDRANT: &[&str] = &["qdrant"];
pub static QDRANT_KEY: Detector = Detector {
    id: "qdrant-api-key",
    kind: "qdrant",
    family: Family::AiPlatform,
    title: "Qdrant API key",
    ai: true,
    keywords: QDRANT,
    pattern: r"[A-Za-z0-9_|-]{24,120}",
    matcher: context(QDRANT, 3),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[concat!(
        "client = QdrantClient(url=QDRANT_URL, api_key=\"qcRFlMNCSigV",
        "44lGS-GRn8gO",
        "vXr7Ci6m38Cv",
        "N8HO\")  # qdrant cloud"
    )],
    negatives: &[concat!(
        "QDRANT_URL=http://localhost:6333\nQDRANT_COLLECTION=support_sQmchyUyHiKS",
        "VImJJLiAsHRb"
    )],
    ..BASE
};

pub static LANGFUSE: Detector = Detector {
    id: "langfuse-secret-key",
    kind: "langfuse",
    family: Family::AiPlatform,
    title: "Langfuse secret key",
    ai: true,
    keywords: &["sk-lf-"],
    pattern: r"sk-lf-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}",
    prefix: "sk-lf-",
    positives: &[concat!(
        "LANGFUSE_SECRET_KEY=sk-lf-052ba131-525",
        "f-a27a-6abd-",
        "e3911a95891f"
    )],
    negatives: &[concat!(
        "LANGFUSE_PUBLIC_KEY=pk-lf-18288ae2-2ce",
        "7-cacb-013b-",
        "22d5f6388268"
    )],
    ..BASE
};

/// Every AI platform detector.
pub static ALL: &[&Detector] = &[
    &HUGGINGFACE,
    &HUGGINGFACE_ORG,
    &LANGSMITH,
    &LANGSMITH_LEGACY,
    &WANDB_KEY,
    &COMET_KEY,
    &NEPTUNE,
    &PINECONE,
    &PINECONE_LEGACY,
    &WEAVIATE_KEY,
    &QDRANT_KEY,
    &LANGFUSE,
];

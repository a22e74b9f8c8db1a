//! AI model providers: the keys that bill inference to their owner and expose prompts,
//! files and fine-tunes. Fixed-prefix formats first; keys without a prefix of their own
//! (Cohere, Mistral, Azure OpenAI, ...) are taken only next to a mention of their
//! provider.

use super::shape;
use crate::detector::{
    BASE, Boundary, Confidence, ContextRule, Detector, Family, Matcher, Site, Verdict,
};
use crate::text;

const OPENAI_NEG: &[&str] = &[
    "OPENAI_API_KEY=sk-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "Project keys look like `sk-proj-...` and are created in the dashboard.",
    "masked in logs as sk-proj-************************************AbCd",
    "<div class=\"sk-card sk-shadow-lg sk-rounded-xl\">",
];

/// OpenAI keys all carry `T3BlbkFJ` ("OpenAI" in base64); the prefix tells the type.
fn openai(token: &str, _: &Site<'_>) -> Verdict {
    let key_type = if token.starts_with("sk-proj-") {
        "project"
    } else if token.starts_with("sk-svcacct-") {
        "service-account"
    } else if token.starts_with("sk-admin-") {
        "admin"
    } else if token.starts_with("sk-None-") {
        "user"
    } else {
        "legacy"
    };
    let v = Verdict::high().with("key_type", key_type);
    if key_type == "admin" {
        v.with("scope", "admin")
    } else {
        v
    }
}

pub static OPENAI_LEGACY: Detector = Detector {
    id: "openai-legacy-key",
    kind: "openai",
    family: Family::AiProvider,
    title: "OpenAI API key",
    ai: true,
    keywords: &["T3BlbkFJ"],
    pattern: r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
    prefix: "sk-",
    check: Some(openai),
    positives: &[
        concat!(
            "openai.api_key = \"sk-38aIBnYYURLg",
            "fB0eKJkwT3BlbkFJreHBIgJLVHKt",
            "P3skqoO6\""
        ),
        concat!(
            "{\"role\": \"user\", \"content\": \"client = OpenAI(api_key='sk-cD6RVAU5KhVr",
            "WmZZUvTyT3BlbkFJKWmjfRcFz4u2",
            "eQKnK6Se') fails\"}"
        ),
    ],
    negatives: OPENAI_NEG,
    ..BASE
};

pub static OPENAI_PROJECT: Detector = Detector {
    id: "openai-project-key",
    kind: "openai",
    family: Family::AiProvider,
    title: "OpenAI project API key",
    ai: true,
    keywords: &["T3BlbkFJ"],
    pattern: r"sk-proj-[A-Za-z0-9_-]{20,250}T3BlbkFJ[A-Za-z0-9_-]{20,250}",
    prefix: "sk-proj-",
    check: Some(openai),
    positives: &[
        concat!(
            "OPENAI_API_KEY=sk-proj-jKMw378d-cN5",
            "11cfubwKnHbM",
            "2BD2ag2_b2tf",
            "U2AwO_c7vlOT",
            "DDXG7QacpvSo",
            "Na66CkiftMXR",
            "RJT3BlbkFJTJvMD4Xi0ZVY",
            "4zR9MOehzHnx",
            "2XgQC-Fq7zVQ",
            "Sp3cct-Nkebj",
            "mHW5K62RoJLQ",
            "NfcRAp-C0ySh",
            "H4"
        ),
        concat!(
            "    \"os.environ[\\\"OPENAI_API_KEY\\\"] = \\\"sk-proj-7LFT6Znhia33",
            "nBei3P85CrBg",
            "iev45Go_v-rR",
            "WLim5DCjJwPW",
            "iQULPWikAK99",
            "NEec7c6jymIZ",
            "NfT3BlbkFJ6YTtburAhYX4",
            "9WqoMcB5K5PB",
            "s2sD6crsh2d6",
            "OQm79_o36JkK",
            "V_0gHtNRu-d4",
            "j1-PMhDnz1in",
            "u9\\\"\\n\","
        ),
    ],
    negatives: OPENAI_NEG,
    ..BASE
};

pub static OPENAI_SERVICE_ACCOUNT: Detector = Detector {
    id: "openai-service-account-key",
    kind: "openai",
    family: Family::AiProvider,
    title: "OpenAI service-account API key",
    ai: true,
    keywords: &["T3BlbkFJ"],
    pattern: r"sk-svcacct-[A-Za-z0-9_-]{20,250}T3BlbkFJ[A-Za-z0-9_-]{20,250}",
    prefix: "sk-svcacct-",
    check: Some(openai),
    positives: &[concat!(
        "openai_api_key = \"sk-svcacct-Z4MGyAKE-bsd",
        "V2IfEUs0hoKj",
        "9c1HNSssiiPE",
        "uXt0UrCM0ea6",
        "gK8HTJ_WF0Gz",
        "PC5riPgUk0q_",
        "yET3BlbkFJ6uAMNABFiOgc",
        "O16WeN4xr2AY",
        "vClcRr9qcRFl",
        "MNCSigV44lGS",
        "-GRn8gOvXr7C",
        "i6m38CvN8HOC",
        "UI\""
    )],
    negatives: &[
        "openai_api_key = \"sk-svcacct-...\"",
        concat!("sk-svcacct-16_Wj", "wzRq5T3BlbkFJ"),
    ],
    ..BASE
};

pub static OPENAI_ADMIN: Detector = Detector {
    id: "openai-admin-key",
    kind: "openai",
    family: Family::AiProvider,
    title: "OpenAI admin API key",
    ai: true,
    keywords: &["T3BlbkFJ"],
    pattern: r"sk-admin-[A-Za-z0-9_-]{20,250}T3BlbkFJ[A-Za-z0-9_-]{20,250}",
    prefix: "sk-admin-",
    check: Some(openai),
    positives: &[concat!(
        "OPENAI_ADMIN_KEY: sk-admin-tqFNGUIX8pLc",
        "raot05NkFEol",
        "VhnH-zocbrk6",
        "Iit6y2ytiICP",
        "dIyMFB9ATDT3BlbkFJSAann_BwYC0n",
        "38gkp_fAfvF0",
        "6eS8E9fHSTpa",
        "JZLpkmfcAKYX",
        "I_JuLOqCFX"
    )],
    negatives: &["OPENAI_ADMIN_KEY: sk-admin-<your-admin-key>"],
    ..BASE
};

pub static OPENAI_USER: Detector = Detector {
    id: "openai-user-key",
    kind: "openai",
    family: Family::AiProvider,
    title: "OpenAI user API key",
    ai: true,
    keywords: &["T3BlbkFJ"],
    pattern: r"sk-None-[A-Za-z0-9_-]{20,250}T3BlbkFJ[A-Za-z0-9_-]{20,250}",
    prefix: "sk-None-",
    check: Some(openai),
    positives: &[concat!(
        "key = 'sk-None-0oLJGnDJcyPC",
        "1VymjQviVlqk",
        "T4cst4lbzwM6",
        "I6x89QYHXRRH",
        "BUAyUv8gePaJ",
        "08DnpU0dMTfq",
        "UoT3BlbkFJYdWyFftrvbqA",
        "Eikj8nfrxLcq",
        "h5t-8_GxDNsu",
        "Tg4pPUlqRTSX",
        "AOi2EgJghp4L",
        "Ky6fyqyvDFNs",
        "JJ'"
    )],
    negatives: &["key = 'sk-None-'"],
    ..BASE
};

/// Anthropic keys end in `AA` after 93 characters of body.
fn anthropic(token: &str, _: &Site<'_>) -> Verdict {
    let key_type = if token.starts_with("sk-ant-admin") {
        "admin"
    } else if token.starts_with("sk-ant-oat") {
        "oauth-access-token"
    } else if token.starts_with("sk-ant-ort") {
        "oauth-refresh-token"
    } else {
        "api"
    };
    let body = token.splitn(4, '-').nth(3).unwrap_or_default();
    let exact = body.len() == 95 && body.ends_with("AA");
    let v = if exact || key_type.starts_with("oauth") {
        Verdict::high()
    } else {
        Verdict::medium()
    };
    let v = v.with("key_type", key_type);
    if key_type == "admin" {
        v.with("scope", "admin")
    } else {
        v
    }
}

pub static ANTHROPIC: Detector = Detector {
    id: "anthropic-api-key",
    kind: "anthropic",
    family: Family::AiProvider,
    title: "Anthropic API key",
    ai: true,
    keywords: &["sk-ant-api"],
    pattern: r"sk-ant-api\d{2}-[A-Za-z0-9_-]{80,110}",
    prefix: "sk-ant-api03-",
    check: Some(anthropic),
    positives: &[
        concat!(
            "ANTHROPIC_API_KEY=sk-ant-api03-3U_YMhgJYjqy",
            "vgXCwhFO93UI",
            "F23efw3z8BJP",
            "RcxH_Wm98Rfl",
            "CSW3yGxrfPH5",
            "ST32cBM0sMLg",
            "D5Wm9cLLTnMd",
            "RH6Zm5yWwAA"
        ),
        concat!(
            "claude = anthropic.Anthropic(api_key=\"sk-ant-api03-8VNUPl9SmEEo",
            "WL2HyY5fTbry",
            "ObD3b5574yRp",
            "vBpK0ZrXOlf-",
            "UkctmNhZxO-B",
            "DqasAR24CLmZ",
            "fX-6m2h5Woh-",
            "tA0UTbBIvAA\")"
        ),
    ],
    negatives: &[
        "ANTHROPIC_API_KEY=sk-ant-api03-...",
        "Claude API keys begin with sk-ant-api03- (see the console).",
    ],
    ..BASE
};

pub static ANTHROPIC_ADMIN: Detector = Detector {
    id: "anthropic-admin-key",
    kind: "anthropic",
    family: Family::AiProvider,
    title: "Anthropic admin API key",
    ai: true,
    keywords: &["sk-ant-admin"],
    pattern: r"sk-ant-admin\d{2}-[A-Za-z0-9_-]{80,110}",
    prefix: "sk-ant-admin01-",
    check: Some(anthropic),
    positives: &[concat!(
        "ANTHROPIC_ADMIN_KEY=\"sk-ant-admin01-si0dzlLU-Te-",
        "p6OSYPqsh27D",
        "Z6uy_3eqS021",
        "CYlvChzBnSd3",
        "qyuBuj4tCFcw",
        "nKGKovHjbG8A",
        "3x_kLvLwX4AC",
        "lP5Hqnk0WAA\""
    )],
    negatives: &[
        "ANTHROPIC_ADMIN_KEY=\"sk-ant-admin01-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA\"",
    ],
    ..BASE
};

pub static ANTHROPIC_OAUTH: Detector = Detector {
    id: "anthropic-oauth-token",
    kind: "anthropic",
    family: Family::AiProvider,
    title: "Anthropic (Claude Code) OAuth token",
    ai: true,
    keywords: &["sk-ant-oat", "sk-ant-ort"],
    pattern: r"sk-ant-o[ar]t\d{2}-[A-Za-z0-9_-]{40,120}",
    prefix: "sk-ant-",
    check: Some(anthropic),
    positives: &[concat!(
        "CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-T8RR2X7ufu5X",
        "2Hev_xQ9b6fW",
        "tyxAVv9HUmqd",
        "52bhXNaaitBo",
        "4pQG8Xw7pqVY",
        "fQsEGHSgTHQ1",
        "iyp9jwva6gF_",
        "NWCoTuAA"
    )],
    negatives: &["CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-${TOKEN}"],
    ..BASE
};

/// Words that make an `AIza` key a Gemini (AI Studio) key rather than a key of another
/// Google API.
const GEMINI_WORDS: &[&[u8]] = &[
    b"gemini",
    b"generativelanguage",
    b"generativeai",
    b"genai",
    b"aistudio",
    b"palm",
    b"vertex",
];

/// Whether Gemini is named within three lines of the key.
pub(super) fn near_gemini(site: &Site<'_>) -> bool {
    let around = text::lower(site.around(3));
    GEMINI_WORDS
        .iter()
        .any(|w| memchr::memmem::find(&around, w).is_some())
}

fn gemini_key(_: &str, site: &Site<'_>) -> Verdict {
    if near_gemini(site) {
        Verdict::high().with("service", "gemini")
    } else {
        Verdict::Reject // a Google API key of another service (`cloud::GOOGLE_API_KEY`)
    }
}

pub static GEMINI_API_KEY: Detector = Detector {
    id: "gemini-api-key",
    kind: "google-api-key",
    family: Family::AiProvider,
    title: "Gemini API key (Google AI Studio)",
    ai: true,
    keywords: &["AIza"],
    pattern: r"AIza[0-9A-Za-z_-]{35}",
    prefix: "AIza",
    check: Some(gemini_key),
    positives: &[
        concat!(
            "const geminiKey = \"AIzaxTVexuvScujQ",
            "eM-hhu04UMgP",
            "JWyRWYomlID\";\nconst model = new GoogleGenerativeAI(geminiKey);"
        ),
        concat!(
            "GEMINI_API_KEY: AIzaVkd4w97WFJf4",
            "yHrCkkLBUVcR",
            "q0YDzpgMAj9"
        ),
    ],
    negatives: &[
        "GEMINI_API_KEY=AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        concat!("GEMINI_API_KEY=AIzaOnBmQ3C_n1Oj", "piOmNc6w"),
        // A Maps key is a Google API key, not a Gemini one.
        concat!(
            "const mapsKey = \"AIzaVkd4w97WFJf4",
            "yHrCkkLBUVcR",
            "q0YDzpgMAj9\";"
        ),
    ],
    ..BASE
};

const AZURE_OPENAI_WORDS: &[&str] = &[
    "openai.azure.com",
    "azure_openai",
    "azureopenai",
    "azure-openai",
    "azure openai",
];

/// A 32-character hex key accepted near an Azure OpenAI mention: paired with the
/// endpoint when one is in sight.
fn azure_openai_hex(token: &str, site: &Site<'_>) -> Verdict {
    let v = shape::mixed(token, site);
    if v == Verdict::Reject {
        return v;
    }
    let around = text::lower(site.around(8));
    with_azure_endpoint(v, &around)
}

fn with_azure_endpoint(v: Verdict, around: &[u8]) -> Verdict {
    for suffix in [
        &b".openai.azure.com"[..],
        b".cognitiveservices.azure.com",
        b".services.ai.azure.com",
    ] {
        if let Some(p) = memchr::memmem::find(around, suffix) {
            let start = around[..p]
                .iter()
                .rposition(|&b| !(b.is_ascii_alphanumeric() || b == b'-'))
                .map_or(0, |i| i + 1);
            let host = String::from_utf8_lossy(&around[start..p + suffix.len()]).into_owned();
            return v.with("endpoint", host).with("paired", true);
        }
    }
    v
}

pub static AZURE_OPENAI: Detector = Detector {
    id: "azure-openai-key",
    kind: "azure-openai",
    family: Family::AiProvider,
    title: "Azure OpenAI API key",
    ai: true,
    keywords: AZURE_OPENAI_WORDS,
    pattern: r"[a-fA-F0-9]{32}",
    matcher: Matcher::Context(ContextRule {
        words: AZURE_OPENAI_WORDS,
        lines: 8,
    }),
    boundary: Boundary::Token,
    check: Some(azure_openai_hex),
    binary: false,
    priority: 2,
    positives: &[
        concat!(
            "llm:\n  provider: azure_openai\n  base_url: https://fabrikam-search.openai.azure.com\n  key: \"3a2d5b79d493",
            "0e918aa18ef3",
            "8d56d69f\""
        ),
        concat!(
            "AZURE_OPENAI_API_KEY=\"f64084c99e01",
            "ee8cefe06785",
            "df9b9254\""
        ),
    ],
    negatives: &[
        concat!(
            "provider: azure_openai\nbase_url: https://fabrikam-search.openai.azure.com\nartifact_md5: d9e65a274de6",
            "50525b473a96",
            "770fbe93"
        ),
        "azure_key = os.getenv(\"AZURE_OPENAI_API_KEY\", \"\")",
        concat!("md5: 8ea310625796", "39d33a98497f", "02713fdf"),
    ],
    ..BASE
};

/// The 84-character Azure AI services key format: an OpenAI resource when an OpenAI
/// endpoint or name is near, otherwise another Cognitive Services resource.
fn azure_ai_key(_: &str, site: &Site<'_>) -> Verdict {
    let around = text::lower(site.around(8));
    let openai = memchr::memmem::find(&around, b"openai").is_some();
    let mut v = Verdict::high();
    if let Verdict::Accept { kind, .. } = &mut v {
        *kind = Some(if openai {
            "azure-openai"
        } else {
            "azure-cognitive-services"
        });
    }
    with_azure_endpoint(v, &around)
}

pub static AZURE_AI_SERVICES: Detector = Detector {
    id: "azure-ai-services-key",
    kind: "azure-cognitive-services",
    family: Family::AiProvider,
    title: "Azure AI services key",
    ai: true,
    keywords: &["JQQJ9"],
    pattern: r"[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9][A-L][A-Za-z0-9]{16}[A-Za-z][A-Za-z0-9]{7}",
    boundary: Boundary::Alnum,
    check: Some(azure_ai_key),
    priority: 3,
    positives: &[
        concat!(
            "AZURE_OPENAI_ENDPOINT=https://ml-team.openai.azure.com\nAZURE_OPENAI_API_KEY=G7OfGb7B2jRg",
            "U41jPhvxm3IV",
            "4NUUhXya6DVG",
            "9Hiz0QfndSjO",
            "f7r5JQQJ99DE",
            "X6TeQ1bcV0Ec",
            "AAABACOGpvdL"
        ),
        concat!(
            "speech_key = \"yjyL72sAGNPJ",
            "dJlTGDgPuoq2",
            "KGsO05TCaFjp",
            "NTAOkIaklT65",
            "wJL5JQQJ99BG",
            "AJDUdG4GVUff",
            "AAABACOGPC1C\""
        ),
    ],
    negatives: &[concat!(
        "speech_key = \"bXmP1ihkBJQL",
        "quiNEHMNJrXK",
        "RQaFshjWbUqQ",
        "NTfmvCuXk8fi",
        "t531JQQJ99\""
    )],
    ..BASE
};

const AZURE_COGNITIVE_WORDS: &[&str] = &[
    "cognitiveservices.azure.com",
    "cognitive.microsoft.com",
    "ocp-apim-subscription-key",
    "azure_cognitive",
    "azure_ai_services",
    "services.ai.azure.com",
    "azure_speech",
];

pub static AZURE_COGNITIVE: Detector = Detector {
    id: "azure-cognitive-services-key",
    kind: "azure-cognitive-services",
    family: Family::AiProvider,
    title: "Azure Cognitive Services key",
    ai: true,
    keywords: AZURE_COGNITIVE_WORDS,
    pattern: r"[a-fA-F0-9]{32}",
    matcher: Matcher::Context(ContextRule {
        words: AZURE_COGNITIVE_WORDS,
        lines: 6,
    }),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[concat!(
        "headers = {\"Ocp-Apim-Subscription-Key\": \"271961e13e80",
        "1d340acc2f0b",
        "e207cf56\"}"
    )],
    negatives: &["headers = {\"Ocp-Apim-Subscription-Key\": os.environ[\"KEY\"]}"],
    ..BASE
};

const fn context(words: &'static [&'static str], lines: usize) -> Matcher {
    Matcher::Context(ContextRule { words, lines })
}

const COHERE: &[&str] = &["cohere", "co_api_key"];
pub static COHERE_KEY: Detector = Detector {
    id: "cohere-api-key",
    kind: "cohere",
    family: Family::AiProvider,
    title: "Cohere API key",
    ai: true,
    keywords: COHERE,
    pattern: r"[A-Za-z0-9]{40}",
    matcher: context(COHERE, 3),
    boundary: Boundary::Token,
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[
        concat!(
            "cohereKey := \"78ZNjzGIWcDm",
            "NXHtba3DVVis",
            "81BmiKVOBkSJ",
            "1If1\""
        ),
        concat!(
            "co = cohere.ClientV2(\"6cuxTyMJYF0O",
            "DvMmkq5nakiv",
            "eP6LFfRe7NhQ",
            "YB1D\")"
        ),
        concat!(
            "COHERE_API_KEY=QQ8jDNl6peyA",
            "XtimB6Yq21Hm",
            "EatgY0g6eu3L",
            "ADet"
        ),
    ],
    negatives: &[
        "COHERE_API_KEY=<COHERE_API_KEY>",
        "key := os.Getenv(\"CO_API_KEY\")",
        concat!(
            "// uses the cohere reranker\nconst GitRevision = \"7LpX2W1ycQao",
            "q95ctAAf1QlP",
            "J8E3cLSEj74b",
            "YKpz\""
        ),
    ],
    ..BASE
};

const MISTRAL: &[&str] = &["mistral"];
pub static MISTRAL_KEY: Detector = Detector {
    id: "mistral-api-key",
    kind: "mistral",
    family: Family::AiProvider,
    title: "Mistral AI API key",
    ai: true,
    keywords: MISTRAL,
    pattern: r"[A-Za-z0-9]{32}",
    matcher: context(MISTRAL, 3),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[
        concat!("mistral_key = \"WFWC1ajvLF0m", "VJBb6IKTaHvQ", "lFu68eWT\""),
        concat!(
            "MISTRAL_API_KEY: \"kIPT0A7o9IDU",
            "iwcTmKQ0Rjqi",
            "bcjzQtp6\""
        ),
    ],
    negatives: &[
        "MISTRAL_API_KEY=your_api_key_here",
        concat!(
            "mistral_model: mistral-large-latest\nrequest_id: \"eOfQCyu8B4Rg",
            "hhvCjC21XDpI",
            "RnuCLsYq\""
        ),
    ],
    ..BASE
};

pub static GROQ: Detector = Detector {
    id: "groq-api-key",
    kind: "groq",
    family: Family::AiProvider,
    title: "Groq API key",
    ai: true,
    keywords: &["gsk_"],
    pattern: r"gsk_[A-Za-z0-9]{52}",
    prefix: "gsk_",
    positives: &[
        concat!(
            "GROQ_API_KEY=gsk_8MPetuy6Kv22",
            "OF4DtBvRlSab",
            "UFKKvxAx0KpU",
            "qegVOGLEfEF4",
            "ZFkQ"
        ),
        concat!(
            "headers = {\"Authorization\": \"Bearer gsk_qGsMQVEsIW0j",
            "04RWRzKQx7qZ",
            "hM3Wf0lqBLWD",
            "xdY1ybRMdZOK",
            "aVHJ\"}"
        ),
    ],
    negatives: &["GROQ_API_KEY=gsk_your_key_goes_here"],
    ..BASE
};

const TOGETHER: &[&str] = &["together"];
pub static TOGETHER_KEY: Detector = Detector {
    id: "together-api-key",
    kind: "together",
    family: Family::AiProvider,
    title: "Together AI API key",
    ai: true,
    keywords: &["tgp_v1_"],
    pattern: r"tgp_v1_[A-Za-z0-9_-]{43}",
    prefix: "tgp_v1_",
    positives: &[concat!(
        "TOGETHER_API_KEY=tgp_v1_5bJ093y5b2tQ",
        "mJDt73QKcc61",
        "rS7GC4NVqdfb",
        "XuzrmbS"
    )],
    negatives: &["TOGETHER_API_KEY=tgp_v1_<key>"],
    ..BASE
};

pub static TOGETHER_LEGACY: Detector = Detector {
    id: "together-legacy-api-key",
    kind: "together",
    family: Family::AiProvider,
    title: "Together AI API key",
    ai: true,
    keywords: TOGETHER,
    pattern: r"[a-f0-9]{64}",
    matcher: context(TOGETHER, 3),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[concat!(
        "TOGETHER_API_KEY=\"e1026440ef9d",
        "07967e0bb661",
        "a83014e878bd",
        "873358666e3f",
        "ef450a2e2cfd",
        "0c8b\""
    )],
    negatives: &[concat!(
        "together_model_sha256 = \"33f5c34a95b7",
        "8199e5fb30c9",
        "b12ca7eba492",
        "31d5eef58dce",
        "ca8b437e5e23",
        "9a80\""
    )],
    ..BASE
};

const FIREWORKS: &[&str] = &["fireworks"];
pub static FIREWORKS_KEY: Detector = Detector {
    id: "fireworks-api-key",
    kind: "fireworks",
    family: Family::AiProvider,
    title: "Fireworks AI API key",
    ai: true,
    keywords: FIREWORKS,
    pattern: r"fw_[A-Za-z0-9]{24}",
    matcher: context(FIREWORKS, 3),
    prefix: "fw_",
    check: Some(shape::mixed),
    binary: false,
    priority: 3,
    positives: &[concat!("FIREWORKS_API_KEY=fw_FaaW27XC8S4k", "FAtG7N0qpYky")],
    negatives: &[concat!("fw_5Ml4Pj1J01tn", "n2ky8lxuZAJR = load_firmware()")],
    ..BASE
};

pub static PERPLEXITY: Detector = Detector {
    id: "perplexity-api-key",
    kind: "perplexity",
    family: Family::AiProvider,
    title: "Perplexity API key",
    ai: true,
    keywords: &["pplx-"],
    pattern: r"pplx-[A-Za-z0-9]{48}",
    prefix: "pplx-",
    positives: &[concat!(
        "PPLX_API_KEY=pplx-zlpDyuxpHaSF",
        "OCZdxFzZqpMM",
        "43RKrPmwLAMp",
        "izHYToI2ebC9"
    )],
    negatives: &["PPLX_API_KEY=pplx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ..BASE
};

const DEEPSEEK: &[&str] = &["deepseek"];
pub static DEEPSEEK_KEY: Detector = Detector {
    id: "deepseek-api-key",
    kind: "deepseek",
    family: Family::AiProvider,
    title: "DeepSeek API key",
    ai: true,
    keywords: DEEPSEEK,
    pattern: r"sk-[a-f0-9]{32}",
    matcher: context(DEEPSEEK, 4),
    prefix: "sk-",
    check: Some(shape::mixed),
    binary: false,
    priority: 3,
    positives: &[concat!(
        "DEEPSEEK_API_KEY=sk-cda2f869cd2d",
        "129fbc23acf7",
        "4d12a2b6"
    )],
    negatives: &[concat!(
        "api_key = \"sk-279f292ff",
        "48ebfbe0b158",
        "50beefc9a42\""
    )],
    ..BASE
};

pub static XAI: Detector = Detector {
    id: "xai-api-key",
    kind: "xai",
    family: Family::AiProvider,
    title: "xAI (Grok) API key",
    ai: true,
    keywords: &["xai-"],
    pattern: r"xai-[A-Za-z0-9]{80}",
    prefix: "xai-",
    positives: &[concat!(
        "XAI_API_KEY=xai-VLDbg8VVhCe9",
        "eqQems6PIxVW",
        "fdUCKoQvdqLA",
        "CLSLEn73jkkG",
        "q3IVqZARsJ95",
        "Ui5RLhYMhnoX",
        "g4VapgVi"
    )],
    negatives: &["XAI_API_KEY=xai-..."],
    ..BASE
};

pub static REPLICATE: Detector = Detector {
    id: "replicate-api-token",
    kind: "replicate",
    family: Family::AiProvider,
    title: "Replicate API token",
    ai: true,
    keywords: &["r8_"],
    pattern: r"r8_[A-Za-z0-9]{37}",
    prefix: "r8_",
    positives: &[concat!(
        "const client = new Replicate({ auth: \"r8_bCzs3nTfh6Pb",
        "nFnwGGGRDlIg",
        "mDWyLdQfWxbP",
        "R\" });"
    )],
    negatives: &["REPLICATE_API_TOKEN=r8_<token>"],
    ..BASE
};

pub static OPENROUTER: Detector = Detector {
    id: "openrouter-api-key",
    kind: "openrouter",
    family: Family::AiProvider,
    title: "OpenRouter API key",
    ai: true,
    keywords: &["sk-or-v1-"],
    pattern: r"sk-or-v1-[a-f0-9]{64}",
    prefix: "sk-or-v1-",
    positives: &[concat!(
        "OPENROUTER_API_KEY=sk-or-v1-d84c2cfff854",
        "acced15dc661",
        "949cf1712ac1",
        "6ff430ae90a8",
        "dfc39a8b1a9f",
        "be9d"
    )],
    negatives: &[
        "OPENROUTER_API_KEY=sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000",
    ],
    ..BASE
};

const VOYAGE: &[&str] = &["voyage"];
pub static VOYAGE_KEY: Detector = Detector {
    id: "voyage-api-key",
    kind: "voyage",
    family: Family::AiProvider,
    title: "Voyage AI API key",
    ai: true,
    keywords: VOYAGE,
    pattern: r"pa-[A-Za-z0-9_-]{40,50}",
    matcher: context(VOYAGE, 3),
    prefix: "pa-",
    check: Some(shape::mixed),
    binary: false,
    priority: 3,
    positives: &[concat!(
        "VOYAGE_API_KEY=pa-NFbkzQndd4D8",
        "hTTUhln9Sol4",
        "GJ3uTN0GAww2",
        "2065ouV"
    )],
    negatives: &["voyage_model = \"voyage-3-large\""],
    ..BASE
};

pub static JINA: Detector = Detector {
    id: "jina-api-key",
    kind: "jina",
    family: Family::AiProvider,
    title: "Jina AI API key",
    ai: true,
    keywords: &["jina_"],
    pattern: r"jina_[A-Za-z0-9]{60}",
    prefix: "jina_",
    positives: &[concat!(
        "JINA_API_KEY='jina_d802f065ba06",
        "a390818b7020",
        "0d0fce0a3vQnbE4GjDwg",
        "yUo0eJWELHx4",
        "gpxH'"
    )],
    negatives: &["JINA_API_KEY='jina_...'"],
    ..BASE
};

const STABILITY: &[&str] = &["stability"];
pub static STABILITY_KEY: Detector = Detector {
    id: "stability-api-key",
    kind: "stability",
    family: Family::AiProvider,
    title: "Stability AI API key",
    ai: true,
    keywords: STABILITY,
    pattern: r"sk-[A-Za-z0-9]{48}",
    matcher: context(STABILITY, 3),
    prefix: "sk-",
    check: Some(shape::mixed),
    binary: false,
    priority: 3,
    positives: &[concat!(
        "STABILITY_API_KEY=sk-EgA7CXcFrApI",
        "gdifQiBlRakd",
        "2psuMg0QtbLL",
        "wSB0bWu9eqjf"
    )],
    negatives: &["STABILITY_API_KEY=sk-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
    ..BASE
};

pub static ELEVENLABS: Detector = Detector {
    id: "elevenlabs-api-key",
    kind: "elevenlabs",
    family: Family::AiProvider,
    title: "ElevenLabs API key",
    ai: true,
    keywords: &["sk_"],
    pattern: r"sk_[a-f0-9]{48}",
    prefix: "sk_",
    positives: &[concat!(
        "ELEVENLABS_API_KEY=sk_fe905513d2c5",
        "54df64d7b939",
        "ddf33bb8a52b",
        "6119d5386822"
    )],
    negatives: &[concat!(
        "ELEVENLABS_API_KEY=sk_live_6WyELfgOGR3r",
        "sdn8sZILgVKV"
    )],
    ..BASE
};

const ELEVENLABS_WORDS: &[&str] = &["elevenlabs", "xi-api-key", "xi_api_key"];
pub static ELEVENLABS_LEGACY: Detector = Detector {
    id: "elevenlabs-legacy-api-key",
    kind: "elevenlabs",
    family: Family::AiProvider,
    title: "ElevenLabs API key",
    ai: true,
    keywords: ELEVENLABS_WORDS,
    pattern: r"[a-f0-9]{32}",
    matcher: context(ELEVENLABS_WORDS, 3),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[concat!(
        "headers = {\"xi-api-key\": \"dafea9d69475",
        "fa02e28c7def",
        "e7088cdc\"}"
    )],
    negatives: &["headers = {\"xi-api-key\": api_key}"],
    ..BASE
};

const ASSEMBLYAI: &[&str] = &["assemblyai", "assembly_ai"];
pub static ASSEMBLYAI_KEY: Detector = Detector {
    id: "assemblyai-api-key",
    kind: "assemblyai",
    family: Family::AiProvider,
    title: "AssemblyAI API key",
    ai: true,
    keywords: ASSEMBLYAI,
    pattern: r"[a-f0-9]{32}",
    matcher: context(ASSEMBLYAI, 3),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[concat!(
        "aai.settings.api_key = \"db2dec748b56",
        "0dc702602f55",
        "135780ca\"  # assemblyai"
    )],
    negatives: &["ASSEMBLYAI_API_KEY=${ASSEMBLYAI_API_KEY}"],
    ..BASE
};

const DEEPGRAM: &[&str] = &["deepgram"];
pub static DEEPGRAM_KEY: Detector = Detector {
    id: "deepgram-api-key",
    kind: "deepgram",
    family: Family::AiProvider,
    title: "Deepgram API key",
    ai: true,
    keywords: DEEPGRAM,
    pattern: r"[a-f0-9]{40}",
    matcher: context(DEEPGRAM, 3),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[concat!(
        "DEEPGRAM_API_KEY=ce112e478976",
        "9fe774589f34",
        "b8760afa02ab",
        "a08e"
    )],
    negatives: &[concat!(
        "deepgram_commit = \"73f6f190136a",
        "11fbc7518ff7",
        "0ceaf646ce44",
        "e562\""
    )],
    ..BASE
};

const AI21: &[&str] = &["ai21"];
pub static AI21_KEY: Detector = Detector {
    id: "ai21-api-key",
    kind: "ai21",
    family: Family::AiProvider,
    title: "AI21 Labs API key",
    ai: true,
    keywords: AI21,
    pattern: r"[A-Za-z0-9]{32}",
    matcher: context(AI21, 3),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[concat!(
        "AI21_API_KEY=\"WUHWqvuyLGtf",
        "OqMP35tIwCvX",
        "eLns3yJ9\""
    )],
    negatives: &["AI21_API_KEY=\"\""],
    ..BASE
};

pub static NVIDIA: Detector = Detector {
    id: "nvidia-api-key",
    kind: "nvidia",
    family: Family::AiProvider,
    title: "NVIDIA NIM / NGC API key",
    ai: true,
    keywords: &["nvapi-"],
    pattern: r"nvapi-[A-Za-z0-9_-]{64}",
    prefix: "nvapi-",
    positives: &[concat!(
        "NVIDIA_API_KEY=nvapi-x15SWW6skYBj",
        "UO209myyaPPu",
        "pLrHlIe7Re0a",
        "HQxMSKFfG03b",
        "5pXv1vuBh_LE",
        "mdw3"
    )],
    negatives: &["NVIDIA_API_KEY=nvapi-****"],
    ..BASE
};

pub static TAVILY: Detector = Detector {
    id: "tavily-api-key",
    kind: "tavily",
    family: Family::AiProvider,
    title: "Tavily search API key",
    ai: true,
    keywords: &["tvly-"],
    pattern: r"tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}",
    prefix: "tvly-",
    positives: &[concat!(
        "TAVILY_API_KEY=tvly-dev-PvFXjKwFakSn",
        "k27cnxozLRn7",
        "saw7lp6H"
    )],
    negatives: &["TAVILY_API_KEY=tvly-YOUR_API_KEY"],
    ..BASE
};

/// Long-lived Amazon Bedrock API keys: `ABSK` + base64 of `BedrockAPIKey-…`.
fn bedrock_long(token: &str, _: &Site<'_>) -> Verdict {
    match text::base64_decode(&token.as_bytes()[4..]) {
        Some(d) if d.starts_with(b"BedrockAPIKey-") => Verdict::high()
            .with("key_type", "long-lived")
            .with("lifetime", "long-lived"),
        _ => Verdict::Reject,
    }
}

pub static BEDROCK_LONG: Detector = Detector {
    id: "aws-bedrock-api-key",
    kind: "aws-bedrock",
    family: Family::AiProvider,
    title: "Amazon Bedrock API key (long-lived)",
    ai: true,
    keywords: &["ABSK"],
    pattern: r"ABSK[A-Za-z0-9+/]{60,400}={0,2}",
    prefix: "ABSK",
    boundary: Boundary::Base64,
    check: Some(bedrock_long),
    positives: &[concat!(
        "AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9j",
        "a0FQSUtleS1k",
        "MGFvLWF0LTYz",
        "OTQxMDQyNjMw",
        "MTo1NGlmb005",
        "S2ZYSmFhem9I",
        "ZS9rTzVxdlNN",
        "N3BVR2NFOXpS",
        "c1l0NDBL"
    )],
    negatives: &[concat!(
        "AWS_BEARER_TOKEN_BEDROCK=ABSKU29tZXRo",
        "aW5nRWxzZS1i",
        "cnFxcm1mVFUy",
        "ejhpTEs5anh5",
        "amZOMUt1VzZj",
        "VW95ZmtNRTJO",
        "NWdSaEtMTWxQ",
        "NEZQdQ=="
    )],
    ..BASE
};

/// Short-term Amazon Bedrock API keys: a base64 presigned request.
fn bedrock_short(token: &str, _: &Site<'_>) -> Verdict {
    match text::base64_decode(&token.as_bytes()["bedrock-api-key-".len()..]) {
        Some(d) if text::contains_ci(&d, b"bedrock") => {
            Verdict::high().with("key_type", "short-term")
        }
        _ => Verdict::Reject,
    }
}

pub static BEDROCK_SHORT: Detector = Detector {
    id: "aws-bedrock-short-term-api-key",
    reach: 16384,
    kind: "aws-bedrock",
    family: Family::AiProvider,
    title: "Amazon Bedrock API key (short-term)",
    ai: true,
    keywords: &["bedrock-api-key-"],
    pattern: r"bedrock-api-key-[A-Za-z0-9+/]{60,2000}={0,2}",
    prefix: "bedrock-api-key-",
    boundary: Boundary::Base64,
    check: Some(bedrock_short),
    positives: &[concat!(
        "AWS_BEARER_TOKEN_BEDROCK=bedrock-api-",
        "key-YmVkcm9j",
        "ay5hbWF6b25h",
        "d3MuY29tLz9B",
        "Y3Rpb249Q2Fs",
        "bFdpdGhCZWFy",
        "ZXJUb2tlbiZY",
        "LUFtei1DcmVk",
        "ZW50aWFsPTdF",
        "VVJNQldURFAy",
        "RTlQRkdHNUtG",
        "JlgtQW16LVNp",
        "Z25hdHVyZT1i",
        "ZDUzNTU3MjU1",
        "NzE1YmVmZmNj",
        "NDY4Mjk2ZDdm",
        "ODVmMzA4MDc4",
        "YjdlMjE3Y2Y0",
        "NmZlMjc2M2Y2",
        "NGZiM2QyZTY3"
    )],
    negatives: &[concat!(
        "AWS_BEARER_TOKEN_BEDROCK=bedrock-api-key-myFqcl9LlzWn",
        "ImWeSOqeVBTe",
        "Fnn5MZwSOv+Z",
        "SJ4I0HswQmmt",
        "jTbihTBDyNrd",
        "3hd4rGHfvr6S",
        "Yzczzrhg"
    )],
    ..BASE
};

pub static CEREBRAS: Detector = Detector {
    id: "cerebras-api-key",
    kind: "cerebras",
    family: Family::AiProvider,
    title: "Cerebras API key",
    ai: true,
    keywords: &["csk-"],
    pattern: r"csk-[a-z0-9]{48}",
    prefix: "csk-",
    default_confidence: Confidence::Medium,
    positives: &[concat!(
        "CEREBRAS_API_KEY=csk-a54kh14j9ac2",
        "jixcunelyoa3",
        "ny5h3phcouus",
        "2eo6lso3wm0o"
    )],
    negatives: &["CEREBRAS_API_KEY=csk-<key>"],
    ..BASE
};

/// Every AI provider detector.
pub static ALL: &[&Detector] = &[
    &OPENAI_LEGACY,
    &OPENAI_PROJECT,
    &OPENAI_SERVICE_ACCOUNT,
    &OPENAI_ADMIN,
    &OPENAI_USER,
    &ANTHROPIC,
    &ANTHROPIC_ADMIN,
    &ANTHROPIC_OAUTH,
    &GEMINI_API_KEY,
    &AZURE_OPENAI,
    &AZURE_AI_SERVICES,
    &AZURE_COGNITIVE,
    &COHERE_KEY,
    &MISTRAL_KEY,
    &GROQ,
    &TOGETHER_KEY,
    &TOGETHER_LEGACY,
    &FIREWORKS_KEY,
    &PERPLEXITY,
    &DEEPSEEK_KEY,
    &XAI,
    &REPLICATE,
    &OPENROUTER,
    &VOYAGE_KEY,
    &JINA,
    &STABILITY_KEY,
    &ELEVENLABS,
    &ELEVENLABS_LEGACY,
    &ASSEMBLYAI_KEY,
    &DEEPGRAM_KEY,
    &AI21_KEY,
    &NVIDIA,
    &TAVILY,
    &BEDROCK_LONG,
    &BEDROCK_SHORT,
    &CEREBRAS,
];

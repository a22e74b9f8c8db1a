//! Inputs of the secret-scanner benchmark (`bench/secrets.sh`): a tree of realistic
//! source (Python, JavaScript, TypeScript, Go, Java, YAML, JSON, `.env`, properties,
//! shell, Markdown, notebooks, lockfiles, minified bundles) with seeded credentials
//! and many decoys, and a `git fast-import` stream of a long history in which some
//! commits add credentials that later commits delete again.
//!
//! Every credential is a random string in its provider's public format (prefixes,
//! lengths, alphabets, GitHub's CRC32 tail), drawn from a seeded generator: none was
//! ever issued. Beside each input a `labels.jsonl` says where every seeded credential
//! (`expected: true`) and every decoy (`expected: false`) sits, with the kind names of
//! the labelled secrets corpus (`secret/openai`, ...), so the benchmark scores the
//! tools the same way on both. The labels never hold the values themselves.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use aispm_fixtures::rng::{SplitMix64, capital};

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const DIGITS: &[u8] = b"0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const HEX: &[u8] = b"0123456789abcdef";
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const AWS_SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn rand_str(rng: &mut SplitMix64, n: usize, alphabet: &[u8]) -> String {
    (0..n)
        .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize] as char)
        .collect()
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= c.len() {
                out.push(T[(n >> shift) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn random_bytes(rng: &mut SplitMix64, n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    rng.fill(&mut v);
    v
}

/// GitHub's checksum tail: CRC32 of the random part, base62, six characters.
fn github_checksum(body: &str) -> String {
    let mut n = crc32fast::hash(body.as_bytes()) as u64;
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while digits.len() < 6 {
        digits.push(b'0');
    }
    digits.truncate(6);
    digits.iter().rev().map(|&b| b as char).collect()
}

// ------------------------------------------------------------------ credentials

/// A credential format seeded in the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cred {
    OpenAiLegacy,
    OpenAiProject,
    OpenAiServiceAccount,
    Anthropic,
    HuggingFace,
    HuggingFaceOrg,
    GoogleApiKey,
    Groq,
    Replicate,
    Pinecone,
    LangSmith,
    GitHubClassic,
    GitHubFineGrained,
    SlackBot,
    SlackUser,
    SlackWebhook,
    Stripe,
    StripeRestricted,
    AwsKeyPair,
    AzureOpenAi,
    Cohere,
    Mistral,
    Wandb,
    Npm,
    GitLab,
    Databricks,
    DatabaseUrl,
    PrivateKeyPem,
    OpenSshKey,
    GcpServiceAccount,
}

/// Relative frequency of each format: AI providers first, as in the estates aispm scans.
const CRED_MIX: &[(Cred, u32)] = &[
    (Cred::OpenAiLegacy, 4),
    (Cred::OpenAiProject, 8),
    (Cred::OpenAiServiceAccount, 2),
    (Cred::Anthropic, 6),
    (Cred::HuggingFace, 6),
    (Cred::HuggingFaceOrg, 1),
    (Cred::GoogleApiKey, 4),
    (Cred::Groq, 3),
    (Cred::Replicate, 2),
    (Cred::Pinecone, 2),
    (Cred::LangSmith, 2),
    (Cred::GitHubClassic, 4),
    (Cred::GitHubFineGrained, 2),
    (Cred::SlackBot, 2),
    (Cred::SlackUser, 1),
    (Cred::SlackWebhook, 2),
    (Cred::Stripe, 2),
    (Cred::StripeRestricted, 1),
    (Cred::AwsKeyPair, 5),
    (Cred::AzureOpenAi, 3),
    (Cred::Cohere, 2),
    (Cred::Mistral, 2),
    (Cred::Wandb, 3),
    (Cred::Npm, 2),
    (Cred::GitLab, 2),
    (Cred::Databricks, 2),
    (Cred::DatabaseUrl, 3),
    (Cred::PrivateKeyPem, 3),
    (Cred::OpenSshKey, 1),
    (Cred::GcpServiceAccount, 2),
];

fn pick_cred(rng: &mut SplitMix64) -> Cred {
    let total: u32 = CRED_MIX.iter().map(|(_, w)| w).sum();
    let mut r = rng.below(total as u64) as u32;
    for (c, w) in CRED_MIX {
        if r < *w {
            return *c;
        }
        r -= w;
    }
    Cred::OpenAiProject
}

impl Cred {
    /// The corpus kind the labels use.
    fn kind(self) -> &'static str {
        match self {
            Cred::OpenAiLegacy | Cred::OpenAiProject | Cred::OpenAiServiceAccount => {
                "secret/openai"
            }
            Cred::Anthropic => "secret/anthropic",
            Cred::HuggingFace | Cred::HuggingFaceOrg => "secret/huggingface",
            Cred::GoogleApiKey => "secret/google-api-key",
            Cred::Groq => "secret/groq",
            Cred::Replicate => "secret/replicate",
            Cred::Pinecone => "secret/pinecone",
            Cred::LangSmith => "secret/langsmith",
            Cred::GitHubClassic | Cred::GitHubFineGrained => "secret/github-token",
            Cred::SlackBot | Cred::SlackUser => "secret/slack-token",
            Cred::SlackWebhook => "secret/slack-webhook",
            Cred::Stripe | Cred::StripeRestricted => "secret/stripe",
            Cred::AwsKeyPair => "secret/aws-access-key",
            Cred::AzureOpenAi => "secret/azure-openai",
            Cred::Cohere => "secret/cohere",
            Cred::Mistral => "secret/mistral",
            Cred::Wandb => "secret/wandb",
            Cred::Npm => "secret/npm-token",
            Cred::GitLab => "secret/gitlab-token",
            Cred::Databricks => "secret/databricks",
            Cred::DatabaseUrl => "secret/generic",
            Cred::PrivateKeyPem | Cred::OpenSshKey => "secret/private-key",
            Cred::GcpServiceAccount => "secret/gcp-service-account",
        }
    }

    /// Variable names people give it (upper snake case; each language re-cases them).
    fn names(self) -> &'static [&'static str] {
        match self {
            Cred::OpenAiLegacy | Cred::OpenAiProject | Cred::OpenAiServiceAccount => {
                &["OPENAI_API_KEY", "OPENAI_KEY", "LLM_API_KEY"]
            }
            Cred::Anthropic => &["ANTHROPIC_API_KEY", "CLAUDE_API_KEY"],
            Cred::HuggingFace | Cred::HuggingFaceOrg => &["HF_TOKEN", "HUGGINGFACE_HUB_TOKEN"],
            Cred::GoogleApiKey => &["GOOGLE_API_KEY", "GEMINI_API_KEY"],
            Cred::Groq => &["GROQ_API_KEY"],
            Cred::Replicate => &["REPLICATE_API_TOKEN"],
            Cred::Pinecone => &["PINECONE_API_KEY"],
            Cred::LangSmith => &["LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"],
            Cred::GitHubClassic | Cred::GitHubFineGrained => &["GITHUB_TOKEN", "GH_TOKEN"],
            Cred::SlackBot | Cred::SlackUser => &["SLACK_BOT_TOKEN", "SLACK_TOKEN"],
            Cred::SlackWebhook => &["SLACK_WEBHOOK_URL"],
            Cred::Stripe | Cred::StripeRestricted => &["STRIPE_SECRET_KEY", "STRIPE_API_KEY"],
            Cred::AwsKeyPair => &["AWS_ACCESS_KEY_ID"],
            Cred::AzureOpenAi => &["AZURE_OPENAI_API_KEY", "AZURE_OPENAI_KEY"],
            Cred::Cohere => &["COHERE_API_KEY", "CO_API_KEY"],
            Cred::Mistral => &["MISTRAL_API_KEY"],
            Cred::Wandb => &["WANDB_API_KEY"],
            Cred::Npm => &["NPM_TOKEN"],
            Cred::GitLab => &["GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN"],
            Cred::Databricks => &["DATABRICKS_TOKEN"],
            Cred::DatabaseUrl => &["DATABASE_URL", "POSTGRES_DSN"],
            Cred::PrivateKeyPem | Cred::OpenSshKey => &["DEPLOY_PRIVATE_KEY", "TLS_KEY"],
            Cred::GcpServiceAccount => &["GOOGLE_CREDENTIALS"],
        }
    }

    /// A fresh value (one line; multi-line keys are built by [`pem_lines`]).
    fn value(self, rng: &mut SplitMix64) -> String {
        let r = |rng: &mut SplitMix64, n, a| rand_str(rng, n, a);
        match self {
            Cred::OpenAiLegacy => format!("sk-{}T3BlbkFJ{}", r(rng, 20, ALNUM), r(rng, 20, ALNUM)),
            Cred::OpenAiProject | Cred::OpenAiServiceAccount => {
                let prefix = if self == Cred::OpenAiProject {
                    "proj"
                } else {
                    "svcacct"
                };
                format!(
                    "sk-{prefix}-{}T3BlbkFJ{}{}",
                    r(rng, 74, URLSAFE),
                    r(rng, 73, URLSAFE),
                    r(rng, 1, ALNUM)
                )
            }
            Cred::Anthropic => format!("sk-ant-api03-{}AA", r(rng, 93, URLSAFE)),
            Cred::HuggingFace => format!("hf_{}", r(rng, 34, LETTERS)),
            Cred::HuggingFaceOrg => format!("api_org_{}", r(rng, 34, LETTERS)),
            Cred::GoogleApiKey => format!("AIzaSy{}", r(rng, 33, URLSAFE)),
            Cred::Groq => format!("gsk_{}", r(rng, 52, ALNUM)),
            Cred::Replicate => format!("r8_{}", r(rng, 37, ALNUM)),
            Cred::Pinecone => format!("pcsk_{}_{}", r(rng, 6, ALNUM), r(rng, 63, ALNUM)),
            Cred::LangSmith => format!("lsv2_pt_{}_{}", r(rng, 32, HEX), r(rng, 10, HEX)),
            Cred::GitHubClassic => {
                let body = r(rng, 30, ALNUM);
                format!("ghp_{body}{}", github_checksum(&body))
            }
            Cred::GitHubFineGrained => format!(
                "github_pat_11{}_{}",
                r(rng, 20, UPPER_DIGITS),
                r(rng, 59, ALNUM)
            ),
            Cred::SlackBot => format!(
                "xoxb-{}-{}-{}",
                r(rng, 12, DIGITS),
                r(rng, 13, DIGITS),
                r(rng, 24, ALNUM)
            ),
            Cred::SlackUser => format!(
                "xoxp-{}-{}-{}-{}",
                r(rng, 12, DIGITS),
                r(rng, 12, DIGITS),
                r(rng, 13, DIGITS),
                r(rng, 32, HEX)
            ),
            Cred::SlackWebhook => format!(
                "https://hooks.slack.com/services/T{}/B{}/{}",
                r(rng, 8, UPPER_DIGITS),
                r(rng, 10, UPPER_DIGITS),
                r(rng, 24, ALNUM)
            ),
            Cred::Stripe => format!("sk_live_51{}", r(rng, 96, ALNUM)),
            Cred::StripeRestricted => format!("rk_live_51{}", r(rng, 96, ALNUM)),
            Cred::AwsKeyPair => format!("AKIA{}", r(rng, 16, BASE32)),
            Cred::AzureOpenAi => r(rng, 32, HEX),
            Cred::Cohere => r(rng, 40, ALNUM),
            Cred::Mistral => r(rng, 32, ALNUM),
            Cred::Wandb => r(rng, 40, HEX),
            Cred::Npm => format!("npm_{}", r(rng, 36, ALNUM)),
            Cred::GitLab => format!("glpat-{}", r(rng, 20, URLSAFE)),
            Cred::Databricks => format!("dapi{}", r(rng, 32, HEX)),
            Cred::DatabaseUrl => format!(
                "postgresql://app_user:{}@db-{}.internal:5432/{}",
                r(rng, 20, ALNUM),
                word(rng),
                word(rng)
            ),
            Cred::PrivateKeyPem | Cred::OpenSshKey | Cred::GcpServiceAccount => r(rng, 40, ALNUM),
        }
    }

    /// Keys that make up a file of their own.
    fn is_key_file(self) -> bool {
        matches!(self, Cred::OpenSshKey | Cred::GcpServiceAccount)
    }
}

/// An RSA key in PEM (`RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`): random key material
/// behind a real DER header, 64 columns.
fn pem_lines(rng: &mut SplitMix64) -> Vec<String> {
    const DER_HEAD: &[u8] = &[
        0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00,
    ];
    let label = if rng.below(2) == 0 {
        "RSA PRIVATE KEY"
    } else {
        "PRIVATE KEY"
    };
    let mut der = DER_HEAD.to_vec();
    der.extend(random_bytes(rng, 1180));
    let b = base64(&der);
    let mut lines = vec![format!("-----BEGIN {label}-----")];
    lines.extend(
        b.as_bytes()
            .chunks(64)
            .map(|c| String::from_utf8_lossy(c).into_owned()),
    );
    lines.push(format!("-----END {label}-----"));
    lines
}

fn openssh_lines(rng: &mut SplitMix64) -> Vec<String> {
    let mut raw = b"openssh-key-v1\0\0\0\0\x04none\0\0\0\x04none\0\0\0\0\0\0\0\x01".to_vec();
    raw.extend(random_bytes(rng, 360));
    let b = base64(&raw);
    let mut lines = vec!["-----BEGIN OPENSSH PRIVATE KEY-----".to_string()];
    lines.extend(
        b.as_bytes()
            .chunks(70)
            .map(|c| String::from_utf8_lossy(c).into_owned()),
    );
    lines.push("-----END OPENSSH PRIVATE KEY-----".to_string());
    lines
}

fn gcp_service_account(rng: &mut SplitMix64) -> String {
    let project = format!("{}-{}-{}", word(rng), word(rng), rng.below(900) + 100);
    let name = rand_str(rng, 8, LOWER);
    let key = pem_lines(rng).join("\\n");
    format!(
        "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"{project}\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"{key}\\n\",\n  \"client_email\": \"{name}@{project}.iam.gserviceaccount.com\",\n  \"client_id\": \"{}\",\n  \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",\n  \"token_uri\": \"https://oauth2.googleapis.com/token\",\n  \"auth_provider_x509_cert_url\": \"https://www.googleapis.com/oauth2/v1/certs\",\n  \"client_x509_cert_url\": \"https://www.googleapis.com/robot/v1/metadata/x509/{name}%40{project}.iam.gserviceaccount.com\",\n  \"universe_domain\": \"googleapis.com\"\n}}\n",
        rand_str(rng, 40, HEX),
        rand_str(rng, 21, DIGITS)
    )
}

// ------------------------------------------------------------------ decoys

/// Things that look like credentials and are not: what a precise scanner stays quiet on.
#[derive(Debug, Clone, Copy)]
enum Decoy {
    OpenAiPlaceholder,
    OpenAiTruncated,
    HuggingFacePlaceholder,
    YourKeyHere,
    AwsDocExample,
    StripePublishable,
    GitHubAllZero,
    GitSha,
    Sha256Digest,
    Uuid,
    Md5,
    Integrity,
    EnvReference,
    Template,
}

const DECOYS: &[Decoy] = &[
    Decoy::OpenAiPlaceholder,
    Decoy::OpenAiTruncated,
    Decoy::HuggingFacePlaceholder,
    Decoy::YourKeyHere,
    Decoy::AwsDocExample,
    Decoy::StripePublishable,
    Decoy::GitHubAllZero,
    Decoy::GitSha,
    Decoy::Sha256Digest,
    Decoy::Uuid,
    Decoy::Md5,
    Decoy::Integrity,
    Decoy::EnvReference,
    Decoy::EnvReference,
    Decoy::Template,
];

/// What a decoy renders as: an assignment of a string, or a read of the environment.
enum DecoyValue {
    Literal(String),
    Env,
}

impl Decoy {
    /// (label kind, note, variable name, value)
    fn make(self, rng: &mut SplitMix64) -> (&'static str, &'static str, String, DecoyValue) {
        use DecoyValue::{Env, Literal};
        let r = |rng: &mut SplitMix64, n, a| rand_str(rng, n, a);
        match self {
            Decoy::OpenAiPlaceholder => (
                "secret/openai",
                "placeholder",
                "OPENAI_API_KEY".into(),
                Literal(format!("sk-{}", "x".repeat(48))),
            ),
            Decoy::OpenAiTruncated => (
                "secret/openai",
                "truncated key",
                "OPENAI_API_KEY".into(),
                Literal(format!("sk-proj-{}...", r(rng, 6, ALNUM))),
            ),
            Decoy::HuggingFacePlaceholder => (
                "secret/huggingface",
                "placeholder",
                "HF_TOKEN".into(),
                Literal(format!("hf_{}", "x".repeat(34))),
            ),
            Decoy::YourKeyHere => {
                let v = [
                    "your_api_key_here",
                    "<YOUR_API_KEY>",
                    "changeme",
                    "REPLACE_ME",
                ];
                (
                    "secret/generic",
                    "placeholder",
                    (*rng.pick(&["API_KEY", "SECRET_KEY", "ACCESS_TOKEN"])).into(),
                    Literal((*rng.pick(&v)).into()),
                )
            }
            Decoy::AwsDocExample => (
                "secret/aws-access-key",
                "AWS documentation example",
                "AWS_ACCESS_KEY_ID".into(),
                Literal("AKIAIOSFODNN7EXAMPLE".into()),
            ),
            Decoy::StripePublishable => (
                "secret/stripe",
                "publishable key is public by design",
                "STRIPE_PUBLISHABLE_KEY".into(),
                Literal(format!("pk_live_51{}", r(rng, 96, ALNUM))),
            ),
            Decoy::GitHubAllZero => (
                "secret/github-token",
                "all-zero placeholder",
                "EXAMPLE_GITHUB_TOKEN".into(),
                Literal(format!("ghp_{}", "0".repeat(36))),
            ),
            Decoy::GitSha => (
                "secret/generic",
                "git commit sha",
                (*rng.pick(&["GIT_COMMIT", "BUILD_REVISION", "MODEL_REVISION"])).into(),
                Literal(r(rng, 40, HEX)),
            ),
            Decoy::Sha256Digest => (
                "secret/generic",
                "image digest",
                "IMAGE_DIGEST".into(),
                Literal(format!("sha256:{}", r(rng, 64, HEX))),
            ),
            Decoy::Uuid => (
                "secret/generic",
                "uuid",
                (*rng.pick(&["TENANT_ID", "REQUEST_ID", "CLIENT_ID"])).into(),
                Literal(format!(
                    "{}-{}-4{}-a{}-{}",
                    r(rng, 8, HEX),
                    r(rng, 4, HEX),
                    r(rng, 3, HEX),
                    r(rng, 3, HEX),
                    r(rng, 12, HEX)
                )),
            ),
            Decoy::Md5 => (
                "secret/generic",
                "md5 checksum",
                "WEIGHTS_MD5".into(),
                Literal(r(rng, 32, HEX)),
            ),
            Decoy::Integrity => (
                "secret/generic",
                "subresource integrity hash",
                "BUNDLE_INTEGRITY".into(),
                Literal(format!("sha512-{}", base64(&random_bytes(rng, 64)))),
            ),
            Decoy::EnvReference => (
                "secret/openai",
                "variable reference",
                (*rng.pick(&["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "HF_TOKEN"])).into(),
                Env,
            ),
            Decoy::Template => (
                "secret/openai",
                "template",
                "OPENAI_API_KEY".into(),
                Literal(
                    (*rng.pick(&[
                        "${OPENAI_API_KEY}",
                        "{{ .Values.openai.apiKey }}",
                        "${{ secrets.OPENAI_API_KEY }}",
                    ]))
                    .into(),
                ),
            ),
        }
    }
}

// ------------------------------------------------------------------ languages

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Go,
    Java,
    Properties,
    Yaml,
    Json,
    Env,
    Shell,
    Markdown,
    Notebook,
    PackageLock,
    GoSum,
    MinifiedJs,
}

/// Share of files (by count) and relative mean size of each kind of file.
const LANG_MIX: &[(Lang, u32, f64)] = &[
    (Lang::Python, 24, 1.0),
    (Lang::TypeScript, 12, 0.8),
    (Lang::JavaScript, 8, 0.8),
    (Lang::Go, 10, 1.0),
    (Lang::Java, 8, 1.0),
    (Lang::Properties, 2, 0.15),
    (Lang::Yaml, 10, 0.4),
    (Lang::Json, 7, 0.6),
    (Lang::Env, 2, 0.05),
    (Lang::Shell, 3, 0.3),
    (Lang::Markdown, 8, 0.6),
    (Lang::Notebook, 4, 2.5),
    (Lang::PackageLock, 1, 6.0),
    (Lang::GoSum, 1, 1.5),
    (Lang::MinifiedJs, 1, 6.0),
];

fn pick_lang(rng: &mut SplitMix64) -> (Lang, f64) {
    let total: u32 = LANG_MIX.iter().map(|(_, w, _)| w).sum();
    let mut r = rng.below(total as u64) as u32;
    for (l, w, f) in LANG_MIX {
        if r < *w {
            return (*l, *f);
        }
        r -= w;
    }
    (Lang::Python, 1.0)
}

impl Lang {
    /// Whether credentials and decoys get written into this kind of file.
    fn hosts_secrets(self) -> bool {
        !matches!(self, Lang::PackageLock | Lang::GoSum | Lang::MinifiedJs)
    }
}

use crate::WORDS;

const PROJECTS: &[&str] = &[
    "support-bot",
    "ranker",
    "retrieval",
    "fraud-model",
    "vision-qa",
    "speech-intake",
    "forecast",
    "recsys",
    "nlp-core",
    "data-platform",
    "agent-tools",
    "eval-harness",
    "feature-store",
    "doc-search",
    "churn",
    "pricing",
    "web-console",
    "gateway",
];

fn word(rng: &mut SplitMix64) -> &'static str {
    WORDS[rng.below(WORDS.len() as u64) as usize]
}

fn sentence(rng: &mut SplitMix64, n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(word(rng));
    }
    s
}

/// `OPENAI_API_KEY` → `openaiApiKey`.
fn camel(upper_snake: &str) -> String {
    let mut out = String::new();
    for (i, part) in upper_snake.split('_').enumerate() {
        let p = part.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&p);
        } else {
            out.push_str(&capital(&p));
        }
    }
    out
}

/// One labelled place in a block: 0-based line offsets inside the block.
#[derive(Debug, Clone)]
struct Mark {
    first: u32,
    last: u32,
    kind: &'static str,
    expected: bool,
    note: &'static str,
    alt_kind: Option<&'static str>,
}

/// A run of whole lines (ending in a newline, except in minified files).
#[derive(Debug, Clone)]
struct Block {
    text: String,
    mark: Option<Mark>,
}

impl Block {
    fn plain(text: String) -> Block {
        Block { text, mark: None }
    }
}

/// A generated source file: header, blocks, footer. Blocks are where inserts go.
#[derive(Debug, Clone)]
struct SourceFile {
    lang: Lang,
    header: String,
    blocks: Vec<Block>,
    footer: String,
}

/// A label on a rendered file: 1-based lines.
#[derive(Debug, Clone)]
struct PlacedMark {
    line: u32,
    end_line: u32,
    mark: Mark,
}

fn newlines(s: &str) -> u32 {
    s.bytes().filter(|&b| b == b'\n').count() as u32
}

impl SourceFile {
    fn len(&self) -> usize {
        self.header.len()
            + self.footer.len()
            + self.blocks.iter().map(|b| b.text.len()).sum::<usize>()
    }

    fn render(&self) -> (String, Vec<PlacedMark>) {
        let mut out = String::with_capacity(self.len());
        let mut marks = Vec::new();
        out.push_str(&self.header);
        let mut line = 1 + newlines(&self.header);
        for b in &self.blocks {
            if let Some(m) = &b.mark {
                marks.push(PlacedMark {
                    line: line + m.first,
                    end_line: line + m.last,
                    mark: m.clone(),
                });
            }
            out.push_str(&b.text);
            line += newlines(&b.text);
        }
        out.push_str(&self.footer);
        (out, marks)
    }
}

fn file_frame(lang: Lang, rng: &mut SplitMix64) -> (String, String) {
    let (a, b) = (word(rng), word(rng));
    match lang {
        Lang::Python => (
            format!(
                "\"\"\"{}.\"\"\"\nimport logging\nimport os\n{}\n\nlogger = logging.getLogger(__name__)\n\n",
                capital(&sentence(rng, 6)),
                rng.pick(&[
                    "from openai import OpenAI",
                    "import numpy as np",
                    "from transformers import AutoTokenizer",
                    "import httpx",
                    "from langchain_core.prompts import ChatPromptTemplate",
                ])
            ),
            String::new(),
        ),
        Lang::JavaScript => (
            format!("'use strict';\n\nconst {a} = require('./{b}');\n\n"),
            format!("module.exports = {{ {a} }};\n"),
        ),
        Lang::TypeScript => (
            format!(
                "import {{ {} }} from \"./{a}\";\nimport type {{ {}Options }} from \"../types\";\n\n",
                capital(b),
                capital(a)
            ),
            String::new(),
        ),
        Lang::Go => (
            format!("package {a}\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"os\"\n)\n\n"),
            String::new(),
        ),
        Lang::Java => (
            format!(
                "package com.example.{a};\n\nimport java.util.List;\nimport java.util.Map;\n\npublic class {}{} {{\n\n",
                capital(a),
                capital(b)
            ),
            "}\n".to_string(),
        ),
        Lang::Properties => (format!("# {a} service settings\n"), String::new()),
        Lang::Yaml => (format!("# {} configuration\n", capital(a)), String::new()),
        Lang::Json => (
            format!("{{\n  \"name\": \"{a}-{b}\",\n"),
            "  \"version\": 1\n}\n".to_string(),
        ),
        Lang::Env => ("# local settings\n".to_string(), String::new()),
        Lang::Shell => (
            "#!/usr/bin/env bash\nset -euo pipefail\n\n".to_string(),
            String::new(),
        ),
        Lang::Markdown => (format!("# {} {}\n\n", capital(a), b), String::new()),
        Lang::Notebook => (
            "{\n \"cells\": [\n".to_string(),
            "  {\n   \"cell_type\": \"markdown\",\n   \"metadata\": {},\n   \"source\": [\n    \"## Next steps\"\n   ]\n  }\n ],\n \"metadata\": {\n  \"kernelspec\": {\n   \"display_name\": \"Python 3\",\n   \"language\": \"python\",\n   \"name\": \"python3\"\n  }\n },\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n".to_string(),
        ),
        Lang::PackageLock => (
            format!("{{\n  \"name\": \"{a}-{b}\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {{\n"),
            format!("    \"\": {{\n      \"name\": \"{a}-{b}\"\n    }}\n  }}\n}}\n"),
        ),
        Lang::GoSum => (String::new(), String::new()),
        Lang::MinifiedJs => ("!function(e,t){\"use strict\";".to_string(), "}(window);\n".to_string()),
    }
}

fn body_block(lang: Lang, rng: &mut SplitMix64, seq: u64) -> String {
    let (a, b, c) = (word(rng), word(rng), word(rng));
    let n = rng.below(1000);
    match lang {
        Lang::Python => match rng.below(3) {
            0 => format!(
                "def {a}_{b}({c}, limit={n}):\n    \"\"\"{}.\"\"\"\n    {a} = {b}.{c}({n})\n    if {a} > limit:\n        logger.info(\"{b} %s\", {c})\n    return {a}\n\n\n",
                capital(&sentence(rng, 5))
            ),
            1 => format!(
                "class {}{}{seq}:\n    {a}_{b}: int = {n}\n\n    def {c}(self, {a}):\n        for item in {a}:\n            self.{b}.append(item)\n        return len(self.{b})\n\n\n",
                capital(a),
                capital(b)
            ),
            _ => format!(
                "async def fetch_{a}_{seq}(client, {b}_id: str) -> dict:\n    # {}\n    resp = await client.get(f\"/v1/{a}/{{{b}_id}}\", timeout={})\n    resp.raise_for_status()\n    return resp.json()\n\n\n",
                sentence(rng, 7),
                rng.below(60) + 1
            ),
        },
        Lang::JavaScript => match rng.below(2) {
            0 => format!(
                "function {a}{}{seq}({c}, options = {{}}) {{\n  const {b} = {c}.map((x) => x.{a} * {n});\n  if (options.verbose) {{\n    console.log('{}', {b});\n  }}\n  return {b}.filter(Boolean);\n}}\n\n",
                capital(b),
                sentence(rng, 4)
            ),
            _ => format!(
                "async function load{}{seq}(id) {{\n  const res = await fetch(`/api/{a}/${{id}}?limit={n}`);\n  if (!res.ok) throw new Error('{b} failed: ' + res.status);\n  return res.json();\n}}\n\n",
                capital(a)
            ),
        },
        Lang::TypeScript => match rng.below(2) {
            0 => format!(
                "export interface {}{}{seq} {{\n  id: string;\n  {a}: number;\n  {b}?: string[];\n  createdAt: Date;\n}}\n\n",
                capital(a),
                capital(b)
            ),
            _ => format!(
                "export async function {a}{}{seq}({c}: string, limit = {n}): Promise<{}[]> {{\n  const rows = await db.query<{}>(\"select * from {a} where {b} = $1 limit $2\", [{c}, limit]);\n  return rows.map((r) => ({{ ...r, score: r.score ?? 0 }}));\n}}\n\n",
                capital(b),
                capital(c),
                capital(c)
            ),
        },
        Lang::Go => format!(
            "// {}{} {}.\nfunc {}{}{seq}(ctx context.Context, {c} string) (int, error) {{\n\tif {c} == \"\" {{\n\t\treturn 0, fmt.Errorf(\"{a}: empty {c}\")\n\t}}\n\tn := len({c}) + {n}\n\treturn n, nil\n}}\n\n",
            capital(a),
            capital(b),
            sentence(rng, 5),
            capital(a),
            capital(b)
        ),
        Lang::Java => format!(
            "    public List<String> {a}{}{seq}(Map<String, Integer> {c}) {{\n        // {}\n        int total = {c}.getOrDefault(\"{b}\", {n});\n        return List.of(\"{a}\", String.valueOf(total));\n    }}\n\n",
            capital(b),
            sentence(rng, 6)
        ),
        Lang::Properties => format!("{a}.{b}.{c}{seq}={n}\n{a}.{b}.enabled=true\n"),
        Lang::Yaml => format!(
            "{a}_{seq}:\n  {b}: {n}\n  {c}: \"{}\"\n  enabled: {}\n  tags: [{a}, {b}]\n",
            sentence(rng, 3),
            rng.below(2) == 0
        ),
        Lang::Json => format!(
            "  \"{a}_{seq}\": {{\n    \"{b}\": {n},\n    \"{c}\": \"{}\",\n    \"enabled\": {}\n  }},\n",
            sentence(rng, 3),
            rng.below(2) == 0
        ),
        Lang::Env => format!(
            "{}_{}_{seq}={}\n",
            a.to_uppercase(),
            b.to_uppercase(),
            rng.pick(&[
                "info",
                "8080",
                "true",
                "gpt-4o-mini",
                "30",
                "us-east-1",
                "debug"
            ])
        ),
        Lang::Shell => format!(
            "echo \"{}\" >> \"{a}.log\"\ncurl -fsS \"http://localhost:{}/{b}/{c}\" -o /tmp/{a}_{seq}.json\n",
            sentence(rng, 4),
            8000 + rng.below(100)
        ),
        Lang::Markdown => match rng.below(4) {
            0 => format!("## {}\n\n", capital(&sentence(rng, 3))),
            1 => format!(
                "```python\n{a} = load_{b}(\"{c}\", limit={n})\nprint({a}.summary())\n```\n\n"
            ),
            _ => format!(
                "{}. {}.\n\n",
                capital(&sentence(rng, 12)),
                capital(&sentence(rng, 9))
            ),
        },
        Lang::Notebook => {
            let outputs = if rng.below(5) == 0 {
                // A plot: a long base64 PNG on one line, as notebooks store them.
                let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
                let len = 1500 + rng.below(4000) as usize;
                png.extend(random_bytes(rng, len));
                format!(
                    "[\n    {{\n     \"data\": {{\n      \"image/png\": \"{}\",\n      \"text/plain\": [\n       \"<Figure size 640x480 with 1 Axes>\"\n      ]\n     }},\n     \"metadata\": {{}},\n     \"output_type\": \"display_data\"\n    }}\n   ]",
                    base64(&png)
                )
            } else {
                format!(
                    "[\n    {{\n     \"name\": \"stdout\",\n     \"output_type\": \"stream\",\n     \"text\": [\n      \"{a}: {n}\\n\"\n     ]\n    }}\n   ]"
                )
            };
            format!(
                "  {{\n   \"cell_type\": \"code\",\n   \"execution_count\": {},\n   \"metadata\": {{}},\n   \"outputs\": {outputs},\n   \"source\": [\n    \"{a} = load_{b}(\\\"{c}\\\")\\n\",\n    \"print({a}.head({}))\"\n   ]\n  }},\n",
                seq + 1,
                rng.below(20) + 1
            )
        }
        Lang::PackageLock => {
            let version = format!("{}.{}.{}", rng.below(9), rng.below(30), rng.below(20));
            format!(
                "    \"node_modules/{a}-{b}{seq}\": {{\n      \"version\": \"{version}\",\n      \"resolved\": \"https://registry.npmjs.org/{a}-{b}{seq}/-/{a}-{b}{seq}-{version}.tgz\",\n      \"integrity\": \"sha512-{}\",\n      \"license\": \"MIT\"\n    }},\n",
                base64(&random_bytes(rng, 64))
            )
        }
        Lang::GoSum => {
            let version = format!("v{}.{}.{}", rng.below(3), rng.below(30), rng.below(20));
            format!(
                "github.com/{a}/{b}{seq} {version} h1:{}\ngithub.com/{a}/{b}{seq} {version}/go.mod h1:{}\n",
                base64(&random_bytes(rng, 32)),
                base64(&random_bytes(rng, 32))
            )
        }
        Lang::MinifiedJs => format!(
            "var {}{seq}=function(t,n){{return t.{a}({n})&&n.{b}||\"{c}\"}};",
            &a[..1]
        ),
    }
}

/// An assignment of `value` to a variable called `name` (upper snake case), at the top
/// level of a file of `lang`, as one line. Markdown gets a fenced shell line.
fn assignment(lang: Lang, name: &str, value: &str) -> Vec<String> {
    let lower = name.to_ascii_lowercase();
    match lang {
        Lang::Python => vec![format!("{name} = \"{value}\"")],
        Lang::JavaScript => vec![format!("const {name} = '{value}';")],
        Lang::TypeScript => vec![format!("export const {name}: string = \"{value}\";")],
        Lang::Go => vec![format!("const {} = \"{value}\"", camel(name))],
        Lang::Java => vec![format!(
            "    private static final String {name} = \"{value}\";"
        )],
        Lang::Properties => vec![format!("{}={value}", lower.replace('_', "."))],
        Lang::Yaml => vec![format!("{lower}: {value}")],
        Lang::Json => vec![format!("  \"{lower}\": \"{value}\",")],
        Lang::Env => vec![format!("{name}={value}")],
        Lang::Shell => vec![format!("export {name}=\"{value}\"")],
        Lang::Markdown => vec![
            "```bash".to_string(),
            format!("export {name}={value}"),
            "```".to_string(),
        ],
        Lang::Notebook => vec![format!(
            "    \"os.environ[\\\"{name}\\\"] = \\\"{value}\\\"\\n\","
        )],
        Lang::PackageLock | Lang::GoSum | Lang::MinifiedJs => vec![format!("{name}={value}")],
    }
}

/// A read of the environment variable `name`, in place of a literal.
fn env_read(lang: Lang, name: &str) -> Vec<String> {
    let lower = name.to_ascii_lowercase();
    match lang {
        Lang::Python => vec![format!("{name} = os.environ[\"{name}\"]")],
        Lang::JavaScript => vec![format!("const {name} = process.env.{name};")],
        Lang::TypeScript => vec![format!(
            "export const {name}: string = process.env.{name} ?? \"\";"
        )],
        Lang::Go => vec![format!("var {} = os.Getenv(\"{name}\")", camel(name))],
        Lang::Java => vec![format!(
            "    private static final String {name} = System.getenv(\"{name}\");"
        )],
        Lang::Properties => vec![format!("{}=${{{name}}}", lower.replace('_', "."))],
        Lang::Yaml => vec![format!("{lower}: ${{{name}}}")],
        Lang::Json => vec![format!("  \"{lower}\": \"${{{name}}}\",")],
        Lang::Env | Lang::Shell => vec![format!("{name}=${{{name}_FROM_VAULT}}")],
        Lang::Markdown => vec![
            "```bash".to_string(),
            format!("export {name}=\"$(vault read -field=value secret/{lower})\""),
            "```".to_string(),
        ],
        Lang::Notebook => vec![format!("    \"{lower} = os.environ[\\\"{name}\\\"]\\n\",")],
        Lang::PackageLock | Lang::GoSum | Lang::MinifiedJs => vec![String::new()],
    }
}

/// Wraps labelled lines into a block of `lang`, returning the block and the 0-based
/// offsets of the labelled lines in it. `lines[first..=last]` are the labelled ones.
fn wrap(lang: Lang, lines: Vec<String>, first: usize, last: usize) -> (String, u32, u32) {
    match lang {
        Lang::Notebook => {
            // A code cell of its own; the lines are source entries ("...\n",).
            let mut s = String::from(
                "  {\n   \"cell_type\": \"code\",\n   \"execution_count\": null,\n   \"metadata\": {},\n   \"outputs\": [],\n   \"source\": [\n    \"import os\\n\",\n",
            );
            for l in &lines {
                s.push_str(l);
                s.push('\n');
            }
            s.push_str("    \"client = make_client()\"\n   ]\n  },\n");
            (s, 7 + first as u32, 7 + last as u32)
        }
        Lang::Java | Lang::Go | Lang::Python | Lang::JavaScript | Lang::TypeScript => {
            let mut s = String::new();
            for l in &lines {
                s.push_str(l);
                s.push('\n');
            }
            s.push('\n');
            (s, first as u32, last as u32)
        }
        _ => {
            let mut s = String::new();
            for l in &lines {
                s.push_str(l);
                s.push('\n');
            }
            (s, first as u32, last as u32)
        }
    }
}

/// A block holding one seeded credential in a file of `lang` (which must host
/// secrets and must not be a key-file kind).
fn secret_block(lang: Lang, cred: Cred, rng: &mut SplitMix64) -> Block {
    let name = *rng.pick(cred.names());
    let (lines, first, last) = match cred {
        Cred::AwsKeyPair => {
            let id = cred.value(rng);
            let secret = rand_str(rng, 40, AWS_SECRET);
            let mut l = assignment(lang, "AWS_ACCESS_KEY_ID", &id);
            let at = if lang == Lang::Markdown { 1 } else { 0 };
            let second = assignment(lang, "AWS_SECRET_ACCESS_KEY", &secret);
            let second_line = second[if lang == Lang::Markdown { 1 } else { 0 }].clone();
            l.insert(at + 1, second_line);
            (l, at, at + 1)
        }
        Cred::AzureOpenAi => {
            let endpoint = format!(
                "https://{}-{}.openai.azure.com/",
                word(rng),
                rng.below(90) + 10
            );
            let key = cred.value(rng);
            let mut l = assignment(lang, "AZURE_OPENAI_ENDPOINT", &endpoint);
            let at = if lang == Lang::Markdown { 1 } else { 0 };
            let second = assignment(lang, name, &key);
            let second_line = second[if lang == Lang::Markdown { 1 } else { 0 }].clone();
            l.insert(at + 1, second_line);
            (l, at + 1, at + 1)
        }
        Cred::PrivateKeyPem => {
            let pem = pem_lines(rng);
            let n = pem.len();
            match lang {
                Lang::Python => {
                    let mut l = pem;
                    l[0] = format!("{name} = \"\"\"{}", l[0]);
                    l[n - 1] = format!("{}\"\"\"", l[n - 1]);
                    (l, 0, n - 1)
                }
                Lang::Yaml => {
                    let mut l = vec![format!("{}: |", name.to_ascii_lowercase())];
                    l.extend(pem.into_iter().map(|p| format!("  {p}")));
                    (l, 1, n)
                }
                Lang::JavaScript | Lang::TypeScript => {
                    let mut l = pem;
                    l[0] = format!("export const {name} = `{}", l[0]);
                    l[n - 1] = format!("{}`;", l[n - 1]);
                    (l, 0, n - 1)
                }
                Lang::Go => {
                    let mut l = pem;
                    l[0] = format!("const {} = `{}", camel(name), l[0]);
                    l[n - 1] = format!("{}`", l[n - 1]);
                    (l, 0, n - 1)
                }
                Lang::Markdown => {
                    let mut l = vec!["```".to_string()];
                    l.extend(pem);
                    l.push("```".to_string());
                    (l, 1, n)
                }
                _ => {
                    // One line with escaped newlines, as in JSON or .env files.
                    let v = pem.join("\\n");
                    let l = assignment(lang, name, &v);
                    let at = if lang == Lang::Markdown { 1 } else { 0 };
                    (l, at, at)
                }
            }
        }
        _ => {
            let v = cred.value(rng);
            let l = assignment(lang, name, &v);
            let at = if lang == Lang::Markdown { 1 } else { 0 };
            (l, at, at)
        }
    };
    let (text, first, last) = wrap(lang, lines, first, last);
    Block {
        text,
        mark: Some(Mark {
            first,
            last,
            kind: cred.kind(),
            expected: true,
            note: "",
            alt_kind: None,
        }),
    }
}

fn decoy_block(lang: Lang, decoy: Decoy, rng: &mut SplitMix64) -> Block {
    let (kind, note, name, value) = decoy.make(rng);
    let lines = match value {
        DecoyValue::Literal(v) => assignment(lang, &name, &v),
        DecoyValue::Env => env_read(lang, &name),
    };
    let at = if lang == Lang::Markdown { 1 } else { 0 };
    let (text, first, last) = wrap(lang, lines, at, at);
    Block {
        text,
        mark: Some(Mark {
            first,
            last,
            kind,
            expected: false,
            note,
            alt_kind: None,
        }),
    }
}

/// Body blocks until the file reaches `target` bytes, with `inserts` placed at random
/// positions between them.
fn build_file(lang: Lang, target: usize, inserts: Vec<Block>, rng: &mut SplitMix64) -> SourceFile {
    let (header, footer) = file_frame(lang, rng);
    let mut f = SourceFile {
        lang,
        header,
        blocks: Vec::new(),
        footer,
    };
    let mut size = f.len();
    let mut seq = 0u64;
    while size < target {
        let b = body_block(lang, rng, seq);
        seq += 1;
        size += b.len();
        f.blocks.push(Block::plain(b));
    }
    for ins in inserts {
        let at = rng.below(f.blocks.len() as u64 + 1) as usize;
        f.blocks.insert(at, ins);
    }
    f
}

/// Where file number `i` of `lang` goes, relative to the root; `i` keeps names unique.
fn file_path(lang: Lang, i: u64, rng: &mut SplitMix64) -> String {
    let project = format!(
        "{}-{}",
        PROJECTS[(i / 400) as usize % PROJECTS.len()],
        i / (400 * PROJECTS.len() as u64)
    );
    let pkg = WORDS[((i / 20) % WORDS.len() as u64) as usize];
    let (a, b) = (word(rng), word(rng));
    let rel = match lang {
        Lang::Python if rng.below(4) == 0 => format!("tests/{pkg}/test_{a}_{b}_{i}.py"),
        Lang::Python => format!("src/{}/{pkg}/{a}_{b}_{i}.py", project.replace('-', "_")),
        Lang::JavaScript => format!("web/src/{pkg}/{a}{}{i}.js", capital(b)),
        Lang::TypeScript => format!("web/src/{pkg}/{}{}{i}.ts", capital(a), capital(b)),
        Lang::Go => format!("services/{pkg}/{a}_{b}_{i}.go"),
        Lang::Java => format!(
            "src/main/java/com/example/{pkg}/{}{}{i}.java",
            capital(a),
            capital(b)
        ),
        Lang::Properties => format!("src/main/resources/application-{a}-{i}.properties"),
        Lang::Yaml if rng.below(5) == 0 => format!(".github/workflows/{a}-{i}.yml"),
        Lang::Yaml => format!("deploy/{pkg}/{a}-{b}-{i}.yaml"),
        Lang::Json => format!("config/{pkg}/{a}_{b}_{i}.json"),
        Lang::Env if rng.below(2) == 0 => format!("{pkg}{i}/.env"),
        Lang::Env => format!("env/{a}-{i}.env"),
        Lang::Shell => format!("scripts/{a}_{b}_{i}.sh"),
        Lang::Markdown => format!("docs/{pkg}/{a}-{b}-{i}.md"),
        Lang::Notebook => format!("notebooks/{pkg}/{a}_{b}_{i}.ipynb"),
        Lang::PackageLock => format!("web/{pkg}{i}/package-lock.json"),
        Lang::GoSum => format!("services/{pkg}{i}/go.sum"),
        Lang::MinifiedJs => format!("web/dist/{a}.{}.{i}.min.js", rand_str(rng, 8, HEX)),
    };
    format!("{project}/{rel}")
}

/// A key file of its own (OpenSSH key, service-account JSON) beside file `i`.
fn key_file(cred: Cred, i: u64, rng: &mut SplitMix64) -> (String, String, PlacedMark) {
    let project = format!(
        "{}-{}",
        PROJECTS[(i / 400) as usize % PROJECTS.len()],
        i / (400 * PROJECTS.len() as u64)
    );
    match cred {
        Cred::GcpServiceAccount => {
            let text = gcp_service_account(rng);
            let lines = newlines(&text);
            (
                format!("{project}/infra/keys/{}-sa-{i}.json", word(rng)),
                text,
                PlacedMark {
                    line: 1,
                    end_line: lines,
                    mark: Mark {
                        first: 0,
                        last: 0,
                        kind: cred.kind(),
                        expected: true,
                        note: "",
                        alt_kind: Some("secret/private-key"),
                    },
                },
            )
        }
        _ => {
            let lines = openssh_lines(rng);
            let n = lines.len() as u32;
            (
                format!("{project}/infra/keys/id_ed25519_{}_{i}", word(rng)),
                lines.join("\n") + "\n",
                PlacedMark {
                    line: 1,
                    end_line: n,
                    mark: Mark {
                        first: 0,
                        last: 0,
                        kind: cred.kind(),
                        expected: true,
                        note: "",
                        alt_kind: None,
                    },
                },
            )
        }
    }
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// One row of a labels file; `key` names the path field (`path` in a tree, `file` in
/// a history).
fn label_json(key: &str, path: &str, m: &PlacedMark, extra: &str) -> String {
    let mut s = format!("{{\"{key}\": {}, \"line\": {}, ", json_str(path), m.line);
    if m.end_line != m.line {
        s.push_str(&format!("\"end_line\": {}, ", m.end_line));
    }
    s.push_str(&format!(
        "\"kind\": {}, \"expected\": {}",
        json_str(m.mark.kind),
        m.mark.expected
    ));
    if let Some(alt) = m.mark.alt_kind {
        s.push_str(&format!(", \"alt_kinds\": [{}]", json_str(alt)));
    }
    if !m.mark.note.is_empty() {
        s.push_str(&format!(", \"note\": {}", json_str(m.mark.note)));
    }
    s.push_str(extra);
    s.push('}');
    s
}

// ------------------------------------------------------------------ source tree

#[derive(Debug, Clone, Copy)]
pub struct SourceTreeSpec {
    /// Total bytes of the tree (the file sizes add up to about this).
    pub bytes: u64,
    /// Seeded credentials (at most one per file).
    pub secrets: u64,
    /// Decoys per seeded credential.
    pub decoys_per_secret: u64,
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SourceTreeStats {
    pub files: u64,
    pub bytes: u64,
    pub secrets: u64,
    pub decoys: u64,
}

impl SourceTreeStats {
    pub fn to_json(&self) -> String {
        format!(
            "{{\"files\": {}, \"bytes\": {}, \"secrets\": {}, \"decoys\": {}}}",
            self.files, self.bytes, self.secrets, self.decoys
        )
    }
}

/// Mean size of a file before its kind's factor.
const MEAN_FILE_BYTES: f64 = 14_000.0;

/// Writes the source tree under `root` and its labels (JSON lines, paths relative to
/// `root`) to `labels`. The labels file should live outside `root`.
pub fn write_source_tree(
    root: &Path,
    labels: &Path,
    spec: &SourceTreeSpec,
) -> io::Result<SourceTreeStats> {
    let mut rng = SplitMix64::new(spec.seed);
    // Plan every file first so that the credentials can be spread evenly.
    let mut plan: Vec<(Lang, usize)> = Vec::new();
    let mut planned = 0u64;
    while planned < spec.bytes {
        let (lang, factor) = pick_lang(&mut rng);
        // Heavy tail: weights e^(3u), mean (e^3 - 1) / 3.
        let w = (3.0 * rng.unit()).exp() / 6.362;
        let size = ((MEAN_FILE_BYTES * factor * w) as u64).clamp(200, 4 << 20);
        let size = size.min(spec.bytes - planned).max(1);
        planned += size;
        plan.push((lang, size as usize));
    }
    let hosts: Vec<usize> = (0..plan.len())
        .filter(|&i| plan[i].0.hosts_secrets())
        .collect();
    let mut secret_at = vec![false; plan.len()];
    let n_secrets = (spec.secrets as usize).min(hosts.len());
    let stride = hosts.len() as f64 / n_secrets.max(1) as f64;
    for k in 0..n_secrets {
        // Evenly spread: one at random inside each stride (the strides are disjoint).
        let lo = (k as f64 * stride) as usize;
        let hi = (((k + 1) as f64 * stride) as usize).clamp(lo + 1, hosts.len());
        let j = lo + rng.below((hi - lo) as u64) as usize;
        secret_at[hosts[j]] = true;
    }
    let decoy_p = if hosts.is_empty() {
        0.0
    } else {
        (spec.secrets * spec.decoys_per_secret) as f64 / hosts.len() as f64
    };

    if let Some(parent) = labels.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut out = BufWriter::new(File::create(labels)?);
    let mut stats = SourceTreeStats::default();
    for (i, &(lang, size)) in plan.iter().enumerate() {
        let i = i as u64;
        let mut inserts = Vec::new();
        if secret_at[i as usize] {
            let cred = pick_cred(&mut rng);
            if cred.is_key_file() {
                let (rel, text, m) = key_file(cred, i, &mut rng);
                write_file(root, &rel, text.as_bytes())?;
                writeln!(out, "{}", label_json("path", &rel, &m, ""))?;
                stats.files += 1;
                stats.bytes += text.len() as u64;
                stats.secrets += 1;
            } else {
                inserts.push(secret_block(lang, cred, &mut rng));
            }
        }
        if lang.hosts_secrets() {
            let mut p = decoy_p;
            while p > 0.0 && rng.unit() < p {
                inserts.push(decoy_block(lang, *rng.pick(DECOYS), &mut rng));
                p -= 1.0;
            }
        }
        let rel = file_path(lang, i, &mut rng);
        let file = build_file(lang, size, inserts, &mut rng);
        let (text, marks) = file.render();
        write_file(root, &rel, text.as_bytes())?;
        for m in &marks {
            writeln!(out, "{}", label_json("path", &rel, m, ""))?;
            if m.mark.expected {
                stats.secrets += 1;
            } else {
                stats.decoys += 1;
            }
        }
        stats.files += 1;
        stats.bytes += text.len() as u64;
    }
    out.flush()?;
    Ok(stats)
}

fn write_file(root: &Path, rel: &str, bytes: &[u8]) -> io::Result<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

// ------------------------------------------------------------------ git history

#[derive(Debug, Clone, Copy)]
pub struct HistorySpec {
    /// Commits on the main branch (a side branch adds two more).
    pub commits: u64,
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryStats {
    pub commits: u64,
    pub files_at_tip: u64,
    /// Credentials added and later removed (file deleted or line rewritten).
    pub secrets_removed: u64,
    /// Credentials still in the tip's tree.
    pub secrets_at_tip: u64,
    /// Credentials only on an unmerged branch.
    pub secrets_on_branch: u64,
    pub stream_bytes: u64,
}

impl HistoryStats {
    pub fn to_json(&self) -> String {
        format!(
            "{{\"commits\": {}, \"files_at_tip\": {}, \"secrets_removed\": {}, \"secrets_at_tip\": {}, \"secrets_on_branch\": {}, \"stream_bytes\": {}}}",
            self.commits,
            self.files_at_tip,
            self.secrets_removed,
            self.secrets_at_tip,
            self.secrets_on_branch,
            self.stream_bytes
        )
    }
}

const AUTHORS: &[(&str, &str)] = &[
    ("Dev Example", "dev@example.invalid"),
    ("Ana Builder", "ana@example.invalid"),
    ("Ops Robot", "ops-bot@example.invalid"),
    ("Sam Modeler", "sam@example.invalid"),
];

/// Counts what goes out, for the stats.
struct CountingWriter<W: Write> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

enum Change {
    Put(String, String),
    Delete(String),
}

struct Commit<'a> {
    refname: &'a str,
    mark: u64,
    from: Option<u64>,
    when: u64,
    author: (&'a str, &'a str),
    message: String,
    changes: Vec<Change>,
}

fn emit<W: Write>(w: &mut W, c: &Commit<'_>) -> io::Result<()> {
    writeln!(w, "commit {}", c.refname)?;
    writeln!(w, "mark :{}", c.mark)?;
    let (name, email) = c.author;
    writeln!(w, "author {name} <{email}> {} +0000", c.when)?;
    writeln!(w, "committer {name} <{email}> {} +0000", c.when)?;
    writeln!(w, "data {}", c.message.len())?;
    writeln!(w, "{}", c.message)?;
    if let Some(from) = c.from {
        writeln!(w, "from :{from}")?;
    }
    for ch in &c.changes {
        match ch {
            Change::Put(path, text) => {
                writeln!(w, "M 100644 inline {path}")?;
                writeln!(w, "data {}", text.len())?;
                w.write_all(text.as_bytes())?;
                writeln!(w)?;
            }
            Change::Delete(path) => writeln!(w, "D {path}")?,
        }
    }
    writeln!(w)
}

/// A credential waiting to be removed from the main branch.
struct Pending {
    due: u64,
    path: String,
    /// Rewrite the line to read the environment instead of deleting the file.
    rewrite: bool,
    /// Its row in the labels.
    label: usize,
}

/// A seeded credential of the history, written out once the history is complete.
struct HistoryLabel {
    file: String,
    placed: PlacedMark,
    mark: u64,
    refname: String,
    removed_mark: Option<u64>,
    how: &'static str,
}

/// Writes a `git fast-import` stream of a repository with `spec.commits` commits on
/// `refs/heads/main` (plus two on an unmerged `refs/heads/feature/...` branch) to
/// `stream`, and one label per seeded credential to `labels`. Labels name commits by
/// their fast-import mark (`"mark": N` added it, `"removed_mark"` removed it); run
/// fast-import with `--export-marks` to map marks to commit ids. Dates, authors and
/// contents are fixed by the seed, so the commit ids are the same on every run.
pub fn write_history_stream<W: Write>(
    stream: W,
    labels: &Path,
    spec: &HistorySpec,
) -> io::Result<HistoryStats> {
    let mut rng = SplitMix64::new(spec.seed);
    let mut w = CountingWriter {
        inner: BufWriter::with_capacity(1 << 20, stream),
        bytes: 0,
    };
    let mut stats = HistoryStats::default();
    let mut rows: Vec<HistoryLabel> = Vec::new();

    // The tree of the main branch: path → file. A file holding a credential is locked
    // (ordinary commits leave it alone) until its removal, so that the credential
    // lives in exactly one blob, at one line, introduced by one commit.
    let mut files: BTreeMap<String, SourceFile> = BTreeMap::new();
    let mut locked: BTreeMap<String, ()> = BTreeMap::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut next_file = 0u64;
    let t0 = 1_704_067_200u64; // 2024-01-01T00:00:00Z
    let secret_every = (spec.commits / 50).max(4);
    let branch_at = spec.commits / 2;

    for k in 0..spec.commits {
        let mark = k + 1;
        let when = t0 + k * 5400 + rng.below(3600);
        let author = *rng.pick(AUTHORS);
        let mut changes = Vec::new();
        let message;
        if k == 0 {
            for _ in 0..120 {
                let (path, f) = history_file(&mut rng, &mut next_file, Vec::new(), None);
                changes.push(Change::Put(path.clone(), f.render().0));
                files.insert(path, f);
            }
            message = "initial import".to_string();
        } else if let Some(pos) = pending.iter().position(|p| p.due <= k) {
            let p = pending.remove(pos);
            locked.remove(&p.path);
            rows[p.label].removed_mark = Some(mark);
            if p.rewrite
                && let Some(f) = files.get_mut(&p.path)
            {
                let lang = f.lang;
                if let Some(b) = f
                    .blocks
                    .iter_mut()
                    .find(|b| b.mark.as_ref().is_some_and(|m| m.expected))
                {
                    let lines = env_read(lang, "API_KEY");
                    let n = lines.len();
                    b.text = wrap(lang, lines, 0, n - 1).0;
                    b.mark = None;
                }
                changes.push(Change::Put(p.path.clone(), f.render().0));
                message = "read credentials from the environment".to_string();
            } else {
                files.remove(&p.path);
                changes.push(Change::Delete(p.path.clone()));
                rows[p.label].how = "file-deleted";
                message = format!("remove {}", p.path.rsplit('/').next().unwrap_or("file"));
            }
        } else if k % secret_every == 0 {
            // A credential in a new file: a settings module, a config, or a key file.
            let cred = pick_cred(&mut rng);
            let (path, text, placed, file) = if cred.is_key_file() {
                let (path, text, m) = key_file(cred, next_file, &mut rng);
                next_file += 1;
                (path, text, m, None)
            } else {
                let lang = loop {
                    let (l, _) = pick_lang(&mut rng);
                    if l.hosts_secrets() {
                        break l;
                    }
                };
                let block = secret_block(lang, cred, &mut rng);
                let (path, f) = history_file(&mut rng, &mut next_file, vec![block], Some(lang));
                let (text, marks) = f.render();
                let Some(m) = marks.into_iter().find(|m| m.mark.expected) else {
                    unreachable!("the inserted credential is labelled")
                };
                (path, text, m, Some(f))
            };
            let label = rows.len();
            let mut how = "at-tip";
            if rng.below(5) != 0 && k + 1 < spec.commits {
                // Removed 1..80 commits later: key files deleted, others half the
                // time rewritten to read the environment.
                let rewrite = file.is_some() && rng.below(2) == 0;
                how = if rewrite {
                    "line-replaced"
                } else {
                    "file-deleted"
                };
                pending.push(Pending {
                    due: (k + 1 + rng.below(80)).min(spec.commits - 1),
                    path: path.clone(),
                    rewrite,
                    label,
                });
            }
            rows.push(HistoryLabel {
                file: path.clone(),
                placed,
                mark,
                refname: "refs/heads/main".to_string(),
                removed_mark: None,
                how,
            });
            locked.insert(path.clone(), ());
            changes.push(Change::Put(path.clone(), text));
            // Key files are never edited, only deleted: an empty stand-in will do.
            let stored = file.unwrap_or_else(|| SourceFile {
                lang: Lang::Env,
                header: String::new(),
                blocks: Vec::new(),
                footer: String::new(),
            });
            files.insert(path, stored);
            message = format!("add {} client settings", word(&mut rng));
        } else {
            // Ordinary work: edit one to three files, sometimes add or delete one.
            for _ in 0..1 + rng.below(3) {
                let r = rng.below(100);
                let editable: Vec<&String> =
                    files.keys().filter(|p| !locked.contains_key(*p)).collect();
                if r < 15 || editable.len() < 40 {
                    let (path, f) = history_file(&mut rng, &mut next_file, Vec::new(), None);
                    changes.push(Change::Put(path.clone(), f.render().0));
                    files.insert(path, f);
                    continue;
                }
                let path = editable[rng.below(editable.len() as u64) as usize].clone();
                if r < 19 {
                    files.remove(&path);
                    changes.push(Change::Delete(path));
                } else if let Some(f) = files.get_mut(&path) {
                    let lang = f.lang;
                    let block = Block::plain(body_block(lang, &mut rng, 10_000 + k));
                    if f.blocks.is_empty() || rng.below(3) == 0 {
                        let at = rng.below(f.blocks.len() as u64 + 1) as usize;
                        f.blocks.insert(at, block);
                    } else {
                        let at = rng.below(f.blocks.len() as u64) as usize;
                        f.blocks[at] = block;
                    }
                    changes.push(Change::Put(path, f.render().0));
                }
            }
            message = format!(
                "{} {} {}",
                rng.pick(&["fix", "refactor", "add", "tune", "document", "test"]),
                word(&mut rng),
                word(&mut rng)
            );
        }
        emit(
            &mut w,
            &Commit {
                refname: "refs/heads/main",
                mark,
                from: None,
                when,
                author,
                message,
                changes,
            },
        )?;
        stats.commits += 1;

        if k == branch_at && spec.commits > 2 {
            // An unmerged branch whose credential never reaches main.
            let branch = format!("refs/heads/feature/{}-experiment", word(&mut rng));
            let block = secret_block(Lang::Python, Cred::Anthropic, &mut rng);
            let (path, f) = history_file(&mut rng, &mut next_file, vec![block], Some(Lang::Python));
            let (text, marks) = f.render();
            let Some(placed) = marks.into_iter().find(|m| m.mark.expected) else {
                unreachable!("the inserted credential is labelled")
            };
            let bmark = spec.commits + 1;
            emit(
                &mut w,
                &Commit {
                    refname: &branch,
                    mark: bmark,
                    from: Some(mark),
                    when: when + 60,
                    author: AUTHORS[0],
                    message: "try the claude client".to_string(),
                    changes: vec![Change::Put(path.clone(), text)],
                },
            )?;
            let (p2, f2) = history_file(&mut rng, &mut next_file, Vec::new(), None);
            emit(
                &mut w,
                &Commit {
                    refname: &branch,
                    mark: bmark + 1,
                    from: None,
                    when: when + 120,
                    author: AUTHORS[0],
                    message: "wip".to_string(),
                    changes: vec![Change::Put(p2, f2.render().0)],
                },
            )?;
            rows.push(HistoryLabel {
                file: path,
                placed,
                mark: bmark,
                refname: branch,
                removed_mark: None,
                how: "branch-only",
            });
            stats.commits += 2;
        }
    }
    w.flush()?;
    stats.stream_bytes = w.bytes;
    stats.files_at_tip = files.len() as u64;

    if let Some(parent) = labels.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut lab = BufWriter::new(File::create(labels)?);
    for r in &rows {
        // Removals planned past the last commit never happened: still at the tip.
        let how = if r.removed_mark.is_none() && r.how != "branch-only" {
            "at-tip"
        } else {
            r.how
        };
        match how {
            "at-tip" => stats.secrets_at_tip += 1,
            "branch-only" => stats.secrets_on_branch += 1,
            _ => stats.secrets_removed += 1,
        }
        let removed = r
            .removed_mark
            .map_or_else(|| "null".to_string(), |m| m.to_string());
        let extra = format!(
            ", \"mark\": {}, \"ref\": {}, \"removed_mark\": {removed}, \"how\": \"{how}\"",
            r.mark,
            json_str(&r.refname)
        );
        writeln!(lab, "{}", label_json("file", &r.file, &r.placed, &extra))?;
    }
    lab.flush()?;
    Ok(stats)
}

/// A new file for the history: small (1.5–10 KB), of `lang` or a random kind.
fn history_file(
    rng: &mut SplitMix64,
    next_file: &mut u64,
    inserts: Vec<Block>,
    lang: Option<Lang>,
) -> (String, SourceFile) {
    let lang = lang.unwrap_or_else(|| {
        loop {
            let (l, _) = pick_lang(rng);
            // Lockfiles and bundles, but fewer of them.
            if l.hosts_secrets() || rng.below(4) == 0 {
                break l;
            }
        }
    });
    let target = (1500.0 + 9000.0 * rng.unit() * rng.unit()) as usize;
    let path = file_path(lang, *next_file, rng);
    *next_file += 1;
    (path, build_file(lang, target, inserts, rng))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn read_labels(path: &Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn github_checksum_matches_known_token_shape() {
        let c = github_checksum("abcdefghijklmnopqrstuvwxyz0123");
        assert_eq!(c.len(), 6);
        assert!(c.bytes().all(|b| BASE62.contains(&b)));
        // CRC32 of the body, base62, as GitHub computes it.
        let mut n = crc32fast::hash(b"abcdefghijklmnopqrstuvwxyz0123") as u64;
        let mut want = String::new();
        while n > 0 {
            want.insert(0, BASE62[(n % 62) as usize] as char);
            n /= 62;
        }
        assert_eq!(c, format!("{want:0>6}"));
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn credentials_have_their_formats() {
        let mut rng = SplitMix64::new(3);
        for &(c, _) in CRED_MIX {
            let v = c.value(&mut rng);
            assert!(!v.is_empty());
            assert!(
                !v.contains('"') && !v.contains('\\') && !v.contains('\n'),
                "{v}"
            );
        }
        assert_eq!(Cred::OpenAiLegacy.value(&mut rng).len(), 51);
        assert_eq!(Cred::Anthropic.value(&mut rng).len(), 108);
        assert_eq!(Cred::HuggingFace.value(&mut rng).len(), 37);
        assert_eq!(Cred::GoogleApiKey.value(&mut rng).len(), 39);
        assert_eq!(Cred::Groq.value(&mut rng).len(), 56);
        let gh = Cred::GitHubClassic.value(&mut rng);
        assert_eq!(gh.len(), 40);
        assert_eq!(&gh[34..], github_checksum(&gh[4..34]));
        assert!(Cred::AwsKeyPair.value(&mut rng).starts_with("AKIA"));
    }

    #[test]
    fn source_tree_labels_point_at_what_was_seeded() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        let labels = dir.path().join("labels.jsonl");
        let spec = SourceTreeSpec {
            bytes: 3_000_000,
            secrets: 60,
            decoys_per_secret: 4,
            seed: 5,
        };
        let stats = write_source_tree(&root, &labels, &spec).unwrap();
        assert_eq!(stats.secrets, 60);
        assert!(stats.decoys > 100, "{stats:?}");
        let ratio = stats.bytes as f64 / spec.bytes as f64;
        assert!((0.95..1.1).contains(&ratio), "{ratio}");
        let rows = read_labels(&labels);
        assert_eq!(rows.len() as u64, stats.secrets + stats.decoys);
        let mut kinds = BTreeSet::new();
        for row in &rows {
            let path = root.join(row["path"].as_str().unwrap());
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let first = row["line"].as_u64().unwrap() as usize;
            let last = row["end_line"].as_u64().unwrap_or(first as u64) as usize;
            assert!(first >= 1 && last >= first && last <= lines.len(), "{row}");
            let span = lines[first - 1..last].join("\n");
            let kind = row["kind"].as_str().unwrap();
            if row["expected"].as_bool().unwrap() {
                kinds.insert(kind.to_string());
                let hints: &[&str] = match kind {
                    "secret/openai" => &["T3BlbkFJ"],
                    "secret/anthropic" => &["sk-ant-api03-"],
                    "secret/github-token" => &["ghp_", "github_pat_11"],
                    "secret/aws-access-key" => &["AKIA"],
                    "secret/private-key" => &["PRIVATE KEY-----"],
                    "secret/gcp-service-account" => &["service_account"],
                    "secret/slack-webhook" => &["hooks.slack.com"],
                    _ => &[],
                };
                assert!(
                    hints.is_empty() || hints.iter().any(|h| span.contains(h)),
                    "{row}: {span}"
                );
            }
            if path
                .extension()
                .is_some_and(|e| e == "ipynb" || e == "json")
            {
                let _: serde_json::Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
        }
        assert!(kinds.len() >= 15, "{kinds:?}");
    }

    #[test]
    fn source_tree_is_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let spec = SourceTreeSpec {
            bytes: 400_000,
            secrets: 10,
            decoys_per_secret: 2,
            seed: 9,
        };
        let a =
            write_source_tree(&dir.path().join("a"), &dir.path().join("a.jsonl"), &spec).unwrap();
        let b =
            write_source_tree(&dir.path().join("b"), &dir.path().join("b.jsonl"), &spec).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            std::fs::read(dir.path().join("a.jsonl")).unwrap(),
            std::fs::read(dir.path().join("b.jsonl")).unwrap()
        );
    }

    /// Walks a fast-import stream the way git reads it: every `data N` is followed by
    /// exactly N bytes.
    fn parse_stream(bytes: &[u8]) -> (u64, BTreeSet<String>) {
        let mut i = 0;
        let mut commits = 0;
        let mut paths = BTreeSet::new();
        while i < bytes.len() {
            let end = bytes[i..].iter().position(|&b| b == b'\n').unwrap() + i;
            let line = std::str::from_utf8(&bytes[i..end]).unwrap();
            i = end + 1;
            if let Some(n) = line.strip_prefix("data ") {
                i += n.parse::<usize>().unwrap();
                assert_eq!(bytes[i], b'\n');
                i += 1;
            } else if line.starts_with("commit ") {
                commits += 1;
            } else if let Some(p) = line.strip_prefix("M 100644 inline ") {
                paths.insert(p.to_string());
            } else {
                assert!(
                    line.is_empty()
                        || line.starts_with("mark :")
                        || line.starts_with("author ")
                        || line.starts_with("committer ")
                        || line.starts_with("from :")
                        || line.starts_with("D "),
                    "unexpected line {line:?}"
                );
            }
        }
        (commits, paths)
    }

    #[test]
    fn history_stream_is_well_formed_and_labels_its_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let labels = dir.path().join("history.jsonl");
        let mut stream = Vec::new();
        let spec = HistorySpec {
            commits: 400,
            seed: 11,
        };
        let stats = write_history_stream(&mut stream, &labels, &spec).unwrap();
        assert_eq!(stats.commits, 402);
        assert_eq!(stats.stream_bytes, stream.len() as u64);
        let (commits, paths) = parse_stream(&stream);
        assert_eq!(commits, 402);
        let rows = read_labels(&labels);
        assert_eq!(
            rows.len() as u64,
            stats.secrets_removed + stats.secrets_at_tip + stats.secrets_on_branch
        );
        assert!(stats.secrets_removed >= 20, "{stats:?}");
        assert_eq!(stats.secrets_on_branch, 1);
        for row in &rows {
            assert!(paths.contains(row["file"].as_str().unwrap()), "{row}");
            let mark = row["mark"].as_u64().unwrap();
            if let Some(rm) = row["removed_mark"].as_u64() {
                assert!(rm > mark && rm <= 400, "{row}");
            }
        }
        let mut again = Vec::new();
        write_history_stream(&mut again, &dir.path().join("again.jsonl"), &spec).unwrap();
        assert_eq!(stream, again);
    }

    #[test]
    fn history_imports_into_git_when_git_is_present() {
        let git = std::process::Command::new("git").arg("--version").output();
        if git.map(|o| !o.status.success()).unwrap_or(true) {
            eprintln!("git not found; skipping");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let mut stream = Vec::new();
        let spec = HistorySpec {
            commits: 60,
            seed: 2,
        };
        write_history_stream(&mut stream, &dir.path().join("l.jsonl"), &spec).unwrap();
        let ok = std::process::Command::new("git")
            .args(["init", "-q"])
            .arg(&repo)
            .status()
            .unwrap();
        assert!(ok.success());
        let mut child = std::process::Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["fast-import", "--quiet"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&stream).unwrap();
        assert!(child.wait().unwrap().success());
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["rev-list", "--count", "--all"])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "62");
    }
}

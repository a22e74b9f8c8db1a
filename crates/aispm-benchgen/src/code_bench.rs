//! Input of the source-analysis benchmark (`bench/code.sh`): a tree of realistic AI
//! application code in Python, JavaScript, TypeScript and TSX, mostly benign
//! (classes, functions, tests, comments, AI SDK calls whose output is only logged or
//! returned), with seeded unsafe sinks and their safe twins:
//!
//! - model output (OpenAI, Anthropic, LangChain, Ollama, LiteLLM, the Vercel AI
//!   `useChat` hook) reaching code execution, a shell, an SQL query or HTML, through
//!   variables, attributes, subscripts, f-strings, template literals, concatenation
//!   and same-file helper functions, in sync and async code and React components;
//! - `torch.load` without `weights_only=True`, pickle/joblib/dill/cloudpickle loads of
//!   downloaded files, `trust_remote_code=True`, Hub downloads without a commit
//!   `revision`, LangChain's `allow_dangerous_deserialization=True`.
//!
//! Every seeded place is labelled in a JSON-lines file in the corpus format (`path`,
//! `line`, optional `end_line`, `kind`, `expected`), with the kind names of the code
//! corpus (`code/llm-output-to-exec`, ...). A safe twin (`ast.literal_eval`,
//! `json.loads`, a fixed argv, a parameterised query, `textContent`,
//! `DOMPurify.sanitize`, React text children, `weights_only=True`, a 40-hex revision,
//! a local directory, `...=False`) is labelled `expected: false`. The tree is a pure
//! function of the seed and is written file by file.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use aispm_fixtures::rng::{SplitMix64, capital};

const EXEC: &str = "code/llm-output-to-exec";
const SHELL: &str = "code/llm-output-to-shell";
const SQL: &str = "code/llm-output-to-sql";
const HTML: &str = "code/llm-output-to-html";
const TORCH: &str = "code/torch-load-unsafe";
const PICKLE: &str = "code/pickle-load-untrusted";
const REMOTE: &str = "code/trust-remote-code";
const UNPINNED: &str = "code/hf-unpinned-revision";
const LC_DESER: &str = "code/langchain-dangerous-deserialization";

/// Every kind the tree seeds, in a fixed order.
pub const KINDS: &[&str] = &[
    EXEC, SHELL, SQL, HTML, TORCH, PICKLE, REMOTE, UNPINNED, LC_DESER,
];

const HEX: &[u8] = b"0123456789abcdef";

const WORDS: &[&str] = &[
    "model",
    "token",
    "embedding",
    "vector",
    "prompt",
    "agent",
    "ticket",
    "refund",
    "score",
    "label",
    "batch",
    "report",
    "invoice",
    "customer",
    "order",
    "feature",
    "dataset",
    "pipeline",
    "index",
    "query",
    "context",
    "retriever",
    "chunk",
    "summary",
    "document",
    "session",
    "account",
    "billing",
    "search",
    "ranking",
    "profile",
    "channel",
    "message",
    "review",
    "budget",
    "schedule",
    "inventory",
    "shipment",
    "catalog",
    "policy",
];

const PROJECTS: &[&str] = &[
    "support-copilot",
    "docs-assistant",
    "sales-insights",
    "claims-triage",
    "code-reviewer",
    "rag-portal",
    "hr-helpdesk",
    "fraud-radar",
    "research-agent",
    "contract-reader",
    "ops-chatbot",
    "analytics-qa",
];

const HUB_REPOS: &[&str] = &[
    "some-lab/chat-7b",
    "acme-ai/sentiment-base",
    "northwind/embed-small",
    "contoso/summarizer-large",
    "open-team/coder-3b",
    "tinyorg/ner-multilingual",
    "example-org/rerank-v2",
    "lab42/vision-encoder",
];

const AUTO_CLASSES: &[&str] = &[
    "AutoModelForCausalLM",
    "AutoModel",
    "AutoTokenizer",
    "AutoModelForSequenceClassification",
    "AutoConfig",
];

fn word(rng: &mut SplitMix64) -> &'static str {
    rng.pick::<&str>(WORDS)
}

fn sha40(rng: &mut SplitMix64) -> String {
    (0..40)
        .map(|_| HEX[rng.below(16) as usize] as char)
        .collect()
}

// ------------------------------------------------------------------ snippets

/// A label inside a snippet: 0-based line offsets.
#[derive(Debug, Clone)]
struct Mark {
    first: u32,
    last: u32,
    kind: &'static str,
    expected: bool,
    note: &'static str,
}

/// A run of lines with its labels and what the file header must hold for it.
#[derive(Debug, Clone, Default)]
struct Snip {
    lines: Vec<String>,
    marks: Vec<Mark>,
    imports: Vec<String>,
    setup: Vec<String>,
}

impl Snip {
    fn push(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    fn extend<I: IntoIterator<Item = String>>(&mut self, lines: I) {
        self.lines.extend(lines);
    }

    /// Pushes `line` and labels it.
    fn sink(
        &mut self,
        line: impl Into<String>,
        kind: &'static str,
        expected: bool,
        note: &'static str,
    ) {
        let at = self.lines.len() as u32;
        self.lines.push(line.into());
        self.marks.push(Mark {
            first: at,
            last: at,
            kind,
            expected,
            note,
        });
    }

    /// Labels the lines `first..=last` (0-based, already pushed) with one more kind.
    fn mark(
        &mut self,
        first: usize,
        last: usize,
        kind: &'static str,
        expected: bool,
        note: &'static str,
    ) {
        self.marks.push(Mark {
            first: first as u32,
            last: last as u32,
            kind,
            expected,
            note,
        });
    }

    fn import(&mut self, s: impl Into<String>) {
        self.imports.push(s.into());
    }

    fn setup(&mut self, s: impl Into<String>) {
        self.setup.push(s.into());
    }
}

fn indent(lines: Vec<String>, n: usize) -> Vec<String> {
    let pad = " ".repeat(n);
    lines
        .into_iter()
        .map(|l| if l.is_empty() { l } else { format!("{pad}{l}") })
        .collect()
}

// ------------------------------------------------------------------ LLM sources

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provider {
    OpenAi,
    Anthropic,
    LangChain,
    Ollama,
    LiteLlm,
}

const PROVIDERS: &[Provider] = &[
    Provider::OpenAi,
    Provider::OpenAi,
    Provider::OpenAi,
    Provider::Anthropic,
    Provider::Anthropic,
    Provider::LangChain,
    Provider::LangChain,
    Provider::Ollama,
    Provider::LiteLlm,
];

/// A model call: the call expression, the accessor that yields its text, and what the
/// header needs.
struct Source {
    call: String,
    suffix: &'static str,
    imports: Vec<&'static str>,
    setup: Vec<&'static str>,
}

fn py_source(p: Provider, prompt: &str, is_async: bool) -> Source {
    let aw = if is_async { "await " } else { "" };
    match p {
        Provider::OpenAi if is_async => Source {
            call: format!(
                "await aclient.chat.completions.create(model=\"gpt-4o-mini\", messages=[{{\"role\": \"user\", \"content\": {prompt}}}])"
            ),
            suffix: ".choices[0].message.content",
            imports: vec!["from openai import AsyncOpenAI"],
            setup: vec!["aclient = AsyncOpenAI()"],
        },
        Provider::OpenAi => Source {
            call: format!(
                "client.chat.completions.create(model=\"gpt-4o-mini\", messages=[{{\"role\": \"user\", \"content\": {prompt}}}], temperature=0)"
            ),
            suffix: ".choices[0].message.content",
            imports: vec!["from openai import OpenAI"],
            setup: vec!["client = OpenAI()"],
        },
        Provider::Anthropic => Source {
            call: format!(
                "{aw}claude.messages.create(model=\"claude-3-5-haiku-latest\", max_tokens=1024, messages=[{{\"role\": \"user\", \"content\": {prompt}}}])"
            ),
            suffix: ".content[0].text",
            imports: if is_async {
                vec!["from anthropic import AsyncAnthropic"]
            } else {
                vec!["import anthropic"]
            },
            setup: if is_async {
                vec!["claude = AsyncAnthropic()"]
            } else {
                vec!["claude = anthropic.Anthropic()"]
            },
        },
        Provider::LangChain => Source {
            call: if is_async {
                format!("await llm.ainvoke({prompt})")
            } else {
                format!("llm.invoke({prompt})")
            },
            suffix: ".content",
            imports: vec!["from langchain_openai import ChatOpenAI"],
            setup: vec!["llm = ChatOpenAI(model=\"gpt-4o-mini\", temperature=0)"],
        },
        Provider::Ollama => Source {
            call: format!(
                "ollama.chat(model=\"llama3.1\", messages=[{{\"role\": \"user\", \"content\": {prompt}}}])"
            ),
            suffix: "[\"message\"][\"content\"]",
            imports: vec!["import ollama"],
            setup: vec![],
        },
        Provider::LiteLlm => Source {
            call: format!(
                "{}litellm.{}(model=\"gpt-4o-mini\", messages=[{{\"role\": \"user\", \"content\": {prompt}}}])",
                aw,
                if is_async {
                    "acompletion"
                } else {
                    "completion"
                }
            ),
            suffix: ".choices[0].message.content",
            imports: vec!["import litellm"],
            setup: vec![],
        },
    }
}

fn js_source(p: Provider, prompt: &str) -> Source {
    match p {
        Provider::OpenAi | Provider::LiteLlm => Source {
            call: format!(
                "await openai.chat.completions.create({{ model: \"gpt-4o-mini\", messages: [{{ role: \"user\", content: {prompt} }}] }})"
            ),
            suffix: ".choices[0].message.content",
            imports: vec!["import OpenAI from \"openai\";"],
            setup: vec!["const openai = new OpenAI();"],
        },
        Provider::Anthropic => Source {
            call: format!(
                "await anthropic.messages.create({{ model: \"claude-3-5-haiku-latest\", max_tokens: 1024, messages: [{{ role: \"user\", content: {prompt} }}] }})"
            ),
            suffix: ".content[0].text",
            imports: vec!["import Anthropic from \"@anthropic-ai/sdk\";"],
            setup: vec!["const anthropic = new Anthropic();"],
        },
        Provider::LangChain => Source {
            call: format!("await llm.invoke({prompt})"),
            suffix: ".content",
            imports: vec!["import { ChatOpenAI } from \"@langchain/openai\";"],
            setup: vec!["const llm = new ChatOpenAI({ model: \"gpt-4o-mini\", temperature: 0 });"],
        },
        Provider::Ollama => Source {
            call: format!(
                "await ollama.chat({{ model: \"llama3.1\", messages: [{{ role: \"user\", content: {prompt} }}] }})"
            ),
            suffix: ".message.content",
            imports: vec!["import ollama from \"ollama\";"],
            setup: vec![],
        },
    }
}

// ------------------------------------------------------------------ Python LLM sinks

/// What the tainted value flows into: lines before the sink, the sink line, the note.
struct Sink {
    pre: Vec<String>,
    line: String,
    note: &'static str,
    imports: Vec<&'static str>,
    setup: Vec<&'static str>,
}

fn sink(line: String, note: &'static str) -> Sink {
    Sink {
        pre: Vec::new(),
        line,
        note,
        imports: Vec::new(),
        setup: Vec::new(),
    }
}

fn py_sink(kind: &'static str, expected: bool, x: &str, rng: &mut SplitMix64) -> Sink {
    let v = rng.below(5);
    let mut s = match (kind, expected) {
        (EXEC, true) => match v {
            0 => sink(format!("result = eval({x})"), ""),
            1 => sink(format!("exec({x}, {{}})"), ""),
            2 => sink(format!("exec({x}, {{\"__builtins__\": {{}}}}, scope)"), ""),
            3 => sink(format!("value = eval({x}, {{\"math\": math}})"), ""),
            _ => sink(format!("exec({x})"), ""),
        },
        (EXEC, false) => match v {
            0 | 1 => {
                let mut s = sink(format!("result = ast.literal_eval({x})"), "literal_eval only parses literals");
                s.imports.push("import ast");
                s
            }
            2 | 3 => sink(format!("result = json.loads({x})"), "json parsing"),
            _ => sink("result = eval(\"2 ** 10\")".into(), "constant expression, no model output"),
        },
        (SHELL, true) => match v {
            0 => sink(format!("proc = subprocess.run({x}, shell=True, capture_output=True, text=True)"), ""),
            1 => sink(format!("os.system({x})"), ""),
            2 => sink(format!("output = os.popen({x}).read()"), ""),
            3 => sink(format!("output = subprocess.check_output({x}, shell=True, text=True)"), ""),
            _ => sink(format!("proc = subprocess.Popen({x}, shell=True, stdout=subprocess.PIPE)"), ""),
        },
        (SHELL, false) => match v {
            0 | 1 => sink(
                "proc = subprocess.run([\"git\", \"status\", \"--short\"], capture_output=True, text=True)".into(),
                "fixed argv",
            ),
            2 | 3 => sink(
                format!("proc = subprocess.run([\"echo\", {x}], capture_output=True, text=True)"),
                "argv list, no shell",
            ),
            _ => sink("os.system(\"uptime\")".into(), "constant command"),
        },
        (SQL, true) => {
            let line = match v {
                0 | 1 => format!("rows = cur.execute({x}).fetchall()"),
                2 => format!("rows = cur.execute(\"SELECT id, total FROM orders WHERE \" + {x}).fetchall()"),
                // An f-string cannot nest double quotes before Python 3.12.
                3 if !x.contains('"') => format!("rows = db.execute(f\"SELECT id, status FROM tickets WHERE {{{x}}} LIMIT 50\").fetchall()"),
                3 => format!("rows = db.execute(\"SELECT id, status FROM tickets WHERE \" + {x}).fetchall()"),
                _ => format!("cur.execute({x})"),
            };
            let mut s = sink(line, "");
            if v != 3 {
                s.pre.push("cur = db.cursor()".into());
            }
            s
        }
        (SQL, false) => {
            let line = match v {
                0..=2 => format!("rows = cur.execute(\"SELECT id, total FROM orders WHERE customer_id = ?\", ({x},)).fetchall()"),
                _ => format!("rows = cur.execute(\"SELECT * FROM tickets WHERE title = :title\", {{\"title\": {x}}}).fetchall()"),
            };
            let mut s = sink(line, "parameterised");
            s.pre.push("cur = db.cursor()".into());
            s
        }
        _ => unreachable!("no Python sink for {kind}"),
    };
    match kind {
        EXEC => {
            s.imports.extend(["import json", "import math"]);
            s.pre.insert(0, "scope = {}".into());
        }
        SHELL => s.imports.extend(["import os", "import subprocess"]),
        _ => {
            s.imports.push("import sqlite3");
            s.setup.push("db = sqlite3.connect(\"app.db\")");
        }
    }
    s
}

fn py_prompt_text(kind: &str) -> &'static str {
    match kind {
        EXEC => "Translate to a Python expression, reply with code only",
        SHELL => "Give a single bash command to",
        _ => "Write an SQL WHERE clause for",
    }
}

/// A Python function (or class, or helper and caller) where model output reaches
/// `kind`'s sink, or its safe twin when `expected` is false.
fn py_llm_case(kind: &'static str, expected: bool, rng: &mut SplitMix64, seq: u64) -> Snip {
    let mut s = Snip::default();
    let provider = *rng.pick(PROVIDERS);
    let (a, b) = (word(rng), word(rng));
    let fname = format!("{a}_{b}_{seq}");
    let prompt = format!("f\"{}: {{question}}\"", py_prompt_text(kind));
    let shape = rng.below(10);
    let is_async = shape == 9;
    let src = py_source(provider, &prompt, is_async);
    for i in &src.imports {
        s.import(*i);
    }
    for l in &src.setup {
        s.setup(*l);
    }
    let def = if is_async { "async def" } else { "def" };
    let reply = *rng.pick(&["reply", "answer", "generated", "completion_text", "output"]);
    // body: statements of the function (unindented), then the sink.
    let mut body: Vec<String> = Vec::new();
    let x: String;
    let mut header = format!("{def} {fname}(question: str):");
    let mut pre_fn: Vec<String> = Vec::new();
    let mut class_wrap = false;
    match shape {
        0 => {
            // Inline: the call inside the sink.
            x = format!("{}{}", src.call, src.suffix);
        }
        1 | 9 => {
            body.push(format!("response = {}", src.call));
            x = format!("response{}", src.suffix);
        }
        2 => {
            body.push(format!("response = {}", src.call));
            body.push(format!("{reply} = response{}", src.suffix));
            x = reply.to_string();
        }
        3 => {
            body.push(format!("response = {}", src.call));
            body.push(format!("{reply} = response{}.strip()", src.suffix));
            let wrapped = match kind {
                EXEC => format!("f\"result = {{{reply}}}\""),
                SHELL => format!("f\"{{{reply}}} 2>&1\""),
                _ => format!("f\"({{{reply}}}) AND deleted_at IS NULL\""),
            };
            body.push(format!("payload = {wrapped}"));
            x = "payload".into();
        }
        4 => {
            body.push(format!("response = {}", src.call));
            body.push(format!("{reply} = response{}", src.suffix));
            let wrapped = match kind {
                EXEC => format!("\"import math\\n\" + {reply}"),
                SHELL => format!("\"cd /srv/app && \" + {reply}"),
                _ => format!("\"SELECT id FROM orders WHERE \" + {reply}"),
            };
            body.push(format!("payload = {wrapped}"));
            x = "payload".into();
        }
        5 => {
            // Attribute on self, inside a class.
            class_wrap = true;
            header = "def run(self, question: str):".into();
            body.push(format!("response = {}", src.call));
            body.push(format!("self.last_{reply} = response{}", src.suffix));
            x = format!("self.last_{reply}");
        }
        6 => {
            body.push(format!("response = {}", src.call));
            body.push("state = {\"question\": question}".into());
            body.push(format!("state[\"{reply}\"] = response{}", src.suffix));
            x = format!("state[\"{reply}\"]");
        }
        _ => {
            // Same-file helper returning the model output.
            let helper = format!("ask_{b}_{seq}");
            pre_fn.push(format!("def {helper}(prompt: str) -> str:"));
            let hsrc = py_source(provider, "prompt", false);
            for i in &hsrc.imports {
                s.import(*i);
            }
            for l in &hsrc.setup {
                s.setup(*l);
            }
            pre_fn.push(format!("    \"\"\"Asks the model about the {a}.\"\"\""));
            pre_fn.push(format!("    r = {}", hsrc.call));
            // The answer is returned as is, trimmed, or through a local.
            match rng.below(3) {
                0 => pre_fn.push(format!("    return r{}", hsrc.suffix)),
                1 => pre_fn.push(format!("    return r{}.strip()", hsrc.suffix)),
                _ => {
                    pre_fn.push(format!("    text = r{}", hsrc.suffix));
                    pre_fn.push("    return text".to_string());
                }
            }
            pre_fn.push(String::new());
            pre_fn.push(String::new());
            if shape == 7 {
                x = format!("{helper}({prompt})");
            } else {
                body.push(format!("{reply} = {helper}({prompt})"));
                x = reply.to_string();
            }
        }
    }
    let sk = py_sink(kind, expected, &x, rng);
    for i in &sk.imports {
        s.import(*i);
    }
    for l in &sk.setup {
        s.setup(*l);
    }
    body.splice(0..0, sk.pre.clone());
    body.insert(
        0,
        format!(
            "\"\"\"{} the {a} from the model's answer.\"\"\"",
            capital(rng.pick::<&str>(&["Derive", "Compute", "Resolve", "Fetch"]))
        ),
    );
    let (fn_indent, body_indent) = if class_wrap { (4, 8) } else { (0, 4) };
    s.extend(pre_fn);
    if class_wrap {
        s.push(format!("class {}{}Agent{seq}:", capital(a), capital(b)));
        s.push(format!(
            "    \"\"\"Keeps the last answer about the {b}.\"\"\""
        ));
        s.push(String::new());
        s.push("    def __init__(self):".to_string());
        s.push(format!("        self.last_{reply} = \"\""));
        s.push(String::new());
    }
    s.push(format!("{}{header}", " ".repeat(fn_indent)));
    s.extend(indent(body, body_indent));
    s.sink(
        format!("{}{}", " ".repeat(body_indent), sk.line),
        kind,
        expected,
        sk.note,
    );
    let tail = match kind {
        EXEC => "result",
        SHELL => "None",
        _ => "rows",
    };
    let tail = if sk.line.starts_with("rows =") || sk.line.starts_with("result =") {
        tail
    } else if sk.line.starts_with("proc =") {
        "proc.returncode"
    } else if sk.line.starts_with("output =") {
        "output"
    } else if sk.line.starts_with("value =") {
        "value"
    } else {
        "None"
    };
    s.push(format!("{}return {tail}", " ".repeat(body_indent)));
    s
}

// ------------------------------------------------------------------ Python model loading

fn py_model_case(kind: &'static str, expected: bool, rng: &mut SplitMix64, seq: u64) -> Snip {
    let mut s = Snip::default();
    let (a, b) = (word(rng), word(rng));
    let repo = *rng.pick(HUB_REPOS);
    let v = rng.below(4);
    match kind {
        TORCH => {
            s.import("import torch");
            s.push(format!(
                "def load_{a}_{b}_{seq}(path: str, device: str = \"cpu\"):"
            ));
            s.push(format!("    \"\"\"Restores the {a} checkpoint.\"\"\""));
            if expected {
                match v {
                    0 => s.sink("    state = torch.load(path)", kind, true, ""),
                    1 => s.sink(
                        "    state = torch.load(path, map_location=device)",
                        kind,
                        true,
                        "",
                    ),
                    2 => s.sink(
                        "    state = torch.load(path, map_location=device, weights_only=False)",
                        kind,
                        true,
                        "",
                    ),
                    _ => {
                        s.push("    with open(path, \"rb\") as fh:");
                        s.sink(
                            "        state = torch.load(fh, map_location=torch.device(device))",
                            kind,
                            true,
                            "",
                        );
                    }
                }
            } else if v < 3 {
                s.sink(
                    "    state = torch.load(path, map_location=device, weights_only=True)",
                    kind,
                    false,
                    "",
                );
            } else {
                s.import("from safetensors.torch import load_file");
                s.sink(
                    "    state = load_file(path, device=device)",
                    kind,
                    false,
                    "safetensors",
                );
            }
            s.push("    return state");
        }
        PICKLE => {
            s.import("from huggingface_hub import hf_hub_download");
            let pinned = sha40(rng);
            s.push(format!("def load_{a}_{b}_{seq}():"));
            s.push(format!(
                "    \"\"\"Fetches the {a} estimator from the Hub.\"\"\""
            ));
            s.push(format!(
                "    path = hf_hub_download(repo_id=\"{repo}\", filename=\"{a}.pkl\", revision=\"{pinned}\")"
            ));
            if expected {
                match v {
                    0 => {
                        s.import("import pickle");
                        s.push("    with open(path, \"rb\") as fh:");
                        s.sink("        return pickle.load(fh)", kind, true, "");
                    }
                    1 => {
                        s.import("import joblib");
                        s.sink("    return joblib.load(path)", kind, true, "");
                    }
                    2 => {
                        s.import("import dill");
                        s.push("    with open(path, \"rb\") as fh:");
                        s.sink("        return dill.load(fh)", kind, true, "");
                    }
                    _ => {
                        s.import("import cloudpickle");
                        s.push("    with open(path, \"rb\") as fh:");
                        s.sink(
                            "        return cloudpickle.loads(fh.read())",
                            kind,
                            true,
                            "",
                        );
                    }
                }
            } else {
                match v {
                    0 | 1 => {
                        s.import("import pickle");
                        s.push("    cache = {\"path\": path}");
                        s.push(format!("    with open(\"cache/{a}.pkl\", \"wb\") as fh:"));
                        s.sink(
                            "        pickle.dump(cache, fh)",
                            kind,
                            false,
                            "dump, not load",
                        );
                        s.push("    return cache");
                    }
                    2 => {
                        s.import("import joblib");
                        s.sink(
                            format!("    joblib.dump({{\"path\": path}}, \"cache/{a}.joblib\")"),
                            kind,
                            false,
                            "dump, not load",
                        );
                        s.push("    return path");
                    }
                    _ => {
                        s.import("import json");
                        s.push("    with open(path, encoding=\"utf-8\") as fh:");
                        s.sink(
                            "        return json.load(fh)",
                            kind,
                            false,
                            "json, not pickle",
                        );
                    }
                }
            }
        }
        REMOTE | UNPINNED => {
            let cls = *rng.pick(AUTO_CLASSES);
            let local = format!("./artifacts/{a}-{b}");
            s.import(format!("from transformers import {cls}"));
            s.push(format!("def build_{a}_{b}_{seq}():"));
            s.push(format!("    \"\"\"Loads the {a} {b} model.\"\"\""));
            if kind == REMOTE {
                // trust_remote_code, pinned so that only this kind applies.
                let pinned = sha40(rng);
                let flag = if expected { "True" } else { "False" };
                match v {
                    0 | 1 => s.sink(
                        format!(
                            "    model = {cls}.from_pretrained(\"{repo}\", revision=\"{pinned}\", trust_remote_code={flag})"
                        ),
                        kind,
                        expected,
                        "",
                    ),
                    2 => {
                        let at = s.lines.len();
                        s.push(format!("    model = {cls}.from_pretrained("));
                        s.push(format!("        \"{repo}\","));
                        s.push(format!("        revision=\"{pinned}\","));
                        s.push(format!("        trust_remote_code={flag},"));
                        s.push("    )");
                        s.mark(at, at + 4, kind, expected, "");
                    }
                    _ => {
                        s.import("from transformers import pipeline");
                        s.sink(
                            format!(
                                "    model = pipeline(\"text-classification\", model=\"{local}\", trust_remote_code={flag})"
                            ),
                            kind,
                            expected,
                            "",
                        );
                    }
                }
            } else if expected {
                match v {
                    0 => s.sink(
                        format!("    model = {cls}.from_pretrained(\"{repo}\")"),
                        kind,
                        true,
                        "",
                    ),
                    1 => s.sink(
                        format!("    model = {cls}.from_pretrained(\"{repo}\", revision=\"main\")"),
                        kind,
                        true,
                        "branch, not a commit",
                    ),
                    2 => {
                        s.import("from huggingface_hub import snapshot_download");
                        s.sink(
                            format!("    model = snapshot_download(repo_id=\"{repo}\")"),
                            kind,
                            true,
                            "",
                        );
                    }
                    _ => {
                        s.import("from huggingface_hub import hf_hub_download");
                        s.sink(
                            format!(
                                "    model = hf_hub_download(\"{repo}\", filename=\"config.json\")"
                            ),
                            kind,
                            true,
                            "",
                        );
                    }
                }
            } else {
                match v {
                    0 | 1 => s.sink(
                        format!(
                            "    model = {cls}.from_pretrained(\"{repo}\", revision=\"{}\")",
                            sha40(rng)
                        ),
                        kind,
                        false,
                        "pinned to a commit",
                    ),
                    2 => s.sink(
                        format!("    model = {cls}.from_pretrained(\"{local}\")"),
                        kind,
                        false,
                        "local directory",
                    ),
                    _ => {
                        s.import("from huggingface_hub import snapshot_download");
                        s.sink(
                            format!(
                                "    model = snapshot_download(repo_id=\"{repo}\", revision=\"{}\")",
                                sha40(rng)
                            ),
                            kind,
                            false,
                            "pinned to a commit",
                        );
                    }
                }
            }
            s.push("    return model");
        }
        LC_DESER => {
            let store = if v == 3 { "Annoy" } else { "FAISS" };
            s.import(format!(
                "from langchain_community.vectorstores import {store}"
            ));
            s.import("from langchain_openai import OpenAIEmbeddings");
            s.push(format!(
                "def open_{a}_store_{seq}(path: str = \"indexes/{b}\"):"
            ));
            s.push(format!("    \"\"\"Opens the {a} vector index.\"\"\""));
            s.push("    embeddings = OpenAIEmbeddings(model=\"text-embedding-3-small\")");
            let flag = if expected { "True" } else { "False" };
            if v == 2 {
                let at = s.lines.len();
                s.push(format!("    store = {store}.load_local("));
                s.push("        path,".to_string());
                s.push("        embeddings,".to_string());
                s.push(format!("        allow_dangerous_deserialization={flag},"));
                s.push("    )");
                s.mark(at, at + 4, kind, expected, "");
            } else {
                s.sink(
                    format!("    store = {store}.load_local(path, embeddings, allow_dangerous_deserialization={flag})"),
                    kind,
                    expected,
                    "",
                );
            }
            s.push("    return store");
        }
        _ => unreachable!("no Python model case for {kind}"),
    }
    s
}

// ------------------------------------------------------------------ JS / TS LLM cases

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
}

fn js_sink(kind: &'static str, expected: bool, x: &str, rng: &mut SplitMix64) -> Sink {
    let v = rng.below(4);
    let mut s = match (kind, expected) {
        (EXEC, true) => match v {
            0 | 1 => sink(format!("const result = eval({x});"), ""),
            2 => sink(format!("const result = new Function({x})();"), ""),
            _ => sink(
                format!("const result = new Function(\"input\", {x})(question);"),
                "",
            ),
        },
        (EXEC, false) => match v {
            0 | 1 => sink(format!("const result = JSON.parse({x});"), "json parsing"),
            2 => sink(
                format!("const result = Number.parseFloat({x});"),
                "number parsing",
            ),
            _ => sink(
                "const result = eval(\"6 * 7\");".into(),
                "constant expression, no model output",
            ),
        },
        (SHELL, true) => {
            let mut s = match v {
                0 | 1 => sink(
                    format!("const result = execSync({x}, {{ encoding: \"utf8\" }});"),
                    "",
                ),
                2 => sink(
                    format!("const result = exec({x}, (err, out) => console.log(err ?? out));"),
                    "",
                ),
                _ => sink(format!("const result = childProcess.exec({x});"), ""),
            };
            if v == 3 {
                s.imports
                    .push("import * as childProcess from \"node:child_process\";");
            } else {
                s.imports
                    .push("import { exec, execSync, execFileSync } from \"node:child_process\";");
            }
            s
        }
        (SHELL, false) => {
            let mut s = match v {
                0 | 1 => sink(
                    "const result = execFileSync(\"git\", [\"status\", \"--short\"], { encoding: \"utf8\" });".into(),
                    "fixed argv",
                ),
                _ => sink(
                    format!("const result = execFileSync(\"echo\", [{x}], {{ encoding: \"utf8\" }});"),
                    "argv list, no shell",
                ),
            };
            s.imports
                .push("import { exec, execSync, execFileSync } from \"node:child_process\";");
            s
        }
        (SQL, true) => match v {
            0 | 1 => sink(format!("const result = await pool.query({x});"), ""),
            2 => sink(
                format!(
                    "const result = await pool.query(`SELECT id, total FROM orders WHERE ${{{x}}}`);"
                ),
                "",
            ),
            _ => sink(
                format!("const result = await pool.query(\"SELECT * FROM tickets WHERE \" + {x});"),
                "",
            ),
        },
        (SQL, false) => sink(
            format!(
                "const result = await pool.query(\"SELECT * FROM orders WHERE customer_id = $1\", [{x}]);"
            ),
            "parameterised",
        ),
        (HTML, true) => match v {
            0 | 1 => sink(
                format!("document.getElementById(\"answer\").innerHTML = {x};"),
                "",
            ),
            2 => sink(format!("panel.outerHTML = {x};"), ""),
            _ => sink(format!("document.write({x});"), ""),
        },
        (HTML, false) => match v {
            0 | 1 => sink(
                format!("document.getElementById(\"answer\").textContent = {x};"),
                "",
            ),
            _ => {
                let mut s = sink(
                    format!(
                        "document.getElementById(\"answer\").innerHTML = DOMPurify.sanitize({x});"
                    ),
                    "sanitised",
                );
                s.imports.push("import DOMPurify from \"dompurify\";");
                s
            }
        },
        _ => unreachable!("no JS sink for {kind}"),
    };
    match kind {
        SQL => {
            s.imports.push("import pg from \"pg\";");
            s.setup.push("const pool = new pg.Pool();");
        }
        HTML => {
            s.pre
                .push("const panel = document.getElementById(\"panel\");".into());
        }
        _ => {}
    }
    s
}

fn js_prompt_text(kind: &str) -> &'static str {
    match kind {
        EXEC => "Write a JavaScript expression for",
        SHELL => "Give one shell command to",
        SQL => "Write a Postgres WHERE clause for",
        _ => "Answer in HTML",
    }
}

fn js_llm_case(
    lang: Lang,
    kind: &'static str,
    expected: bool,
    rng: &mut SplitMix64,
    seq: u64,
) -> Snip {
    let mut s = Snip::default();
    let provider = *rng.pick(PROVIDERS);
    let (a, b) = (word(rng), word(rng));
    let fname = format!("{a}{}{seq}", capital(b));
    let ts = lang != Lang::JavaScript;
    let prompt = format!("`{}: ${{question}}`", js_prompt_text(kind));
    let src = js_source(provider, &prompt);
    for i in &src.imports {
        s.import(*i);
    }
    for l in &src.setup {
        s.setup(*l);
    }
    let param = if ts { "question: string" } else { "question" };
    let reply = *rng.pick(&["reply", "answer", "generated", "text", "output"]);
    let shape = rng.below(8);
    let mut body: Vec<String> = Vec::new();
    let mut pre_fn: Vec<String> = Vec::new();
    let x: String;
    let mut class_wrap = false;
    match shape {
        0 => x = format!("({}){}", src.call, src.suffix),
        1 => {
            body.push(format!("const response = {};", src.call));
            x = format!("response{}", src.suffix);
        }
        2 => {
            body.push(format!("const response = {};", src.call));
            body.push(format!("const {reply} = response{};", src.suffix));
            x = reply.to_string();
        }
        3 => {
            body.push(format!("const response = {};", src.call));
            body.push(format!("const {reply} = response{};", src.suffix));
            let wrapped = match kind {
                EXEC => format!("`return (${{{reply}}});`"),
                SHELL => format!("`${{{reply}}} 2>&1`"),
                SQL => format!("`SELECT id FROM orders WHERE ${{{reply}}}`"),
                _ => format!("`<div class=\"answer\">${{{reply}}}</div>`"),
            };
            body.push(format!("const payload = {wrapped};"));
            x = "payload".into();
        }
        4 => {
            class_wrap = true;
            body.push(format!("const response = {};", src.call));
            body.push(format!(
                "this.last{} = response{};",
                capital(reply),
                src.suffix
            ));
            x = format!("this.last{}", capital(reply));
        }
        5 => {
            body.push(format!("const response = {};", src.call));
            body.push("const state = { question };".into());
            body.push(format!("state.{reply} = response{};", src.suffix));
            x = format!("state.{reply}");
        }
        _ => {
            let helper = format!("ask{}{seq}", capital(a));
            let hsrc = js_source(provider, "prompt");
            let ret = if ts { ": Promise<string>" } else { "" };
            let hp = if ts { "prompt: string" } else { "prompt" };
            pre_fn.push(format!("async function {helper}({hp}){ret} {{"));
            pre_fn.push(format!("  const r = {};", hsrc.call));
            match rng.below(3) {
                0 => pre_fn.push(format!("  return r{};", hsrc.suffix)),
                1 => pre_fn.push(format!("  return String(r{}).trim();", hsrc.suffix)),
                _ => {
                    pre_fn.push(format!("  const text = r{};", hsrc.suffix));
                    pre_fn.push("  return text;".to_string());
                }
            }
            pre_fn.push("}".into());
            pre_fn.push(String::new());
            if shape == 6 {
                x = format!("(await {helper}({prompt}))");
            } else {
                body.push(format!("const {reply} = await {helper}({prompt});"));
                x = reply.to_string();
            }
        }
    }
    let sk = js_sink(kind, expected, &x, rng);
    for i in &sk.imports {
        s.import(*i);
    }
    for l in &sk.setup {
        s.setup(*l);
    }
    body.splice(0..0, sk.pre.clone());
    s.extend(pre_fn);
    let (fn_indent, body_indent) = if class_wrap { (2, 4) } else { (0, 2) };
    if class_wrap {
        s.push(format!(
            "export class {}{}Agent{seq} {{",
            capital(a),
            capital(b)
        ));
        if ts {
            s.push(format!("  last{}: string | null = null;", capital(reply)));
            s.push(String::new());
        }
        s.push(format!("  async run({param}) {{"));
    } else {
        s.push(format!(
            "/** {} the {a} from the model's answer. */",
            capital(rng.pick::<&str>(&["Derives", "Computes", "Resolves", "Renders"]))
        ));
        s.push(format!("export async function {fname}({param}) {{"));
    }
    s.extend(indent(body, body_indent));
    s.sink(
        format!("{}{}", " ".repeat(body_indent), sk.line),
        kind,
        expected,
        sk.note,
    );
    let tail = if sk.line.starts_with("const result") {
        "result"
    } else {
        "null"
    };
    s.push(format!("{}return {tail};", " ".repeat(body_indent)));
    s.push(format!("{}}}", " ".repeat(fn_indent)));
    if class_wrap {
        s.push("}".to_string());
    }
    s
}

/// A React component (TSX) that renders model output as HTML, or its safe twin.
fn tsx_html_case(expected: bool, rng: &mut SplitMix64, seq: u64) -> Snip {
    let mut s = Snip::default();
    let (a, b) = (word(rng), word(rng));
    let comp = format!("{}{}Panel{seq}", capital(a), capital(b));
    let v = rng.below(4);
    let (x, mut body): (String, Vec<String>) = if rng.below(3) == 0 {
        s.import("import { useChat } from \"ai/react\";");
        s.push(format!("export function {comp}() {{"));
        (
            "last".into(),
            vec![
                "const { messages } = useChat();".into(),
                "const last = messages[messages.length - 1]?.content ?? \"\";".into(),
            ],
        )
    } else {
        let provider = if rng.below(2) == 0 {
            Provider::OpenAi
        } else {
            Provider::Anthropic
        };
        let src = js_source(provider, "`Summarise the ${topic} report as HTML`");
        for i in &src.imports {
            s.import(*i);
        }
        for l in &src.setup {
            s.setup(*l);
        }
        s.push(format!(
            "export async function {comp}({{ topic }}: {{ topic: string }}) {{"
        ));
        (
            "summary".into(),
            vec![
                format!("const response = {};", src.call),
                format!("const summary = response{} ?? \"\";", src.suffix),
            ],
        )
    };
    body.push("return (".into());
    body.push(format!("  <section className=\"{a}-panel\">"));
    body.push(format!("    <h2>{} {b}</h2>", capital(a)));
    s.extend(indent(body, 2));
    let (line, note) = match (expected, v) {
        (true, 0 | 1) => (
            format!("      <article dangerouslySetInnerHTML={{{{ __html: {x} }}}} />"),
            "",
        ),
        (true, _) => (
            format!(
                "      <div className=\"body\" dangerouslySetInnerHTML={{{{ __html: `<p>${{{x}}}</p>` }}}} />"
            ),
            "",
        ),
        (false, 0 | 1) => (
            format!("      <article>{{{x}}}</article>"),
            "React escapes text children",
        ),
        (false, _) => {
            s.import("import DOMPurify from \"dompurify\";");
            (
                format!(
                    "      <article dangerouslySetInnerHTML={{{{ __html: DOMPurify.sanitize({x}) }}}} />"
                ),
                "sanitised",
            )
        }
    };
    s.sink(line, HTML, expected, note);
    s.push("    </section>");
    s.push("  );");
    s.push("}");
    s
}

// ------------------------------------------------------------------ benign code

fn py_benign(rng: &mut SplitMix64, seq: u64, test_file: bool) -> Snip {
    let (a, b, c) = (word(rng), word(rng), word(rng));
    let n = rng.below(1000);
    let mut s = Snip::default();
    let lines: Vec<String> = if test_file {
        match rng.below(2) {
            0 => vec![
                format!("def test_{a}_{b}_{seq}():"),
                format!("    {a} = build_{b}(limit={n})"),
                format!("    assert {a} is not None"),
                format!("    assert len({a}.{c}s) <= {n}"),
            ],
            _ => vec![
                format!("@pytest.mark.parametrize(\"{c}\", [0, 1, {n}])"),
                format!("def test_{a}_handles_{c}_{seq}({c}):"),
                format!("    result = normalise_{a}({c})"),
                "    assert result >= 0".to_string(),
                format!("    assert isinstance(result, int), \"{b} must be an int\""),
            ],
        }
    } else {
        match rng.below(7) {
            0 => vec![
                format!("def {a}_{b}_{seq}({c}, limit={n}):"),
                format!("    \"\"\"Returns the {a} of the {b}, at most `limit` entries.\"\"\""),
                format!("    {a} = [x for x in {c} if x is not None]"),
                format!("    if len({a}) > limit:"),
                format!("        logger.info(\"{b}: trimming %d entries\", len({a}) - limit)"),
                format!("        {a} = {a}[:limit]"),
                format!("    return {a}"),
            ],
            1 => vec![
                "@dataclass".to_string(),
                format!("class {}{}{seq}:", capital(a), capital(b)),
                format!("    \"\"\"A {a} record as stored in the {b} table.\"\"\""),
                String::new(),
                "    id: int".to_string(),
                format!("    {c}: str = \"\""),
                format!("    {b}_count: int = {n}"),
                "    tags: list[str] = field(default_factory=list)".to_string(),
                String::new(),
                "    def as_dict(self) -> dict:".to_string(),
                format!(
                    "        return {{\"id\": self.id, \"{c}\": self.{c}, \"tags\": list(self.tags)}}"
                ),
            ],
            2 => vec![
                format!("class {}Service{seq}:", capital(a)),
                format!("    \"\"\"Reads and writes {a}s for the {b} API.\"\"\""),
                String::new(),
                "    def __init__(self, repo, cache=None):".to_string(),
                "        self.repo = repo".to_string(),
                "        self.cache = cache or {}".to_string(),
                String::new(),
                format!("    def get(self, {a}_id: int):"),
                format!("        if {a}_id in self.cache:"),
                format!("            return self.cache[{a}_id]"),
                format!("        item = self.repo.fetch({a}_id)"),
                format!("        self.cache[{a}_id] = item"),
                "        return item".to_string(),
                String::new(),
                format!(
                    "    def list_{c}s(self, page: int = 0, size: int = {}):",
                    10 + n % 90
                ),
                "        offset = page * size".to_string(),
                format!("        return self.repo.query(\"{c}\", offset=offset, limit=size)"),
            ],
            3 => {
                s.import("from openai import OpenAI");
                s.setup("client = OpenAI()");
                vec![
                    format!("def summarise_{a}_{seq}(text: str) -> str:"),
                    format!(
                        "    \"\"\"Asks the model for a short summary of a {a}; the answer is only shown.\"\"\""
                    ),
                    "    resp = client.chat.completions.create(".to_string(),
                    "        model=\"gpt-4o-mini\",".to_string(),
                    format!(
                        "        messages=[{{\"role\": \"system\", \"content\": \"Summarise the {b}.\"}}, {{\"role\": \"user\", \"content\": text}}],"
                    ),
                    "    )".to_string(),
                    "    summary = resp.choices[0].message.content or \"\"".to_string(),
                    "    logger.info(\"summary: %s\", summary[:80])".to_string(),
                    "    return summary.strip()".to_string(),
                ]
            }
            4 => vec![
                format!(
                    "# {} {} helpers. Values are read from the environment at start-up,",
                    capital(a),
                    b
                ),
                format!("# never from requests; see docs/{c}.md for the full list."),
                format!("{}_TIMEOUT_S = {}", a.to_uppercase(), 5 + n % 55),
                format!("{}_RETRIES = {}", a.to_uppercase(), 1 + n % 5),
                format!(
                    "{}_{}_URL = os.environ.get(\"{}_{}_URL\", \"http://localhost:{}\")",
                    a.to_uppercase(),
                    b.to_uppercase(),
                    a.to_uppercase(),
                    b.to_uppercase(),
                    8000 + n
                ),
            ],
            5 => {
                s.import("import sqlite3");
                s.setup("db = sqlite3.connect(\"app.db\")");
                vec![
                    format!("def find_{a}_{seq}({b}_id: int):"),
                    format!("    \"\"\"Looks a {a} up by its {b}.\"\"\""),
                    "    cur = db.cursor()".to_string(),
                    format!(
                        "    cur.execute(\"SELECT id, {c} FROM {a}s WHERE {b}_id = ?\", ({b}_id,))"
                    ),
                    "    return cur.fetchone()".to_string(),
                ]
            }
            _ => vec![
                format!("async def refresh_{a}_{seq}(session, ids):"),
                format!("    \"\"\"Refreshes {b} data for the given ids, {n} at a time.\"\"\""),
                "    results = []".to_string(),
                format!("    for start in range(0, len(ids), {}):", 1 + n % 50),
                format!("        batch = ids[start:start + {}]", 1 + n % 50),
                format!(
                    "        async with session.get(\"/api/{a}\", params={{\"ids\": \",\".join(map(str, batch))}}) as r:"
                ),
                "            results.extend(await r.json())".to_string(),
                "    return results".to_string(),
            ],
        }
    };
    s.extend(lines);
    s
}

fn js_benign(lang: Lang, rng: &mut SplitMix64, seq: u64) -> Snip {
    let (a, b, c) = (word(rng), word(rng), word(rng));
    let n = rng.below(1000);
    let ts = lang != Lang::JavaScript;
    let t = |s: &str| if ts { s.to_string() } else { String::new() };
    let mut s = Snip::default();
    let lines: Vec<String> = match rng.below(if lang == Lang::Tsx { 6 } else { 5 }) {
        0 => vec![
            format!("/** Groups {a}s by their {b}. */"),
            format!(
                "export function group{}By{}{seq}(items{}) {{",
                capital(a),
                capital(b),
                t(": Array<Record<string, unknown>>")
            ),
            format!("  const out{} = new Map();", t(": Map<unknown, unknown[]>")),
            "  for (const item of items) {".to_string(),
            format!("    const key = item.{b} ?? \"none\";"),
            "    if (!out.has(key)) out.set(key, []);".to_string(),
            "    out.get(key).push(item);".to_string(),
            "  }".to_string(),
            "  return out;".to_string(),
            "}".to_string(),
        ],
        1 => vec![
            format!("export class {}Client{seq} {{", capital(a)),
            format!(
                "  constructor(baseUrl{}, timeoutMs = {}) {{",
                t(": string"),
                1000 + n
            ),
            "    this.baseUrl = baseUrl;".to_string(),
            "    this.timeoutMs = timeoutMs;".to_string(),
            "  }".to_string(),
            String::new(),
            format!("  async fetch{}(id{}) {{", capital(b), t(": number")),
            format!("    const res = await fetch(`${{this.baseUrl}}/{a}/${{id}}/{b}`);"),
            format!("    if (!res.ok) throw new Error(`{b} ${{id}}: ${{res.status}}`);"),
            "    return res.json();".to_string(),
            "  }".to_string(),
            "}".to_string(),
        ],
        2 => {
            s.import("import OpenAI from \"openai\";");
            s.setup("const openai = new OpenAI();");
            vec![
                format!("/** Asks the model for a title; the answer is only displayed as text. */"),
                format!(
                    "export async function suggest{}Title{seq}(text{}) {{",
                    capital(a),
                    t(": string")
                ),
                "  const completion = await openai.chat.completions.create({".to_string(),
                "    model: \"gpt-4o-mini\",".to_string(),
                format!(
                    "    messages: [{{ role: \"user\", content: `Title for this {b}: ${{text}}` }}],"
                ),
                "  });".to_string(),
                "  const title = completion.choices[0].message.content ?? \"\";".to_string(),
                format!("  console.info(\"{c} title\", title.slice(0, 40));"),
                "  return title.trim();".to_string(),
                "}".to_string(),
            ]
        }
        3 => vec![
            format!(
                "// {} settings; overridden per environment in config/{c}.json",
                capital(a)
            ),
            format!(
                "export const {}_DEFAULTS_{seq} = Object.freeze({{",
                a.to_uppercase()
            ),
            format!("  pageSize: {},", 10 + n % 90),
            format!("  retry: {},", 1 + n % 5),
            format!("  endpoint: \"/api/{a}/{b}\","),
            "});".to_string(),
        ],
        4 => vec![
            format!(
                "export const {a}{}{seq} = (values{}) =>",
                capital(c),
                t(": number[]")
            ),
            "  values".to_string(),
            "    .filter((v) => Number.isFinite(v))".to_string(),
            format!(
                "    .map((v) => Math.round(v * {}) / {})",
                10 + n % 90,
                10 + n % 90
            ),
            "    .reduce((acc, v) => acc + v, 0);".to_string(),
        ],
        _ => {
            s.import("import { useState } from \"react\";");
            vec![
                format!(
                    "export function {}List{seq}({{ items }}: {{ items: {{ id: number; {b}: string }}[] }}) {{",
                    capital(a)
                ),
                "  const [filter, setFilter] = useState(\"\");".to_string(),
                format!("  const shown = items.filter((i) => i.{b}.includes(filter));"),
                "  return (".to_string(),
                format!("    <div className=\"{a}-list\">"),
                "      <input value={filter} onChange={(e) => setFilter(e.target.value)} />"
                    .to_string(),
                "      <ul>".to_string(),
                format!("        {{shown.map((i) => <li key={{i.id}}>{{i.{b}}}</li>)}}"),
                "      </ul>".to_string(),
                "    </div>".to_string(),
                "  );".to_string(),
                "}".to_string(),
            ]
        }
    };
    s.extend(lines);
    s
}

// ------------------------------------------------------------------ files

fn pick_lang(rng: &mut SplitMix64) -> Lang {
    match rng.below(100) {
        0..55 => Lang::Python,
        55..75 => Lang::JavaScript,
        75..87 => Lang::TypeScript,
        _ => Lang::Tsx,
    }
}

/// A seeded case for a file of `lang`: a kind that fits the language and a verdict.
fn case_for(lang: Lang, test_file: bool, rng: &mut SplitMix64, seq: u64) -> Snip {
    let expected = rng.below(5) < 3;
    match lang {
        Lang::Python => {
            let kind = *rng.pick(&[
                EXEC, SHELL, SQL, EXEC, SHELL, SQL, TORCH, PICKLE, REMOTE, UNPINNED, LC_DESER,
            ]);
            if test_file && matches!(kind, EXEC | SHELL | SQL) {
                return py_model_case(TORCH, expected, rng, seq);
            }
            match kind {
                EXEC | SHELL | SQL => py_llm_case(kind, expected, rng, seq),
                _ => py_model_case(kind, expected, rng, seq),
            }
        }
        Lang::Tsx if rng.below(2) == 0 => tsx_html_case(expected, rng, seq),
        _ => {
            let kind = *rng.pick(&[EXEC, SHELL, SQL, HTML]);
            js_llm_case(lang, kind, expected, rng, seq)
        }
    }
}

fn file_path(lang: Lang, i: u64, test_file: bool, rng: &mut SplitMix64) -> String {
    let project = format!(
        "{}-{}",
        PROJECTS[(i / 300) as usize % PROJECTS.len()],
        i / (300 * PROJECTS.len() as u64)
    );
    let pkg = WORDS[((i / 15) % WORDS.len() as u64) as usize];
    let sub = WORDS[((i / 4 + 7) % WORDS.len() as u64) as usize];
    let (a, b) = (word(rng), word(rng));
    let rel = match lang {
        Lang::Python if test_file => format!("tests/{pkg}/test_{a}_{b}_{i}.py"),
        Lang::Python => format!(
            "src/{}/{pkg}/{sub}/{a}_{b}_{i}.py",
            project.replace('-', "_")
        ),
        Lang::JavaScript if rng.below(4) == 0 => {
            format!("server/{pkg}/{sub}/{a}{}{i}.mjs", capital(b))
        }
        Lang::JavaScript => format!("web/src/{pkg}/{sub}/{a}{}{i}.js", capital(b)),
        Lang::TypeScript => format!("web/src/lib/{pkg}/{}{}{i}.ts", capital(a), capital(b)),
        Lang::Tsx => format!(
            "web/src/components/{pkg}/{}{}{i}.tsx",
            capital(a),
            capital(b)
        ),
    };
    format!("{project}/{rel}")
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

/// Renders one file: header (docstring, imports, module setup), then the snippets
/// separated by blank lines. Returns the text and the labels (1-based lines).
fn render(
    lang: Lang,
    test_file: bool,
    snips: &[Snip],
    rng: &mut SplitMix64,
) -> (String, Vec<(u32, u32, Mark)>) {
    let mut imports: Vec<String> = Vec::new();
    let mut setup: Vec<String> = Vec::new();
    for s in snips {
        imports.extend(s.imports.iter().cloned());
        setup.extend(s.setup.iter().cloned());
    }
    let mut head: Vec<String> = Vec::new();
    let sep: usize = match lang {
        Lang::Python => {
            let mut std_imports = vec!["import logging".to_string(), "import os".to_string()];
            if test_file {
                std_imports.push("import pytest".into());
            }
            std_imports.push("from dataclasses import dataclass, field".into());
            let (mut stdl, mut third): (Vec<String>, Vec<String>) =
                imports.into_iter().partition(|i| {
                    matches!(
                        i.as_str(),
                        "import ast"
                            | "import json"
                            | "import math"
                            | "import os"
                            | "import subprocess"
                            | "import sqlite3"
                            | "import pickle"
                    )
                });
            stdl.extend(std_imports);
            stdl.sort();
            dedup(&mut stdl);
            third.sort();
            dedup(&mut third);
            head.push(format!(
                "\"\"\"{} {} {}.\"\"\"",
                capital(word(rng)),
                word(rng),
                rng.pick(&["helpers", "service", "handlers", "tools", "jobs", "views"])
            ));
            head.extend(stdl);
            if !third.is_empty() {
                head.push(String::new());
                head.extend(third);
            }
            head.push(String::new());
            head.push("logger = logging.getLogger(__name__)".into());
            dedup(&mut setup);
            head.extend(setup);
            head.push(String::new());
            head.push(String::new());
            2
        }
        _ => {
            if lang == Lang::Tsx {
                imports.insert(0, "import React from \"react\";".into());
            }
            dedup(&mut imports);
            head.push(format!("// {} {} module.", capital(word(rng)), word(rng)));
            head.extend(imports);
            head.push(String::new());
            dedup(&mut setup);
            head.extend(setup);
            head.push(String::new());
            1
        }
    };
    let mut out = String::new();
    let mut marks = Vec::new();
    for l in &head {
        out.push_str(l);
        out.push('\n');
    }
    let mut line = head.len() as u32 + 1;
    for (k, s) in snips.iter().enumerate() {
        if k > 0 {
            for _ in 0..sep {
                out.push('\n');
            }
            line += sep as u32;
        }
        for m in &s.marks {
            marks.push((line + m.first, line + m.last, m.clone()));
        }
        for l in &s.lines {
            out.push_str(l);
            out.push('\n');
        }
        line += s.lines.len() as u32;
    }
    (out, marks)
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

// ------------------------------------------------------------------ the tree

#[derive(Debug, Clone, Copy)]
pub struct CodeTreeSpec {
    /// Total bytes of the tree (the file sizes add up to about this).
    pub bytes: u64,
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeTreeStats {
    pub files: u64,
    pub bytes: u64,
    pub expected: u64,
    pub negatives: u64,
}

impl CodeTreeStats {
    pub fn to_json(&self) -> String {
        format!(
            "{{\"files\": {}, \"bytes\": {}, \"expected\": {}, \"hard_negatives\": {}}}",
            self.files, self.bytes, self.expected, self.negatives
        )
    }
}

/// Writes the application tree under `root` and its labels (JSON lines, paths relative
/// to `root`) to `labels`, which should live outside `root`. Files are written one at
/// a time; memory stays at one file.
pub fn write_code_tree(
    root: &Path,
    labels: &Path,
    spec: &CodeTreeSpec,
) -> io::Result<CodeTreeStats> {
    let mut rng = SplitMix64::new(spec.seed);
    if let Some(parent) = labels.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut out = BufWriter::new(File::create(labels)?);
    let mut stats = CodeTreeStats::default();
    let mut i = 0u64;
    let mut seq = 0u64;
    while stats.bytes < spec.bytes {
        let lang = pick_lang(&mut rng);
        let test_file = lang == Lang::Python && rng.below(5) == 0;
        // 2-30 KB, skewed towards the small end.
        let u = rng.unit();
        let target = (2_000.0 + 28_000.0 * u * u) as u64;
        let target = target.min(spec.bytes - stats.bytes).max(400) as usize;
        let rel = file_path(lang, i, test_file, &mut rng);
        let mut cases: Vec<Snip> = Vec::new();
        // About one file in three holds seeded cases, one to three of them.
        if rng.below(3) == 0 {
            for _ in 0..1 + rng.below(3) {
                cases.push(case_for(lang, test_file, &mut rng, seq));
                seq += 1;
            }
        }
        let mut snips: Vec<Snip> = Vec::new();
        let mut size: usize = 600
            + cases
                .iter()
                .map(|c| c.lines.iter().map(|l| l.len() + 1).sum::<usize>())
                .sum::<usize>();
        while size < target {
            let s = match lang {
                Lang::Python => py_benign(&mut rng, seq, test_file),
                _ => js_benign(lang, &mut rng, seq),
            };
            seq += 1;
            size += s.lines.iter().map(|l| l.len() + 1).sum::<usize>() + 2;
            snips.push(s);
        }
        for c in cases {
            let at = rng.below(snips.len() as u64 + 1) as usize;
            snips.insert(at, c);
        }
        let (text, marks) = render(lang, test_file, &snips, &mut rng);
        let path = root.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text.as_bytes())?;
        for (line, end, m) in &marks {
            let mut row = format!("{{\"path\": {}, \"line\": {line}, ", json_str(&rel));
            if end != line {
                row.push_str(&format!("\"end_line\": {end}, "));
            }
            row.push_str(&format!(
                "\"kind\": {}, \"expected\": {}",
                json_str(m.kind),
                m.expected
            ));
            if !m.note.is_empty() {
                row.push_str(&format!(", \"note\": {}", json_str(m.note)));
            }
            row.push('}');
            writeln!(out, "{row}")?;
            if m.expected {
                stats.expected += 1;
            } else {
                stats.negatives += 1;
            }
        }
        stats.files += 1;
        stats.bytes += text.len() as u64;
        i += 1;
    }
    out.flush()?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn read_labels(path: &Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn all_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn code_tree_is_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let spec = CodeTreeSpec {
            bytes: 600_000,
            seed: 9,
        };
        let s1 =
            write_code_tree(&dir.path().join("a"), &dir.path().join("a.jsonl"), &spec).unwrap();
        let s2 =
            write_code_tree(&dir.path().join("b"), &dir.path().join("b.jsonl"), &spec).unwrap();
        assert_eq!(s1, s2);
        assert_eq!(
            all_files(&dir.path().join("a")),
            all_files(&dir.path().join("b"))
        );
        assert_eq!(
            std::fs::read(dir.path().join("a.jsonl")).unwrap(),
            std::fs::read(dir.path().join("b.jsonl")).unwrap()
        );
        let other = CodeTreeSpec {
            bytes: 600_000,
            seed: 10,
        };
        write_code_tree(&dir.path().join("c"), &dir.path().join("c.jsonl"), &other).unwrap();
        assert_ne!(
            all_files(&dir.path().join("a")),
            all_files(&dir.path().join("c"))
        );
    }

    #[test]
    fn code_tree_labels_point_at_the_sinks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        let labels = dir.path().join("labels.jsonl");
        let spec = CodeTreeSpec {
            bytes: 4_000_000,
            seed: 3,
        };
        let stats = write_code_tree(&root, &labels, &spec).unwrap();
        let ratio = stats.bytes as f64 / spec.bytes as f64;
        assert!((1.0..1.05).contains(&ratio), "{ratio}");
        let rows = read_labels(&labels);
        assert_eq!(rows.len() as u64, stats.expected + stats.negatives);
        let mut seen: BTreeSet<(String, bool)> = BTreeSet::new();
        for row in &rows {
            let path = root.join(row["path"].as_str().unwrap());
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let first = row["line"].as_u64().unwrap() as usize;
            let last = row["end_line"].as_u64().unwrap_or(first as u64) as usize;
            assert!(first >= 1 && last >= first && last <= lines.len(), "{row}");
            let span = lines[first - 1..last].join("\n");
            let kind = row["kind"].as_str().unwrap();
            let expected = row["expected"].as_bool().unwrap();
            seen.insert((kind.to_string(), expected));
            let hints: &[&str] = match (kind, expected) {
                (EXEC, true) => &["eval(", "exec(", "new Function("],
                (SHELL, true) => &[
                    "shell=True",
                    "os.system(",
                    "os.popen(",
                    "exec(",
                    "execSync(",
                ],
                (SQL, true) => &["execute(", "query("],
                (HTML, true) => &[
                    "innerHTML",
                    "outerHTML",
                    "document.write(",
                    "dangerouslySetInnerHTML",
                ],
                (TORCH, true) => &["torch.load("],
                (TORCH, false) => &["weights_only=True", "load_file("],
                (PICKLE, true) => &[
                    "pickle.load",
                    "joblib.load(",
                    "dill.load(",
                    "cloudpickle.loads(",
                ],
                (REMOTE, _) => &["trust_remote_code"],
                (UNPINNED, true) => &["from_pretrained(", "snapshot_download(", "hf_hub_download("],
                (LC_DESER, _) => &["allow_dangerous_deserialization"],
                _ => &[],
            };
            assert!(
                hints.is_empty() || hints.iter().any(|h| span.contains(h)),
                "{row}: {span}"
            );
            if kind == REMOTE {
                assert_eq!(
                    span.contains("trust_remote_code=True"),
                    expected,
                    "{row}: {span}"
                );
            }
        }
        for kind in KINDS {
            for expected in [true, false] {
                assert!(
                    seen.contains(&(kind.to_string(), expected)),
                    "{kind} {expected}"
                );
            }
        }
    }

    #[test]
    fn files_are_in_the_size_range() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        let spec = CodeTreeSpec {
            bytes: 2_000_000,
            seed: 1,
        };
        write_code_tree(&root, &dir.path().join("l.jsonl"), &spec).unwrap();
        let files = all_files(&root);
        assert!(files.len() > 80, "{}", files.len());
        let exts: BTreeSet<String> = files
            .keys()
            .filter_map(|p| p.rsplit('.').next().map(str::to_string))
            .collect();
        for e in ["py", "js", "mjs", "ts", "tsx"] {
            assert!(exts.contains(e), "{exts:?}");
        }
        let big = files.values().filter(|v| v.len() > 34_000).count();
        assert!(big <= 2, "{big}");
    }
}

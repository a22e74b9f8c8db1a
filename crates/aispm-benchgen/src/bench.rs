//! The benchmark estate: a seeded, realistic tree of a requested file count and total
//! size. Most files are small sources, configs, docs and notebooks in nested project
//! folders; some are mid-size datasets (CSV, JSONL); a few hundred are model files
//! (safetensors, pickle, npy, GGUF, PyTorch zip); a handful are large safetensors
//! shards streamed to disk so memory stays flat whatever their size.
//!
//! The byte budget is split 45/25/18/12 between large shards, models, datasets and
//! small files. Small files and datasets hit their planned size exactly; model files
//! within their header overhead, so the total lands well inside ±5% of the request.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use aispm_fixtures::gguf::{GgufBuilder, GgufValue, ggml_type};
use aispm_fixtures::numpy::npy;
use aispm_fixtures::pickle::{
    PickleWriter, StateDictTensor, malicious_os_system_pickle, state_dict_pickle,
};
use aispm_fixtures::pytorch::pytorch_zip;
use aispm_fixtures::rng::{SplitMix64, capital};
use aispm_fixtures::safetensors::{TensorSpec, pt_metadata, safetensors_header};

/// What the tree is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Sources, datasets, model files and large shards.
    Mixed,
    /// Small text files only (for the many-files memory run).
    Small,
}

#[derive(Debug, Clone, Copy)]
pub struct TreeSpec {
    pub files: u64,
    pub bytes: u64,
    pub profile: Profile,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TreeStats {
    pub files: u64,
    pub bytes: u64,
    pub small_files: u64,
    pub dataset_files: u64,
    pub model_files: u64,
    pub large_files: u64,
}

impl TreeStats {
    pub fn to_json(&self) -> String {
        format!(
            "{{\"files\": {}, \"bytes\": {}, \"small_files\": {}, \"dataset_files\": {}, \"model_files\": {}, \"large_files\": {}}}",
            self.files,
            self.bytes,
            self.small_files,
            self.dataset_files,
            self.model_files,
            self.large_files
        )
    }

    fn add(&mut self, len: u64) {
        self.files += 1;
        self.bytes += len;
    }
}

struct Plan {
    large: u64,
    models: u64,
    datasets: u64,
    small: u64,
    large_bytes: u64,
    model_bytes: u64,
    dataset_bytes: u64,
    small_bytes: u64,
}

fn plan(spec: &TreeSpec) -> Plan {
    let f = spec.files;
    if spec.profile == Profile::Small || f < 50 {
        return Plan {
            large: 0,
            models: 0,
            datasets: 0,
            small: f,
            large_bytes: 0,
            model_bytes: 0,
            dataset_bytes: 0,
            small_bytes: spec.bytes,
        };
    }
    let large = (f / 10_000).clamp(1, 6);
    let models = (f * 6 / 1000).clamp(5, 400);
    let datasets = (f / 250).clamp(2, 400);
    let b = spec.bytes;
    let large_bytes = b / 100 * 45;
    let model_bytes = b / 100 * 25;
    let dataset_bytes = b / 100 * 18;
    Plan {
        large,
        models,
        datasets,
        small: f - large - models - datasets,
        large_bytes,
        model_bytes,
        dataset_bytes,
        small_bytes: b - large_bytes - model_bytes - dataset_bytes,
    }
}

/// Splits `total` into `n` parts with weights from `weight`; parts sum to `total`.
fn split(total: u64, n: u64, rng: &mut SplitMix64, weight: impl Fn(f64) -> f64) -> Vec<u64> {
    if n == 0 {
        return Vec::new();
    }
    let weights: Vec<f64> = (0..n).map(|_| weight(rng.unit())).collect();
    let sum: f64 = weights.iter().sum();
    let mut parts: Vec<u64> = weights
        .iter()
        .map(|w| (total as f64 * w / sum) as u64)
        .collect();
    let assigned: u64 = parts.iter().sum();
    if let Some(last) = parts.last_mut() {
        *last += total.saturating_sub(assigned);
    }
    parts
}

/// Writes the benchmark tree under `root` (which is created if missing).
pub fn write_bench_tree(root: &Path, spec: &TreeSpec) -> io::Result<TreeStats> {
    let p = plan(spec);
    let mut rng = SplitMix64::new(spec.seed);
    let mut stats = TreeStats::default();

    let large_sizes = split(p.large_bytes, p.large, &mut rng, |u| 0.6 + 0.8 * u);
    for (k, size) in large_sizes.iter().enumerate() {
        let path = root.join(format!(
            "models/llm-shards/model-{:05}-of-{:05}.safetensors",
            k + 1,
            p.large
        ));
        let len = write_large_safetensors(&path, *size, false, spec.seed ^ k as u64)?;
        stats.add(len);
        stats.large_files += 1;
    }

    let model_sizes = split(p.model_bytes, p.models, &mut rng, |u| 0.3 + 1.4 * u);
    for (k, size) in model_sizes.iter().enumerate() {
        let (rel, bytes) = model_file(k as u64, *size, &mut rng);
        stats.add(write_rel(root, &rel, &bytes)?);
        stats.model_files += 1;
    }

    let dataset_sizes = split(p.dataset_bytes, p.datasets, &mut rng, |u| 0.5 + u);
    for (k, size) in dataset_sizes.iter().enumerate() {
        let (rel, bytes) = dataset_file(k as u64, *size, &mut rng);
        stats.add(write_rel(root, &rel, &bytes)?);
        stats.dataset_files += 1;
    }

    // Small files: a heavy tail (weights 1..e^3), as in real repositories.
    let small_sizes = split(p.small_bytes, p.small, &mut rng, |u| (3.0 * u).exp());
    for (i, size) in small_sizes.iter().enumerate() {
        let (rel, bytes) = small_file(i as u64, *size, &mut rng);
        stats.add(write_rel(root, &rel, &bytes)?);
        stats.small_files += 1;
    }
    Ok(stats)
}

fn write_rel(root: &Path, rel: &str, bytes: &[u8]) -> io::Result<u64> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, bytes)?;
    Ok(bytes.len() as u64)
}

const F16_COLS: usize = 2048;
const ROW_BYTES: u64 = (F16_COLS * 2) as u64;
const MAX_ROWS: u64 = 16_384; // 64 MiB per tensor

/// Tensor layout of a large F16 shard holding about `total` bytes in all.
/// One tensor of a large shard: name, shape, byte length.
type ShardTensor = (String, [usize; 2], u64);

fn large_layout(total: u64) -> (Vec<ShardTensor>, Vec<u8>) {
    let meta = pt_metadata();
    let mut header_len = 0u64;
    let mut layout = Vec::new();
    let mut header = Vec::new();
    for _ in 0..4 {
        let mut rows = total.saturating_sub(header_len) / ROW_BYTES;
        layout.clear();
        let mut i = 0;
        while rows > 0 {
            let r = rows.min(MAX_ROWS);
            layout.push((
                format!("model.layers.{i}.mlp.down_proj.weight"),
                [r as usize, F16_COLS],
                r * ROW_BYTES,
            ));
            rows -= r;
            i += 1;
        }
        let specs: Vec<TensorSpec<'_>> = layout
            .iter()
            .map(|(n, s, l)| (n.as_str(), "F16", s.as_slice(), *l))
            .collect();
        header = safetensors_header(&specs, Some(&meta));
        if header.len() as u64 == header_len {
            break;
        }
        header_len = header.len() as u64;
    }
    (layout, header)
}

/// Writes a valid safetensors file of about `total` bytes (within one 4 KiB row),
/// streaming pseudo-random F16 data in 1 MiB chunks, or, with `sparse`, writing the
/// header and extending the file as a hole. Returns the file's length.
pub fn write_large_safetensors(
    path: &Path,
    total: u64,
    sparse: bool,
    seed: u64,
) -> io::Result<u64> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let (layout, header) = large_layout(total);
    let data_len: u64 = layout.iter().map(|(_, _, l)| l).sum();
    let file = File::create(path)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    w.write_all(&header)?;
    if sparse {
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.set_len(header.len() as u64 + data_len)?;
    } else {
        let mut rng = SplitMix64::new(seed);
        let mut chunk = vec![0u8; 1 << 20];
        let mut left = data_len;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            rng.fill(&mut chunk[..n]);
            w.write_all(&chunk[..n])?;
            left -= n as u64;
        }
        w.flush()?;
    }
    Ok(header.len() as u64 + data_len)
}

/// The model-file tree takes the first 50 of the shared words (the trees it writes
/// stay the same for the same seed).
const WORDS: &[&str] = crate::WORDS.split_at(50).0;

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
];

const AREAS: &[&str] = &[
    "src",
    "tests",
    "docs",
    "configs",
    "scripts",
    "notebooks",
    "pipelines",
    "deploy",
    "prompts",
    "schemas",
];

const PY_IMPORTS: &[&str] = &[
    "import os",
    "import json",
    "import logging",
    "import numpy as np",
    "import pandas as pd",
    "import torch",
    "from torch import nn",
    "from transformers import AutoModelForSequenceClassification, AutoTokenizer",
    "from openai import OpenAI",
    "from langchain_core.prompts import ChatPromptTemplate",
    "from sklearn.metrics import f1_score",
    "from datasets import load_dataset",
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

/// Exactly `size` bytes: `head`, then body lines while they fit, then `tail`, then
/// newlines. Tiny sizes get a cut-off head (still text).
fn fill(size: u64, head: &str, tail: &str, mut line: impl FnMut() -> String) -> Vec<u8> {
    let size = size as usize;
    let mut out = String::with_capacity(size);
    out.push_str(head);
    if out.len() + tail.len() > size {
        let mut b = (head.to_string() + tail).into_bytes();
        b.truncate(size);
        b.resize(size, b'\n');
        return b;
    }
    loop {
        let l = line();
        if out.len() + l.len() + 1 + tail.len() > size {
            break;
        }
        out.push_str(&l);
        out.push('\n');
    }
    out.push_str(tail);
    let mut b = out.into_bytes();
    b.resize(size, b'\n');
    b
}

fn python_line(rng: &mut SplitMix64) -> String {
    let (a, b, c) = (word(rng), word(rng), word(rng));
    let n = rng.below(1000);
    match rng.below(9) {
        0 => format!("\ndef {a}_{b}({c}, limit={n}):"),
        1 => format!("    {a} = {b}.{c}({n})"),
        2 => format!("    return {a}_{b}({c}) + {n}"),
        3 => format!("    # {}", sentence(rng, 6)),
        4 => format!("    if {a} > {n}:\n        logger.info(\"{b} %s\", {c})"),
        5 => format!("    for {a} in {b}s:\n        {c}.append({a})"),
        6 => format!("\nclass {}{}:", capital(a), capital(b)),
        7 => format!("    {a}_{b}: int = {n}"),
        _ => format!("    \"\"\"{}.\"\"\"", capital(&sentence(rng, 5))),
    }
}

fn small_file(i: u64, size: u64, rng: &mut SplitMix64) -> (String, Vec<u8>) {
    let project = PROJECTS[(i / 2500) as usize % PROJECTS.len()];
    let project_n = i / (2500 * PROJECTS.len() as u64);
    let area = AREAS[((i / 250) % AREAS.len() as u64) as usize];
    let pkg = format!(
        "{}_{}",
        WORDS[((i / 25) % WORDS.len() as u64) as usize],
        (i / 25) % 10
    );
    let dir = format!("repos/{project}-{project_n}/{area}/{pkg}");
    let stem = format!("{}_{}_{i}", word(rng), word(rng));
    let r = rng.below(100);
    let (name, bytes) = match area {
        "tests" => (
            format!("test_{stem}.py"),
            fill(size, "import pytest\n\n", "", || python_line(rng)),
        ),
        "docs" | "prompts" if r < 70 => (
            format!("{stem}.md"),
            fill(size, &format!("# {}\n\n", capital(word(rng))), "", || {
                if rng.below(5) == 0 {
                    format!("\n## {}\n", capital(&sentence(rng, 3)))
                } else {
                    capital(&sentence(rng, 12)) + "."
                }
            }),
        ),
        "prompts" => (
            format!("{stem}.txt"),
            fill(size, "You are a helpful support assistant.\n", "", || {
                capital(&sentence(rng, 10)) + "."
            }),
        ),
        "configs" | "pipelines" if r < 50 => (
            format!("{stem}.yaml"),
            fill(size, "version: 1\nsettings:\n", "", || {
                format!("  {}_{}: {}", word(rng), word(rng), rng.below(10_000))
            }),
        ),
        "configs" | "schemas" => (
            format!("{stem}.json"),
            fill(size, "[\n", "{}\n]\n", || {
                format!(
                    "{{\"name\": \"{}\", \"type\": \"{}\", \"size\": {}}},",
                    word(rng),
                    word(rng),
                    rng.below(4096)
                )
            }),
        ),
        "notebooks" => (format!("{stem}.ipynb"), notebook(size, rng)),
        "deploy" if r < 30 => (
            format!("{stem}.tf"),
            fill(
                size,
                "terraform {\n  required_version = \">= 1.5\"\n}\n",
                "",
                || {
                    format!(
                        "\nresource \"aws_s3_bucket\" \"{}_{}\" {{\n  bucket = \"{}-{}\"\n}}",
                        word(rng),
                        rng.below(1000),
                        word(rng),
                        rng.below(1000)
                    )
                },
            ),
        ),
        "deploy" | "scripts" if r < 60 => (
            format!("{stem}.sh"),
            fill(size, "#!/usr/bin/env bash\nset -euo pipefail\n", "", || {
                format!("echo \"{}\" >> {}.log", sentence(rng, 4), word(rng))
            }),
        ),
        _ if r == 99 => (
            // The odd committed .env, with an obviously fake value.
            format!("{stem}.env"),
            fill(size, "# local settings (fake values)\n", "", || {
                format!(
                    "{}_{}=fake-{:016x}",
                    word(rng).to_uppercase(),
                    word(rng).to_uppercase(),
                    rng.next_u64()
                )
            }),
        ),
        _ if r == 98 => (
            format!("requirements-{i}.txt"),
            fill(size, "torch==2.4.1\ntransformers==4.44.2\n", "", || {
                format!(
                    "{}-{}=={}.{}.0",
                    word(rng),
                    word(rng),
                    rng.below(5),
                    rng.below(30)
                )
            }),
        ),
        _ => {
            let head = format!(
                "\"\"\"{}.\"\"\"\n{}\n{}\n\nlogger = logging.getLogger(__name__)\n",
                capital(&sentence(rng, 6)),
                *rng.pick(PY_IMPORTS),
                rng.pick(PY_IMPORTS)
            );
            (
                format!("{stem}.py"),
                fill(size, &head, "", || python_line(rng)),
            )
        }
    };
    (format!("{dir}/{name}"), bytes)
}

fn notebook(size: u64, rng: &mut SplitMix64) -> Vec<u8> {
    let head = "{\n \"cells\": [\n";
    let tail = "  {\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": [\"end\"]}\n ],\n \"metadata\": {\"kernelspec\": {\"display_name\": \"Python 3\", \"language\": \"python\", \"name\": \"python3\"}},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";
    fill(size, head, tail, || {
        format!(
            "  {{\"cell_type\": \"code\", \"execution_count\": {}, \"metadata\": {{}}, \"outputs\": [], \"source\": [\"{} = {}_{}({})\"]}},",
            rng.below(100),
            word(rng),
            word(rng),
            word(rng),
            rng.below(100)
        )
    })
}

fn dataset_file(k: u64, size: u64, rng: &mut SplitMix64) -> (String, Vec<u8>) {
    let domain = PROJECTS[k as usize % PROJECTS.len()];
    let split = ["train", "validation", "test"][(k % 3) as usize];
    if k.is_multiple_of(2) {
        let mut id = 0u64;
        let bytes = fill(size, "id,text,label,score,created_at\n", "", || {
            id += 1;
            format!(
                "{id},\"{}\",{},{:.3},2024-{:02}-{:02}",
                sentence(rng, 14),
                word(rng),
                rng.unit(),
                rng.below(12) + 1,
                rng.below(28) + 1
            )
        });
        (format!("datasets/{domain}/{split}-{k:05}.csv"), bytes)
    } else {
        let mut id = 0u64;
        let bytes = fill(size, "", "", || {
            id += 1;
            format!(
                "{{\"id\": {id}, \"prompt\": \"{}?\", \"completion\": \"{}.\", \"source\": \"{}\"}}",
                capital(&sentence(rng, 8)),
                capital(&sentence(rng, 16)),
                word(rng)
            )
        });
        (format!("datasets/{domain}/{split}-{k:05}.jsonl"), bytes)
    }
}

fn random_bytes(rng: &mut SplitMix64, n: u64) -> Vec<u8> {
    let mut v = vec![0u8; n as usize];
    rng.fill(&mut v);
    v
}

fn model_file(k: u64, size: u64, rng: &mut SplitMix64) -> (String, Vec<u8>) {
    let family = format!("{}-{}", PROJECTS[(k / 5) as usize % PROJECTS.len()], k / 5);
    let dir = format!("models/{family}");
    match k % 5 {
        0 => {
            let meta = pt_metadata();
            let guess = size.saturating_sub(160).max(4) / 4 * 4;
            let header = safetensors_header(
                &[("weight", "F32", &[(guess / 4) as usize], guess)],
                Some(&meta),
            );
            let data = size.saturating_sub(header.len() as u64).max(4) / 4 * 4;
            let shape = [(data / 4) as usize];
            let mut out = safetensors_header(&[("weight", "F32", &shape, data)], Some(&meta));
            out.extend_from_slice(&random_bytes(rng, data));
            (format!("{dir}/model-{k}.safetensors"), out)
        }
        1 => {
            if k % 40 == 1 {
                // A few hostile pickles, as a real estate has: harmless payload.
                let mut p = malicious_os_system_pickle("echo aispm-bench");
                p.resize(size.max(p.len() as u64) as usize, 0);
                return (format!("{dir}/features-{k}.pkl"), p);
            }
            let blob = random_bytes(rng, size.saturating_sub(64));
            let mut p = PickleWriter::new(4);
            p.empty_dict();
            p.memoize();
            p.mark();
            p.unicode("name");
            p.unicode(&family);
            p.unicode("version");
            p.int(k as i64);
            p.unicode("weights");
            p.bytes(&blob);
            p.setitems();
            (format!("{dir}/features-{k}.pkl"), p.finish())
        }
        2 => {
            let data = size.saturating_sub(128).max(4) / 4 * 4;
            let rows = (data / 4 / 64).max(1) as usize;
            let bytes = random_bytes(rng, data);
            let shape: Vec<usize> = if data as usize == rows * 64 * 4 {
                vec![rows, 64]
            } else {
                vec![(data / 4) as usize]
            };
            (
                format!("{dir}/embeddings-{k}.npy"),
                npy("<f4", &shape, &bytes),
            )
        }
        3 => {
            let data = size.saturating_sub(512).max(4) / 4 * 4;
            let bytes = random_bytes(rng, data);
            let out = GgufBuilder::new()
                .architecture("llama")
                .name(&family)
                .kv("llama.context_length", GgufValue::U32(2048))
                .chat_template(aispm_fixtures::gguf::CHATML_TEMPLATE)
                .tensor("token_embd.weight", &[data / 4], ggml_type::F32, &bytes)
                .build();
            (format!("{dir}/{family}-{k}.gguf"), out)
        }
        _ => {
            let total = size.saturating_sub(1024).max(24) / 4 * 4;
            let weight_numel = (total / 4).saturating_sub(16).max(1) as usize;
            let weight = random_bytes(rng, weight_numel as u64 * 4);
            let bias = random_bytes(rng, 64);
            let pkl = state_dict_pickle(&[
                StateDictTensor {
                    name: "encoder.weight",
                    storage_key: "0",
                    shape: &[weight_numel],
                },
                StateDictTensor {
                    name: "encoder.bias",
                    storage_key: "1",
                    shape: &[16],
                },
            ]);
            let out = pytorch_zip(
                &format!("checkpoint-{k}"),
                &pkl,
                &[("0", &weight), ("1", &bias)],
            );
            (format!("{dir}/checkpoint-{k}.pt"), out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(dir: &Path, files: &mut u64, bytes: &mut u64) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                walk(&e.path(), files, bytes);
            } else {
                *files += 1;
                *bytes += e.metadata().unwrap().len();
            }
        }
    }

    #[test]
    fn tree_has_requested_count_and_size() {
        let dir = tempfile::tempdir().unwrap();
        let spec = TreeSpec {
            files: 400,
            bytes: 4_000_000,
            profile: Profile::Mixed,
            seed: 42,
        };
        let stats = write_bench_tree(dir.path(), &spec).unwrap();
        let (mut files, mut bytes) = (0, 0);
        walk(dir.path(), &mut files, &mut bytes);
        assert_eq!(files, 400);
        assert_eq!(stats.files, 400);
        assert_eq!(stats.bytes, bytes);
        let ratio = bytes as f64 / spec.bytes as f64;
        assert!((0.95..=1.05).contains(&ratio), "ratio {ratio}");
        assert!(stats.large_files >= 1 && stats.model_files >= 5 && stats.dataset_files >= 2);
    }

    #[test]
    fn small_profile_is_text_only() {
        let dir = tempfile::tempdir().unwrap();
        let spec = TreeSpec {
            files: 120,
            bytes: 300_000,
            profile: Profile::Small,
            seed: 1,
        };
        let stats = write_bench_tree(dir.path(), &spec).unwrap();
        assert_eq!(stats.files, 120);
        assert_eq!(stats.bytes, 300_000);
        assert_eq!(stats.small_files, 120);
    }

    #[test]
    fn large_shard_header_is_valid_and_sparse_works() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.safetensors");
        let want = 3_000_000u64;
        let len = write_large_safetensors(&path, want, true, 0).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), len);
        assert!(want - len < ROW_BYTES);
        let bytes = std::fs::read(&path).unwrap();
        let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
        let end = header["model.layers.0.mlp.down_proj.weight"]["data_offsets"][1]
            .as_u64()
            .unwrap();
        assert_eq!(8 + n as u64 + end, len);
        let dense = dir.path().join("dense.safetensors");
        assert_eq!(
            write_large_safetensors(&dense, want, false, 0).unwrap(),
            len
        );
    }

    #[test]
    fn fill_is_exact() {
        for size in [0u64, 5, 40, 1000] {
            assert_eq!(
                fill(size, "head\n", "tail\n", || "line".into()).len() as u64,
                size
            );
        }
    }
}

//! Generators of the benchmark inputs that `bench/` scans: trees of model files of a
//! chosen size and mix (`bench`), streamed large checkpoints (`bench_models`), a
//! labelled source tree and git history with seeded fake credentials and decoys
//! (`secrets_bench`), and a labelled application tree with seeded unsafe sinks and
//! their safe twins (`code_bench`). Built on `aispm-fixtures`' format writers; like
//! them, every generator is a pure function of its arguments and seed. Used by
//! `bench/` only, never by the product or its tests.
#![forbid(unsafe_code)]

pub mod bench;
pub mod bench_models;
pub mod code_bench;
pub mod secrets_bench;

/// Words the generators build names and sentences from (one list; the model-file
/// tree uses its first 50).
pub(crate) const WORDS: &[&str] = &[
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
    "epoch",
    "loss",
    "metric",
    "feature",
    "dataset",
    "pipeline",
    "index",
    "query",
    "context",
    "retriever",
    "chunk",
    "user",
    "account",
    "invoice",
    "order",
    "latency",
    "cache",
    "weight",
    "layer",
    "tensor",
    "shard",
    "config",
    "schema",
    "record",
    "event",
    "stream",
    "worker",
    "queue",
    "request",
    "response",
    "summary",
    "review",
    "sentiment",
    "customer",
    "support",
    "search",
    "ranking",
    "train",
    "eval",
    "client",
    "session",
    "router",
    "handler",
    "store",
    "upload",
    "export",
    "report",
    "billing",
    "notify",
];

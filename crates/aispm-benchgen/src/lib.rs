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

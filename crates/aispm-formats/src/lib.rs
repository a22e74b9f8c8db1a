//! Readers of the formats that more than one aispm analyzer (or the engine) reads, kept
//! in one place so that each format is parsed by one bounded reader and fuzzed once.
//!
//! Every reader here works on bytes it is given, never executes or imports anything,
//! caps what it keeps against the bytes actually present, and reports malformed input
//! as an error value, never a panic. Readers know formats, not rules: what a finding
//! is stays with the analyzer that reports it.

#![forbid(unsafe_code)]

pub mod injection;
pub mod unicode;

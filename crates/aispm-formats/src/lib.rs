//! Readers of the formats that more than one aispm analyzer (or the engine) reads, kept
//! in one place so that each format is parsed by one bounded reader and fuzzed once.
//!
//! Every reader here works on bytes it is given, never executes or imports anything,
//! caps what it keeps against the bytes actually present, and reports malformed input
//! as an error value, never a panic. Readers know formats, not rules: what a finding
//! is stays with the analyzer that reports it.
//!
//! - [`gguf`]: GGUF header, metadata and tensor infos (a pull reader);
//! - [`safetensors`]: the length field and the JSON header, as typed entries;
//! - [`npy`]: the `.npy` header and its dict;
//! - [`protobuf`]: varints (also Thrift compact's) and the wire format's fields;
//! - [`base64`]: tokens and wrapped blobs, and encoding;
//! - [`pickle_names`]: Python module and `builtins` names as a pickle resolves them.
//!
//! And the text detectors that several analyzers need (the agents analyzer today, the
//! data analyzer next); they return facts and scores, never findings:
//! - [`unicode`]: invisible characters (tag characters, bidi controls, zero-width
//!   runs), per line, and JSON escapes decoded;
//! - [`injection`]: the scored prompt-injection detector, per line, behind one
//!   Aho-Corasick prefilter.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod base64;
pub mod gguf;
pub mod injection;
pub mod npy;
pub mod pickle_names;
pub mod protobuf;
pub mod safetensors;
pub mod unicode;

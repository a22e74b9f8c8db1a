//! Deterministic writers of the binary artefacts that aispm's tests, demo estate and
//! benchmarks need: pickles, PyTorch checkpoints, safetensors, GGUF, npy/npz, ONNX,
//! Keras archives and hostile archives (path traversal, zip bombs, nesting, symlinks).
//!
//! Every writer is a pure function of its arguments: no ML framework, no Python, no
//! clock and no randomness that is not seeded. Archive headers carry fixed timestamps,
//! so the same call returns the same bytes on every machine, which is what lets the
//! demo estate be regenerated and compared byte for byte with the committed copy.
//! Nothing here ever reads, loads or executes what it writes.
#![forbid(unsafe_code)]

pub mod archive;
pub mod deflate;
pub mod demo;
pub mod engine_fixtures;
pub mod gguf;
pub mod keras;
pub mod model_fixtures;
pub mod numpy;
pub mod onnx;
pub mod pickle;
pub mod protobuf;
pub mod pytorch;
pub mod rng;
pub mod safetensors;
pub mod zipfile;

pub use archive::{
    gzip, tar_of, tar_traversal, tar_with_symlink, zip_bomb_flat, zip_bomb_overlapping,
    zip_bomb_quoted_overlap, zip_nested, zip_of, zip_of_deflated, zip_traversal,
};
pub use gguf::{GgufBuilder, GgufType, GgufValue, gguf};
pub use keras::keras_zip;
pub use numpy::{npy, npz};
pub use onnx::onnx_model;
pub use pickle::{
    PickleWriter, benign_state_dict_pickle, malicious_os_system_pickle,
    malicious_os_system_pickle_v4, plain_data_pickle,
};
pub use pytorch::pytorch_zip;
pub use safetensors::{safetensors, safetensors_header};
pub use zipfile::ZipBuilder;

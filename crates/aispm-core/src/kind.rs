//! Content types, decided by the engine from magic bytes (and, for text formats that
//! have none, from structure and name).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The content type of a file or archive member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    // Model formats
    /// A Python pickle stream (any protocol).
    Pickle,
    /// A joblib dump (a pickle with joblib's array wrappers).
    Joblib,
    /// PyTorch zip checkpoint (`archive/data.pkl` + storages).
    PytorchZip,
    /// PyTorch legacy sequential format (magic number pickle first).
    PytorchLegacy,
    /// PyTorch legacy tar format (`sys_info`, `pickle`, `storages`, `tensors`).
    PytorchTar,
    /// TorchScript archive (`code/`, `constants.pkl`).
    Torchscript,
    /// safetensors: a JSON header, then raw tensor data.
    Safetensors,
    /// GGUF model file (the llama.cpp format).
    Gguf,
    /// ONNX model protobuf.
    Onnx,
    /// Keras 3 `.keras` zip (`config.json`, `model.weights.h5`).
    KerasZip,
    /// HDF5 container (Keras 2 `.h5` models among others).
    Hdf5,
    /// TensorFlow SavedModel protobuf (`saved_model.pb`).
    TfSavedModel,
    /// `keras_metadata.pb` beside a SavedModel.
    TfKerasMetadata,
    /// TensorFlow Lite flatbuffer.
    Tflite,
    /// NumPy `.npy` array.
    Npy,
    /// NumPy `.npz` zip of arrays.
    Npz,
    // Containers
    /// A zip archive that is none of the zip-based model formats.
    Zip,
    /// A tar archive that is not a PyTorch legacy tar.
    Tar,
    /// A gzip stream.
    Gzip,
    /// A bzip2 stream.
    Bzip2,
    /// An xz stream.
    Xz,
    /// A legacy LZMA (`.lzma`, LZMA-alone) stream.
    Lzma,
    /// A Zstandard stream (recognised, not opened).
    Zstd,
    /// A raw zlib stream (joblib's default compression).
    Zlib,
    /// A 7-Zip archive (recognised, not opened).
    SevenZip,
    /// A RAR archive (recognised, not opened).
    Rar,
    // Data and documents
    /// A Jupyter notebook (`.ipynb`).
    Notebook,
    /// A JSON document.
    Json,
    /// JSON Lines: one JSON value per line.
    Jsonl,
    /// Comma-separated values.
    Csv,
    /// Tab-separated values.
    Tsv,
    /// Apache Parquet.
    Parquet,
    /// Apache Arrow IPC file or stream (Feather v2).
    Arrow,
    /// YAML.
    Yaml,
    /// TOML.
    Toml,
    /// Markdown (READMEs, model cards, agent skills).
    Markdown,
    /// Other text (source code, configs, prose).
    Text,
    /// Executables, images, media and other binary content with no AI meaning.
    Binary,
    /// A file of zero bytes.
    Empty,
}

impl FileKind {
    /// Stable short name, used as an asset's `format` and in messages.
    pub fn as_str(self) -> &'static str {
        use FileKind::*;
        match self {
            Pickle => "pickle",
            Joblib => "joblib",
            PytorchZip => "pytorch-zip",
            PytorchLegacy => "pytorch-legacy",
            PytorchTar => "pytorch-tar",
            Torchscript => "torchscript",
            Safetensors => "safetensors",
            Gguf => "gguf",
            Onnx => "onnx",
            KerasZip => "keras",
            Hdf5 => "hdf5",
            TfSavedModel => "tf-savedmodel",
            TfKerasMetadata => "tf-keras-metadata",
            Tflite => "tflite",
            Npy => "numpy",
            Npz => "npz",
            Zip => "zip",
            Tar => "tar",
            Gzip => "gzip",
            Bzip2 => "bzip2",
            Xz => "xz",
            Lzma => "lzma",
            Zstd => "zstd",
            Zlib => "zlib",
            SevenZip => "7z",
            Rar => "rar",
            Notebook => "notebook",
            Json => "json",
            Jsonl => "jsonl",
            Csv => "csv",
            Tsv => "tsv",
            Parquet => "parquet",
            Arrow => "arrow",
            Yaml => "yaml",
            Toml => "toml",
            Markdown => "markdown",
            Text => "text",
            Binary => "binary",
            Empty => "empty",
        }
    }

    /// Serialised model formats and model containers.
    pub fn is_model(self) -> bool {
        use FileKind::*;
        matches!(
            self,
            Pickle
                | Joblib
                | PytorchZip
                | PytorchLegacy
                | PytorchTar
                | Torchscript
                | Safetensors
                | Gguf
                | Onnx
                | KerasZip
                | Hdf5
                | TfSavedModel
                | TfKerasMetadata
                | Tflite
                | Npy
                | Npz
        )
    }

    /// Formats the engine opens and recurses into.
    pub fn is_container(self) -> bool {
        use FileKind::*;
        matches!(
            self,
            Zip | Tar
                | Gzip
                | Bzip2
                | Xz
                | Lzma
                | Zlib
                | PytorchZip
                | PytorchTar
                | Torchscript
                | KerasZip
                | Npz
        )
    }

    /// Compressed or archived formats the engine recognises but cannot open.
    pub fn is_uninspectable_archive(self) -> bool {
        use FileKind::*;
        matches!(self, SevenZip | Rar | Zstd)
    }

    /// Tabular and record formats that datasets come in.
    pub fn is_dataset(self) -> bool {
        use FileKind::*;
        matches!(self, Csv | Tsv | Jsonl | Parquet | Arrow)
    }

    /// Content that is text (line-oriented, where line numbers mean something).
    pub fn is_text(self) -> bool {
        use FileKind::*;
        matches!(
            self,
            Notebook | Json | Jsonl | Csv | Tsv | Yaml | Toml | Markdown | Text
        )
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

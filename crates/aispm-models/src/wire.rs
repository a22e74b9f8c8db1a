//! The protobuf side of the ONNX, TensorFlow and Keras-metadata analyzers: the shared
//! bounded reader [`aispm_formats::protobuf`] (re-exported here) and the error of a
//! walk over it, which adds to the reader's own errors the walk's limits (nesting
//! depth, field counts) and the per-file time limit.

use aispm_core::AnalysisError;
use aispm_core::analyzer::TimeLimitReached;
use aispm_formats::protobuf;
use std::io;

pub use aispm_formats::protobuf::{Field, Value, WireReader};

/// Why the wire format could not be followed.
#[derive(Debug)]
pub enum WireError {
    Io(io::Error),
    /// The bytes break the wire format (bad tag, wire type, length past its parent).
    Malformed(String),
    /// A limit of the walk (nesting depth, field count) was reached.
    Limit(String),
    /// The per-file time limit passed.
    Time(TimeLimitReached),
}

impl From<protobuf::WireError> for WireError {
    fn from(e: protobuf::WireError) -> Self {
        match e {
            protobuf::WireError::Io(e) => WireError::Io(e),
            protobuf::WireError::Malformed(m) => WireError::Malformed(m),
        }
    }
}

impl From<TimeLimitReached> for WireError {
    fn from(e: TimeLimitReached) -> Self {
        WireError::Time(e)
    }
}

impl From<WireError> for AnalysisError {
    fn from(e: WireError) -> Self {
        match e {
            WireError::Io(e) => AnalysisError::Io(e),
            WireError::Malformed(m) => AnalysisError::Parse(m),
            WireError::Limit(m) => AnalysisError::Limit(m),
            WireError::Time(t) => AnalysisError::Time(t),
        }
    }
}

impl From<io::Error> for WireError {
    fn from(e: io::Error) -> Self {
        WireError::Io(e)
    }
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Io(e) => write!(f, "read error: {e}"),
            WireError::Malformed(m) => write!(f, "malformed protobuf: {m}"),
            WireError::Limit(m) => write!(f, "limit reached: {m}"),
            WireError::Time(t) => write!(f, "{t}"),
        }
    }
}

pub type WireResult<T> = Result<T, WireError>;

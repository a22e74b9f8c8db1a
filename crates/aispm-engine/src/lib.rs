//! The aispm scan engine: a parallel walk honouring `.aispmignore`, and `.gitignore`
//! for the files git does not track,
//! content typing by magic bytes, archive recursion with explicit limits, analyzer
//! dispatch, and the suppressions and baselines applied to the results.
//!
//! The engine never executes or imports scanned content; it reads bytes.
#![forbid(unsafe_code)]

pub mod archive;
pub mod config;
pub mod finalize;
pub mod history;
pub mod rules;
pub mod scanner;
pub mod sniff;
mod walkfilter;

pub use config::{Config, Limits, Overrides, PathIgnore, Resolved, ScanSection};
pub use finalize::{Baseline, BaselineError, SelectionOptions};
pub use scanner::{Progress, ScanOptions, Scanner};

//! The aispm scan engine: a parallel walk honouring `.aispmignore`, and `.gitignore`
//! for the files git does not track,
//! content typing by magic bytes, archive recursion with explicit limits, analyzer
//! dispatch, and the suppressions and baselines applied to the results.
//!
//! The engine never executes or imports scanned content; it reads bytes.
//!
//! Modules, from the entry point down: `scanner` (the walk and the order of a scan's
//! stages) uses `history` (`--history`), `finalize` (the report) and `dispatch`
//! (analyzers on one file or member); `dispatch` and `archive` call each other, which
//! is the container recursion; `suppress`, `options`, `config`, `sniff` and `rules`
//! import no module above them.
#![forbid(unsafe_code)]

pub mod archive;
pub mod config;
mod dispatch;
pub mod finalize;
pub mod history;
pub mod options;
pub mod rules;
pub mod scanner;
pub mod sniff;
pub mod suppress;
mod walkfilter;

pub use config::{Config, Limits, Overrides, PathIgnore, Resolved, ScanSection};
pub use dispatch::Progress;
pub use options::ScanOptions;
pub use scanner::Scanner;
pub use suppress::{Baseline, BaselineError, SelectionOptions};

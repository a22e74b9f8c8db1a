//! Every detector, grouped by family. Each declares, next to its pattern, the texts it
//! must find a secret in (`positives`) and the texts it must find nothing in
//! (`negatives`); `tests/detector_samples.rs` runs them all. Sample values are random
//! strings in the providers' formats, written split across `concat!` so that this
//! source never holds one whole.

pub mod ai;
pub mod cloud;
pub mod code;
pub mod data;
pub mod generic;
pub mod http;
pub mod keys;
pub mod platform;
pub mod saas;

use crate::detector::Detector;

/// All built-in detectors.
pub fn all() -> Vec<&'static Detector> {
    [
        ai::ALL,
        platform::ALL,
        cloud::ALL,
        code::ALL,
        saas::ALL,
        data::ALL,
        http::ALL,
        keys::ALL,
        generic::ALL,
    ]
    .concat()
}

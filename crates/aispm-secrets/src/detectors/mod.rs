//! Every detector, grouped by family, one file per family. A detector is declared in
//! one place: its keywords, its pattern or custom matcher, its structural check (the
//! `check` function, offline: it reads the token and what stands around it), and the
//! texts it must find a secret in (`positives`) and must find nothing in (`negatives`);
//! `tests/detector_samples.rs` runs them all. Checks and matchers sit next to the
//! detectors that use them; tests of a token's shape that several families share
//! (checksums, letter-and-digit mixes, JSON inside base64) are in `shape.rs`. Sample
//! values are random strings in the providers' formats, written split across
//! `concat!` so that this source never holds one whole.

pub mod ai;
pub mod cloud;
pub mod code;
pub mod data;
pub mod generic;
pub mod http;
pub mod keys;
pub mod platform;
pub mod saas;

mod shape;

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

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

use crate::assign;
use crate::detector::{Detector, Site, Verdict};
use crate::text;
use crate::verify;

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

/// For keys whose shape alone is common (a UUID, 40 hex digits) found next to their
/// service's name: the value must be assigned to a name (not sit in a URL, a commit
/// link or prose) and mix letters and digits.
pub fn named_mixed(token: &str, site: &Site<'_>) -> Verdict {
    let (ls, _) = text::line_bounds(site.buf, site.start);
    let before = site.start.checked_sub(1).map(|i| site.buf[i]);
    if matches!(before, Some(b'/' | b'@' | b'#' | b'.' | b'-'))
        || assign::name_before(site.buf, site.start, ls).is_none()
    {
        return Verdict::Reject;
    }
    verify::mixed(token, site)
}

//! The Keras analyzer on an HDF5 file: the bounded HDF5 reader (superblock, root
//! object header, attributes, global heap), the fallback config search and the
//! config walk.
#![no_main]

use aispm_core::FileKind;
use aispm_fuzz::{Placement, analyze};
use aispm_models::keras::KerasAnalyzer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let at = Placement::file("model.h5", FileKind::Hdf5);
    analyze(&KerasAnalyzer::new(), &at, data);
});

//! The pickle analyzer (opcode reader, symbolic machine, import policy, embedded
//! pickles) over every layout it reads. The first byte picks the layout; the rest is
//! the file.
#![no_main]

use aispm_core::FileKind;
use aispm_fuzz::{Placement, analyze, mode};
use aispm_models::pickle::PickleAnalyzer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((m, bytes)) = mode(data, 7) else {
        return;
    };
    let tar = |name, kind| Placement::member(name, kind, "ckpt.tar", FileKind::PytorchTar);
    let at = match m {
        0 => Placement::file("model.pkl", FileKind::Pickle),
        1 => Placement::file("model.joblib", FileKind::Joblib),
        2 => Placement::file("model.pt", FileKind::PytorchLegacy),
        3 => Placement::file("array.npy", FileKind::Npy),
        // Members of the PyTorch legacy tar layout.
        4 => tar("ckpt.tar!storages", FileKind::Binary),
        5 => tar("ckpt.tar!tensors", FileKind::Binary),
        _ => tar("ckpt.tar!pickle", FileKind::Pickle),
    };
    analyze(&PickleAnalyzer::new(), &at, bytes);
});

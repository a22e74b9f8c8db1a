//! The GGUF analyzer: the bounded GGUF reader and the chat-template analysis of the
//! templates it finds. The first byte picks the carrier: a GGUF file, a standalone
//! template, or a `tokenizer_config.json`; the rest is the file.
#![no_main]

use aispm_core::FileKind;
use aispm_fuzz::{Placement, analyze, mode};
use aispm_models::gguf::GgufAnalyzer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((m, bytes)) = mode(data, 3) else {
        return;
    };
    let at = match m {
        0 => Placement::file("model.gguf", FileKind::Gguf),
        1 => Placement::file("chat_template.jinja", FileKind::Text),
        _ => Placement::file("tokenizer_config.json", FileKind::Json),
    };
    analyze(&GgufAnalyzer::new(), &at, bytes);
});

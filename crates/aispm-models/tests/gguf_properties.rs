//! The GGUF reader and the chat-template lexer and analysis never panic and stay
//! bounded on arbitrary input.

use aispm_models::gguf::jinja::{MAX_TOKENS, lex};
use aispm_models::gguf::reader::read_gguf;
use aispm_models::gguf::template::analyze_template;
use proptest::prelude::*;
use std::io::Cursor;

fn gguf_prefix() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(vec![1u32, 2, 3, 0x0300_0000, 7]),
        any::<u64>(),
        0u64..64,
        prop::collection::vec(any::<u8>(), 0..512),
    )
        .prop_map(|(version, tensors, kvs, rest)| {
            let mut v = b"GGUF".to_vec();
            v.extend_from_slice(&version.to_le_bytes());
            v.extend_from_slice(&(tensors % 8).to_le_bytes());
            v.extend_from_slice(&kvs.to_le_bytes());
            v.extend_from_slice(&rest);
            v
        })
}

/// Structured metadata with random lengths and types, to get past the counts.
fn gguf_structured() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        (
            prop::collection::vec(any::<u8>(), 0..12),
            0u32..14,
            any::<u64>(),
            prop::collection::vec(any::<u8>(), 0..24),
        ),
        0..8,
    )
    .prop_map(|kvs| {
        let mut v = b"GGUF".to_vec();
        v.extend_from_slice(&3u32.to_le_bytes());
        v.extend_from_slice(&0u64.to_le_bytes());
        v.extend_from_slice(&(kvs.len() as u64).to_le_bytes());
        for (key, ty, len, payload) in kvs {
            v.extend_from_slice(&(key.len() as u64).to_le_bytes());
            v.extend_from_slice(&key);
            v.extend_from_slice(&ty.to_le_bytes());
            v.extend_from_slice(&(len % 64).to_le_bytes());
            v.extend_from_slice(&payload);
        }
        v
    })
}

fn read(bytes: &[u8]) {
    let mut c = Cursor::new(bytes.to_vec());
    let info = read_gguf(&mut c, bytes.len() as u64, &mut || Ok(())).expect("in-memory reads");
    assert!(info.issues.len() <= 32);
    for (_, t) in &info.templates {
        assert!(t.len() <= bytes.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn reader_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        read(&bytes);
    }

    #[test]
    fn reader_never_panics_on_gguf_prefixes(bytes in gguf_prefix()) {
        read(&bytes);
    }

    #[test]
    fn reader_never_panics_on_structured_metadata(bytes in gguf_structured()) {
        read(&bytes);
    }

    #[test]
    fn lexer_and_analysis_never_panic(src in "[{}%#'\"\\\\x5fu0-9a-z_.|()\\[\\]~+ \n-]{0,300}") {
        let l = lex(&src);
        prop_assert!(l.tokens.len() <= MAX_TOKENS);
        prop_assert!(l.tokens.len() <= src.len() + 1);
        let _ = analyze_template(&src, &mut || Ok(())).expect("no time limit");
    }

    #[test]
    fn lexer_handles_any_unicode(src in "\\PC{0,200}") {
        let _ = lex(&src);
        let _ = analyze_template(&src, &mut || Ok(())).expect("no time limit");
    }
}

#[test]
fn huge_template_is_linear() {
    let mut src = String::new();
    for _ in 0..20_000 {
        src.push_str("{% for m in messages %}{{ m['content'] | trim }}{% endfor %}");
    }
    let start = std::time::Instant::now();
    let f = analyze_template(&src, &mut || Ok(())).expect("no time limit");
    assert!(f.is_empty());
    assert!(start.elapsed().as_secs() < 20);
}

#[test]
fn large_vocabularies_are_read_quickly() {
    use aispm_fixtures::gguf::{GgufBuilder, GgufValue, ggml_type};
    let tokens: Vec<String> = (0..150_000).map(|i| format!("tok{i}")).collect();
    let refs: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let bytes = GgufBuilder::new()
        .architecture("llama")
        .kv("tokenizer.ggml.tokens", GgufValue::strings(&refs))
        .kv("tokenizer.ggml.merges", GgufValue::strings(&refs))
        .chat_template("{% for m in messages %}{{ m.content }}{% endfor %}")
        .tensor("t", &[4], ggml_type::F32, &[0u8; 16])
        .build();
    let start = std::time::Instant::now();
    let mut c = Cursor::new(bytes.clone());
    let info = read_gguf(&mut c, bytes.len() as u64, &mut || Ok(())).expect("in-memory reads");
    assert!(info.issues.is_empty(), "{:?}", info.issues);
    assert_eq!(info.templates.len(), 1);
    assert!(start.elapsed().as_secs() < 10);
}

#[test]
fn many_strings_and_dunders_stay_fast() {
    let mut src = String::new();
    for i in 0..50_000 {
        src.push_str(&format!(
            "{{{{ x|attr('__gl' ~ 'obals__') ~ 'a{i}' ~ '__init__' }}}}"
        ));
    }
    let start = std::time::Instant::now();
    let f = analyze_template(&src, &mut || Ok(())).expect("no time limit");
    assert!(!f.is_empty());
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

//! The shared GGUF reader (`aispm_formats::gguf`) driven directly: header, every
//! metadata key and value (strings kept up to a small cap, string arrays peeked and
//! read, scalars decoded, everything else skipped), then every tensor info. Checks
//! that the reader never goes past the end of the bytes, and that the buffered and
//! unbuffered readers agree.
#![no_main]

use aispm_formats::gguf::{GgufError, GgufReader, TYPE_ARRAY};
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;

fn walk(g: &mut GgufReader<'_>) -> Result<Vec<String>, GgufError> {
    let mut seen = Vec::new();
    g.read_header()?;
    for _ in 0..g.kv_count() {
        g.tick()?;
        seen.push(g.key()?);
        let at = g.pos();
        let t = g.value_type()?;
        assert!(g.pos() <= g.size());
        if t == TYPE_ARRAY
            && let Some(n) = g.string_array()?
        {
            for _ in 0..n {
                g.tick()?;
                seen.push(format!("{:?}", g.string(64)?));
            }
        } else if let Some(v) = g.scalar(t, "metadata")? {
            seen.push(format!("{v:?}"));
        } else if t == 8 {
            seen.push(format!("{:?}", g.string(64)?));
        } else {
            g.skip_value(t, at)?;
        }
        assert!(g.pos() <= g.size());
    }
    for _ in 0..g.tensor_count() {
        g.tick()?;
        let info = g.tensor_info()?;
        // Lossy UTF-8: one character per byte at most.
        assert!(info.name.chars().count() as u64 <= g.size());
        assert!(g.pos() <= g.size());
        seen.push(format!("{info:?}"));
    }
    seen.push(format!("end at {}", g.pos()));
    Ok(seen)
}

fn run(data: &[u8], buffered: bool) -> String {
    let mut c = Cursor::new(data);
    let mut check = || true;
    let size = data.len() as u64;
    let mut g = if buffered {
        GgufReader::new(&mut c, size, &mut check)
    } else {
        GgufReader::unbuffered(&mut c, size, &mut check)
    };
    match walk(&mut g) {
        Ok(seen) => format!("{seen:?}"),
        Err(e) => {
            // Every error but an interruption (never asked for here) names an offset
            // inside the bytes, and none is an I/O error: the bytes are all in memory.
            assert!(
                !matches!(e, GgufError::Io(_) | GgufError::Interrupted),
                "{e}"
            );
            assert!(e.offset().is_some_and(|o| o <= size), "{e}");
            format!("{e:?}")
        }
    }
}

fuzz_target!(|data: &[u8]| {
    assert_eq!(run(data, true), run(data, false));
});

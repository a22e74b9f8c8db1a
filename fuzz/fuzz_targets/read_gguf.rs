//! The shared GGUF reader (`aispm_formats::gguf`) driven directly: header, every
//! metadata key and value (strings kept up to a small cap, string arrays peeked and
//! read, scalars decoded, everything else skipped), then every tensor info. Checks
//! that the reader never goes past the end of the bytes.
#![no_main]

use aispm_formats::gguf::{GgufError, GgufReader, TYPE_ARRAY};
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;

fn walk(g: &mut GgufReader<'_>) -> Result<(), GgufError> {
    g.read_header()?;
    for _ in 0..g.kv_count() {
        g.tick()?;
        g.key()?;
        let at = g.pos();
        let t = g.value_type()?;
        assert!(g.pos() <= g.size());
        if t == TYPE_ARRAY
            && let Some(n) = g.string_array()?
        {
            for _ in 0..n {
                g.tick()?;
                g.string(64)?;
            }
        } else if g.scalar(t, "metadata")?.is_none() {
            match t {
                8 => {
                    g.string(64)?;
                }
                _ => g.skip_value(t, at)?,
            }
        }
        assert!(g.pos() <= g.size());
    }
    for _ in 0..g.tensor_count() {
        g.tick()?;
        let info = g.tensor_info()?;
        // Lossy UTF-8: one character per byte at most.
        assert!(info.name.chars().count() as u64 <= g.size());
        assert!(g.pos() <= g.size());
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut c = Cursor::new(data);
    let mut check = || true;
    let mut g = GgufReader::new(&mut c, data.len() as u64, &mut check);
    if let Err(e) = walk(&mut g) {
        // Every error but an interruption (never asked for here) names an offset
        // inside the bytes, and none is an I/O error: the bytes are all in memory.
        assert!(
            !matches!(e, GgufError::Io(_) | GgufError::Interrupted),
            "{e}"
        );
        assert!(e.offset().is_some_and(|o| o <= data.len() as u64), "{e}");
    }
});

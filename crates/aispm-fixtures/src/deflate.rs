//! Hand-built DEFLATE streams of zeros and CRC-32 of long runs of zeros, computed without
//! ever materialising the expanded bytes. They are what make zip-bomb fixtures cheap: a
//! 10 GB member costs about 10 MB of output and a few milliseconds of work.
//!
//! The stream is a single dynamic-Huffman block whose literal/length code gives one bit
//! to "length 258" and whose distance code gives one bit to "distance 1", so each 258
//! expanded bytes cost two bits, the best ratio DEFLATE allows (1032:1). Both of those
//! codes are `0`, so the body of the stream is literally zero bytes.

use std::io;

/// Writes bits least-significant first, as DEFLATE wants. The buffer only grows with
/// zeroed bytes, so writing zero bits is just moving the cursor.
struct BitWriter {
    out: Vec<u8>,
    bit_len: u64,
}

impl BitWriter {
    fn new() -> Self {
        Self {
            out: Vec::new(),
            bit_len: 0,
        }
    }

    fn ensure(&mut self) {
        let need = self.bit_len.div_ceil(8) as usize;
        if self.out.len() < need {
            self.out.resize(need, 0);
        }
    }

    /// A number, least-significant bit first (header fields and extra bits).
    fn bits(&mut self, value: u32, count: u32) {
        for i in 0..count {
            let byte = (self.bit_len / 8) as usize;
            let shift = (self.bit_len % 8) as u32;
            self.bit_len += 1;
            self.ensure();
            if (value >> i) & 1 == 1 {
                self.out[byte] |= 1u8 << shift;
            }
        }
    }

    /// A Huffman code, most-significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        for i in (0..len).rev() {
            self.bits((code >> i) & 1, 1);
        }
    }

    fn zero_bits(&mut self, count: u64) {
        self.bit_len += count;
        self.ensure();
    }

    fn finish(mut self) -> Vec<u8> {
        self.ensure();
        self.out
    }
}

/// Order in which the code-length code lengths are transmitted (RFC 1951, 3.2.7).
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// A raw DEFLATE stream (no zlib or gzip wrapper) that inflates to `n` zero bytes.
///
/// The output is about `n / 1032` bytes and is produced without allocating `n` bytes.
pub fn deflate_zeros(n: u64) -> Vec<u8> {
    let mut w = BitWriter::new();
    w.bits(1, 1); // BFINAL
    w.bits(2, 2); // BTYPE = dynamic Huffman
    w.bits(286 - 257, 5); // HLIT: literal/length codes 0..=285
    w.bits(0, 5); // HDIST: one distance code
    w.bits(18 - 4, 4); // HCLEN: code-length codes up to symbol 1 in CL_ORDER

    // Code-length alphabet: symbol 18 (run of zeros) gets "0", symbols 1 and 2 get "10"
    // and "11". A complete code, as inflaters require for this alphabet.
    let mut cl_lengths = [0u32; 19];
    cl_lengths[18] = 1;
    cl_lengths[1] = 2;
    cl_lengths[2] = 2;
    for &sym in &CL_ORDER[..18] {
        w.bits(cl_lengths[sym], 3);
    }
    let cl_one = |w: &mut BitWriter| w.code(0b10, 2);
    let cl_two = |w: &mut BitWriter| w.code(0b11, 2);
    let cl_zeros = |w: &mut BitWriter, run: u32| {
        w.code(0b0, 1);
        w.bits(run - 11, 7);
    };

    // Literal/length code lengths: literal 0 -> 2, end-of-block 256 -> 2, length 285
    // (258 bytes) -> 1. Canonical codes: 285 = "0", 0 = "10", 256 = "11".
    cl_two(&mut w); // symbol 0
    cl_zeros(&mut w, 138); // symbols 1..=138
    cl_zeros(&mut w, 117); // symbols 139..=255
    cl_two(&mut w); // symbol 256
    cl_zeros(&mut w, 28); // symbols 257..=284
    cl_one(&mut w); // symbol 285
    // Distance code lengths: one code of length 1 for distance 1 (code "0"); a single
    // one-bit distance code is the one incomplete code inflaters accept.
    cl_one(&mut w);

    if n > 0 {
        w.code(0b10, 2); // literal 0
        let rest = n - 1;
        // Each copy of 258 bytes at distance 1 is "0" + "0": two zero bits.
        w.zero_bits((rest / 258) * 2);
        for _ in 0..rest % 258 {
            w.code(0b10, 2);
        }
    }
    w.code(0b11, 2); // end of block
    w.finish()
}

/// CRC-32 (IEEE, as in zip and gzip) of `n` zero bytes, in O(log n) combine steps.
pub fn crc32_zeros(n: u64) -> u32 {
    const CHUNK: usize = 64 * 1024;
    let zeros = [0u8; CHUNK];
    let mut power = crc32fast::Hasher::new();
    power.update(&zeros);
    let mut result = crc32fast::Hasher::new();
    let mut q = n / CHUNK as u64;
    while q > 0 {
        if q & 1 == 1 {
            result.combine(&power);
        }
        let doubled = power.clone();
        power.combine(&doubled);
        q >>= 1;
    }
    result.update(&zeros[..(n % CHUNK as u64) as usize]);
    result.finalize()
}

/// Raw DEFLATE of arbitrary bytes with flate2 at the best level: deterministic for a
/// given flate2 backend, which is pinned by Cargo.lock.
pub fn deflate_bytes(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    enc.write_all(data).expect("deflate into memory");
    enc.finish().expect("deflate into memory")
}

/// Inflates at most `limit` bytes of a raw DEFLATE stream; used by tests to check a
/// prefix of a bomb without expanding all of it.
pub fn inflate_prefix(stream: &[u8], limit: usize) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(stream)
        .take(limit as u64)
        .read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate_all(stream: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(stream)
            .read_to_end(&mut out)
            .expect("valid deflate");
        out
    }

    #[test]
    fn zeros_stream_inflates_to_exactly_n_zeros() {
        for n in [0u64, 1, 2, 257, 258, 259, 516, 1000, 65_537, 1 << 20] {
            let out = inflate_all(&deflate_zeros(n));
            assert_eq!(out.len() as u64, n, "length for n={n}");
            assert!(out.iter().all(|&b| b == 0), "zeros for n={n}");
        }
    }

    #[test]
    fn zeros_stream_reaches_the_deflate_ratio_limit() {
        let n = 100u64 << 20;
        let len = deflate_zeros(n).len() as u64;
        assert!(len < n / 1000, "{len} bytes for {n}");
    }

    #[test]
    fn crc_of_zeros_matches_direct_computation() {
        for n in [0usize, 1, 100, 65_535, 65_536, 65_537, 300_000, 1 << 21] {
            assert_eq!(
                crc32_zeros(n as u64),
                crc32fast::hash(&vec![0u8; n]),
                "n={n}"
            );
        }
    }

    #[test]
    fn deflate_bytes_round_trips() {
        let data = b"aispm fixtures aispm fixtures aispm fixtures".repeat(10);
        assert_eq!(inflate_all(&deflate_bytes(&data)), data);
        assert_eq!(
            inflate_prefix(&deflate_zeros(1 << 30), 4096).unwrap(),
            vec![0u8; 4096]
        );
    }
}

//! Positive and negative fixtures of the engine's own rules (`ART001`–`ART006`).
//! `aispm-fixtures engine-fixtures OUT` writes them all; the committed copy lives in
//! `crates/aispm-engine/fixtures/` and a test there checks it is up to date.
//!
//! Layout: `<RULE_ID>/pos_*` must be reported by that rule, `<RULE_ID>/neg_*` (files or
//! folders) must not be: the near misses. Archives are binary and carry no `expect:`
//! markers; the rule's snapshot records what is reported. Symbolic links (`ART006`)
//! are not bytes: [`links`] lists them and [`write_all`] makes them (on Unix).
//!
//! Everything is built with this crate's own writers (zip, tar, DEFLATE of zeros) or
//! from fixed bytes, so the output does not depend on a compression library's version.

use std::io;
use std::path::{Path, PathBuf};

use crate::archive::{
    raw_name_entry, tar_end, tar_header, tar_of, tar_traversal, zip_bomb_flat,
    zip_bomb_overlapping, zip_nested, zip_of, zip_traversal,
};
use crate::deflate::{crc32_zeros, deflate_zeros};
use crate::rng::SplitMix64;
use crate::zipfile::{METHOD_DEFLATED, RawMember, ZipBuilder};

/// One fixture: path relative to the fixtures root, and its bytes.
pub type Fixture = (String, Vec<u8>);

/// Every fixture file, sorted by path.
pub fn all() -> Vec<Fixture> {
    let mut v = Vec::new();
    v.extend(art001());
    v.extend(art002());
    v.extend(art003());
    v.extend(art004());
    v.extend(art005());
    v.extend(art006());
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Every symbolic link: path relative to the fixtures root, and its target as written.
pub fn links() -> Vec<(String, String)> {
    vec![
        // A model folder's vocabulary that is really a file outside the scanned tree
        // (from `fixtures/ART006/`, `../..` is the crate's folder).
        ("ART006/pos_vocab.txt".into(), "../../Cargo.toml".into()),
        // A Hugging Face cache snapshot: its files are links to blobs of the same
        // repository folder, inside the tree.
        (
            "ART006/neg_hf_snapshot/snapshots/main/config.json".into(),
            format!("../../blobs/{HF_BLOB}"),
        ),
    ]
}

/// Writes every fixture and link under `root`; returns the relative paths written.
/// Links are made on Unix only.
pub fn write_all(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (rel, bytes) in all() {
        let p = root.join(&rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&p, bytes)?;
        written.push(PathBuf::from(rel));
    }
    #[cfg(unix)]
    for (rel, target) in links() {
        let p = root.join(&rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if p.symlink_metadata().is_ok() {
            std::fs::remove_file(&p)?;
        }
        std::os::unix::fs::symlink(&target, &p)?;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

fn fx(rel: &str, bytes: Vec<u8>) -> Fixture {
    (rel.to_string(), bytes)
}

/// Pseudo-random bytes: data that looks like ciphertext or packed weights.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    SplitMix64::new(seed).fill(&mut v);
    v
}

const CONFIG_JSON: &[u8] =
    b"{\n  \"model_type\": \"bert\",\n  \"hidden_size\": 768,\n  \"num_hidden_layers\": 12\n}\n";

/// A gzip member wrapping a raw DEFLATE stream, with a fixed header (no mtime, no
/// name, OS unknown).
fn gzip_raw(deflated: &[u8], crc: u32, expanded: u64) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.extend_from_slice(deflated);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&(expanded as u32).to_le_bytes());
    out
}

/// Gzip of `n` zero bytes, at DEFLATE's best ratio.
fn gzip_zeros(n: u64) -> Vec<u8> {
    gzip_raw(&deflate_zeros(n), crc32_zeros(n), n)
}

/// Gzip of `data` in stored DEFLATE blocks (no compression, no library).
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut deflated = Vec::with_capacity(data.len() + data.len() / 65_535 * 5 + 5);
    let mut chunks = data.chunks(65_535).peekable();
    if chunks.peek().is_none() {
        deflated.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        deflated.push(u8::from(last));
        let len = chunk.len() as u16;
        deflated.extend_from_slice(&len.to_le_bytes());
        deflated.extend_from_slice(&(!len).to_le_bytes());
        deflated.extend_from_slice(chunk);
    }
    gzip_raw(&deflated, crc32fast::hash(data), data.len() as u64)
}

/// A zip with one deflated member of `n` zeros, declaring its true size.
fn zip_of_zeros(name: &str, n: u64) -> Vec<u8> {
    let payload = deflate_zeros(n);
    let mut z = ZipBuilder::new();
    z.raw_member(RawMember {
        name: name.as_bytes(),
        method: METHOD_DEFLATED,
        crc: crc32_zeros(n),
        uncompressed: n,
        payload: &payload,
    });
    z.finish()
}

/// ART001: bombs by declaration (overlapping entries, a declared ratio, a declared
/// total) and by measurement (a gzip stream, a zip member that understates its size);
/// near misses: highly compressible data under the ratio exemption, and a plain bundle.
fn art001() -> Vec<Fixture> {
    // Three shard entries claiming 3 GiB each (9 GiB, over the 8 GiB budget), each
    // holding a few bytes: a central directory that lies about sizes.
    let mut lying = ZipBuilder::new();
    let small = deflate_zeros(64 << 10);
    for i in 0..3 {
        lying.raw_member(RawMember {
            name: format!("shards/model-0000{i}-of-00003.bin").as_bytes(),
            method: METHOD_DEFLATED,
            crc: crc32_zeros(3 << 30),
            uncompressed: 3 << 30,
            payload: &small,
        });
    }
    // A tar followed by megabytes of zero padding, deflated at 1032:1, inside a zip
    // whose directory says the member is small, so that only streaming it measures the
    // expansion: a stored DEFLATE block carries the tar, then the zeros follow.
    let tar = tar_of(&[("release/README.txt", b"weights follow\n")]);
    let mut stream = vec![0u8];
    let len = tar.len() as u16;
    stream.extend_from_slice(&len.to_le_bytes());
    stream.extend_from_slice(&(!len).to_le_bytes());
    stream.extend_from_slice(&tar);
    stream.extend_from_slice(&deflate_zeros(4 << 20));
    let mut understated = ZipBuilder::new();
    understated.raw_member(RawMember {
        name: b"release/weights.tar",
        method: METHOD_DEFLATED,
        crc: 0,
        uncompressed: 10 << 10,
        payload: &stream,
    });

    let mut bundle = ZipBuilder::new();
    bundle.stored("model/config.json", CONFIG_JSON);
    bundle.stored("model/weights.bin", &noise(1, 8 << 10));
    vec![
        fx(
            "ART001/pos_overlapping_entries.zip",
            zip_bomb_overlapping(3, 2 << 20),
        ),
        fx("ART001/pos_declared_ratio.zip", zip_bomb_flat(16 << 20)),
        fx("ART001/pos_declared_total.zip", lying.finish()),
        fx("ART001/pos_zeros.bin.gz", gzip_zeros(4 << 20)),
        fx("ART001/pos_understated_size.zip", understated.finish()),
        fx(
            "ART001/neg_small_zeros.zip",
            zip_of_zeros("padding.bin", 512 << 10),
        ),
        fx("ART001/neg_small_zeros.bin.gz", gzip_zeros(512 << 10)),
        fx("ART001/neg_bundle.zip", bundle.finish()),
    ]
}

/// A tar of regular files `(name, data)`, then links `(name, target, hard)`, names and
/// targets written verbatim.
fn tar_with_links(files: &[(&str, &[u8])], links: &[(&str, &str, bool)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in files {
        let mut h = tar_header(data.len() as u64, 0o644);
        h.set_entry_type(tar::EntryType::Regular);
        raw_name_entry(&mut out, h, name.as_bytes(), data);
    }
    for (name, target, hard) in links {
        let mut h = tar_header(0, 0o777);
        h.set_entry_type(if *hard {
            tar::EntryType::Link
        } else {
            tar::EntryType::Symlink
        });
        let field = &mut h.as_old_mut().linkname;
        field.fill(0);
        let n = target.len().min(field.len());
        field[..n].copy_from_slice(&target.as_bytes()[..n]);
        raw_name_entry(&mut out, h, name.as_bytes(), b"");
    }
    tar_end(out)
}

/// ART002: zip and tar members named outside the folder, tar links leaving the
/// archive; near misses: names with `..` that stay inside, links inside the archive.
fn art002() -> Vec<Fixture> {
    let weights = noise(2, 4096);
    vec![
        fx("ART002/pos_zip_slip.zip", zip_traversal()),
        fx("ART002/pos_tar_slip.tar", tar_traversal()),
        fx(
            "ART002/pos_tar_links.tar",
            tar_with_links(
                &[("checkpoints/step-100.bin", &weights)],
                &[
                    ("weights.bin", "/etc/passwd", false),
                    ("config/keys", "../../.ssh/id_rsa", false),
                    ("tokenizer.json", "../outside/tokenizer.json", true),
                ],
            ),
        ),
        fx(
            "ART002/neg_dotted_names.zip",
            zip_of(&[
                ("model/../model/config.json", CONFIG_JSON),
                ("./tokenizer.json", b"{}\n"),
                ("weights/..data/shard.bin", &weights),
            ]),
        ),
        fx(
            "ART002/neg_inner_links.tar",
            tar_with_links(
                &[("checkpoints/step-100.bin", &weights)],
                &[
                    ("latest.bin", "checkpoints/step-100.bin", false),
                    ("checkpoints/best.bin", "../checkpoints/step-100.bin", false),
                    ("copy.bin", "checkpoints/step-100.bin", true),
                ],
            ),
        ),
    ]
}

/// Sets `bits` in the general-purpose flags of member `index` of a zip this crate
/// wrote (no zip64, no comment): in its central-directory entry and its local header.
fn set_flags(mut zip: Vec<u8>, index: usize, bits: u16) -> Vec<u8> {
    let u16_at = |z: &[u8], at: usize| u16::from_le_bytes([z[at], z[at + 1]]) as usize;
    let u32_at =
        |z: &[u8], at: usize| u32::from_le_bytes([z[at], z[at + 1], z[at + 2], z[at + 3]]) as usize;
    let eocd = zip.len() - 22;
    let mut at = u32_at(&zip, eocd + 16);
    for _ in 0..index {
        at += 46 + u16_at(&zip, at + 28) + u16_at(&zip, at + 30) + u16_at(&zip, at + 32);
    }
    let local = u32_at(&zip, at + 42);
    for flags_at in [at + 8, local + 6] {
        let flags = u16_at(&zip, flags_at) as u16 | bits;
        zip[flags_at..flags_at + 2].copy_from_slice(&flags.to_le_bytes());
    }
    zip
}

/// ART003: a member encrypted for real (a ZipCrypto header and ciphertext), a flag
/// set over data in the clear; near misses: opaque data without the flag, a plain zip.
fn art003() -> Vec<Fixture> {
    let encrypted = zip_of(&[
        ("model/config.json", CONFIG_JSON),
        ("archive/data.pkl", &noise(3, 2048)),
    ]);
    let flagged = zip_of(&[("model/config.json", CONFIG_JSON)]);
    vec![
        fx("ART003/pos_encrypted.zip", set_flags(encrypted, 1, 1)),
        fx("ART003/pos_flag_over_plain.zip", set_flags(flagged, 0, 1)),
        fx(
            "ART003/neg_opaque_unflagged.zip",
            zip_of(&[("archive/data.bin", &noise(4, 2048))]),
        ),
        fx(
            "ART003/neg_plain.zip",
            zip_of(&[("model/config.json", CONFIG_JSON)]),
        ),
    ]
}

/// ART004: 7z, RAR and zstd files, a zip whose directory is damaged, a zip member in a
/// compression method the reader lacks; near misses: a text file named `.7z` (typed by
/// content), a zip using a supported method.
fn art004() -> Vec<Fixture> {
    let mut seven = b"7z\xbc\xaf\x27\x1c\x00\x04".to_vec();
    seven.extend_from_slice(&noise(5, 248));
    let mut rar = b"Rar!\x1a\x07\x01\x00".to_vec();
    rar.extend_from_slice(&noise(6, 248));
    let mut zstd = b"\x28\xb5\x2f\xfd".to_vec();
    zstd.extend_from_slice(&noise(7, 252));
    // The end-of-central-directory record cut off: members are there, the directory
    // cannot be found.
    let mut damaged = zip_of(&[("model/config.json", CONFIG_JSON)]);
    damaged.truncate(damaged.len() - 22);
    // Method 93 (Zstandard), which the zip reader is built without.
    let mut zstd_member = ZipBuilder::new();
    let packed = noise(8, 512);
    zstd_member.raw_member(RawMember {
        name: b"model/weights.bin",
        method: 93,
        crc: 0,
        uncompressed: 4096,
        payload: &packed,
    });
    let mut supported = ZipBuilder::new();
    supported.deflated("model/config.json", CONFIG_JSON);
    vec![
        fx("ART004/pos_checkpoint.7z", seven),
        fx("ART004/pos_dataset.rar", rar),
        fx("ART004/pos_weights.bin.zst", zstd),
        fx("ART004/pos_damaged_directory.zip", damaged),
        fx("ART004/pos_unsupported_method.zip", zstd_member.finish()),
        fx(
            "ART004/neg_named_like.7z",
            b"Notes on the 7z checkpoint we used to ship; it is a plain zip now.\n".to_vec(),
        ),
        fx("ART004/neg_supported_method.zip", supported.finish()),
    ]
}

/// ART005: archives nested past the default depth (4), in a zip and in a gzipped tar;
/// near miss: nesting exactly as deep as is opened.
fn art005() -> Vec<Fixture> {
    let bundle = tar_of(&[
        ("release/README.txt", b"release bundle\n"),
        ("release/model.zip", &zip_nested(3)),
    ]);
    vec![
        fx("ART005/pos_nested.zip", zip_nested(5)),
        fx("ART005/pos_bundle.tar.gz", gzip_stored(&bundle)),
        fx("ART005/neg_at_limit.zip", zip_nested(3)),
    ]
}

/// The blob a Hugging Face cache snapshot links to.
const HF_BLOB: &str = "4f1a3c0e9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a49";

/// ART006's regular files (its links are in [`links`]).
fn art006() -> Vec<Fixture> {
    vec![
        fx(
            &format!("ART006/neg_hf_snapshot/blobs/{HF_BLOB}"),
            CONFIG_JSON.to_vec(),
        ),
        fx(
            "ART006/neg_hf_snapshot/refs/main",
            b"0123456789abcdef0123456789abcdef01234567".to_vec(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_under_a_rule_folder() {
        let all = all();
        let mut paths: Vec<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
        let links = links();
        paths.extend(links.iter().map(|(p, _)| p.as_str()));
        let n = paths.len();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), n);
        for p in paths {
            let (rule, rest) = p.split_once('/').unwrap();
            assert!(rule.starts_with("ART"), "{p}");
            assert!(rest.starts_with("pos_") || rest.starts_with("neg_"), "{p}");
        }
    }

    #[test]
    fn flags_are_set_in_both_headers() {
        let zip = set_flags(zip_of(&[("a", b"A"), ("b", b"B")]), 1, 1);
        let mut ar = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        assert!(!ar.by_index_raw(0).unwrap().encrypted());
        assert!(ar.by_index_raw(1).unwrap().encrypted());
    }

    #[test]
    fn gzip_writers_round_trip() {
        use std::io::Read;
        for (gz, want) in [
            (gzip_stored(b"hello"), b"hello".to_vec()),
            (gzip_stored(&[7u8; 70_000]), vec![7u8; 70_000]),
            (gzip_zeros(1000), vec![0u8; 1000]),
        ] {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(gz.as_slice())
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, want);
        }
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(all(), all());
    }
}

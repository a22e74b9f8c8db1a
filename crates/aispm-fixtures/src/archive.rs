//! Archives for engine tests: plain zips and tars, and the hostile shapes a scanner must
//! survive — path traversal, absolute names, symlinks, zip bombs (flat and overlapping)
//! and deep nesting. Bombs are built from [`crate::deflate::deflate_zeros`], so even a
//! claim of many gigabytes costs megabytes of memory and no decompression.

use std::io::Write;

use crate::deflate::{crc32_zeros, deflate_zeros};
use crate::zipfile::{METHOD_DEFLATED, RawMember, ZipBuilder};

/// Fixed mtime for tar entries and gzip headers: 2024-01-01T00:00:00Z.
pub const FIXED_MTIME: u64 = 1_704_067_200;

/// A zip of uncompressed members, in the given order.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = ZipBuilder::new();
    for (name, data) in entries {
        z.stored(name, data);
    }
    z.finish()
}

/// A zip of deflate-compressed members, in the given order.
pub fn zip_of_deflated(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = ZipBuilder::new();
    for (name, data) in entries {
        z.deflated(name, data);
    }
    z.finish()
}

/// A zip whose members escape the extraction directory: `../../evil.txt` (relative
/// traversal) and `/etc/aispm-absolute.txt` (absolute path), next to one benign member.
pub fn zip_traversal() -> Vec<u8> {
    zip_of(&[
        ("readme.txt", b"benign member\n"),
        ("../../evil.txt", b"written outside the extraction root\n"),
        ("/etc/aispm-absolute.txt", b"absolute path member\n"),
    ])
}

/// A zip with one deflated member, `zeros.bin`, that expands to `expanded_bytes` zeros.
/// The archive is about `expanded_bytes / 1032` bytes; the CRC is correct, so a reader
/// that expands it fully would accept it.
pub fn zip_bomb_flat(expanded_bytes: u64) -> Vec<u8> {
    let payload = deflate_zeros(expanded_bytes);
    let mut z = ZipBuilder::new();
    z.raw_member(RawMember {
        name: b"zeros.bin",
        method: METHOD_DEFLATED,
        crc: crc32_zeros(expanded_bytes),
        uncompressed: expanded_bytes,
        payload: &payload,
    });
    z.finish()
}

/// An overlapping-member bomb: one local entry holds a deflated kernel of
/// `member_expanded` zeros, and `members` central-directory entries (`bomb/00000.bin`,
/// ...) all point at it. The archive claims `members * member_expanded` bytes while
/// holding the kernel once: 1,000 members of 10 MiB claim 10.5 GB in about 70 KB.
/// Every entry carries the kernel's true CRC.
pub fn zip_bomb_overlapping(members: usize, member_expanded: u64) -> Vec<u8> {
    let kernel = deflate_zeros(member_expanded);
    let crc = crc32_zeros(member_expanded);
    let name = |i: usize| format!("bomb/{i:05}.bin");
    let mut z = ZipBuilder::new();
    if members == 0 {
        return z.finish();
    }
    let first = name(0);
    let offset = z.raw_member(RawMember {
        name: first.as_bytes(),
        method: METHOD_DEFLATED,
        crc,
        uncompressed: member_expanded,
        payload: &kernel,
    });
    for i in 1..members {
        z.central_entry(
            name(i).as_bytes(),
            METHOD_DEFLATED,
            crc,
            kernel.len() as u64,
            member_expanded,
            offset,
        );
    }
    z.finish()
}

/// Fifield's quoted-overlap bomb ("A better zip bomb", 2019): every member has its own
/// local header, whose name matches the central directory (so readers that compare the
/// two accept it), and its data is a chain of non-final stored DEFLATE blocks that quote
/// the following local headers, ending in the one shared kernel of `kernel_expanded`
/// zeros. Member *i* therefore expands to all later headers plus the kernel; sizes and
/// CRCs are exact. Entries overlap only in their compressed data.
pub fn zip_bomb_quoted_overlap(members: usize, kernel_expanded: u64) -> Vec<u8> {
    let mut z = ZipBuilder::new();
    if members == 0 {
        return z.finish();
    }
    let kernel = deflate_zeros(kernel_expanded);
    let name = |i: usize| format!("bomb/{i:05}.bin");
    // From the last member back: (local header, crc, expanded, compressed).
    let mut rev: Vec<(Vec<u8>, u32, u64, u64)> = Vec::with_capacity(members);
    let (mut crc, mut expanded, mut compressed) = (
        crc32_zeros(kernel_expanded),
        kernel_expanded,
        kernel.len() as u64,
    );
    for i in (0..members).rev() {
        if let Some((next_header, ..)) = rev.last() {
            // Content = next local header ++ next member's content.
            let mut h = crc32fast::Hasher::new();
            h.update(next_header);
            h.combine(&crc32fast::Hasher::new_with_initial_len(crc, expanded));
            crc = h.finalize();
            expanded += next_header.len() as u64;
            compressed += STORED_BLOCK_HEADER + next_header.len() as u64;
        }
        let header = ZipBuilder::local_header(
            name(i).as_bytes(),
            METHOD_DEFLATED,
            crc,
            compressed,
            expanded,
        );
        rev.push((header, crc, expanded, compressed));
    }
    let mut offsets = Vec::with_capacity(members);
    for i in 0..members {
        let header = &rev[members - 1 - i].0;
        offsets.push(z.push_raw(header));
        if i + 1 < members {
            let next_len = rev[members - 2 - i].0.len() as u16;
            // Stored block: BFINAL=0, BTYPE=00, then LEN and its complement.
            let mut quote = vec![0u8];
            quote.extend_from_slice(&next_len.to_le_bytes());
            quote.extend_from_slice(&(!next_len).to_le_bytes());
            z.push_raw(&quote);
        }
    }
    z.push_raw(&kernel);
    for (i, offset) in offsets.into_iter().enumerate() {
        let (_, crc, expanded, compressed) = rev[members - 1 - i];
        z.central_entry(
            name(i).as_bytes(),
            METHOD_DEFLATED,
            crc,
            compressed,
            expanded,
            offset,
        );
    }
    z.finish()
}

const STORED_BLOCK_HEADER: u64 = 5;

/// Zip in zip in zip: `depth` levels of `layerN.zip` around `payload.txt`.
/// `depth == 0` is a zip holding only the payload.
pub fn zip_nested(depth: usize) -> Vec<u8> {
    let mut current = zip_of(&[("payload.txt", b"innermost payload\n".as_slice())]);
    for level in 1..=depth {
        let name = format!("layer{level}.zip");
        current = zip_of(&[(name.as_str(), current.as_slice())]);
    }
    current
}

pub(crate) fn tar_header(size: u64, mode: u32) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_size(size);
    h.set_mode(mode);
    h.set_mtime(FIXED_MTIME);
    h.set_uid(0);
    h.set_gid(0);
    // Names are optional in ustar and would otherwise leak nothing but vary by caller.
    let _ = h.set_username("aispm");
    let _ = h.set_groupname("aispm");
    h
}

/// Writes a ustar header whose name field holds `name` verbatim (no normalisation), so
/// hostile names such as `../x` survive. Names longer than 100 bytes are cut.
pub(crate) fn raw_name_entry(out: &mut Vec<u8>, mut header: tar::Header, name: &[u8], data: &[u8]) {
    let field = &mut header.as_old_mut().name;
    field.fill(0);
    let n = name.len().min(field.len());
    field[..n].copy_from_slice(&name[..n]);
    header.set_cksum();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    let pad = (512 - data.len() % 512) % 512;
    out.extend(std::iter::repeat_n(0u8, pad));
}

pub(crate) fn tar_end(mut out: Vec<u8>) -> Vec<u8> {
    out.extend(std::iter::repeat_n(0u8, 1024));
    out
}

/// A ustar archive of regular files (mode 0644, fixed mtime), in the given order.
/// Names are written verbatim, up to 100 bytes.
pub fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in entries {
        let mut h = tar_header(data.len() as u64, 0o644);
        h.set_entry_type(tar::EntryType::Regular);
        raw_name_entry(&mut out, h, name.as_bytes(), data);
    }
    tar_end(out)
}

/// A tar holding `notes.txt` and a symlink `name -> target` (the target is written
/// verbatim: absolute or `..` targets are the point).
pub fn tar_with_symlink(name: &str, target: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut file = tar_header(6, 0o644);
    file.set_entry_type(tar::EntryType::Regular);
    raw_name_entry(&mut out, file, b"notes.txt", b"notes\n");
    let mut link = tar_header(0, 0o777);
    link.set_entry_type(tar::EntryType::Symlink);
    let field = &mut link.as_old_mut().linkname;
    field.fill(0);
    let n = target.len().min(field.len());
    field[..n].copy_from_slice(&target.as_bytes()[..n]);
    raw_name_entry(&mut out, link, name.as_bytes(), b"");
    tar_end(out)
}

/// The tar counterpart of [`zip_traversal`]: `../../evil.txt` and an absolute name.
pub fn tar_traversal() -> Vec<u8> {
    tar_of(&[
        ("readme.txt", b"benign member\n"),
        ("../../evil.txt", b"written outside the extraction root\n"),
        ("/etc/aispm-absolute.txt", b"absolute path member\n"),
    ])
}

/// Gzip of `data` with a fixed header (mtime 0, no file name), best compression.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("gzip into memory");
    enc.finish().expect("gzip into memory")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    fn open(bytes: Vec<u8>) -> zip::ZipArchive<Cursor<Vec<u8>>> {
        zip::ZipArchive::new(Cursor::new(bytes)).expect("zip crate opens it")
    }

    /// Name, entry type, link target, data.
    type TarEntry = (Vec<u8>, tar::EntryType, Option<Vec<u8>>, Vec<u8>);

    fn tar_entries(bytes: &[u8]) -> Vec<TarEntry> {
        let mut ar = tar::Archive::new(bytes);
        let mut out = Vec::new();
        for e in ar.entries().unwrap() {
            let mut e = e.unwrap();
            let name = e.path_bytes().into_owned();
            let kind = e.header().entry_type();
            let link = e.link_name_bytes().map(|l| l.into_owned());
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            out.push((name, kind, link, data));
        }
        out
    }

    #[test]
    fn zip_of_and_deflated_read_back() {
        for bytes in [
            zip_of(&[("a.txt", b"A"), ("b/c.txt", b"CC")]),
            zip_of_deflated(&[("a.txt", b"A"), ("b/c.txt", b"CC")]),
        ] {
            let mut ar = open(bytes);
            assert_eq!(ar.len(), 2);
            let mut s = String::new();
            ar.by_name("b/c.txt")
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            assert_eq!(s, "CC");
        }
    }

    #[test]
    fn traversal_names_are_kept_verbatim() {
        let ar = open(zip_traversal());
        let names: Vec<&[u8]> = ar.file_names_raw().collect();
        assert!(names.contains(&b"../../evil.txt".as_slice()));
        assert!(names.contains(&b"/etc/aispm-absolute.txt".as_slice()));
        let tar_names: Vec<_> = tar_entries(&tar_traversal())
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert!(tar_names.contains(&b"../../evil.txt".to_vec()));
        assert!(tar_names.contains(&b"/etc/aispm-absolute.txt".to_vec()));
    }

    #[test]
    fn flat_bomb_claims_its_size_and_is_small() {
        let claimed = 10u64 << 30;
        let bytes = zip_bomb_flat(claimed);
        assert!(bytes.len() < 11 << 20, "{} bytes", bytes.len());
        let mut ar = open(bytes);
        assert_eq!(ar.len(), 1);
        let mut f = ar.by_index(0).unwrap();
        assert_eq!(f.size(), claimed);
        // Read a prefix only: a test must never expand gigabytes.
        let mut prefix = vec![1u8; 1 << 16];
        f.read_exact(&mut prefix).unwrap();
        assert!(prefix.iter().all(|&b| b == 0));
    }

    #[test]
    fn small_flat_bomb_passes_a_full_crc_check() {
        let mut ar = open(zip_bomb_flat(3 << 20));
        let mut out = Vec::new();
        ar.by_index(0).unwrap().read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), 3 << 20);
    }

    #[test]
    fn overlapping_bomb_claims_members_times_kernel() {
        let members = 1_000;
        let each = 10u64 << 20;
        let bytes = zip_bomb_overlapping(members, each);
        assert!(bytes.len() < 100_000, "{} bytes", bytes.len());
        let mut ar = open(bytes);
        assert_eq!(ar.len(), members);
        let mut claimed = 0u64;
        for i in 0..ar.len() {
            claimed += ar.by_index_raw(i).unwrap().size();
        }
        assert!(claimed >= 10_000_000_000, "claimed {claimed}");
    }

    #[test]
    fn overlapping_members_inflate_with_a_valid_crc() {
        let mut ar = open(zip_bomb_overlapping(3, 100_000));
        for i in 0..3 {
            let mut out = Vec::new();
            ar.by_index(i).unwrap().read_to_end(&mut out).unwrap();
            assert_eq!(out.len(), 100_000);
        }
    }

    #[test]
    fn quoted_overlap_bomb_has_matching_headers_and_valid_crcs() {
        let mut ar = open(zip_bomb_quoted_overlap(20, 50_000));
        assert_eq!(ar.len(), 20);
        for i in 0..20 {
            let mut f = ar.by_index(i).unwrap();
            let claimed = f.size();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap(); // the zip crate checks the CRC at EOF
            assert_eq!(out.len() as u64, claimed);
            assert!(claimed >= 50_000 && out.ends_with(&[0u8; 1000]));
            if i + 1 < 20 {
                assert_eq!(
                    &out[..4],
                    b"PK\x03\x04",
                    "member {i} quotes the next header"
                );
            }
        }
        let big = zip_bomb_quoted_overlap(1_000, 10 << 20);
        assert!(big.len() < 200_000, "{} bytes", big.len());
        let mut ar = open(big);
        let claimed: u64 = (0..ar.len())
            .map(|i| ar.by_index_raw(i).unwrap().size())
            .sum();
        assert!(claimed >= 10_000_000_000, "claimed {claimed}");
    }

    #[test]
    fn nested_zip_has_the_requested_depth() {
        let mut bytes = zip_nested(4);
        let mut depth = 0;
        loop {
            let mut ar = open(bytes);
            assert_eq!(ar.len(), 1);
            let mut f = ar.by_index(0).unwrap();
            let name = f.name().unwrap().to_string();
            let mut inner = Vec::new();
            f.read_to_end(&mut inner).unwrap();
            if name == "payload.txt" {
                break;
            }
            assert_eq!(name, format!("layer{}.zip", 4 - depth));
            depth += 1;
            bytes = inner;
        }
        assert_eq!(depth, 4);
    }

    #[test]
    fn tar_entries_and_symlink_read_back() {
        let entries = tar_entries(&tar_of(&[("a/b.txt", b"hello"), ("c.bin", &[0u8; 600])]));
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].0, b"a/b.txt");
        assert_eq!(entries[0].3, b"hello");
        assert_eq!(entries[1].3.len(), 600);
        let entries = tar_entries(&tar_with_symlink("link", "/etc/passwd"));
        let link = &entries[1];
        assert_eq!(link.0, b"link");
        assert_eq!(link.1, tar::EntryType::Symlink);
        assert_eq!(link.2.as_deref(), Some(b"/etc/passwd".as_slice()));
        assert_eq!(tar_of(&[("x", b"1")]), tar_of(&[("x", b"1")]));
    }

    #[test]
    fn gzip_round_trips_and_is_deterministic() {
        let data = b"aispm ".repeat(50);
        let gz = gzip(&data);
        assert_eq!(gz, gzip(&data));
        assert_eq!(&gz[..2], &[0x1f, 0x8b]);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gz.as_slice())
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data);
    }
}

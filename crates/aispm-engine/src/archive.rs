//! Archive recursion: zip (and zip-based model formats), tar, gzip, bzip2 and zlib
//! streams, to a depth limit, with an expansion budget per file on disk and a ratio
//! check per member against decompression bombs.
//!
//! Members are read as streams. Only members some analyzer wants (or containers) are
//! decompressed in full; they are held in memory up to `max_member_in_memory` and
//! spill to a temporary file beyond it. Member paths are written `outer.zip!inner`.

use crate::rules;
use crate::scanner::{Node, Scanner, Work};
use crate::sniff;
use aispm_core::analyzer::ReadSeek;
use aispm_core::{
    Digest256, DigestBuilder, ErrorKind, FileKind, HEAD_LEN, ParentInfo, RawFinding, Source,
};
use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, Write};
use std::rc::Rc;
use std::sync::atomic::Ordering;

/// Expanded bytes for one file on disk, across all archive levels. Shared by the
/// guards of nested streams, so the total holds however deep the nesting.
pub(crate) struct Budget {
    used: Rc<Cell<u64>>,
    max: u64,
}

impl Budget {
    pub fn new(max: u64) -> Budget {
        Budget {
            used: Rc::new(Cell::new(0)),
            max,
        }
    }

    fn remaining(&self) -> u64 {
        self.max.saturating_sub(self.used.get())
    }
}

/// Why reading a member stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Expanded/compressed ratio over the limit.
    Ratio,
    /// Total expanded bytes for this file over the limit.
    Total,
}

/// Reads a decompressing stream while enforcing the ratio and the total budget.
struct Guarded<R> {
    inner: R,
    produced: u64,
    /// Compressed bytes the member occupies (known for zip members) or consumed so far
    /// (shared with a counting reader under the decoder).
    compressed: Rc<Cell<u64>>,
    max_ratio: u64,
    exempt_below: u64,
    budget_used: Rc<Cell<u64>>,
    budget_max: u64,
    stop: Option<Stop>,
}

impl<R: Read> Guarded<R> {
    fn new(
        inner: R,
        compressed: Rc<Cell<u64>>,
        limits: &crate::config::Limits,
        budget: &Budget,
    ) -> Self {
        Guarded {
            inner,
            produced: 0,
            compressed,
            max_ratio: limits.max_expansion_ratio,
            exempt_below: limits.ratio_exempt_below,
            budget_used: budget.used.clone(),
            budget_max: budget.max,
            stop: None,
        }
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stop.is_some() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        let used = self.budget_used.get() + n as u64;
        self.budget_used.set(used);
        if used > self.budget_max {
            self.stop = Some(Stop::Total);
            return Ok(0);
        }
        let allowed = self
            .compressed
            .get()
            .max(1)
            .saturating_mul(self.max_ratio)
            .saturating_add(self.exempt_below);
        if self.produced > allowed {
            self.stop = Some(Stop::Ratio);
            return Ok(0);
        }
        Ok(n)
    }
}

/// Counts bytes read from the compressed side of a decoder.
struct CountIn<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for CountIn<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// A member's bytes: in memory, or in a temporary file when large.
pub(crate) enum Spool {
    Mem(Vec<u8>),
    File(tempfile::NamedTempFile),
}

impl Spool {
    fn source(&self) -> Source<'_> {
        match self {
            Spool::Mem(v) => Source::Bytes(v),
            Spool::File(f) => Source::Path(f.path()),
        }
    }
}

/// Copies `head` and the rest of `r` into a spool, hashing on the way.
fn spool(head: &[u8], r: &mut dyn Read, mem_max: u64) -> io::Result<(Spool, u64, Digest256)> {
    let mut digest = DigestBuilder::new();
    digest.update(head);
    let mut mem = head.to_vec();
    let mut file: Option<(tempfile::NamedTempFile, io::BufWriter<File>)> = None;
    let mut total = head.len() as u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buf[..n];
        digest.update(chunk);
        total += n as u64;
        match &mut file {
            Some((_, w)) => w.write_all(chunk)?,
            None if total > mem_max => {
                let tmp = tempfile::NamedTempFile::new()?;
                let mut w = io::BufWriter::new(tmp.reopen()?);
                w.write_all(&mem)?;
                w.write_all(chunk)?;
                mem = Vec::new();
                file = Some((tmp, w));
            }
            None => mem.extend_from_slice(chunk),
        }
    }
    let spool = match file {
        Some((tmp, mut w)) => {
            w.flush()?;
            Spool::File(tmp)
        }
        None => Spool::Mem(mem),
    };
    Ok((spool, total, digest.finish()))
}

fn read_up_to(r: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n.min(HEAD_LEN));
    r.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

fn open_source<'a>(source: Source<'a>) -> io::Result<Box<dyn ReadSeek + 'a>> {
    Ok(match source {
        Source::Path(p) => Box::new(BufReader::with_capacity(64 * 1024, File::open(p)?)),
        Source::Bytes(b) => Box::new(Cursor::new(b)),
    })
}

/// Names in a zip's central directory (for typing zip-based formats).
pub(crate) fn zip_member_names(source: Source<'_>) -> zip::result::ZipResult<Vec<String>> {
    let reader = open_source(source).map_err(zip::result::ZipError::Io)?;
    let archive = zip::ZipArchive::new(reader)?;
    Ok(archive
        .file_names_raw()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect())
}

/// Whether a member name escapes the extraction folder.
pub(crate) fn escapes(name: &str) -> bool {
    let n = name.replace('\\', "/");
    if n.starts_with('/') || n.starts_with("//") {
        return true;
    }
    let b = n.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return true;
    }
    let mut depth: i64 = 0;
    for part in n.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

fn member_display(parent: &str, name: &str) -> String {
    format!("{parent}!{name}")
}

/// A finding on a container about one of its members, keyed by the member's name.
fn member_finding(
    work: &mut Work<'_>,
    rule: &'static aispm_core::Rule,
    container: &str,
    member: &str,
    message: String,
) {
    work.finding(
        RawFinding::new(rule, container, message)
            .evidence(member)
            .key(member),
    );
}

pub(crate) fn report_uninspectable(node: &Node<'_>, work: &mut Work<'_>) {
    work.finding(
        RawFinding::new(
            &rules::UNINSPECTABLE_ARCHIVE,
            &node.display,
            format!(
                "{} content is not inspected by this version; treat it as unscanned",
                node.kind
            ),
        )
        .evidence(format!("format: {}", node.kind))
        .key(node.kind.as_str()),
    );
    work.error(
        &node.display,
        ErrorKind::Unsupported,
        format!(
            "{} archives are not opened; content not analysed",
            node.kind
        ),
    );
}

/// Opens a container node and analyzes its members.
pub(crate) fn open_container(scanner: &Scanner, node: &Node<'_>, work: &mut Work<'_>) {
    if node.depth >= work.limits().max_archive_depth {
        work.finding(
            RawFinding::new(
                &rules::ARCHIVE_TOO_DEEP,
                &node.display,
                format!(
                    "archive at nesting depth {} is not opened (max_archive_depth = {})",
                    node.depth,
                    work.limits().max_archive_depth
                ),
            )
            .evidence(format!("depth {}", node.depth)),
        );
        work.error(
            &node.display,
            ErrorKind::Limit,
            format!(
                "archive nesting depth {} reached max_archive_depth; content not analysed",
                node.depth
            ),
        );
        return;
    }
    if work.budget.remaining() == 0 {
        work.error(
            &node.display,
            ErrorKind::Limit,
            "expansion budget for this file is spent; archive not opened",
        );
        return;
    }
    use FileKind::*;
    match node.kind {
        Zip | PytorchZip | Torchscript | KerasZip | Npz => open_zip(scanner, node, work),
        Tar | PytorchTar => match open_source(node.source) {
            Ok(r) => walk_tar(scanner, node, &node.display, r, work),
            Err(e) => work.error(&node.display, ErrorKind::Io, format!("cannot open: {e}")),
        },
        Gzip | Bzip2 | Xz | Lzma | Zlib => open_stream(scanner, node, work),
        _ => {}
    }
}

fn open_zip(scanner: &Scanner, node: &Node<'_>, work: &mut Work<'_>) {
    let reader = match open_source(node.source) {
        Ok(r) => r,
        Err(e) => {
            work.error(&node.display, ErrorKind::Io, format!("cannot open: {e}"));
            return;
        }
    };
    let mut archive = match zip::ZipArchive::new(reader) {
        Ok(a) => a,
        Err(e) => {
            work.finding(
                RawFinding::new(
                    &rules::UNINSPECTABLE_ARCHIVE,
                    &node.display,
                    format!("zip archive cannot be opened ({e}); its content is not inspected"),
                )
                .evidence(e.to_string())
                .key("zip-unreadable"),
            );
            work.error(
                &node.display,
                ErrorKind::Parse,
                format!("cannot read zip archive: {e}"),
            );
            return;
        }
    };
    let limits = work.limits().clone();
    let count = archive.len();

    // Static checks over the central directory: declared expansion and overlapping
    // entries, before reading any member.
    let mut declared_total: u64 = 0;
    let mut ranges: Vec<(u64, u64, usize)> = Vec::with_capacity(count.min(100_000));
    let mut worst_ratio: (u64, String) = (0, String::new());
    for i in 0..count {
        if let Ok(f) = archive.by_index_raw(i) {
            declared_total = declared_total.saturating_add(f.size());
            if f.size() > limits.ratio_exempt_below {
                let ratio = f.size() / f.compressed_size().max(1);
                if ratio > worst_ratio.0 {
                    worst_ratio = (ratio, String::from_utf8_lossy(f.name_raw()).into_owned());
                }
            }
            if f.compressed_size() > 0 {
                // A local header is at least 30 bytes before the data it introduces.
                let start = f.header_start();
                ranges.push((
                    start,
                    start.saturating_add(30).saturating_add(f.compressed_size()),
                    i,
                ));
            }
        }
    }
    // Entries whose bytes overlap an entry that starts earlier share compressed data
    // (the overlapping-file technique); only the first of each cluster is read.
    ranges.sort_unstable();
    let mut shared: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut reach = 0u64;
    for &(start, end, index) in &ranges {
        if start < reach {
            shared.insert(index);
        }
        reach = reach.max(end);
    }
    let overlapping = shared.len();
    let mut bomb_reported = false;
    if overlapping > 0
        || declared_total > limits.max_expanded_bytes
        || worst_ratio.0 > limits.max_expansion_ratio
    {
        let why = if overlapping > 0 {
            format!(
                "{} entries share compressed data (overlapping-file zip bomb)",
                overlapping + 1
            )
        } else if declared_total > limits.max_expanded_bytes {
            format!(
                "members declare {declared_total} bytes expanded in total, over max_expanded_bytes ({})",
                limits.max_expanded_bytes
            )
        } else {
            format!(
                "member `{}` declares an expansion ratio of {}:1, over max_expansion_ratio ({})",
                worst_ratio.1, worst_ratio.0, limits.max_expansion_ratio
            )
        };
        work.finding(
            RawFinding::new(
                &rules::DECOMPRESSION_BOMB,
                &node.display,
                format!("decompression bomb: {why}"),
            )
            .evidence(format!("{count} entries, {declared_total} bytes declared"))
            .key("declared"),
        );
        bomb_reported = true;
    }

    let parent = ParentInfo {
        path: node.display.clone(),
        kind: node.kind,
    };
    for i in 0..count {
        if i as u64 >= limits.max_archive_members {
            work.error(
                &node.display,
                ErrorKind::Limit,
                format!(
                    "archive has {count} entries; only the first {} were analysed (max_archive_members)",
                    limits.max_archive_members
                ),
            );
            break;
        }
        if work.timed_out() {
            work.error(
                &node.display,
                ErrorKind::Limit,
                format!("time limit reached after {i} of {count} archive entries; the rest were not analysed"),
            );
            break;
        }
        let (name, is_dir, encrypted, compressed, declared, method) = match archive.by_index_raw(i)
        {
            Ok(f) => (
                String::from_utf8_lossy(f.name_raw()).into_owned(),
                f.is_dir(),
                f.encrypted(),
                f.compressed_size(),
                f.size(),
                f.compression(),
            ),
            Err(e) => {
                work.error(
                    &node.display,
                    ErrorKind::Parse,
                    format!("cannot read zip entry #{i}: {e}"),
                );
                continue;
            }
        };
        if is_dir {
            continue;
        }
        let display = member_display(&node.display, &name);
        work.counters.files_seen.fetch_add(1, Ordering::Relaxed);
        work.counters
            .archive_members
            .fetch_add(1, Ordering::Relaxed);
        if escapes(&name) {
            let msg = format!("zip member `{name}` would be extracted outside the target folder");
            member_finding(
                work,
                &rules::ARCHIVE_PATH_TRAVERSAL,
                &node.display,
                &name,
                msg,
            );
        }
        if shared.contains(&i) {
            work.error(
                &display,
                ErrorKind::Limit,
                "entry shares its compressed data with an earlier entry; not read again",
            );
            continue;
        }
        if encrypted {
            // Loaders that ignore the flag read the bytes as they are: a member whose
            // data is in the clear is analysed, whatever the flag says.
            if !flagged_but_plain(&mut archive, i, method, &name) {
                let msg =
                    format!("zip member `{name}` is encrypted; its content cannot be inspected");
                member_finding(work, &rules::ENCRYPTED_MEMBER, &node.display, &name, msg);
                work.error(
                    &display,
                    ErrorKind::Unsupported,
                    "encrypted archive member; not analysed",
                );
                continue;
            }
            let msg = format!(
                "zip member `{name}` is flagged as encrypted but stored in the clear; scanners that honour the flag skip it, loaders that ignore it read it"
            );
            member_finding(work, &rules::ENCRYPTED_MEMBER, &node.display, &name, msg);
        }
        let mut file = match member_reader(&mut archive, i, method) {
            Ok(f) => f,
            Err(e) => {
                let unsupported = matches!(e, zip::result::ZipError::UnsupportedArchive(_));
                if unsupported {
                    let msg = format!(
                        "zip member `{name}` uses an unsupported feature ({e}); not inspected"
                    );
                    member_finding(
                        work,
                        &rules::UNINSPECTABLE_ARCHIVE,
                        &node.display,
                        &name,
                        msg,
                    );
                }
                let kind = if unsupported {
                    ErrorKind::Unsupported
                } else {
                    ErrorKind::Parse
                };
                work.error(&display, kind, format!("cannot read member: {e}"));
                continue;
            }
        };
        let mut guarded = Guarded::new(
            &mut file,
            Rc::new(Cell::new(compressed)),
            &limits,
            &work.budget,
        );
        let outcome = read_member(
            scanner,
            &parent,
            &display,
            &name,
            declared,
            node.depth + 1,
            &mut guarded,
            work,
            node.disk_path,
        );
        work.counters
            .bytes_read
            .fetch_add(guarded.produced, Ordering::Relaxed);
        if let Some(stop) = guarded.stop {
            report_stop(
                stop,
                &node.display,
                &display,
                &limits,
                work,
                &mut bomb_reported,
            );
            if stop == Stop::Total {
                break;
            }
        }
        if let Err(e) = outcome {
            work.error(
                &display,
                ErrorKind::Parse,
                format!("cannot decompress member: {e}"),
            );
        }
    }
}

fn report_stop(
    stop: Stop,
    container: &str,
    member: &str,
    limits: &crate::config::Limits,
    work: &mut Work<'_>,
    bomb_reported: &mut bool,
) {
    let why = match stop {
        Stop::Ratio => format!(
            "expansion ratio over max_expansion_ratio ({}:1)",
            limits.max_expansion_ratio
        ),
        Stop::Total => format!(
            "expanded bytes over max_expanded_bytes ({})",
            limits.max_expanded_bytes
        ),
    };
    if !*bomb_reported {
        work.finding(
            RawFinding::new(
                &rules::DECOMPRESSION_BOMB,
                container,
                format!("decompression bomb: {why}"),
            )
            .evidence(member.to_string())
            .key("expanded"),
        );
        *bomb_reported = true;
    }
    work.error(
        member,
        ErrorKind::Limit,
        format!("decompression stopped: {why}; rest of the content not analysed"),
    );
}

/// Reads one member: its head for typing, then (if wanted) the rest into a spool, and
/// analyzes it as a node.
#[allow(clippy::too_many_arguments)]
fn read_member(
    scanner: &Scanner,
    parent: &ParentInfo,
    display: &str,
    name: &str,
    declared: u64,
    depth: u32,
    reader: &mut dyn Read,
    work: &mut Work<'_>,
    disk_path: &std::path::Path,
) -> io::Result<()> {
    let head = read_up_to(reader, HEAD_LEN)?;
    let size_hint = if head.len() < HEAD_LEN {
        head.len() as u64
    } else {
        declared.max(head.len() as u64)
    };
    let kind = sniff::sniff(&head, name, size_hint);
    let mut node = Node {
        display: display.to_string(),
        disk_path,
        kind,
        size: size_hint,
        head,
        source: Source::Bytes(&[]),
        parent: Some(parent.clone()),
        members: None,
        depth,
        digest: None,
    };
    if !scanner.wants(&node, work.history) {
        return Ok(());
    }
    let (spooled, size, digest) = spool(&node.head, reader, work.limits().max_member_in_memory)?;
    node.size = size;
    node.source = spooled.source();
    node.digest = Some(digest);
    if kind == FileKind::Zip
        && let Ok(names) = zip_member_names(node.source)
    {
        node.kind = sniff::classify_zip(&names);
        node.members = Some(names);
    }
    scanner.analyze_node(&node, work);
    Ok(())
}

/// A reader of a member's content the way model loaders read it: stored and deflated
/// data are decoded from the raw bytes, ignoring the encryption flag and the CRC
/// (loaders check neither, so a scanner that does can be steered around). Other
/// methods go through the zip library.
fn member_reader<'a, R: Read + Seek>(
    archive: &'a mut zip::ZipArchive<R>,
    i: usize,
    method: zip::CompressionMethod,
) -> zip::result::ZipResult<Box<dyn Read + 'a>> {
    Ok(match method {
        zip::CompressionMethod::Stored => Box::new(archive.by_index_raw(i)?),
        zip::CompressionMethod::Deflated => {
            Box::new(flate2::read::DeflateDecoder::new(archive.by_index_raw(i)?))
        }
        _ => Box::new(archive.by_index(i)?),
    })
}

/// Whether a member flagged as encrypted actually holds plain data: its first bytes
/// decode and are typed as something other than opaque binary.
fn flagged_but_plain<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    i: usize,
    method: zip::CompressionMethod,
    name: &str,
) -> bool {
    if !matches!(
        method,
        zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
    ) {
        return false;
    }
    let Ok(mut r) = member_reader(archive, i, method) else {
        return false;
    };
    match read_up_to(&mut r, HEAD_LEN) {
        Ok(head) if !head.is_empty() => sniff::sniff(&head, name, u64::MAX) != FileKind::Binary,
        _ => false,
    }
}

fn walk_tar<R: Read>(
    scanner: &Scanner,
    node: &Node<'_>,
    container: &str,
    reader: R,
    work: &mut Work<'_>,
) {
    let limits = work.limits().clone();
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => {
            work.error(
                container,
                ErrorKind::Parse,
                format!("cannot read tar archive: {e}"),
            );
            return;
        }
    };
    let parent = ParentInfo {
        path: container.to_string(),
        kind: node.kind,
    };
    let mut n: u64 = 0;
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                work.error(
                    container,
                    ErrorKind::Parse,
                    format!("tar archive is truncated or malformed: {e}"),
                );
                return;
            }
        };
        n += 1;
        if n > limits.max_archive_members {
            work.error(
                container,
                ErrorKind::Limit,
                format!(
                    "only the first {} tar entries were analysed (max_archive_members)",
                    limits.max_archive_members
                ),
            );
            return;
        }
        if work.timed_out() {
            work.error(
                container,
                ErrorKind::Limit,
                format!("time limit reached after {n} tar entries; the rest were not analysed"),
            );
            return;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let etype = entry.header().entry_type();
        if escapes(&name) {
            let msg = format!("tar member `{name}` would be extracted outside the target folder");
            member_finding(work, &rules::ARCHIVE_PATH_TRAVERSAL, container, &name, msg);
        }
        if etype.is_symlink() || etype.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let resolved = if etype.is_symlink() {
                match name.rfind('/') {
                    Some(i) => format!("{}/{}", &name[..i], target),
                    None => target.clone(),
                }
            } else {
                target.clone()
            };
            if target.starts_with('/') || escapes(&resolved) {
                let kind = if etype.is_symlink() {
                    "symbolic"
                } else {
                    "hard"
                };
                work.finding(
                    RawFinding::new(
                        &rules::ARCHIVE_PATH_TRAVERSAL,
                        container,
                        format!("tar member `{name}` is a {kind} link to `{target}`, outside the archive"),
                    )
                    .evidence(format!("{name} -> {target}"))
                    .key(format!("{name}->{target}")),
                );
            }
            continue;
        }
        if !etype.is_file()
            && etype != tar::EntryType::Continuous
            && etype != tar::EntryType::GNUSparse
        {
            continue;
        }
        let display = member_display(container, &name);
        work.counters.files_seen.fetch_add(1, Ordering::Relaxed);
        work.counters
            .archive_members
            .fetch_add(1, Ordering::Relaxed);
        let declared = entry.header().size().unwrap_or(0);
        if let Err(e) = read_member(
            scanner,
            &parent,
            &display,
            &name,
            declared,
            node.depth + 1,
            &mut entry,
            work,
            node.disk_path,
        ) {
            work.error(
                &display,
                ErrorKind::Parse,
                format!("cannot read tar member: {e}"),
            );
            return;
        }
    }
}

/// Dictionary memory allowed to an xz or LZMA decoder (KiB): the format lets a
/// header demand gigabytes, so larger demands are refused and recorded.
const LZMA_MEM_LIMIT_KB: u32 = 96 * 1024;

/// Single-stream compression (gzip, bzip2, xz, LZMA, zlib). A compressed tar is walked as a tar
/// (`x.tar.gz!member`); anything else is one member named after the file.
fn open_stream(scanner: &Scanner, node: &Node<'_>, work: &mut Work<'_>) {
    let raw = match open_source(node.source) {
        Ok(r) => r,
        Err(e) => {
            work.error(&node.display, ErrorKind::Io, format!("cannot open: {e}"));
            return;
        }
    };
    let limits = work.limits().clone();
    let consumed = Rc::new(Cell::new(0u64));
    let counted = CountIn {
        inner: raw,
        count: consumed.clone(),
    };
    let decoder: Box<dyn Read> = match node.kind {
        FileKind::Gzip => Box::new(flate2::read::MultiGzDecoder::new(counted)),
        FileKind::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(counted)),
        FileKind::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(
            counted,
            true,
            LZMA_MEM_LIMIT_KB,
        )),
        FileKind::Lzma => {
            match lzma_rust2::LzmaReader::new_mem_limit(counted, LZMA_MEM_LIMIT_KB, None) {
                Ok(r) => Box::new(r),
                Err(e) => {
                    work.error(
                        &node.display,
                        ErrorKind::Limit,
                        format!("cannot open LZMA stream: {e}"),
                    );
                    return;
                }
            }
        }
        _ => Box::new(flate2::read::ZlibDecoder::new(counted)),
    };
    let mut guarded = Guarded::new(decoder, consumed, &limits, &work.budget);
    let inner_name = stream_member_name(node.file_name(), node.kind);
    let head = match read_up_to(&mut guarded, HEAD_LEN) {
        Ok(h) => h,
        Err(e) => {
            work.error(
                &node.display,
                ErrorKind::Parse,
                format!("cannot decompress {}: {e}", node.kind),
            );
            return;
        }
    };
    let mut bomb_reported = false;
    let inner_kind = sniff::sniff(&head, &inner_name, u64::MAX);
    if matches!(inner_kind, FileKind::Tar | FileKind::PytorchTar) {
        let chained = Cursor::new(head).chain(&mut guarded);
        let tar_node = Node {
            display: node.display.clone(),
            disk_path: node.disk_path,
            kind: inner_kind,
            size: node.size,
            head: Vec::new(),
            source: node.source,
            parent: node.parent.clone(),
            members: None,
            depth: node.depth,
            digest: None,
        };
        walk_tar(scanner, &tar_node, &node.display, chained, work);
    } else {
        let parent = ParentInfo {
            path: node.display.clone(),
            kind: node.kind,
        };
        let display = member_display(&node.display, &inner_name);
        work.counters.files_seen.fetch_add(1, Ordering::Relaxed);
        work.counters
            .archive_members
            .fetch_add(1, Ordering::Relaxed);
        let mut chained = Cursor::new(head).chain(&mut guarded);
        if let Err(e) = read_member(
            scanner,
            &parent,
            &display,
            &inner_name,
            0,
            node.depth + 1,
            &mut chained,
            work,
            node.disk_path,
        )
        // A stream has no directory that declares its size: drain what nobody
        // wanted, so that a bomb is measured (within the ratio and the budget).
        .and_then(|()| io::copy(&mut chained, &mut io::sink()).map(|_| ()))
        {
            work.error(
                &display,
                ErrorKind::Parse,
                format!("cannot decompress: {e}"),
            );
        }
    }
    work.counters
        .bytes_read
        .fetch_add(guarded.produced, Ordering::Relaxed);
    if let Some(stop) = guarded.stop {
        report_stop(
            stop,
            &node.display,
            &node.display,
            &limits,
            work,
            &mut bomb_reported,
        );
    }
}

/// The name of the single member of a compressed stream: the file name without its
/// compression extension (`model.pkl.gz` → `model.pkl`).
fn stream_member_name(file_name: &str, kind: FileKind) -> String {
    let lower = file_name.to_ascii_lowercase();
    let exts: &[&str] = match kind {
        FileKind::Gzip => &[".gz", ".gzip"],
        FileKind::Bzip2 => &[".bz2", ".bzip2"],
        FileKind::Xz => &[".xz", ".txz"],
        FileKind::Lzma => &[".lzma"],
        _ => &[".z", ".zlib", ".zz"],
    };
    let stem = exts.iter().find_map(|e| {
        lower
            .ends_with(e)
            .then(|| &file_name[..file_name.len() - e.len()])
    });
    if let Some(stem) = stem.filter(|s| !s.is_empty()) {
        return stem.to_string();
    }
    if lower.ends_with(".tgz") {
        return format!("{}.tar", &file_name[..file_name.len() - 4]);
    }
    format!("{file_name}.decompressed")
}

impl Node<'_> {
    pub(crate) fn file_name(&self) -> &str {
        let inner = self.display.rsplit('!').next().unwrap_or(&self.display);
        inner.rsplit('/').next().unwrap_or(inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn traversal_names() {
        assert!(escapes("../evil"));
        assert!(escapes("a/../../evil"));
        assert!(escapes("/etc/passwd"));
        assert!(escapes("C:\\Windows\\x"));
        assert!(escapes("..\\..\\x"));
        assert!(!escapes("a/../b"));
        assert!(!escapes("archive/data.pkl"));
        assert!(!escapes("./x/y"));
    }

    #[test]
    fn stream_names() {
        assert_eq!(stream_member_name("m.pkl.gz", FileKind::Gzip), "m.pkl");
        assert_eq!(stream_member_name("m.tgz", FileKind::Gzip), "m.tar");
        assert_eq!(
            stream_member_name("model.joblib", FileKind::Zlib),
            "model.joblib.decompressed"
        );
        assert_eq!(stream_member_name("x.bz2", FileKind::Bzip2), "x");
    }

    #[test]
    fn guarded_stops_on_ratio_and_total() {
        let limits = crate::config::Limits {
            max_expansion_ratio: 100,
            ratio_exempt_below: 0,
            ..Default::default()
        };
        let zeros = io::repeat(0).take(10 << 20);
        let mut g = Guarded::new(
            zeros,
            Rc::new(Cell::new(1000)),
            &limits,
            &Budget::new(u64::MAX),
        );
        let mut sink = Vec::new();
        g.read_to_end(&mut sink).unwrap();
        assert_eq!(g.stop, Some(Stop::Ratio));
        assert!(sink.len() <= 100_000 + 64 * 1024);

        let budget = Budget::new(1 << 20);
        let mut g = Guarded::new(
            io::repeat(0).take(10 << 20),
            Rc::new(Cell::new(u64::MAX / 1000)),
            &limits,
            &budget,
        );
        let mut sink = Vec::new();
        g.read_to_end(&mut sink).unwrap();
        assert_eq!(g.stop, Some(Stop::Total));
    }

    #[test]
    fn spool_spills_to_disk_beyond_memory_limit() {
        let data = vec![b'x'; 10_000];
        let (s, size, d) = spool(&data[..100], &mut &data[100..], 1_000).unwrap();
        assert_eq!(size, 10_000);
        assert!(matches!(s, Spool::File(_)));
        assert_eq!(d.sha256, hex::encode(Sha256::digest(&data)));
        let (s, _, _) = spool(&data[..100], &mut &data[100..], 1 << 20).unwrap();
        assert!(matches!(s, Spool::Mem(ref v) if v.len() == 10_000));
    }
}

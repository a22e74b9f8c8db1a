//! Archive recursion: zip (and zip-based model formats), tar, gzip, bzip2 and zlib
//! streams, to a depth limit, with an expansion budget per file on disk and a ratio
//! check per member against decompression bombs.
//!
//! Members are read as streams. Only members some analyzer wants (or containers) are
//! decompressed in full; they are held in memory up to `max_member_in_memory` and
//! spill to a temporary file beyond it. Member paths are written `outer.zip!inner`.
//!
//! Each member goes back to `dispatch` like a file on disk, and a member that is a
//! container comes back here: this module and `dispatch` import each other, and that
//! loop is the container recursion itself. The engine's archive rules (`ART001`–`ART005`)
//! decide in their own files when they fire; this module hands them what it reads.

use crate::config::Limits;
use crate::dispatch::{Dispatcher, FileScan, ScanItem};
use crate::rules::art001_decompression_bomb::{BombCheck, DeclaredExpansion};
use crate::rules::art003_encrypted_member::Encryption;
use crate::rules::{
    art002_archive_path_traversal, art003_encrypted_member, art004_uninspectable_archive,
    art005_archive_depth,
};
use crate::sniff;
use aispm_core::analyzer::ReadSeek;
use aispm_core::{Digest256, DigestBuilder, ErrorKind, FileKind, HEAD_LEN, ParentInfo, Source};
use std::cell::Cell;
use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, Write};
use std::ops::ControlFlow;
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
    fn new(inner: R, compressed: Rc<Cell<u64>>, limits: &Limits, budget: &Budget) -> Self {
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

fn member_display(parent: &str, name: &str) -> String {
    format!("{parent}!{name}")
}

/// A 7z, RAR or zstd file: reported (ART004) and listed as not analysed.
pub(crate) fn report_uninspectable(item: &ScanItem<'_>, work: &mut FileScan<'_>) {
    work.finding(art004_uninspectable_archive::unopened_format(
        &item.display,
        item.kind,
    ));
    work.error(
        &item.display,
        ErrorKind::Unsupported,
        format!(
            "{} archives are not opened; content not analysed",
            item.kind
        ),
    );
}

/// Opens a container item and analyzes its members.
pub(crate) fn open_container(
    dispatch: &Dispatcher<'_>,
    item: &ScanItem<'_>,
    work: &mut FileScan<'_>,
) {
    if let Some(finding) = art005_archive_depth::check(&item.display, item.depth, work.limits()) {
        work.finding(finding);
        work.error(
            &item.display,
            ErrorKind::Limit,
            format!(
                "archive nesting depth {} reached max_archive_depth; content not analysed",
                item.depth
            ),
        );
        return;
    }
    if work.budget.remaining() == 0 {
        work.error(
            &item.display,
            ErrorKind::Limit,
            "expansion budget for this file is spent; archive not opened",
        );
        return;
    }
    use FileKind::*;
    match item.kind {
        Zip | PytorchZip | Torchscript | KerasZip | Npz => open_zip(dispatch, item, work),
        Tar | PytorchTar => match open_source(item.source) {
            Ok(r) => walk_tar(dispatch, item, &item.display, r, work),
            Err(e) => work.error(&item.display, ErrorKind::Io, format!("cannot open: {e}")),
        },
        Gzip | Bzip2 | Xz | Lzma | Zlib => open_stream(dispatch, item, work),
        _ => {}
    }
}

/// A zip: its central directory is checked first (declared expansion, overlapping
/// entries), then its members are read one by one.
fn open_zip(dispatch: &Dispatcher<'_>, item: &ScanItem<'_>, work: &mut FileScan<'_>) {
    let reader = match open_source(item.source) {
        Ok(r) => r,
        Err(e) => {
            work.error(&item.display, ErrorKind::Io, format!("cannot open: {e}"));
            return;
        }
    };
    let mut archive = match zip::ZipArchive::new(reader) {
        Ok(a) => a,
        Err(e) => {
            work.finding(art004_uninspectable_archive::unreadable_zip(
                &item.display,
                &e,
            ));
            work.error(
                &item.display,
                ErrorKind::Parse,
                format!("cannot read zip archive: {e}"),
            );
            return;
        }
    };
    let limits = work.limits().clone();
    let directory = ZipDirectory::read(&mut archive, &limits);
    let mut bomb = BombCheck::default();
    if let Some(finding) = bomb.declared(&item.display, &directory.declared(), &limits) {
        work.finding(finding);
    }
    let mut members = ZipMembers {
        dispatch,
        container: item,
        parent: ParentInfo {
            path: item.display.clone(),
            kind: item.kind,
        },
        shared: directory.shared,
        limits,
        bomb,
    };
    members.read_all(&mut archive, work);
}

/// What a zip's central directory says before any member is read.
struct ZipDirectory {
    entries: usize,
    declared_total: u64,
    /// The largest declared ratio among members not exempt from the ratio, and the
    /// member's name.
    worst_ratio: (u64, String),
    /// Entries whose compressed data overlaps an entry that starts earlier.
    shared: HashSet<usize>,
}

impl ZipDirectory {
    fn read<R: Read + Seek>(archive: &mut zip::ZipArchive<R>, limits: &Limits) -> ZipDirectory {
        let count = archive.len();
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
        ZipDirectory {
            entries: count,
            declared_total,
            worst_ratio,
            shared: overlapping_entries(ranges),
        }
    }

    fn declared(&self) -> DeclaredExpansion<'_> {
        DeclaredExpansion {
            entries: self.entries,
            total: self.declared_total,
            worst_ratio: (self.worst_ratio.0, &self.worst_ratio.1),
            overlapping: self.shared.len(),
        }
    }
}

/// Entries whose bytes (`start..end`) overlap an entry that starts earlier share
/// compressed data (the overlapping-file technique); only the first of each cluster is
/// read.
fn overlapping_entries(mut ranges: Vec<(u64, u64, usize)>) -> HashSet<usize> {
    ranges.sort_unstable();
    let mut shared = HashSet::new();
    let mut reach = 0u64;
    for &(start, end, index) in &ranges {
        if start < reach {
            shared.insert(index);
        }
        reach = reach.max(end);
    }
    shared
}

/// The members of one zip, read in order within the member, time and expansion limits.
struct ZipMembers<'a, 'd> {
    dispatch: &'a Dispatcher<'d>,
    container: &'a ScanItem<'a>,
    parent: ParentInfo,
    /// Entries not read because they share compressed data with an earlier one.
    shared: HashSet<usize>,
    limits: Limits,
    bomb: BombCheck,
}

impl ZipMembers<'_, '_> {
    fn read_all<R: Read + Seek>(
        &mut self,
        archive: &mut zip::ZipArchive<R>,
        work: &mut FileScan<'_>,
    ) {
        let container = &self.container.display;
        let count = archive.len();
        for i in 0..count {
            if i as u64 >= self.limits.max_archive_members {
                work.error(
                    container,
                    ErrorKind::Limit,
                    format!(
                        "archive has {count} entries; only the first {} were analysed (max_archive_members)",
                        self.limits.max_archive_members
                    ),
                );
                break;
            }
            if work.timed_out() {
                work.error(
                    container,
                    ErrorKind::Limit,
                    format!("time limit reached after {i} of {count} archive entries; the rest were not analysed"),
                );
                break;
            }
            if self.member(archive, i, work).is_break() {
                break;
            }
        }
    }

    /// Entry `i`: checks its name and encryption, then streams it to dispatch. Breaks
    /// when the expansion budget of the file is spent.
    fn member<R: Read + Seek>(
        &mut self,
        archive: &mut zip::ZipArchive<R>,
        i: usize,
        work: &mut FileScan<'_>,
    ) -> ControlFlow<()> {
        let container = self.container.display.as_str();
        let entry = match ZipEntry::read(archive, i) {
            Ok(e) => e,
            Err(e) => {
                work.error(
                    container,
                    ErrorKind::Parse,
                    format!("cannot read zip entry #{i}: {e}"),
                );
                return ControlFlow::Continue(());
            }
        };
        if entry.is_dir {
            return ControlFlow::Continue(());
        }
        let display = member_display(container, &entry.name);
        work.counters.files_seen.fetch_add(1, Ordering::Relaxed);
        work.counters
            .archive_members
            .fetch_add(1, Ordering::Relaxed);
        if let Some(finding) =
            art002_archive_path_traversal::check_member_name("zip", container, &entry.name)
        {
            work.finding(finding);
        }
        if self.shared.contains(&i) {
            work.error(
                &display,
                ErrorKind::Limit,
                "entry shares its compressed data with an earlier entry; not read again",
            );
            return ControlFlow::Continue(());
        }
        if entry.encrypted && !self.readable_despite_flag(archive, i, &entry, &display, work) {
            return ControlFlow::Continue(());
        }
        self.stream(archive, i, &entry, &display, work)
    }

    /// A member flagged as encrypted (ART003). Loaders that ignore the flag read the
    /// bytes as they are: a member whose data is in the clear is analysed, whatever the
    /// flag says. Returns whether it is to be read.
    fn readable_despite_flag<R: Read + Seek>(
        &self,
        archive: &mut zip::ZipArchive<R>,
        i: usize,
        entry: &ZipEntry,
        display: &str,
        work: &mut FileScan<'_>,
    ) -> bool {
        let how = if flagged_but_plain(archive, i, entry.method, &entry.name) {
            Encryption::FlagOnly
        } else {
            Encryption::Opaque
        };
        work.finding(art003_encrypted_member::encrypted_member(
            &self.container.display,
            &entry.name,
            how,
        ));
        if how == Encryption::Opaque {
            work.error(
                display,
                ErrorKind::Unsupported,
                "encrypted archive member; not analysed",
            );
            return false;
        }
        true
    }

    /// Streams member `i` to dispatch within the ratio and the file's budget. Breaks
    /// when the budget is spent.
    fn stream<R: Read + Seek>(
        &mut self,
        archive: &mut zip::ZipArchive<R>,
        i: usize,
        entry: &ZipEntry,
        display: &str,
        work: &mut FileScan<'_>,
    ) -> ControlFlow<()> {
        let container = self.container.display.as_str();
        let mut file = match member_reader(archive, i, entry.method) {
            Ok(f) => f,
            Err(e) => {
                let finding =
                    art004_uninspectable_archive::check_member_error(container, &entry.name, &e);
                unreadable(work, display, finding, format!("cannot read member: {e}"));
                return ControlFlow::Continue(());
            }
        };
        let mut guarded = Guarded::new(
            &mut file,
            Rc::new(Cell::new(entry.compressed)),
            &self.limits,
            &work.budget,
        );
        let outcome = read_member(
            self.dispatch,
            &self.parent,
            display,
            &entry.name,
            entry.declared,
            self.container.depth + 1,
            &mut guarded,
            work,
            self.container.disk_path,
        );
        work.counters
            .bytes_read
            .fetch_add(guarded.produced, Ordering::Relaxed);
        if let Some(stop) = guarded.stop {
            report_stop(stop, container, display, &self.limits, work, &mut self.bomb);
            if stop == Stop::Total {
                return ControlFlow::Break(());
            }
        }
        if let Err(e) = outcome {
            let finding =
                art004_uninspectable_archive::check_member_read_error(container, &entry.name, &e);
            unreadable(
                work,
                display,
                finding,
                format!("cannot decompress member: {e}"),
            );
        }
        ControlFlow::Continue(())
    }
}

/// A zip member that could not be read: an error record, of kind `unsupported` with
/// the ART004 finding when the reason is a feature the reader lacks, else `parse`.
fn unreadable(
    work: &mut FileScan<'_>,
    display: &str,
    finding: Option<aispm_core::RawFinding>,
    message: String,
) {
    let kind = match finding {
        Some(finding) => {
            work.finding(finding);
            ErrorKind::Unsupported
        }
        None => ErrorKind::Parse,
    };
    work.error(display, kind, message);
}

/// What the central directory says about one entry.
struct ZipEntry {
    name: String,
    is_dir: bool,
    encrypted: bool,
    compressed: u64,
    declared: u64,
    method: zip::CompressionMethod,
}

impl ZipEntry {
    fn read<R: Read + Seek>(
        archive: &mut zip::ZipArchive<R>,
        i: usize,
    ) -> zip::result::ZipResult<ZipEntry> {
        let f = archive.by_index_raw(i)?;
        Ok(ZipEntry {
            name: String::from_utf8_lossy(f.name_raw()).into_owned(),
            is_dir: f.is_dir(),
            encrypted: f.encrypted(),
            compressed: f.compressed_size(),
            declared: f.size(),
            method: f.compression(),
        })
    }
}

/// Decompression of `member` of `container` was stopped by a limit: an error record
/// for the member, and the container's ART001 unless it was already reported.
fn report_stop(
    stop: Stop,
    container: &str,
    member: &str,
    limits: &Limits,
    work: &mut FileScan<'_>,
    bomb: &mut BombCheck,
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
    if let Some(finding) = bomb.expansion_stopped(container, member, &why) {
        work.finding(finding);
    }
    work.error(
        member,
        ErrorKind::Limit,
        format!("decompression stopped: {why}; rest of the content not analysed"),
    );
}

/// Reads one member: its head for typing, then (if wanted) the rest into a spool, and
/// hands it to dispatch.
#[allow(clippy::too_many_arguments)]
fn read_member(
    dispatch: &Dispatcher<'_>,
    parent: &ParentInfo,
    display: &str,
    name: &str,
    declared: u64,
    depth: u32,
    reader: &mut dyn Read,
    work: &mut FileScan<'_>,
    disk_path: &std::path::Path,
) -> io::Result<()> {
    let head = read_up_to(reader, HEAD_LEN)?;
    let size_hint = if head.len() < HEAD_LEN {
        head.len() as u64
    } else {
        declared.max(head.len() as u64)
    };
    let kind = sniff::sniff(&head, name, size_hint);
    let mut item = ScanItem {
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
    if !dispatch.wants(&item, work.history) {
        return Ok(());
    }
    let (spooled, size, digest) = spool(&item.head, reader, work.limits().max_member_in_memory)?;
    item.size = size;
    item.source = spooled.source();
    item.digest = Some(digest);
    if kind == FileKind::Zip
        && let Ok(names) = zip_member_names(item.source)
    {
        item.kind = sniff::classify_zip(&names);
        item.members = Some(names);
    }
    dispatch.analyze_item(&item, work);
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
    dispatch: &Dispatcher<'_>,
    item: &ScanItem<'_>,
    container: &str,
    reader: R,
    work: &mut FileScan<'_>,
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
        kind: item.kind,
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
        if let Some(finding) =
            art002_archive_path_traversal::check_member_name("tar", container, &name)
        {
            work.finding(finding);
        }
        if etype.is_symlink() || etype.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            if let Some(finding) = art002_archive_path_traversal::check_tar_link(
                container,
                &name,
                &target,
                etype.is_symlink(),
            ) {
                work.finding(finding);
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
            dispatch,
            &parent,
            &display,
            &name,
            declared,
            item.depth + 1,
            &mut entry,
            work,
            item.disk_path,
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
fn open_stream(dispatch: &Dispatcher<'_>, item: &ScanItem<'_>, work: &mut FileScan<'_>) {
    let raw = match open_source(item.source) {
        Ok(r) => r,
        Err(e) => {
            work.error(&item.display, ErrorKind::Io, format!("cannot open: {e}"));
            return;
        }
    };
    let limits = work.limits().clone();
    let consumed = Rc::new(Cell::new(0u64));
    let counted = CountIn {
        inner: raw,
        count: consumed.clone(),
    };
    let decoder: Box<dyn Read> = match item.kind {
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
                        &item.display,
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
    let inner_name = stream_member_name(item.file_name(), item.kind);
    let head = match read_up_to(&mut guarded, HEAD_LEN) {
        Ok(h) => h,
        Err(e) => {
            work.error(
                &item.display,
                ErrorKind::Parse,
                format!("cannot decompress {}: {e}", item.kind),
            );
            return;
        }
    };
    let mut bomb = BombCheck::default();
    let inner_kind = sniff::sniff(&head, &inner_name, u64::MAX);
    if matches!(inner_kind, FileKind::Tar | FileKind::PytorchTar) {
        let chained = Cursor::new(head).chain(&mut guarded);
        let tar_item = ScanItem {
            display: item.display.clone(),
            disk_path: item.disk_path,
            kind: inner_kind,
            size: item.size,
            head: Vec::new(),
            source: item.source,
            parent: item.parent.clone(),
            members: None,
            depth: item.depth,
            digest: None,
        };
        walk_tar(dispatch, &tar_item, &item.display, chained, work);
    } else {
        let parent = ParentInfo {
            path: item.display.clone(),
            kind: item.kind,
        };
        let display = member_display(&item.display, &inner_name);
        work.counters.files_seen.fetch_add(1, Ordering::Relaxed);
        work.counters
            .archive_members
            .fetch_add(1, Ordering::Relaxed);
        let mut chained = Cursor::new(head).chain(&mut guarded);
        if let Err(e) = read_member(
            dispatch,
            &parent,
            &display,
            &inner_name,
            0,
            item.depth + 1,
            &mut chained,
            work,
            item.disk_path,
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
        report_stop(stop, &item.display, &item.display, &limits, work, &mut bomb);
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

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

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
        let limits = Limits {
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

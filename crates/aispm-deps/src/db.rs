//! The offline advisory database: a gzip'd file whose first line is a JSON header
//! (source, date, licence, counts) and every further line one OSV record as kept by
//! [`crate::osv`], sorted by ID. The bundled snapshot (built from the PyPA advisory
//! database) is embedded in the binary; `aispm db import` writes a newer one, built
//! from an OSV export, into the user data folder, and scans prefer it for every
//! ecosystem it has advisories for.

use crate::osv::{Advisory, Ecosystem, Parsed, parse_json_document, parse_record};
use flate2::Compression;
use flate2::read::GzDecoder;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Format version written in the header.
pub const FORMAT: u32 = 1;
/// File name of the imported database inside the data folder.
pub const IMPORTED_FILE: &str = "advisories.osv.jsonl.gz";
/// Largest advisory file read by an import.
const MAX_RECORD_FILE: u64 = 16 << 20;
/// Largest decompressed database accepted when loading.
const MAX_DB_BYTES: u64 = 2 << 30;

static BUNDLED_BYTES: &[u8] = include_bytes!("../data/pypa-advisories.osv.jsonl.gz");

/// The header line of a database file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbMeta {
    pub aispm_advisory_db: u32,
    /// Where the records came from (a project name or the imported path).
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_commit: Option<String>,
    /// Date of the data (snapshot) or of the import, `YYYY-MM-DD`.
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    pub advisories: usize,
    /// Advisories per ecosystem.
    pub ecosystems: BTreeMap<String, usize>,
}

/// An advisory database in memory, indexed by ecosystem and normalised name.
#[derive(Debug)]
pub struct AdvisoryDb {
    pub meta: DbMeta,
    /// `true` for the snapshot built into the binary.
    pub bundled: bool,
    advisories: Vec<Advisory>,
    index: HashMap<(Ecosystem, String), Vec<usize>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// An I/O error, shown as its own text; kept out of the `source` chain so that a
    /// printed chain does not say it twice.
    #[error("{0}")]
    Io(io::Error),
    #[error("not an aispm advisory database: {0}")]
    Format(String),
    #[error("{0}")]
    Import(String),
}

impl From<io::Error> for DbError {
    fn from(e: io::Error) -> Self {
        DbError::Io(e)
    }
}

impl AdvisoryDb {
    /// Builds a database from records (sorted by ID, later duplicates of an ID win when
    /// their `modified` is newer).
    pub fn from_advisories(mut meta: DbMeta, advisories: Vec<Advisory>, bundled: bool) -> Self {
        let mut by_id: BTreeMap<String, Advisory> = BTreeMap::new();
        for a in advisories {
            match by_id.get(&a.id) {
                Some(old) if old.modified >= a.modified => {}
                _ => {
                    by_id.insert(a.id.clone(), a);
                }
            }
        }
        let advisories: Vec<Advisory> = by_id.into_values().collect();
        let mut index: HashMap<(Ecosystem, String), Vec<usize>> = HashMap::new();
        let mut ecosystems: BTreeMap<String, usize> = BTreeMap::new();
        for (i, a) in advisories.iter().enumerate() {
            let mut seen_eco = Vec::new();
            for aff in &a.affected {
                let eco = aff.package.ecosystem;
                let key = (eco, eco.normalize(&aff.package.name));
                let list = index.entry(key).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
                if !seen_eco.contains(&eco) {
                    seen_eco.push(eco);
                    *ecosystems.entry(eco.as_str().to_string()).or_default() += 1;
                }
            }
        }
        meta.advisories = advisories.len();
        meta.ecosystems = ecosystems;
        meta.aispm_advisory_db = FORMAT;
        AdvisoryDb {
            meta,
            bundled,
            advisories,
            index,
        }
    }

    /// The snapshot built into the binary, parsed once on first use.
    pub fn bundled() -> &'static AdvisoryDb {
        static DB: OnceLock<AdvisoryDb> = OnceLock::new();
        DB.get_or_init(|| {
            // The embedded file is tested to load; should it ever not, an empty
            // database keeps scans working and the header says why.
            AdvisoryDb::read(BUNDLED_BYTES, true).unwrap_or_else(|e| {
                AdvisoryDb::from_advisories(
                    DbMeta {
                        aispm_advisory_db: FORMAT,
                        source: format!("bundled snapshot failed to load: {e}"),
                        source_commit: None,
                        date: String::new(),
                        license: None,
                        advisories: 0,
                        ecosystems: BTreeMap::new(),
                    },
                    Vec::new(),
                    true,
                )
            })
        })
    }

    /// The compressed bytes of the bundled snapshot.
    pub fn bundled_bytes() -> &'static [u8] {
        BUNDLED_BYTES
    }

    /// Reads a database file (gzip'd header line + records).
    pub fn read(gz: &[u8], bundled: bool) -> Result<AdvisoryDb, DbError> {
        let mut text = String::new();
        GzDecoder::new(gz)
            .take(MAX_DB_BYTES)
            .read_to_string(&mut text)
            .map_err(|e| DbError::Format(e.to_string()))?;
        let mut lines = text.lines();
        let header = lines
            .next()
            .ok_or_else(|| DbError::Format("empty".into()))?;
        let meta: DbMeta =
            serde_json::from_str(header).map_err(|e| DbError::Format(format!("header: {e}")))?;
        if meta.aispm_advisory_db != FORMAT {
            return Err(DbError::Format(format!(
                "format {} (this build reads {FORMAT})",
                meta.aispm_advisory_db
            )));
        }
        let mut advisories = Vec::with_capacity(meta.advisories);
        for (n, line) in lines.enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let a: Advisory = serde_json::from_str(line)
                .map_err(|e| DbError::Format(format!("record {}: {e}", n + 1)))?;
            advisories.push(a);
        }
        Ok(AdvisoryDb::from_advisories(meta, advisories, bundled))
    }

    /// Reads a database file from disk.
    pub fn load(path: &Path) -> Result<AdvisoryDb, DbError> {
        let bytes = std::fs::read(path)?;
        AdvisoryDb::read(&bytes, false)
    }

    /// The uncompressed text of the database: header and one record per line.
    pub fn to_text(&self) -> String {
        let mut out = serde_json::to_string(&self.meta).unwrap_or_default();
        out.push('\n');
        for a in &self.advisories {
            if let Ok(line) = serde_json::to_string(a) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }

    /// The database file's bytes: deterministic gzip (no name, time zero).
    pub fn to_gzip(&self) -> io::Result<Vec<u8>> {
        let mut enc = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), Compression::best());
        enc.write_all(self.to_text().as_bytes())?;
        enc.finish()
    }

    /// Writes the file atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), DbError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, self.to_gzip()?)?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    pub fn advisories(&self) -> &[Advisory] {
        &self.advisories
    }

    pub fn has_ecosystem(&self, eco: Ecosystem) -> bool {
        self.meta.ecosystems.get(eco.as_str()).copied().unwrap_or(0) > 0
    }

    /// Number of distinct packages with advisories.
    pub fn package_count(&self) -> usize {
        self.index.len()
    }

    /// Advisories naming the package (normalised name).
    pub fn for_package<'a>(
        &'a self,
        eco: Ecosystem,
        normalized: &str,
    ) -> impl Iterator<Item = &'a Advisory> + 'a {
        self.index
            .get(&(eco, normalized.to_string()))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.advisories.get(i))
    }

    /// One line describing the database, for reports.
    pub fn describe(&self) -> String {
        let mut s = if self.bundled {
            format!("bundled snapshot of {}", self.meta.source)
        } else {
            format!("imported from {}", self.meta.source)
        };
        if let Some(c) = &self.meta.source_commit {
            s.push_str(&format!(" at {}", &c[..c.len().min(12)]));
        }
        if !self.meta.date.is_empty() {
            s.push_str(&format!(" ({})", self.meta.date));
        }
        s.push_str(&format!(", {} advisories", self.meta.advisories));
        s
    }
}

/// What an import read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportStats {
    pub files_read: usize,
    pub kept: usize,
    pub withdrawn: usize,
    pub other_ecosystems: usize,
    /// Files or members that could not be read or parsed, with the reason (the first
    /// few only; `failed` counts all).
    pub failures: Vec<String>,
    pub failed: usize,
}

impl ImportStats {
    fn fail(&mut self, what: String) {
        self.failed += 1;
        if self.failures.len() < 20 {
            self.failures.push(what);
        }
    }

    fn take(&mut self, parsed: Parsed, out: &mut Vec<Advisory>) {
        match parsed {
            Parsed::Kept(a) => {
                self.kept += 1;
                out.push(*a);
            }
            Parsed::Withdrawn => self.withdrawn += 1,
            Parsed::OtherEcosystem => self.other_ecosystems += 1,
        }
    }
}

fn kind_of(name: &str) -> Option<bool> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        Some(false)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Some(true)
    } else {
        None
    }
}

fn read_text(stats: &mut ImportStats, name: &str, text: &str, yaml: bool, out: &mut Vec<Advisory>) {
    stats.files_read += 1;
    if yaml {
        match parse_record(text, true) {
            Ok(p) => stats.take(p, out),
            Err(e) => stats.fail(format!("{name}: {e}")),
        }
    } else {
        match parse_json_document(text) {
            Ok(list) => {
                for p in list {
                    stats.take(p, out);
                }
            }
            Err(e) => stats.fail(format!("{name}: {e}")),
        }
    }
}

/// Reads OSV records from a folder (recursively: `.json`, `.yaml`, `.yml`), a zip
/// export such as osv.dev's `all.zip`, or a single JSON/YAML file. Records about
/// ecosystems other than PyPI and npm, and withdrawn records, are counted and left
/// out.
pub fn import_path(path: &Path, out: &mut Vec<Advisory>) -> Result<ImportStats, DbError> {
    let mut stats = ImportStats::default();
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        import_dir(path, path, 0, &mut stats, out)?;
    } else {
        let mut head = [0u8; 4];
        let n = std::fs::File::open(path)?.read(&mut head)?;
        if head[..n].starts_with(b"PK\x03\x04") || head[..n].starts_with(b"PK\x05\x06") {
            import_zip(path, &mut stats, out)?;
        } else {
            let name = path.to_string_lossy().into_owned();
            let yaml = kind_of(&name).unwrap_or(false);
            if meta.len() > MAX_RECORD_FILE * 64 {
                return Err(DbError::Import(format!("{name} is too large for one file")));
            }
            let text = std::fs::read_to_string(path)?;
            read_text(&mut stats, &name, &text, yaml, out);
        }
    }
    Ok(stats)
}

fn import_dir(
    root: &Path,
    dir: &Path,
    depth: usize,
    stats: &mut ImportStats,
    out: &mut Vec<Advisory>,
) -> Result<(), DbError> {
    if depth > 16 {
        stats.fail(format!("{}: nested too deep", dir.display()));
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let Ok(m) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
        if m.is_dir() {
            import_dir(root, &p, depth + 1, stats, out)?;
        } else if m.is_file()
            && let Some(yaml) = kind_of(&rel)
        {
            if m.len() > MAX_RECORD_FILE {
                stats.fail(format!("{rel}: larger than {MAX_RECORD_FILE} bytes"));
                continue;
            }
            match std::fs::read_to_string(&p) {
                Ok(text) => read_text(stats, &rel, &text, yaml, out),
                Err(e) => stats.fail(format!("{rel}: {e}")),
            }
        }
    }
    Ok(())
}

fn import_zip(
    path: &Path,
    stats: &mut ImportStats,
    out: &mut Vec<Advisory>,
) -> Result<(), DbError> {
    let file = std::fs::File::open(path)?;
    let mut zip = zip::ZipArchive::new(io::BufReader::new(file))
        .map_err(|e| DbError::Import(format!("{}: {e}", path.display())))?;
    for i in 0..zip.len() {
        let mut member = match zip.by_index(i) {
            Ok(m) => m,
            Err(e) => {
                stats.fail(format!("member {i}: {e}"));
                continue;
            }
        };
        if member.is_dir() {
            continue;
        }
        let name = String::from_utf8_lossy(member.name_raw()).into_owned();
        let Some(yaml) = kind_of(&name) else { continue };
        let mut buf = Vec::new();
        if let Err(e) = (&mut member)
            .take(MAX_RECORD_FILE + 1)
            .read_to_end(&mut buf)
        {
            stats.fail(format!("{name}: {e}"));
            continue;
        }
        if buf.len() as u64 > MAX_RECORD_FILE {
            stats.fail(format!("{name}: larger than {MAX_RECORD_FILE} bytes"));
            continue;
        }
        match String::from_utf8(buf) {
            Ok(text) => read_text(stats, &name, &text, yaml, out),
            Err(_) => stats.fail(format!("{name}: not UTF-8")),
        }
    }
    Ok(())
}

/// The result of [`import_into`].
#[derive(Debug)]
pub struct ImportOutcome {
    pub db: AdvisoryDb,
    /// What each input gave.
    pub inputs: Vec<(PathBuf, ImportStats)>,
    /// Where the database was written.
    pub written_to: PathBuf,
}

/// Imports OSV records from every path into one database and writes it to `dest`
/// (replacing an earlier import). Nothing is written when no PyPI or npm advisory
/// was found.
pub fn import_into(paths: &[PathBuf], dest: &Path) -> Result<ImportOutcome, DbError> {
    let mut records = Vec::new();
    let mut inputs = Vec::new();
    for p in paths {
        let stats = import_path(p, &mut records)
            .map_err(|e| DbError::Import(format!("{}: {e}", p.display())))?;
        inputs.push((p.clone(), stats));
    }
    if records.is_empty() {
        return Err(DbError::Import(
            "no PyPI or npm advisory found; the database was not changed".into(),
        ));
    }
    let source = paths
        .iter()
        .map(|p| {
            std::fs::canonicalize(p)
                .unwrap_or_else(|_| p.clone())
                .display()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("; ");
    let meta = DbMeta {
        aispm_advisory_db: FORMAT,
        source,
        source_commit: None,
        date: today(),
        license: None,
        advisories: 0,
        ecosystems: BTreeMap::new(),
    };
    let db = AdvisoryDb::from_advisories(meta, records, false);
    db.save(dest)?;
    Ok(ImportOutcome {
        db,
        inputs,
        written_to: dest.to_path_buf(),
    })
}

/// The folder where `aispm db import` writes and scans look: `$AISPM_DATA_DIR`, else
/// `$XDG_DATA_HOME/aispm`, else `~/.local/share/aispm` (`%LOCALAPPDATA%\aispm` on
/// Windows).
pub fn data_dir() -> Option<PathBuf> {
    let non_empty = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(d) = non_empty("AISPM_DATA_DIR") {
        return Some(d);
    }
    if let Some(d) = non_empty("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
        return Some(d.join("aispm"));
    }
    if cfg!(windows)
        && let Some(d) = non_empty("LOCALAPPDATA")
    {
        return Some(d.join("aispm"));
    }
    non_empty("HOME").map(|h| h.join(".local/share/aispm"))
}

/// Path of the imported database, if a data folder is known.
pub fn imported_path() -> Option<PathBuf> {
    data_dir().map(|d| d.join(IMPORTED_FILE))
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil-from-days (proleptic Gregorian), after H. Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (anything after the day, such as a
/// time, is ignored); `None` when it is not such a date.
pub fn days_of(date: &str) -> Option<i64> {
    let mut parts = date.get(..10)?.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days-from-civil, the inverse of `today`'s conversion.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Whole days from `date` to `today` (both `YYYY-MM-DD`).
pub fn age_days(date: &str, today: &str) -> Option<i64> {
    Some(days_of(today)? - days_of(date)?)
}

/// Advisory data older than this many days is called stale (a warning notice in
/// scans, a line in `aispm db status`).
pub const STALE_AFTER_DAYS: i64 = 90;

/// How to bring fresh advisories in, for notices and `aispm db status`.
pub const IMPORT_HINT: &str = "import fresh OSV exports with `aispm db import PyPI-all.zip \
npm-all.zip` (osv.dev publishes them at \
https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip)";

/// Where one ecosystem's advisories come from, as `aispm db status` and scan notices
/// state it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcosystemData {
    pub ecosystem: Ecosystem,
    /// `None` when no database has advisories for the ecosystem.
    pub source: Option<DataSource>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSource {
    pub bundled: bool,
    /// [`AdvisoryDb::describe`].
    pub description: String,
    /// `YYYY-MM-DD`, empty when unknown.
    pub date: String,
    pub advisories: usize,
    /// Days from `date` to the day asked about, when both are dates.
    pub age_days: Option<i64>,
}

impl DataSource {
    pub fn is_stale(&self) -> bool {
        self.age_days.is_none_or(|d| d > STALE_AFTER_DAYS)
    }
}

impl EcosystemData {
    /// `bundled snapshot (2024-10-10, 788 days old)`, or what is missing.
    pub fn summary(&self) -> String {
        match &self.source {
            None => "no advisory data (malicious-package list and look-alike names only)".into(),
            Some(s) => {
                let what = if s.bundled {
                    "bundled snapshot"
                } else {
                    "imported database"
                };
                let date = if s.date.is_empty() {
                    "date unknown".to_string()
                } else {
                    s.date.clone()
                };
                match s.age_days {
                    Some(d) => {
                        format!("{what} ({date}, {d} days old, {} advisories)", s.advisories)
                    }
                    None => format!("{what} ({date}, {} advisories)", s.advisories),
                }
            }
        }
    }
}

/// What a scan matches against: the imported database for the ecosystems it covers,
/// the bundled snapshot for the others.
#[derive(Debug)]
pub struct Advisories {
    imported: Option<AdvisoryDb>,
    /// Why the imported database could not be used, if it exists but failed to load.
    pub problem: Option<(String, String)>,
}

impl Advisories {
    /// Only the bundled snapshot.
    pub fn bundled_only() -> Advisories {
        Advisories {
            imported: None,
            problem: None,
        }
    }

    /// With a specific imported database (tests, embedding).
    pub fn with_imported(db: AdvisoryDb) -> Advisories {
        Advisories {
            imported: Some(db),
            problem: None,
        }
    }

    /// The imported database from the data folder when there is one, and the bundled
    /// snapshot.
    pub fn from_environment() -> Advisories {
        let Some(path) = imported_path().filter(|p| p.is_file()) else {
            return Advisories::bundled_only();
        };
        match AdvisoryDb::load(&path) {
            Ok(db) => Advisories::with_imported(db),
            Err(e) => Advisories {
                imported: None,
                problem: Some((
                    path.display().to_string(),
                    format!("imported advisory database not used ({e}); the bundled snapshot was"),
                )),
            },
        }
    }

    /// The database used for an ecosystem.
    pub fn for_ecosystem(&self, eco: Ecosystem) -> &AdvisoryDb {
        match &self.imported {
            Some(db) if db.has_ecosystem(eco) => db,
            _ => AdvisoryDb::bundled(),
        }
    }

    pub fn imported(&self) -> Option<&AdvisoryDb> {
        self.imported.as_ref()
    }

    /// Where the ecosystem's advisories come from, judged on `today` (`YYYY-MM-DD`).
    pub fn data_for(&self, eco: Ecosystem, today: &str) -> EcosystemData {
        let db = self.for_ecosystem(eco);
        EcosystemData {
            ecosystem: eco,
            source: db.has_ecosystem(eco).then(|| DataSource {
                bundled: db.bundled,
                description: db.describe(),
                date: db.meta.date.clone(),
                advisories: db.meta.ecosystems.get(eco.as_str()).copied().unwrap_or(0),
                age_days: age_days(&db.meta.date, today),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.starts_with("20"));
        assert_eq!(days_of("1970-01-01"), Some(0));
        assert_eq!(days_of("2000-03-01"), Some(11_017));
        assert_eq!(days_of("2024-10-10T00:00:00Z"), Some(20_006));
        assert_eq!(age_days("2024-10-10", "2025-01-08"), Some(90));
        assert_eq!(age_days("2024-02-28", "2024-03-01"), Some(2));
        assert_eq!(days_of(&today()).map(|d| d > 19_000), Some(true));
        for bad in ["", "2024-13-01", "2024-1-1", "yesterday", "2024-10-1x"] {
            assert_eq!(days_of(bad), None, "{bad}");
        }
    }
}

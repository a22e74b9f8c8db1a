//! The bundled snapshot's provenance and how it is built from the PyPA advisory
//! database (see `examples/snapshot.rs` and `data/SOURCES.md`).

use crate::db::{AdvisoryDb, DbError, DbMeta, ImportStats, import_path};
use std::collections::BTreeMap;
use std::path::Path;

/// Where the bundled records come from.
pub const SOURCE: &str = "PyPA advisory-database (https://github.com/pypa/advisory-database)";
/// Licence of the bundled records.
pub const LICENSE: &str = "CC-BY-4.0";

/// Reads a folder of PyPA OSV YAML records into a snapshot database.
pub fn build(
    dir: &Path,
    commit: Option<String>,
    date: String,
) -> Result<(AdvisoryDb, ImportStats), DbError> {
    let mut records = Vec::new();
    let stats = import_path(dir, &mut records)?;
    let meta = DbMeta {
        aispm_advisory_db: crate::db::FORMAT,
        source: SOURCE.to_string(),
        source_commit: commit,
        date,
        license: Some(LICENSE.to_string()),
        advisories: 0,
        ecosystems: BTreeMap::new(),
    };
    Ok((AdvisoryDb::from_advisories(meta, records, true), stats))
}

//! `aispm db`: import newer OSV advisories for dependency matching, and show which
//! advisory databases scans use. The work is done by `aispm_deps::db`.

use aispm_deps::db::{self, AdvisoryDb};
use aispm_deps::osv::Ecosystem;
use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Import OSV advisories: a folder of OSV JSON or YAML records, an osv.dev zip
    /// export (e.g. PyPI/all.zip, npm/all.zip) or one file. Several paths are merged.
    /// The result replaces any earlier import; scans prefer it for the ecosystems it
    /// covers and use the bundled snapshot for the others.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Show the bundled snapshot, the imported database, which one scans use for each
    /// ecosystem, how old that data is, and which ecosystems have none.
    Status,
}

fn summary(db: &AdvisoryDb) -> String {
    let ecos: Vec<String> = db
        .meta
        .ecosystems
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    format!(
        "{} advisories for {} packages ({})",
        db.meta.advisories,
        db.package_count(),
        ecos.join(", ")
    )
}

pub fn run(cmd: DbCommand) -> Result<u8> {
    let target = db::imported_path()
        .context("no data folder: set AISPM_DATA_DIR (or HOME / XDG_DATA_HOME)")?;
    match cmd {
        DbCommand::Import { paths } => {
            let started = std::time::Instant::now();
            let out = db::import_into(&paths, &target)?;
            for (p, s) in &out.inputs {
                println!(
                    "{}: {} files read, {} advisories kept, {} withdrawn, {} for other ecosystems, {} unreadable",
                    p.display(),
                    s.files_read,
                    s.kept,
                    s.withdrawn,
                    s.other_ecosystems,
                    s.failed
                );
                for f in &s.failures {
                    println!("  unreadable: {f}");
                }
            }
            println!(
                "imported {} into {} in {:.1}s",
                summary(&out.db),
                out.written_to.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(0)
        }
        DbCommand::Status => {
            let bundled = AdvisoryDb::bundled();
            println!("bundled:  {}; {}", bundled.describe(), summary(bundled));
            let advisories = db::Advisories::from_environment();
            match (advisories.imported(), &advisories.problem) {
                (Some(imported), _) => println!(
                    "imported: {} ({}); {}",
                    imported.describe(),
                    target.display(),
                    summary(imported)
                ),
                (None, Some((path, problem))) => println!("imported: {path}: {problem}"),
                (None, None) => println!("imported: none ({} does not exist)", target.display()),
            }
            let today = db::today();
            let mut stale = Vec::new();
            let mut missing = Vec::new();
            for eco in Ecosystem::ALL {
                let data = advisories.data_for(eco, &today);
                println!("{:<8}  {}", format!("{}:", eco.as_str()), data.summary());
                match &data.source {
                    Some(s) if s.is_stale() => stale.push(eco.as_str()),
                    Some(_) => {}
                    None => missing.push(eco.as_str()),
                }
            }
            if !stale.is_empty() {
                println!(
                    "warning: the {} data is older than {} days; {}",
                    stale.join(" and "),
                    db::STALE_AFTER_DAYS,
                    db::IMPORT_HINT
                );
            }
            if !missing.is_empty() {
                println!(
                    "warning: no advisory data for {}; {}",
                    missing.join(" and "),
                    db::IMPORT_HINT
                );
            }
            Ok(0)
        }
    }
}

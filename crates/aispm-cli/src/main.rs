//! The `aispm` command line: parses arguments and wires the engine, the analyzers and
//! the report writers together. It holds no detection logic.
#![forbid(unsafe_code)]

mod db;
mod progress;

use aispm_core::{Analyzer, Severity};
use aispm_engine::{Baseline, Config, Overrides, ScanOptions, Scanner, SelectionOptions};
use aispm_report::{Format, RenderOptions};
use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code when a finding at or above `--fail-on` remains.
const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage errors and fatal errors.
const EXIT_ERROR: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "aispm",
    version,
    about = "AI security posture management: inventory and risks of models, data, code, agents and AI infrastructure",
    long_about = None,
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan files and folders: AI asset inventory and findings.
    Scan(Box<ScanArgs>),
    /// List the rules.
    Rules {
        /// Output format (table or json).
        #[arg(long, short, default_value = "table")]
        format: String,
    },
    /// Print the documentation of a rule.
    Explain {
        /// Rule ID, e.g. ART001.
        rule: String,
    },
    /// The offline advisory database for dependency matching.
    #[command(subcommand)]
    Db(db::DbCommand),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
struct ScanArgs {
    /// Files or folders to scan.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Report format: table, json or sarif.
    #[arg(long, short, default_value = "table")]
    format: String,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a finding at or above this severity remains
    /// (critical, high, medium, low, info).
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<Severity>,
    /// Report only these rules (IDs or prefixes, comma-separated). Analyzers owning
    /// none of them do not run, nor does the asset inventory.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,
    /// Do not report these rules (IDs or prefixes, comma-separated). An analyzer all
    /// of whose rules are ignored does not run.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// Do not scan paths matching this glob (gitignore syntax; repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Configuration file (default: aispm.toml found upward from the first path).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore any aispm.toml.
    #[arg(long)]
    no_config: bool,
    /// Suppress findings whose fingerprints are in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write the fingerprints of the current findings to FILE.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Also scan untracked files that .gitignore excludes (files git tracks are
    /// scanned whatever .gitignore says).
    #[arg(long)]
    no_gitignore: bool,
    /// Also scan the git history: every blob reachable from any branch, tag or remote
    /// of the repository the paths are in, once; findings name the commit.
    #[arg(long)]
    history: bool,
    /// List suppressed findings in the table output too.
    #[arg(long)]
    show_suppressed: bool,
    /// List low and info findings one by one in the table output (by default they
    /// are folded into one line per rule with a count).
    #[arg(long)]
    show_low: bool,
    /// Table output in full: low and info findings listed, every inventory group and
    /// asset, every error and suppressed finding.
    #[arg(long, short)]
    verbose: bool,
    /// No progress output.
    #[arg(long, short)]
    quiet: bool,
    /// When to use colours in the table output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Largest file read at all (e.g. 10GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_file_size: Option<u64>,
    /// How many archive levels are opened.
    #[arg(long, value_name = "N")]
    max_archive_depth: Option<u32>,
    /// Largest total of bytes decompressed out of one file (e.g. 8GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_expanded_bytes: Option<u64>,
    /// Largest accepted expansion ratio of an archive member.
    #[arg(long, value_name = "N")]
    max_expansion_ratio: Option<u64>,
    /// Time budget per file, in milliseconds.
    #[arg(long, value_name = "MS")]
    time_per_file_ms: Option<u64>,
    /// Largest file given a SHA-256 in the inventory (default 256MiB; larger files are
    /// analysed in full but not hashed, and their assets say so).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_hash_size: Option<u64>,
    /// Hash every file whatever its size (for a complete AI-BOM or integrity baseline).
    #[arg(long, conflicts_with = "max_hash_size")]
    hash_all: bool,
}

fn parse_size(s: &str) -> Result<u64, aispm_engine::config::ByteSizeError> {
    aispm_engine::config::parse_byte_size(s)
}

/// The analyzers of this build.
fn analyzers() -> Vec<Box<dyn Analyzer>> {
    let mut all: Vec<Box<dyn Analyzer>> = vec![Box::new(aispm_inventory::InventoryAnalyzer::new())];
    all.extend(aispm_models::analyzers());
    all.push(Box::new(aispm_deps::DepsAnalyzer::new()));
    all.push(Box::new(aispm_secrets::SecretsAnalyzer::new()));
    all.push(Box::new(aispm_code::CodeAnalyzer::new()));
    all.push(Box::new(aispm_agents::AgentsAnalyzer::new()));
    all
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { 0 });
        }
    };
    // Analyzer bugs are caught by the engine and recorded; keep the terminal clean.
    std::panic::set_hook(Box::new(|info| {
        if std::env::var_os("AISPM_DEBUG").is_some() {
            eprintln!("aispm: internal error: {info}");
        }
    }));
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("aispm: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(args) => scan(*args),
        Command::Rules { format } => {
            let format: Format = format.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let scanner = Scanner::new(analyzers(), ScanOptions::default())?;
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut out = std::io::stdout().lock();
            aispm_report::render_rules(scanner.registry(), format, color, &mut out)?;
            Ok(0)
        }
        Command::Db(cmd) => db::run(cmd),
        Command::Explain { rule } => {
            let scanner = Scanner::new(analyzers(), ScanOptions::default())?;
            match scanner.registry().get(rule.trim()) {
                Some(r) => {
                    print!("{}", r.doc());
                    Ok(0)
                }
                None => bail!("unknown rule `{rule}`; `aispm rules` lists them"),
            }
        }
    }
}

fn scan(args: ScanArgs) -> Result<u8> {
    let format: Format = args.format.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    for p in &args.paths {
        if std::fs::symlink_metadata(p).is_err() {
            bail!("path does not exist: {}", p.display());
        }
    }

    // Configuration: explicit file, else aispm.toml upward from the first path.
    let config_path = if args.no_config {
        None
    } else {
        match &args.config {
            Some(p) => Some(p.clone()),
            None => Config::discover(&args.paths[0]),
        }
    };
    let config = match &config_path {
        Some(p) => Config::from_file(p)?,
        None => Config::default(),
    };

    let resolved = config.resolve(&Overrides {
        max_file_size: args.max_file_size,
        max_archive_depth: args.max_archive_depth,
        max_expanded_bytes: args.max_expanded_bytes,
        max_expansion_ratio: args.max_expansion_ratio,
        time_per_file_ms: args.time_per_file_ms,
        max_hash_size: args.max_hash_size,
        hash_all: args.hash_all,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        exclude: args.exclude.clone(),
        fail_on: args.fail_on,
        no_gitignore: args.no_gitignore,
    });
    let baseline = match &args.baseline {
        Some(p) => Some(Baseline::load(p)?),
        None => None,
    };
    let fail_on = resolved.fail_on;

    let options = ScanOptions {
        limits: resolved.limits,
        excludes: resolved.excludes,
        respect_gitignore: resolved.respect_gitignore,
        threads: args.threads,
        selection: SelectionOptions {
            select: resolved.select,
            ignore: resolved.ignore,
            path_ignores: resolved.path_ignores,
            baseline,
        },
        config_path: config_path
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned()),
        history: args.history,
    };
    let analyzers = analyzers();
    if args.history && !args.quiet && !analyzers.iter().any(|a| a.scans_history()) {
        eprintln!(
            "aispm: note: no analyzer of this build scans git history; --history only walks the commits"
        );
    }
    let scanner = Scanner::new(analyzers, options)?;
    for sel in scanner
        .options()
        .selection
        .select
        .iter()
        .chain(&scanner.options().selection.ignore)
    {
        if !scanner.registry().selector_is_known(sel) {
            bail!("`{sel}` matches no rule; `aispm rules` lists them");
        }
    }

    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let bar = show_progress.then(progress::ScanProgress::new);
    let report = scanner.scan(
        &args.paths,
        bar.as_ref().map(|b| b as &dyn aispm_engine::Progress),
    );
    if let Some(b) = &bar {
        b.finish();
    }

    if let Some(path) = &args.write_baseline {
        Baseline::from_report(&report).save(path)?;
        if !args.quiet {
            eprintln!(
                "aispm: wrote {} fingerprints to {}",
                report.findings.len(),
                path.display()
            );
        }
    }

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let opts = RenderOptions {
        color,
        show_suppressed: args.show_suppressed,
        show_low: args.show_low,
        verbose: args.verbose,
        // Fit a terminal; never wrap a file or a pipe.
        width: if to_terminal {
            aispm_report::terminal_width()
        } else {
            None
        },
        ..RenderOptions::default()
    };
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            aispm_report::render(&report, scanner.registry(), format, &opts, &mut w)?;
            w.flush()?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            if let Err(e) = aispm_report::render(&report, scanner.registry(), format, &opts, &mut w)
                .and_then(|_| w.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e.into());
            }
        }
    }

    Ok(match fail_on {
        Some(min) if aispm_engine::finalize::count_at_or_above(&report, min) > 0 => EXIT_FINDINGS,
        _ => 0,
    })
}

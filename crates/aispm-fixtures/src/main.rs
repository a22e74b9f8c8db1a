//! `aispm-fixtures`: writes the demo estate's binary files and the benchmark trees.
//! Argument handling is deliberately tiny; all the work lives in the library.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use aispm_fixtures::bench::{Profile, TreeSpec, write_bench_tree, write_large_safetensors};
use aispm_fixtures::bench_models::{PickleProtocol, write_big_pickle, write_big_torch_zip};
use aispm_fixtures::demo::write_demo_estate;
use aispm_fixtures::git_history::{HistorySpec, write_fast_import};

const USAGE: &str = "\
usage:
  aispm-fixtures demo <OUT_DIR>
      write the demo estate's binary files (models, hub cache) under OUT_DIR
  aispm-fixtures model-fixtures <OUT_DIR>
      write the positive and negative fixtures of the model rules under OUT_DIR
  aispm-fixtures bench-tree <OUT_DIR> --files N --bytes B [--profile mixed|small] [--seed S]
      write a benchmark tree of N files totalling about B bytes
  aispm-fixtures large-safetensors <OUT_FILE> --bytes B [--sparse]
      write one safetensors file of about B bytes (streamed, or sparse)
  aispm-fixtures big-pickle <OUT_FILE> --bytes B [--protocol 4|5] [--seed S]
      write a pickle of a dict of NumPy arrays holding B bytes of float32 data (streamed)
  aispm-fixtures big-torch-zip <OUT_FILE> --bytes B [--seed S]
      write a PyTorch zip checkpoint whose storages hold B bytes (streamed)
  aispm-fixtures git-history <OUT_FILE|-> --commits N [--files F] [--seed S] [--labels FILE]
      write a `git fast-import` stream of a generated history of N commits on main
      (feature branches, merges, tags, planted and removed fake credentials);
      load it with `git -C REPO fast-import < OUT_FILE`

Sizes accept the suffixes K, M, G (powers of 1024).";

fn usage(msg: &str) -> ExitCode {
    if !msg.is_empty() {
        eprintln!("aispm-fixtures: {msg}");
    }
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn parse_size(s: &str) -> Option<u64> {
    let (num, mult) = match s.chars().last()?.to_ascii_uppercase() {
        'K' => (&s[..s.len() - 1], 1u64 << 10),
        'M' => (&s[..s.len() - 1], 1 << 20),
        'G' => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.replace('_', "").parse::<u64>().ok()?.checked_mul(mult)
}

/// Options after the positional path: `--name value` pairs and bare flags.
struct Opts {
    pairs: Vec<(String, String)>,
    flags: Vec<String>,
}

fn parse_opts(args: &[String], flag_names: &[&str]) -> Result<Opts, String> {
    let mut pairs = Vec::new();
    let mut flags = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if !a.starts_with("--") {
            return Err(format!("unexpected argument `{a}`"));
        }
        if flag_names.contains(&a.as_str()) {
            flags.push(a.clone());
        } else {
            let v = it.next().ok_or_else(|| format!("`{a}` needs a value"))?;
            pairs.push((a.clone(), v.clone()));
        }
    }
    Ok(Opts { pairs, flags })
}

impl Opts {
    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn check_known(&self, known: &[&str]) -> Result<(), String> {
        match self
            .pairs
            .iter()
            .find(|(k, _)| !known.contains(&k.as_str()))
        {
            Some((k, _)) => Err(format!("unknown option `{k}`")),
            None => Ok(()),
        }
    }

    fn size(&self, name: &str) -> Result<u64, String> {
        let v = self
            .get(name)
            .ok_or_else(|| format!("`{name}` is required"))?;
        parse_size(v).ok_or_else(|| format!("`{name}`: not a size: `{v}`"))
    }
}

fn seed_opt(o: &Opts) -> Result<u64, String> {
    match o.get("--seed") {
        Some(s) => s
            .parse()
            .map_err(|_| format!("`--seed`: not a number: `{s}`")),
        None => Ok(42),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        return usage("");
    };
    if cmd == "-h" || cmd == "--help" || cmd == "help" {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let Some(path) = args.get(1).filter(|p| !p.starts_with("--")) else {
        return usage(&format!("`{cmd}` needs an output path"));
    };
    let path = PathBuf::from(path);
    let rest = &args[2..];
    let result = match cmd.as_str() {
        "demo" => {
            if !rest.is_empty() {
                return usage("`demo` takes only an output directory");
            }
            write_demo_estate(&path).map(|written| {
                for rel in written {
                    println!("{}", rel.display());
                }
            })
        }
        "model-fixtures" => {
            if !rest.is_empty() {
                return usage("`model-fixtures` takes only an output directory");
            }
            aispm_fixtures::model_fixtures::write_all(&path).map(|written| {
                for rel in written {
                    println!("{}", rel.display());
                }
            })
        }
        "bench-tree" => {
            let spec = match parse_opts(rest, &[]).and_then(|o| {
                o.check_known(&["--files", "--bytes", "--profile", "--seed"])?;
                let profile = match o.get("--profile").unwrap_or("mixed") {
                    "mixed" => Profile::Mixed,
                    "small" => Profile::Small,
                    p => return Err(format!("unknown profile `{p}`")),
                };
                let seed = match o.get("--seed") {
                    Some(s) => s
                        .parse()
                        .map_err(|_| format!("`--seed`: not a number: `{s}`"))?,
                    None => 42,
                };
                Ok(TreeSpec {
                    files: o.size("--files")?,
                    bytes: o.size("--bytes")?,
                    profile,
                    seed,
                })
            }) {
                Ok(s) => s,
                Err(e) => return usage(&e),
            };
            write_bench_tree(&path, &spec).map(|stats| println!("{}", stats.to_json()))
        }
        "large-safetensors" => {
            let (bytes, sparse) = match parse_opts(rest, &["--sparse"]).and_then(|o| {
                o.check_known(&["--bytes"])?;
                Ok((o.size("--bytes")?, o.flags.iter().any(|f| f == "--sparse")))
            }) {
                Ok(v) => v,
                Err(e) => return usage(&e),
            };
            write_large_safetensors(&path, bytes, sparse, 7)
                .map(|len| println!("{{\"files\": 1, \"bytes\": {len}, \"sparse\": {sparse}}}"))
        }
        "big-pickle" => {
            let (bytes, protocol, seed) = match parse_opts(rest, &[]).and_then(|o| {
                o.check_known(&["--bytes", "--protocol", "--seed"])?;
                let protocol = match o.get("--protocol").unwrap_or("5") {
                    "4" => PickleProtocol::V4,
                    "5" => PickleProtocol::V5,
                    p => return Err(format!("`--protocol`: 4 or 5, not `{p}`")),
                };
                Ok((o.size("--bytes")?, protocol, seed_opt(&o)?))
            }) {
                Ok(v) => v,
                Err(e) => return usage(&e),
            };
            write_big_pickle(&path, bytes, protocol, seed).map(|(arrays, len)| {
                println!("{{\"files\": 1, \"arrays\": {arrays}, \"bytes\": {len}}}")
            })
        }
        "big-torch-zip" => {
            let (bytes, seed) = match parse_opts(rest, &[]).and_then(|o| {
                o.check_known(&["--bytes", "--seed"])?;
                Ok((o.size("--bytes")?, seed_opt(&o)?))
            }) {
                Ok(v) => v,
                Err(e) => return usage(&e),
            };
            write_big_torch_zip(&path, bytes, seed).map(|(storages, len)| {
                println!("{{\"files\": 1, \"storages\": {storages}, \"bytes\": {len}}}")
            })
        }
        "git-history" => {
            let (spec, labels) = match parse_opts(rest, &[]).and_then(|o| {
                o.check_known(&["--commits", "--files", "--seed", "--labels"])?;
                let files = match o.get("--files") {
                    Some(_) => o.size("--files")?,
                    None => 200,
                };
                Ok((
                    HistorySpec {
                        commits: o.size("--commits")?,
                        files,
                        seed: seed_opt(&o)?,
                    },
                    o.get("--labels").map(PathBuf::from),
                ))
            }) {
                Ok(v) => v,
                Err(e) => return usage(&e),
            };
            write_git_history(&path, &spec, labels.as_deref())
        }
        other => return usage(&format!("unknown command `{other}`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("aispm-fixtures: {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// Writes the fast-import stream to `path` (`-`: standard output), the planted
/// credentials' labels to `labels`, and a JSON summary to stdout (stderr when the
/// stream goes to stdout).
fn write_git_history(
    path: &std::path::Path,
    spec: &HistorySpec,
    labels: Option<&std::path::Path>,
) -> std::io::Result<()> {
    use std::io::Write;
    let stats = if path == std::path::Path::new("-") {
        let stdout = std::io::stdout();
        let mut w = std::io::BufWriter::new(stdout.lock());
        let stats = write_fast_import(&mut w, spec)?;
        w.flush()?;
        eprintln!("{}", stats.to_json());
        stats
    } else {
        let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
        let stats = write_fast_import(&mut w, spec)?;
        w.flush()?;
        println!("{}", stats.to_json());
        stats
    };
    if let Some(l) = labels {
        std::fs::write(l, stats.labels_jsonl())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("2000"), Some(2000));
        assert_eq!(parse_size("50M"), Some(50 << 20));
        assert_eq!(parse_size("2g"), Some(2 << 30));
        assert_eq!(parse_size("1_000"), Some(1000));
        assert_eq!(parse_size("x"), None);
        assert_eq!(parse_size(""), None);
    }
}

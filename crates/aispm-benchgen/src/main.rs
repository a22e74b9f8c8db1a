//! `aispm-benchgen`: writes the benchmark inputs that `bench/` scans (trees of model
//! files, large checkpoints, a labelled source tree with seeded credentials, a labelled
//! application tree, a git history). Argument handling is deliberately tiny; all the
//! work lives in the library.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use aispm_benchgen::bench::{Profile, TreeSpec, write_bench_tree, write_large_safetensors};
use aispm_benchgen::bench_models::{PickleProtocol, write_big_pickle, write_big_torch_zip};

const USAGE: &str = "\
usage:
  aispm-benchgen bench-tree <OUT_DIR> --files N --bytes B [--profile mixed|small] [--seed S]
      write a benchmark tree of N files totalling about B bytes
  aispm-benchgen large-safetensors <OUT_FILE> --bytes B [--sparse]
      write one safetensors file of about B bytes (streamed, or sparse)
  aispm-benchgen big-pickle <OUT_FILE> --bytes B [--protocol 4|5] [--seed S]
      write a pickle of a dict of NumPy arrays holding B bytes of float32 data (streamed)
  aispm-benchgen big-torch-zip <OUT_FILE> --bytes B [--seed S]
      write a PyTorch zip checkpoint whose storages hold B bytes (streamed)
  aispm-benchgen source-tree <OUT_DIR> --bytes B --labels FILE [--secrets N] [--decoys-per-secret N] [--seed S]
      write about B bytes of source with N seeded fake credentials and decoys, labelled in FILE
  aispm-benchgen code-tree <OUT_DIR> --labels FILE [--bytes B] [--seed S]
      write about B bytes (default 200000000) of Python/JS/TS/TSX application code with seeded unsafe sinks
      (model output to eval/shell/SQL/HTML, unsafe model loading) and safe twins, labelled in FILE
  aispm-benchgen git-history <OUT_STREAM> --commits N --labels FILE [--seed S]
      write a git fast-import stream of N commits, some adding credentials later removed

Sizes accept the suffixes K, M, G (powers of 1024).";

fn usage(msg: &str) -> ExitCode {
    if !msg.is_empty() {
        eprintln!("aispm-benchgen: {msg}");
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
        "source-tree" => {
            let (spec, labels) = match parse_opts(rest, &[]).and_then(|o| {
                o.check_known(&[
                    "--bytes",
                    "--labels",
                    "--secrets",
                    "--decoys-per-secret",
                    "--seed",
                ])?;
                let labels = o
                    .get("--labels")
                    .ok_or("`--labels` is required")?
                    .to_string();
                let num = |name: &str, default: u64| match o.get(name) {
                    Some(v) => {
                        parse_size(v).ok_or_else(|| format!("`{name}`: not a number: `{v}`"))
                    }
                    None => Ok(default),
                };
                let spec = aispm_benchgen::secrets_bench::SourceTreeSpec {
                    bytes: o.size("--bytes")?,
                    secrets: num("--secrets", 400)?,
                    decoys_per_secret: num("--decoys-per-secret", 8)?,
                    seed: seed_opt(&o)?,
                };
                Ok((spec, labels))
            }) {
                Ok(v) => v,
                Err(e) => return usage(&e),
            };
            aispm_benchgen::secrets_bench::write_source_tree(&path, labels.as_ref(), &spec)
                .map(|stats| println!("{}", stats.to_json()))
        }
        "code-tree" => {
            let (spec, labels) = match parse_opts(rest, &[]).and_then(|o| {
                o.check_known(&["--bytes", "--labels", "--seed"])?;
                let labels = o
                    .get("--labels")
                    .ok_or("`--labels` is required")?
                    .to_string();
                let spec = aispm_benchgen::code_bench::CodeTreeSpec {
                    bytes: match o.get("--bytes") {
                        Some(_) => o.size("--bytes")?,
                        None => 200_000_000,
                    },
                    seed: seed_opt(&o)?,
                };
                Ok((spec, labels))
            }) {
                Ok(v) => v,
                Err(e) => return usage(&e),
            };
            aispm_benchgen::code_bench::write_code_tree(&path, labels.as_ref(), &spec)
                .map(|stats| println!("{}", stats.to_json()))
        }
        "git-history" => {
            let (spec, labels) = match parse_opts(rest, &[]).and_then(|o| {
                o.check_known(&["--commits", "--labels", "--seed"])?;
                let labels = o
                    .get("--labels")
                    .ok_or("`--labels` is required")?
                    .to_string();
                let commits = o.size("--commits")?;
                let spec = aispm_benchgen::secrets_bench::HistorySpec {
                    commits,
                    seed: seed_opt(&o)?,
                };
                Ok((spec, labels))
            }) {
                Ok(v) => v,
                Err(e) => return usage(&e),
            };
            std::fs::File::create(&path).and_then(|f| {
                aispm_benchgen::secrets_bench::write_history_stream(f, labels.as_ref(), &spec)
                    .map(|stats| println!("{}", stats.to_json()))
            })
        }
        other => return usage(&format!("unknown command `{other}`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("aispm-benchgen: {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
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

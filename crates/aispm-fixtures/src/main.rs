//! `aispm-fixtures`: writes the demo estate's binary files and the model and engine
//! rules' fixtures. The benchmark inputs are `aispm-benchgen`'s.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use aispm_fixtures::demo::write_demo_estate;

const USAGE: &str = "\
usage:
  aispm-fixtures demo <OUT_DIR>
      write the demo estate's binary files (models, hub cache) under OUT_DIR
  aispm-fixtures model-fixtures <OUT_DIR>
      write the positive and negative fixtures of the model rules under OUT_DIR
  aispm-fixtures engine-fixtures <OUT_DIR>
      write the positive and negative fixtures of the engine's rules (ART) under OUT_DIR";

fn usage(msg: &str) -> ExitCode {
    if !msg.is_empty() {
        eprintln!("aispm-fixtures: {msg}");
    }
    eprintln!("{USAGE}");
    ExitCode::from(2)
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
    if args.len() > 2 {
        return usage(&format!("`{cmd}` takes only an output directory"));
    }
    let path = PathBuf::from(path);
    let written = match cmd.as_str() {
        "demo" => write_demo_estate(&path),
        "model-fixtures" => aispm_fixtures::model_fixtures::write_all(&path),
        "engine-fixtures" => aispm_fixtures::engine_fixtures::write_all(&path),
        other => return usage(&format!("unknown command `{other}`")),
    };
    match written {
        Ok(written) => {
            for rel in written {
                println!("{}", rel.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("aispm-fixtures: {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

//! How a server is launched: the program of its command (through `cmd /c`), and the
//! package a launcher (`npx`, `bunx`, `pnpm dlx`, `npm exec`, `uvx`, `uv tool run`,
//! `pipx run`) fetches from a registry, with its version and whether that version is
//! exact.

use super::config::{Arg, Server};

/// The program name of a command: last path component, without `.exe`/`.cmd`.
pub fn program(cmd: &str) -> String {
    let base = cmd
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(cmd)
        .to_ascii_lowercase();
    for suffix in [".exe", ".cmd", ".bat", ".ps1"] {
        if let Some(b) = base.strip_suffix(suffix) {
            return b.to_string();
        }
    }
    base
}

/// The effective command and arguments: `cmd /c npx …` launches `npx …`.
pub fn effective(s: &Server) -> Option<(String, Vec<Arg>)> {
    let cmd = s.command.as_ref()?;
    let mut prog = program(&cmd.text);
    let mut args = s.args.clone();
    // A command string with spaces and no args: "npx -y pkg".
    if args.is_empty() && cmd.text.contains(' ') && !cmd.text.contains(['|', '&', ';', '$']) {
        let mut parts = cmd.text.split_whitespace();
        prog = program(parts.next().unwrap_or(""));
        args = parts
            .map(|p| Arg {
                text: p.to_string(),
                line: cmd.line,
            })
            .collect();
    }
    if prog == "cmd"
        && let Some(i) = args
            .iter()
            .position(|a| a.text.eq_ignore_ascii_case("/c") || a.text.eq_ignore_ascii_case("/k"))
        && let Some(next) = args.get(i + 1)
        && !next.text.contains(' ')
    {
        prog = program(&next.text);
        args = args[i + 2..].to_vec();
    }
    Some((prog, args))
}

/// Whether a npm version spec is an exact version.
fn exact_semver(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Splits `@scope/name@version` / `name@version` into name and version.
pub fn split_npm(spec: &str) -> (&str, Option<&str>) {
    let from = usize::from(spec.starts_with('@'));
    match spec[from..].find('@') {
        Some(i) => (&spec[..from + i], Some(&spec[from + i + 1..])),
        None => (spec, None),
    }
}

/// A package a launcher fetches from a registry.
#[derive(Debug, Clone)]
pub struct Package {
    pub launcher: &'static str,
    pub name: String,
    pub version: Option<String>,
    pub pinned: bool,
    pub line: u32,
}

fn is_local_or_url(spec: &str) -> bool {
    spec.starts_with(['.', '/', '~', '\\', '$']) || spec.contains(':') || spec.ends_with(".tgz")
}

fn npm_package(launcher: &'static str, args: &[Arg]) -> Option<Package> {
    let mut explicit: Option<&Arg> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "-p" || a == "--package" {
            explicit = explicit.or(args.get(i + 1));
            i += 2;
            continue;
        }
        if let Some(v) = a.strip_prefix("--package=") {
            let _ = v;
            explicit = explicit.or(Some(&args[i]));
            i += 1;
            continue;
        }
        if a == "-c" || a == "--call" {
            break;
        }
        if a == "--" {
            i += 1;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        break;
    }
    let chosen = explicit.or_else(|| args.get(i))?;
    let spec = chosen
        .text
        .strip_prefix("--package=")
        .unwrap_or(&chosen.text)
        .trim();
    if spec.is_empty() || spec.starts_with('-') || is_local_or_url(spec) {
        return None;
    }
    let (name, version) = split_npm(spec);
    let pinned = version.is_some_and(exact_semver);
    Some(Package {
        launcher,
        name: name.to_string(),
        version: version.map(str::to_string),
        pinned,
        line: chosen.line,
    })
}

/// `name==1.2.3`, `name@1.2.3`, `name[extra]==1.2.3`.
fn split_python(spec: &str) -> (String, Option<String>, bool) {
    if let Some((n, v)) = spec.split_once("==") {
        let v = v.trim();
        let exact = !v.is_empty() && !v.contains('*') && !v.contains(',');
        return (n.trim().to_string(), Some(v.to_string()), exact);
    }
    if let Some((n, v)) = spec.split_once('@') {
        let exact = v.starts_with(|c: char| c.is_ascii_digit());
        return (n.trim().to_string(), Some(v.to_string()), exact);
    }
    for op in [">=", "<=", "~=", "!=", ">", "<"] {
        if let Some((n, v)) = spec.split_once(op) {
            return (n.trim().to_string(), Some(format!("{op}{v}")), false);
        }
    }
    (spec.to_string(), None, false)
}

fn python_package(launcher: &'static str, args: &[Arg]) -> Option<Package> {
    const WITH_VALUE: &[&str] = &[
        "--from",
        "--spec",
        "--with",
        "--with-editable",
        "--with-requirements",
        "--python",
        "-p",
        "--index",
        "--index-url",
        "--extra-index-url",
        "--default-index",
        "--find-links",
        "-f",
        "--pip-args",
        "--constraint",
        "-c",
        "--override",
        "--directory",
        "--cache-dir",
        "--env-file",
        "--python-platform",
    ];
    let mut from: Option<&Arg> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--from" || a == "--spec" {
            from = args.get(i + 1);
            i += 2;
            continue;
        }
        if a.starts_with("--from=") || a.starts_with("--spec=") {
            from = Some(&args[i]);
            i += 1;
            continue;
        }
        if WITH_VALUE.contains(&a) {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        break;
    }
    let chosen = from.or_else(|| args.get(i))?;
    let spec = chosen
        .text
        .strip_prefix("--from=")
        .or_else(|| chosen.text.strip_prefix("--spec="))
        .unwrap_or(&chosen.text)
        .trim();
    if spec.is_empty() || spec.starts_with('-') || is_local_or_url(spec) || spec.contains(" @ ") {
        return None;
    }
    let (name, version, pinned) = split_python(spec);
    Some(Package {
        launcher,
        name,
        version,
        pinned,
        line: chosen.line,
    })
}

/// The package a server's launcher downloads, if it uses one.
pub fn package_of(s: &Server) -> Option<Package> {
    let (prog, args) = effective(s)?;
    match prog.as_str() {
        "npx" => npm_package("npx", &args),
        "bunx" => npm_package("bunx", &args),
        "pnpx" => npm_package("pnpx", &args),
        "pnpm" | "yarn" if args.first().is_some_and(|a| a.text == "dlx") => {
            npm_package("dlx", &args[1..])
        }
        "npm" if args.first().is_some_and(|a| a.text == "exec") => {
            npm_package("npm exec", &args[1..])
        }
        "uvx" => python_package("uvx", &args),
        "uv" if args.len() >= 2 && args[0].text == "tool" && args[1].text == "run" => {
            python_package("uvx", &args[2..])
        }
        "pipx" if args.first().is_some_and(|a| a.text == "run") => {
            python_package("pipx", &args[1..])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_specs() {
        assert_eq!(split_npm("@a/b@1.2.3"), ("@a/b", Some("1.2.3")));
        assert_eq!(split_npm("pkg"), ("pkg", None));
        assert!(exact_semver("1.2.3-beta.1"));
        assert!(!exact_semver("latest"));
        assert!(!exact_semver("^1.2.3"));
    }
}

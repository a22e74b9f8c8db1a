//! Host paths in a server's arguments.

/// Whether a path is a broad root: the filesystem root, a drive, a home folder (also
/// as a variable: `~`, `$HOME`, `%USERPROFILE%`), or the folder of all homes.
pub fn is_broad_root(p: &str) -> bool {
    let t = p.trim().trim_end_matches(['/', '\\']);
    if t.is_empty() {
        // "/" or "\" trimmed away.
        return !p.trim().is_empty();
    }
    let lower = t.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "~" | "$home"
            | "${home}"
            | "${env:home}"
            | "${userhome}"
            | "%userprofile%"
            | "%homepath%"
            | "c:"
            | "/root"
            | "/users"
            | "/home"
    ) {
        return true;
    }
    let parts: Vec<&str> = t.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
    // /Users/<name>, /home/<name>, C:\Users\<name>
    match parts.as_slice() {
        [u, _] if u.eq_ignore_ascii_case("users") || *u == "home" => t.starts_with(['/', '\\']),
        [d, u, _] if d.len() == 2 && d.ends_with(':') && u.eq_ignore_ascii_case("users") => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broad_roots() {
        for p in [
            "/",
            "~",
            "$HOME",
            "/Users/bob",
            "/home/bob/",
            "C:\\Users\\bob",
            "C:\\",
        ] {
            assert!(is_broad_root(p), "{p}");
        }
        for p in ["/Users/dev/projects", "./data", "/srv/app", "~/projects"] {
            assert!(!is_broad_root(p), "{p}");
        }
    }
}

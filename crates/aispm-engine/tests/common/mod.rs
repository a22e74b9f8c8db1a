//! A git repository in a temporary folder for tests, built with the `git` command
//! (fixtures only; the engine reads repositories with gix). Each test binary uses a
//! part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// A repository in a temporary folder, driven by the `git` command with a fixed
/// identity, fixed dates and no user or system configuration.
pub struct Repo {
    dir: tempfile::TempDir,
}

pub fn git_available() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("git is not installed; history fixtures cannot be built, test skipped");
    }
    ok
}

impl Repo {
    pub fn new() -> Repo {
        let r = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn git_with(&self, args: &[&str], author: (&str, &str), date: &str) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", author.0)
            .env("GIT_AUTHOR_EMAIL", author.1)
            .env("GIT_COMMITTER_NAME", author.0)
            .env("GIT_COMMITTER_EMAIL", author.1)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub fn git(&self, args: &[&str]) -> String {
        self.git_with(
            args,
            ("Test Bot", "bot@example.invalid"),
            "2024-01-01T00:00:00Z",
        )
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).unwrap();
    }

    /// Commits everything as `author` at `date` and returns the commit id.
    pub fn commit(&self, message: &str, author: (&str, &str), date: &str) -> String {
        self.git_with(&["add", "-A"], author, date);
        self.git_with(
            &["commit", "-q", "--allow-empty", "-m", message],
            author,
            date,
        );
        self.git(&["rev-parse", "HEAD"])
    }
}

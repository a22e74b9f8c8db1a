//! A generated git history for the history-scan benchmark, written as a
//! `git fast-import` stream: `aispm-fixtures git-history - --commits 2000 | git -C repo
//! fast-import`, then `git -C repo reset -q --hard main` for a work tree.
//!
//! The project is a tree of small Python, YAML, JSON and Markdown files. Each commit on
//! `main` rewrites one to four of them (a file's content is a pure function of its path
//! and a version number, so every edit makes a new blob of about the same size), now
//! and then adds a file or deletes one. Every hundredth commit starts a feature branch
//! of a few commits that is merged back with a merge commit; every five hundredth is
//! tagged with an annotated tag. Fake credentials in public formats (Hugging Face,
//! Groq, Google AI keys: random characters, never valid) are planted in config files
//! and removed some commits later; the last ones stay at the tip. Which commit planted
//! which secret is returned (by commit message, which names it) for labels.
//!
//! Identities and dates are fixed (one hour per commit from 2024-01-01), so the same
//! spec gives the same stream and `git fast-import` the same commit ids.

use crate::rng::SplitMix64;
use std::io::{self, Write};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct HistorySpec {
    /// Commits on `main` (merge commits included; feature-branch commits come on top).
    pub commits: u64,
    /// Files in the first commit.
    pub files: u64,
    pub seed: u64,
}

/// A planted fake credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// Message of the commit that added it (unique: it names the plant number).
    pub commit_message: String,
    pub path: String,
    /// 1-based line of the credential in that commit's file.
    pub line: u32,
    /// Corpus kind (`secret/huggingface`, ...).
    pub kind: &'static str,
    /// Message of the commit that removed it; `None` when it is still at the tip.
    pub removed_by: Option<String>,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct HistoryStats {
    pub commits: u64,
    pub merges: u64,
    pub tags: u64,
    /// File versions written (blobs, before git deduplicates identical ones).
    pub blobs: u64,
    /// Bytes of those file versions.
    pub bytes: u64,
    pub planted: Vec<Planted>,
}

impl HistoryStats {
    /// One line of JSON for scripts.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "commits": self.commits,
            "merges": self.merges,
            "tags": self.tags,
            "blobs": self.blobs,
            "bytes": self.bytes,
            "planted": self.planted.len(),
            "planted_at_tip": self.planted.iter().filter(|p| p.removed_by.is_none()).count(),
        })
        .to_string()
    }

    /// The planted credentials as `labels.jsonl` rows (no secret values).
    pub fn labels_jsonl(&self) -> String {
        let mut out = String::new();
        for p in &self.planted {
            out.push_str(
                &serde_json::json!({
                    "expected": true,
                    "kind": p.kind,
                    "file": p.path,
                    "line": p.line,
                    "commit_message": p.commit_message,
                    "removed_by": p.removed_by,
                })
                .to_string(),
            );
            out.push('\n');
        }
        out
    }
}

const EXTS: &[&str] = &["py", "py", "py", "yaml", "json", "md"];
const DIRS: &[&str] = &[
    "src/app",
    "src/app/models",
    "src/pipelines",
    "src/utils",
    "configs",
    "notebooks",
    "docs",
    "tests",
    "deploy/k8s",
];
const START: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z
const AUTHORS: &[(&str, &str)] = &[
    ("Ada Developer", "ada@example.invalid"),
    ("Ben Engineer", "ben@example.invalid"),
    ("Cai Scientist", "cai@example.invalid"),
];

/// A file of the project: its path and current version (0 = deleted).
struct File {
    path: String,
    version: u64,
    /// A planted secret currently in the file: (plant index, line text).
    secret: Option<(usize, String)>,
}

struct Writer<'w, W: Write> {
    out: &'w mut W,
    mark: u64,
    time: i64,
    stats: HistoryStats,
}

impl<W: Write> Writer<'_, W> {
    fn next_mark(&mut self) -> u64 {
        self.mark += 1;
        self.mark
    }

    fn data(&mut self, bytes: &[u8]) -> io::Result<()> {
        writeln!(self.out, "data {}", bytes.len())?;
        self.out.write_all(bytes)?;
        writeln!(self.out)
    }

    /// Writes a commit on `branch` with the given file changes; returns its mark.
    fn commit(
        &mut self,
        branch: &str,
        message: &str,
        from: Option<u64>,
        merge: Option<u64>,
        changes: &[(String, Option<Vec<u8>>)],
    ) -> io::Result<u64> {
        let mark = self.next_mark();
        self.time += 3600;
        let (name, email) = AUTHORS[(mark as usize) % AUTHORS.len()];
        writeln!(self.out, "commit refs/heads/{branch}")?;
        writeln!(self.out, "mark :{mark}")?;
        writeln!(self.out, "author {name} <{email}> {} +0000", self.time)?;
        writeln!(self.out, "committer {name} <{email}> {} +0000", self.time)?;
        self.data(message.as_bytes())?;
        if let Some(f) = from {
            writeln!(self.out, "from :{f}")?;
        }
        if let Some(m) = merge {
            writeln!(self.out, "merge :{m}")?;
            self.stats.merges += 1;
        }
        for (path, content) in changes {
            match content {
                Some(bytes) => {
                    writeln!(self.out, "M 100644 inline {path}")?;
                    self.data(bytes)?;
                    self.stats.blobs += 1;
                    self.stats.bytes += bytes.len() as u64;
                }
                None => writeln!(self.out, "D {path}")?,
            }
        }
        writeln!(self.out)?;
        self.stats.commits += 1;
        Ok(mark)
    }

    fn tag(&mut self, name: &str, target: u64) -> io::Result<()> {
        writeln!(self.out, "tag {name}")?;
        writeln!(self.out, "from :{target}")?;
        writeln!(
            self.out,
            "tagger {} <{}> {} +0000",
            AUTHORS[0].0, AUTHORS[0].1, self.time
        )?;
        self.data(format!("release {name}\n").as_bytes())?;
        self.stats.tags += 1;
        Ok(())
    }
}

/// The content of `path` at `version`, with an optional extra line.
fn content(path: &str, version: u64, secret: Option<&str>) -> Vec<u8> {
    let mut h = SplitMix64::new(version.wrapping_mul(0x9E37) ^ path.len() as u64);
    for b in path.bytes() {
        h = SplitMix64::new(h.next_u64() ^ u64::from(b));
    }
    let lines = 20 + h.below(60);
    let mut s = String::new();
    let ext = path.rsplit('.').next().unwrap_or("");
    // The secret goes on line 3, after a short header.
    let header = match ext {
        "py" => "# generated module\nimport os\n",
        "yaml" => "# generated config\nservice: app\n",
        "json" => "{\n  \"generated\": true,\n",
        _ => "# Notes\n\n",
    };
    s.push_str(header);
    if let Some(line) = secret {
        s.push_str(line);
        s.push('\n');
    }
    for i in 0..lines {
        let n = h.next_u64() % 100_000;
        match ext {
            "py" => s.push_str(&format!(
                "def step_{i}_{version}(x):\n    return x * {n} + {i}\n"
            )),
            "yaml" => s.push_str(&format!("key_{i}: value-{n}-{version}\n")),
            "json" => s.push_str(&format!("  \"field_{i}\": {n},\n")),
            _ => s.push_str(&format!("Line {i} of version {version}: note {n}.\n")),
        }
    }
    if ext == "json" {
        s.push_str(&format!("  \"version\": {version}\n}}\n"));
    }
    s.into_bytes()
}

fn random_chars(rng: &mut SplitMix64, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| char::from(alphabet[rng.below(alphabet.len() as u64) as usize]))
        .collect()
}

/// A fake credential line for a file with extension `ext`, and its corpus kind.
fn secret_line(rng: &mut SplitMix64, ext: &str) -> (String, &'static str) {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const B64URL: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    let (name, value, kind) = match rng.below(3) {
        0 => (
            "HF_TOKEN",
            format!("hf_{}", random_chars(rng, LETTERS, 34)),
            "secret/huggingface",
        ),
        1 => (
            "GROQ_API_KEY",
            format!("gsk_{}", random_chars(rng, ALNUM, 52)),
            "secret/groq",
        ),
        _ => (
            "GOOGLE_API_KEY",
            format!("AIza{}", random_chars(rng, B64URL, 35)),
            "secret/google-api-key",
        ),
    };
    let line = match ext {
        "py" => format!("{name} = \"{value}\""),
        "yaml" => format!("{}: \"{value}\"", name.to_ascii_lowercase()),
        "json" => format!("  \"{}\": \"{value}\",", name.to_ascii_lowercase()),
        _ => format!("export {name}={value}"),
    };
    (line, kind)
}

/// Writes the fast-import stream of a generated history to `out`.
pub fn write_fast_import<W: Write>(out: &mut W, spec: &HistorySpec) -> io::Result<HistoryStats> {
    let mut rng = SplitMix64::new(spec.seed);
    let mut w = Writer {
        out,
        mark: 0,
        time: START,
        stats: HistoryStats::default(),
    };
    let mut files: Vec<File> = Vec::new();
    let new_path = |rng: &mut SplitMix64, n: usize| {
        let dir = rng.pick(DIRS);
        let ext = rng.pick(EXTS);
        format!("{dir}/file_{n}.{ext}")
    };
    for i in 0..spec.files.max(1) as usize {
        let path = new_path(&mut rng, i);
        files.push(File {
            path,
            version: 1,
            secret: None,
        });
    }
    let initial: Vec<(String, Option<Vec<u8>>)> = files
        .iter()
        .map(|f| (f.path.clone(), Some(content(&f.path, f.version, None))))
        .collect();
    let mut head = w.commit("main", "initial import\n", None, None, &initial)?;
    let mut plants = 0usize;
    // Plants waiting to be removed: (index into files, removal commit number).
    let mut pending: Vec<(usize, u64)> = Vec::new();

    let mut n = 1u64;
    while n < spec.commits.max(1) {
        // A feature branch now and then, merged back.
        if n % 100 == 50 {
            let branch = format!("feature/{n}");
            let mut tip = None;
            let mut merged: Vec<(String, Option<Vec<u8>>)> = Vec::new();
            for k in 0..3 {
                let idx = rng.below(files.len() as u64) as usize;
                let f = &mut files[idx];
                if f.version == 0 {
                    continue;
                }
                f.version += 1;
                let change = (
                    f.path.clone(),
                    Some(content(
                        &f.path,
                        f.version,
                        f.secret.as_ref().map(|s| s.1.as_str()),
                    )),
                );
                tip = Some(w.commit(
                    &branch,
                    &format!("feature {n}: step {k}\n"),
                    tip.is_none().then_some(head),
                    None,
                    std::slice::from_ref(&change),
                )?);
                merged.retain(|(p, _)| *p != change.0);
                merged.push(change);
            }
            // The merge takes the branch's files (fast-import starts from `main`'s tree).
            head = w.commit(
                "main",
                &format!("merge feature/{n}\n"),
                Some(head),
                tip,
                &merged,
            )?;
            n += 1;
            continue;
        }
        let mut changes: Vec<(String, Option<Vec<u8>>)> = Vec::new();
        let mut message = format!("change {n}\n");
        // Remove plants whose time has come.
        let due: Vec<usize> = pending
            .iter()
            .filter(|(_, at)| *at == n)
            .map(|(i, _)| *i)
            .collect();
        pending.retain(|(_, at)| *at != n);
        for idx in due {
            let f = &mut files[idx];
            if let Some((plant, _)) = f.secret.take() {
                f.version += 1;
                changes.push((f.path.clone(), Some(content(&f.path, f.version, None))));
                message = format!("remove credential {plant} (change {n})\n");
                w.stats.planted[plant].removed_by = Some(message.clone());
            }
        }
        // Plant a credential every 40 commits or so.
        if changes.is_empty() && n % 40 == 7 {
            let idx = rng.below(files.len() as u64) as usize;
            if files[idx].version > 0 && files[idx].secret.is_none() {
                let ext = files[idx].path.rsplit('.').next().unwrap_or("").to_string();
                let (line, kind) = secret_line(&mut rng, &ext);
                let f = &mut files[idx];
                f.version += 1;
                changes.push((
                    f.path.clone(),
                    Some(content(&f.path, f.version, Some(&line))),
                ));
                message = format!("add credential {plants} (change {n})\n");
                w.stats.planted.push(Planted {
                    commit_message: message.clone(),
                    path: f.path.clone(),
                    line: 3,
                    kind,
                    removed_by: None,
                });
                f.secret = Some((plants, line));
                plants += 1;
                // Most are removed some commits later; the rest stay at the tip.
                if rng.below(4) != 0 {
                    pending.push((idx, n + 1 + rng.below(60)));
                }
            }
        }
        if changes.is_empty() {
            // Ordinary work: edit one to four files, sometimes add or delete one.
            for _ in 0..1 + rng.below(4) {
                let idx = rng.below(files.len() as u64) as usize;
                let f = &mut files[idx];
                if f.version == 0 || changes.iter().any(|(p, _)| *p == f.path) {
                    continue;
                }
                f.version += 1;
                changes.push((
                    f.path.clone(),
                    Some(content(
                        &f.path,
                        f.version,
                        f.secret.as_ref().map(|s| s.1.as_str()),
                    )),
                ));
            }
            match rng.below(20) {
                0 => {
                    let path = new_path(&mut rng, files.len());
                    changes.push((path.clone(), Some(content(&path, 1, None))));
                    files.push(File {
                        path,
                        version: 1,
                        secret: None,
                    });
                }
                1 => {
                    let idx = rng.below(files.len() as u64) as usize;
                    let f = &mut files[idx];
                    if f.version > 0
                        && f.secret.is_none()
                        && !changes.iter().any(|(p, _)| *p == f.path)
                    {
                        f.version = 0;
                        changes.push((f.path.clone(), None));
                    }
                }
                _ => {}
            }
        }
        head = w.commit("main", &message, Some(head), None, &changes)?;
        if n.is_multiple_of(500) {
            w.tag(&format!("v{}", n / 500), head)?;
        }
        n += 1;
    }
    writeln!(w.out, "reset refs/heads/main")?;
    writeln!(w.out, "from :{head}")?;
    writeln!(w.out)?;
    Ok(w.stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(spec: &HistorySpec) -> (Vec<u8>, HistoryStats) {
        let mut out = Vec::new();
        let stats = write_fast_import(&mut out, spec).unwrap();
        (out, stats)
    }

    #[test]
    fn deterministic_and_shaped_as_asked() {
        let spec = HistorySpec {
            commits: 300,
            files: 40,
            seed: 7,
        };
        let (a, stats) = stream(&spec);
        let (b, _) = stream(&spec);
        assert_eq!(a, b);
        // 300 on main plus up to three per feature branch.
        assert!(stats.commits > 300 && stats.commits <= 300 + 3 * 3);
        assert_eq!(stats.merges, 3);
        assert!(!stats.planted.is_empty());
        assert!(stats.planted.iter().any(|p| p.removed_by.is_some()));
        let text = String::from_utf8_lossy(&a);
        assert_eq!(
            text.matches("\ncommit refs/heads/").count() + 1,
            stats.commits as usize
        );
        assert_ne!(
            stream(&HistorySpec { seed: 8, ..spec }).0,
            a,
            "the seed matters"
        );
    }
}

//! Hugging Face cache layout: `.../hub/models--org--name/{blobs,refs,snapshots}`.
//!
//! A snapshot's files are symbolic links into `blobs/`, which the engine never
//! follows: the blobs are scanned under their content hash. The repository asset
//! recorded from `refs/<name>` therefore keeps which snapshot file is which blob
//! (`snapshot_blobs`, read from the link text, never through the link), so that the
//! post-scan step can name a blob and find the config and model card beside it.

use aispm_core::{AnalysisContext, AnalysisError, Asset, AssetKind, FileInput};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Component, Path};

/// Snapshot files listed per repository; the asset counts the rest
/// (`snapshot_files_not_listed`).
const MAX_SNAPSHOT_FILES: usize = 1000;

/// The repository ID (`org/name`, with its type for datasets and spaces) of a path
/// inside a Hugging Face cache, if it is in one.
pub fn cache_repo_of(path: &str) -> Option<String> {
    let outer = path.split('!').next().unwrap_or(path);
    outer.split('/').find_map(repo_of_segment)
}

/// Where a file on disk sits in a cache repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CachePlace<'p> {
    /// `<repo>/blobs/<hash>`: the repository folder and the hash.
    Blob { repo_dir: &'p str, hash: &'p str },
    /// `<repo>/snapshots/<revision>/<file>`: a regular file in a snapshot (a cache
    /// written without symbolic links holds copies there).
    Snapshot {
        root: &'p str,
        revision: &'p str,
        file: &'p str,
    },
}

/// The place of `path` (not inside an archive) in a Hugging Face cache repository.
pub fn cache_place(path: &str) -> Option<CachePlace<'_>> {
    if path.contains('!') {
        return None;
    }
    let mut offset = 0;
    for seg in path.split('/') {
        let end = offset + seg.len();
        if repo_of_segment(seg).is_some() {
            let repo_dir = &path[..end];
            let rest = path.get(end + 1..).unwrap_or_default();
            if let Some(hash) = rest.strip_prefix("blobs/")
                && !hash.is_empty()
                && !hash.contains('/')
            {
                return Some(CachePlace::Blob { repo_dir, hash });
            }
            if let Some(after) = rest.strip_prefix("snapshots/")
                && let Some((revision, file)) = after.split_once('/')
                && !revision.is_empty()
                && !file.is_empty()
            {
                let root = &path[..end + "/snapshots/".len() + revision.len()];
                return Some(CachePlace::Snapshot {
                    root,
                    revision,
                    file,
                });
            }
            return None;
        }
        offset = end + 1;
    }
    None
}

fn repo_of_segment(seg: &str) -> Option<String> {
    for (prefix, kind) in [
        ("models--", ""),
        ("datasets--", "datasets/"),
        ("spaces--", "spaces/"),
    ] {
        if let Some(rest) = seg.strip_prefix(prefix) {
            if rest.is_empty() {
                return None;
            }
            return Some(format!("{kind}{}", rest.replace("--", "/")));
        }
    }
    None
}

/// `models--org--name/refs/<ref>` (not inside an archive).
pub fn is_ref_file(path: &str) -> bool {
    if path.contains('!') {
        return false;
    }
    let parts: Vec<&str> = path.split('/').collect();
    parts.len() >= 3
        && parts[parts.len() - 2] == "refs"
        && repo_of_segment(parts[parts.len() - 3]).is_some()
}

/// Records the cache repository a `refs/<name>` file belongs to, with its commit and
/// the files of that snapshot (names only; links are not followed).
pub fn record_cache_repo(
    file: &FileInput<'_>,
    cx: &mut AnalysisContext,
) -> Result<(), AnalysisError> {
    let parts: Vec<&str> = file.path.split('/').collect();
    let repo_dir = parts[..parts.len() - 2].join("/");
    let repo_seg = parts[parts.len() - 3];
    let ref_name = parts[parts.len() - 1];
    let repo = repo_of_segment(repo_seg).unwrap_or_default();
    let commit = file
        .read_all(4096)?
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let mut asset = Asset::new(AssetKind::HfCacheRepo, &repo_dir, ref_name, "hf-cache")
        .with_property("repo_id", repo.clone())
        .with_property("ref", ref_name)
        .with_property("revision", commit.clone());
    asset.sha256 = String::new();
    let looks_like_commit = commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit());
    if looks_like_commit {
        // disk_path is `<repo>/refs/<ref>`; the snapshot is `<repo>/snapshots/<commit>`.
        if let Some(repo_disk) = file.disk_path.parent().and_then(|p| p.parent()) {
            let snap = repo_disk.join("snapshots").join(&commit);
            let mut files = Vec::new();
            let mut blobs = BTreeMap::new();
            let mut not_listed = 0usize;
            collect_snapshot_files(&snap, &snap, &mut files, &mut blobs, &mut not_listed);
            files.sort();
            if !files.is_empty() {
                asset.set("snapshot_files", files);
            }
            if not_listed > 0 {
                asset.set("snapshot_files_not_listed", not_listed);
            }
            if !blobs.is_empty() {
                let map: serde_json::Map<String, Value> = blobs
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect();
                asset.set("snapshot_blobs", Value::Object(map));
            }
        }
    }
    cx.asset(asset);
    Ok(())
}

/// Lists the files of a snapshot (links are read, never followed); past
/// [`MAX_SNAPSHOT_FILES`] they are counted in `not_listed` instead.
fn collect_snapshot_files(
    base: &Path,
    dir: &Path,
    out: &mut Vec<String>,
    blobs: &mut BTreeMap<String, String>,
    not_listed: &mut usize,
) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            collect_snapshot_files(base, &path, out, blobs, not_listed);
        } else if out.len() >= MAX_SNAPSHOT_FILES {
            *not_listed += 1;
        } else if let Ok(rel) = path.strip_prefix(base) {
            let rel_text = rel.to_string_lossy().replace('\\', "/");
            if ft.is_symlink()
                && let Ok(target) = std::fs::read_link(&path)
                && let Some(hash) = blob_of_link(rel, &target)
            {
                blobs.insert(rel_text.clone(), hash);
            }
            out.push(rel_text);
        }
    }
}

/// The blob a snapshot link points at, from the link text alone: a relative target
/// must lead from `snapshots/<revision>/<rel>` to `blobs/<hash>` of the same
/// repository; an absolute one must end in `blobs/<hash>`.
fn blob_of_link(rel: &Path, target: &Path) -> Option<String> {
    let mut at: Vec<String> = vec!["snapshots".into(), "revision".into()];
    if target.is_absolute() {
        at.clear();
        at.extend(
            target
                .components()
                .rev()
                .take(2)
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        );
        at.reverse();
    } else {
        at.extend(
            rel.parent()
                .into_iter()
                .flat_map(Path::components)
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        );
        for c in target.components() {
            match c {
                Component::ParentDir => {
                    at.pop()?;
                }
                Component::Normal(n) => at.push(n.to_string_lossy().into_owned()),
                Component::CurDir => {}
                _ => return None,
            }
        }
    }
    match at.as_slice() {
        [blobs, hash]
            if blobs == "blobs"
                && (32..=128).contains(&hash.len())
                && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Some(hash.clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_ids() {
        assert_eq!(
            cache_repo_of("hub/models--google-bert--bert-base-uncased/blobs/abc").as_deref(),
            Some("google-bert/bert-base-uncased")
        );
        assert_eq!(
            cache_repo_of("hub/datasets--squad/refs/main").as_deref(),
            Some("datasets/squad")
        );
        assert_eq!(cache_repo_of("models/bert/model.safetensors"), None);
        assert!(is_ref_file("cache/hub/models--a--b/refs/main"));
        assert!(!is_ref_file("cache/hub/models--a--b/blobs/main"));
        assert!(!is_ref_file("x.zip!models--a--b/refs/main"));
    }

    #[test]
    fn places_in_a_cache() {
        assert_eq!(
            cache_place("hub/models--a--b/blobs/abc"),
            Some(CachePlace::Blob {
                repo_dir: "hub/models--a--b",
                hash: "abc"
            })
        );
        assert_eq!(
            cache_place("hub/models--a--b/snapshots/123/onnx/model.onnx"),
            Some(CachePlace::Snapshot {
                root: "hub/models--a--b/snapshots/123",
                revision: "123",
                file: "onnx/model.onnx"
            })
        );
        assert_eq!(cache_place("hub/models--a--b/refs/main"), None);
        assert_eq!(cache_place("hub/models--a--b/blobs/x/y"), None);
        assert_eq!(cache_place("x.zip!models--a--b/blobs/abc"), None);
        assert_eq!(cache_place("models/bert/model.safetensors"), None);
    }

    /// Snapshot files past the cap are counted, not listed.
    #[test]
    fn snapshot_files_past_the_cap_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let snap = dir.path();
        std::fs::create_dir_all(snap.join("sub")).unwrap();
        for i in 0..MAX_SNAPSHOT_FILES {
            std::fs::write(snap.join(format!("f{i}")), b"").unwrap();
        }
        for i in 0..5 {
            std::fs::write(snap.join("sub").join(format!("g{i}")), b"").unwrap();
        }
        let (mut files, mut blobs, mut not_listed) = (Vec::new(), BTreeMap::new(), 0);
        collect_snapshot_files(snap, snap, &mut files, &mut blobs, &mut not_listed);
        assert_eq!(files.len(), MAX_SNAPSHOT_FILES);
        assert_eq!(not_listed, 5);
    }

    #[test]
    fn links_to_blobs() {
        let hash = "6ca4cc25fc0392a799af62f1a578adcd067b9437";
        let blob = |rel: &str, target: &str| blob_of_link(Path::new(rel), Path::new(target));
        assert_eq!(
            blob("config.json", &format!("../../blobs/{hash}")).as_deref(),
            Some(hash)
        );
        assert_eq!(
            blob("onnx/model.onnx", &format!("../../../blobs/{hash}")).as_deref(),
            Some(hash)
        );
        // One level short, or out of the repository: not a blob of this repository.
        assert_eq!(
            blob("onnx/model.onnx", &format!("../../blobs/{hash}")),
            None
        );
        assert_eq!(blob("config.json", &format!("../../../blobs/{hash}")), None);
        assert_eq!(blob("config.json", "../../blobs/not-a-hash"), None);
        assert_eq!(
            blob("config.json", &format!("/cache/models--a--b/blobs/{hash}")).as_deref(),
            Some(hash)
        );
    }
}

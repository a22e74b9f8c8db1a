//! Hugging Face cache layout: `.../hub/models--org--name/{blobs,refs,snapshots}`.

use aispm_core::{AnalysisContext, AnalysisError, Asset, AssetKind, FileInput};

const MAX_SNAPSHOT_FILES: usize = 1000;

/// The repository ID (`org/name`, with its type for datasets and spaces) of a path
/// inside a Hugging Face cache, if it is in one.
pub fn cache_repo_of(path: &str) -> Option<String> {
    let outer = path.split('!').next().unwrap_or(path);
    outer.split('/').find_map(repo_of_segment)
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
            collect_snapshot_files(&snap, &snap, &mut files);
            files.sort();
            if !files.is_empty() {
                asset.set("snapshot_files", files);
            }
        }
    }
    cx.asset(asset);
    Ok(())
}

fn collect_snapshot_files(base: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        if out.len() >= MAX_SNAPSHOT_FILES {
            return;
        }
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            collect_snapshot_files(base, &path, out);
        } else if let Ok(rel) = path.strip_prefix(base) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
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
}

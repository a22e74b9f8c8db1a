#!/usr/bin/env bash
# Lays out the real-world evaluation set as git work trees, one per row of repos.tsv,
# each at the pinned commit. Nothing of these repositories is committed here.
#
#   bench/realworld/checkout.sh [SOURCE_DIR]
#
# SOURCE_DIR holds one git directory per repository, as `owner+name/repo` (the layout
# the snapshot store uses) or `owner+name` (a plain clone); it defaults to
# $AISPM_REALWORLD_SOURCES. Work trees go to $AISPM_REALWORLD (default
# bench/out/realworld). A work tree already at its commit is left as it is.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
src="${1:-${AISPM_REALWORLD_SOURCES:-}}"
dest="${AISPM_REALWORLD:-$root/bench/out/realworld}"
[[ -n "$src" ]] || { echo "usage: $0 SOURCE_DIR (or set AISPM_REALWORLD_SOURCES)" >&2; exit 2; }
mkdir -p "$dest"
while IFS=$'\t' read -r name repo commit _kind; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    key="${repo/\//+}"
    from=""
    for cand in "$src/$key/repo" "$src/$key" "$src/$name"; do
        if git --git-dir="$cand" rev-parse -q --verify "$commit^{commit}" >/dev/null 2>&1 ||
           git -C "$cand" rev-parse -q --verify "$commit^{commit}" >/dev/null 2>&1; then
            from="$cand"; break
        fi
    done
    if [[ -z "$from" ]]; then
        echo "realworld: $repo at $commit not found under $src; skipped" >&2
        continue
    fi
    tree="$dest/$name"
    if [[ -d "$tree/.git" && "$(git -C "$tree" rev-parse HEAD)" == "$commit" ]]; then
        echo "realworld: $name already at ${commit:0:12}" >&2
        continue
    fi
    rm -rf "$tree"
    git clone -q --no-checkout "$from" "$tree"
    # A snapshot may lack its largest blobs; checkout then writes every other file.
    git -C "$tree" -c advice.detachedHead=false checkout -q "$commit" 2>/dev/null || true
    missing=$(git -C "$tree" ls-files --deleted | wc -l)
    echo "realworld: $name at ${commit:0:12} ($missing tracked files absent from the source)" >&2
done <"$here/repos.tsv"

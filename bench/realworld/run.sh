#!/usr/bin/env bash
# Scans every repository of the real-world set with the release build and scores the
# reports against the recorded verdicts.
#
#   bench/realworld/run.sh [SOURCE_DIR]
#
# With SOURCE_DIR (or $AISPM_REALWORLD_SOURCES) the work trees are laid out first by
# checkout.sh; otherwise they must already be under $AISPM_REALWORLD (default
# bench/out/realworld). Reports go to bench/out/realworld-reports/after/<name>.json
# (or $AISPM_REALWORLD_REPORTS). Prints per repository the files, megabytes, wall
# time and throughput, then the scorer's tables. Extra arguments for `aispm scan` can
# be given in $AISPM_REALWORLD_ARGS (e.g. "--select SEC").
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common.sh
src="${1:-${AISPM_REALWORLD_SOURCES:-}}"
trees="${AISPM_REALWORLD:-$PWD/bench/out/realworld}"
reports="${AISPM_REALWORLD_REPORTS:-$PWD/bench/out/realworld-reports/after}"
read -r -a extra <<<"${AISPM_REALWORLD_ARGS:-}"

echo "== building release binaries" >&2
cargo build --release -p aispm-cli >&2
if [[ -n "$src" ]]; then
    AISPM_REALWORLD="$trees" bench/realworld/checkout.sh "$src"
fi
mkdir -p "$reports"
printf '%-16s %8s %9s %8s %8s %8s %9s\n' repository files MB wall_s MB/s RSS_MiB findings
while IFS=$'\t' read -r name _repo _commit _kind; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    tree="$trees/$name"
    if [[ ! -d "$tree" ]]; then
        echo "realworld: no work tree for $name at $tree; skipped" >&2
        continue
    fi
    report="$reports/$name.json"
    log="$reports/$name.time"
    start=$(now)
    set +e
    /usr/bin/time -v "$AISPM" scan "$tree" --format json --output "$report" --quiet \
        "${extra[@]}" 2>"$log"
    rc=$?
    set -e
    end=$(now)
    if [[ $rc -gt 1 ]]; then
        echo "realworld: aispm exited with $rc on $name; see $log" >&2
        continue
    fi
    read -r files bytes < <(git -C "$tree" ls-files -z | (cd "$tree" && xargs -0 stat -c %s 2>/dev/null) |
        awk '{ n++; s += $1 } END { printf "%d %d\n", n, s }')
    rss=$(awk -F': ' '/Maximum resident/ { printf "%.1f", $2 / 1024 }' "$log")
    nfind=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$report")
    awk -v n="$name" -v f="$files" -v b="$bytes" -v s="$start" -v e="$end" -v r="$rss" -v k="$nfind" \
        'BEGIN { w = e - s; printf "%-16s %8d %9.1f %8.2f %8.1f %8s %9d\n", n, f, b / 1e6, w, (w > 0 ? b / 1e6 / w : 0), r, k }'
done <bench/realworld/repos.tsv
echo
python3 bench/realworld/score.py --reports "$reports"

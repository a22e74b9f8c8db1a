#!/usr/bin/env bash
# Inventory benchmark: scans a generated estate of 50,000 files (~2 GB: sources and
# configs, datasets, a few hundred model files, a handful of 100-300 MB safetensors
# shards) and prints files/s, MB/s, wall time and peak RSS.
#
#   bench/inventory.sh                     # from anywhere
#   AISPM_BENCH_FILES=2000 AISPM_BENCH_BYTES=50000000 bench/inventory.sh   # quick run
#   AISPM_BENCH_REGENERATE=1 bench/inventory.sh                           # fresh tree
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

FILES="${AISPM_BENCH_FILES:-50000}"
BYTES="${AISPM_BENCH_BYTES:-2000000000}"
TREE="$OUT/tree"

build_release
mkdir -p "$OUT"
generate_once "$OUT/tree.stamp" "bench-tree files=$FILES bytes=$BYTES profile=mixed seed=42" \
    bash -c 'rm -rf "$1" && "$2" bench-tree "$1" --files "$3" --bytes "$4" --profile mixed --seed 42' \
    _ "$TREE" "$BENCHGEN" "$FILES" "$BYTES"

read -r n_files n_bytes < <(tree_stats "$TREE")
timed_scan inventory "$TREE" "$OUT/inventory.json"

awk -v n="$n_files" -v b="$n_bytes" -v w="$WALL" -v rss="$RSS_KB" 'BEGIN {
    printf "\n== aispm inventory benchmark\n"
    printf "tree:       %d files, %.1f MB\n", n, b / 1e6
    printf "wall time:  %.2f s\n", w
    printf "files/s:    %.0f\n", (w > 0 ? n / w : 0)
    printf "MB/s:       %.1f\n", (w > 0 ? b / 1e6 / w : 0)
    printf "peak RSS:   %.1f MiB\n", rss / 1024
}'
report_stats "$OUT/inventory.json"
echo "report:     $OUT/inventory.json"

#!/usr/bin/env bash
# Memory benchmark: peak RSS of `aispm scan` on (a) 100,000 small files and (b) one
# 5 GB safetensors file. Memory must stay bounded by limits, not by input size.
#
#   bench/memory.sh
#   AISPM_BENCH_DENSE=1 bench/memory.sh    # write the 5 GB of data instead of a sparse hole
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

MANY_FILES="${AISPM_BENCH_MANY_FILES:-100000}"
MANY_BYTES="${AISPM_BENCH_MANY_BYTES:-400000000}"
BIG_BYTES="${AISPM_BENCH_BIG_BYTES:-5368709120}"
DENSE="${AISPM_BENCH_DENSE:-0}"
MANY="$OUT/many-small"
BIG="$OUT/big/model.safetensors"

build_release
mkdir -p "$OUT"

generate_once "$OUT/many-small.stamp" "bench-tree files=$MANY_FILES bytes=$MANY_BYTES profile=small seed=7" \
    bash -c 'rm -rf "$1" && "$2" bench-tree "$1" --files "$3" --bytes "$4" --profile small --seed 7' \
    _ "$MANY" "$BENCHGEN" "$MANY_FILES" "$MANY_BYTES"
if [[ "$DENSE" == 1 ]]; then sparse_flag=""; kind=dense; else sparse_flag="--sparse"; kind=sparse; fi
generate_once "$OUT/big.stamp" "large-safetensors bytes=$BIG_BYTES $kind" \
    "$BENCHGEN" large-safetensors "$BIG" --bytes "$BIG_BYTES" $sparse_flag

read -r many_n many_b < <(tree_stats "$MANY")
timed_scan memory-many "$MANY" "$OUT/memory-many.json"
many_wall="$WALL" many_rss="$RSS_KB"
report_stats "$OUT/memory-many.json"

big_b=$(stat -c %s "$BIG")
timed_scan memory-big "$BIG" "$OUT/memory-big.json"
big_wall="$WALL" big_rss="$RSS_KB"
report_stats "$OUT/memory-big.json"

echo
echo "== aispm memory benchmark"
printf '%-28s %10s %12s %14s\n' "input" "wall (s)" "peak RSS" "input size"
printf '%-28s %10s %12s %14s\n' "$many_n small files" "$many_wall" "$(mib "$many_rss")" \
    "$(awk -v b="$many_b" 'BEGIN { printf "%.1f MB", b / 1e6 }')"
printf '%-28s %10s %12s %14s\n' "1 safetensors file ($kind)" "$big_wall" "$(mib "$big_rss")" \
    "$(awk -v b="$big_b" 'BEGIN { printf "%.1f MB", b / 1e6 }')"

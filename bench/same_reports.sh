#!/usr/bin/env bash
# Behaviour check for refactors: builds aispm at BASE (default: the merge base with
# main's first parent, HEAD~1) in a throw-away git worktree, scans the same inputs with
# that build and with this checkout's, and compares the JSON reports with the fields
# that change from run to run removed (start time, durations, today's date and the
# advisory data's age in days). Prints one line per input and exits 1 on a difference;
# the normalised reports stay in bench/out/same-reports/ for `diff`.
#
#   bench/same_reports.sh [BASE] [INPUT_DIR...]
#
# With BASE_AISPM=PATH set to an aispm binary already built at BASE, nothing is built
# for the base side (useful when several branches are compared with one base).
#
# Inputs, by default: the demo estate, each visible corpus folder (../shared/corpus,
# or $AISPM_CORPUS) and a small generated benchmark tree (aispm-benchgen bench-tree,
# 2,000 files, seed 42).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

BASE="${1:-HEAD~1}"
shift || true
OUTD="$OUT/same-reports"
WT="$OUT/same-reports-base"
rm -rf "$OUTD"
mkdir -p "$OUTD"

build_release
cargo build --release -p aispm-benchgen >&2

base_rev=$(git rev-parse --verify "$BASE^{commit}")
if [[ -n "${BASE_AISPM:-}" ]]; then
    [[ -x "$BASE_AISPM" ]] || { echo "BASE_AISPM=$BASE_AISPM is not executable" >&2; exit 2; }
elif [[ ! -x "$WT/target/release/aispm" || "$(cat "$WT/.rev" 2>/dev/null)" != "$base_rev" ]]; then
    git worktree remove --force "$WT" 2>/dev/null || rm -rf "$WT"
    git worktree add --detach "$WT" "$base_rev" >&2
    # Start from this checkout's build cache: only what changed since BASE recompiles.
    [[ -d target ]] && cp -a target "$WT/target"
    (cd "$WT" && cargo build --release -p aispm-cli >&2)
    echo "$base_rev" > "$WT/.rev"
fi
BASE_AISPM="${BASE_AISPM:-$WT/target/release/aispm}"

inputs=("$@")
if [[ ${#inputs[@]} -eq 0 ]]; then
    inputs=(examples/demo-estate)
    corpus="${AISPM_CORPUS:-../shared/corpus}"
    for d in "$corpus"/*/; do
        [[ -d "$d" && "$(basename "$d")" != _* ]] && inputs+=("${d%/}")
    done
    tree="$OUT/same-reports-tree"
    [[ -d "$tree" ]] || "$BENCHGEN" bench-tree "$tree" --files 2000 --bytes 40M --seed 42 >/dev/null
    inputs+=("$tree")
fi

normalise() {
    python3 - "$1" <<'EOF'
import json, re, sys
path = sys.argv[1]
d = json.load(open(path))
d.get("scan", {}).pop("started_at", None)
d.get("scan", {}).pop("duration_ms", None)
for n in d.get("notices", []):
    data = n.get("data") or {}
    data.pop("today", None)
    for eco in (data.get("ecosystems") or {}).values() if isinstance(data.get("ecosystems"), dict) else []:
        if eco:
            eco.pop("age_days", None)
    # The advisory data's age in days is in the message too.
    n["message"] = re.sub(r"\b\d+ days old\b", "N days old", n.get("message", ""))
json.dump(d, open(path, "w"), indent=1, sort_keys=True)
EOF
}

status=0
for input in "${inputs[@]}"; do
    name=$(echo "$input" | tr '/.' '__')
    for side in base head; do
        bin="$AISPM"
        [[ $side == base ]] && bin="$BASE_AISPM"
        "$bin" scan "$input" --format json --output "$OUTD/$name.$side.json" --quiet \
            --no-config --threads 2 >/dev/null 2>"$OUTD/$name.$side.stderr" || true
        normalise "$OUTD/$name.$side.json"
    done
    if cmp -s "$OUTD/$name.base.json" "$OUTD/$name.head.json"; then
        echo "same      $input"
    else
        echo "DIFFERENT $input  (diff $OUTD/$name.base.json $OUTD/$name.head.json)"
        status=1
    fi
done
exit $status

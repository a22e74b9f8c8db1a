#!/usr/bin/env bash
# Secret detection on the peers' own public rule examples: every true- and
# false-positive example string that ships with gitleaks' rules and with Kingfisher's,
# one small file each, scanned by aispm (--select SEC), Kingfisher and Betterleaks (the
# gitleaks successor, on gitleaks' rule set). Prints, per tool and per source, the
# recall on the positives and the false-positive rate on the negatives (also without
# the positives that are placeholders by aispm's documented tests), and writes
# aispm's misses and flagged negatives to bench/out/secrets-examples/aispm.misses.tsv.
#
#   bench/secrets_examples.sh GITLEAKS_GIT_DIR KINGFISHER_GIT_DIR
#
# Both arguments are git directories (a clone's .git, or a bare repository such as a
# fetched snapshot); their HEAD is read with `git show`, nothing is checked out and
# nothing of them is copied outside bench/out/. Either may be `-` to skip that source.
# Peers are installed as in bench/secrets.sh (same pinned wheels, same virtualenv) and
# run offline.
set -euo pipefail
GITLEAKS="${1:?usage: bench/secrets_examples.sh GITLEAKS_GIT_DIR KINGFISHER_GIT_DIR}"
KF_RULES="${2:?usage: bench/secrets_examples.sh GITLEAKS_GIT_DIR KINGFISHER_GIT_DIR}"
GITLEAKS=$(realpath "$GITLEAKS" 2>/dev/null || echo -)
KF_RULES=$(realpath "$KF_RULES" 2>/dev/null || echo -)
cd "$(dirname "$0")/.."
source bench/common.sh

PYTHON="${AISPM_BENCH_PYTHON:-python3}"
E="$OUT/secrets-examples"
VENV="$OUT/peers/secrets"

need "$PYTHON" "Python 3.10+ with the venv module"
need git "git, to read the rule repositories"
build_release
rm -rf "$E"
mkdir -p "$E"

install_peers "$VENV" "$E/install.log" "$SECRET_PEERS"
PY="$PYTHON"
[[ -x "$VENV/bin/python" ]] && PY="$VENV/bin/python"
KINGFISHER=$("$PY" -c 'import kingfisher; print(kingfisher.get_binary_path())' 2>/dev/null || true)
BETTERLEAKS=$("$PY" -c 'from betterleaks import cli; print(cli.get_binary_path())' 2>/dev/null || true)

src=()
[[ "$GITLEAKS" != - ]] && src+=(--gitleaks "$GITLEAKS")
[[ "$KF_RULES" != - ]] && src+=(--kingfisher "$KF_RULES")
echo "== extracting the rule examples" >&2
"$PY" bench/secrets_examples.py extract "${src[@]}" --out "$E"
CASES="$E/cases"

JAIL=()
unshare -n true 2>/dev/null && JAIL=(unshare -n)

results=()
echo "== aispm $("$AISPM" --version | head -n 1)" >&2
"${JAIL[@]}" "$AISPM" scan "$CASES" --select SEC --format json --output "$E/aispm.json" \
    --quiet --no-gitignore --no-config >/dev/null 2>"$E/aispm.stderr" || true
results+=(--result "aispm=$E/aispm.json")
if [[ -n "$KINGFISHER" && -x "$KINGFISHER" ]]; then
    echo "== kingfisher $("$KINGFISHER" --version 2>&1 | head -n 1)" >&2
    "${JAIL[@]}" "$KINGFISHER" scan "$CASES" --no-update-check --no-validate --redact \
        --no-dedup --rule-cache-dir "$E/kingfisher-rule-cache" --format json \
        --output "$E/kingfisher.json" --quiet >/dev/null 2>"$E/kingfisher.stderr" || true
    results+=(--result "kingfisher=$E/kingfisher.json")
else
    echo "bench: kingfisher not installed; skipped" >&2
fi
if [[ -n "$BETTERLEAKS" && -x "$BETTERLEAKS" ]]; then
    echo "== betterleaks $("$BETTERLEAKS" version 2>&1 | head -n 1)" >&2
    "${JAIL[@]}" "$BETTERLEAKS" fs "$CASES" --output "$E/betterleaks.json" --redact \
        --silent --no-color --log-level warn >/dev/null 2>"$E/betterleaks.stderr" || true
    results+=(--result "betterleaks=$E/betterleaks.json")
else
    echo "bench: betterleaks not installed; skipped" >&2
fi

echo
"$PY" bench/secrets_examples.py score --cases "$E/cases.jsonl" "${results[@]}" --misses aispm

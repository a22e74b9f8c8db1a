#!/usr/bin/env python3
"""Reads what bench/code.sh recorded and prints the source-analysis comparison.

Input: a timings file (tool, input, wall seconds, peak RSS KiB, exit status, output
prefix per line), an inputs file (input, bytes, files, path), and each tool's JSON
output. Every tool is scored from its own output against labels:

  corpus   ../shared/corpus/code/labels.jsonl (its inventory/ai-sdk rows are left out:
           they belong to the inventory, not to these rules)
  tree     the generator's labels for the generated application tree

A finding has a kind: for aispm, its rule through RULE_KINDS below (or
tests/corpus-kinds.json once that lists CODE rules, or a `kind` property); for
Semgrep, the `kind` in the rule's metadata (bench/code/semgrep/). Matching is the
corpus' rule: same path, same kind, and the finding's line range overlaps the row's
line..end_line. Findings are counted as distinct places (path, kind, line range):

  recall      expected rows found / expected rows, overall and per kind
  precision   places matching an expected row of their kind / all places of the code
              kinds (strict: a place that matches no expected row is a false positive)
  hard-negative hits  false positives on an expected:false row of the same kind
              (literal_eval, parameterised SQL, DOMPurify, weights_only=True, ...)

Findings of rules outside the nine kinds are not scored (counted as "other").
Only the standard library is used, so it runs with any python3.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field

from benchlib import (
    PathMap,
    as_int,
    cpu_seconds,
    fmt_ratio,
    overlaps,
    read_inputs,
    read_json,
    read_jsonl,
    read_timings,
)

KINDS = [
    "code/llm-output-to-exec",
    "code/llm-output-to-shell",
    "code/llm-output-to-sql",
    "code/llm-output-to-html",
    "code/torch-load-unsafe",
    "code/pickle-load-untrusted",
    "code/trust-remote-code",
    "code/hf-unpinned-revision",
    "code/langchain-dangerous-deserialization",
]
# aispm's CODE rules and the corpus kind each one reports.
RULE_KINDS = {
    "CODE001": "code/llm-output-to-exec",
    "CODE002": "code/llm-output-to-shell",
    "CODE003": "code/llm-output-to-sql",
    "CODE004": "code/llm-output-to-html",
    "CODE010": "code/torch-load-unsafe",
    "CODE011": "code/pickle-load-untrusted",
    "CODE014": "code/trust-remote-code",
    "CODE015": "code/hf-unpinned-revision",
    "CODE016": "code/langchain-dangerous-deserialization",
    # The generated tree labels Hub downloads (`hf_hub_download`, `snapshot_download`)
    # with the same kind as `from_pretrained`; aispm reports those as CODE017. The
    # corpus kind map keeps CODE015 only, as the corpus defines the kind by
    # `from_pretrained`.
    "CODE017": "code/hf-unpinned-revision",
}
TIMEOUT_CODES = {124, 137}
NORMAL_EXIT = {"aispm": {0, 1}, "semgrep": {0, 1}}
ORDER = ["aispm", "semgrep"]
INPUT_ORDER = ["corpus", "tree"]


@dataclass(frozen=True)
class Place:
    path: str
    kind: str
    line: int | None
    end_line: int | None


@dataclass
class Row:
    path: str
    line: int | None
    end_line: int | None
    kind: str
    expected: bool
    alt_kinds: tuple = ()
    note: str = ""

    def accepts(self, kind: str) -> bool:
        return kind == self.kind or kind in self.alt_kinds


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    places: int = 0
    true_places: int = 0
    other: int = 0
    hard_negative: list = field(default_factory=list)
    false_positive: list = field(default_factory=list)
    misses: list = field(default_factory=list)
    per_kind: dict = field(default_factory=dict)  # kind -> [found, expected, true places, places]

    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None

    def precision(self) -> float | None:
        return self.true_places / self.places if self.places else None


# ------------------------------------------------------------------ reading


def rule_kinds(path: str | None) -> dict[str, str]:
    """RULE_KINDS, overridden by tests/corpus-kinds.json where it names CODE rules."""
    out = dict(RULE_KINDS)
    doc = read_json(path) if path else None
    if isinstance(doc, dict):
        for kind, rules in doc.items():
            if kind.startswith("code/"):
                for r in rules or []:
                    out[str(r).partition(":")[0]] = kind
    return out


def aispm_kind(rule: str, props: dict, kinds: dict[str, str]) -> str | None:
    k = props.get("kind") if isinstance(props, dict) else None
    if isinstance(k, str) and k.startswith("code/"):
        return k
    if rule in kinds:
        return kinds[rule]
    # A rule ID with a suffix (CODE001-python) still names its base rule.
    for r, kind in kinds.items():
        if rule.startswith(r):
            return kind
    return None


def parse(tool: str, base: str, out_json: str, paths: PathMap, kinds: dict[str, str]):
    """(places, other, errors) of one run, or None when its output is missing."""
    places: set[Place] = set()
    other = 0
    errors: list[str] = []
    if tool == "aispm":
        doc = read_json(out_json)
        if not isinstance(doc, dict):
            return None
        for f in doc.get("findings", []):
            rule = str(f.get("rule_id", ""))
            if not rule.startswith("CODE"):
                continue
            kind = aispm_kind(rule, f.get("properties") or {}, kinds)
            if kind is None:
                other += 1
                continue
            line = as_int(f.get("line"))
            end = as_int(f.get("end_line")) or line
            places.add(Place(paths(f.get("path")), kind, line, end))
    elif tool == "semgrep":
        doc = read_json(out_json)
        if not isinstance(doc, dict):
            return None
        for r in doc.get("results", []):
            kind = ((r.get("extra") or {}).get("metadata") or {}).get("kind")
            if kind not in KINDS:
                other += 1
                continue
            line = as_int((r.get("start") or {}).get("line"))
            end = as_int((r.get("end") or {}).get("line")) or line
            places.add(Place(paths(r.get("path")), kind, line, end))
        for e in doc.get("errors", []):
            errors.append(f"{e.get('type')}: {e.get('path', '') or ''} {str(e.get('message', ''))[:120]}")
        for s in (doc.get("paths") or {}).get("skipped") or []:
            errors.append(f"skipped: {s.get('path')} ({s.get('reason')})")
    else:
        return None
    return places, other, errors


def rows_of(path: str) -> list[Row]:
    out = []
    for r in read_jsonl(path):
        kind = r.get("kind", "")
        if kind not in KINDS:
            continue
        out.append(
            Row(
                path=r["path"],
                line=as_int(r.get("line")),
                end_line=as_int(r.get("end_line")),
                kind=kind,
                expected=bool(r.get("expected")),
                alt_kinds=tuple(r.get("alt_kinds") or ()),
                note=r.get("note", ""),
            )
        )
    return out


# ------------------------------------------------------------------ scoring


def score(places: set[Place], other: int, rows: list[Row]) -> Score:
    s = Score(other=other)
    by_path: dict[str, list[Row]] = defaultdict(list)
    places_by_path: dict[str, list[Place]] = defaultdict(list)
    for r in rows:
        by_path[r.path].append(r)
    for p in places:
        places_by_path[p.path].append(p)
    for k in KINDS:
        s.per_kind[k] = [0, 0, 0, 0]
    for r in rows:
        if not r.expected:
            continue
        s.expected += 1
        pk = s.per_kind[r.kind]
        pk[1] += 1
        if any(r.accepts(p.kind) and overlaps(r, p.line, p.end_line) for p in places_by_path[r.path]):
            s.found += 1
            pk[0] += 1
        else:
            s.misses.append(f"{r.kind} {r.path}:{r.line}")
    for p in sorted(places, key=lambda p: (p.path, p.line or 0, p.kind)):
        s.places += 1
        pk = s.per_kind[p.kind]
        pk[3] += 1
        cands = by_path.get(p.path, [])
        if any(r.expected and r.accepts(p.kind) and overlaps(r, p.line, p.end_line) for r in cands):
            s.true_places += 1
            pk[2] += 1
            continue
        neg = [r for r in cands if not r.expected and r.accepts(p.kind) and overlaps(r, p.line, p.end_line)]
        if neg:
            s.hard_negative.append(f"{p.kind} {p.path}:{p.line} ({neg[0].note or 'safe twin'})")
        else:
            s.false_positive.append(f"{p.kind} {p.path}:{p.line}")
    return s


# ------------------------------------------------------------------ report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--timings", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus")
    ap.add_argument("--tree-labels")
    ap.add_argument("--kinds", default="tests/corpus-kinds.json")
    ap.add_argument(
        "--aispm-detection",
        choices=["yes", "pending"],
        default="yes",
        help="pending: aispm has no CODE rules yet, its figures are not scored",
    )
    args = ap.parse_args()

    inputs = read_inputs(args.inputs)

    runs = read_timings(args.timings)

    kinds = rule_kinds(args.kinds)
    labels: dict[str, list[Row]] = {}
    if args.corpus and os.path.isfile(os.path.join(args.corpus, "labels.jsonl")):
        labels["corpus"] = rows_of(os.path.join(args.corpus, "labels.jsonl"))
    if args.tree_labels:
        labels["tree"] = rows_of(args.tree_labels)

    tools = [t for t in ORDER if any(k[0] == t for k in runs)]
    order = [i for i in INPUT_ORDER if any(k[1] == i for k in runs)]
    summary: dict = {}
    scores: dict[tuple[str, str], Score] = {}

    def status_of(tool: str, run: dict) -> str:
        if run["rc"] in TIMEOUT_CODES:
            return "timeout"
        if run["rc"] not in NORMAL_EXIT.get(tool, {0}):
            return f"exit {run['rc']}"
        return "ok"

    pending = args.aispm_detection == "pending"
    print("== AI-code source analysis: time, memory, throughput, detection")
    head = (
        f"{'tool':<8} {'input':<7} {'files':>6} {'MB':>7} {'wall s':>8} {'CPU s':>8} {'RSS MiB':>8} {'MB/s':>7} "
        f"{'x aispm':>8} {'recall':>18} {'precision':>18}  result"
    )
    print(head)
    print("-" * len(head))
    for inp in order:
        info = inputs.get(inp, {})
        paths = PathMap(info.get("path"))
        base_run = runs.get(("aispm", inp))
        base_ok = base_run and base_run["wall"] > 0 and status_of("aispm", base_run) == "ok" and not pending
        for tool in tools:
            run = runs.get((tool, inp))
            if run is None:
                continue
            status = status_of(tool, run)
            out_json = run["base"] + ".json"
            parsed = parse(tool, run["base"], out_json, paths, kinds)
            mb = info.get("bytes", 0) / 1e6
            mbs = mb / run["wall"] if run["wall"] > 0 else 0.0
            ratio = f"{run['wall'] / base_run['wall']:.1f}x" if tool != "aispm" and base_ok else "-"
            cpu = cpu_seconds(run["base"])
            entry: dict = {
                "status": status,
                "wall_s": run["wall"],
                "cpu_s": cpu,
                "peak_rss_mib": run["rss"],
                "mb_per_s": mbs,
                "bytes": info.get("bytes"),
                "files": info.get("files"),
            }
            rec = prec = "-"
            if parsed is None:
                if status == "ok":
                    status = "no output"
            elif tool == "aispm" and pending:
                rec = prec = "pending"
                status += " (no CODE rules yet: a full scan)"
            elif inp in labels:
                places, other, errors = parsed
                sc = score(places, other, labels[inp])
                scores[(tool, inp)] = sc
                rec = fmt_ratio(sc.recall(), sc.found, sc.expected)
                prec = fmt_ratio(sc.precision(), sc.true_places, sc.places)
                if errors:
                    status += f" ({len(errors)} errors/skips)"
                entry.update(
                    recall=sc.recall(),
                    precision=sc.precision(),
                    found=sc.found,
                    expected=sc.expected,
                    places=sc.places,
                    true_places=sc.true_places,
                    other_findings=sc.other,
                    hard_negative_hits=sc.hard_negative,
                    false_positives=sc.false_positive,
                    misses=sc.misses,
                    per_kind={k: dict(zip(["found", "expected", "true_places", "places"], v)) for k, v in sc.per_kind.items()},
                    errors=errors,
                )
            entry["status"] = status
            print(
                f"{tool:<8} {inp:<7} {info.get('files', 0):>6} {mb:>7.1f} {run['wall']:>8.2f} "
                f"{(f'{cpu:.2f}' if cpu is not None else '-'):>8} "
                f"{run['rss']:>8.1f} {mbs:>7.2f} {ratio:>8} {rec:>18} {prec:>18}  {status}"
            )
            summary.setdefault(inp, {})[tool] = entry
    print(
        "CPU s: user + system seconds of the tool and its children (the figure least\n"
        "sensitive to other load on the machine). MB/s: input bytes (10^6) / wall time.\n"
        "x aispm: the tool's wall time divided by aispm's on the same input (only once\n"
        "aispm has its CODE rules). recall: expected rows found; precision: places\n"
        "matching an expected row of their kind / all places."
    )

    for inp in order:
        tabs = [(t, scores[(t, inp)]) for t in tools if (t, inp) in scores]
        if not tabs:
            continue
        print()
        print(f"== {inp}: per kind, recall (found/expected) and precision (true/reported)")
        print(f"{'kind':<42}" + "".join(f"{t + ' recall':>18}{t + ' precision':>20}" for t, _ in tabs))
        for k in KINDS:
            cells = ""
            for _, sc in tabs:
                f, e, tp, n = sc.per_kind[k]
                cells += f"{fmt_ratio(f / e if e else None, f, e):>18}{fmt_ratio(tp / n if n else None, tp, n):>20}"
            print(f"{k:<42}" + cells)
        print(f"{'hard-negative hits':<42}" + "".join(f"{len(sc.hard_negative):>18}{'':>20}" for _, sc in tabs))
        print(f"{'other false positives':<42}" + "".join(f"{len(sc.false_positive):>18}{'':>20}" for _, sc in tabs))
        for t, sc in tabs:
            for label, items in (("miss", sc.misses), ("hard negative", sc.hard_negative), ("false positive", sc.false_positive)):
                for m in items[:5]:
                    print(f"    {t}: {label} {m}")
                if len(items) > 5:
                    print(f"    {t}: ... {len(items) - 5} more {label}s")

    path = os.path.join(args.out, "summary.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    print(f"\nper-run figures, misses, hard-negative hits and false positives: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

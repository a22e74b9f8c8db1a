#!/usr/bin/env python3
"""Reads what bench/models.sh recorded and prints the comparison tables.

Input: a timings file (tool, input, wall seconds, peak RSS KiB, exit status, output
prefix per line) and each tool's own output under that prefix. For the labelled model
corpus it also scores every tool, from its own output, against labels.jsonl.

What counts as "flagged" for each tool (its own alert threshold, nothing tuned):
  aispm       a finding of severity high or critical on the file; for the "unsafe"
              column, any finding at all
  modelscan   any entry in "issues" (modelscan exits 1 on any issue, all severities)
  picklescan  a "dangerous import ... FOUND" line (its exit-1 "infected" verdict;
              "suspicious" globals are only counted with --strict, not used here)
  fickling    exit status 1 from `fickling --check-safety FILE` (severity above
              LIKELY_SAFE)
  modelaudit  an issue or a failed check of severity warning or critical (what makes
              it exit 1; info does not)
What counts as "errored":
  aispm       an entry in the report's "errors" for the file
  modelscan   an entry in "errors" for the file
  picklescan  "ERROR: parsing pickle in FILE" or "WARNING: could not parse FILE"
  fickling    any other outcome: exit 2 (could not parse), 124 (timeout), or exit 1
              without a result file (an uncaught exception)
  modelaudit  file_metadata with operational_error set for the file
A run that crashed (picklescan: no scan summary, an unhandled exception), timed out
or left no output leaves every file it did not flag counted as errored. Archive members count against the labelled container file.

Only the standard library is used, so it runs with any python3.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import defaultdict

from benchlib import read_json, read_timings

TIMEOUT_CODES = {124, 137}
# Exit statuses that mean "the run finished", per tool.
NORMAL_EXIT = {
    "aispm": {0, 1},
    "modelscan": {0, 1, 2, 3},
    "picklescan": {0, 1, 2},
    "fickling": {0},  # the per-file loop itself; each file's status is in its output
    "modelaudit": {0, 1, 2},
}
ORDER = ["aispm", "modelscan", "picklescan", "fickling", "modelaudit"]
INPUT_ORDER = ["corpus", "big-pickle", "big-torch-zip"]


class Labels:
    """labels.jsonl, and the mapping of any path a tool prints to a labelled file."""

    def __init__(self, corpus: str):
        self.root = os.path.realpath(corpus)
        self.label: dict[str, str] = {}
        with open(os.path.join(corpus, "labels.jsonl"), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    self.label[row["path"]] = row["label"]
        self.by_length = sorted(self.label, key=len, reverse=True)

    def resolve(self, reported: str | None) -> str | None:
        if not reported:
            return None
        rep = reported.strip()
        for root in (self.root, os.path.abspath(self.root)):
            if rep.startswith(root + os.sep):
                rep = rep[len(root) + 1 :]
                break
        if rep.startswith("./"):
            rep = rep[2:]
        if rep in self.label:
            return rep
        for path in self.by_length:
            if rep.startswith(path):
                nxt = rep[len(path)]
                # "a.zip:member", "a.zip!member", "a.pkl.gz -> member"; not "a.pkl.gz"
                # against the label "a.pkl".
                if not (nxt.isalnum() or nxt in "._-"):
                    return path
        # A directory reported for the one labelled file inside it.
        inside = [p for p in self.label if p.startswith(rep.rstrip("/") + "/")]
        return inside[0] if len(inside) == 1 else None


class Verdicts:
    def __init__(self) -> None:
        self.flagged: set[str] = set()
        self.any: set[str] = set()
        self.errored: set[str] = set()
        # The run stopped before the end (an unhandled exception).
        self.crashed = False
        # Per-file tools: the files that got a verdict line.
        self.seen: set[str] = set()


def read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def parse(tool: str, base: str, resolve) -> Verdicts | None:
    """Flagged / errored paths from a tool's output, through `resolve`. None when the
    output is missing or unreadable."""
    v = Verdicts()

    def add(target: set[str], reported) -> None:
        path = resolve(reported)
        if path is not None:
            target.add(path)

    if tool == "aispm":
        doc = read_json(base + ".json")
        if not isinstance(doc, dict):
            return None
        for f in doc.get("findings", []):
            path = (f.get("path") or "").split("!", 1)[0]
            add(v.any, path)
            if f.get("severity") in ("high", "critical"):
                add(v.flagged, path)
        for e in doc.get("errors", []):
            add(v.errored, (e.get("path") or "").split("!", 1)[0])
    elif tool == "modelscan":
        doc = read_json(base + ".json")
        if not isinstance(doc, dict):
            return None
        for issue in doc.get("issues", []):
            add(v.flagged, issue.get("source"))
        for err in doc.get("errors", []):
            add(v.errored, err.get("source"))
        v.any = set(v.flagged)
    elif tool == "picklescan":
        text = read_text(base + ".stdout") + "\n" + read_text(base + ".stderr")
        v.crashed = "SCAN SUMMARY" not in text
        for m in re.finditer(r"^(.*?): dangerous import .* FOUND$", text, re.M):
            add(v.flagged, m.group(1))
        for m in re.finditer(r"^ERROR: parsing pickle in (.*?): ", text, re.M):
            add(v.errored, m.group(1))
        for m in re.finditer(r"^WARNING: could not parse (.*?) as pickle", text, re.M):
            add(v.errored, m.group(1))
        v.any = set(v.flagged)
    elif tool == "fickling":
        text = read_text(base + ".stdout")
        for line in text.splitlines():
            parts = line.split("\t")
            if len(parts) != 3:
                continue
            rel, rc, wrote_json = parts
            v.seen.add(rel)
            if rc == "1" and wrote_json == "1":
                add(v.flagged, rel)
            elif rc != "0":
                add(v.errored, rel)
        v.any = set(v.flagged)
    elif tool == "modelaudit":
        doc = read_json(base + ".json")
        if not isinstance(doc, dict):
            return None
        serious = ("warning", "critical")
        for issue in doc.get("issues", []):
            if str(issue.get("severity", "")).lower() in serious:
                add(v.flagged, issue.get("location"))
        # Failed checks of those severities also make it exit 1. Some (ONNX external
        # data traversal) carry the traversal target as their location; the checks
        # list is in scan order, so they go to the file whose checks came before.
        last = None
        for check in doc.get("checks", []):
            here = resolve(check.get("location"))
            if here is not None:
                last = here
            if check.get("status") == "failed" and str(
                check.get("severity", "")
            ).lower() in serious:
                target = here if here is not None else last
                if target is not None:
                    v.flagged.add(target)
        for path, meta in (doc.get("file_metadata") or {}).items():
            if isinstance(meta, dict) and meta.get("operational_error"):
                add(v.errored, path)
        v.any = set(v.flagged)
    else:
        return None
    return v


def run_status(tool: str, rc: int) -> str:
    if rc in TIMEOUT_CODES:
        return "timeout"
    if rc in NORMAL_EXIT.get(tool, {0}):
        return "ok"
    return f"exit {rc}"


def overall_status(tool: str, run: dict) -> str:
    """How the run as a whole ended: ok, timeout, exit N, crashed or no output."""
    status = run_status(tool, run["rc"])
    if status != "ok":
        return status
    v = parse(tool, run["base"], lambda p: p or None)
    if v is None:
        return "no output"
    return "crashed" if v.crashed else "ok"


def pct(n: int, d: int) -> str:
    return f"{100.0 * n / d:5.1f}% ({n}/{d})" if d else "   n/a"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--timings", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus")
    args = ap.parse_args()

    runs = read_timings(args.timings)

    tools = [t for t in ORDER if any(k[0] == t for k in runs)]
    inputs = [i for i in INPUT_ORDER if any(k[1] == i for k in runs)]

    # Verdict of a run on a single big file: what the tool said about it.
    def single_file_verdict(tool: str, run: dict) -> str:
        status = run_status(tool, run["rc"])
        if status != "ok":
            return status
        v = parse(tool, run["base"], lambda p: "file" if p else None)
        if v is None:
            return "no output"
        if v.crashed:
            return "crashed"
        if tool == "fickling":
            parts = read_text(run["base"] + ".stdout").strip().split("\t")
            rc = parts[1] if len(parts) == 3 else ""
            if rc == "0":
                return "clean"
            if rc == "1":
                return "flagged" if v.flagged else "crashed"
            return "timeout" if rc in ("124", "137") else "error"
        if v.flagged:
            return "flagged"
        if v.errored:
            return "error"
        if tool == "modelscan" and run["rc"] == 3:
            return "not scanned"
        if tool == "modelaudit" and run["rc"] == 2:
            # Typically "File too large": its pickle scanner reads at most 512 MiB.
            return "inconclusive"
        if run["rc"] == 2 and tool != "aispm":
            return "error"
        return "clean"

    print("== model scanners: wall time and peak memory")
    header = f"{'tool':<11} {'input':<14} {'wall (s)':>9} {'peak RSS (MiB)':>15} {'x aispm':>8}  result"
    print(header)
    print("-" * len(header))
    for inp in inputs:
        base_run = runs.get(("aispm", inp))
        for tool in tools:
            run = runs.get((tool, inp))
            if run is None:
                continue
            ratio = "-"
            if tool != "aispm" and base_run and base_run["wall"] > 0:
                ratio = f"{run['wall'] / base_run['wall']:.1f}x"
            if inp == "corpus":
                result = overall_status(tool, run)
            else:
                result = single_file_verdict(tool, run)
            print(
                f"{tool:<11} {inp:<14} {run['wall']:>9.2f} {run['rss']:>15.1f} {ratio:>8}  {result}"
            )
    print("x aispm: the tool's wall time divided by aispm's on the same input.")

    if not args.corpus or not any(k[1] == "corpus" for k in runs):
        return 0
    labels = Labels(args.corpus)
    by_label: dict[str, list[str]] = defaultdict(list)
    for path, label in labels.label.items():
        by_label[label].append(path)

    print()
    print(
        f"== detection on the model corpus ({len(by_label['malicious'])} malicious, "
        f"{len(by_label['unsafe'])} unsafe, {len(by_label['benign'])} benign files)"
    )
    header = f"{'tool':<11} {'malicious':>16} {'unsafe':>16} {'benign FP':>16} {'errored':>8}  run"
    print(header)
    print("-" * len(header))
    summary = {}
    for tool in tools:
        run = runs.get((tool, "corpus"))
        if run is None:
            continue
        status = overall_status(tool, run)
        v = parse(tool, run["base"], labels.resolve) or Verdicts()
        if tool == "fickling":
            # Files the loop never reached (the run timeout) were not analysed.
            v.errored |= set(labels.label) - v.seen
        if status != "ok":
            # The run died: whatever it did not flag was not scanned.
            v.errored |= {p for p in labels.label if p not in v.flagged}
        unsafe_hits = v.any if tool == "aispm" else v.flagged
        mal = sum(p in v.flagged for p in by_label["malicious"])
        uns = sum(p in unsafe_hits for p in by_label["unsafe"])
        fp = sum(p in v.flagged for p in by_label["benign"])
        errored = len(v.errored & set(labels.label))
        print(
            f"{tool:<11} {pct(mal, len(by_label['malicious'])):>16} "
            f"{pct(uns, len(by_label['unsafe'])):>16} "
            f"{pct(fp, len(by_label['benign'])):>16} {errored:>8}  {status}"
        )
        summary[tool] = {
            "run": status,
            "flagged": sorted(v.flagged),
            "any_finding": sorted(v.any),
            "errored": sorted(v.errored & set(labels.label)),
        }
    print(
        "malicious: detection rate; unsafe: detection rate (aispm: any finding);\n"
        "benign FP: benign files flagged; errored: labelled files the tool reported it\n"
        "could not analyse (or that a crashed/timed-out run never reported)."
    )
    with open(os.path.join(args.out, "corpus-verdicts.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    print(f"per-file verdicts: {os.path.join(args.out, 'corpus-verdicts.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Scores aispm's reports on the real-world evaluation set against the recorded verdicts.

    bench/realworld/score.py [--reports DIR] [--verdicts DIR] [--untriaged]

Each report is `DIR/<name>.json` for a row `name` of `repos.tsv`. A finding is matched to
the verdict rows of its repository by (path, line, rule). A verdict row records the
severity it judged; a `tp` verdict still holds when the finding's severity has changed,
an `fp` or `debatable` one only for that same severity (a false critical demoted to a
low is a new question, listed as untriaged). A second finding of one rule on one line
counts as false: one defect, one finding. `debatable` counts half.

Prints precision per rule and per severity, the acceptance figures (critical and high;
everything but DEP004), and the rules under 0.70 with more than five findings. With
--untriaged, lists the findings that have no verdict yet. Standard library only.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from benchlib import read_json, read_jsonl  # noqa: E402

SEVERITIES = ["critical", "high", "medium", "low", "info"]
SCORE = {"tp": 1.0, "debatable": 0.5, "fp": 0.0}


def repos(path: str) -> list[tuple[str, str, str]]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            name, repo, commit, *_ = line.rstrip("\n").split("\t")
            rows.append((name, repo, commit))
    return rows


class Tally:
    def __init__(self):
        self.n = 0
        self.counts = collections.Counter()
        self.points = 0.0

    def add(self, verdict: str | None):
        self.n += 1
        self.counts[verdict or "untriaged"] += 1
        if verdict in SCORE:
            self.points += SCORE[verdict]

    @property
    def judged(self) -> int:
        return self.n - self.counts["untriaged"]

    def precision(self) -> float | None:
        return self.points / self.judged if self.judged else None

    def row(self, label: str) -> str:
        p = self.precision()
        c = self.counts
        return (
            f"{label:<14}{self.n:>7}{c['tp']:>6}{c['fp']:>6}{c['debatable']:>6}"
            f"{c['untriaged']:>7}   {'-' if p is None else f'{p:.3f}'}"
        )


def judge(finding, rows, seen) -> str | None:
    key = (finding["path"], finding.get("line"), finding["rule_id"])
    if key in seen:
        return "fp"
    seen.add(key)
    candidates = rows.get(key, [])
    for v in candidates:
        if v["severity"] == finding["severity"]:
            return v["verdict"]
    for v in candidates:
        if v["verdict"] == "tp":
            return "tp"
    return None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", default=os.path.join(HERE, "..", "out", "realworld-reports", "after"))
    ap.add_argument("--verdicts", default=os.path.join(HERE, "verdicts"))
    ap.add_argument("--repos", default=os.path.join(HERE, "repos.tsv"))
    ap.add_argument("--untriaged", action="store_true", help="list findings with no verdict")
    args = ap.parse_args()

    by_rule = collections.defaultdict(Tally)
    by_sev = collections.defaultdict(Tally)
    crit_high, all_but_dep004 = Tally(), Tally()
    untriaged = []
    scanned = 0
    for name, repo, commit in repos(args.repos):
        report = read_json(os.path.join(args.reports, f"{name}.json"))
        if report is None:
            print(f"realworld: no report for {name}", file=sys.stderr)
            continue
        scanned += 1
        rows = collections.defaultdict(list)
        for v in read_jsonl(os.path.join(args.verdicts, f"{name}.jsonl")):
            if v.get("commit", commit) != commit:
                continue
            rows[(v["path"], v.get("line"), v["rule"])].append(v)
        seen = set()
        for f in report.get("findings", []):
            rule, sev = f["rule_id"], f["severity"]
            verdict = judge(f, rows, seen)
            by_rule[rule].add(verdict)
            by_sev[sev].add(verdict)
            if sev in ("critical", "high"):
                crit_high.add(verdict)
            if rule != "DEP004":
                all_but_dep004.add(verdict)
            if verdict is None and rule != "DEP004":
                untriaged.append((name, sev, rule, f["path"], f.get("line"), f.get("message", "")))

    head = f"{'':<14}{'n':>7}{'tp':>6}{'fp':>6}{'deb':>6}{'untri':>7}   precision"
    print(f"real-world set: {scanned} repositories scanned")
    print("\nper severity\n" + head)
    for sev in SEVERITIES:
        if sev in by_sev:
            print(by_sev[sev].row(sev))
    print("\nper rule\n" + head)
    for rule in sorted(by_rule):
        print(by_rule[rule].row(rule))
    print("\nacceptance\n" + head)
    print(crit_high.row("crit+high"))
    print(all_but_dep004.row("all-DEP004"))
    weak = [
        r for r, t in sorted(by_rule.items())
        if t.n > 5 and t.precision() is not None and t.precision() < 0.70
    ]
    print("rules under 0.70 with more than 5 findings:", ", ".join(weak) or "none")
    if args.untriaged:
        print(f"\nuntriaged ({len(untriaged)}, DEP004 aside)")
        for name, sev, rule, path, line, msg in sorted(untriaged):
            print(f"{name}\t{sev}\t{rule}\t{path}:{line}\t{msg[:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

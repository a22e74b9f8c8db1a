#!/usr/bin/env python3
"""Reads what bench/secrets.sh recorded and prints the secret-scanner comparison.

Input: a timings file (tool, input, wall seconds, peak RSS KiB, exit status, output
prefix per line; "-" and "na" for runs that were not possible, with the reason as the
prefix), an inputs file (input, bytes, files, path), and each tool's own output under
its prefix. Every tool is scored from its own output against labels:

  corpus       ../shared/corpus/secrets/labels.jsonl, rows without `commit`
  src-tree     the generator's labels for the source tree
  src-small    the same for a smaller tree of the same make (for the slow tools)
  git-history  the generator's labels for the history (commits named by fast-import
               marks, mapped to commit ids through the exported marks file)
  bundle       the rows of the corpus labels with `commit` (history.bundle)

Matching (the corpus' rule, kind-agnostic for the peers): a finding matches a label row
when its path is the row's path and its line range overlaps line..end_line. An
expected:true row counts as found when any finding of the tool matches it. Findings
are counted as distinct places (path, line, end line, and commit in histories), so a
tool that reports one line under two rules is not penalised twice:

  recall            expected rows found / expected rows
  precision         places matching an expected row / all places (strict: a place
                    that matches no expected row is a false positive)
  hard-negative hits  false positives on an expected:false row (placeholders,
                    references, digests, ...), listed separately

For aispm both kind-agnostic figures and kind-aware ones (the finding's kind, from
tests/corpus-kinds.json or its `secret_kind` property, must equal the row's kind or
one of its alt_kinds) are printed. In histories a row is found when a finding matches
it and names the commit that added the secret (`found (any commit)` is also given).

Only the standard library is used, so it runs with any python3.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field

from benchlib import (
    PathMap,
    as_int,
    fmt_ratio,
    overlaps,
    read_inputs,
    read_json,
    read_jsonl,
    read_timings,
)

TIMEOUT_CODES = {124, 137}
NORMAL_EXIT = {
    "aispm": {0, 1},
    "aispm-full": {0, 1},
    # 200: findings, 205: validated findings.
    "kingfisher": {0, 200, 205},
    "betterleaks": {0, 1},
    "detect-secrets": {0, 1},
}
ORDER = ["aispm", "aispm-full", "kingfisher", "betterleaks", "detect-secrets"]
INPUT_ORDER = ["corpus", "src-tree", "src-small", "stdlib", "git-history", "bundle"]
HISTORY_INPUTS = {"git-history", "bundle"}


@dataclass(frozen=True)
class Place:
    path: str
    line: int | None
    end_line: int | None
    commit: str | None = None


@dataclass
class Finding:
    path: str
    line: int | None
    end_line: int | None
    rule: str
    commit: str | None = None
    kinds: frozenset = frozenset()

    def place(self) -> Place:
        return Place(self.path, self.line, self.end_line, self.commit)


@dataclass
class Row:
    path: str
    line: int | None
    end_line: int | None
    kind: str
    expected: bool
    alt_kinds: tuple = ()
    note: str = ""
    commit: str | None = None
    how: str = ""

    def accepts(self, kinds) -> bool:
        return self.kind in kinds or any(k in kinds for k in self.alt_kinds)


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    found_any_commit: int = 0
    places: int = 0
    true_places: int = 0
    hard_negative: list = field(default_factory=list)
    misses: list = field(default_factory=list)
    per_kind: dict = field(default_factory=dict)  # kind -> [found, expected]
    per_how: dict = field(default_factory=dict)  # history: how -> [found, expected]

    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None

    def precision(self) -> float | None:
        return self.true_places / self.places if self.places else None


# ------------------------------------------------------------------ reading


class KindMap:
    """tests/corpus-kinds.json: corpus kind -> rule IDs, where `RULE:prop=value`
    means the rule's findings whose property `prop` is `value`."""

    def __init__(self, path: str | None):
        self.by_rule: dict[str, list[tuple[str, str | None, str | None]]] = defaultdict(list)
        doc = read_json(path) if path else None
        if isinstance(doc, dict):
            for kind, rules in doc.items():
                for r in rules or []:
                    rule, _, cond = r.partition(":")
                    prop, _, value = cond.partition("=")
                    self.by_rule[rule].append((kind, prop or None, value if prop else None))

    def kinds(self, rule: str, props: dict) -> frozenset:
        props = props if isinstance(props, dict) else {}
        out = set()
        for kind, prop, value in self.by_rule.get(rule, ()):
            if prop is None:
                out.add(kind)
            else:
                v = props.get(prop)
                if (v if isinstance(v, str) else json.dumps(v)) == value:
                    out.add(kind)
        sk = props.get("secret_kind")
        if isinstance(sk, str) and sk:
            out.add(sk if "/" in sk else "secret/" + sk)
        return frozenset(out)


SHA_PATH = re.compile(r"^([0-9a-f]{7,40})[:/](.+)$")


def aispm_provenance(f: dict) -> tuple[str | None, str | None, int | None]:
    """(commit, path in the repository, line) of a history finding, wherever the
    report keeps them: a `history` (or `provenance`/`git`) object, properties, or a
    `<sha>:<path>` path."""
    commit = path = line = None
    props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
    for holder in (f, props):
        for key in ("history", "provenance", "git", "origin"):
            h = holder.get(key)
            if isinstance(h, dict):
                c = h.get("commit") or h.get("commit_id") or h.get("sha")
                if isinstance(c, dict):
                    c = c.get("id") or c.get("sha")
                commit = commit or (c if isinstance(c, str) else None)
                p = h.get("path") or h.get("file")
                if isinstance(p, dict):
                    p = p.get("path")
                path = path or (p if isinstance(p, str) else None)
                line = line or as_int(h.get("line"))
    for key in ("commit", "history_commit", "commit_id"):
        if not commit and isinstance(props.get(key), str):
            commit = props[key]
    if not path:
        for key in ("history_path", "file_in_repo"):
            if isinstance(props.get(key), str):
                path = props[key]
    if not commit:
        m = SHA_PATH.match(f.get("path") or "")
        if m:
            commit, path = m.group(1), path or m.group(2)
    return commit, path, line


def parse(tool: str, base: str, paths: PathMap, kinds: KindMap, history: bool):
    """The findings of one run, or None when the output is missing or unreadable."""
    out: list[Finding] = []
    if tool in ("aispm", "aispm-full"):
        doc = read_json(base + ".json")
        if not isinstance(doc, dict):
            return None
        for f in doc.get("findings", []):
            rule = str(f.get("rule_id", ""))
            if not rule.startswith("SEC"):
                continue
            line, end = as_int(f.get("line")), as_int(f.get("end_line"))
            path = paths(f.get("path"))
            commit = None
            if history:
                commit, hpath, hline = aispm_provenance(f)
                path = paths(hpath) if hpath else path
                line = line if line is not None else hline
            out.append(
                Finding(path, line, end, rule, commit, kinds.kinds(rule, f.get("properties") or {}))
            )
    elif tool == "kingfisher":
        doc = read_json(base + ".json")
        if not isinstance(doc, dict):
            return None
        for item in doc.get("findings", []):
            fd = item.get("finding") or {}
            rule = (item.get("rule") or {}).get("id", "")
            git = fd.get("git_metadata") or {}
            commit = ((git.get("commit") or {}).get("id")) if git else None
            path = ((git.get("file") or {}).get("path")) if git else None
            path = path or fd.get("path")
            line = as_int(fd.get("line"))
            out.append(Finding(paths(path), line, line, rule, commit))
    elif tool == "betterleaks":
        doc = read_json(base + ".json")
        if isinstance(doc, list):
            doc = {"findings": doc}
        if not isinstance(doc, dict):
            return None
        for f in doc.get("findings", []):
            loc = f.get("location") or {}
            attrs = f.get("attributes") or {}
            line = as_int(loc.get("start_line"))
            end = as_int(loc.get("end_line")) or line
            out.append(
                Finding(paths(loc.get("path")), line, end, f.get("rule_id", ""), attrs.get("git.sha"))
            )
    elif tool == "detect-secrets":
        doc = read_json(base + ".stdout")
        if not isinstance(doc, dict):
            return None
        for fname, items in (doc.get("results") or {}).items():
            for it in items:
                line = as_int(it.get("line_number"))
                out.append(Finding(paths(fname), line, line, it.get("type", "")))
    else:
        return None
    return out


# ------------------------------------------------------------------ labels


def corpus_rows(corpus: str, history: bool) -> list[Row]:
    rows = []
    for r in read_jsonl(os.path.join(corpus, "labels.jsonl")):
        if bool(r.get("commit")) != history:
            continue
        rows.append(
            Row(
                path=r.get("file") if history else r["path"],
                line=as_int(r.get("line")),
                end_line=as_int(r.get("end_line")),
                kind=r.get("kind", ""),
                expected=bool(r.get("expected")),
                alt_kinds=tuple(r.get("alt_kinds") or ()),
                note=r.get("note", ""),
                commit=r.get("commit"),
                how="removed" if history else "",
            )
        )
    return rows


def tree_rows(path: str) -> list[Row]:
    return [
        Row(
            path=r["path"],
            line=as_int(r.get("line")),
            end_line=as_int(r.get("end_line")),
            kind=r.get("kind", ""),
            expected=bool(r.get("expected")),
            alt_kinds=tuple(r.get("alt_kinds") or ()),
            note=r.get("note", ""),
        )
        for r in read_jsonl(path)
    ]


def history_rows(path: str, marks_path: str) -> list[Row]:
    marks = {}
    try:
        with open(marks_path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[0].startswith(":"):
                    marks[int(parts[0][1:])] = parts[1]
    except OSError:
        pass
    rows = []
    for r in read_jsonl(path):
        how = r.get("how", "")
        rows.append(
            Row(
                path=r["file"],
                line=as_int(r.get("line")),
                end_line=as_int(r.get("end_line")),
                kind=r.get("kind", ""),
                expected=True,
                alt_kinds=tuple(r.get("alt_kinds") or ()),
                commit=marks.get(as_int(r.get("mark"))),
                how="removed" if how in ("file-deleted", "line-replaced") else how,
            )
        )
    return rows


# ------------------------------------------------------------------ scoring


def same_commit(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = a.lower(), b.lower()
    n = min(len(a), len(b))
    return n >= 7 and a[:n] == b[:n]


def score(findings: list[Finding], rows: list[Row], kind_aware: bool, history: bool) -> Score:
    s = Score()
    by_path: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_path[r.path].append(r)
    # Places, with the union of the kinds reported there.
    places: dict[Place, set] = {}
    for f in findings:
        places.setdefault(f.place(), set()).update(f.kinds)

    def matches(row: Row, p: Place, kinds) -> bool:
        return overlaps(row, p.line, p.end_line) and (not kind_aware or row.accepts(kinds))

    for r in rows:
        if not r.expected:
            continue
        s.expected += 1
        pk = s.per_kind.setdefault(r.kind, [0, 0])
        pk[1] += 1
        hw = s.per_how.setdefault(r.how, [0, 0]) if history else None
        hits = [p for p, k in places.items() if p.path == r.path and matches(r, p, k)]
        named = any(same_commit(p.commit, r.commit) for p in hits) if history else bool(hits)
        if hits:
            s.found_any_commit += 1
        if named:
            s.found += 1
            pk[0] += 1
            if hw is not None:
                hw[0] += 1
        if hw is not None:
            hw[1] += 1
        if not named:
            where = f"{r.path}:{r.line}" + (f" ({r.how}, {r.commit[:12]})" if history and r.commit else "")
            s.misses.append(f"{r.kind} {where}" + (" [found in another commit]" if hits else ""))
    for p, k in places.items():
        s.places += 1
        cands = by_path.get(p.path, [])
        if any(r.expected and matches(r, p, k) for r in cands):
            s.true_places += 1
            continue
        neg = [r for r in cands if not r.expected and overlaps(r, p.line, p.end_line)]
        if neg:
            s.hard_negative.append(f"{p.path}:{p.line} ({neg[0].kind}: {neg[0].note or 'negative'})")
    return s


# ------------------------------------------------------------------ report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--timings", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus")
    ap.add_argument(
        "--tree-labels",
        action="append",
        default=[],
        metavar="INPUT=FILE",
        help="labels of a generated tree (repeatable)",
    )
    ap.add_argument("--history-labels")
    ap.add_argument("--history-marks")
    ap.add_argument("--kinds")
    ap.add_argument(
        "--aispm-detection",
        choices=["yes", "pending"],
        default="yes",
        help="pending: aispm has no SEC rules yet, its figures are not scored",
    )
    args = ap.parse_args()

    inputs = read_inputs(args.inputs)

    runs = read_timings(args.timings)

    kinds = KindMap(args.kinds)
    labels: dict[str, list[Row]] = {}
    # Findings inside the history bundle, when the corpus is scanned as a folder, are
    # neither right nor wrong there: the bundle is scored on its own (input "bundle").
    ignore: dict[str, set] = defaultdict(set)
    if args.corpus and os.path.isfile(os.path.join(args.corpus, "labels.jsonl")):
        labels["corpus"] = corpus_rows(args.corpus, history=False)
        labels["bundle"] = corpus_rows(args.corpus, history=True)
        for r in read_jsonl(os.path.join(args.corpus, "labels.jsonl")):
            if r.get("commit"):
                ignore["corpus"].add(r["path"])
    for spec in args.tree_labels:
        name, _, path = spec.partition("=")
        labels[name] = tree_rows(path)
    if args.history_labels and args.history_marks:
        labels["git-history"] = history_rows(args.history_labels, args.history_marks)

    tools = [t for t in ORDER if any(k[0] == t for k in runs)]
    order = [i for i in INPUT_ORDER if any(k[1] == i for k in runs)]
    summary: dict = {}
    scores: dict[tuple[str, str], Score] = {}
    aware: dict[str, Score] = {}

    def status_of(tool: str, run: dict) -> str:
        if run["na"]:
            return "n/a: " + run["na"]
        if run["rc"] in TIMEOUT_CODES:
            return "timeout"
        if run["rc"] not in NORMAL_EXIT.get(tool, {0}):
            return f"exit {run['rc']}"
        return "ok"

    print("== secret scanners: time, memory, throughput, detection")
    head = (
        f"{'tool':<15} {'input':<12} {'wall s':>8} {'RSS MiB':>8} {'MB/s':>8} {'x aispm':>8} "
        f"{'recall':>16} {'precision':>16}  result"
    )
    print(head)
    print("-" * len(head))
    for inp in order:
        info = inputs.get(inp, {})
        history = inp in HISTORY_INPUTS
        paths = PathMap(info.get("path"))
        base_run = runs.get(("aispm", inp))
        base_ok = (
            base_run
            and base_run["wall"]
            and status_of("aispm", base_run) == "ok"
            and args.aispm_detection == "yes"
        )
        for tool in tools:
            run = runs.get((tool, inp))
            if run is None:
                continue
            status = status_of(tool, run)
            rec = prec = "-"
            entry: dict = {"status": status}
            if run["wall"] is not None:
                mbs = info.get("bytes", 0) / 1e6 / run["wall"] if run["wall"] > 0 else 0.0
                ratio = "-"
                if tool != "aispm" and base_ok:
                    ratio = f"{run['wall'] / base_run['wall']:.1f}x"
                entry.update(wall_s=run["wall"], peak_rss_mib=run["rss"], mb_per_s=mbs)
                findings = parse(tool, run["base"], paths, kinds, history)
                if findings is not None and ignore.get(inp):
                    findings = [x for x in findings if x.path not in ignore[inp]]
                if findings is None and status == "ok":
                    status = "no output"
                pending = tool == "aispm" and args.aispm_detection == "pending"
                if pending:
                    rec = prec = "pending"
                    status = status + " (no SEC rules yet)"
                elif findings is not None and inp in labels:
                    sc = score(findings, labels[inp], kind_aware=False, history=history)
                    scores[(tool, inp)] = sc
                    rec = fmt_ratio(sc.recall(), sc.found, sc.expected, 6)
                    prec = fmt_ratio(sc.precision(), sc.true_places, sc.places, 6)
                    entry.update(
                        recall=sc.recall(),
                        precision=sc.precision(),
                        found=sc.found,
                        found_any_commit=sc.found_any_commit,
                        expected=sc.expected,
                        places=sc.places,
                        true_places=sc.true_places,
                        hard_negative_hits=sc.hard_negative,
                        misses=sc.misses,
                        per_kind=sc.per_kind,
                        per_how=sc.per_how,
                    )
                    if tool == "aispm":
                        ka = score(findings, labels[inp], kind_aware=True, history=history)
                        aware[inp] = ka
                        entry.update(
                            kind_aware_recall=ka.recall(),
                            kind_aware_precision=ka.precision(),
                        )
                print(
                    f"{tool:<15} {inp:<12} {run['wall']:>8.2f} {run['rss']:>8.1f} {mbs:>8.1f} "
                    f"{ratio:>8} {rec:>16} {prec:>16}  {status}"
                )
            else:
                print(f"{tool:<15} {inp:<12} {'-':>8} {'-':>8} {'-':>8} {'-':>8} {'-':>16} {'-':>16}  {status}")
            summary.setdefault(inp, {})[tool] = entry
    print(
        "MB/s: input bytes (10^6) / wall; for histories, the bytes of all distinct blobs.\n"
        "x aispm: the tool's wall time divided by aispm's on the same input (only once\n"
        "aispm has its SEC rules: until then its row is a full scan without them).\n"
        "recall: expected rows found (histories: found naming the commit that added it);\n"
        "precision: places matching an expected row / all places reported."
    )

    if aware:
        print()
        print("== aispm, kind-aware (the finding's kind must be the row's kind)")
        for inp, ka in aware.items():
            print(
                f"{inp:<12} recall {fmt_ratio(ka.recall(), ka.found, ka.expected, 6)}  "
                f"precision {fmt_ratio(ka.precision(), ka.true_places, ka.places, 6)}"
            )

    # Histories: what each tool found of the seeded credentials, by how they left.
    hist = [(k, v) for k, v in scores.items() if k[1] in HISTORY_INPUTS]
    if hist:
        print()
        print("== histories: credentials found naming the commit that added them")
        for (tool, inp), sc in hist:
            hows = "  ".join(f"{h or 'all'} {v[0]}/{v[1]}" for h, v in sorted(sc.per_how.items()))
            print(
                f"{tool:<15} {inp:<12} {sc.found}/{sc.expected} named "
                f"({sc.found_any_commit} matched at all)   {hows}"
            )
            for m in sc.misses[:8]:
                print(f"    miss {m}")
            if len(sc.misses) > 8:
                print(f"    ... {len(sc.misses) - 8} more")
        print("removed: added by one commit, deleted or rewritten by a later one;")
        print("at-tip: still in the last commit; branch-only: on an unmerged branch.")

    for inp in ("corpus", "src-tree", "src-small"):
        tabs = [(t, scores[(t, inp)]) for t in tools if (t, inp) in scores]
        if not tabs:
            continue
        print()
        print(f"== {inp}: recall per kind (found/expected) and hard-negative hits")
        kinds_seen = sorted({k for _, sc in tabs for k in sc.per_kind})
        print(f"{'kind':<28}" + "".join(f"{t:>16}" for t, _ in tabs))
        for k in kinds_seen:
            cells = []
            for _, sc in tabs:
                f, e = sc.per_kind.get(k, [0, 0])
                cells.append(f"{f}/{e}")
            print(f"{k:<28}" + "".join(f"{c:>16}" for c in cells))
        print(f"{'hard-negative hits':<28}" + "".join(f"{len(sc.hard_negative):>16}" for _, sc in tabs))
        print(
            f"{'other false positives':<28}"
            + "".join(f"{sc.places - sc.true_places - len(sc.hard_negative):>16}" for _, sc in tabs)
        )
        if inp == "corpus":
            for t, sc in tabs:
                for h in sc.hard_negative:
                    print(f"    {t}: hard negative {h}")

    path = os.path.join(args.out, "summary.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    print(f"\nper-run figures, misses and hard-negative hits: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Helpers shared by the benchmark scorers (`*_compare.py`): reading tool outputs and
`/usr/bin/time -v` logs, normalising printed paths, matching line ranges, formatting.
Standard library only."""

from __future__ import annotations

import json
import os


def read_json(path: str):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_jsonl(path: str) -> list[dict]:
    rows = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rows.append(json.loads(line))
    except OSError:
        pass
    return rows


def as_int(v) -> int | None:
    try:
        return int(v) if v is not None else None
    except (TypeError, ValueError):
        return None


class PathMap:
    """Turns whatever path a tool prints into a path relative to the scanned root."""

    def __init__(self, root: str | None):
        self.prefixes = []
        if root:
            for p in {root, os.path.abspath(root), os.path.realpath(root)}:
                p = p.rstrip("/")
                self.prefixes.append(p + "/")
                if p.startswith("./"):
                    self.prefixes.append(p[2:] + "/")
        self.prefixes.sort(key=len, reverse=True)

    def __call__(self, path: str | None) -> str:
        p = (path or "").strip()
        for pre in self.prefixes:
            if p.startswith(pre):
                p = p[len(pre) :]
                break
        while p.startswith("./"):
            p = p[2:]
        return p


def overlaps(row, line: int | None, end: int | None) -> bool:
    """Whether a finding's lines `line..end` overlap a label row's `line..end_line`
    (a row without a line matches the whole file)."""
    if row.line is None:
        return True
    if line is None:
        return False
    r_end = max(row.end_line or row.line, row.line)
    f_end = max(end or line, line)
    return line <= r_end and f_end >= row.line


def cpu_seconds(base: str) -> float | None:
    """User + system CPU seconds from the /usr/bin/time -v log beside a run's output."""
    total, seen = 0.0, False
    try:
        with open(base + ".time", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.strip().partition(": ")
                if key in ("User time (seconds)", "System time (seconds)"):
                    total += float(value)
                    seen = True
    except (OSError, ValueError):
        return None
    return total if seen else None




def fmt_ratio(v: float | None, n: int, d: int, width: int = 0) -> str:
    na = "n/a".rjust(width)
    return na if v is None else f"{v:.3f} ({n}/{d})"


def read_inputs(path: str) -> dict[str, dict]:
    """The inputs file of a run: name -> bytes, files, path."""
    inputs: dict[str, dict] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4:
                inputs[parts[0]] = {"bytes": int(parts[1]), "files": int(parts[2]), "path": parts[3]}
    return inputs


def read_timings(path: str) -> dict[tuple[str, str], dict]:
    """The timings file written by `timed` (bench/common.sh): (tool, input) -> wall
    seconds, peak RSS in MiB, exit status and output prefix. A tool that was not run has
    `rc` "na" in the file; its entry has no figures and says why in `na`."""
    runs: dict[tuple[str, str], dict] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 6:
                continue
            tool, inp, wall, rss, rc, base = parts
            if rc == "na":
                runs[(tool, inp)] = {"wall": None, "rss": None, "rc": None, "base": "", "na": base}
            else:
                runs[(tool, inp)] = {
                    "wall": float(wall),
                    "rss": int(rss or 0) / 1024.0,
                    "rc": int(rc),
                    "base": base,
                    "na": None,
                }
    return runs

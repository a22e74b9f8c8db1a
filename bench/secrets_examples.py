"""The peers' own rule examples as a benchmark: extracts the true- and false-positive
example strings that ship with gitleaks' rules (`cmd/generate/config/rules/*.go`: the
literal strings of each rule's `tps` and `fps`) and Kingfisher's (`examples` and
`negative_examples` of each rule YAML), writes each as one small file, and after the
tools have scanned them prints recall on the positives and the false-positive rate on
the negatives, per tool and per source.

    secrets_examples.py extract --gitleaks GIT_DIR --kingfisher GIT_DIR --out DIR
    secrets_examples.py score --cases DIR/cases.jsonl --result TOOL=REPORT ... [--misses TOOL]

The rule repositories are read with `git show` from their git directories (no work tree
needed) and nothing of them is kept outside the output folder. Only literal strings are
taken: gitleaks examples built at run time from a regular expression
(`secrets.NewSecret`, `fmt.Sprintf`) are skipped and counted. A gitleaks example wrapped
by `utils.GenerateSampleSecrets(id, "literal")` is written once, as `<id>_TOKEN =
"literal"`. A file counts as found when the tool reports anything in it.

Many positives are deliberate placeholders (`12345678-ABCD-ABCD-…`, `…EXAMPLEEXAMPLE…`),
which aispm declines by design. The score is printed twice: on all examples, and
without the positives whose candidate secret (the longest token) fails aispm's
documented placeholder tests (`placeholder_example`, restating `noise::is_placeholder`),
the same exclusion for every tool; those rows are marked `placeholder` in the misses. Standard
library only (plus PyYAML for Kingfisher's rules, which the peers' virtualenv has).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import PathMap, read_json, read_jsonl  # noqa: E402


# ------------------------------------------------------------------ git access


def git_files(git_dir: str, folder: str, suffix: str) -> list[str]:
    out = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", "HEAD", folder],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [p for p in out.splitlines() if p.endswith(suffix)]


def git_show(git_dir: str, path: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", git_dir, "show", f"HEAD:{path}"],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8", "replace")


def git_head(git_dir: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", git_dir, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()


# ------------------------------------------------------------------ Go, just enough


def go_unquote(body: str) -> str:
    """An interpreted Go string literal's content (without its quotes)."""
    out, i = [], 0
    simple = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'", "a": "\a",
              "b": "\b", "f": "\f", "v": "\v"}
    while i < len(body):
        c = body[i]
        if c != "\\" or i + 1 >= len(body):
            out.append(c)
            i += 1
            continue
        n = body[i + 1]
        if n in simple:
            out.append(simple[n])
            i += 2
        elif n == "x":
            out.append(chr(int(body[i + 2 : i + 4], 16)))
            i += 4
        elif n == "u":
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        elif n == "U":
            out.append(chr(int(body[i + 2 : i + 10], 16)))
            i += 10
        elif n.isdigit():
            out.append(chr(int(body[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(n)
            i += 2
    return "".join(out)


def go_tokens(src: str):
    """(kind, text) tokens: 'str' (decoded literal), 'punct', 'word'; comments dropped."""
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == "`":
            j = src.find("`", i + 1)
            j = n if j < 0 else j
            yield ("str", src[i + 1 : j].replace("\r", ""))
            i = j + 1
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            yield ("str", go_unquote(src[i + 1 : j]))
            i = j + 1
        elif c == "'":
            j = i + 1
            while j < n and src[j] != "'":
                j += 2 if src[j] == "\\" else 1
            yield ("word", src[i : j + 1])
            i = j + 1
        elif c.isspace():
            if c == "\n":
                yield ("punct", "\n")
            i += 1
        elif c.isalnum() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] in "_."):
                j += 1
            yield ("word", src[i:j])
            i = j
        elif src.startswith("...", i):
            yield ("punct", "...")
            i += 3
        elif src.startswith(":=", i):
            yield ("punct", ":=")
            i += 2
        else:
            yield ("punct", c)
            i += 1


OPEN, CLOSE = "([{", ")]}"


def split_args(toks: list) -> list[list]:
    """Splits a token list at top-level commas (newlines dropped)."""
    parts, cur, depth = [], [], 0
    for t in toks:
        if t == ("punct", "\n"):
            continue
        if t[0] == "punct" and t[1] in OPEN:
            depth += 1
        elif t[0] == "punct" and t[1] in CLOSE:
            depth -= 1
        if depth == 0 and t == ("punct", ","):
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        parts.append(cur)
    return parts


def depths(toks: list, start: int):
    """(index, token, bracket depth after it) from `start` on."""
    depth = 0
    for k in range(start, len(toks)):
        t = toks[k]
        if t[0] == "punct" and t[1] in OPEN:
            depth += 1
        elif t[0] == "punct" and t[1] in CLOSE:
            depth -= 1
        yield k, t, depth


def group(toks: list, start: int) -> tuple[list, int]:
    """The tokens inside the bracket opening at `start`, and the index after its close."""
    for k, t, depth in depths(toks, start):
        if depth == 0 and t[0] == "punct" and t[1] in CLOSE:
            return toks[start + 1 : k], k + 1
    return toks[start + 1 :], len(toks)


def literal(expr: list) -> str | None:
    """A string built only of literals joined by `+`."""
    if not expr or len(expr) % 2 == 0:
        return None
    parts = []
    for k, t in enumerate(expr):
        if k % 2 == 0:
            if t[0] != "str":
                return None
            parts.append(t[1])
        elif t != ("punct", "+"):
            return None
    return "".join(parts)


def element_samples(expr: list, stats: dict) -> list[str]:
    """The example strings one element of a `tps`/`fps` list stands for."""
    expr = [t for t in expr if t != ("punct", "...")]
    s = literal(expr)
    if s is not None:
        return [s]
    if expr and expr[0] == ("word", "utils.GenerateSampleSecrets") and len(expr) > 1:
        inner, _ = group(expr, 1)
        args = split_args(inner)
        if len(args) == 2:
            ident, secret = literal(args[0]), literal(args[1])
            if ident is not None and secret is not None:
                return [f'{ident.upper()}_TOKEN = "{secret}"']
    stats["generated_skipped"] += 1
    return []


def list_samples(expr: list, var: str, stats: dict) -> list[str]:
    """`[]string{…}`, `append(var, …)`, a single call, or `nil`."""
    expr = [t for t in expr if t != ("punct", "\n")]
    if not expr or expr == [("word", "nil")]:
        return []
    if expr[0] == ("word", "append") and len(expr) > 1:
        inner, _ = group(expr, 1)
        args = split_args(inner)
        out = []
        for a in args[1:]:
            if a and a[0] == ("punct", "[") and ("punct", "{") in a:
                out += list_samples(a, var, stats)
            else:
                out += element_samples(a, stats)
        return out
    if expr[0] == ("punct", "[") and ("punct", "{") in expr:
        k = expr.index(("punct", "{"))
        inner, _ = group(expr, k)
        out = []
        for a in split_args(inner):
            out += element_samples(a, stats)
        return out
    return element_samples(expr, stats)


def statement_end(toks: list, i: int) -> int:
    """Where the statement starting at `i` ends: a newline outside brackets, or the
    close of the block around it."""
    for k, t, depth in depths(toks, i):
        if depth < 0 or (depth == 0 and t == ("punct", "\n")):
            return k
    return len(toks)


def gitleaks_rules(src: str, stats: dict):
    """(rule id, positives, negatives) for every rule function in one Go file."""
    toks = list(go_tokens(src))
    i = 0
    while i < len(toks):
        if toks[i] == ("word", "func") and i + 1 < len(toks) and toks[i + 1][0] == "word":
            name = toks[i + 1][1]
            j = i + 2
            while j < len(toks) and toks[j] != ("punct", "{"):
                j += 1
            body, nxt = group(toks, j)
            rule_id, pos, neg = name, [], []
            for k, t in enumerate(body):
                if t == ("word", "RuleID") and k + 2 < len(body) and body[k + 2][0] == "str":
                    rule_id = body[k + 2][1]
                if t[0] == "word" and t[1] in ("tps", "fps") and k + 1 < len(body):
                    op = body[k + 1]
                    if op not in (("punct", ":="), ("punct", "=")):
                        continue
                    if k > 0 and body[k - 1] not in (("punct", "\n"), ("punct", "{")):
                        continue
                    end = statement_end(body, k + 2)
                    got = list_samples(body[k + 2 : end], t[1], stats)
                    (pos if t[1] == "tps" else neg).extend(got)
            if pos or neg:
                yield rule_id, pos, neg
            i = nxt
        else:
            i += 1


def kingfisher_rules(src: str):
    import yaml

    doc = yaml.safe_load(src) or {}
    for r in doc.get("rules") or []:
        pos = [e for e in r.get("examples") or [] if isinstance(e, str)]
        neg = [e for e in r.get("negative_examples") or [] if isinstance(e, str)]
        if pos or neg:
            yield r.get("id") or r.get("name") or "?", pos, neg


# ------------------------------------------------------------------ extract


def safe(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", s)[:80]


def extract(args) -> None:
    cases_dir = os.path.join(args.out, "cases")
    os.makedirs(cases_dir, exist_ok=True)
    manifest = []
    sources = []
    if args.gitleaks:
        stats = defaultdict(int)
        rules = []
        for path in git_files(args.gitleaks, "cmd/generate/config/rules", ".go"):
            rules += list(gitleaks_rules(git_show(args.gitleaks, path), stats))
        sources.append(("gitleaks", args.gitleaks, rules, stats))
    if args.kingfisher:
        try:
            import yaml  # noqa: F401
        except ImportError:
            sys.exit("secrets_examples.py: Kingfisher's rules need PyYAML (pip install PyYAML)")
        rules = []
        folder = "data/rules" if git_files(args.kingfisher, "data/rules", ".yml") else ""
        for path in git_files(args.kingfisher, folder, ".yml"):
            if "/rules/" not in "/" + path:
                continue
            try:
                rules += list(kingfisher_rules(git_show(args.kingfisher, path)))
            except Exception as e:  # a rule file we cannot read is reported, not fatal
                print(f"kingfisher: {path}: {e}", file=sys.stderr)
        sources.append(("kingfisher", args.kingfisher, rules, defaultdict(int)))
    for name, git_dir, rules, stats in sources:
        seen = set()
        counts = {"tp": 0, "fp": 0}
        for rule_id, pos, neg in rules:
            for polarity, samples in (("tp", pos), ("fp", neg)):
                for n, text in enumerate(samples):
                    key = (polarity, text)
                    if not text.strip() or key in seen:
                        continue
                    seen.add(key)
                    rel = os.path.join(name, polarity, f"{safe(rule_id)}.{n}.conf")
                    full = os.path.join(cases_dir, rel)
                    os.makedirs(os.path.dirname(full), exist_ok=True)
                    with open(full, "w", encoding="utf-8") as f:
                        f.write(text if text.endswith("\n") else text + "\n")
                    manifest.append({"file": rel, "source": name, "rule": rule_id, "polarity": polarity})
                    counts[polarity] += 1
        skipped = stats.get("generated_skipped", 0)
        print(
            f"{name} @ {git_head(git_dir)[:12]}: {len(rules)} rules with literal examples, "
            f"{counts['tp']} positives, {counts['fp']} negatives"
            + (f" ({skipped} generated examples skipped)" if skipped else "")
        )
    with open(os.path.join(args.out, "cases.jsonl"), "w", encoding="utf-8") as f:
        for row in manifest:
            f.write(json.dumps(row) + "\n")


# ------------------------------------------------------------------ score


def files_reported(tool: str, report: str, root: str) -> dict[str, list[str]]:
    """Case file -> what the tool reported in it."""
    pm = PathMap(root)
    out: dict[str, list[str]] = defaultdict(list)
    if tool == "aispm":
        data = read_json(report) or {}
        for f in data.get("findings") or []:
            out[pm(f.get("path"))].append(f.get("rule_id", "?"))
    elif tool == "kingfisher":
        rows = read_json(report)
        if rows is None:
            rows = read_jsonl(report)
        if isinstance(rows, dict):
            rows = rows.get("findings") or rows.get("matches") or []
        for r in rows or []:
            rule = (r.get("rule") or {}).get("id") if isinstance(r.get("rule"), dict) else r.get("rule")
            fnd = r.get("finding") or r
            path = fnd.get("path") or ((fnd.get("location") or {}).get("path"))
            out[pm(path)].append(str(rule or fnd.get("rule_id") or "?"))
    else:  # betterleaks: {"findings": [{rule_id, location: {path}}]}; gitleaks: a list
        data = read_json(report) or []
        rows = data.get("findings") or [] if isinstance(data, dict) else data
        for r in rows:
            path = (r.get("location") or {}).get("path") or r.get("File")
            out[pm(path)].append(r.get("rule_id") or r.get("RuleID") or "?")
    return out


# ------------------------------------------------------------------ placeholders

# aispm's documented placeholder tests (crates/aispm-secrets/src/noise.rs,
# `is_placeholder`), restated here so that the scorer does not depend on aispm's build.
PLACEHOLDER_PARTS = (
    "example", "sample", "placeholder", "dummy", "your", "xxxx", "****", "....", "\u2026",
    "changeme", "change_me", "change-me", "replace", "redacted", "insert", "<", ">", "${",
    "{{", "}}", "%s", "here", "fixme", "todo", "notreal", "not_real", "not-real", "fake",
    "0000000000", "1234567890", "abcdefgh", "qwerty",
)
HEX = set("0123456789abcdefABCDEF")


def longest_run(s: str) -> int:
    best = run = 0
    prev = None
    for c in s:
        run = run + 1 if c == prev else 1
        prev = c
        best = max(best, run)
    return best


def longest_sequence(s: str) -> int:
    best = up = down = 1 if s else 0
    for a, b in zip(s, s[1:]):
        up = up + 1 if ord(b) == ord(a) + 1 else 1
        down = down + 1 if ord(b) == ord(a) - 1 else 1
        best = max(best, up, down)
    return best


def is_placeholder(v: str) -> bool:
    low = v.lower()
    if any(p in low for p in PLACEHOLDER_PARTS):
        return True
    if len(v) < 8:
        return False
    if longest_run(v) >= (6 if set(v) <= HEX else 5):
        return True
    return longest_sequence(low) >= 6 or len(set(v)) < 5


def placeholder_example(text: str) -> bool:
    """An example whose secret is a placeholder by aispm's documented tests: its
    longest run of token characters (`[A-Za-z0-9_+/=-]`, the candidate secret) is one
    (`12345678-ABCD-…`, `…EXAMPLEEXAMPLE…`, `AGE-SECRET-KEY-1QQQQ…`)."""
    tokens = re.findall(r"[A-Za-z0-9_+/=-]{8,}", text)
    return bool(tokens) and is_placeholder(max(tokens, key=len))


def score(args) -> None:
    cases = read_jsonl(args.cases)
    root = os.path.join(os.path.dirname(args.cases), "cases")
    results = {}
    for spec in args.result:
        tool, _, report = spec.partition("=")
        if not os.path.exists(report):
            print(f"{tool}: no report ({report})")
            continue
        results[tool] = files_reported(tool, report, root)
    sources = sorted({c["source"] for c in cases})
    for c in cases:
        with open(os.path.join(root, c["file"]), encoding="utf-8", errors="replace") as fh:
            c["placeholder"] = c["polarity"] == "tp" and placeholder_example(fh.read())
    held = [c for c in cases if c["placeholder"]]
    tables = [("all examples", cases)]
    if held:
        tables.append((
            f"without {len(held)} placeholder positives "
            + ", ".join(f"{s}: {sum(1 for c in held if c['source'] == s)}" for s in sources)
            + " (aispm's documented placeholder tests; see placeholder_example)",
            [c for c in cases if not c["placeholder"]],
        ))
    for title, subset in tables:
        print(f"-- {title}")
        print(f"{'tool':<12} {'source':<11} {'recall on positives':>24} {'FP rate on negatives':>24}")
        for tool, found in results.items():
            for src in sources + ["all"]:
                rows = [c for c in subset if src == "all" or c["source"] == src]
                pos = [c for c in rows if c["polarity"] == "tp"]
                neg = [c for c in rows if c["polarity"] == "fp"]
                tp = sum(1 for c in pos if found.get(c["file"]))
                fp = sum(1 for c in neg if found.get(c["file"]))
                r = f"{tp / len(pos):.3f} ({tp}/{len(pos)})" if pos else "n/a"
                f = f"{fp / len(neg):.3f} ({fp}/{len(neg)})" if neg else "n/a"
                print(f"{tool:<12} {src:<11} {r:>24} {f:>24}")
    for tool, found in results.items():
        n = sum(1 for c in held if found.get(c["file"]))
        print(f"{tool}: reports {n} of the {len(held)} placeholder positives")
    for tool in args.misses or []:
        found = results.get(tool, {})
        path = os.path.join(os.path.dirname(args.cases), f"{tool}.misses.tsv")
        with open(path, "w", encoding="utf-8") as f:
            for c in cases:
                hit = bool(found.get(c["file"]))
                if (c["polarity"] == "tp") != hit:
                    kind = "missed" if c["polarity"] == "tp" else "flagged"
                    if c["placeholder"]:
                        kind = "placeholder"
                    f.write(f"{kind}\t{c['source']}\t{c['rule']}\t{c['file']}\t{','.join(found.get(c['file'], []))}\n")
        print(f"{tool}: misses and flagged negatives in {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("extract")
    e.add_argument("--gitleaks")
    e.add_argument("--kingfisher")
    e.add_argument("--out", required=True)
    s = sub.add_parser("score")
    s.add_argument("--cases", required=True)
    s.add_argument("--result", action="append", default=[], help="TOOL=REPORT")
    s.add_argument("--misses", action="append", help="write TOOL's misses to a TSV")
    args = ap.parse_args()
    extract(args) if args.cmd == "extract" else score(args)


if __name__ == "__main__":
    main()

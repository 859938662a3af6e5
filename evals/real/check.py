"""Checks the real-report set: twins against the published text, and the gold items against the twins.

- every twin in reports/ holds exactly the numbers of its published original (the multiset of digit runs),
  when the published copy is at hand (it lives outside the repository: --published DIR);
- every manifest line names a twin, and every twin has a manifest line;
- gold ids are unique, every evidence quote (8-30 characters) occurs exactly once in its twin (and, with
  --published, the published gold's quotes once in the published text), and each reference answer passes its
  own must_include / must_not_include under the contract's scoring rules.

Usage: python -m evals.real.check [--published DIR] [--set evals/real2]   (exit 0 when everything passes)
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
NUMBER = re.compile(r"\d+(?:\.\d+)?")
NUM_ENTRY = re.compile(r"^[0-9]+(\.[0-9]+)?%?$")


def norm(text: str) -> str:
    return re.sub(r"[\s*]", "", unicodedata.normalize("NFKC", text))


def entry_found(entry: str, answer: str) -> bool:
    e = norm(entry)
    if NUM_ENTRY.match(e):
        return re.search(r"(?<![0-9.])" + re.escape(e) + r"(?![0-9.])", answer) is not None
    return bool(e) and e in answer


def answer_problems(item: dict) -> list[str]:
    answer = norm(item.get("answer", ""))
    out = []
    for entry in item.get("must_include", []):
        alts = entry if isinstance(entry, list) else [entry]
        if not any(entry_found(x, answer) for x in alts):
            out.append(f"must_include {entry!r} not in its own answer")
    for entry in item.get("must_not_include", []) or []:
        for x in entry if isinstance(entry, list) else [entry]:
            if re.fullmatch(r"[0-9]", norm(x)):
                out.append(f"must_not_include bans a single digit {x!r}")
            elif norm(x) and norm(x) in answer:
                out.append(f"must_not_include {x!r} occurs in its own answer")
    return out


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def quote_problems(items: list[dict], texts: dict[str, str], where: str) -> list[str]:
    out = []
    for item in items:
        for ev in item.get("evidence", []):
            doc, quote = ev.get("doc"), ev.get("quote", "")
            if doc not in texts:
                out.append(f"{item['id']}: unknown doc {doc} ({where})")
                continue
            if not 8 <= len(quote) <= 30:
                out.append(f"{item['id']}: quote of {len(quote)} characters ({where}): {quote}")
            n = norm(texts[doc]).count(norm(quote))
            if n != 1:
                out.append(f"{item['id']}: quote found {n} times in {doc} ({where}): {quote}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=Path, help="folder of the published originals (outside the repo)")
    parser.add_argument("--set", type=Path, default=HERE, help="the set's folder (default: evals/real)")
    args = parser.parse_args(argv)
    here: Path = args.set
    errors: list[str] = []
    twins = {p.stem: p.read_text(encoding="utf-8") for p in sorted((here / "reports").glob("*.txt"))}
    manifest = [row for p in sorted(here.glob("manifest*.jsonl")) for row in load_jsonl(p)]
    named = collections.Counter(row["doc"] for row in manifest)
    errors += [f"manifest names {d} {n} times" for d, n in named.items() if n > 1]
    errors += [f"manifest names {d}, which has no twin" for d in named if d not in twins]
    errors += [f"twin {d} has no manifest line" for d in twins if d not in named]
    gold = [item for p in sorted((here / "gold").glob("*.jsonl")) for item in load_jsonl(p)]
    ids = collections.Counter(item["id"] for item in gold)
    errors += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    for item in gold:
        errors += [f"{item['id']}: {p}" for p in answer_problems(item)]
        if item.get("answerable") is False and item.get("evidence"):
            errors.append(f"{item['id']}: an unanswerable item has evidence")
    errors += quote_problems(gold, twins, "twin")
    if args.published:
        published = {p.stem: p.read_text(encoding="utf-8") for p in sorted(args.published.glob("*.txt"))}
        for doc, twin in twins.items():
            if doc not in published:
                errors.append(f"{doc}: no published original in {args.published}")
                continue
            want, got = collections.Counter(NUMBER.findall(published[doc])), collections.Counter(NUMBER.findall(twin))
            if want != got:
                errors.append(f"{doc}: numbers differ: missing {dict(want - got)}, extra {dict(got - want)}")
        pub_gold = [item for p in sorted((args.published / "gold").glob("*.jsonl")) for item in load_jsonl(p)]
        if {i["id"] for i in pub_gold} != set(ids):
            errors.append("the published gold and the twin gold hold different ids")
        errors += quote_problems(pub_gold, published, "published")
    for line in errors:
        print(line)
    print(f"{len(twins)} twins, {len(gold)} gold items, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

"""How well ingest reads what a real report is: its region, year, kind, issuer and date, against the
manifests written by hand from the published pages (evals/real/manifest-*.jsonl).

Reads the documents through the contract's `govqa docs --json`, so it measures what every door sees.
Usage: python -m evals.real.metadata --store DIR [--out FILE.md] [--min-region S] [--max-wrong N]
(exit 1 when more regions than --max-wrong are wrong or the share right is under --min-region)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_manifest(here: Path = HERE) -> dict[str, dict]:
    return {row["doc"]: row for p in sorted(here.glob("manifest*.jsonl"))
            for row in map(json.loads, p.read_text(encoding="utf-8").splitlines()) if row}


def read_documents(store: Path) -> dict[str, dict]:
    out = subprocess.run(["govqa", "docs", "--json", "--store", str(store)], check=True, capture_output=True,
                         text=True).stdout
    return {d["source"].rsplit(".", 1)[0]: d for d in json.loads(out)}


def verdict(want: str | int | None, got: str | int | None) -> str:
    if want is None:
        return "not stated"
    if got is None or got == "":
        return "missing"
    return "right" if str(want) == str(got) else "wrong"


def compare(manifest: dict[str, dict], docs: dict[str, dict]) -> tuple[dict[str, Counter], list[str]]:
    tallies: dict[str, Counter] = {f: Counter() for f in ("region", "province", "year", "kind", "issuer", "date")}
    wrong: list[str] = []
    for stem, want in sorted(manifest.items()):
        doc = docs.get(stem)
        if doc is None:
            wrong.append(f"{stem}: not in the store")
            continue
        for field in ("region", "province", "year", "kind"):
            v = verdict(want.get(field), doc.get(field))
            tallies[field][v] += 1
            if v in {"wrong", "missing"}:
                wrong.append(f"{stem}: {field} {v}: want {want.get(field)!r}, got {doc.get(field)!r}")
        issuer = want.get("issuer")
        got_issuer = doc.get("issuer") or ""
        tallies["issuer"][verdict(issuer, got_issuer) if not issuer or not got_issuer
                          else ("right" if issuer in got_issuer or got_issuer in issuer else "wrong")] += 1
        dates = {doc.get("date"), doc.get("published")} - {None}
        tallies["date"][verdict(want.get("date"), None) if not dates
                        else ("right" if want.get("date") in dates else verdict(want.get("date"), "?"))] += 1
    return tallies, wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--set", type=Path, default=HERE, help="the set's folder holding manifest-*.jsonl")
    parser.add_argument("--min-region", type=float, default=0.0, help="fail under this share of regions right")
    parser.add_argument("--max-wrong", type=int, default=0, help="fail with more regions wrong than this")
    args = parser.parse_args(argv)
    manifest = load_manifest(args.set)
    tallies, wrong = compare(manifest, read_documents(args.store))
    lines = [f"# Metadata of the real reports ({len(manifest)} reports)", "",
             "| field | right | wrong | missing | not stated |", "| --- | ---: | ---: | ---: | ---: |"]
    for field, t in tallies.items():
        lines.append(f"| {field} | {t['right']} | {t['wrong']} | {t['missing']} | {t['not stated']} |")
    lines += ["", "## Misses", "", *(f"- {w}" for w in wrong)]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    region = tallies["region"]
    stated = sum(region[k] for k in ("right", "wrong", "missing"))
    share = region["right"] / stated if stated else 1.0
    return 1 if region["wrong"] > args.max_wrong or share < args.min_region else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fact precision and recall of ingest against hand-made fact lists.

    python -m evals.facts_eval --reports DIR --facts DIR [--store DIR] [--show 30]

Each `*.jsonl` under --facts holds one expected fact a line: at least the report (`doc`: its file
name or stem), `value` and `unit`; `kind` ("level" or "change", default level) when given. The reports
are ingested into a temporary store (or --store, reused), and the store's facts (`Store.facts`, the rows
of /api/metrics) are compared:

* an expected fact is found when an extracted fact of the same report has the same value (within the
  rounding of the expected value), the same unit after normalisation and the same kind; each extracted
  fact is matched at most once;
* recall = found / expected; precision = matched / extracted facts with a measure and a unit
  (derived rows are left out: a hand-made list holds what the report states).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.pipeline import doc_id_for, ingest
from rag.schema import MetricRow
from rag.store.database import Store

# Units a list may write another way than the extractor normalises them.
_UNIT_ALIASES = {"百分点": "个百分点", "％": "%", "percent": "%", "名": "人", "位": "人"}


@dataclass(frozen=True)
class Expected:
    doc: str
    value: float
    unit: str | None
    kind: str
    line: dict[str, object]


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    extracted: int = 0
    matched: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    # Of the matched facts, how many also agree on whose figure it is and on its year (when the list says).
    scope_judged: int = 0
    scope_agreed: int = 0
    year_judged: int = 0
    year_agreed: int = 0
    disagreements: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 0.0

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 0.0


def norm_unit(unit: object) -> str | None:
    if unit is None or unit == "":
        return None
    text = unicodedata.normalize("NFKC", str(unit)).strip()
    return _UNIT_ALIASES.get(text, text)


def load_expected(folder: Path) -> list[Expected]:
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: not JSON ({exc})") from exc
            doc = str(item.get("doc") or item.get("doc_id") or item.get("report") or path.stem)
            out.append(Expected(doc_id_for(Path(doc)), float(item["value"]), norm_unit(item.get("unit")),
                                str(item.get("kind") or "level"), item))
    return out


def _same_value(expected: float, got: float) -> bool:
    text = f"{expected:.6f}".rstrip("0").rstrip(".")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(round(got, decimals) - expected) < 1e-9 or abs(got - expected) <= 1e-6 * max(1.0, abs(expected))


def score(expected: Sequence[Expected], facts: Iterable[MetricRow]) -> Score:
    result = Score(expected=len(expected))
    pool: dict[str, list[MetricRow]] = {}
    for row in facts:
        if row.derived or not row.unit or not (row.measure or row.label):
            continue
        pool.setdefault(row.doc_id, []).append(row)
        result.extracted += 1
    used: set[int] = set()
    for e in expected:
        match = next((r for r in pool.get(e.doc, []) if id(r) not in used and _same_value(e.value, r.value)
                      and norm_unit(r.unit) == e.unit and r.kind == e.kind), None)
        if match is None:
            near = [f"{r.written or r.value}{'' if r.written else r.unit}/{r.kind}" for r in pool.get(e.doc, [])
                    if _same_value(e.value, r.value)]
            result.misses.append(f"{e.doc}: {e.value:g}{e.unit or ''} {e.kind} "
                                 f"{e.line.get('measure') or e.line.get('quote') or ''} — got {near or 'nothing'}")
            continue
        used.add(id(match))
        result.found += 1
        _compare(e, match, result)
    result.matched = len(used)
    for rows in pool.values():
        for r in rows:
            if id(r) not in used:
                result.extras.append(f"{r.doc_id}: {r.written or r.value} {r.unit} {r.kind} {r.measure} "
                                     f"«{r.sentence[:50]}»")
    return result


def _compare(e: Expected, row: MetricRow, result: Score) -> None:
    """Whose figure and which year, for a matched fact. Unstated scope counts as the whole region."""
    want_scope = e.line.get("scope_kind")
    if want_scope:
        result.scope_judged += 1
        if (row.scope_kind or "region") == want_scope:
            result.scope_agreed += 1
        else:
            result.disagreements.append(f"{e.doc}: {row.written} scope_kind {row.scope_kind} ({row.scope}) "
                                        f"!= {want_scope} ({e.line.get('scope')})")
    want_year = e.line.get("year")
    if isinstance(want_year, int):
        result.year_judged += 1
        got = row.fact_year or row.year
        if got == want_year:
            result.year_agreed += 1
        else:
            result.disagreements.append(f"{e.doc}: {row.written} year {got} != {want_year}")


def evaluate(reports: Path | None, facts_dir: Path, store_dir: Path | None) -> Score:
    expected = load_expected(facts_dir)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(store_dir or Path(tmp))
        try:
            if reports is not None:
                failed = [r for r in ingest(store, [reports]) if r.status == "failed"]
                for r in failed:
                    print(f"ingest failed: {r.path.name}: {r.reason}", file=sys.stderr)
            docs = sorted({e.doc for e in expected})
            return score(expected, store.facts(doc_ids=docs))
        finally:
            store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, help="folder of reports to ingest (omit to use --store as is)")
    parser.add_argument("--facts", type=Path, required=True, help="folder of *.jsonl fact lists")
    parser.add_argument("--store", type=Path, help="store directory (default: a temporary one)")
    parser.add_argument("--show", type=int, default=40, help="misses and extras to print")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.reports is None and args.store is None:
        parser.error("give --reports, --store or both")
    result = evaluate(args.reports, args.facts, args.store)
    if args.json:
        print(json.dumps({"expected": result.expected, "found": result.found, "extracted": result.extracted,
                          "matched": result.matched, "recall": round(result.recall, 4),
                          "precision": round(result.precision, 4),
                          "scope_kind_agreement": f"{result.scope_agreed}/{result.scope_judged}",
                          "year_agreement": f"{result.year_agreed}/{result.year_judged}"}, ensure_ascii=False))
    else:
        print(f"recall {result.recall:.1%} ({result.found}/{result.expected})  "
              f"precision {result.precision:.1%} ({result.matched}/{result.extracted})")
        print(f"of the matched: scope kind agrees {result.scope_agreed}/{result.scope_judged}, "
              f"year agrees {result.year_agreed}/{result.year_judged}")
        for line in result.disagreements[:args.show]:
            print("  differ " + line)
        for line in result.misses[:args.show]:
            print("  miss  " + line)
        for line in result.extras[:args.show]:
            print("  extra " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


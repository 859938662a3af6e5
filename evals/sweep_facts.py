"""Threshold sweep of the facts answerer: answered correctly / answered wrongly / refused, per threshold.

    python -m evals.sweep_facts --store .govqa-eval --gold evals/gold [--gold more.jsonl] [--out sweep.md]
    python -m evals.sweep_facts --english ...   # the English rule: dense weight × floor × lead
    python -m evals.sweep_facts --english --list ...   # each English item's verdict under the rule as set
    python -m evals.sweep_facts --store S --items tests.rag.answering.meaning_items --english
        # a test table of (report, question, figures or None) instead of gold files; S holds its REPORTS

Single-turn lookup and unanswerable items about one report are asked through the same parts the
service uses; for every asked quantity the best fact that may answer is kept with its score, and each
threshold decides: answer (correct when the gold figures are in it) or refuse (correct when gold says
unanswerable). The threshold in rag/answering/facts.py is chosen from this curve (README).
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import math
from pathlib import Path

from evals.harness import load_gold_set
from evals.scoring import contains
from rag.answering import matching
from rag.answering.facts import THRESHOLD, find
from rag.answering.format import display, display_en
from rag.question.scope import select
from rag.question.understanding import Context
from rag.schema import AskRequest
from rag.service import Service
from rag.settings import Settings


def collect(service: Service, items: list[dict]) -> list[tuple[dict, list[tuple[float, str]]]]:
    """Per item, per asked quantity: the best answering fact's score and the figure it would give."""
    docs, chunks = service._snapshot()
    out = []
    for item in items:
        if item.get("history") or item.get("kind") not in {"lookup", "unanswerable"}:
            continue
        q = service._understand(AskRequest(question=item["question"]), docs, Context())
        scope = select(docs, q.regions, q.years, unknown_regions=q.unknown_regions)
        if scope.refusal is not None or not q.wants_number:
            continue
        ev = service.parts.chain.evidence(q, docs, chunks, scope, Context())
        if len(ev.scoped_docs) != 1:
            continue
        doc = ev.scoped_docs[0]
        parts = []
        for ask in ev.asks:
            finding = find(ask, doc, service.parts.facts, ev.idf, threshold=-math.inf)
            best = finding.best
            parts.append((best.score, display(best.fact.row)) if best else (-math.inf, ""))
        out.append((item, parts))
    return out


def table_items(module: str) -> list[dict]:
    """A test table (report, question, "|"-separated figures or None) as gold items."""
    table = importlib.import_module(module).ITEMS
    return [{"id": f"t-{n}", "question": q, "kind": "lookup" if figures else "unanswerable",
             "answerable": figures is not None, "must_include": figures.split("|") if figures else []}
            for n, (_, q, figures) in enumerate(table)]


def curve(collected: list[tuple[dict, list[tuple[float, str]]]], thresholds: list[float]) -> list[dict]:
    rows = []
    for t in thresholds:
        right = wrong = refused_ok = refused_bad = 0
        for item, parts in collected:
            answered = [text for score, text in parts if score >= t]
            if not answered:
                if item.get("answerable") is False:
                    refused_ok += 1
                else:
                    refused_bad += 1
                continue
            text = " ".join(answered)
            must = item.get("must_include") or []
            good = item.get("answerable") is not False and all(contains(text, e) for e in must)
            right, wrong = right + good, wrong + (not good)
        rows.append({"threshold": t, "answered_right": right, "answered_wrong": wrong,
                     "refused_right": refused_ok, "refused_wrong": refused_bad})
    return rows


def english_prepared(service: Service, items: list[dict]) -> list[tuple[dict, object]]:
    """English single-report lookups with their evidence, ready for the facts step."""
    docs, chunks = service._snapshot()
    prepared = []
    for item in items:
        if item.get("history") or item.get("kind") not in {"lookup", "unanswerable"}:
            continue
        q = service._understand(AskRequest(question=item["question"]), docs, Context())
        if not q.english or not q.wants_number:
            continue
        scope = select(docs, q.regions, q.years, unknown_regions=q.unknown_regions)
        if scope.refusal is not None:
            continue
        ev = service.parts.chain.evidence(q, docs, chunks, scope, Context())
        if len(ev.scoped_docs) == 1:
            prepared.append((item, ev))
    return prepared


def english_outcome(service: Service, item: dict, ev) -> tuple[str, list[str]]:
    """One English item through the facts step under the rule as set: its verdict and the figures given."""
    found = [find(a, ev.scoped_docs[0], service.parts.facts, ev.idf, THRESHOLD) for a in ev.asks]
    # The figure as the Chinese and the English answer state it ("2.36亿元", "236 million yuan").
    answered = [f"{display(f.best.fact.row)} {display_en(f.best.fact.row)}" for f in found if f.best is not None]
    gold_no = item.get("answerable") is False
    if not answered:
        return ("refused_right" if gold_no else "refused_wrong"), []
    good = not gold_no and all(contains(" ".join(answered), e) for e in item.get("must_include") or [])
    return ("answered_right" if good else "answered_wrong"), answered


def english_curve(service: Service, items: list[dict], weights: list[float], floors: list[float],
                  leads: list[float]) -> list[dict]:
    """English single-report items asked through the facts step under each setting of the English rule
    (dense weight, floor, lead): answered right, answered wrongly, refused rightly, refused wrongly."""
    prepared = english_prepared(service, items)
    saved = matching.ENGLISH_DENSE_WEIGHT, matching.ENGLISH_FLOOR, matching.ENGLISH_LEAD
    rows = []
    try:
        for w, floor, lead in itertools.product(weights, floors, leads):
            matching.ENGLISH_DENSE_WEIGHT, matching.ENGLISH_FLOOR, matching.ENGLISH_LEAD = w, floor, lead
            counts = {"answered_right": 0, "answered_wrong": 0, "refused_right": 0, "refused_wrong": 0}
            for item, ev in prepared:
                counts[english_outcome(service, item, ev)[0]] += 1
            rows.append({"weight": w, "floor": floor, "lead": lead, **counts})
    finally:
        matching.ENGLISH_DENSE_WEIGHT, matching.ENGLISH_FLOOR, matching.ENGLISH_LEAD = saved
    return rows


def english_markdown(rows: list[dict]) -> str:
    n = sum(rows[0][k] for k in ("answered_right", "answered_wrong", "refused_right", "refused_wrong")) if rows else 0
    lines = [f"English rule sweep ({n} single-report English items)", "",
             "| dense weight | floor | lead | answered right | answered wrong | refused (gold unanswerable) "
             "| refused (gold answerable) |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r['weight']:.1f} | {r['floor']:.2f} | {r['lead']:.2f} | {r['answered_right']} | "
              f"{r['answered_wrong']} | {r['refused_right']} | {r['refused_wrong']} |" for r in rows]
    return "\n".join(lines) + "\n"


def to_markdown(rows: list[dict], n: int) -> str:
    lines = [f"Facts answerer threshold sweep ({n} single-report items)", "",
             "| threshold | answered right | answered wrong | refused (gold unanswerable) "
             "| refused (gold answerable) |",
             "| ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r['threshold']:.2f} | {r['answered_right']} | {r['answered_wrong']} | {r['refused_right']} | "
              f"{r['refused_wrong']} |" for r in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--gold", type=Path, action="append", default=[])
    parser.add_argument("--items", action="append", default=[], help="a test table's module (ITEMS)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--english", action="store_true", help="sweep the English rule instead")
    parser.add_argument("--list", action="store_true",
                        help="with --english: each item's verdict under the rule as set, instead of the sweep")
    args = parser.parse_args()
    service = Service(Settings(store=args.store))
    try:
        items = [i for g in args.gold for i in load_gold_set(g)] + [i for m in args.items for i in table_items(m)]
        if args.english and args.list:
            text = "\n".join(f"{item['id']}\t{verdict}\t{item['question']}\t{' / '.join(given)}"
                             for item, ev in english_prepared(service, items)
                             for verdict, given in [english_outcome(service, item, ev)]) + "\n"
        elif args.english:
            text = english_markdown(english_curve(service, items, [0.3, 0.6, 0.8], [0.1, 0.15, 0.2, 0.25, 0.3],
                                                  [0.0, 0.15, 0.25, 0.35, 0.5]))
        else:
            collected = collect(service, items)
            rows = curve(collected, [round(0.4 + 0.04 * i, 2) for i in range(16)])
            text = to_markdown(rows, len(collected))
        print(text)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
    finally:
        service.close()


if __name__ == "__main__":
    main()

"""Retrieval ablation: evidence hit@k of BM25 alone, dense alone and the fused default, same questions.

Runs the gold set through the real service three times, changing only the fusion weights, so the
figures in the README's retrieval table come from the path users get (filters and all).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from evals.harness import HIT_AT, run
from rag.service import Service

MODES = {"bm25": (1.0, 0.0), "dense": (0.0, 1.0), "fused": (None, None)}


def compare_modes(service: Service, items: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float | None]]:
    items = list(items)
    retriever = service.retriever
    default = (retriever.bm25_weight, retriever.dense_weight)
    table: dict[str, dict[str, float | None]] = {}
    try:
        for mode, (bm25, dense) in MODES.items():
            if mode == "dense" and service.embedder is None:
                continue
            retriever.bm25_weight, retriever.dense_weight = (default if bm25 is None else (bm25, dense))
            report = run(service, items)
            table[mode] = {**{f"hit@{k}": report.evidence_hit_at[k] for k in HIT_AT},
                           "mrr": report.evidence_mrr, "accuracy": report.accuracy}
    finally:
        retriever.bm25_weight, retriever.dense_weight = default
    return table


def to_markdown(table: dict[str, dict[str, float | None]]) -> str:
    columns = [f"hit@{k}" for k in HIT_AT] + ["mrr", "accuracy"]
    lines = ["| retrieval | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for mode, row in table.items():
        lines.append(f"| {mode} | " + " | ".join("–" if row[c] is None else f"{row[c]:.3f}" for c in columns) + " |")
    return "\n".join(lines)

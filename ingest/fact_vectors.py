"""Fact vectors: each figure's phrase (its measure and clause) embedded once, after its report's chunks,
so a question is matched against a report's facts by meaning with one query embedding and a matrix
product (rag/answering/matching.py reads them)."""

from __future__ import annotations

from rag.answering.matching import fact_phrase
from rag.retrieval.embedders import Embedder
from rag.store.database import Store


def embed_facts(store: Store, embedder: Embedder, docs: int = 4) -> int:
    """Give the facts of up to `docs` reports their vectors; returns how many phrases were embedded."""
    done = 0
    for doc_id in store.fact_docs_pending(docs):
        phrases = list(dict.fromkeys(fact_phrase(r) for r in store.metric_rows_in([doc_id])))
        have = store.fact_vectors(phrases)
        todo = [p for p in phrases if p not in have]
        vectors = embedder.embed_passages(todo) if todo else []
        store.fact_vectors_put(doc_id, dict(zip(todo, vectors, strict=True)))
        done += len(todo)
    return done


def embed_all_facts(store: Store, embedder: Embedder | None) -> int:
    """Every report's fact vectors (`govqa ingest` and `govqa embed` end with it)."""
    if embedder is None:
        return 0
    total = 0
    while store.fact_docs_pending(1):
        total += embed_facts(store, embedder)
    return total

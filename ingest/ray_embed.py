"""Embedding pending chunks as Ray tasks: a cluster (or a GPU node) embeds while the catalogue,
BM25 and answers stay on the store's machine.

`RayEmbedder` is an `Embedder` whose `embed_passages` splits a batch into one part per worker and
embeds the parts as Ray tasks, so `govqa embed --ray ADDRESS` runs the same `embed_pending` as a local
embed: pending chunks are read from SQLite one batch at a time, the vectors come back to this process
and are written through the store (`Store.vectors_upsert`), which with `GOVQA_CHROMA_URL` is a Chroma
server, and the chunks are marked embedded in the same step. A crash loses at most the batch in flight.

Workers must have govqa installed (the same `GOVQA_EMBEDDING_MODEL`); each worker process loads the
model once and keeps it for its later tasks. Ray is the optional `ray` extra.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from rag.retrieval.embedders import Embedder, make_embedder

LOCAL = "local"  # start a Ray instance inside this process (tests, one machine)


@lru_cache(maxsize=2)
def _worker_embedder(model: str) -> Embedder:
    embedder = make_embedder(model, query_cache=0)
    if embedder is None:
        raise ValueError(f"embedding model {model!r} turns dense retrieval off: nothing to embed")
    return embedder


def embed_texts(model: str, texts: Sequence[str]) -> np.ndarray:
    """The body of one Ray task: passage vectors of `texts` with the worker's (cached) model."""
    return _worker_embedder(model).embed_passages(list(texts))


class RayEmbedder:
    """Embeds passages as Ray tasks, one part per worker; queries are never embedded here."""

    def __init__(self, address: str, model: str, workers: int = 2, cpus_per_task: float = 1.0) -> None:
        import ray

        if not ray.is_initialized():
            if address == LOCAL:
                ray.init(num_cpus=max(1, int(workers * cpus_per_task)), include_dashboard=False,
                         log_to_driver=False, configure_logging=False)
            else:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
        self._ray = ray
        self.name = model
        self.model = model
        self.workers = max(1, workers)
        self._task: Any = ray.remote(num_cpus=cpus_per_task)(embed_texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        size = -(-len(texts) // self.workers)
        parts = [list(texts[i: i + size]) for i in range(0, len(texts), size)]
        refs = [self._task.remote(self.model, part) for part in parts]
        return np.concatenate([np.atleast_2d(v) for v in self._ray.get(refs)]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        raise NotImplementedError("RayEmbedder embeds stored passages; questions are embedded by the server")

    def close(self) -> None:
        self._ray.shutdown()

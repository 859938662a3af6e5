"""Pending chunks are read and embedded a bounded batch at a time, never the whole corpus at once."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from ingest.pipeline import embed_pending
from rag.store.database import ChunkRow, Store
from tests.conftest import all_chunks


def _doc(doc_id: str) -> dict:
    return {"doc_id": doc_id, "source": f"{doc_id}.txt", "sha256": doc_id.ljust(64, "0"), "fmt": "txt",
            "pipeline": "1", "title": "标题", "region": "甲县", "year": 2023, "text": "正文"}


def _chunks(doc_id: str, n: int) -> list[ChunkRow]:
    return [ChunkRow(f"{doc_id}:{i}", doc_id, i, "一、成效", f"{doc_id}第{i}块", i, i + 1, ("第", str(i)))
            for i in range(n)]


class CountingEmbedder:
    name = "counting"

    def __init__(self) -> None:
        self.batches: list[int] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(len(texts))
        return np.asarray([[1.0, float(len(t)), 0.5, 0.25] for t in texts], dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.ones(4, dtype=np.float32)


@pytest.fixture()
def store(tmp_path) -> Store:
    s = Store(tmp_path)
    for n, size in enumerate((5, 3, 7)):
        s.replace_document(_doc(f"d{n}"), _chunks(f"d{n}", size), [])
    yield s
    s.close()


def test_pending_batches_cover_every_pending_chunk_once(store: Store) -> None:
    assert store.pending_count() == 15
    seen: list[str] = []
    sizes = []
    for batch in store.pending_batches(4):
        sizes.append(len(batch))
        seen += [c.chunk_id for c in batch]
        store.mark_embedded([c.chunk_id for c in batch[:2]])  # marking while iterating skips nothing
    assert sizes == [4, 4, 4, 3]
    assert sorted(seen) == sorted(c.chunk_id for c in all_chunks(store))
    assert store.pending_count() == 15 - 2 * 4  # two marked in each of the four batches
    left = {c.chunk_id for c in store.unembedded_chunks()}
    assert {c.chunk_id for b in store.pending_batches(100) for c in b} == left


def test_embed_pending_streams_in_bounded_batches(store: Store, monkeypatch) -> None:
    def whole_corpus(*_args, **_kwargs):
        raise AssertionError("embed_pending must not load every pending chunk at once")

    monkeypatch.setattr(Store, "unembedded_chunks", whole_corpus)
    embedder = CountingEmbedder()
    progress: list[tuple[int, int]] = []
    done = embed_pending(store, embedder, batch=4, on_batch=lambda n, total: progress.append((n, total)))
    assert done == 15 and max(embedder.batches) <= 4 and sum(embedder.batches) == 15
    assert progress[-1] == (15, 15)
    assert store.pending_count() == 0
    stored = store.vectors_get([c.chunk_id for c in all_chunks(store)])
    assert len(stored) == 15  # one vector per chunk, in Chroma
    assert embed_pending(store, embedder, batch=4) == 0  # nothing left: a rerun is a no-op

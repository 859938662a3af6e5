"""Kill ingest (SIGKILL) half way, run it again: the store ends as if the crash never happened.

Every document exactly once, chunk counts as a clean ingest gives, no chunk or metric row without
its document, BM25 finds each chunk once, and Chroma holds exactly one vector per chunk. The same
after a delete killed between the catalogue transaction and the vector delete.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from rag.retrieval.retriever import Retriever
from rag.retrieval.tokenizer import default_tokenizer
from rag.store.database import Store
from tests.conftest import all_chunks
from tests.corpus import REPORTS
from tests.ingest.crash_worker import SlowHashEmbedder

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "GOVQA_EMBEDDING_MODEL": "none"}
FILES = 20


def _twenty_reports(folder: Path) -> Path:
    """Twenty distinct documents from the five real reports: each copy drops different paragraphs."""
    folder.mkdir()
    for i in range(FILES):
        lines = REPORTS[i % len(REPORTS)].read_text(encoding="utf-8").splitlines()
        keep = [line for n, line in enumerate(lines) if n < 3 or (n + i) % 4 != 0]
        (folder / f"copy-{i:02d}.txt").write_text("\n".join(keep) + f"\n（副本{i}）\n", encoding="utf-8")
    return folder


def _documents_in(store: Path) -> int:
    try:
        with sqlite3.connect(f"file:{store / 'catalog.sqlite'}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"the process finished before it could be killed: {proc.stderr.read() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the process never reached the point to kill it at")
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL


def _assert_consistent(store_dir: Path, expected_chunks: dict[str, int], *, vectors: bool) -> None:
    store = Store(store_dir)
    try:
        docs = store.list_documents()
        assert Counter(d.doc_id for d in docs) == Counter(list(expected_chunks))  # every document exactly once
        assert {d.doc_id: d.chunks for d in docs} == expected_chunks
        orphan_chunks = store._query("SELECT COUNT(*) FROM chunks WHERE doc_id NOT IN (SELECT doc_id FROM documents)")
        orphan_metrics = store._query("SELECT COUNT(*) FROM metrics WHERE doc_id NOT IN (SELECT doc_id FROM documents)")
        assert orphan_chunks[0][0] == 0 and orphan_metrics[0][0] == 0
        per_doc_metrics = Counter(m.doc_id for m in store.metric_rows())
        assert set(per_doc_metrics) <= set(expected_chunks)
        chunks = all_chunks(store)
        assert len({c.chunk_id for c in chunks}) == len(chunks) == sum(expected_chunks.values())
        # BM25 through the public retrieval surface: a chunk's own opening words find it, exactly once.
        retriever = Retriever(store, default_tokenizer(), None, 1.0, 0.0)
        for chunk in chunks[:: max(1, len(chunks) // 25)]:
            hits = retriever.search(chunk.text[:60], doc_ids=[chunk.doc_id], k=50)
            ids = [h.chunk.chunk_id for h in hits]
            assert len(ids) == len(set(ids)) and chunk.chunk_id in ids
        if vectors:
            stored = store._vectors().get(include=[])["ids"]
            assert sorted(stored) == sorted(c.chunk_id for c in chunks)  # no orphans, none missing
            assert store.unembedded_chunks() == []
    finally:
        store.close()


def _clean_chunk_counts(folder: Path, store_dir: Path) -> tuple[dict[str, int], dict[str, int]]:
    store = Store(store_dir)
    try:
        results = ingest(store, [folder])
        assert all(r.status == "added" for r in results)
        return ({d.doc_id: d.chunks for d in store.list_documents()},
                {d.doc_id: d.metrics for d in store.list_documents()})
    finally:
        store.close()


def test_ingest_killed_half_way_then_rerun_is_consistent(tmp_path: Path) -> None:
    folder = _twenty_reports(tmp_path / "in")
    expected, expected_metrics = _clean_chunk_counts(folder, tmp_path / "clean")
    assert len(expected) == FILES
    store = tmp_path / "store"
    command = [sys.executable, "-m", "bot.cli", "ingest", str(folder), "--store", str(store)]
    proc = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _kill_when(proc, lambda: _documents_in(store) >= 3)
    assert 3 <= _documents_in(store) < FILES
    rerun = subprocess.run(command, env=ENV, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert "unchanged" in rerun.stdout and "added" in rerun.stdout
    _assert_consistent(store, expected, vectors=False)
    reopened = Store(store)
    assert {d.doc_id: d.metrics for d in reopened.list_documents()} == expected_metrics
    reopened.close()


def test_embedding_killed_half_way_then_rerun_has_one_vector_per_chunk(tmp_path: Path) -> None:
    folder = _twenty_reports(tmp_path / "in")
    expected, _ = _clean_chunk_counts(folder, tmp_path / "clean")
    store = tmp_path / "store"
    command = [sys.executable, "-m", "tests.ingest.crash_worker", "embed", str(store), str(folder)]

    def some_embedded() -> bool:
        try:
            with sqlite3.connect(f"file:{store / 'catalog.sqlite'}?mode=ro", uri=True, timeout=1) as db:
                return db.execute("SELECT COUNT(*) FROM chunks WHERE embedded=1").fetchone()[0] >= 8
        except sqlite3.Error:
            return False

    proc = subprocess.Popen(command, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _kill_when(proc, some_embedded)
    rerun = subprocess.run(command, env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    _assert_consistent(store, expected, vectors=True)


def test_delete_killed_half_way_is_finished_on_open(tmp_path: Path) -> None:
    folder = _twenty_reports(tmp_path / "in")
    for extra in sorted(folder.iterdir())[3:]:
        extra.unlink()  # three documents are enough here
    store_dir = tmp_path / "store"
    store = Store(store_dir)
    ingest(store, [folder])
    from ingest.pipeline import embed_pending

    embed_pending(store, SlowHashEmbedder(), batch=64)
    expected = {d.doc_id: d.chunks for d in store.list_documents()}
    store.close()
    victim = "copy-01"
    proc = subprocess.run([sys.executable, "-m", "tests.ingest.crash_worker", "delete", str(store_dir), victim],
                          env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # Half way: the catalogue no longer has the document, Chroma still has its vectors, the journal says so.
    with sqlite3.connect(store_dir / "catalog.sqlite") as db:
        assert db.execute("SELECT doc_id FROM vector_journal").fetchall() == [(victim,)]
        assert db.execute("SELECT COUNT(*) FROM documents WHERE doc_id=?", (victim,)).fetchone()[0] == 0
    expected.pop(victim)
    _assert_consistent(store_dir, expected, vectors=True)  # opening the store finished the delete
    with sqlite3.connect(store_dir / "catalog.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM vector_journal").fetchone()[0] == 0

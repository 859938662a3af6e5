"""Uploads end at the catalogue commit; one background worker embeds, resumes at start-up, skips deletions.

The embedder here is a stand-in whose batches wait on a gate the test opens: the test then sees
what happens while a big upload's embedding is still in progress, without timing anything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from ingest.pipeline import embed_batch, ingest
from rag.service import Service
from rag.settings import Settings
from tests.corpus import REPORTS, report_text

AUTH = {"Authorization": "Bearer test-token"}


class GatedEmbedder:
    """Hash vectors; each batch of passages waits until the gate is open."""

    name = "gated"

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.passages = 0

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        # Bounded: code that embedded inside the upload request would otherwise hang the test, not fail it.
        if not self.gate.wait(60):
            raise TimeoutError("an embedding batch waited 60 s for the test to open the gate")
        self.passages += len(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, 8), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)

    @staticmethod
    def _vector(text: str) -> np.ndarray:
        rng = np.random.default_rng(abs(hash(text)) % 2**32)
        v = rng.standard_normal(8).astype(np.float32)
        return v / np.linalg.norm(v)


def _settings(store: Path) -> Settings:
    return Settings(store=store, embedding_model="none", admin_token="test-token", rate_limit_per_minute=0)


def _big_report(folder: Path) -> Path:
    """Every bundled report, three times: a few hundred chunks (the probe's 3 MB file, scaled down)."""
    path = folder / "big.txt"
    path.write_text("\n\n".join(report_text(p.stem) for p in REPORTS * 3), encoding="utf-8")
    return path


@contextmanager
def _opened_at_exit(embedder: GatedEmbedder) -> Iterator[None]:
    """Opens the gate before the app shuts down, so a failing test never leaves requests waiting on it."""
    try:
        yield
    finally:
        embedder.gate.set()


def _wait(condition, timeout_s: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_small_upload_is_not_held_up_by_a_big_uploads_embedding(tmp_path: Path) -> None:
    embedder = GatedEmbedder()
    service = Service(_settings(tmp_path / "store"), embedder=embedder)
    big = _big_report(tmp_path)
    small = REPORTS[0]
    try:
        with TestClient(create_app(service.settings, service)) as client, _opened_at_exit(embedder):
            big_reply: dict[str, httpx.Response] = {}

            def upload_big() -> None:
                with big.open("rb") as fh:
                    big_reply["r"] = client.post("/api/documents", files={"file": (big.name, fh)}, headers=AUTH)

            big_thread = threading.Thread(target=upload_big)
            big_thread.start()
            # The big file is committed (its chunks pending) before the small one is sent.
            assert _wait(lambda: client.get("/readyz").json()["unembedded_chunks"] > 0)
            small_reply: dict[str, httpx.Response] = {}

            def upload_small() -> None:
                with small.open("rb") as fh:
                    small_reply["r"] = client.post("/api/documents", files={"file": (small.name, fh)}, headers=AUTH)

            started = time.monotonic()
            small_thread = threading.Thread(target=upload_small)
            small_thread.start()
            small_thread.join(60)  # generous (it takes well under a second); a wait on the gate never ends
            small_s = time.monotonic() - started
            assert not small_thread.is_alive(), "the small upload waited for the big upload's embedding"
            reply = small_reply["r"]
            assert reply.status_code == 200, reply.text
            # Searchable through BM25 at once, while no vector exists yet anywhere.
            doc_id = reply.json()["doc_id"]
            first = service.store.doc_chunks(doc_id)[0]
            hits = service.retriever.search(first.text[:60], [doc_id], k=3)
            assert first.chunk_id in {h.chunk.chunk_id for h in hits}
            big_thread.join(60)
            assert big_reply["r"].status_code == 200, big_reply["r"].text
            ready = client.get("/readyz").json()
            assert ready["embedding"]["pending"] > 0 and ready["embedding"]["enabled"]
            assert embedder.passages == 0  # neither upload waited for a single vector
            print(f"small upload behind a big one: {small_s:.2f} s")

            embedder.gate.set()
            assert _wait(lambda: client.get("/readyz").json()["unembedded_chunks"] == 0)
            docs = {d["doc_id"]: d for d in client.get("/api/documents").json()}
            assert all(d["embedded"] == d["chunks"] for d in docs.values())
    finally:
        embedder.gate.set()
        service.close()


def test_deleting_a_document_stops_its_embedding_and_leaves_no_vectors(tmp_path: Path) -> None:
    embedder = GatedEmbedder()
    service = Service(_settings(tmp_path / "store"), embedder=embedder)
    big = _big_report(tmp_path)
    try:
        with TestClient(create_app(service.settings, service)) as client, _opened_at_exit(embedder):
            with big.open("rb") as fh:
                uploaded = client.post("/api/documents", files={"file": (big.name, fh)}, headers=AUTH)
            assert uploaded.status_code == 200, uploaded.text
            doc_id, chunks = uploaded.json()["doc_id"], uploaded.json()["chunks"]
            assert client.delete(f"/api/documents/{doc_id}", headers=AUTH).status_code == 204
            embedder.gate.set()
            assert _wait(lambda: client.get("/readyz").json()["embedding"]["busy"] is False
                         and client.get("/readyz").json()["unembedded_chunks"] == 0)
            # At most the batch in hand when the delete came was embedded, and its vectors went again.
            assert embedder.passages <= 16 < chunks
            assert service.store._vectors().get(where={"doc_id": doc_id}, include=[])["ids"] == []
    finally:
        embedder.gate.set()
        service.close()


def test_the_worker_resumes_pending_chunks_at_start_up(tmp_path: Path) -> None:
    """Chunks left unembedded (a crash, a stop) get their vectors after a restart, with no new upload."""
    settings = _settings(tmp_path / "store")
    first = Service(settings)  # dense off: the catalogue is written, nothing embedded, as after a crash
    results = ingest(first.store, [REPORTS[0], REPORTS[1]])
    assert all(r.status == "added" for r in results)
    pending = len(first.store.unembedded_chunks())
    first.close()
    assert pending > 0

    embedder = GatedEmbedder()
    embedder.gate.set()
    service = Service(settings, embedder=embedder)
    try:
        with TestClient(create_app(settings, service)) as client:
            assert _wait(lambda: client.get("/readyz").json()["unembedded_chunks"] == 0)
            assert client.get("/readyz").json()["embedding"]["embedded"] == pending
    finally:
        service.close()


def test_embed_batch_is_fair_across_documents(tmp_path: Path) -> None:
    """A small report's first chunks come before a big report's later ones, whatever was committed first."""
    settings = _settings(tmp_path / "store")
    service = Service(settings)
    try:
        ingest(service.store, [_big_report(tmp_path)])
        ingest(service.store, [REPORTS[0]])
        small = REPORTS[0].stem
        embedder = GatedEmbedder()
        embedder.gate.set()
        small_chunks = len(service.store.doc_chunks(small))
        for _ in range(small_chunks):
            embed_batch(service.store, embedder, limit=2)
        assert service.store.unembedded_chunks(small) == []
    finally:
        service.close()


@pytest.mark.parametrize("limit", [1, 16])
def test_embed_batch_marks_what_it_embeds(tmp_path: Path, limit: int) -> None:
    service = Service(_settings(tmp_path / "store"))
    try:
        ingest(service.store, [REPORTS[0]])
        before = service.store.pending_count()
        embedder = GatedEmbedder()
        embedder.gate.set()
        assert embed_batch(service.store, embedder, limit) == min(limit, before)
        assert service.store.pending_count() == before - min(limit, before)
    finally:
        service.close()

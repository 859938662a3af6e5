"""/readyz turns ready only once the warm-up has loaded the indexes."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from bot.app import create_app
from rag.service import Service
from tests.conftest import build_service
from tests.corpus import REPORTS


def test_readyz_waits_for_the_warm_up(tmp_path, monkeypatch) -> None:
    first = build_service(tmp_path, embedding_model="none")
    settings = first.settings
    first.close()
    release = threading.Event()
    loaded: list[bool] = []
    real_warm_up = Service.warm_up

    def slow_warm_up(self: Service) -> None:
        release.wait(30)
        real_warm_up(self)
        loaded.append(self.retriever.bm25._view is not None)

    monkeypatch.setattr(Service, "warm_up", slow_warm_up)
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
        waiting = client.get("/readyz")
        assert waiting.status_code == 503 and "warming up" in waiting.json()["detail"]
        release.set()
        for _ in range(300):
            if client.get("/readyz").status_code == 200:
                break
            threading.Event().wait(0.1)
        ready = client.get("/readyz").json()
        assert ready["status"] == "ready" and ready["documents"] == len(REPORTS) and loaded == [True]


class _DownEmbedder:
    """An embedder whose vector store (Chroma) has gone away."""

    def embed_query(self, text: str):
        raise ConnectionError("chroma: connection refused")

    def embed_passages(self, texts):
        raise ConnectionError("chroma: connection refused")


def test_a_chroma_outage_shows_in_readyz_and_the_log(corpus_service: Service, monkeypatch, caplog) -> None:
    """With nothing pending /readyz stayed ready, and failed dense passes were swallowed without a log line."""

    def refused(*args, **kwargs):
        raise ConnectionError("chroma: connection refused")

    monkeypatch.setattr(corpus_service, "embedder", _DownEmbedder())
    monkeypatch.setattr(corpus_service.store, "vectors_get", refused)
    monkeypatch.setattr(corpus_service.store, "vectors_query", refused)
    with TestClient(create_app(corpus_service.settings, corpus_service)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "vector store unavailable" in ready.json()["detail"]
    assert any("vector store unavailable" in r.getMessage() for r in caplog.records)
    monkeypatch.setattr(corpus_service.retriever, "embedder", _DownEmbedder())
    monkeypatch.setattr(corpus_service.retriever, "dense_skip_margin", 0.0)
    caplog.clear()
    hits = corpus_service.retriever.search("行政复议工作情况", None, k=3)
    assert hits  # lexical answers go on
    assert any("dense retrieval failed" in r.getMessage() for r in caplog.records)

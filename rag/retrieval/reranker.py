"""Optional cross-encoder reranking (`GOVQA_RERANKER_MODEL`, e.g. a local bge-reranker directory).

Off by default: no reranker ships in a package, and none may be downloaded at run time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol


class Reranker(Protocol):
    def scores(self, query: str, passages: Sequence[str]) -> list[float]: ...


class CrossEncoderReranker:
    def __init__(self, model: str) -> None:
        self.name = model
        self._model = None
        self._load_lock = threading.Lock()  # loaded once even when the first questions arrive together

    def scores(self, query: str, passages: Sequence[str]) -> list[float]:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    from sentence_transformers import CrossEncoder

                    self._model = CrossEncoder(self.name, device="cpu")
        return [float(s) for s in self._model.predict([(query, p) for p in passages])]


def make_reranker(model: str | None) -> Reranker | None:
    return CrossEncoderReranker(model) if model and model.strip().lower() not in {"none", "off"} else None

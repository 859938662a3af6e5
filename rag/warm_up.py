"""The questions asked before the service reports ready (templates in rag/data/warm_up.yaml)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import yaml

from rag.domain.catalogue import Catalogue
from rag.schema import Document


@lru_cache(maxsize=1)
def _templates() -> tuple[str, tuple[str, ...]]:
    data = yaml.safe_load(resources.files("rag").joinpath("data", "warm_up.yaml").read_text(encoding="utf-8"))
    return str(data["probe"]), tuple(str(q) for q in data["questions"])


WARM_UP_PROBE = _templates()[0]


def warm_up_questions(docs: Sequence[Document], catalogue: Catalogue) -> list[str]:
    """The templates filled from one report with a region and a year and the first catalogue metric;
    none for an empty store."""
    doc = next((d for d in docs if d.region and d.year), None)
    metric = next(iter(catalogue.metrics.values()), None)
    if doc is None or metric is None:
        return []
    return [t.format(region=doc.region, year=doc.year, metric=metric.label) for t in _templates()[1]]

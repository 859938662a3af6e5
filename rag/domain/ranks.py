"""Places taken in an assessment or ranking (位列全省第4名): the unit of such a fact, whether a question asks
the place one body took ("where did X rank", "排第几"), and the area it was ranked over (rag/data/ranks.yaml;
ingest/ranks.py reads the facts with the same words)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@lru_cache(maxsize=1)
def rank_words() -> dict[str, Any]:
    return yaml.safe_load(resources.files("rag").joinpath("data", "ranks.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _asked() -> re.Pattern[str]:
    return re.compile(rank_words()["asked"], re.I)


def rank_unit() -> str:
    return str(rank_words()["unit"])


def asks_place(text: str) -> bool:
    """Whether a question asks the place one body took (not a ranking of several)."""
    return bool(_asked().search(text))


def areas_named(text: str, english: bool) -> set[str]:
    """The areas a text ranks over (全省, 全县), by the report's words or, in English, the question's."""
    found = set()
    for area, words in rank_words()["areas_asked"].items():
        for w in words:
            if w.isascii() == english and (re.search(rf"\b{re.escape(w)}\b", text, re.I) if english else w in text):
                found.add(area)
                break
    return found

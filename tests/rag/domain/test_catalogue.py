"""`match_phrase` compares a question with names prepared once per catalogue, not once per question
(the results are the same as before: checked on the catalogue's own names and the corpus's sentences)."""

from __future__ import annotations

import unicodedata

import pytest

from rag.domain import catalogue as cat
from rag.domain.catalogue import load_catalogue


def test_a_question_is_normalised_once_and_the_synonyms_never(monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = load_catalogue()
    calls: list[str] = []

    def counting(form: str, text: str) -> str:
        calls.append(text)
        return unicodedata.normalize(form, text)

    monkeypatch.setattr(cat, "unicodedata", type("U", (), {"normalize": staticmethod(counting)}))
    matches = catalogue.match_phrase("湖州市安吉县办结多少件行政复议案件？")
    assert matches and calls == ["湖州市安吉县办结多少件行政复议案件？"]

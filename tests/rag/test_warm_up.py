"""Warm-up asks its questions the way `/api/ask` does, so a first question in English pays no lazy load."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rag.answering import format as answer_format
from rag.answering import report_fields
from rag.domain.catalogue import load_catalogue
from rag.question import understanding
from rag.schema import AskRequest
from rag.service import Service
from rag.warm_up import warm_up_questions
from tests.conftest import texts_service

REPORTS = {
    "anji-2024.txt": "安吉县人民政府2024年法治政府建设年度报告\n"
                     "一、行政复议工作\n2024年，全县新收行政复议案件88件，审结81件，纠错率6.2%。\n"
                     "二、行政应诉工作\n全年发生行政诉讼案件35件，行政机关负责人出庭应诉率100%。\n",
}

service = texts_service(REPORTS)

# What the English path reads on first use: the glossary, the English answer words, the report fields' words.
LAZY: list[tuple[str, Callable]] = [
    ("glossary", understanding._glossary),
    ("english answer words", answer_format.english_words),
    ("report fields' words", report_fields.words),
]


def test_warm_up_has_an_english_question() -> None:
    docs = [type("D", (), {"region": "安吉县", "year": 2024})()]
    asked = warm_up_questions(docs, load_catalogue())  # type: ignore[arg-type]
    assert any(understanding._is_english(q) for q in asked)


@pytest.mark.parametrize(("name", "loader"), LAZY, ids=[n for n, _ in LAZY])
def test_warm_up_loads_what_an_english_question_reads(service: Service, name: str, loader: Callable) -> None:
    loader.cache_clear()
    service.warm_up()
    assert loader.cache_info().currsize == 1, f"{name} is left to the first English question"
    hits = loader.cache_info().hits
    for question in ("How many administrative reconsideration cases did Anji County receive in 2024?",
                     "When was the Anji County report for 2024 published?"):
        assert service.ask(AskRequest(question=question)).answer
    assert loader.cache_info().misses == 1 and loader.cache_info().hits >= hits  # read once, at warm-up

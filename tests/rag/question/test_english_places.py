"""An English question naming a place the store has no report of is refused for that place, not answered with
another region's figure (rag/question/english_places.py). Questions written for the test over the five
bundled reports; the places asked about are none of any gold set's."""

from __future__ import annotations

import pytest

from rag.question.english_places import unknown_english_places
from rag.service import Service
from tests.conftest import ask, english_only


@pytest.mark.parametrize(("question", "places"), [
    ("What was the litigation loss rate in Longquanyi District, Chengdu, in 2023?", ["龙泉驿区"]),
    ("How many cases did Huangmei County conclude?", ["黄梅县"]),
    ("What did the Hulun Buir Banner report say?", ["Hulun Buir Banner"]),  # no such spelling: kept as written
    ("Which District had more cases?", []),  # a sentence's first word, not a place
    ("How many cases did Siyang County conclude?", []),  # known
])
def test_places_named_in_english(question: str, places: list[str]) -> None:
    assert unknown_english_places(question, ["泗阳县", "张湾区"]) == places


@pytest.mark.parametrize("question", [
    "What was the administrative litigation loss rate in Longquanyi District in 2023?",
    "How many administrative reconsideration cases did Huangmei County handle in 2023?",
])
def test_a_place_without_a_report_is_refused_for_that_place(corpus_service: Service, question: str) -> None:
    r = ask(corpus_service, question)
    assert not r.answerable and not r.citations
    assert "Longquanyi" in r.answer or "Huangmei" in r.answer
    assert english_only(r.answer)

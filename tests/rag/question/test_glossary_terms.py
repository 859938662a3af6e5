"""An English question's glossary terms (rag/question/understanding.py `glossary_terms`): two terms joined by
"or" are one, either of which says it; terms otherwise stay apart."""

from __future__ import annotations

import pytest

from rag.question.understanding import glossary_terms


@pytest.mark.parametrize(("question", "terms"), [
    ("How many fines or other penalty decisions did the town hand down?", ["罚没款 罚款 处罚决定"]),
    ("How many penalty decisions or fines did the bureau issue?", ["处罚决定 罚没款 罚款"]),
    ("How many cases did the bureau hand over to the police?", ["案件", "移送"]),
    ("How many items did the sub-district office publish?", ["发布 公开"]),
    ("How many integrity talks did the bureau hold?", ["廉政谈话"]),
])
def test_glossary_terms_of_a_question(question: str, terms: list[str]) -> None:
    assert sorted(glossary_terms(question)[1]) == sorted(terms)

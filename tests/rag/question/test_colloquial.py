"""Colloquial and English wordings: fillers and short years are not measure words; an English ask keeps
the user's own phrase for answers and refusals."""

import pytest

from rag.question.quantities import asked_quantities
from rag.question.understanding import understand
from rag.schema import Document

DOCS = [Document(doc_id=f"d{i}", region=r, year=y, source=f"{i}.txt", sha256="x")
        for i, (r, y) in enumerate([("安吉县", 2023), ("长兴县", 2022), ("长兴县", 2023)])]


@pytest.mark.parametrize(("question", "measure", "years"), [
    ("安吉县2023年搞了几场普法宣传活动来着", "普法宣传活动", [2023]),
    ("长兴县22年开了几回执法检查啊", "执法检查", [2022]),
    ("安吉县普法宣传那块一共搞了多少场呀", "普法宣传", []),
    ("长兴县23年的法律援助案件有多少", "法律援助案件", [2023]),
])
def test_fillers_and_short_years_leave_the_measure(question: str, measure: str, years: list[int]) -> None:
    q = understand(question, DOCS)
    ask = asked_quantities(q)[0]
    assert ask.measure == measure
    assert q.years == years


def test_a_span_of_years_is_not_a_year() -> None:
    assert understand("安吉县近20年办理了多少件", DOCS).years == []


@pytest.mark.parametrize(("question", "said"), [
    ("How many legal aid cases did Anji County handle in 2023?", "legal aid cases handle"),
    ("What was the mediation success rate of Changxing?", "mediation success rate"),
])
def test_english_ask_keeps_the_users_words(question: str, said: str) -> None:
    ask = asked_quantities(understand(question, DOCS, vocabulary=lambda w: True))[0]
    assert ask.said == said

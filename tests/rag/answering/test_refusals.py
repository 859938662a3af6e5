"""Refusals of the facts answerer (rag/answering/facts.py): a figure ruled out for whose it is (another body,
a wider area, another year) is named as such, never as a near measure in other words; an English answer
says once that the report does not give the parts it has no figure for.

Reports written for these tests (安徽 泾县, 绩溪); none comes from a gold set."""

from __future__ import annotations

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import english_only, texts_service

REPORTS = {
    "jingxian.txt": "泾县人民政府2023年法治政府建设情况报告\n2023年，泾县人民政府坚持依法行政。\n"
                    "一、主要工作\n全县办理法律援助案件310件。县市场监管局开展执法检查42次。\n",
    "jixi.txt": "绩溪县2023年法治政府建设情况报告\n一、主要工作\n全县组织普法讲座56场，受理行政复议申请19件。\n",
}

service = texts_service(REPORTS)


@pytest.mark.parametrize(
    ("question", "says", "not_says"),
    [
        ("泾县市场监管局2023年办理法律援助案件多少件？", "报告给出的是全县的数字", "口径不同"),
        ("泾县茂林镇2023年办理法律援助案件多少件？", "报告给出的是全县的数字", "口径不同"),
        ("How many legal aid cases did the Jingxian County justice bureau handle in 2023?",
         "the figure it gives is for Jingxian County", "a different measure"),
    ],
)
def test_a_figure_of_another_body_is_named_as_such(service: Service, question: str, says: str,
                                                   not_says: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert not r.answerable and says in r.answer and not_says not in r.answer, r.answer
    assert not question.isascii() or english_only(r.answer), r.answer


def test_an_english_answer_says_once_what_the_report_does_not_give(service: Service) -> None:
    r = service.ask(AskRequest(question="How many hearings were held in Jixi County in 2023, and how many "
                                        "lawsuits were lost?"))
    assert r.answer.count("does not give") == 1, r.answer
    assert "“and " not in r.answer and english_only(r.answer), r.answer

"""A department's or sub-district's own report: a question naming that body asks the report's own figures,
not a sub-unit's (rag/question/scope.py: issued_by, read by the facts answerer).

Reports written for these tests (浙江 安吉, 德清); none comes from a gold set."""

from __future__ import annotations

import pytest

from rag.question.scope import issued_by
from rag.schema import AskRequest, Document
from rag.service import Service
from tests.conftest import texts_service

REPORTS = {
    "anji-edu.txt": "安吉县教育局2023年度政府信息公开工作年度报告\n一、总体情况\n"
                    "2023年，我局主动公开政府信息215条，收到政府信息公开申请7件，全部按时办结。\n"
                    "二、存在问题\n公开质量有待提高。\n",
    "deqing.txt": "德清县2023年法治政府建设情况报告\n2023年，德清县坚持依法行政，全县办理行政复议案件31件。\n"
                  "一、主要工作\n县公安局办理行政处罚案件120件。\n",
}


service = texts_service(REPORTS)


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("安吉县教育局主动公开政府信息多少条？", "215"),
        ("安吉县教育局收到多少件政府信息公开申请？", "7"),
        ("How many pieces of government information did the Anji County education bureau disclose?", "215"),
        ("How many disclosure requests did the Anji County Education Bureau receive?", "7"),
    ],
)
def test_the_named_department_is_the_reports_issuer(service: Service, question: str, figure: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and figure in r.answer, r.answer


def test_a_department_that_did_not_issue_the_report_is_still_a_sub_unit(service: Service) -> None:
    r = service.ask(AskRequest(question="德清县教育局办理行政复议案件多少件？"))
    assert not r.answerable and "31件[" not in r.answer.split("相近")[0]


def _doc(issuer: str | None, level: str | None) -> Document:
    return Document(doc_id="d", region="安吉县", source="d.txt", sha256="x", issuer=issuer, issuer_level=level)


@pytest.mark.parametrize(
    ("issuer", "level", "unit", "expected"),
    [
        ("安吉县教育局", "department", "教育局", True),
        ("宁海路街道办事处", "sub_district", "宁海路街道", True),
        ("安吉县人民政府", "government", "教育局", False),
        ("安吉县教育局", "department", "公安局", False),
        (None, None, "教育局", False),
    ],
)
def test_issued_by(issuer: str | None, level: str | None, unit: str, expected: bool) -> None:
    assert issued_by(_doc(issuer, level), unit) is expected

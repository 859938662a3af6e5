"""Sentences with several figures: each figure answers for its own counted noun and qualifier
(rag/answering/matching.py, picking.py). A part the ask names beats the sentence's total; a change from one
level to another ("由19个调整为27个") answers with the state asked, quoting both.

A report written for these tests (安徽 宁国); none comes from a gold set."""

from __future__ import annotations

import pytest

from rag.answering.picking import change_role
from rag.schema import AskRequest
from rag.service import Service
from rag.text.figures import figures
from tests.conftest import numbers, texts_service

REPORTS = {
    "ningguo.txt": "宁国市2022年政府信息公开工作年度报告\n一、总体情况\n"
                   "（一）主动公开。2022年，市政府网站发布各类信息共6120多条，其中工作动态2871条，通知公告402条。"
                   "在政务公开专栏公示43个部门18类信息，累计公开信息9876条。"
                   "通过微博、微信公众号发布信息共28340条，其中通过微博发布14210条。\n"
                   "（二）依申请公开。全年收到申请11件，其中直接办理5件，转办6件。\n"
                   "（三）平台建设。政务服务事项由19个调整为27个，办理时限从20个工作日压减至8个工作日。\n"
                   "（四）文件审查。全年审查文件52件，其中规范性文件6件，非规范性文件46件。\n",
}

service = texts_service(REPORTS)


@pytest.mark.parametrize(
    ("question", "figure", "not_figure"),
    [
        ("宁国市2022年政府网站发布工作动态多少条？", "2871", "6120"),
        ("宁国市2022年政务公开专栏累计公开信息多少条？", "9876", "18"),
        ("宁国市2022年通过微博发布信息多少条？", "14210", "28340"),
        ("宁国市2022年政务服务事项调完是多少个？", "27", None),
        ("宁国市2022年办理时限压减到多少个工作日？", "8", None),
        ("宁国市2022年政务服务事项原来是多少个？", "19", None),
        ("宁国市2022年通过微博、微信公众号发布信息共多少条？", "28340", "14210"),
        ("宁国市2022年审查的文件中非规范性文件有多少件？", "46", "52"),  # not 规范性文件 inside it either
    ],
)
def test_each_figure_answers_for_its_own_noun(service: Service, question: str, figure: str,
                                               not_figure: str | None) -> None:
    r = service.ask(AskRequest(question=question))
    said = numbers(r.answer.split("[")[0])
    assert r.answerable and figure in said and (not_figure is None or not_figure not in said), r.answer


@pytest.mark.parametrize(
    ("sentence", "roles"),
    [
        ("政务服务事项由19个调整为27个。", {"19个": "from", "27个": "to"}),
        ("办理时限从20个工作日压减至8个工作日", {"20个工作日": "from", "8个工作日": "to"}),
        ("由3人调整为专人负责，办理12件", {"3人": None, "12件": None}),
        ("审批效率整体提高90%以上", {"90%以上": None}),
    ],
)
def test_change_role(sentence: str, roles: dict[str, str | None]) -> None:
    assert {f.text: change_role(sentence, f) for f in figures(sentence)} == roles

"""A department's or sub-district's own report: a question naming that body asks the report's own figures,
not a sub-unit's (rag/question/scope.py: issued_by, read by the facts answerer).

Reports written for these tests (浙江 安吉, 德清; 安徽 宣城, 旌德, 郎溪; a 街道 of 婺源); none comes from a gold set."""

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
    # The bureau's own reports, signed by nobody: named in the title, in the page's 来源, or only as 本局.
    "xc-sfj.txt": "宣城市司法局2023年法治政府建设年度报告\n2023年，在市委市政府的坚强领导下，我局坚持依法行政。\n"
                  "一、主要工作\n（一）践行为民宗旨。全年落实法治为民实事项目12项，办理法律援助案件1530件。\n",
    "jd-lyj.txt": "来源：旌德县林业和草原局  发布时间：2023-01-20\n2022年政府信息公开工作年度报告\n一、总体情况\n"
                  "2022年，本局认真贯彻落实政府信息公开条例，主动公开政府信息86条。收到依申请公开3件，均按时答复。\n",
    "wy-zy.txt": "2022年，紫阳街道坚持以人民为中心推进政务公开。\n一、主动公开情况\n"
                 "本街道通过微信公众号发布信息326条，通过政府网站公开信息140条。\n二、依申请公开\n全年收到申请2件。\n",
    # The county government's report: a bureau's question does not take the county's figure.
    "langxi.txt": "来源：郎溪县司法局\n郎溪县人民政府2023年法治政府建设情况报告\n2023年，郎溪县人民政府坚持依法行政。\n"
                  "一、主要工作\n全县办理行政复议案件45件。县林业局加强普法宣传，开展送法下乡活动8次。"
                  "全县落实法治为民实事项目15项。\n",
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


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("宣城市司法局2023年落实了多少项法治为民实事项目？", "12项"),
        ("旌德县林草局22年收到几个依申请公开", "3件"),  # 来源 names the bureau, the report says 本局
        ("旌德县林业和草原局2022年主动公开政府信息多少条？", "86条"),
        ("紫阳街道22年公众号发了多少条信息", "326条"),
    ],
)
def test_a_report_nobody_signed_is_the_named_bodys_own(service: Service, question: str, figure: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and figure in r.answer and "口径不同" not in r.answer, r.answer


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("郎溪县林业局2023年落实法治为民实事项目多少项？", "全县的数字"),
        ("郎溪县司法局2023年办理行政复议案件多少件？", "全县的数字"),  # it posted the county's report
    ],
)
def test_the_governments_figure_is_not_a_bureaus(service: Service, question: str, says: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert not r.answerable and says in r.answer and "口径不同" not in r.answer, r.answer


def test_a_department_that_did_not_issue_the_report_is_still_a_sub_unit(service: Service) -> None:
    r = service.ask(AskRequest(question="德清县教育局办理行政复议案件多少件？"))
    # The county's figure is named as the county's, not as a near measure in other words.
    assert not r.answerable and "报告给出的是全县的数字" in r.answer and "口径不同" not in r.answer, r.answer


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
        ("安吉县林业和草原局", "department", "林草局", True),  # the short name
    ],
)
def test_issued_by(issuer: str | None, level: str | None, unit: str, expected: bool) -> None:
    assert issued_by(_doc(issuer, level), unit) is expected


def _unsigned(title: str | None, office: str | None = None) -> Document:
    provenance = {"source_office": {"source": "chrome", "confidence": 0.85, "value": office}} if office else {}
    return Document(doc_id="d", region="安吉县", source="d.txt", sha256="x", title=title, provenance=provenance)


@pytest.mark.parametrize(
    ("title", "office", "text", "unit", "expected"),
    [
        ("安吉县司法局2023年法治政府建设年度报告", None, "", "司法局", True),  # the title names it
        ("2022年政府信息公开工作年度报告", "安吉县林业局", "", "林业局", True),  # 来源
        ("2022年政府信息公开工作年度报告", None, "2022年，本局主动公开信息…县林业局网站…", "林业局", True),
        ("2022年政府信息公开工作年度报告", None, "2022年，本局主动公开信息86条。", "林业局", False),  # named nowhere
        (None, None, "2022年，递铺街道坚持依法行政。全年受理申请2件。", "递铺街道", True),  # the opening
        (None, None, "2022年，全县坚持依法行政。递铺街道受理申请2件。", "递铺街道", False),
        # The opening past page debris and the addressee line above it.
        (None, None, "|\n安吉县委、县政府：\n2022年，递铺街道坚持依法行政，工作情况报告如下：\n一、主要做法",
         "递铺街道", True),
        ("安吉县人民政府2023年法治政府建设情况报告", "安吉县司法局", "我局", "司法局", False),  # the government's
        ("安吉县2023年法治政府建设情况报告", None, "全县办理复议案件31件，县司法局牵头。", "司法局", False),
    ],
)
def test_an_unsigned_report_speaks_for_its_body(title: str | None, office: str | None, text: str, unit: str,
                                                expected: bool) -> None:
    assert issued_by(_unsigned(title, office), unit, text) is expected

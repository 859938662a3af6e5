"""Questions about a report's period, year, issuer and posting date, read from real page shapes: a title run
into the text, a sentence publishing the report, the stated period (统计期限), page chrome and a byline.

The reports are written for these tests from real divisions (云南 石屏/建水, 甘肃 渭源); none comes from a
gold set."""

from __future__ import annotations

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import texts_service

REPORTS = {
    "shiping.txt": "石屏县人民政府2020年 政府信息公开工作年度报告 一、总体情况 2020年,石屏县认真贯彻条例。\n"
                   "二、主动公开政府信息情况\n2020年，全县主动公开政府信息1520条。\n",
    "jianshui.txt": "现向社会公布建水县人民防空办公室2019年政府信息公开工作年度报告。"
                    "报告数据的统计期限为2019年1月1日起至2019年12月20日止。\n一、总体情况\n"
                    "今年，我办主动公开信息35条。\n二、收到和处理政府信息公开申请情况\n共收到申请2件。\n",
    "jianshui-sfj.txt": "来源：建水县司法局 发布时间：2023-03-31 17:05:00\n建水县司法局2022年法治政府建设年度报告\n"
                        "一、主要举措\n今年，我局办理行政复议案件12件。\n二、存在问题\n基层力量不足。\n",
    "jianshui-scj.txt": "建水县市场监督管理局2022年法治政府建设工作报告\n建水县市场监督管理局 2023年01月22日\n"
                        "一、主要举措\n今年，我局查办案件45件。\n二、下一步打算\n加强执法。\n",
    "qingyuan.txt": "发布机构：渭源县人民政府办公室 发文时间：2024年01月28日 来源：清源镇\n"
                    "清源镇2023年政府信息公开工作年度报告\n一、总体情况\n2023年，清源镇主动公开信息88条。\n",
}

service = texts_service(REPORTS)


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        # The year a broken title states, and a department's year from its publishing sentence.
        ("石屏县的报告是哪一年的？", ["2020年"], ["未写明"]),
        ("建水县的报告是哪一年的？", ["2019年"], ["未写明"]),
        # The period the figures cover: the stated range, not a year.
        ("建水县报告的统计期限是什么？", ["2019年1月1日至2019年12月20日"], ["未写明"]),
        ("What period do the figures in Jianshui's report cover?", ["2019-01-01 to 2019-12-20"], ["not stated"]),
        # No stated period: the year covered.
        ("石屏县报告的统计期限是什么？", ["2020年"], []),
    ],
)
def test_year_and_period(service: Service, question: str, expected: list[str], absent: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable, r.answer
    for part in expected:
        assert part in r.answer, r.answer
    for part in absent:
        assert part not in r.answer, r.answer


def test_a_figure_of_a_report_whose_title_ran_into_its_text(service: Service) -> None:
    r = service.ask(AskRequest(question="石屏县2020年主动公开政府信息多少条？"))
    assert "1520" in r.answer, r.answer


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        # A department's report among its county's: that report only, with the chrome's posting date (as the
        # page prints it: 2023-03-31).
        ("建水县司法局的报告是谁发布的，什么时候发布的？", ["建水县司法局", "2023-03-31"],
         ["市场监督管理局", "人民防空", "未写明"]),
        ("Who published the Jianshui County Justice Bureau's report and when?",
         ["Justice Bureau", "2023-03-31"], ["Market Regulation", "not stated"]),
        # A byline under the title gives the issuer and the date.
        ("建水县市场监督管理局的报告是什么时候发布的？", ["2023年1月22日", "标题下的署名"], ["司法局"]),
        # The county's office posts a town's report: the town issues it, the office posted it.
        ("清源镇的报告是谁出的？", ["清源镇人民政府", "渭源县人民政府办公室"], []),
        ("清源镇的报告是什么时候发布的？", ["2024年1月28日"], ["未写明"]),
    ],
)
def test_issuer_and_posting_date(service: Service, question: str, expected: list[str], absent: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable, r.answer
    for part in expected:
        assert part in r.answer, r.answer
    for part in absent:
        assert part not in r.answer, r.answer

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

"""The year a 政府信息公开 annual report covers when its first line names none (ingest/metadata/).

Reports written for these tests (浙江 长兴, 四川 郫都); none comes from a gold set."""

from __future__ import annotations

import pytest

from ingest.metadata import detect_metadata

HEADINGS = "一、总体情况\n稳步推进。\n二、主动公开政府信息情况\n全县合计。\n"


@pytest.mark.parametrize(
    ("text", "year", "source"),
    [
        # The period its figures cover.
        ("长兴县人民政府政府信息公开工作年度报告\n本报告所列数据统计期限自2021年1月1日起至12月31日止。\n" + HEADINGS,
         2021, "covered_period"),
        ("郫都区政府信息公开工作年度报告\n本年度报告中所列数据的统计期限为2022年1月1日至2022年12月31日。\n" + HEADINGS,
         2022, "covered_period"),
        # Only the posting date, early in the next year.
        ("发布时间：2023-01-30\n长兴县人民政府政府信息公开工作年度报告\n" + HEADINGS, 2022, "published"),
        # Posted late in a year: no year is guessed.
        ("发布时间：2023-09-30\n长兴县人民政府政府信息公开工作年度报告\n" + HEADINGS, None, None),
    ],
)
def test_year_of_an_annual_disclosure_report(text: str, year: int | None, source: str | None) -> None:
    meta = detect_metadata(text, raw=text)
    assert (meta.year, meta.sources.get("year")) == (year, source)


def test_a_rule_of_law_report_is_not_dated_by_its_posting() -> None:
    meta = detect_metadata("发布时间：2023-01-30\n长兴县法治政府建设情况报告\n一、主要工作\n稳步推进。\n")
    assert meta.year is None

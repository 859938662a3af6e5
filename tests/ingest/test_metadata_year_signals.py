"""The year a report covers from every signal (ingest/metadata/): a title run into the text on one line, a
sentence publishing the report, the stated period (统计期限) with any end date, the year the body speaks of
most; and the stated period itself.

Reports written for these tests (甘肃 渭源, 甘肃 临夏市, 云南 石屏); none comes from a gold set."""

from __future__ import annotations

import pytest

from ingest.metadata import detect_metadata

HEADINGS = "一、总体情况\n稳步推进。\n二、主动公开政府信息情况\n合计。\n"


@pytest.mark.parametrize(
    ("text", "year", "source"),
    [
        # A title broken by a space and run into the first heading and paragraph on one line.
        ("渭源县人民政府2020年 政府信息公开工作年度报告 一、总体情况 2020年,渭源县认真贯彻条例。\n"
         "二、主动公开政府信息情况\n合计。\n", 2020, "title"),
        # No title: the sentence publishing the report names its year.
        ("现向社会公布临夏市人民防空办公室2019年政府信息公开工作年度报告。\n" + HEADINGS, 2019, "announced"),
        # No title: the stated period, ending before 31 December.
        ("报告数据的统计期限为2018年1月1日起至2018年12月14日止。\n" + HEADINGS, 2018, "covered_period"),
        # No title, no period: the year the body speaks of most.
        ("政府信息公开工作年度报告\n一、总体情况\n2022年石屏县主动公开信息120条；2022年受理申请5件，"
         "比2021年增加1件；2022年办结5件。\n", 2022, "body_mentions"),
        # A body year that does not clearly lead is no year.
        ("政府信息公开工作年度报告\n一、总体情况\n2022年受理申请5件，2021年4件，2022年办结，2021年办结。\n",
         None, None),
    ],
)
def test_year_from_every_signal(text: str, year: int | None, source: str | None) -> None:
    meta = detect_metadata(text)
    assert (meta.year, meta.sources.get("year")) == (year, source)


def test_a_title_run_into_the_text_is_cut_at_its_end() -> None:
    meta = detect_metadata("石屏县人民政府2021年 政府信息公开工作年度报告 一、总体情况 今年以来石屏县推进公开。\n")
    assert meta.title is not None and meta.title.endswith("年度报告")
    assert (meta.region, meta.issuer) == ("石屏县", "石屏县人民政府")


def test_an_earlier_report_published_in_the_body_is_not_the_year() -> None:
    text = ("渭源县政府信息公开工作年度报告\n一、总体情况\n按时发布2021年度政府信息公开工作年度报告。\n"
            "二、主动公开\n2022年，全县主动公开信息1200条；2022年受理申请4件；2022年办结4件。\n")
    assert detect_metadata(text).year == 2022


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("报告数据的统计期限为2019年1月1日起至2019年12月20日止。\n", "2019-01-01/2019-12-20"),
        ("本报告所列数据的统计期限自2021年1月1日起至12月31日止。\n", "2021-01-01/2021-12-31"),
        ("本报告中所列数据的统计期限为2023年1月1日至2023年12月31日。\n", "2023-01-01/2023-12-31"),
        ("2023年，石屏县推进公开。\n", None),
    ],
)
def test_stated_period(text: str, period: str | None) -> None:
    meta = detect_metadata("石屏县政府信息公开工作年度报告\n" + text + HEADINGS)
    assert meta.period == period
    assert ("period" in meta.sources) == (period is not None)


def test_the_announcing_sentence_names_the_issuing_department() -> None:
    meta = detect_metadata("现向社会公布临夏市人民防空办公室2019年政府信息公开工作年度报告。\n" + HEADINGS)
    assert (meta.issuer, meta.issuer_level, meta.region) == ("临夏市人民防空办公室", "department", "临夏市")

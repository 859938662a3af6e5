"""Issuer, publisher and posting date from page chrome and a byline (ingest/metadata/): label forms, date
forms with times, a town or sub-district as the page's 发布机构 or 来源, a name and date under the title or
at the foot of a short opening, each with its source.

Reports written for these tests (云南 蒙自, 甘肃 渭源); none comes from a gold set."""

from __future__ import annotations

import pytest

from ingest.metadata import detect_metadata

BODY = "一、主要举措\n加强依法行政，推进严格规范公正文明执法。\n二、存在的问题\n基层力量不足。\n" * 4


@pytest.mark.parametrize(
    ("chrome", "published"),
    [
        ("发布机构：蒙自市司法局 发文时间：2026年01月28日", "2026-01-28"),
        ("来源：蒙自市司法局 发布时间：2023-03-31 17:05:00", "2023-03-31"),
        ("发布时间: 2023/3/31 09:00", "2023-03-31"),
        ("公开时间 ： 2023年03月31日", "2023-03-31"),
        ("发 布 时 间：2023-03-31", "2023-03-31"),
    ],
)
def test_posting_date_forms(chrome: str, published: str) -> None:
    text = chrome + "\n蒙自市2022年法治政府建设年度报告\n" + BODY
    meta = detect_metadata(text, raw=text)
    assert (meta.published, meta.sources.get("published")) == (published, "chrome")


@pytest.mark.parametrize(
    ("top", "published"),
    [
        # Dates a page prints without a label: before its labels, after the title, alone under it.
        ("蒙自市2022年法治政府建设年度报告\n2023-03-31 17:05:00 来源: 蒙自市司法局", "2023-03-31"),
        ("蒙自市2022年法治政府建设年度报告\n2023年01月28日 来源: 蒙自发布", "2023-01-28"),
        ("蒙自市2022年法治政府建设年度报告 2023-02-09", "2023-02-09"),
        ("蒙自市2022年法治政府建设年度报告\n2023-02-09", "2023-02-09"),
        # A date with words after it is a sentence's (the period covered), not the page's.
        ("蒙自市2022年法治政府建设年度报告\n2022年1月1日 至12月31日，全市坚持依法行政。", None),
    ],
)
def test_unlabelled_posting_dates(top: str, published: str | None) -> None:
    text = top + "\n" + BODY
    assert detect_metadata(text, raw=text).published == published


@pytest.mark.parametrize(
    ("chrome", "issuer", "source", "publisher", "source_office"),
    [
        # A town as the page's publishing body, the title naming no body: the town is the issuer.
        ("发布机构：雨露白族乡 发文时间：2026年01月28日\n政府信息公开工作年度报告", "雨露白族乡", "chrome",
         "雨露白族乡", None),
        # The county's office publishes a town's report: the town issues it, the office is kept apart.
        ("发布机构：渭源县人民政府办公室 来源：清源镇\n清源镇2023年政府信息公开工作年度报告", "清源镇人民政府",
         "title", "渭源县人民政府办公室", "清源镇"),
    ],
)
def test_issuer_publisher_and_source_kept_apart(chrome: str, issuer: str, source: str, publisher: str,
                                                source_office: str | None) -> None:
    text = chrome + "\n" + BODY
    meta = detect_metadata(text, raw=text)
    assert (meta.issuer, meta.sources["issuer"], meta.publisher, meta.source_office) == (
        issuer, source, publisher, source_office)


@pytest.mark.parametrize(
    ("byline", "issuer", "date"),
    [
        ("蒙自市市场监督管理局 2023年01月22日", "蒙自市市场监督管理局", "2023-01-22"),  # one line under the title
        ("蒙自市市场监督管理局\n2023年1月22日", "蒙自市市场监督管理局", "2023-01-22"),  # the date on the next line
        ("2022年1月1日起，蒙自市施行新规。", "蒙自市市场监督管理局", None),  # a date in a sentence is no byline
    ],
)
def test_a_byline_under_the_title(byline: str, issuer: str, date: str | None) -> None:
    meta = detect_metadata("蒙自市市场监督管理局2022年法治政府建设工作报告\n" + byline + "\n" + BODY)
    assert (meta.issuer, meta.date, meta.published) == (issuer, date, date)
    if date:
        assert (meta.sources["date"], meta.sources["published"]) == ("byline", "byline")


def test_a_signature_at_the_foot_of_a_short_opening() -> None:
    text = ("渭源县2021年政府信息公开工作年度报告\n根据条例，现公布本年度报告。\n渭源县人民政府办公室 2022年1月27日\n"
            + BODY)
    meta = detect_metadata(text)
    assert (meta.issuer, meta.date) == ("渭源县人民政府办公室", "2022-01-27")



# Chrome printed without colons: a row of cells (spaces or bars between them), a label run into its value on
# a line of its own, a label left alone (有效性). Pages written for this test (黑龙江 五常, 湖南 攸县).
@pytest.mark.parametrize(
    ("top", "index_code", "publisher", "published", "date"),
    [
        ("索  引  号 112301840012345678/2026-00011 公开方式 主动公开\n发布机构 五常市司法局 组配分类 年报\n"
         "成文日期 2026-01-19 废止日期\n有效性\n五常市司法局2025年度法治政府建设情况的报告",
         "112301840012345678/2026-00011", "五常市司法局", None, "2026-01-19"),
        ("| 索引号 | 430223001/2025-00031 | 发文字号 | |\n| 关键词 | 发布机构 | 攸县网岭镇 | |\n"
         "| 生成日期 | 2025-01-20 09:12:44 | 是否有效 |\n网岭镇2024年政府信息公开工作年度报告",
         "430223001/2025-00031", "攸县网岭镇", "2025-01-20", None),
        ("-\n索引号wcs/2026-00002\n-\n发布机构五常市人民政府\n-\n发布日期2026-01-27\n-\n时效性有效\n"
         "五常市2025年法治政府建设工作情况报告", "wcs/2026-00002", "五常市人民政府", "2026-01-27", None),
    ],
)
def test_chrome_without_colons(top: str, index_code: str, publisher: str, published: str | None,
                               date: str | None) -> None:
    text = top + "\n" + BODY
    meta = detect_metadata(text, raw=text)
    assert (meta.index_code, meta.publisher) == (index_code, publisher)
    if published:
        assert meta.published == published
    assert meta.date == date
    assert meta.title is not None and meta.title.endswith("报告") and "有效" not in meta.title
    if date:
        assert meta.sources["date"] == "chrome"  # 成文日期: the document's date as the page prints it


@pytest.mark.parametrize(
    "line",
    [
        # A sentence whose words are also labels is no row of cells.
        "来源于群众的时间安排和日期要求，都要及时回应。",
        "标题 名称 分类",  # labels only, none a field of its own: not read as a value
    ],
)
def test_sentences_are_not_chrome_rows(line: str) -> None:
    from ingest.metadata.chrome import read_chrome

    found = read_chrome([line])
    assert not {"issuer", "source_office", "index_code", "published"} & set(found)


def test_issuer_from_the_work_a_report_was_compiled_on() -> None:
    text = ("发布机构 | 攸县政府办 | 发文日期 | 2023-01-18 |\n本年报依据攸县网岭镇2022年政务信息公开工作的实际情况"
            "编写。全文分为总体情况等五个部分。\n" + BODY)
    meta = detect_metadata(text, raw=text)
    assert (meta.issuer, meta.publisher) == ("攸县网岭镇", "攸县政府办")

import re
from dataclasses import asdict

import pytest

from ingest.loaders import load
from ingest.metadata import DocMeta, detect_metadata
from tests.corpus import CORPUS, report_text

# What each real report states. Two have no title line at all (they open with the body), so their
# title is None unless the page supplies one; only the pages of two carry a labelled posting date.
EXPECTED = {
    "shijingshan-2023": DocMeta(
        title=None, region="石景山区", level="区", city="北京市", province="北京市", year=2023,
        date=None, issuer="北京市石景山区人民政府", published=None, kind="法治政府建设", issuer_level="government",
    ),
    "siyang-2023": DocMeta(
        title=None, region="泗阳县", level="县", city="宿迁市", province="江苏省", year=2023,
        date=None, issuer=None, published=None, kind="法治政府建设",
    ),
    "tiedong-2023": DocMeta(
        title="中共铁东区委 铁东区人民政府关于2023年铁东区法治政府建设情况的报告",
        region="铁东区", level="区", city="鞍山市", province="辽宁省", year=2023,
        date="2024-02-08", issuer="中共鞍山市铁东区委 鞍山市铁东区人民政府", published="2024-02-08",
        addressee="中共鞍山市委、鞍山市人民政府", kind="法治政府建设", issuer_level="government",
        source_office="铁东区司法局",
    ),
    "weibin-2023": DocMeta(
        title="2023年度卫滨区法治政府建设工作情况 专项报告",
        region="卫滨区", level="区", city="新乡市", province="河南省", year=2023,
        date="2023-12-29", issuer="新乡市卫滨区司法局", published=None, kind="法治政府建设",
        issuer_level="department",
    ),
    "zhangwan-2019": DocMeta(
        title="张湾区人民政府关于2019年度法治政府建设情况的报告",
        region="张湾区", level="区", city="十堰市", province="湖北省", year=2019,  # posted 2020-01-02
        date="2019-12-27", issuer="张湾区人民政府", published="2020-01-02", kind="法治政府建设",
        issuer_level="government",
    ),
}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_corpus_raw_text(stem: str) -> None:
    """The file as published, chrome and all, as both text and raw."""
    raw = report_text(stem)
    assert detect_metadata(raw, raw=raw, filename=f"{stem}.txt") == EXPECTED[stem]


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_corpus_as_loaded(stem: str) -> None:
    """The loader's cleaned text with its raw text, as the pipeline calls it."""
    loaded = load(CORPUS / f"{stem}.txt")
    got = detect_metadata(loaded.text, raw=loaded.raw, title_hint=loaded.title_hint, filename=f"{stem}.txt")
    assert got == EXPECTED[stem]


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_corpus_without_raw_loses_only_the_page_fields(stem: str) -> None:
    markers = ("位置", "时间:", "发文日期", "网站", "主办", "备案号", "标识码", "访问量")
    # A line holding only a date (2020-01-02 under the title) is the page's too.
    chrome_free = "\n".join(line for line in report_text(stem).splitlines()
                             if not any(m in line for m in markers) and not re.fullmatch(r"\s*[\d-]{8,10}\s*", line))
    got = detect_metadata(chrome_free)
    page_fields = {"published": None, "source_office": None}
    assert asdict(got) | {"sources": {}, "confidence": {}} == asdict(EXPECTED[stem]) | page_fields


def _meta(text: str, **kwargs) -> dict:
    return asdict(detect_metadata(text, **kwargs))


def test_year_from_the_opening_sentence_when_the_title_has_none() -> None:
    text = "法治政府建设年度报告\n2022年,泾县坚持依法行政。\n一、主要举措\n内容。"
    meta = _meta(text)
    assert meta["year"] == 2022
    assert (meta["region"], meta["level"], meta["city"], meta["province"]) == ("泾县", "县", "宣城市", "安徽省")


def test_title_without_a_year() -> None:
    meta = _meta("卫滨区法治政府建设工作情况专项报告\n2023年,卫滨区坚持依法行政。\n一、主要举措\n内容。")
    assert (meta["title"], meta["year"]) == ("卫滨区法治政府建设工作情况专项报告", 2023)


def test_year_from_a_report_as_follows_sentence() -> None:
    meta = _meta("根据要求,现将泗阳县2021年度法治政府建设情况报告如下。\n一、主要举措\n内容。")
    assert (meta["year"], meta["region"]) == (2021, "泗阳县")


def test_posting_date_is_never_the_covered_year() -> None:
    meta = _meta("发布时间:2024-01-05\n今年以来,泗阳县坚持依法行政。\n一、主要举措\n内容。")
    assert (meta["year"], meta["published"], meta["region"]) == (None, "2024-01-05", "泗阳县")


def test_no_signature_leaves_the_date_empty_and_takes_the_issuer_from_the_title() -> None:
    meta = _meta("泗阳县人民政府关于2023年法治政府建设情况的报告\n2023年,泗阳县坚持依法行政。\n一、主要举措\n内容。")
    assert (meta["date"], meta["issuer"]) == (None, "泗阳县人民政府")  # nobody signed; the title names the body
    assert meta["title"] == "泗阳县人民政府关于2023年法治政府建设情况的报告"


def test_ambiguous_region_resolved_by_the_city_in_the_text() -> None:
    text = "朝阳区人民政府关于2023年法治政府建设情况的报告\n2023年,在长春市委、市政府领导下,朝阳区坚持依法行政。"
    meta = _meta(text)
    assert (meta["region"], meta["city"], meta["province"]) == ("朝阳区", "长春市", "吉林省")


def test_ambiguous_region_without_context_keeps_only_what_is_certain() -> None:
    meta = _meta("朝阳区人民政府关于2023年法治政府建设情况的报告\n2023年,朝阳区坚持依法行政。")
    assert (meta["region"], meta["level"], meta["city"], meta["province"]) == ("朝阳区", "区", None, None)


def test_addressee_line_is_not_the_subject() -> None:
    meta = _meta("中共鞍山市委、鞍山市人民政府:\n2023年,铁东区坚持依法行政。\n一、主要举措\n内容。")
    assert (meta["region"], meta["city"]) == ("铁东区", "鞍山市")


def test_county_level_city() -> None:
    text = (
        "邓州市人民政府关于2023年度法治政府建设情况的报告\n2023年,邓州市坚持依法行政。\n"
        "邓州市人民政府\n2024年1月10日"
    )
    meta = _meta(text)
    assert (meta["region"], meta["level"], meta["city"], meta["province"]) == ("邓州市", "县级市", "南阳市", "河南省")
    assert (meta["issuer"], meta["date"]) == ("邓州市人民政府", "2024-01-10")


@pytest.mark.parametrize(
    "date_line",
    [
        "２０２３年１２月２９日", "2023 年 12 月 29 日", "二〇二三年十二月二十九日", "（2023年12月29日）",
        "\u3000\u30002023年12月29日",
    ],
)
def test_signing_date_forms(date_line: str) -> None:
    text = f"2023年,卫滨区坚持依法行政。\n一、主要举措\n内容。\n新乡市卫滨区司法局\n{date_line}\n"
    meta = _meta(text)
    assert (meta["date"], meta["issuer"]) == ("2023-12-29", "新乡市卫滨区司法局")


def test_two_signing_bodies_on_two_lines_and_footer_after_them() -> None:
    text = (
        "2023年,铁东区坚持依法行政。\n一、主要举措\n内容。\n中共鞍山市铁东区委\n鞍山市铁东区人民政府\n"
        "2024年2月8日\n附件\n网站地图 | 设为首页\n主办:铁东区人民政府\n"
    )
    meta = _meta(text)
    assert (meta["issuer"], meta["date"]) == ("中共鞍山市铁东区委 鞍山市铁东区人民政府", "2024-02-08")


@pytest.mark.parametrize(
    "signature",
    ["中共鞍山市铁东区委 鞍山市铁东区人民政府", "中共鞍山市铁东区委鞍山市铁东区人民政府"],  # PDF text drops the space
)
def test_co_signing_bodies_are_separated(signature: str) -> None:
    meta = _meta(f"2023年,铁东区坚持依法行政。\n一、主要举措\n内容。\n{signature}\n2024年2月8日")
    assert meta["issuer"] == "中共鞍山市铁东区委 鞍山市铁东区人民政府"


def test_an_office_of_a_government_is_one_body() -> None:
    meta = _meta("2019年,张湾区坚持依法行政。\n一、主要举措\n内容。\n张湾区人民政府办公室\n2019年12月27日")
    assert meta["issuer"] == "张湾区人民政府办公室"


def test_signature_on_one_line() -> None:
    meta = _meta("2019年,张湾区坚持依法行政。\n一、主要举措\n内容。\n张湾区人民政府 2019年12月27日")
    assert (meta["issuer"], meta["date"]) == ("张湾区人民政府", "2019-12-27")


def test_a_date_inside_prose_is_not_a_signature() -> None:
    meta = _meta("2023年,泗阳县坚持依法行政。\n一、主要举措\n截至2023年4月24日,清理文件21件。")
    assert (meta["date"], meta["issuer"]) == (None, None)


def test_impossible_dates_are_ignored() -> None:
    meta = _meta("2023年,泗阳县坚持依法行政。\n泗阳县人民政府\n2023年13月40日")
    assert meta["date"] is None


def test_title_from_hint_then_filename() -> None:
    body = "今年以来,泗阳县坚持依法行政。\n一、主要举措\n内容。"
    meta = _meta(body, title_hint="泗阳县2022年法治政府建设年度报告")
    assert (meta["title"], meta["year"]) == ("泗阳县2022年法治政府建设年度报告", 2022)
    meta = _meta(body, filename="泗阳县2022年法治政府建设年度报告.pdf")
    assert (meta["title"], meta["year"]) == ("泗阳县2022年法治政府建设年度报告", 2022)
    assert _meta(body, filename="siyang-2022.pdf")["title"] is None  # a file name is a title only if it reads like one


def test_title_split_over_two_lines() -> None:
    meta = _meta("泗阳县人民政府关于2023年度法治\n政府建设情况的报告\n2023年,泗阳县坚持依法行政。")
    assert (meta["title"], meta["year"]) == ("泗阳县人民政府关于2023年度法治政府建设情况的报告", 2023)


def test_unknown_everything_stays_none() -> None:
    assert detect_metadata("一、主要举措\n加强依法行政。") == DocMeta()


def test_addressee_is_the_colon_line_of_organs_under_the_title() -> None:
    text = "关于2022年度法治政府建设情况的报告\n市委、市人民政府:\n2022年,我县坚持依法行政。\n"
    assert detect_metadata(text).addressee == "市委、市人民政府"
    assert detect_metadata("关于2022年度法治政府建设情况的报告\n主要做法如下:\n").addressee is None

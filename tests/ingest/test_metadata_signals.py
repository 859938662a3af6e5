"""Metadata from every signal a page offers (ingest/metadata/): chrome, addressee, opening, body, file name,
索引号, short names, issuer levels, report kind, and each field's source and confidence.

The reports are written for these tests, from real divisions (山西 平遥, 甘肃 临泽, 四川 马边, 贵州 荔波,
江西 婺源); none of them comes from a gold set."""

from __future__ import annotations

import pytest

from ingest.metadata import detect_metadata

BODY = "一、主要举措\n加强依法行政，推进严格规范公正文明执法。\n二、存在的问题\n基层力量不足。\n"
SELF = "2022年，我县坚持依法行政，全县法治政府建设取得新成效。我县严格落实责任，全县上下形成合力。\n"


@pytest.mark.parametrize(
    ("text", "filename", "region", "source"),
    [
        # No title line: the name stands in page chrome.
        ("发布机构：平遥县人民政府办公室 公开日期：2023-02-14\n" + SELF + BODY, None, "平遥县", "chrome"),
        ("信息来源：临泽县司法局\n" + SELF + BODY, None, "临泽县", "chrome"),
        # "现将…报告如下" below a preamble longer than the opening.
        ("根据要求。\n各项工作有序推进。\n基层基础持续巩固。\n一、总体情况\n"
         "现将临泽县人民政府2022年法治政府建设情况报告如下。\n" + BODY, None, "临泽县", "report_as_follows"),
        # The province comes first, the report speaks of itself as 我县: the county it names, not the province.
        ("2022年，在四川省委、省政府坚强领导下，马边县坚持依法行政。"
         "我县严格落实责任，全县形成合力，"
         "我县法治建设稳步推进，马边县获评先进。\n" + BODY, None, "马边彝族自治县", "body"),
        # The addressee names the higher body: it bounds the subject and is never it.
        ("中共黔南州委、黔南州人民政府：\n" + SELF + BODY
         + "荔波县严格执法，荔波县推进复议改革。\n黔南州检查组肯定。\n", None, "荔波县", "body"),
        # Only the body: the division it names most, at the level it speaks of.
        (SELF + BODY + "婺源县推进执法改革，婺源县完成清单编制，上饶市检查组肯定了婺源县做法。\n",
         None, "婺源县", "body"),
        # Only the file name: a Chinese name that is not a title, or pinyin with a suffix.
        (SELF + BODY, "临泽县司法局工作材料.docx", "临泽县", "filename"),
        (SELF + "平遥古城保护执法有力。\n" + BODY, "pingyao-xian-2022.docx", "平遥县", "filename_pinyin"),
        # Shared pinyin (婺源 / 五原): the one the text names.
        (SELF + "婺源生态执法有序。\n" + BODY, "wuyuan-2021.pdf", "婺源县", "filename_pinyin"),
        # An 索引号 holding the issuer's division code: a credit code, or a leading code.
        ("索引号：11620723MB1234567X/2023-00012\n" + SELF + BODY, None, "临泽县", "index_code"),
        ("索 引 号：140728/2023-00012\n" + SELF + BODY, None, "平遥县", "index_code"),
        # An autonomous county written short.
        ("马边县2022年法治政府建设情况报告\n" + SELF + BODY, None, "马边彝族自治县", "title"),
    ],
)
def test_region_from_each_signal(text: str, filename: str | None, region: str, source: str) -> None:
    meta = detect_metadata(text, raw=text, filename=filename)
    assert (meta.region, meta.sources.get("region")) == (region, source)


def test_a_province_prefix_in_the_index_names_no_region() -> None:
    meta = detect_metadata("索引号：620000/2023-00012\n" + SELF + BODY)
    assert meta.region is None


def test_a_province_named_first_is_dropped_when_the_report_speaks_as_a_county_and_names_none() -> None:
    meta = detect_metadata("2022年，在四川省委、省政府坚强领导下，" + SELF + BODY)
    assert meta.region is None  # no region rather than the province


@pytest.mark.parametrize(
    ("signature", "issuer_level"),
    [
        ("临泽县司法局", "department"),
        ("临泽县人民政府", "government"),
        ("中共临泽县委 临泽县人民政府", "government"),
        ("临泽县沙河镇人民政府", "town"),
        ("临泽县城关街道办事处", "sub_district"),
        ("中共临泽县委", "party"),
    ],
)
def test_issuer_level(signature: str, issuer_level: str) -> None:
    meta = detect_metadata(SELF + BODY + f"{signature}\n2023年1月10日\n")
    assert (meta.issuer, meta.issuer_level, meta.region) == (signature, issuer_level, "临泽县")


@pytest.mark.parametrize(
    ("chrome", "issuer", "published", "doc_number"),
    [
        ("发布机构：县府办 公开日期：2023-02-14", "临泽县府办", "2023-02-14", None),
        # 来源 is the page's source office, not the issuer (test_source_office_is_its_own_field).
        ("来源：临泽县人民政府办公室 发布时间：2024-03-28", None, "2024-03-28", None),
        ("发布机构：临泽县人民政府办公室 发布时间：2024-03-28", "临泽县人民政府办公室", "2024-03-28", None),
        ("今天是：2019年10月31日\n更新时间：2021/03/29", None, "2021-03-29", None),
        ("今天是：2019年10月31日", None, None, None),
        ("文号：临政发〔2023〕5号 发布机构：", None, None, "临政发〔2023〕5号"),
        ("来源：本网", None, None, None),
    ],
)
def test_issuer_and_dates_from_page_chrome(chrome: str, issuer: str | None, published: str | None,
                                           doc_number: str | None) -> None:
    text = chrome + "\n临泽县2022年法治政府建设情况报告\n" + SELF + BODY
    meta = detect_metadata(text, raw=text)
    assert (meta.issuer, meta.published, meta.doc_number) == (issuer, published, doc_number)
    if issuer:
        assert meta.sources["issuer"] == "chrome"


@pytest.mark.parametrize(
    ("chrome", "published"),
    [
        ("发布日期：2025-09-05", "2025-09-05"),
        ("发布时间：2025-09-05 10:30:00", "2025-09-05"),
        ("时间：2025/09/05", "2025-09-05"),
        ("日期：2025年09月05日", "2025-09-05"),
        ("公开日期：2025年9月5日", "2025-09-05"),
        # The written date stands in only when the page gives no posting date.
        ("成文日期：2025-09-01", "2025-09-01"),
        ("成文日期：2025-09-01 发布日期：2025-09-05", "2025-09-05"),
    ],
)
def test_posting_date_however_the_chrome_writes_it(chrome: str, published: str) -> None:
    text = chrome + "\n临泽县2022年法治政府建设情况报告\n" + SELF + BODY
    assert detect_metadata(text, raw=text).published == published


@pytest.mark.parametrize(
    ("chrome", "issuer", "source_office"),
    [
        ("来源：临泽县司法局 发布时间：2024-03-28", None, "临泽县司法局"),
        ("信息来源：临泽县人民政府办公室", None, "临泽县人民政府办公室"),
        ("发布机构：临泽县司法局 来源：临泽县人民政府办公室", "临泽县司法局", "临泽县人民政府办公室"),
        ("来源：临泽县人民政府网", None, None),  # a site, not an office
    ],
)
def test_source_office_is_its_own_field(chrome: str, issuer: str | None, source_office: str | None) -> None:
    text = chrome + "\n临泽县2022年法治政府建设情况报告\n" + SELF + BODY
    meta = detect_metadata(text, raw=text)
    assert (meta.issuer, meta.source_office) == (issuer, source_office)


def test_the_signature_wins_over_chrome() -> None:
    text = "来源：临泽县司法局\n临泽县2022年法治政府建设情况报告\n" + SELF + BODY + "临泽县人民政府\n2023年1月10日\n"
    meta = detect_metadata(text, raw=text)
    assert (meta.issuer, meta.sources["issuer"]) == ("临泽县人民政府", "signature")


@pytest.mark.parametrize(
    ("text", "filename", "kind"),
    [
        ("临泽县2022年政府信息公开工作年度报告\n" + SELF + BODY, None, "政府信息公开"),
        ("一、总体情况\n本年度我县推进公开。\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n", None,
         "政府信息公开"),
        ("临泽县2022年法治政府建设情况报告\n" + SELF + BODY, None, "法治政府建设"),
        ("临泽县2022年度安全生产工作情况报告\n" + SELF + BODY, None, "其他"),
        (SELF + BODY, "临泽县2022年政府信息公开年度报告.pdf", "政府信息公开"),
        # The short title pages give (…信息公开年报), and an opening without its title whose first part is the
        # national format's (一)主动公开.
        ("临泽县2022年政府信息公开年报\n" + SELF + BODY, None, "政府信息公开"),
        ("一、总体情况\n2022年，县政府办公室依据条例推进公开。\n(一)主动公开。全年主动公开信息130条。\n", None,
         "政府信息公开"),
    ],
)
def test_report_kind(text: str, filename: str | None, kind: str) -> None:
    assert detect_metadata(text, filename=filename).kind == kind


@pytest.mark.parametrize(
    ("text", "filename", "year", "source"),
    [
        ("今年以来，我县坚持依法行政。\n一、主要举措\n落实2021年度法治政府建设工作要点。\n", None, 2021, "body"),
        ("今年以来，我县坚持依法行政。\n一、主要举措\n内容。\n", "linze-2018.pdf", 2018, "filename"),
    ],
)
def test_year_from_body_and_filename(text: str, filename: str | None, year: int, source: str) -> None:
    meta = detect_metadata(text, filename=filename)
    assert (meta.year, meta.sources["year"]) == (year, source)


def test_confidence_follows_the_source() -> None:
    titled = detect_metadata("临泽县2022年法治政府建设情况报告\n" + SELF + BODY)
    from_body = detect_metadata(SELF + BODY + "婺源县推进执法改革，婺源县完成清单编制。\n")
    assert titled.confidence["region"] > 0.9
    assert from_body.confidence["region"] < 0.7


# A prefecture's report to its province (吉林 四平), and a township sharing a district's short name (新华).
_TO_PROVINCE = ("2023年，在吉林省委、省政府的坚强领导下，我市深入学习贯彻习近平法治思想，"
                "四平市法治政府建设取得新成效。\n"
                "一、主要工作\n我市坚持依法行政，全省考核中四平市位列前茅。全省推进会在我市召开，全省示范创建我市入选。\n"
                "二、存在问题\n对标全省要求仍有差距。\n")


@pytest.mark.parametrize("addressee", ["中共吉林省委、吉林省人民政府："])
def test_a_report_addressed_to_its_province_is_the_citys(addressee: str) -> None:
    meta = detect_metadata("2023年度法治政府建设情况报告\n" + addressee + "\n" + _TO_PROVINCE)
    assert (meta.region, meta.province) == ("四平市", "吉林省")
    assert meta.addressee == addressee.rstrip("：")


_TOWNSHIP = "2023年法治政府建设工作报告\n2023年，我乡深入推进法治政府建设。\n" + BODY


@pytest.mark.parametrize(
    ("signature", "filename"),
    [
        ("新华乡人民政府", "xinhuaxiang-2023.txt"),
        ("新华镇人民政府", "xinhua-zhen-2023.docx"),
    ],
)
def test_a_town_sharing_a_districts_short_name_is_not_that_district(signature: str, filename: str) -> None:
    meta = detect_metadata(_TOWNSHIP + f"{signature}\n2024年1月10日\n", filename=filename)
    assert meta.region is None  # empty rather than a 新华区 of another province
    assert meta.issuer == signature



def test_a_province_named_only_in_a_document_title_is_not_the_subject() -> None:
    """《湖北省…实施方案》 names a plan; the report (no title line, "我市") is the file's city, not the province."""
    text = ("省政府、市委、市人大:\n2019年,我市以《湖北省法治政府建设实施方案(2016-2020年)》为统领,推进依法行政,"
            "全年办理行政复议案件42件。\n一、依法全面履行政府职能\n我市完成权责清单调整。\n")
    meta = detect_metadata(text, filename="xiaogan-2019.txt")
    assert meta.region == "孝感市"

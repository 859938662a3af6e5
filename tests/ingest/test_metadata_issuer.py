"""Who issued a report when no signature says so: the title, page chrome, or "现将…报告如下" (ingest/metadata/).

Reports written for these tests from real divisions (湖南 醴陵, 浙江 德清/长兴/安吉, 江苏 南京 宁海路街道);
none comes from a gold set."""

from __future__ import annotations

import pytest

from ingest.metadata import detect_metadata

BODY = "一、主要工作\n全年办理行政复议案件12件。\n二、存在问题\n基层力量不足。\n"


@pytest.mark.parametrize(
    ("text", "issuer", "source", "level"),
    [
        ("醴陵市人民政府关于2024年法治政府建设情况的报告\n株洲市人民政府：\n2024年，我市坚持依法行政。\n" + BODY,
         "醴陵市人民政府", "title", "government"),
        ("安吉县教育局2023年度政府信息公开工作年度报告\n2023年，安吉县教育局主动公开政府信息215条。\n" + BODY,
         "安吉县教育局", "title", "department"),
        ("长兴县人民政府政府信息公开工作年度报告\n2021年，我县主动公开政府信息。\n" + BODY,
         "长兴县人民政府", "title", "government"),
        # A title whose subject is a 街道 or a town: its 街道办事处 or 人民政府 issued it.
        ("宁海路街道2023年法治政府建设工作报告\n2023年，宁海路街道坚持依法行政。\n" + BODY,
         "宁海路街道办事处", "title", "sub_district"),
        ("递铺镇2023年法治政府建设工作报告\n2023年，递铺镇坚持依法行政。\n" + BODY,
         "递铺镇人民政府", "title", "town"),
        ("根据要求。\n现将德清县人民政府2023年法治政府建设情况报告如下：\n" + BODY,
         "德清县人民政府", "report_as_follows", "government"),
        ("发布机构：攸县司法局 发布时间：2026-01-15\n2025年，攸县坚持依法行政。\n" + BODY,
         "攸县司法局", "chrome", "department"),
        # 来源 names the page's source office, not the issuer.
        ("来源：攸县司法局 发布时间：2026-01-15\n2025年，攸县坚持依法行政。\n" + BODY, None, None, None),
        # "现将本局…报告如下": a self-reference is no name; the 发布机构 names the body.
        ("现将本局2023年法治政府建设工作情况报告如下：\n2023年，攸县坚持依法行政。\n" + BODY, None, None, None),
        ("发布机构：攸县司法局\n现将本局2023年法治政府建设工作情况报告如下：\n2023年，攸县坚持依法行政。\n" + BODY,
         "攸县司法局", "chrome", "department"),
        ("现将我办2023年政府信息公开工作年度报告如下：\n" + BODY + "攸县人民政府办公室\n2024年1月20日\n",
         "攸县人民政府办公室", "signature", "government"),
        # The body that compiled it, the body naming itself before 本年度报告, the opening sentence's subject.
        ("攸县2023年政府信息公开工作年度报告\n本报告由攸县政务服务中心根据《条例》要求编制。\n" + BODY,
         "攸县政务服务中心", "compiled", "department"),
        ("本年度报告依据《条例》编制而成。攸县联星办事处本年度报告所用数据的统计期限为2023年全年。\n" + BODY,
         "攸县联星办事处", "self_named", "sub_district"),
        ("2023年，攸县司法局在县委、县政府领导下，坚持依法行政。\n" + BODY, "攸县司法局", "opening_subject",
         "department"),
        # Under a heading line, the body compiling "本年度报告" by the rules; a city bureau's branch is its district's.
        ("引 言\n北京市公安局朝阳分局依据《条例》编写了本年度报告。\n" + BODY, "北京市公安局朝阳分局",
         "opening_subject", "department"),
        # The opening's subject is a place, not a body: no issuer.
        ("2023年，攸县坚持依法行政，成效明显。\n" + BODY, None, None, None),
        # A title led by the region alone names no issuer.
        ("醴陵市2024年法治政府建设情况报告\n2024年，我市坚持依法行政。\n" + BODY, None, None, None),
    ],
)
def test_issuer_without_a_signature(text: str, issuer: str | None, source: str | None, level: str | None) -> None:
    meta = detect_metadata(text, raw=text)
    assert (meta.issuer, meta.sources.get("issuer"), meta.issuer_level) == (issuer, source, level)


def test_a_signature_still_wins_over_the_title() -> None:
    text = ("醴陵市人民政府关于2024年法治政府建设情况的报告\n2024年，我市坚持依法行政。\n" + BODY
            + "中共醴陵市委 醴陵市人民政府\n2025年1月20日\n")
    meta = detect_metadata(text)
    assert (meta.issuer, meta.sources["issuer"]) == ("中共醴陵市委 醴陵市人民政府", "signature")


def test_a_report_speaking_as_本街道_is_its_place_s_body() -> None:
    # Written for this test (福建 鼓楼区 东街街道): no title, no signature; the report calls itself 本街道 and names
    # its office once, which places it.
    text = ("一、总体情况\n本年度报告依照《条例》要求，并结合本街道2020年度的政府信息公开工作情况编制。\n"
            "2020年，本街道借助福州市鼓楼区人民政府东街街道办事处网站主动公开政府信息120条。\n")
    meta = detect_metadata(text, raw=text)
    assert (meta.region, meta.issuer, meta.issuer_level) == ("鼓楼区", "东街街道办事处", "sub_district")


# Page chrome run into the issuer's name (a site's 无障碍 or 关爱版 button, a column's 政府信息公开 or 主动公开, a
# chrome label's 有效性), a year before it, or a body named by its level alone (市人民政府, 县司法局, 省卫生健康委):
# the issuer is the body itself, its place named as the report's own region, city or province is.
@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        ("无障碍湘潭县人民政府办公室2023年政府信息公开工作年度报告\n2023年，湘潭县主动公开政府信息。\n" + BODY,
         "湘潭县人民政府办公室"),
        ("关爱版韶山市人民政府关于2024年法治政府建设情况的报告\n2024年，我市坚持依法行政。\n" + BODY,
         "韶山市人民政府"),
        ("政府信息公开湘潭市人民政府2023年政府信息公开工作年度报告\n2023年，湘潭市主动公开政府信息。\n" + BODY,
         "湘潭市人民政府"),
        ("发布机构：有效性湘潭市湘潭县司法局\n2025年，湘潭县坚持依法行政。\n" + BODY, "湘潭市湘潭县司法局"),
        ("2022年湘潭县教育局政府信息公开工作年度报告\n2022年，湘潭县教育局主动公开信息。\n" + BODY, "湘潭县教育局"),
        ("主动公开花石镇人民政府2023年法治政府建设工作报告\n2023年，湘潭县花石镇坚持依法行政。\n" + BODY,
         "花石镇人民政府"),
        ("湘潭市2023年法治政府建设情况报告\n2023年，湘潭市坚持依法行政。\n" + BODY + "市人民政府\n2024年1月30日\n",
         "湘潭市人民政府"),
        ("湘潭县2023年法治政府建设工作报告\n2023年，湘潭县司法局坚持依法行政，全县办案有力。\n" + BODY
         + "县司法局\n2024年2月1日\n", "湘潭县司法局"),
        ("湖南省2021年卫生健康政府信息公开工作年度报告\n2021年，湖南省卫生健康系统主动公开信息。\n" + BODY
         + "省卫生健康委\n2022年1月25日\n", "湖南省卫生健康委"),
        # A body beginning with its place stays as signed; a co-signed pair keeps both.
        ("湘潭市2023年法治政府建设情况报告\n" + BODY + "中共湘潭市委 湘潭市人民政府\n2024年1月30日\n",
         "中共湘潭市委 湘潭市人民政府"),
    ],
)
def test_issuer_without_page_chrome_or_bare_level(text: str, issuer: str) -> None:
    assert detect_metadata(text, raw=text).issuer == issuer


def test_issuer_compiling_after_the_rules_clause() -> None:
    # "依照《条例》…的规定，X汇总…编成本年度报告": the body after the rules clause compiled it.
    text = ("一、总体情况\n依照《中华人民共和国政府信息公开条例》的规定，湘潭市政务公开工作领导小组办公室汇总各区、"
            "市直各部门2021年度政府信息公开工作年度报告，编成本年度报告。\n" + BODY)
    meta = detect_metadata(text, raw=text)
    assert (meta.issuer, meta.region, meta.issuer_level) == ("湘潭市政务公开工作领导小组办公室", "湘潭市", "government")


def test_a_body_line_set_over_the_title() -> None:
    # A town's report whose page sets the body's name over a title without a place.
    text = "花石镇人民政府\n2025年法治政府建设情况\n2025年，花石镇以习近平法治思想为指导，推进依法行政。\n" + BODY
    meta = detect_metadata(text, raw=text)
    assert (meta.issuer, meta.sources.get("issuer"), meta.issuer_level) == ("花石镇人民政府", "above_title", "town")


@pytest.mark.parametrize("name", ["银杏大街街道办事处", "大中街道办事处", "花石镇人民政府"])
def test_a_townships_own_name_is_never_cut(name: str) -> None:
    # A 街道's own name may end in another township's (银杏大街街道 holds 大街街道): only page chrome is cut.
    text = name + "\n2025年法治政府建设情况\n2025年，本街道坚持依法行政。\n" + BODY
    assert detect_metadata(text, raw=text).issuer == name


def test_a_bare_ending_names_no_issuer() -> None:
    text = "2025年，本街道坚持依法行政。现将街道2025年度法治政府建设的工作情况报告如下：\n" + BODY
    assert detect_metadata(text, raw=text).issuer is None

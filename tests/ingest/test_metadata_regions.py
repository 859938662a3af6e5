"""Regions of reports that name them indirectly (ingest/metadata/): county-rank functional areas, sub-districts
and townships filed under their district or county, shared district names resolved by the city named elsewhere.

Reports written for these tests from real divisions (吉林 长春, 河北 秦皇岛, 福建 福州, 湖南 攸县, 浙江 安吉, 河南 洛阳,
湖南 桃源, 安徽 合肥, 浙江 义乌, 山西 晋城);
none comes from a gold set."""

from __future__ import annotations

import pytest

from ingest.metadata import detect_metadata

UNDER_DISTRICT = "2023年，在区委、区政府的坚强领导下，{}坚持依法行政。\n"
BODY = "一、主要工作\n稳步推进依法行政。\n二、存在问题\n基层力量不足。\n"
SELF_DISTRICT = "2023年，全区坚持依法行政，我区法治建设稳步推进，全区形成合力，我区成效明显。\n"


@pytest.mark.parametrize(
    ("text", "filename", "region", "city"),
    [
        # County-rank functional areas (开发区, 新区) are regions of their own.
        ("长春净月高新技术产业开发区2023年法治政府建设情况报告\n" + SELF_DISTRICT + BODY, None,
         "长春净月高新技术产业开发区", "长春市"),
        ("北戴河新区管委会关于2023年法治政府建设工作情况的报告\n" + SELF_DISTRICT + BODY, None,
         "北戴河新区", "秦皇岛市"),
        # A 街道 whose district the body calls only 区委、区政府: the site name, 来源, or the file name.
        ("福州市鼓楼区人民政府网站\n当前位置：首页 > 政务公开\n东街街道2023年法治政府建设工作报告\n"
         + UNDER_DISTRICT.format("东街街道") + BODY, None, "鼓楼区", "福州市"),
        ("来源：福州市鼓楼区东街街道办事处 发布时间：2024-01-20\n" + UNDER_DISTRICT.format("东街街道") + BODY, None,
         "鼓楼区", "福州市"),
        (UNDER_DISTRICT.format("东街街道") + BODY, "福州市鼓楼区东街街道2023年法治政府建设报告.docx",
         "鼓楼区", "福州市"),
        # A 街道 named like its district, the city named elsewhere: that city's district, not the city.
        ("鼓楼街道2023年法治政府建设工作报告\n" + UNDER_DISTRICT.format("鼓楼街道") + "按照福州市委部署推进。\n" + BODY,
         None, "鼓楼区", "福州市"),
        # A name too common to be read from free text (城中区), in the title: resolved by the city named.
        ("城中区人民政府关于2023年法治政府建设情况的报告\n2023年，我区在西宁市委、市政府坚强领导下坚持依法行政，"
         "全区推进，我区成效明显。\n" + BODY, None, "城中区", "西宁市"),
        # A township's report: its county, named in the body or with the township in the signature.
        ("递铺镇2023年法治政府建设情况报告\n2023年，在安吉县委、县政府的坚强领导下，我镇坚持依法行政，"
         "全镇推进。\n" + BODY,
         None, "安吉县", "湖州市"),
        ("2023年，我镇坚持依法行政，全镇推进，按照安吉县委部署落实。\n" + BODY + "安吉县递铺镇人民政府\n2024年1月5日\n",
         None, "安吉县", "湖州市"),
        # A 街道's or town's report that never names its district or county: the township table places it
        # (data/gazetteer_towns.csv), a shared name narrowed by the city the text names.
        ("塔湾街道2023年法治政府建设工作报告\n" + UNDER_DISTRICT.format("塔湾街道") + BODY, None,
         "瀍河回族区", "洛阳市"),
        ("桃花源镇人民政府\n2023年法治政府建设情况\n2023年，我镇坚持依法行政，全镇推进。\n" + BODY, None,
         "桃源县", "常德市"),
        ("五里墩街道2023年法治政府建设工作报告\n" + UNDER_DISTRICT.format("五里墩街道") + "落实合肥市部署。\n" + BODY,
         None, "蜀山区", "合肥市"),
        # A 街道 writing itself short (五凤街 for 五凤街道, as pages do): counted only with its district or city named.
        ("一、总体情况\n2023年，五凤街坚持依法行政，依照市、区部署推进。\n" + BODY + "鼓楼区门户网站公开信息。\n", None,
         "鼓楼区", "福州市"),
        # Addressed to its own county-level city (the 街道 reports to it): the addressee does not rule it out.
        ("义乌市委、市政府：\n2023年，稠江街道坚持依法行政，工作推进情况报告如下：\n" + BODY, None, "义乌市", "金华市"),
        # An everyday-word name (城区) opening the title with its organ: the division, resolved by the city named.
        ("城区司法局2023年法治政府建设年度报告\n2023年，我局在晋城市委、市政府领导下推进依法行政。\n" + BODY, None,
         "城区", "晋城市"),
    ],
)
def test_region(text: str, filename: str | None, region: str, city: str) -> None:
    meta = detect_metadata(text, raw=text, filename=filename)
    assert (meta.region, meta.city) == (region, city)


def test_a_townships_report_is_issued_by_the_township() -> None:
    text = ("2023年，我镇坚持依法行政，全镇推进，按照安吉县委部署落实。\n" + BODY
            + "安吉县递铺镇人民政府\n2024年1月5日\n")
    meta = detect_metadata(text)
    assert (meta.region, meta.issuer, meta.issuer_level) == ("安吉县", "安吉县递铺镇人民政府", "town")


@pytest.mark.parametrize(
    ("text", "region"),
    [
        # No title, no chrome: the county the body names, though the city is named more often.
        ("今年以来，我们坚持依法行政，全县推进。\n" + BODY
         + "安吉县推进执法改革，按照湖州市部署，湖州市检查，湖州市考核，安吉县完成清单编制。\n", "安吉县"),
        # Named once, the only county-level division named, in a report that speaks of itself as a county.
        ("今年以来，全县坚持依法行政，我县推进，全县合力，我县成效。\n" + BODY + "安吉县推进执法改革。\n", "安吉县"),
        # Named once, inside the city the addressee line names.
        ("中共湖州市委、湖州市人民政府：\n今年以来，我们坚持依法行政，全县推进。\n" + BODY + "安吉县推进执法改革。\n",
         "安吉县"),
        # Named once, in a report that speaks of itself as 我县 and of its province as 全省 (a title it was given):
        # the first-person voice is its own level.
        ("2023年，我县坚持依法行政，获评全省法治政府建设示范县。\n" + BODY + "我县举办安吉县干部培训班。\n", "安吉县"),
        # A prefecture that writes its everyday two-character name (博州 for 博尔塔拉蒙古自治州).
        ("2023年，博州党委、政府坚持依法行政。法治政府建设工作现报告如下：\n" + BODY, "博尔塔拉蒙古自治州"),
        # A street-like short name (五凤街) with neither its district nor its city named: not placed.
        ("一、总体情况\n2023年，五凤街坚持依法行政，依照市、区部署推进。\n" + BODY, None),
        # A city bureau's branch named after the district it serves: the district, not the city.
        ("引 言\n北京市公安局朝阳分局依据《条例》编写了本年度报告。全市公开工作推进。\n" + BODY, "朝阳区"),
        # Two counties named once each: nothing decides.
        ("今年以来，全县坚持依法行政，我县推进，全县合力。\n" + BODY + "安吉县推进执法改革，学习德清县经验。\n", None),
    ],
)
def test_region_from_the_body(text: str, region: str | None) -> None:
    assert detect_metadata(text, raw=text).region == region

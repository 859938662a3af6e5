"""Questions about the collection and the gazetteer: where a division lies (held or not, a county of a 地区,
自治州 or 盟), which reports of a province or a year the collection holds, and a sub-district's own report;
Chinese and English.

Reports written for these tests (甘肃 渭源 and 临夏市, 吉林 宁江区 城东街道); none comes from a gold set."""

from __future__ import annotations

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import english_only, texts_service

BODY = "一、主要举措\n全年办理行政复议案件12件。\n二、存在问题\n基层力量不足。\n"
REPORTS = {
    "weiyuan-2019.txt": "渭源县人民政府2019年政府信息公开工作年度报告\n" + BODY,
    "weiyuan-2020.txt": "渭源县人民政府2020年政府信息公开工作年度报告\n" + BODY,
    "linxia-2019.txt": "临夏市人民政府2019年法治政府建设情况报告\n" + BODY,
    "chengdong.txt": "发布机构：宁江区人民政府办公室 来源：城东街道\n城东街道2023年法治政府建设工作报告\n"
                     "2023年，城东街道坚持依法行政。\n" + BODY,
    "ningjiang.txt": "宁江区人民政府2023年法治政府建设情况报告\n2023年，宁江区指导城东街道、伯都乡推进执法。\n" + BODY,
}

service = texts_service(REPORTS)


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        # A county of a 地区, 自治州 or 盟 the collection holds no report of: its unit and province, said so.
        ("叶城是哪个地区的", ["喀什地区", "新疆维吾尔自治区", "没有叶城县的报告"], ["渭源"]),
        ("和静县属于哪个州？", ["巴音郭楞蒙古自治州"], ["渭源", "临夏"]),
        ("阿拉善左旗是哪个盟的", ["阿拉善盟", "内蒙古自治区"], []),
        ("Which prefecture is Hejing County in?", ["Autonomous Prefecture", "巴音郭楞蒙古自治州", "Xinjiang"], []),
        ("Which league and region is Zhengxiangbai Banner part of?", ["锡林郭勒盟", "内蒙古自治区"], []),
        # A held region: once, not once per report.
        ("渭源是哪个地区的", ["渭源县属于甘肃省定西市"], ["2019", "2020"]),
        ("临夏市是哪个州的", ["临夏回族自治州"], []),
        ("Which city and province is Weiyuan in?", ["Dingxi City", "Gansu Province"], ["2019 report"]),
    ],
)
def test_where_a_division_lies(service: Service, question: str, expected: list[str], absent: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and r.route == "metadata", r.answer
    for part in expected:
        assert part in r.answer, r.answer
    for part in absent:
        assert part not in r.answer, r.answer


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        ("库里甘肃的报告有哪些", ["渭源县2019年", "渭源县2020年", "临夏市2019年"], ["宁江区"]),
        ("库里有哪些吉林的报告？", ["宁江区"], ["渭源"]),
        ("库里河北的报告有哪些", ["没有来自河北省的报告"], ["渭源", "宁江"]),
        ("Which reports from Gansu are in the collection?", ["Weiyuan County (渭源县), 2019 report"], ["Ningjiang"]),
        ("Which 2019 reports does the collection hold?",
         ["Weiyuan County (渭源县), 2019 report", "Linxia City (临夏市), 2019 report"], ["2020", "2023"]),
        ("收录了哪些2019年的报告", ["渭源县2019年", "临夏市2019年"], ["2020年"]),
    ],
)
def test_reports_of_a_province_or_a_year(service: Service, question: str, expected: list[str],
                                         absent: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and r.route == "metadata", r.answer
    for part in expected:
        assert part in r.answer, r.answer
    for part in absent:
        assert part not in r.answer, r.answer
    if question.isascii():
        assert english_only(r.answer), r.answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # A sub-district's own report, posted by its district's office: issued by the sub-district, the office
        # that posted it said apart.
        ("城东街道那个年报是谁出的 哪个区的", ["城东街道办事处", "宁江区人民政府办公室", "宁江区", "松原市"]),
        ("Which district is Chengdong Subdistrict in?", ["Ningjiang District (宁江区)"]),
        # A township only the district's report names: placed from that report's region.
        ("伯都乡是哪个区的？", ["宁江区"]),
    ],
)
def test_a_place_below_county(service: Service, question: str, expected: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable, r.answer
    for part in expected:
        assert part in r.answer, r.answer


def test_a_sub_districts_report_knows_its_issuer_and_level(service: Service) -> None:
    doc = next(d for d in service.store.list_documents() if d.source == "chengdong.txt")
    assert (doc.region, doc.issuer, doc.issuer_level) == ("宁江区", "城东街道办事处", "sub_district")
    assert doc.provenance["publisher"] == {"source": "chrome", "confidence": 0.85, "value": "宁江区人民政府办公室"}


def test_a_regions_english_name_asks_no_field(service: Service) -> None:
    r = service.ask(AskRequest(question="Which year does Linxia City's report cover?"))
    assert r.answerable and "2019" in r.answer and "city:" not in r.answer, r.answer


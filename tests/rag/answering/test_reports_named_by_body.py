"""A department's, 街道's or town's report is named by its body in answers, Chinese and English; a report's
date is written as the page's information bar prints it; an English question finds a division by its
established English name (兴安盟: Hinggan League) as by its pinyin; two report fields asked together are both
answered.

Reports written for these tests (内蒙古 兴安盟/阿尔山, 黑龙江 五常); none comes from a gold set."""

from __future__ import annotations

import pytest

from rag.answering.format import body_of, label
from rag.domain.gazetteer import load_gazetteer
from rag.schema import AskRequest, Document
from rag.service import Service
from tests.conftest import texts_service

REPORTS = {
    "arxan-jyj.txt": "发布机构：阿尔山市教育局 发布日期：2025-01-20\n阿尔山市教育局2024年政府信息公开工作年度报告\n"
                     "一、总体情况\n2024年，本局主动公开政府信息312条。\n二、收到和处理政府信息公开申请情况\n"
                     "本年共收到政府信息公开申请7件。\n",
    "arxan.txt": "阿尔山市人民政府2024年法治政府建设年度报告\n一、主要举措\n全年办理行政复议案件11件。\n"
                 "二、存在问题\n基层执法力量不足。\n阿尔山市人民政府\n2025年1月15日\n",
    "hinggan.txt": "兴安盟行政公署办公室2024年政府信息公开工作年度报告\n一、总体情况\n2024年，主动公开信息2010条。\n",
    "wuchang.txt": "发布机构：五常市人民政府办公室 发布日期：2025年02月03日\n五常市2024年政府信息公开工作年度报告\n"
                   "报告数据的统计期限为2024年1月1日起至2024年12月31日止。\n一、总体情况\n全年主动公开信息880条。\n",
    # No title or signature: the opening's subject, after its 在…下 clause, is the bureau.
    "lixin-sfj.txt": "2023年以来,在县委、县政府的坚强领导下,县司法局始终以法治思想为指引,推进利辛县法治政府建设。\n"
                     "一、主要举措\n全年开展法治宣讲128场次，办理法律援助案件310件。\n"
                     "二、存在问题\n利辛县基层法治力量不足。\n",
}

service = texts_service(REPORTS)


def doc(**fields) -> Document:
    return Document(doc_id="d", source="d.txt", sha256="0", **fields)


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"region": "兖州区", "issuer": "济宁市兖州区司法局", "issuer_level": "department", "year": 2025},
         "兖州区司法局2025年"),
        ({"region": "甘州区", "issuer": "北街街道办事处", "issuer_level": "sub_district", "year": 2025},
         "甘州区北街街道办事处2025年"),
        ({"region": "辽宁省", "issuer": "省卫生健康委", "issuer_level": "department", "year": 2020},
         "辽宁省卫生健康委2020年"),
        # A government's own report keeps its region's name; a name with digits in it is no clean name.
        ({"region": "普兰县", "issuer": "普兰县人民政府", "issuer_level": "government", "year": 2025}, "普兰县2025年"),
        ({"region": "辽宁省", "issuer": "2020年省卫生健康委", "issuer_level": "department", "year": 2020},
         "辽宁省2020年"),
    ],
)
def test_a_report_is_named_by_its_body(fields: dict, named: str) -> None:
    assert label(doc(**fields)) == named


def test_no_body_without_a_region() -> None:
    assert body_of(doc(issuer="教育局", issuer_level="department")) is None


@pytest.mark.parametrize(("english", "name"), [("Hinggan", "兴安盟"), ("Burang", "普兰县"), ("Otog", "鄂托克旗"),
                                               ("Kashgar", "喀什地区"), ("Tibet", "西藏自治区")])
def test_established_english_names(english: str, name: str) -> None:
    assert name in [d.name for d in load_gazetteer().by_pinyin(english.lower())]
    assert english in load_gazetteer().english_of(name)


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        # The bureau's report answers under its own name, not as the city's.
        ("阿尔山教育局24年收到几个信息公开申请", ["阿尔山市教育局", "7"], []),
        ("How many information requests did the Arxan education bureau receive in 2024?",
         ["Education Bureau", "7"], []),
        # An English name that is not pinyin finds its region.
        ("Who issued the Hinggan League 2024 disclosure report?", ["兴安盟行政公署办公室"], ["collection"]),
        # A date read from the information bar, as the page prints it; a signature's date in words.
        ("阿尔山教育局的年报是哪天发布的", ["2025-01-20"], ["2025年1月20日"]),
        ("阿尔山市的法治政府建设报告落款日期是哪天", ["2025年1月15日"], []),
        # Two fields asked together: both answered.
        ("When was the Wuchang 2024 report posted, and what period do its figures cover?",
         ["2025-02-03", "2024-01-01 to 2024-12-31"], []),
        ("五常市的年报统计的是哪段时间的数", ["2024年1月1日至2024年12月31日"], []),
        # The bureau's own report found from its opening's subject: its figures are the bureau's.
        ("利辛司法局23年搞了多少场法治宣讲", ["利辛县司法局", "128"], ["不是"]),
        ("Who is the Wuchang 2024 report addressed to?", ["does not state its addressee"], []),
    ],
)
def test_report_questions(service: Service, question: str, expected: list[str], absent: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    for part in expected:
        assert part in r.answer, r.answer
    for part in absent:
        assert part not in r.answer, r.answer

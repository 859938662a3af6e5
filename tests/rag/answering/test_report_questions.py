"""Questions about a report answered from its catalogue fields, wherever ingest read them (title, chrome,
"现将…报告如下"), two fields at once, and where a 街道 that issued a report lies; Chinese and English.

The reports are written for these tests from real divisions (湖南 醴陵/攸县, 浙江 德清, 江苏 南京 宁海路街道);
none comes from a gold set."""

from __future__ import annotations

import pytest

from rag.answering.report_fields import body_en
from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import texts_service

BODY = "一、主要工作\n全年办理行政复议案件12件。\n二、存在问题\n基层力量不足。\n三、下一步打算\n持续推进依法行政。\n"
REPORTS = {
    "liling.txt": "醴陵市人民政府关于2024年法治政府建设情况的报告\n株洲市人民政府：\n"
                  "2024年，我市坚持依法行政。\n" + BODY,
    "youxian.txt": "来源：攸县司法局 发布时间：2026-01-15\n2025年，攸县坚持依法行政，我县法治建设稳步推进。"
                   "全县上下形成合力，我县成效明显。\n" + BODY + "攸县持续推进。\n",
    "deqing.txt": "根据要求。\n现将德清县人民政府2023年法治政府建设情况报告如下：\n" + BODY
                  + "我县推进，全县形成合力，我县成效明显。\n",
    "ninghailu.txt": "索引号：11320106MB0000000X/2024-00003 发布机构：宁海路街道办事处\n"
                     "宁海路街道2023年法治政府建设工作报告\n"
                     "2023年，在区委、区政府的坚强领导下，宁海路街道坚持依法行政。\n" + BODY,
}


service = texts_service(REPORTS)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # The issuer, and where it was read.
        ("醴陵市2024年的报告是谁出具的？", ["醴陵市人民政府", "取自报告标题"]),
        ("Who issued Liling's 2024 report?", ["Liling City People's Government (醴陵市人民政府)", "title"]),
        ("德清县2023年报告的落款单位是谁？", ["德清县人民政府", "现将"]),
        # Posting date and source office, both.
        # The posting date as the page prints it (发布时间：2026-01-15).
        ("攸县的报告是什么时候发布的，来源是哪个单位？", ["2026-01-15", "攸县司法局"]),
        ("When was Youxian's report posted, and which office is its source?",
         ["2026-01-15", "Youxian County Justice Bureau (攸县司法局)"]),
        # Province from the gazetteer, addressee from the addressee line.
        ("醴陵市属于哪个省，报告报送给谁？", ["湖南省", "株洲市人民政府"]),
        ("Which province is Liling in, and who was its report addressed to?",
         ["Hunan Province (湖南省)", "Zhuzhou City People's Government (株洲市人民政府)"]),
        # A sub-district that issued a report: its district (from the 索引号), city and province.
        ("宁海路街道在哪个区哪个市？", ["鼓楼区", "南京市", "江苏省"]),
        ("Where is Ninghailu Subdistrict?", ["Gulou District (鼓楼区)", "Nanjing City (南京市)"]),
        ("宁海路街道的报告是谁发布的？", ["宁海路街道", "取自报告标题"]),
    ],
)
def test_report_question(service: Service, question: str, expected: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable, r.answer
    for part in expected:
        assert part in r.answer, r.answer
    assert "未写明" not in r.answer and "not stated" not in r.answer


def test_a_field_no_signal_gave_is_still_said_to_be_missing(service: Service) -> None:
    r = service.ask(AskRequest(question="攸县的报告报送给谁？"))
    assert "未写明" in r.answer and "攸县" in r.answer


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("醴陵市人民政府", "Liling City People's Government (醴陵市人民政府)"),
        ("中共醴陵市委 醴陵市人民政府", "CPC Liling City Party Committee and Liling City People's Government"),
        ("宁海路街道办事处", "Ninghailu Subdistrict Office (宁海路街道办事处)"),
        ("攸县司法局", "Youxian County Justice Bureau (攸县司法局)"),
        ("某某协会", "某某协会"),  # a body whose English is not known keeps its Chinese name
    ],
)
def test_body_names_in_english(name: str, english: str) -> None:
    assert body_en(name).startswith(english)

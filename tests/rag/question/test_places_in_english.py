"""A 乡镇 or 街道 named in English by its pinyin ("Meizhu town", "Wanling Road sub-district") is read as the
reports write it and answered as the Chinese question would be; the place is found in a report's issuer,
the office its page gives as the source, or its title (rag/question/places.py).

Reports written for these tests (安徽 宣城 宣州区, 郎溪县); none comes from a gold set."""

from __future__ import annotations

import pytest

from rag.question.places import places_named
from rag.schema import AskRequest, Document
from rag.service import Service
from tests.conftest import numbers, texts_service

REPORTS = {
    "xuanzhou.txt": "宣州区2022年政府信息公开工作年度报告\n一、总体情况\n2022年，宣州区主动公开政府信息5120条。"
                    "收到政府信息公开申请64件。\n",
    "zz-aofeng.txt": "宣城市宣州区鳌峰街道2022年政府信息公开工作年度报告\n一、总体情况\n"
                     "2022年，鳌峰街道主动公开政府信息312条。收到政府信息公开申请3件。\n",
    "zz-wanling.txt": "宣城市宣州区宛陵路街道2022年政府信息公开工作年度报告\n一、总体情况\n"
                      "2022年，本街道主动公开政府信息275条。收到政府信息公开申请5件。\n",
    # No title, no signature: the 街道 is the subject of its opening and speaks as 本街道.
    "zz-jichuan.txt": "2022年，宣州区济川街道坚持以人民为中心推进政务公开。\n一、主动公开\n"
                      "本街道主动公开政府信息188条。收到政府信息公开申请4件。\n",
    "meizhu.txt": "来源：郎溪县梅渚镇人民政府\n2022年政府信息公开工作年度报告\n一、总体情况\n"
                  "2022年，本镇主动公开政府信息208条。收到政府信息公开申请2件。\n",
    "langxi.txt": "郎溪县2022年政府信息公开工作年度报告\n一、总体情况\n2022年，郎溪县主动公开政府信息4410条。"
                  "收到政府信息公开申请41件。\n",
}

service = texts_service(REPORTS)


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("梅渚镇2022年主动公开政府信息多少条？", "208"),  # named only by the page's 来源
        ("宣州区鳌峰街道2022年收到政府信息公开申请多少件？", "3"),  # the 街道's report, not the district's
        ("宣州区济川街道2022年主动公开政府信息多少条？", "188"),
        ("How many disclosure requests did Meizhu town receive in 2022?", "2"),
        ("How many disclosure requests did Meizhu Township receive in 2022?", "2"),
        ("How many disclosure requests did Aofeng Subdistrict in Xuanzhou receive in 2022?", "3"),
        ("How many disclosure requests did Wanling Road sub-district receive in 2022?", "5"),
    ],
)
def test_a_place_below_county_named_in_english_or_only_by_its_page(service: Service, question: str,
                                                                   figure: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and figure in numbers(r.answer.split("[")[0]), r.answer


def _doc(title: str | None = None, issuer: str | None = None, level: str | None = None,
         office: str | None = None) -> Document:
    provenance = {"source_office": {"source": "chrome", "confidence": 0.85, "value": office}} if office else {}
    return Document(doc_id="d", region="宣州区", source="d.txt", sha256="x", title=title, issuer=issuer,
                    issuer_level=level, provenance=provenance)


@pytest.mark.parametrize(
    ("question", "doc", "named"),
    [
        ("How many cases did Aofeng sub-district handle?", _doc("宣州区鳌峰街道2022年政府信息公开工作年度报告"),
         ["鳌峰街道"]),
        ("How many cases did Ao Feng Street handle?", _doc(issuer="鳌峰街道办事处", level="sub_district"),
         ["鳌峰街道"]),
        ("How many cases did Wanling Road subdistrict handle?", _doc("宛陵路街道2022年政府信息公开工作年度报告"),
         ["宛陵路街道"]),
        ("How many cases did Meizhu town handle?", _doc(office="郎溪县梅渚镇人民政府"), ["梅渚镇"]),
        ("How many cases did Meizhu town handle?", _doc("宣州区人民政府2022年政府信息公开工作年度报告",
                                                        issuer="宣州区人民政府", level="government",
                                                        office="郎溪县梅渚镇人民政府"), []),
    ],
)
def test_places_named_in_english(question: str, doc: Document, named: list[str]) -> None:
    assert [p.name for p in places_named(question, question, [doc])] == named

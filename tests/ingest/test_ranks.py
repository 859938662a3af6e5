"""Places a report states its body took (ingest/ranks.py): ordinals of an assessment as facts of their own,
never the ordinal of a batch, a time, a heading or a priority."""

from __future__ import annotations

import pytest

from ingest.ranks import ranks
from rag.domain.ranks import areas_named, asks_place, rank_unit

PLACES = [
    ("在全市综合考核中位列全市第2名，获评先进单位。", [("第2名", 2.0)]),
    ("全县法治建设考核排名第十。", [("第十", 10.0)]),
    ("在全省年度考评中排名第六位。", [("第六位", 6.0)]),
    ("居全省同类县区第三位。", [("第三位", 3.0)]),
    ("荣获全国第一名。", [("第一名", 1.0)]),
    ("综合得分全省第12名。", [("第12名", 12.0)]),
    # not places
    ("把群众利益放在第一位。", []),
    ("被命名为第二批省级示范县。", []),
    ("召开第十二批项目评审会。", []),
    ("第一次全体会议审议通过。", []),
    ("第三季度开展专项检查。", []),
    ("第二，加强队伍建设。", []),
]


@pytest.mark.parametrize(("text", "expected"), PLACES)
def test_a_place_taken_is_a_fact_of_its_own(text: str, expected: list[tuple[str, float]]) -> None:
    facts = ranks(text)
    assert [(f.written, f.value) for f in facts] == expected
    assert all(f.unit == rank_unit() for f in facts)


ASKED = [
    ("Where did Pingli County rank in the provincial assessment?", True),
    ("What place did the Pingli justice bureau take in the city's assessment?", True),
    ("平利县法治政府建设考核全省排第几？", True),
    ("平利县考核排名多少？", True),
    ("Which county ranks first for reconsideration cases?", False),
    ("各县行政复议案件数量排名", False),
    ("How many cases did Pingli County handle?", False),
]


@pytest.mark.parametrize(("question", "asks"), ASKED)
def test_a_question_asks_the_place_one_body_took(question: str, asks: bool) -> None:
    assert asks_place(question) is asks


@pytest.mark.parametrize(("text", "english", "areas"), [
    ("rank in the provincial assessment", True, {"全省"}),
    ("rank in the county's assessment", True, {"全县"}),
    ("在全县法治建设考核中排名", False, {"全县"}),
    ("紫阳县在全省考核中位列", False, {"全省"}),
    ("rank", True, set()),
])
def test_the_area_ranked_over(text: str, english: bool, areas: set[str]) -> None:
    assert areas_named(text, english) == areas

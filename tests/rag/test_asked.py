import pytest

from rag.asked import asked_quantities, condition_of
from rag.schema import Document
from rag.understand import understand

DOCS = [Document(doc_id=f"d{i}", region=r, year=y, source=f"{i}.txt", sha256="x")
        for i, (r, y) in enumerate([("德清县", 2023), ("兰考县", 2023), ("德清县", 2022)])]


def test_multi_part_question_is_one_ask_per_part() -> None:
    asks = asked_quantities(understand("德清县2023年受理了多少件？办结多少件？纠错率是多少？", DOCS))
    assert len(asks) == 3
    assert [a.units for a in asks] == [["件"], ["件"], []]
    assert asks[2].wants_rate and not asks[0].wants_rate
    assert all(a.regions == ["德清县"] and a.years == [2023] for a in asks)


def test_measure_words_drop_region_year_period_and_question_words() -> None:
    ask = asked_quantities(understand("德清县2023年1-11月办结了多少件行政复议案件？", DOCS))[0]
    assert ask.measure == "办结 行政复议案件"
    assert ask.period == "1-11月" and ask.units == ["件"]


@pytest.mark.parametrize(("text", "condition"), [
    ("哪些地区的出庭应诉率达到100%？", (">=", 100.0, "%")),
    ("受理超过200件的有几个？", (">", 200.0, "件")),
    ("低于5%的地区", ("<", 5.0, "%")),
    ("哪个地区最多", None),
])
def test_conditions(text: str, condition: tuple | None) -> None:
    assert condition_of(text) == condition


def test_operations() -> None:
    assert asked_quantities(understand("德清县和兰考县相比，哪个受理的案件更多？", DOCS))[0].operation == "compare"
    assert asked_quantities(understand("德清县法律援助案件比上年增加了多少？", DOCS))[0].operation == "change"
    assert asked_quantities(understand("哪个地区受理的案件最多？", DOCS))[0].operation == "rank"
    assert asked_quantities(understand("超过10件的地区有几个？", DOCS))[0].operation == "count"


def test_measure_word_fixes_the_unit() -> None:
    ask = asked_quantities(understand("德清县应急救援队伍的人数是多少？", DOCS))[0]
    assert ask.units == ["人"]

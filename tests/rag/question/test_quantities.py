import pytest

from rag.question.quantities import asked_quantities, condition_of, english_stage, english_subunit, english_units
from rag.question.understanding import understand
from rag.schema import Document

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


@pytest.mark.parametrize(("text", "measure"), [
    ("德清23年和兰考23年谁受理的行政复议案件多", "受理 行政复议案件"),  # 谁 … 多 apart, not just 谁多
    ("德清县和兰考县哪个行政复议案件更多", "行政复议案件"),
    ("德清县和兰考县 调解成功率谁高", "调解成功率"),
])
def test_a_comparisons_words_are_not_its_measure(text: str, measure: str) -> None:
    ask = asked_quantities(understand(text, DOCS))[0]
    assert (ask.measure, ask.operation) == (measure, "compare")


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


@pytest.mark.parametrize(("text", "measures", "focus"), [
    ("德清县2023年收到、受理、审结的行政复议案件分别是多少？",
     ["收到 行政复议案件", "受理 行政复议案件", "审结 行政复议案件"], ["收到", "受理", "审结"]),
    ("德清县的直接纠错率和综合纠错率各是多少？", ["直接纠错率", "综合纠错率"], ["直接纠错率", "综合纠错率"]),
])
def test_a_list_distributed_by_fenbie_is_one_ask_per_item(text: str, measures: list[str], focus: list[str]) -> None:
    asks = asked_quantities(understand(text, DOCS))
    assert [a.measure for a in asks] == measures
    assert [a.focus for a in asks] == focus


def test_listed_regions_are_not_listed_measures() -> None:
    asks = asked_quantities(understand("德清县、兰考县2023年受理的案件各有多少？", DOCS))
    assert len(asks) == 1 and asks[0].operation == "compare"


def test_ask_leads_and_fillers_are_not_measure_words() -> None:
    assert asked_quantities(understand("德清县出庭应诉率大概是多少？", DOCS))[0].measure == "出庭应诉率"
    asks = asked_quantities(understand("德清县受理多少件，真正办结的是多少件？", DOCS))
    assert asks[1].measure == "办结"


def test_a_subset_after_zhong_is_the_focus() -> None:
    ask = asked_quantities(understand("德清县审查的文件中非规范性文件有多少件？", DOCS))[0]
    assert ask.focus == "非规范性文件"


def test_bracketed_word_is_another_wording() -> None:
    ask = asked_quantities(understand("德清县新收（收到）的行政复议案件有多少件？", DOCS))[0]
    assert set(ask.alternatives) == {"新收 行政复议案件", "收到 行政复议案件"}


def test_all_towns_together_are_not_a_subunit() -> None:
    assert asked_quantities(understand("德清县全县乡镇审查了多少件重大事项？", DOCS))[0].subunit is None


def test_change_against_last_year_in_other_words() -> None:
    assert asked_quantities(understand("德清县的罚没款跟上一年比降了多少？", DOCS))[0].operation == "change"
    q = understand("德清县的法律援助案件，2023年和2022年相比有什么变化？", DOCS)
    assert q.wants_number and asked_quantities(q)[0].operation == "change"


@pytest.mark.parametrize(("text", "units", "subunit", "stage"), [
    ("How many law enforcement officers held valid certificates in Anji?", ["人"], None, None),
    ("How many case files were reviewed in Anji?", ["卷"], None, None),
    ("How many penalty cases did the Dipu town enforcement team handle?", ["件"], "Dipu", None),
    ("How many businesses got off without a fine?", ["户"], None, None),
    ("How many times did agencies lose in court?", ["次"], None, None),
    ("How much money was recovered for legal aid clients?", ["元"], None, None),
    ("How many administrative lawsuits were filed against Anji?", ["件"], None, "filed"),
    ("How many reconsideration cases were concluded in Anji?", ["件"], None, "concluded"),
    ("What was the correction rate in Anji?", [], None, None),
    ("How many reconsideration cases did Anji conclude?", ["件"], None, "concluded"),  # the verb's base form
    ("How many disclosure requests did Anji receive?", ["件"], None, "filed"),
    ("How many projects did Anji complete?", [], None, None),  # not cases: no stage
    ("How much did Anji's justice bureau spend on legal aid?", ["元"], None, None),  # money by its verb
    ("How much did approval efficiency improve in Anji?", [], None, None),
])
def test_an_english_question_says_its_unit_town_and_stage(text: str, units: list[str], subunit: str | None,
                                                        stage: str | None) -> None:
    assert english_units(text) == units
    assert english_subunit(text) == subunit
    assert english_stage(text) == stage


@pytest.mark.parametrize(("text", "per_head"), [
    ("How many administrative lawsuits per ten thousand residents did Deqing have in 2023?", True),
    ("How many legal aid cases per capita did Deqing handle?", True),
    ("How many administrative lawsuits did Deqing have in 2023?", False),
])
def test_an_english_ask_per_head_of_population_says_so(text: str, per_head: bool) -> None:
    ask = asked_quantities(understand(text, DOCS))[0]
    assert bool(ask.per_head) == per_head


def test_an_english_ask_counts_in_its_noun_unless_it_also_wants_a_rate() -> None:
    count = asked_quantities(understand("How many disputes did Deqing's mediators handle in 2023?", DOCS))[0]
    assert count.units == ["件"]
    q = understand("How many disputes did Deqing's mediators handle in 2023, and with what success rate?", DOCS)
    both = asked_quantities(q)[0]
    assert both.wants_rate and both.units == []


@pytest.mark.parametrize(("text", "subunit"), [
    ("德清县2023年开了几次委员会和协调小组会议", None),  # a question about meetings, no body
    ("德清县司法局2023年办理法律援助案件多少件", "司法局"),
])
def test_a_body_named_holds_no_asking_word(text: str, subunit: str | None) -> None:
    ask = asked_quantities(understand(text, DOCS))[0]
    assert ask.subunit == subunit


@pytest.mark.parametrize(("text", "measure"), [
    ("德清县2023年发了多少条工作动态啊", "工作动态"),  # a light verb before 多少 is no measure word
    ("德清县2023年公报出了几期", "公报"),
    ("德清县2023年发放了多少份宣传资料", "发放 宣传资料"),  # a verb of its own stays
])
def test_light_verbs_before_the_question_word(text: str, measure: str) -> None:
    assert asked_quantities(understand(text, DOCS))[0].measure == measure

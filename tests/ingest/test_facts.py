"""Every figure a fact: measure as worded, level or change, whose figure, which year; derivations; linear time."""

from __future__ import annotations

import time

import pytest

from ingest.facts import derive_metrics, extract_metrics


def _one(text: str, value: float):
    found = [f for f in extract_metrics(text) if f.value == pytest.approx(value)]
    assert len(found) == 1, (text, [(f.value, f.unit) for f in extract_metrics(text)])
    return found[0]


@pytest.mark.parametrize(("text", "value", "unit", "kind"), [
    ("全年受理行政复议案件281件，同比增长12.6%。", 12.6, "%", "change"),
    ("全年受理行政复议案件281件，同比增长12.6%。", 281, "件", "level"),
    ("行政诉讼败诉率为3.1%，较上年下降3.5个百分点。", 3.5, "个百分点", "change"),
    ("行政诉讼败诉率为3.1%，较上年下降3.5个百分点。", 3.1, "%", "level"),
    ("受理信访事项120件，较上年减少15件。", 15, "件", "change"),
    ("行政执法人员持证率提高到98%。", 98, "%", "level"),  # 提高到: the new level, not a change
    ("群众满意度比去年提升2.4个百分点。", 2.4, "个百分点", "change"),
    ("新增市场主体7611户。", 7611, "户", "level"),
])
def test_level_or_change(text: str, value: float, unit: str, kind: str) -> None:
    fact = _one(text, value)
    assert (fact.unit, fact.kind) == (unit, kind)


@pytest.mark.parametrize(("text", "value", "scope_kind", "scope"), [
    ("全县共受理行政复议案件281件。", 281, "region", "全县"),
    ("以县政府为被申请人的行政复议案件15件。", 15, "government", "县政府"),
    ("城关镇受理调解案件45件，调解成功43件。", 45, "subunit", "城关镇"),
    ("城关镇受理调解案件45件，调解成功43件。", 43, "subunit", "城关镇"),
    ("其中，县公共法律服务中心接待群众咨询1200人次。", 1200, "subunit", "县公共法律服务中心"),
    ("县司法局办理法律援助案件312件；全县共办理法律援助案件1024件。", 1024, "region", "全县"),
    ("县司法局办理法律援助案件312件；全县共办理法律援助案件1024件。", 312, "subunit", "县司法局"),
    ("各乡镇共开展普法活动300场。", 300, None, None),
])
def test_whose_figure(text: str, value: float, scope_kind: str | None, scope: str | None) -> None:
    fact = _one(text, value)
    assert (fact.scope_kind, fact.scope) == (scope_kind, scope)


def test_measure_is_worded_as_the_report_words_it() -> None:
    text = "全年组织行政执法人员培训36场次，聘请法律顾问12名，办理公证事项1234件。"
    measures = {f.value: f.measure for f in extract_metrics(text)}
    assert measures[36] == "组织行政执法人员培训"
    assert measures[12] == "聘请法律顾问"
    assert measures[1234] == "办理公证事项"


def test_chinese_numerals_and_the_year_a_figure_is_about() -> None:
    text = "2022年全县受理行政复议申请十五件。上年办结行政复议案件二十件，本年办结三十二件。"
    facts = {f.value: f for f in extract_metrics(text)}
    assert facts[15].fact_year == 2022
    assert facts[20].year_offset == -1
    assert facts[32].year_offset == 0


def test_two_definitions_of_one_rate_stay_two() -> None:
    text = "全年行政复议直接纠错率为8.2%，综合纠错率为15.6%。"
    facts = extract_metrics(text)
    assert [(f.value, f.measure) for f in facts] == [(8.2, "行政复议直接纠错率"), (15.6, "综合纠错率")]
    assert facts[0].metric != facts[1].metric


# --- derivation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("closed_word", ["审结", "办结", "结案"])
def test_a_rate_is_derived_across_wordings(closed_word: str) -> None:
    text = f"全年行政诉讼案件{closed_word}40件，其中败诉2件。"
    derived = derive_metrics(extract_metrics(text))
    assert [(f.metric, f.value, f.formula) for f in derived] == [("litigation_loss_rate", 5.0, "2/40")]


@pytest.mark.parametrize(("text", "metric", "formula"), [
    ("全年共调处矛盾纠纷3,215起，调处成功3,180起。", "mediation_success_rate", "3180/3215"),
    ("全县一审行政诉讼案件审理终结40件，被判败诉2件。", "litigation_loss_rate", "2/40"),
    ("全年作出行政复议决定120件，其中纠错6件。", "reconsideration_correction_rate", "6/120"),
])
def test_counts_worded_otherwise_still_give_the_rate(text: str, metric: str, formula: str) -> None:
    derived = derive_metrics(extract_metrics(text))
    assert [(f.metric, f.formula) for f in derived] == [(metric, formula)]


def test_never_across_scopes_or_years() -> None:
    scopes = "城关镇审结行政诉讼案件40件，全县行政诉讼败诉2件。"
    assert derive_metrics(extract_metrics(scopes)) == []
    years = "2022年审结行政诉讼案件40件，2023年行政诉讼败诉2件。"
    assert derive_metrics(extract_metrics(years)) == []


# --- linear time ---------------------------------------------------------------------------------


def _report(figures: int) -> str:
    sentences = []
    for i in range(figures // 4):
        sentences.append(f"第{i % 9 + 1}组受理调解案件{i + 5}件，调解成功{i + 3}件，"
                         f"培训{i + 7}人次，同比增长{i % 50 + 1}.5%。")
        if i % 10 == 9:
            sentences.append("\n")
    return "".join(sentences)


def _seconds(text: str) -> float:
    start = time.process_time()
    facts = extract_metrics(text)
    derive_metrics(facts)
    return time.process_time() - start


def test_extraction_is_linear_in_the_number_of_figures() -> None:
    small, large = _report(1_000), _report(10_000)
    assert len(extract_metrics(large)) >= 10_000
    small_time = min(_seconds(small) for _ in range(2))
    large_time = min(_seconds(large) for _ in range(2))
    # Ten times the figures may take ten times as long, give or take noise; quadratic would be ~100×.
    assert large_time < 30 * max(small_time, 0.01), (small_time, large_time)


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("负责人出庭应诉率达到百分之百。", 100, "%"),
    ("复议纠错率为百分之五点二。", 5.2, "%"),
    ("出台行政规范性文件3部。", 3, "部"),
    ("领导干部年度学法40学时。", 40, "学时"),
])
def test_more_ways_to_write_a_figure(text: str, value: float, unit: str) -> None:
    assert _one(text, value).unit == unit


# --- stated before derived -----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    # The report states the rate in words the catalogue does not key: the stated figure answers.
    "临泽县一审行政诉讼案件审结59件，其中被判败诉4件，案件败诉率约为6.8%。",
    "全年作出行政复议决定120件，其中纠错6件，纠错比例为百分之五。",
    "一审行政诉讼案件审结59件，其中被判败诉4件，占比6.8%。",
])
def test_a_rate_the_report_states_is_not_recomputed(text: str) -> None:
    facts = extract_metrics(text)
    assert any(f.unit == "%" for f in facts)
    assert derive_metrics(facts) == []


@pytest.mark.parametrize(("text", "formula"), [
    # A different rate that happens to round alike is no statement of this one.
    ("一审行政诉讼案件审结59件，其中被判败诉4件，办结率6.8%。", "4/59"),
    ("全年作出行政复议决定120件，其中纠错6件，群众满意率5%。", "6/120"),
])
def test_another_rate_of_equal_value_does_not_stop_the_derivation(text: str, formula: str) -> None:
    assert [f.formula for f in derive_metrics(extract_metrics(text))] == [formula]


def test_cases_counted_in_zong_and_lost_in_plain_words_give_the_loss_rate() -> None:
    facts = extract_metrics("泾川县全年一审行政诉讼案件结案30宗，输了3宗。")
    assert [(f.metric, f.unit) for f in facts] == [("litigation_closed", "宗"), ("litigation_lost", "宗")]
    assert [(f.metric, f.formula) for f in derive_metrics(facts)] == [("litigation_loss_rate", "3/30")]


def test_a_rate_stated_in_other_words_takes_the_metric_so_it_ranks_as_stated() -> None:
    facts = extract_metrics("高台县全年办结行政复议案件229件，其中直接纠错19件。\n"
                            "依法办结案件229件，其中直接纠错19件，纠错率8.3%。")
    assert derive_metrics(facts) == []
    rate = next(f for f in facts if f.unit == "%")
    assert (rate.metric, rate.value, rate.derived) == ("reconsideration_correction_rate", 8.3, False)


@pytest.mark.parametrize(("text", "value", "year"), [
    # A comparison's base period is the year of the figure inside it only; the sentence's later figures are the
    # report's own (sentences written for the test).
    ("2023年，全区受理群众网上咨询和信访共5120起，与2021年同期的4010起相比上升27%，答复率为100%。", 100, 2023),
    ("2023年，全区受理群众网上咨询和信访共5120起，与2021年同期的4010起相比上升27%，答复率为100%。", 5120, 2023),
    ("与2021年同期的4010起相比，全区受理群众网上咨询和信访共5120起，答复率为100%。", 5120, None),
])
def test_a_comparison_base_year_stays_inside_the_comparison(text: str, value: float, year: int | None) -> None:
    assert _one(text, value).fact_year == year

"""The answerer chain end to end on short synthetic reports of real divisions outside the gold set:
asked quantities, refusals of near misses, operations, document questions, follow-ups."""

from __future__ import annotations

import pytest

from rag.service import Service
from tests.conftest import ask, numbers, texts_service

REPORTS = {
    "deqing-2022.txt": "德清县人民政府关于2022年度法治政府建设情况的报告\n"
    "2022年，德清县坚持依法行政。\n一、主要举措和成效\n"
    "（一）化解行政争议。全年县政府受理行政复议申请十五件，办结十二件。"
    "全县新收行政诉讼案件30件，败诉2件。\n"
    "（二）法律服务。全年办理法律援助案件410件。\n"
    "德清县人民政府\n2023年1月20日\n",
    "deqing-2023.txt": "德清县人民政府关于2023年度法治政府建设情况的报告\n"
    "2023年，德清县坚持依法行政。\n一、主要举措和成效\n"
    "（一）化解行政争议。全年受理行政复议案件20件，办结18件，直接纠错2件。"
    "全县新收行政诉讼案件36件，败诉3件，行政机关负责人出庭应诉率同比提高5个百分点。\n"
    "（二）法律服务。全年办理法律援助案件520件，接待来访群众640人次。"
    "武康街道人民调解委员会调解纠纷300件。\n"
    "德清县人民政府\n2024年1月18日\n",
    "anji-2023.txt": "安吉县人民政府关于2023年度法治政府建设情况的报告\n"
    "2023年，安吉县坚持依法行政。\n一、主要举措和成效\n"
    "（一）化解行政争议。全年受理行政复议案件40件，办结36件。"
    "据市级通报，所有区县的行政机关负责人出庭应诉率都是99%。\n"
    "（二）法律服务。全年办理法律援助案件260件。\n"
    "安吉县人民政府\n2024年1月25日\n",
    "lankao-2023.txt": "兰考县人民政府关于2023年度法治政府建设情况的报告\n"
    "2023年，兰考县坚持依法行政。\n一、主要举措和成效\n"
    "（一）化解行政争议。全年受理行政复议案件9件，办结9件，行政机关负责人出庭应诉率100%。\n"
    "兰考县人民政府\n2024年1月10日\n",
}


service = texts_service(REPORTS)




def test_figure_in_chinese_numerals_is_answered_from_facts(service: Service) -> None:
    r = ask(service, "德清县2022年受理了多少件行政复议案件？")
    assert r.answerable and "15" in numbers(r.answer)
    assert r.citations and "十五件" in r.citations[0].text


def test_multi_part_question_answers_every_part(service: Service) -> None:
    r = ask(service, "德清县2023年受理了多少件行政复议案件？办结多少件？")
    assert r.answerable
    assert {"20", "18"} <= numbers(r.answer)


def test_count_of_people_is_not_answered_with_a_count_of_cases(service: Service) -> None:
    r = ask(service, "德清县2023年有多少人申请法律援助？")
    assert not r.answerable
    assert "未披露" in r.answer


def test_a_change_does_not_answer_a_rate(service: Service) -> None:
    r = ask(service, "德清县2023年行政机关负责人出庭应诉率是多少？")
    assert not r.answerable
    assert "未披露" in r.answer


def test_a_sentence_about_all_counties_is_not_the_countys_figure(service: Service) -> None:
    # Planted: 安吉县's report quotes a figure for every county; it is not 安吉县's own rate.
    r = ask(service, "安吉县行政机关负责人出庭应诉率是多少？")
    assert not r.answerable and "99%" not in r.answer.split("报告给出的")[0]
    other = ask(service, "兰考县行政机关负责人出庭应诉率是多少？")
    assert other.answerable and "100%" in other.answer


def test_compare_two_named_regions_cites_each(service: Service) -> None:
    r = ask(service, "安吉县和兰考县相比，哪个受理的行政复议案件更多？")
    assert r.answerable and "40" in numbers(r.answer) and "9" in numbers(r.answer)
    assert len(r.citations) >= 2
    assert r.answer.index("安吉县") < r.answer.index("兰考县")


def test_rank_reads_each_regions_latest_report_and_says_so(service: Service) -> None:
    r = ask(service, "哪个地区办理的法律援助案件最多？")
    assert r.answerable and r.answer.startswith("德清县")
    assert "520" in numbers(r.answer) and "410" not in numbers(r.answer)
    assert "最近一年" in r.answer
    assert "兰考县" in r.answer  # the coverage line names who did not report


def test_year_over_year_change_is_computed_from_two_reports(service: Service) -> None:
    r = ask(service, "德清县法律援助案件比上年增加了多少？")
    assert r.answerable and {"410", "520", "110"} <= numbers(r.answer)
    assert "计算" in r.answer and len(r.citations) == 2


def test_count_with_a_condition(service: Service) -> None:
    r = ask(service, "受理行政复议案件超过15件的地区有几个？")
    assert r.answerable
    assert "共2个" in r.answer and "兰考县" not in r.answer.split("。")[0]


def test_document_questions_come_from_the_catalogue(service: Service) -> None:
    province = ask(service, "德清县属于哪个省？")
    assert province.route == "metadata" and "浙江省" in province.answer
    listing = ask(service, "哪些报告来自浙江省？")
    assert "安吉县" in listing.answer and "兰考县" not in listing.answer and "共3份" in listing.answer
    counted = ask(service, "收录了几份县级报告？")
    assert counted.route == "metadata" and "共4份" in counted.answer
    assert {row.region for row in counted.table.rows} == {"德清县", "安吉县", "兰考县"}


def test_a_town_named_in_the_question_is_not_answered_with_the_countys_figure(service: Service) -> None:
    town = ask(service, "德清县武康街道2023年调解纠纷多少件？")
    assert town.answerable and "300" in numbers(town.answer)
    other = ask(service, "德清县新市镇2023年调解纠纷多少件？")
    assert not other.answerable and "300" not in other.answer.split("报告给出的")[0]


def test_follow_up_keeps_what_it_does_not_replace(service: Service) -> None:
    first = ask(service, "德清县2023年办理了多少件法律援助案件？")
    assert "520" in numbers(first.answer)
    year = ask(service, "那2022年呢？", first.session_id)
    assert year.answerable and "410" in numbers(year.answer)
    measure = ask(service, "败诉的呢？", first.session_id)
    assert measure.answerable and "2" in numbers(measure.answer)


@pytest.mark.parametrize(("said", "measure", "english", "shown"), [
    ("", "市场监管领域 双随机 抽查 主体", False, "市场监管领域双随机抽查主体"),
    ("", "人力 力量 功率 动力 拓展", True, ""),  # the dictionary's candidates never reach the user
    ("powers expanded", "人力 力量 功率", True, "powers expanded"),
    ("培训 场次 县", None, True, ""),  # an English phrase lost to the dictionary's terms: "this figure"
    ("评查 案卷 提 整改意见", "评查 案卷", False, "评查案卷提整改意见"),
])
def test_a_refusal_names_the_measure_in_the_users_words_never_a_term_list(said, measure, english, shown) -> None:
    from rag.answering.format import asked_words

    assert asked_words(said, measure, english) == shown

"""Follow-ups that point at what the last answer named, fresh rankings in a conversation, and the
scope's year wording; on small reports of real counties written for the test."""

import re
import uuid

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import texts_service


def _report(region: str, year: int, issuer: str, closed: int, rate: str, lost: int, training: int) -> str:
    return (f"{issuer}关于{year}年度法治政府建设情况的报告\n{year}年,{region}坚持依法行政。\n一、主要举措和成效\n"
            f"(一)化解行政争议。全年办结行政复议案件{closed}件,纠错率{rate}。全年行政诉讼案件败诉{lost}件。\n"
            f"(二)提升执法能力。全年开展行政执法人员培训{training}次。\n二、下一步工作安排\n一是强化普法。二是规范执法。\n"
            f"{issuer}\n{year + 1}年1月10日\n")


REPORTS = {
    "ningling-2023.txt": _report("宁陵县", 2023, "宁陵县人民政府", 60, "5%", 3, 12),
    "ningling-2022.txt": _report("宁陵县", 2022, "宁陵县人民政府", 50, "4%", 2, 6),
    "zhecheng-2023.txt": _report("柘城县", 2023, "柘城县人民政府", 90, "2.2%", 5, 8),
    "shexian-2023.txt": _report("歙县", 2023, "歙县司法局", 40, "10%", 1, 20),
    "suixian.txt": "睢县人民政府政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息210条。\n"
    "睢县人民政府办公室\n",
    # A planted sentence about every county of the city: not the county's own rate.
    "minquan-2023.txt": "民权县人民政府关于2023年度法治政府建设情况的报告\n2023年,民权县坚持依法行政。\n"
    "一、主要举措和成效\n(一)化解行政争议。据通报,所有区县的行政复议纠错率均为100%。全年办结行政复议案件30件。\n"
    "民权县人民政府\n2024年1月9日\n",
}

RANKING = "哪个地区2023年办结的行政复议案件最多？"


service = texts_service(REPORTS)


def _conversation(service: Service, *questions: str):
    session = uuid.uuid4().hex
    return [service.ask(AskRequest(question=q, session_id=session)) for q in questions]


@pytest.mark.parametrize(("follow_up", "region", "figure"), [
    ("那倒数第二是哪儿", "歙县", "40"),
    ("排最后的是哪个县？", "民权县", "30"),
    ("Which one comes second, and with how many?", "宁陵县", "60"),
    ("第三名呢", "歙县", "40"),
    ("它的行政执法人员培训开展了几次？", "柘城县", "8"),
    ("那个县的培训开展了几次？", "柘城县", "8"),
])
def test_a_follow_up_after_a_ranking_is_about_the_region_it_points_at(
        service: Service, follow_up: str, region: str, figure: str) -> None:
    ranking, answer = _conversation(service, RANKING, follow_up)
    assert ranking.answer.startswith("柘城县")
    assert answer.answerable and region in answer.answer and figure in answer.answer, answer.answer


def test_the_regions_of_a_comparison_stay_the_frame_of_the_next_question(service: Service) -> None:
    _, answer = _conversation(service, "柘城县和歙县的纠错率相比哪个高？", "And which of the two lost the most?")
    assert {row.region for row in answer.table.rows} == {"柘城县", "歙县"}
    # An English follow-up is answered in English (the regions' Chinese names beside their pinyin).
    assert answer.answer.startswith("Zhecheng") and "宁陵县" not in answer.answer, answer.answer


def test_a_ranking_after_a_region_question_is_not_answered_as_that_regions_lookup(service: Service) -> None:
    _, ranking = _conversation(service, "歙县2023年办结了多少件行政复议案件？", RANKING)
    assert ranking.route == "aggregate" and ranking.answer.startswith("柘城县")
    assert {"宁陵县", "歙县", "柘城县"} <= {row.region for row in ranking.table.rows}


def test_a_planted_wider_area_rate_does_not_enter_a_ranking(service: Service) -> None:
    ranking = service.ask(AskRequest(question="哪个地区2023年的行政复议纠错率最高？"))
    assert ranking.answer.startswith("歙县"), ranking.answer
    rows = {row.region: row for row in ranking.table.rows}
    assert rows["民权县"].value is None and "100%" not in ranking.answer.split("。")[1]


def test_two_named_regions_are_compared_not_ranked(service: Service) -> None:
    pair = service.ask(AskRequest(question="Which had the higher correction rate in 2023, Zhecheng or Shexian?"))
    assert pair.answer.startswith("Shexian") and "is higher" in pair.answer, pair.answer
    assert "ranks first" not in pair.answer and not re.search(r"[\u4e00-\u9fff]{2,}[。；]", pair.answer)
    each = service.ask(AskRequest(question="柘城县跟歙县 行政执法人员培训各搞了几次"))
    assert "8" in each.answer and "20" in each.answer and "更多" not in each.answer


def test_a_region_whose_report_has_no_year_is_refused_without_an_empty_list(service: Service) -> None:
    r = service.ask(AskRequest(question="睢县2023年主动公开了多少条政府信息？"))
    assert not r.answerable and "只收录了的报告" not in r.answer and "睢县" in r.answer and "年份" in r.answer

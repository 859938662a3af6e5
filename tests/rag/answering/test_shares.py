"""Shares the report does not state, computed from the part and the whole it does (rag/answering/shares.py,
the facts answerer): labelled as computed, both counts quoted; a stated rate answers as stated; counts of
two unit families, or a part larger than the whole, are not a share.

Reports written for these tests (安徽 绩溪, 旌德); none comes from a gold set."""

from __future__ import annotations

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import english_only, texts_service

REPORTS = {
    "jixi-gk.txt": "绩溪县2022年政府信息公开工作年度报告\n一、总体情况\n"
                   "2022年，全年主动公开政府信息4260条，其中通过政府网站公开2830条，通过政务新媒体公开1430条。\n"
                   "二、依申请公开情况\n全年收到政府信息公开申请12件，其中予以公开7件，无法提供3件，不予处理2件。\n",
    "jingde-fz.txt": "旌德县2023年法治政府建设情况报告\n一、主要工作\n"
                     "全年排查矛盾纠纷346件。其中助力化解疑难纠纷98件。\n"
                     "全年受理行政复议案件59件，纠错4件，纠错率为6.8%。审批效率整体提高90%以上。\n"
                     "全年一审行政诉讼案件40件，败诉3件。12345热线受理群众诉求5200件。\n"
                     "二、普法\n组织普法讲座35场，参与群众4200人。\n",
}

service = texts_service(REPORTS)


@pytest.mark.parametrize(
    ("question", "share", "part", "whole"),
    [
        ("绩溪县2022年主动公开的政府信息中通过政府网站公开的占多少比例？", "66.4%", "2830条", "4260条"),
        ("绩溪县2022年收到的申请中予以公开的比例是多少", "58.3%", "7件", "12件"),
        ("旌德县2023年346件纠纷中，助力化解的占多少？", "28.3%", "98件", "346件"),
    ],
)
def test_a_share_is_computed_from_the_part_and_the_whole(service: Service, question: str, share: str,
                                                        part: str, whole: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and share in r.answer and "计算" in r.answer, r.answer
    assert part in r.answer and whole in r.answer, r.answer


@pytest.mark.parametrize(
    ("question", "share", "part", "whole"),
    [
        ("What share of the information Jixi County disclosed in 2022 went out through the government website?",
         "66.4%", "2830", "4260"),
        ("What share of disclosure requests ended with the information disclosed in Jixi in 2022?",
         "58.3%", "7 ", "12 "),
    ],
)
def test_an_english_share_is_computed_and_said_in_english(service: Service, question: str, share: str,
                                                         part: str, whole: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and share in r.answer and "computed" in r.answer, r.answer
    assert part in r.answer and whole in r.answer and english_only(r.answer), r.answer


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("旌德县2023年行政复议案件中被纠错的占多少", "6.8%"),  # stated beside its counts
        ("By how much did approval efficiency improve in Jingde in 2023?", "90%"),
    ],
)
def test_a_stated_rate_answers_as_stated(service: Service, question: str, figure: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and figure in r.answer and "计算" not in r.answer and "computed" not in r.answer, r.answer
    assert r.answer.count(figure) == 1, r.answer


@pytest.mark.parametrize(
    "question",
    [
        "旌德县2023年参与普法讲座的群众占多少比例？",  # 4200人 of 35场: people are not a part of lectures
        "旌德县2023年行政诉讼胜诉率是多少？",  # 败诉3件 of 40件 is not the share won
        "旌德县2023年12345热线诉求的办结率是多少？",  # no count of concluded requests
        "旌德县2023年一审行政诉讼案件占复议案件的比例是多少？",  # two sentences, neither a part of the other
    ],
)
def test_no_share_is_computed_from_counts_that_do_not_say_it(service: Service, question: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert "计算" not in r.answer and "%" not in r.answer.split("报告给出的")[0], r.answer

"""A follow-up stays with the 街道 or 乡镇 the conversation is about (its own report, not its district's), and
"what about X Town?" asks the previous question of the other town.

Reports written for these tests (江西 信州区 and 上饶 广丰区, 湖南 攸县); none comes from a gold set."""

from __future__ import annotations

import uuid

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import texts_service

REPORTS = {
    "xizhou.txt": "信州区2022年政府信息公开工作年度报告\n一、总体情况\n2022年，全区主动公开政府信息5120条。\n"
                  "二、收到和处理政府信息公开申请情况\n全区共受理政府信息公开申请88件，其中予以公开41件。\n",
    "dongshi.txt": "东市街道2022年政府信息公开工作年度报告\n一、总体情况\n2022年，东市街道主动公开政府信息96条。\n"
                   "二、收到和处理政府信息公开申请情况\n本街道共受理政府信息公开申请12件，其中予以公开5件。\n"
                   "上饶市信州区东市街道办事处\n",
    "wangling.txt": "网岭镇2022年政府信息公开工作年度报告\n一、总体情况\n2022年，网岭镇主动公开政府信息57条。\n"
                    "攸县网岭镇人民政府\n",
    "luanshan.txt": "鸾山镇2022年政府信息公开工作年度报告\n一、总体情况\n2022年，鸾山镇主动公开政府信息31条。\n"
                       "攸县鸾山镇人民政府\n",
}

service = texts_service(REPORTS)


def converse(service: Service, *questions: str) -> str:
    session = uuid.uuid4().hex
    return [service.ask(AskRequest(question=q, session_id=session)) for q in questions][-1].answer


@pytest.mark.parametrize(
    ("questions", "expected", "absent"),
    [
        # The follow-up names no place: still the 街道's own report.
        (("东市街道22年受理了多少件信息公开申请", "那里面有几件是给公开了的"), ["5"], ["41"]),
        (("How many disclosure requests did Dongshi subdistrict accept in 2022?",
          "And how many items did it proactively disclose?"), ["96"], ["5120"]),
        # Another town named: the previous question about it.
        (("How many items did Wangling town proactively disclose in 2022?", "What about Luanshan town that year?"),
         ["31"], ["57"]),
        (("网岭镇22年主动公开了多少条", "那鸾山镇呢"), ["31"], ["57"]),
    ],
)
def test_follow_ups_keep_their_place(service: Service, questions: tuple[str, ...], expected: list[str],
                                     absent: list[str]) -> None:
    answer = converse(service, *questions)
    for part in expected:
        assert part in answer, answer
    for part in absent:
        assert part not in answer, answer

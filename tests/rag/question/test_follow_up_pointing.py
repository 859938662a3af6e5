"""Follow-ups that point back, in Chinese and English: the pointing words leave the measure, a position
says which list it counted in, a carried measure is said as the conversation named it, and 输 asks
败诉; on four small county reports written for the test."""

import uuid

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import texts_service


def _report(region: str, consult: int, lost: int, appear: str, officers: int, training: int,
            proactive: int) -> str:
    return (f"{region}人民政府关于2023年度法治政府建设情况的报告\n2023年,{region}坚持依法行政。\n一、主要举措和成效\n"
            f"(一)公共法律服务。全年提供法律咨询{consult}人次。\n"
            f"(二)化解行政争议。全年行政诉讼败诉{lost}件。行政机关负责人出庭应诉率{appear}。\n"
            f"(三)提升执法能力。全县持证行政执法人员{officers}人,全年开展行政执法人员培训{training}次。\n"
            f"(四)政务公开。全年主动公开政府信息{proactive}条。\n二、下一步工作安排\n一是强化普法。二是规范执法。\n"
            f"{region}人民政府\n2024年1月10日\n")


REPORTS = {
    "tongbai.txt": _report("桐柏县", 5200, 4, "85%", 620, 14, 1500),
    "fangcheng.txt": _report("方城县", 4100, 7, "92%", 540, 9, 1800),
    "sheqi.txt": _report("社旗县", 6300, 2, "78%", 700, 11, 900),
    "tanghe.txt": _report("唐河县", 3000, 5, "96%", 480, 7, 1200),
}


service = texts_service(REPORTS)


def _last(service: Service, *questions: str):
    session = uuid.uuid4().hex
    return [service.ask(AskRequest(question=q, session_id=session)) for q in questions][-1]


@pytest.mark.parametrize(("first", "follow_up", "has", "never"), [
    # English pointing words are not the measure the user asked about.
    ("Which county published the most items proactively?",
     "And how many items did that district publish proactively?",
     ["Fangcheng", "1800", "publish proactively"], ["And", "that district", " did "]),
    ("桐柏县主动公开了多少条政府信息？", "And how many items did that county publish proactively in that year?",
     ["Tongbai", "1500"], ["And", "that county", "that year"]),
    ("Which county had the most certified enforcement officers?",
     "How many training sessions did it run for them that year?",
     ["Sheqi", "11", "training sessions"], [" it ", "them", "that year"]),
    # A position is counted in the list as the last answer showed it, and the answer says so.
    ("哪个县的行政机关负责人出庭应诉率最低？", "那倒数第二是哪儿", ["从低到高", "倒数第二是方城县", "92%"], ["桐柏县"]),
    ("哪个县的行政机关负责人出庭应诉率最高？", "那倒数第二是哪儿", ["从高到低", "倒数第二是桐柏县", "85%"], ["方城县"]),
    # A follow-up that names no measure asks the last one again, said as the conversation named it.
    ("Which region received the most legal consultations?", "Which one comes second, and with how many?",
     ["highest first", "second is Tongbai County", "5200", "法律咨询"], ["one comes second", "with how many"]),
    # 输了几场 asks the lawsuits the region lost.
    ("哪个县的法律咨询最多？", "那它输了几场", ["社旗县", "败诉", "2件"], ["未披露"]),
])
def test_a_follow_up_that_points_back(service: Service, first: str, follow_up: str, has: list[str],
                                      never: list[str]) -> None:
    answer = _last(service, first, follow_up)
    assert answer.answerable, answer.answer
    for text in has:
        assert text in answer.answer, answer.answer
    for text in never:
        assert text not in answer.answer, answer.answer


"""Counts a report states as none are facts of value 0 (ingest/none_stated.py), and questions asking how many, or
whether any, are answered "none" with the sentence.

Sentences and reports written for these tests (山西 岢岚, 吉林 通榆); none comes from a gold set."""

from __future__ import annotations

import pytest

from ingest.none_stated import none_stated
from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import texts_service


@pytest.mark.parametrize(
    ("sentence", "facts"),
    [
        ("2023年，本局未收到依申请公开事项申请。", [("收到依申请公开事项申请", "件", "未收到")]),
        ("本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。",
         [("发生因政府信息公开工作被申请行政复议", "件", "未发生"), ("提起行政诉讼", "件", "未发生")]),
        ("本年度政府信息公开工作未收取任何费用。", [("收取任何费用", "元", "未收取")]),
        ("全年没有收到群众投诉，也未产生信息处理费。",
         [("收到群众投诉", "件", "没有收到"), ("产生信息处理费", "元", "未产生")]),
        # A channel a body has not opened is none of it.
        ("本单位暂未开设政务新媒体。", [("开设政务新媒体", "个", "未开设")]),
        # An applicant is no request; a reply not received is nothing counted.
        ("对未收到回复的申请人及时电话联系。", []),
        ("共收到申请12件，均已按时答复。", []),
    ],
)
def test_counts_stated_as_none(sentence: str, facts: list[tuple[str, str, str]]) -> None:
    got = none_stated(sentence)
    assert [(f.measure, f.unit, f.written) for f in got] == facts
    assert all(f.value == 0 and f.sentence == sentence for f in got)


REPORTS = {
    "kelan-jyj.txt": "岢岚县教育局2023年政府信息公开工作年度报告\n一、总体情况\n2023年，本局主动公开政府信息86条。\n"
                     "二、收到和处理政府信息公开申请情况\n2023年，本局未收到政府信息公开申请。\n"
                     "三、政府信息公开行政复议、行政诉讼情况\n本年度未发生因政府信息公开被申请行政复议、提起行政诉讼的情况。\n"
                     "四、其他需要报告的事项\n本年度未收取信息处理费。\n",
    "tongyu.txt": "通榆县2023年政府信息公开工作年度报告\n一、总体情况\n2023年，全县主动公开政府信息2310条。\n"
                  "二、收到和处理政府信息公开申请情况\n全年共收到政府信息公开申请15件。\n",
}

service = texts_service(REPORTS)


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        ("岢岚县教育局23年收到几个信息公开申请", ["未收到"], ["15", "86"]),
        ("How many public-information requests did the Kelan education bureau receive in 2023?", ["none"], ["15"]),
        ("岢岚县教育局2023年被提起行政诉讼几起？", ["未发生"], []),
        # A figure the report does give is still that figure.
        ("通榆县23年收到几个信息公开申请", ["15"], ["未收到"]),
        # Whether any: the count answers it, none or some.
        ("岢岚教育局23年有人申请公开信息没", ["未收到"], ["15", "86"]),
        ("岢岚教育局23年被起诉过没有", ["未发生"], []),
        ("Was the Kelan education bureau sued over disclosure in 2023?", ["未发生"], ["报告如下"]),
        ("通榆县23年有人申请信息公开吗", ["15"], []),
    ],
)
def test_none_answers_how_many(service: Service, question: str, expected: list[str], absent: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    for part in expected:
        assert part in r.answer, r.answer
    for part in absent:
        assert part not in r.answer, r.answer

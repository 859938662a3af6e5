"""A town, township, sub-district or department named in English or in plain Chinese finds the report whose
issuer, title or text names it (by the exact tone-less pinyin of the name, never a near one), with its county
when the question gives one; where such a place lies is answered from the catalogue and the gazetteer; two
towns compare side by side (rag/question/places.py, english_places.py, scope.py).

Reports written for these tests (浙江 金华 义乌市 and 浦江县, 湖州 吴兴区, 嘉兴, 四川 绵阳; a town whose name
ten counties share, one no report is filed under); none comes from a gold set."""

from __future__ import annotations

import pytest

from rag.question.scope import scope_of
from rag.question.understanding import understand
from rag.schema import AskRequest, Document
from rag.service import Service
from tests.conftest import texts_service

REPORTS = {
    # A town whose name ten counties share, its county named nowhere: filed under no region.
    "fengle.txt": "丰乐镇2023年法治政府建设工作报告\n2023年，丰乐镇坚持依法行政，全面推进法治建设。\n"
                  "一、主要举措\n全年开展普法宣传活动24场，调解矛盾纠纷57件。\n",
    # No title, no signature: the township is named only in the text.
    "report-b.txt": "今年以来，我们坚持依法行政，推进各项工作。\n一、主要举措\n石门乡全年开展普法宣传活动18场，"
                    "受理群众来信来访9件。\n二、下一步打算\n继续推进基层法治建设。\n",
    "yiting.txt": "义亭镇2023年政府信息公开工作年度报告\n一、总体情况\n2023年，义亭镇主动公开政府信息286条。"
                  "收到政府信息公开申请7件。全年开展普法宣传活动12场。\n",
    # A county-level city's report naming one of its towns.
    "yiwu.txt": "义乌市2023年法治政府建设情况报告\n2023年，义乌市坚持依法行政。\n一、主要举措\n"
                "全市办结行政复议案件112件。佛堂镇开展普法宣传活动40场。\n",
    "baima.txt": "浦江县白马镇2023年法治政府建设工作报告\n2023年，白马镇坚持依法行政。\n一、主要举措\n"
                 "全年开展普法宣传活动31场，调解矛盾纠纷44件。\n",
    "fenghuang.txt": "湖州市吴兴区凤凰街道2023年法治政府建设工作报告\n2023年，凤凰街道坚持依法行政。\n"
                     "一、主要举措\n全年开展普法宣传活动15场，调解矛盾纠纷26件。\n",
    # A department's report whose region may go unrecognised: its city stands only in its text.
    "report-c.txt": "2022年，嘉兴市卫生健康委员会深入推进政务公开工作。\n一、主动公开\n"
                    "本委主动公开政府信息412条，开放数据集23个。\n",
    "mianyang-health.txt": "绵阳市卫生健康委员会2022年政府信息公开工作年度报告\n一、主动公开\n"
                           "2022年，本委主动公开政府信息530条，开放数据集41个。\n",
}

service = texts_service(REPORTS)

# (question, what the answer says, what it must not say); nothing to say: a refusal.
ITEMS = [
    # A town or sub-district named in English by its pinyin: its issuer, its title or its text.
    ("How many legal publicity events did Fengle town hold in 2023?", ["24"], ["57"]),
    ("How many legal publicity events did Fengle Township hold in 2023?", ["24"], []),
    ("How many legal publicity events did Shimen township hold?", ["18"], []),
    ("How many disclosure requests did Yiting town receive in 2023?", ["7"], ["143"]),
    ("How many legal publicity events did Fotang town hold in 2023?", ["40"], ["12"]),
    ("How many legal publicity events did Baima town in Pujiang County hold in 2023?", ["31"], []),
    ("How many legal publicity events did Baima town (Pujiang County) hold in 2023?", ["31"], []),
    ("How many legal publicity events did the Fenghuang sub-district office in Wuxing District hold in 2023?",
     ["15"], []),
    ("How many legal publicity events did Fenghuang Subdistrict hold in 2023?", ["15"], []),
    ("How many disputes did Fenghuang Street mediate in 2023?", ["26"], ["44", "57"]),
    # A near pinyin, a town no report names, a town of another county: refused, never another's figure.
    ("How many legal publicity events did Fenglei town hold in 2023?", [], ["24"]),
    ("How many legal publicity events did Huangzhai town hold in 2023?", [], ["24", "31", "18", "40", "15"]),
    ("How many legal publicity events did Yitang town hold in 2023?", [], ["12"]),
    ("How many legal publicity events did Baima town in Lishui District hold in 2023?", [], ["31"]),
    ("How many legal publicity events did Fenghuang Subdistrict in Gulou District hold in 2023?", [], ["15"]),
    ("How many legal publicity events did Shiman township hold?", [], ["18"]),
    # Plain Chinese.
    ("丰乐镇23年搞了几场普法活动", ["24"], []),
    ("石门乡普法宣传活动搞了多少场啊", ["18"], []),
    ("佛堂镇23年普法活动办了几场", ["40"], []),
    ("溧水区白马镇2023年开展了多少场普法宣传活动", [], ["31"]),
    # Where a town or sub-district lies: its report's region, city and province, and the gazetteer.
    ("凤凰街道属于哪个区", ["吴兴区"], []),
    ("白马镇是哪个县的", ["浦江县"], []),
    ("义亭镇是哪个县的", ["义乌市"], []),
    ("Which county is the Baima Town report from?", ["浦江县"], ["31"]),
    ("Which district does Fenghuang Subdistrict belong to?", ["吴兴区"], ["15"]),
    ("Which city is the Yiting town report from?", ["Jinhua"], ["286"]),
    ("Which county is Fotang town in?", ["义乌市"], ["40"]),
    ("佛堂镇属于哪个县", ["义乌市"], ["40"]),
    # A spelling several towns share, none of them in a report: they are listed, none is picked.
    ("Which county is Huangzhai town in?", [], ["24", "31"]),
    ("黄宅镇是哪个县的", ["浦江县"], []),
    # A city's department named in English: the report naming it, never another city's department.
    ("How much government information did Yibin's health commission proactively disclose in 2022?", [],
     ["412", "530"]),
    ("嘉兴卫健委2022年开放了多少个数据集", ["23"], ["41"]),
    ("How much government information did the Mianyang health commission proactively disclose in 2022?",
     ["530"], ["412"]),
    ("How much government information did the Yibin City health commission proactively disclose in 2022?", [],
     ["412", "530"]),
    ("How much government information did Jiaxing's health commission proactively disclose in 2022?", ["412"],
     ["530"]),
    # Two towns compared, each with its county.
    ("Which town held more legal publicity events in 2023: Baima in Pujiang or Yiting in Yiwu?", ["31", "12"],
     []),
    ("2023年浦江白马镇和义乌义亭镇哪个开展普法宣传活动多", ["31", "12"], []),
    ("Which township held more legal publicity events in 2023: Baima in Lishui or Yiting in Yiwu?", [], ["31"]),
    # A side named only in a report with no region, or only in another report's text.
    ("Which town held more legal publicity events in 2023, Fengle town or Baima town?", ["31", "24"], []),
    ("Which town held more legal publicity events in 2023: Fotang in Yiwu or Baima in Pujiang?", ["40", "31"],
     ["112"]),
    ("2023年丰乐镇和白马镇哪个开展普法宣传活动多", ["31", "24"], ["年丰乐镇"]),
    ("丰乐镇和佛堂镇哪个开展普法宣传活动多", ["40", "24"], []),
]


def right(answer: str, answerable: bool, said: list[str], unsaid: list[str]) -> bool:
    if not said:
        return not answerable and not any(x in answer for x in unsaid)
    return answerable and all(x in answer for x in said) and not any(x in answer for x in unsaid)


@pytest.mark.parametrize(("question", "said", "unsaid"), ITEMS)
def test_a_place_by_its_name(service: Service, question: str, said: list[str], unsaid: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    assert right(r.answer, r.answerable, said, unsaid), r.answer


def test_a_spelling_several_towns_share_lists_them(service: Service) -> None:
    r = service.ask(AskRequest(question="Which county is Huangzhai town in?"))
    assert not r.answerable and "Pujiang County (浦江县)" in r.answer and "黄宅镇" in r.answer, r.answer


@pytest.mark.parametrize("question", ["丰乐镇是哪个县的", "Which county is the Fengle town report from?"])
def test_where_a_town_lies_whose_report_has_no_region(service: Service, question: str) -> None:
    # Ten counties have a town of that name and its report names none: listed, none picked, no titles read out.
    r = service.ask(AskRequest(question=question))
    assert not r.answerable and ("10" in r.answer) and "肥西县" in r.answer, r.answer
    assert "标题" not in r.answer and "title" not in r.answer, r.answer


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("How many datasets has Yibin's health commission opened?", ["宜宾市"]),
        ("How many datasets has the Yibin health commission opened?", ["宜宾市"]),
        ("How many datasets has the Yibin Municipal health commission opened?", ["宜宾市"]),
        ("What was China's total?", []),  # no division is spelled so
        ("How many datasets has Jiaxing's health commission opened?", []),  # held: a region, not unknown
    ],
)
def test_a_city_whose_body_an_english_question_names(question: str, unknown: list[str]) -> None:
    docs = [Document(doc_id="jx", region="嘉兴市", source="jx.txt", sha256="x")]
    q = understand(question, docs)
    assert q.unknown_regions == unknown and (q.regions == ["嘉兴市"]) == (not unknown and "Jiaxing" in question)


def test_a_city_no_report_is_filed_under_is_searched_in_the_text() -> None:
    # A department's report whose region was not recognised, its city named in its text.
    docs = {"d": Document(doc_id="d", region=None, source="d.txt", sha256="x"),
            "m": Document(doc_id="m", region="绵阳市", source="m.txt", sha256="x")}
    texts = {"d": "宜宾市卫生健康委员会主动公开政府信息", "m": "绵阳市卫生健康委员会"}
    q = understand("How much information did Yibin's health commission disclose in 2022?", list(docs.values()))
    scope = scope_of(q, docs, mentioning=lambda name, ids: [i for i in ids if name in texts[i]])
    assert scope.doc_ids == ["d"] and scope.note and "宜宾市" in scope.note and "recognised" in scope.note

"""What a question asks, read cleanly: the body a question names says whose report (scope, not measure),
question words and light verbs go by word (never a character of a word), an event's date is looked up in
the text, and everyday verbs read as the report's terms (rag/question/quantities.py, rag/data/intents.yaml,
rag/data/synonyms.yaml, rag/answering/extractive.py).

Reports written for these tests (浙江 桐庐, 余杭 仓前街道; 湖北 当阳; 黑龙江 大兴安岭地区); none from a gold set."""

from __future__ import annotations

import pytest

from rag.question.quantities import asked_quantities
from rag.question.understanding import understand
from rag.schema import AskRequest, Document
from rag.service import Service
from tests.conftest import texts_service

REPORTS = {
    "tl-wjj.txt": "桐庐县卫生健康局2020年政府信息公开工作年度报告\n"
                  "本报告由桐庐县卫生健康局依据《中华人民共和国政府信息公开条例》编制。\n一、总体情况\n"
                  "2020年，本局合计主动公开政府信息1264条，其中通过政府网站公开812条，通过抖音号发布作品96条。\n"
                  "全年收到政府信息公开申请15件，其中网络申请9件，信函申请6件。已办结13件，结转下年度继续办理2件。\n"
                  "答复结果中，予以公开8件，无法提供3件。\n二、重点工作\n"
                  "自2020年7月5日起，全县实行家庭医生签约服务新政策。3月23日召开全县卫生健康工作会议，部署全年工作。"
                  "6月份开展了卫生健康事业发展规划中期评估。4月10日印发《桐庐县基层医疗机构能力提升实施方案》。\n"
                  "三、存在问题\n信息公开的及时性有待提高。\n桐庐县卫生健康局\n2021年1月25日\n",
    "tl-gov.txt": "桐庐县人民政府2020年政府信息公开工作年度报告\n"
                  "本报告由桐庐县人民政府办公室编制。\n一、总体情况\n"
                  "2020年，全县合计主动公开政府信息5120条。全年收到政府信息公开申请61件，其中网络申请40件。"
                  "已办结56件，结转下年度继续办理5件。答复结果中，无法提供11件。\n"
                  "二、存在问题\n公开深度不够。\n桐庐县人民政府\n2021年1月28日\n",
    "tl-gaj.txt": "桐庐县公安局2020年法治政府建设年度报告\n"
                  "2020年，桐庐县公安局坚持依法行政，全面推进法治公安建设。\n一、主要工作\n"
                  "全年侦破涉疫案件27起，侦破电信网络诈骗案件86起。通过抖音号发布作品320条，开展普法宣传活动45场。\n"
                  "二、存在问题\n执法规范化水平有待提升。\n桐庐县公安局\n2021年2月3日\n",
    "dy-fgj.txt": "当阳市发展和改革局2021年政府信息公开工作年度报告\n"
                  "本报告由当阳市发展和改革局编制。\n一、总体情况\n"
                  "2021年，本局主动公开政府信息430条。收到政府信息公开申请14件，其中网络申请12件，当面申请2件，"
                  "网络申请占比为85.7%。全年办结申请14件。召开政务公开培训会3次。\n"
                  "二、存在问题\n公开形式较单一。\n当阳市发展和改革局\n2022年1月20日\n",
    "dxal-xsb.txt": "大兴安岭地区行政公署办公室2025年政府信息公开工作年度报告\n"
                    "本报告由大兴安岭地区行政公署办公室编制。\n一、总体情况\n"
                    "2025年，本办主动公开政府信息2210条。收到政府信息公开申请58件，答复结果中予以公开31件，"
                    "无法提供19件，不予公开4件。\n二、存在问题\n解读质量有待提高。\n"
                    "大兴安岭地区行政公署办公室\n2026年1月15日\n",
    "yh-cq.txt": "余杭区仓前街道办事处2022年政府信息公开工作年度报告\n"
                 "2022年，仓前街道办事处坚持以人民为中心推进政务公开。\n一、主动公开情况\n"
                 "本街道主动公开政府信息228条。收到政府信息公开申请6件，已办结6件。开展政务公开业务培训4次。\n"
                 "二、存在问题\n公开渠道较少。\n余杭区仓前街道办事处\n2023年1月18日\n",
}

service = texts_service(REPORTS)

# Answerable lookups: (question, the figure or date the answer gives, a figure it must not give).
ANSWERED = [
    # A1: the body names whose report; it is not a word of the measure.
    ("桐庐县卫健委20年一共主动公开了多少条", "1264", "5120"),
    ("桐庐卫健局2020年主动公开了多少条政府信息", "1264", "5120"),
    ("桐庐县卫生健康局2020年网上申请的有几个", "9件", "40"),
    ("桐庐县政府2020年网络申请有多少件", "40件", None),
    ("桐庐县卫健委20年有多少申请没法提供", "3件", "11"),
    ("当阳发改委21年网上申请的有几个", "12件", None),
    ("当阳市发改局2021年主动公开了多少条", "430条", None),
    ("当阳发展和改革局21年办结了几件申请", "14件", None),
    ("大兴安岭行署办25年有多少申请没法提供", "19件", None),
    ("大兴安岭地区行署办2025年予以公开多少件", "31件", None),
    ("桐庐公安20年破了多少涉疫案子", "27", None),
    ("桐庐县公安局2020年破了几起电信网络诈骗案子", "86", None),
    ("桐庐公安20年抖音发了多少条", "320", "96"),
    ("桐庐卫健局20年抖音号发了多少作品", "96", "320"),
    ("仓前街道22年主动公开了多少条", "228条", None),
    ("仓前街道办事处2022年办结了几件", "6件", None),
    ("仓前街道22年开展了几次政务公开业务培训", "4次", None),
    # A4: everyday verbs for the report's.
    ("桐庐卫健局20年结转到下一年的申请有几件", "2件", "5件"),
    ("桐庐县政府20年结转到下一年的有多少件", "5件", None),
    ("当阳发改局21年网络申请占多少比例", "85.7%", None),
    ("当阳发改委2021年召开了几次政务公开培训会", "3次", None),
    # English: the body is the report's issuer, not words of the measure.
    ("How many pieces of government information did the Tonglu County health commission proactively disclose "
     "in 2020?", "1264", "5120"),
    # The body now picks the bureau's report; the English measure's own words (online applications, telecom
    # fraud) are read by the English scoring (rag/answering/matching.py), which still takes a wider figure.
    pytest.param("How many online applications did the Dangyang development and reform commission receive in 2021?",
                 "12", None, marks=pytest.mark.xfail(strict=True, reason="English measure scoring: 网络申请")),
    pytest.param("How many telecom fraud cases did the Tonglu police solve in 2020?", "86", None,
                 marks=pytest.mark.xfail(strict=True, reason="English measure scoring: 电信网络诈骗")),
    ("How many pieces of information did the Cangqian subdistrict office proactively disclose in 2022?", "228", None),
    # A3: when an event in the text happened: the sentence that says it, not the report's date.
    ("桐庐卫健局从哪天开始实行家庭医生签约服务新政策", "7月5日", "1月25日"),
    ("桐庐县卫生健康工作会议是几号开的", "3月23日", "1月25日"),
    ("桐庐卫健局20年几月份开展了中期评估", "6月", "1月25日"),
    ("桐庐县卫健局什么时候印发的《桐庐县基层医疗机构能力提升实施方案》", "4月10日", "1月25日"),
    # The report's own date stays the report's date.
    ("桐庐县卫生健康局2020年的报告是哪天签署的", "2021年1月25日", "2月3日"),
    ("当阳市发展和改革局2021年报告的落款日期是哪天", "2022年1月20日", None),
]

# Near misses: the report does not give the figure or date asked; no other figure stands in for it.
REFUSED = [
    ("桐庐县卫健委2020年收到多少件行政复议申请", ("1264", "15件", "61")),
    ("当阳发改委21年信函申请有几件", ("12件", "2件", "14件")),
    # Refused before only because the body and 破 spoilt the measure; read cleanly, it meets the clean wording's
    # open problem (桐庐县2020年侦破盗窃案件多少起 is answered with the 涉疫 figure on the old code too): the facts
    # answerer refuses it, but the passage answer takes the sentence of another kind of case (盗窃 vs 涉疫).
    pytest.param("桐庐公安20年破了多少起盗窃案子", ("27", "86"),
                 marks=pytest.mark.xfail(strict=True, reason="passage answer: another kind of case (open)")),
    ("仓前街道22年结转到下一年的有几件", ("6件",)),
    ("大兴安岭行署办25年有多少申请被驳回", ("19件", "31件", "4件")),
    ("How many administrative reconsideration cases did the Dangyang development and reform commission handle "
     "in 2021?", ("14", "12")),
    ("桐庐卫健局什么时候召开的安全生产工作会议", ("3月23日", "1月25日")),
    ("当阳发改局什么时候印发的《当阳市物价监测实施方案》", ("1月20日",)),
]


@pytest.mark.parametrize(("question", "figure", "never"), ANSWERED)
def test_an_answerable_lookup_is_answered(service: Service, question: str, figure: str, never: str | None) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and figure in r.answer, r.answer
    assert never is None or never not in r.answer, r.answer


@pytest.mark.parametrize(("question", "never"), REFUSED)
def test_a_near_miss_stays_refused(service: Service, question: str, never: tuple[str, ...]) -> None:
    r = service.ask(AskRequest(question=question))
    assert not r.answerable and not any(n in r.answer for n in never), r.answer


DOCS = [Document(doc_id=f"d{i}", region=r, year=y, source=f"{i}.txt", sha256="x")
        for i, (r, y) in enumerate([("桐庐县", 2020), ("当阳市", 2021), ("余杭区", 2022)])]


@pytest.mark.parametrize(("question", "measure"), [
    # A2: light verbs and question words go by word, never a character of a word.
    ("桐庐县2020年主动公开了多少条", "主动公开"),
    ("当阳市2021年办结了几件", "办结"),
    ("桐庐县2020年开展了几次普法活动", "开展 普法活动"),
    ("当阳市2021年召开了几次常务会议", "召开 常务会议"),
    ("当阳市2021年网络申请占多少比例", "网络申请 比例"),
    ("桐庐县2020年几月份开展了中期评估", "开展 中期评估"),
    ("桐庐县2020年公开了多少条", "公开"),
    ("桐庐县2020年搞了几场普法宣传", "普法宣传"),
    ("桐庐县2020年开了几次常务会议", "常务会议"),
    ("当阳市2021年办了几件实事", "实事"),
    ("当阳市2021年做了多少场讲座", "讲座"),
    # A1: a body's name, short or full, is scope.
    ("桐庐县卫健委2020年主动公开了多少条", "主动公开"),
    ("当阳发改委21年网络申请有几件", "网络申请"),
    ("当阳市发展和改革委员会2021年网络申请有几件", "网络申请"),
    ("桐庐公安2020年侦破了多少涉疫案件", "侦破 涉疫案件"),
    ("桐庐县公安局2020年侦破了多少涉疫案件", "侦破 涉疫案件"),
    ("余杭区仓前街道办事处2022年办结了几件", "办结"),
])
def test_the_measure_is_read_by_word(question: str, measure: str) -> None:
    ask = asked_quantities(understand(question, DOCS))[0]
    assert ask.measure == measure

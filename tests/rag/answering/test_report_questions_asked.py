"""Questions about a report as people ask them (English, colloquial Chinese), answered from its catalogue fields.

The reports are written for these tests from real divisions (山东 莒县, 江西 铅山县, 四川 成都 郫都区 and
its 犀浦街道) in the style of published pages (chrome lines, "现将本局…报告如下"); none comes from a gold set."""

from __future__ import annotations

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import texts_service

BODY = "一、主要工作\n全年办理行政复议案件12件。\n二、存在问题\n基层力量不足。\n三、下一步打算\n持续推进依法行政。\n"
REPORTS = {
    "juxian.txt": "莒县人民政府2021年法治政府建设情况报告\n发布机构：莒县人民政府办公室 发布日期：2022/02/15\n"
                  "日照市人民政府：\n现将莒县人民政府2021年法治政府建设情况报告如下：\n2021年，我县坚持依法行政。\n"
                  + BODY,
    "yanshan.txt": "发布机构：铅山县司法局 来源：铅山县人民政府办公室 时间：2024年03月05日\n"
                   "现将本局2023年法治政府建设工作情况报告如下：\n2023年，铅山县司法局坚持依法行政，全县推进。\n"
                   + BODY,
    "pidu.txt": "成都市郫都区2020年政府信息公开工作年度报告\n发布时间：2021-01-20 10:30:00\n"
                "本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。\n犀浦街道、团结街道推进公开。\n"
                + BODY,
    "xipu.txt": "犀浦街道2023年法治政府建设工作报告\n发布日期：2024-01-26\n"
                "2023年，在郫都区委、区政府的坚强领导下，犀浦街道坚持依法行政。\n" + BODY,
}


service = texts_service(REPORTS)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # English: who published, when posted, to whom, what period, which kind (yes or no).
        ("Who published Juxian's 2021 report?", ["Juxian County People's Government (莒县人民政府)"]),
        ("Who compiled Juxian's 2021 report?", ["Juxian County People's Government (莒县人民政府)"]),
        ("When was Juxian's report published?", ["2022-02-15"]),
        ("Who is Juxian's report addressed to?", ["Rizhao City People's Government (日照市人民政府)"]),
        ("What period do the figures in Pidu's report cover?", ["2020"]),
        ("Is Pidu's 2020 document a government information disclosure report?",
         ["Yes", "government information disclosure annual report (政府信息公开工作年度报告)"]),
        ("Is Juxian's 2021 document a government information disclosure report?",
         ["No", "rule-of-law government construction report"]),
        # Colloquial Chinese: the kind and the year together.
        ("郫都区那份是啥报告 哪年的", ["政府信息公开工作年度报告", "2020年"]),
        ("莒县那个报告是哪年的 啥类型的", ["法治政府建设情况报告", "2021年"]),
        # The page's source office (来源) is its own field; the issuer is the 发布机构, not "本局" of the opening.
        ("铅山县的报告来源是哪个单位", ["铅山县人民政府办公室"]),
        ("Which office is given as Yanshan's report's source?",
         ["Yanshan County People's Government Office (铅山县人民政府办公室)"]),
        ("铅山县2023年的报告是谁出具的", ["铅山县司法局"]),
        ("Who issued Yanshan's 2023 report?", ["Yanshan County Justice Bureau (铅山县司法局)"]),
        # A 街道 with a report of its own: that report answers (its 街道办事处), not its district's that names it.
        ("犀浦街道那个年报是谁出的 哪个区的", ["犀浦街道办事处", "郫都区"]),
        ("犀浦街道的报告是什么时候发布的", ["2024-01-26"]),  # as the page prints it
        ("Who issued Xipu Subdistrict's report?", ["Xipu Subdistrict Office (犀浦街道办事处)"]),
        # Two fields in one English question; the date a page shows; who compiled it, asked colloquially.
        ("When was Juxian's 2021 report published, and by whom?",
         ["2022-02-15", "Juxian County People's Government Office (莒县人民政府办公室)"]),
        ("What date does the Pidu 2020 report page show?", ["2021-01-20"]),
        ("铅山县这份2023年的报告是谁编的", ["铅山县司法局"]),
        ("Is the Yanshan 2023 report from the county government or from a department?",
         ["Yanshan County Justice Bureau (铅山县司法局)"]),
        # Posting dates however the chrome writes them.
        ("铅山县的报告是什么时候发布的", ["2024年3月5日"]),
        ("郫都区的报告什么时候发布的", ["2021-01-20"]),
        # Which body put it out, asked with the body word before the verb; a page's generation time is its posting.
        ("铅山县那份2023年的报告是哪个机关出的", ["铅山县司法局"]),
        ("犀浦街道2023年的年报是哪个机构编的", ["犀浦街道办事处"]),
        ("When was Pidu's 2020 report generated?", ["2021-01-20"]),
        # The report named in full between "when was" and "published" (its kind words read by the glossary).
        ("When was Pidu District's 2020 government information disclosure annual report published?", ["2021-01-20"]),
    ],
)
def test_report_question_as_asked(service: Service, question: str, expected: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable, r.answer
    for part in expected:
        assert part in r.answer, r.answer
    assert "未写明" not in r.answer and "not stated" not in r.answer


@pytest.mark.parametrize(
    ("question", "absent"),
    [
        ("铅山县2023年的报告是谁出具的", ["本局", "铅山县人民政府办公室"]),
        ("铅山县的报告来源是哪个单位", ["落款单位"]),
        ("犀浦街道那个年报是谁出的 哪个区的", ["2020", "未写明"]),  # the district's own report stays out
        ("犀浦街道的报告是什么时候发布的", ["2021-01-20"]),
    ],
)
def test_what_the_question_did_not_ask_stays_out(service: Service, question: str, absent: list[str]) -> None:
    answer = service.ask(AskRequest(question=question)).answer
    for part in absent:
        assert part not in answer, answer


def test_a_missing_issuer_is_said_in_plain_english(service: Service) -> None:
    answer = service.ask(AskRequest(question="Who issued Pidu's 2020 report?")).answer
    assert "does not state its issuer" in answer, answer


@pytest.mark.parametrize(
    ("question", "said", "absent"),
    [
        # A place the collection holds no report of: its report's fields are not other reports' fields.
        ("Who compiled Heqing County's 2021 report?", "no report of Heqing County (鹤庆县)", "issued by"),
        ("鹤庆县2021年的年报是谁编的", "没有鹤庆县的报告", "莒县人民政府"),
        # Where it lies is still answered from the division table.
        ("鹤庆县是哪个地区的", "大理白族自治州", "莒县人民政府"),
    ],
)
def test_fields_of_a_report_the_collection_lacks(service: Service, question: str, said: str, absent: str) -> None:
    answer = service.ask(AskRequest(question=question)).answer
    assert said in answer and absent not in answer, answer


@pytest.mark.parametrize(
    ("body", "english"),
    [
        ("正蓝旗政务服务局", "Zhenglan Banner Government Services Bureau (正蓝旗政务服务局)"),
        ("北京市人民政府", "Beijing Municipality People's Government (北京市人民政府)"),
    ],
)
def test_bodies_in_english(body: str, english: str) -> None:
    from rag.answering.report_fields import body_en

    assert body_en(body) == english

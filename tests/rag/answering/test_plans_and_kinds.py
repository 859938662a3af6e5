"""Questions about a report's plans (its plans section, summarised) and about the collection's kinds and
issuers; on small reports of real counties written for the test."""

import pytest

from rag.answering.documents import issuer_kind, report_kind
from rag.schema import AskRequest, Document
from rag.service import Service
from tests.conftest import texts_service

REPORTS = {
    # The plans section is short and follows the problems: chunks labelled with it begin with the part before.
    "tonglu-2023.txt": "桐庐县人民政府关于2023年度法治政府建设情况的报告\n2023年，桐庐县扎实推进法治政府建设。\n"
    "一、主要举措和成效\n（一）深化改革。全县27个部门单位的278项行政许可事项统一划入行政审批服务中心办理。\n"
    "（二）规范行政执法。全年开展行政执法人员培训18次。\n二、存在的问题\n一是执法人员专业素质有待提升。"
    "二是基层法治力量仍较薄弱。\n三、2024年工作打算\n一是持续深化法治政府示范创建。二是全面推行行政裁量权基准制度。"
    "三是加强基层法治队伍建设。\n桐庐县人民政府\n2024年1月15日\n",
    "anji-2023.txt": "安吉县司法局2023年度法治政府建设工作报告\n2023年，安吉县司法局全面履行法治建设职责。\n"
    "一、2023年工作开展情况\n（一）推进公共法律服务。全年办理法律援助案件412件。\n（二）加强人民调解。调处矛盾纠纷2310件。\n"
    "二、下一步工作计划\n（一）推动公共法律服务体系提质增效。\n（二）深化社区矫正规范化建设。\n（三）强化人民调解组织建设。\n"
    "安吉县司法局\n2024年1月20日\n",
    "chunan-2023.txt": "淳安县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n"
    "2023年，淳安县全年主动公开政府信息1320条，受理政府信息公开申请47件。\n"
    "二、存在的主要问题及改进情况\n一是公开内容不够全面。二是解读形式较为单一。\n淳安县人民政府办公室\n2024年1月25日\n",
}


service = texts_service(REPORTS)


@pytest.mark.parametrize(("question", "holds", "lacks"), [
    ("What is Tonglu planning for 2024?", ["示范创建", "裁量权基准", "法治队伍"], ["素质", "规范行政执法"]),
    ("桐庐24年打算干啥 重点是哪几块", ["示范创建", "裁量权基准", "法治队伍"], ["素质"]),
    ("桐庐县下一步工作安排是什么", ["示范创建", "法治队伍"], ["基层法治力量仍较薄弱"]),
    ("What does Anji's justice bureau plan to focus on next year?", ["提质增效", "社区矫正", "调解组织"],
     ["加强人民调解"]),
    ("安吉县司法局下一步打算重点抓哪些工作？", ["提质增效", "社区矫正"], ["法律援助"]),
])
def test_a_plans_question_is_answered_from_the_plans_section(
        service: Service, question: str, holds: list[str], lacks: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and r.route == "summary" and r.citations, r.answer
    assert all(h in r.answer for h in holds) and not any(x in r.answer for x in lacks), r.answer
    assert "未披露" not in r.answer


def test_a_section_merged_into_its_neighbours_chunk_is_still_found(service: Service) -> None:
    r = service.ask(AskRequest(question="桐庐县存在哪些问题？"))
    assert "素质" in r.answer and "示范创建" not in r.answer, r.answer


def test_a_figure_of_a_plan_is_still_a_lookup(service: Service) -> None:
    r = service.ask(AskRequest(question="桐庐县有多少项行政许可事项统一划入行政审批服务中心？"))
    assert r.route != "summary" and "278" in r.answer and "27个" not in r.answer.split("：")[-1], r.answer


@pytest.mark.parametrize("question", [
    "Are all of these rule-of-law reports or do you also have information-disclosure reports?",
    "哪些是政府信息公开年报",
    "有几份政府信息公开年报？",
    "收录的都是法治政府建设报告吗",
])
def test_the_collection_by_kind(service: Service, question: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and r.route == "metadata", r.answer
    assert "政府信息公开工作年度报告1份：淳安县" in r.answer and "法治政府建设报告2份" in r.answer, r.answer


@pytest.mark.parametrize("question", [
    "Which of the reports were written by a justice bureau rather than by the local government?",
    "哪些报告是司法局出具的？",
])
def test_the_collection_by_issuer(service: Service, question: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and r.route == "metadata", r.answer
    assert "司法局出具的1份：安吉县" in r.answer and "人民政府出具的2份" in r.answer, r.answer


def test_a_figure_about_disclosure_is_not_a_collection_question(service: Service) -> None:
    r = service.ask(AskRequest(question="淳安县主动公开政府信息多少条"))
    assert r.route == "lookup" and "1320" in r.answer, r.answer


@pytest.mark.parametrize(("title", "issuer", "kind", "by"), [
    ("淳安县人民政府2023年政府信息公开工作年度报告", "淳安县人民政府办公室", "政府信息公开", "人民政府"),
    ("安吉县司法局2023年度法治政府建设工作报告", None, "法治政府建设", "司法局"),
    ("建德市2023年度工作总结", None, "其他", None),
])
def test_kind_and_issuer_are_read_from_title_and_issuer(title: str, issuer: str | None, kind: str,
                                                        by: str | None) -> None:
    doc = Document(doc_id="x", title=title, issuer=issuer, source="x.txt", sha256="x")
    assert report_kind(doc) == kind and issuer_kind(doc) == by

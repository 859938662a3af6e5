"""Questions about the collection and about one report, answered from the catalogue and the gazetteer;
on small reports of real counties written for the test."""

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import texts_service
from tests.rag.question.test_follow_up_entities import REPORTS

service = texts_service(REPORTS)


@pytest.mark.parametrize("question", ["Which city and province is Zhecheng in?", "柘城县是哪个省哪个市的来着"])
def test_city_and_province_of_a_region_come_from_the_gazetteer(service: Service, question: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and r.route == "metadata" and "河南省" in r.answer and "商丘市" in r.answer, r.answer


@pytest.mark.parametrize("question", ["Which years do the reports cover?",
                                      "Is there any county with reports for two different years?"])
def test_years_the_collection_covers_and_regions_with_several(service: Service, question: str) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable and "2022" in r.answer and "2023" in r.answer and "宁陵县" in r.answer, r.answer


def test_a_question_about_one_report_without_a_region_lists_no_other_reports_fields(service: Service) -> None:
    r = service.ask(AskRequest(question="这份报告是谁签发的？"))
    assert not r.answerable and "歙县司法局" not in r.answer and "哪一份报告" in r.answer
    assert r.answer.count("报告的落款单位") <= 1

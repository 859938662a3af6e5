"""Sub-unit scopes, count-versus-rate asks, listed parts, carried years and bounded rankings, on small
reports written for these tests (not taken from any gold set)."""

from __future__ import annotations

from rag.domain.catalogue import load_catalogue
from rag.question.quantities import asked_quantities
from rag.question.understanding import understand
from rag.schema import Document
from rag.service import Service
from tests.conftest import ask, numbers, texts_service

DOCS = [Document(doc_id=f"d{i}", region=r, year=y, source=f"{i}.txt", sha256="x")
        for i, (r, y) in enumerate([("德清县", 2023), ("兰考县", 2023), ("德清县", 2022)])]

REPORTS = {
    "deqing-2022.txt": "德清县人民政府关于2022年度法治政府建设情况的报告\n"
    "一、主要举措和成效\n（一）法律服务。全年办理法律援助案件410件，培训执法人员1200人次。\n"
    "德清县人民政府\n2023年1月20日\n",
    "deqing-2023.txt": "德清县人民政府关于2023年度法治政府建设情况的报告\n"
    "一、主要举措和成效\n（一）法律服务。全年办理法律援助案件520件，培训执法人员1500人次。\n"
    "（二）行政执法。全县行政执法机关办理行政处罚案件800件，其中县市场监督管理局办理210件。\n"
    "德清县人民政府\n2024年1月18日\n",
    "lankao-2023.txt": "兰考县人民政府关于2023年度法治政府建设情况的报告\n"
    "一、主要举措和成效\n（一）法律服务。全年办理法律援助案件77件，培训执法人员900人次。\n"
    "（二）行政执法。全县办理行政处罚案件500件，其中兰考镇综合行政执法队办理60件。\n"
    "兰考县人民政府\n2024年1月10日\n",
    "anji-2023.txt": "安吉县人民政府关于2023年度法治政府建设情况的报告\n"
    "一、主要举措和成效\n（一）法律服务。全年培训执法人员2100人次。\n"
    "安吉县人民政府\n2024年1月25日\n",
}


service = texts_service(REPORTS)




def test_a_year_before_a_town_is_not_part_of_its_name() -> None:
    asked = asked_quantities(understand("德清县2023年武康街道人民调解委员会调解了多少件纠纷？", DOCS))[0]
    assert asked.subunit == "武康街道"
    assert "武康街道" not in asked.measure  # the town is the scope, not words of the measure


def test_a_town_sharing_the_countys_name_is_a_subunit() -> None:
    asked = asked_quantities(understand("兰考镇综合行政执法队2023年办理了多少件行政处罚案件？", DOCS))[0]
    assert asked.subunit == "兰考镇"


def test_a_count_is_not_asked_as_a_rate() -> None:
    rates = {k for k, m in load_catalogue().metrics.items() if m.kind == "rate"}
    count = asked_quantities(understand("德清县2023年人民调解成功了多少件？", DOCS))[0]
    assert not set(count.metrics) & rates
    rate = asked_quantities(understand("德清县2023年人民调解成功率是多少？", DOCS))[0]
    assert set(rate.metrics) & rates


def test_items_listed_with_a_pause_mark_share_theask() -> None:
    asks = asked_quantities(understand("德清县2023年办理人大代表建议、政协委员提案各多少件，办复率多少？", DOCS))
    assert [a.focus for a in asks[:2]] == ["人大代表建议", "政协委员提案"]
    assert len(asks) == 3 and asks[2].wants_rate


def test_a_short_first_item_is_still_an_item() -> None:
    asks = asked_quantities(understand("德清县2023年案卷评查一共评了多少卷？优秀和不合格的各有多少？", DOCS))
    assert [a.focus for a in asks[1:]] == ["优秀", "不合格"]
    assert all(a.context == asks[0].measure for a in asks[1:])


def test_a_town_sharing_the_countys_name_is_answered_with_its_own_figure(service: Service) -> None:
    town = ask(service, "兰考县兰考镇综合行政执法队2023年办理了多少件行政处罚案件？")
    assert town.answerable and "60" in numbers(town.answer) and "500" not in numbers(town.answer)


def test_a_bureau_named_in_the_question_is_answered_with_the_bureaus_figure(service: Service) -> None:
    bureau = ask(service, "德清县2023年县市场监督管理局办理了多少件行政处罚案件？")
    assert bureau.answerable and "210" in numbers(bureau.answer) and "800" not in numbers(bureau.answer)


def test_a_carried_year_gives_way_when_the_new_region_has_no_report_of_it(service: Service) -> None:
    first = ask(service, "德清县2022年办理了多少件法律援助案件？")
    assert "410" in numbers(first.answer)
    other = ask(service, "那兰考县呢？", first.session_id)
    assert other.answerable and "77" in numbers(other.answer) and "2023" in other.answer


def test_which_years_a_region_has_reports_for(service: Service) -> None:
    years = ask(service, "德清县有哪几年的法治政府建设报告？")
    assert years.route == "metadata" and {"2022", "2023"} <= numbers(years.answer)
    assert "2024" not in numbers(years.answer)


def test_a_ranking_outside_the_catalogue_reads_at_most_the_set_number_of_reports(service: Service) -> None:
    question = "哪个地区培训执法人员的人次最多？"
    every = ask(service, question)
    assert every.answerable and every.answer.startswith("安吉县") and "读取了其中" not in every.answer
    service.parts.settings.facts_scan_reports = 2
    try:
        bounded = ask(service, question)
    finally:
        service.parts.settings.facts_scan_reports = 20
    assert "读取了其中2份" in bounded.answer
    assert len([r for r in bounded.table.rows if r.value is not None]) <= 2

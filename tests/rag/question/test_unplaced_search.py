"""No invisible report: asked about a place no report is filed under, the reports whose region was not
recognised are searched for its name before the answer says there is none (rag/question/scope.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.question.scope import select
from rag.schema import AskRequest, Document
from rag.service import Service
from tests.conftest import build_service

# Written for the test: a report that names its county once (so no region is detected) and one that is
# filed under another county.
REPORTS = {
    "report-a.txt": "今年以来，我们坚持依法行政，推进各项工作。\n一、主要举措\n"
                    "全年办结行政复议案件37件，纠错率8.1%。\n二、下一步打算\n按照临泽县委部署，持续推进。\n",
    "pingyao-2022.txt": "平遥县2022年法治政府建设情况报告\n2022年，平遥县坚持依法行政。\n一、主要举措\n"
                        "全年办结行政复议案件52件。\n",
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    folder: Path = tmp_path_factory.mktemp("reports")
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    svc = build_service(tmp_path_factory.mktemp("store"), folder)
    yield svc
    svc.close()


def test_the_report_naming_the_place_answers_with_a_note(service: Service) -> None:
    assert {d.doc_id: d.region for d in service.store.list_documents()} == {"report-a": None, "pingyao-2022": "平遥县"}
    r = service.ask(AskRequest(question="临泽县办结了多少件行政复议案件？"))
    assert r.answerable and "37" in r.answer
    assert "未能识别" in r.answer and "临泽县" in r.answer
    assert "report-a" not in r.answer


def test_a_place_no_report_names_is_still_refused(service: Service) -> None:
    r = service.ask(AskRequest(question="婺源县办结了多少件行政复议案件？"))
    assert not r.answerable and "婺源县" in r.answer


def _doc(doc_id: str, region: str | None) -> Document:
    return Document(doc_id=doc_id, region=region, source=f"{doc_id}.txt", sha256="x")


def test_a_refusal_names_a_few_regions_and_counts_the_rest() -> None:
    docs = {f"d{i}": _doc(f"d{i}", name) for i, name in enumerate(
        ["平遥县", "临泽县", "婺源县", "荔波县", "介休市", "灵石县", "寿阳县", "祁县", "左权县", "榆社县"])}
    scope = select(docs, [], [], unknown_regions=["和顺县"], mentioning=lambda name, ids: [])
    assert scope.refusal is not None and "等10个地区" in scope.refusal
    assert scope.refusal.count("、") < 10

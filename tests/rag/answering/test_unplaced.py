"""Reports without a region stay out of rankings, which say how many were left out; the console flags them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import build_service
from tests.rag.answering.test_comparisons import REPORTS

# A file with no heading and no place name, carrying a figure that would top the ranking.
NO_REGION = {"noheading.txt": "全年办结行政复议案件900件，纠错率50%。\n", "abcd.txt": "复议"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    folder: Path = tmp_path_factory.mktemp("reports")
    for name, text in {**REPORTS, **NO_REGION}.items():
        (folder / name).write_text(text, encoding="utf-8")
    svc = build_service(tmp_path_factory.mktemp("store"), folder)
    yield svc
    svc.close()


def test_a_document_without_region_is_left_out_of_a_ranking_with_a_note(service: Service) -> None:
    unplaced = [d for d in service.store.list_documents() if not d.region]
    assert {d.doc_id for d in unplaced} == {"noheading", "abcd"}
    r = service.ask(AskRequest(question="哪个地区办结的行政复议案件最多？"))
    assert r.route == "aggregate" and r.answer.startswith("和县")
    assert "900" not in r.answer and "noheading" not in r.answer
    assert {row.region for row in r.table.rows} == {"邓州市", "和县", "黟县"}
    assert f"另有{len(unplaced)}份报告没有识别出所属地区" in r.answer


def test_documents_without_region_are_flagged_for_correction(service: Service) -> None:
    docs = {d.doc_id: d for d in service.store.list_documents()}
    assert docs["noheading"].needs_correction == ["no_region"]
    assert docs["dengzhou-2022"].needs_correction == []
    fixed = service.store.update_metadata("noheading", {"region": "邓州市"})
    assert fixed is not None and fixed.needs_correction == []
    service.store.update_metadata("noheading", {"region": None})

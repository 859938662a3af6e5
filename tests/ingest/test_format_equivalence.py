"""The same reports as GBK html, docx and pdf give the same sections, metadata and answers as the txt."""

import json
from pathlib import Path

import pytest

from ingest.clean import normalize_for_match
from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import all_chunks, build_service
from tests.corpus import CORPUS

GOLD = Path(__file__).resolve().parents[2] / "evals" / "gold" / "dev.jsonl"
FORMATS = ("html", "docx", "pdf")


def _probe_questions() -> list[str]:
    """Single-turn questions from the gold file, used only as probes: answers are compared across formats."""
    items = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [i["question"] for i in items if not i.get("history") and i["kind"] in {"lookup", "metadata", "summary"}]


@pytest.fixture(scope="module")
def txt_service(tmp_path_factory: pytest.TempPathFactory) -> Service:
    service = build_service(tmp_path_factory.mktemp("txt"), CORPUS)
    yield service
    service.close()


@pytest.fixture(scope="module", params=FORMATS)
def format_service(request, rendered, tmp_path_factory: pytest.TempPathFactory) -> Service:
    files = [r.files[request.param] for r in rendered.values()]
    service = build_service(tmp_path_factory.mktemp(request.param), files)
    yield service
    service.close()


def _paths(service: Service) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for chunk in all_chunks(service.store):
        paths = out.setdefault(chunk.doc_id, [])
        if chunk.section and chunk.section not in paths:
            paths.append(chunk.section)
    return out


def test_same_sections(txt_service: Service, format_service: Service) -> None:
    assert _paths(format_service) == _paths(txt_service)


def _signed_by(doc) -> str | None:
    """The issuer the report itself states; the HTML page's chrome (来源：区司法局) names one the txt lacks."""
    return None if doc.provenance.get("issuer", {}).get("source") == "chrome" else doc.issuer


def test_same_metadata(txt_service: Service, format_service: Service) -> None:
    fields = ("region", "level", "city", "province", "year", "date")
    want = {d.doc_id: {**{f: getattr(d, f) for f in fields}, "issuer": _signed_by(d)}
            for d in txt_service.store.list_documents()}
    got = {d.doc_id: {**{f: getattr(d, f) for f in fields}, "issuer": _signed_by(d)}
           for d in format_service.store.list_documents()}
    assert got == want


def test_same_answers(txt_service: Service, format_service: Service) -> None:
    for question in _probe_questions():
        want = txt_service.ask(AskRequest(question=question))
        got = format_service.ask(AskRequest(question=question))
        assert got.answerable == want.answerable, question
        assert normalize_for_match(got.answer) == normalize_for_match(want.answer), question

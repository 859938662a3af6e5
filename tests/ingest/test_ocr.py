"""Scanned copies of the five reports (image-only PDFs made here) read like their text originals.

The scans are typeset from the corpus text with a Debian CJK font, skewed, blurred, speckled, with a
running header, page numbers and a red seal on the last page (tests/scans.py); OCR of all five runs
once per module. Sections, metric rows and the dev gold answers are compared with the txt store.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from evals.harness import load_gold, run
from ingest.errors import IngestError
from ingest.loaders import load
from ingest.ocr import OcrOptions, engine_available
from ingest.pipeline import ingest
from rag.schema import AskRequest
from rag.service import Service
from rag.settings import Settings
from tests.conftest import all_chunks, build_service
from tests.corpus import CORPUS, REPORTS
from tests.scans import blank_scan, make_scan, typeset

pytestmark = pytest.mark.skipif(not engine_available(), reason="rapidocr-onnxruntime is not installed")

GOLD = Path(__file__).resolve().parents[2] / "evals" / "gold" / "dev.jsonl"
OPTIONS = OcrOptions(threads=2)


def _key(text: str) -> str:
    """OCR cannot tell a half-width comma or bracket from a full-width one in print: compare NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scans")
    return {
        report.stem: make_scan(load(report).text, folder / f"{report.stem}.pdf", seed=n)
        for n, report in enumerate(REPORTS)
    }


@pytest.fixture(scope="module")
def txt_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = build_service(tmp_path_factory.mktemp("txt"), CORPUS)
    yield service
    service.close()


@pytest.fixture(scope="module")
def scan_service(scans: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = Service(Settings(store=tmp_path_factory.mktemp("scan"), embedding_model="none"))
    results = ingest(service.store, list(scans.values()), ocr=OPTIONS)
    assert all(r.status == "added" for r in results), [(r.path.name, r.reason) for r in results]
    yield service
    service.close()


def _paths(service: Service) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for chunk in all_chunks(service.store):
        paths = out.setdefault(chunk.doc_id, [])
        if chunk.section and _key(chunk.section) not in paths:
            paths.append(_key(chunk.section))
    return out


def _metric_keys(service: Service) -> set[tuple]:
    return {(m.doc_id, m.metric, m.value, m.unit, m.region, m.year) for m in service.store.metric_rows()}


def test_scans_have_no_text_layer(scans: dict[str, Path]) -> None:
    import pypdf

    for path in scans.values():
        assert all(not page.extract_text().strip() for page in pypdf.PdfReader(path).pages)


def test_same_section_paths(txt_service: Service, scan_service: Service) -> None:
    assert _paths(scan_service) == _paths(txt_service)


def test_same_metadata(txt_service: Service, scan_service: Service) -> None:
    """Issuer and signing date sit under the seal on the last page: the seal must not garble them."""
    fields = ("region", "level", "city", "province", "year", "date", "issuer")
    want = {d.doc_id: {f: getattr(d, f) for f in fields} for d in txt_service.store.list_documents()}
    got = {d.doc_id: {f: getattr(d, f) for f in fields} for d in scan_service.store.list_documents()}
    assert got == want


def test_metric_rows_mostly_equal(txt_service: Service, scan_service: Service) -> None:
    want, got = _metric_keys(txt_service), _metric_keys(scan_service)
    kept = len(want & got) / len(want)
    assert kept >= 0.95, sorted(want - got)[:20]


def test_dev_gold_answers_within_five_points(txt_service: Service, scan_service: Service) -> None:
    gold = load_gold(GOLD)
    want, got = run(txt_service, gold), run(scan_service, gold)
    assert got.accuracy >= want.accuracy - 0.05, [f.id for f in got.failures]


def test_documents_count_ocr_pages(scan_service: Service) -> None:
    for doc in scan_service.store.list_documents():
        assert doc.pages and doc.ocr_pages == doc.pages, doc


def test_chunks_and_citations_carry_ocr_provenance(scan_service: Service) -> None:
    chunks = all_chunks(scan_service.store)
    assert all(c.ocr and c.page and 0.5 < (c.ocr_confidence or 0) <= 1 for c in chunks)
    by_doc: dict[str, list[int]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c.page or 0)
    assert all(pages == sorted(pages) and pages[-1] > 1 for pages in by_doc.values()), by_doc
    response = scan_service.ask(AskRequest(question="泗阳县2023年办结了多少件行政复议案件？"))
    assert response.citations and all(c.ocr and c.page and c.ocr_confidence for c in response.citations)


def test_seal_and_page_furniture_are_not_text(txt_service: Service, scan_service: Service) -> None:
    for doc in scan_service.store.list_documents():
        text = scan_service.store.get_document_row(doc.doc_id)["text"]
        original = txt_service.store.get_document_row(doc.doc_id)["text"]
        assert "专用章" not in text
        assert text.count("法治政府建设年度报告") == original.count("法治政府建设年度报告")
        assert not any(line.strip().startswith("-") and line.strip().endswith("-") for line in text.splitlines())


def test_mixed_pdf_ocrs_only_the_scanned_page(tmp_path: Path) -> None:
    """Page 1 typeset with a text layer, page 2 a scan: only page 2 is OCR'd, both are read."""
    text = load(REPORTS[0]).text
    pages = typeset(text)
    mixed = tmp_path / "mixed.pdf"
    canvas = Canvas(str(mixed), pagesize=A4)
    canvas.setFont("Helvetica", 11)
    for n, line in enumerate(["Page one has a text layer of its own.", "It is long enough to be read as text."]):
        canvas.drawString(72, 760 - 16 * n, line)
    canvas.showPage()
    canvas.drawImage(str(_png(pages[1], tmp_path)), 0, 0, width=A4[0], height=A4[1])
    canvas.showPage()
    canvas.save()
    seen: list[tuple[int, int]] = []
    loaded = load(mixed, ocr=OcrOptions(threads=2, on_page=lambda done, total: seen.append((done, total))))
    assert seen == [(1, 1)]
    assert loaded.ocr_confidence[0] is None and (loaded.ocr_confidence[1] or 0) > 0.8
    assert loaded.ocr_pages == 1
    assert "Page one has a text layer" in loaded.text
    first, second = loaded.page_spans
    assert first[1] <= second[0] and "text layer" in loaded.text[first[0] : first[1]]
    assert len(_key(loaded.text[second[0] : second[1]])) > 500


def _png(image, folder: Path) -> Path:
    path = folder / "page.png"
    image.save(path)
    return path


def test_blank_scan_is_a_clear_error(tmp_path: Path) -> None:
    path = blank_scan(tmp_path / "blank-scan.pdf")
    with pytest.raises(IngestError) as caught:
        load(path, ocr=OPTIONS)
    assert caught.value.path == path
    assert "blank-scan.pdf" in str(caught.value) and "OCR found no text" in str(caught.value)


def test_page_limit_is_enforced(tmp_path: Path) -> None:
    path = make_scan(load(REPORTS[0]).text, tmp_path / "long-scan.pdf")
    with pytest.raises(IngestError, match="over the OCR limit of 1"):
        load(path, ocr=OcrOptions(max_pages=1))


def test_ocr_disabled_keeps_the_old_refusal(tmp_path: Path) -> None:
    path = blank_scan(tmp_path / "scan.pdf")
    with pytest.raises(IngestError, match=r"no text layer.*OCR is not available"):
        load(path, ocr=OcrOptions(enabled=False))

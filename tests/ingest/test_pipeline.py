import shutil
from pathlib import Path

from ingest.pipeline import doc_id_for, ingest
from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import all_chunks, build_service
from tests.corpus import REPORTS

CHROME = ("网站地图", "备案号", "您的位置", "当前位置", "技术支持", "点击:")


def test_corpus_documents_have_region_and_year(corpus_service: Service) -> None:
    docs = {d.doc_id: d for d in corpus_service.store.list_documents()}
    assert set(docs) == {p.stem for p in REPORTS}
    for stem, doc in docs.items():
        assert doc.region and doc.region[-1] in "区县市旗" and doc.province and doc.level
        assert doc.year == int(stem.rsplit("-", 1)[1])
        assert doc.chunks > 5


def test_no_site_chrome_in_any_chunk(corpus_service: Service) -> None:
    for chunk in all_chunks(corpus_service.store):
        for marker in CHROME:
            assert marker not in chunk.text, (chunk.chunk_id, marker)


def test_every_chunk_has_been_embedded(corpus_service: Service) -> None:
    assert corpus_service.store.unembedded_chunks() == []


def test_reingest_is_idempotent_and_a_changed_file_replaces_its_chunks(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in REPORTS[:2]:
        shutil.copy(p, corpus / p.name)
    service = build_service(tmp_path / "store", corpus)
    version = service.store.version()
    chunks = [c.chunk_id for c in all_chunks(service.store)]
    again = ingest(service.store, [corpus])
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert service.store.version() == version and [c.chunk_id for c in all_chunks(service.store)] == chunks

    target = corpus / REPORTS[0].name
    target.write_text(target.read_text(encoding="utf-8") + "\n附:全年新增示范点12个。\n", encoding="utf-8")
    changed = ingest(service.store, [target])
    assert changed[0].status == "updated"
    doc_chunks = [c for c in all_chunks(service.store) if c.doc_id == doc_id_for(target)]
    assert any("示范点12个" in c.text for c in doc_chunks)
    assert len({c.chunk_id for c in doc_chunks}) == len(doc_chunks)
    assert len(service.store.list_documents()) == 2
    service.close()


def test_a_corrupt_file_fails_alone(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPORTS[0], corpus / REPORTS[0].name)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf \x00\x01")
    (corpus / "broken.docx").write_bytes(b"not a zip")
    (corpus / "empty.txt").write_bytes(b"")
    settings_service = build_service(tmp_path / "store", [corpus / REPORTS[0].name])
    results = {r.path.name: r for r in ingest(settings_service.store, [corpus])}
    assert results[REPORTS[0].name].status == "unchanged"
    for name in ("broken.pdf", "broken.docx", "empty.txt"):
        assert results[name].status == "failed" and results[name].reason, name
    assert [d.doc_id for d in settings_service.store.list_documents()] == [REPORTS[0].stem]
    settings_service.close()


def test_same_content_under_another_name_is_a_duplicate(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPORTS[0], corpus / "a.txt")
    shutil.copy(REPORTS[0], corpus / "b.txt")
    service = build_service(tmp_path / "store", [corpus / "a.txt"])
    result = ingest(service.store, [corpus / "b.txt"])[0]
    assert result.status == "duplicate" and result.doc_id == "a"
    service.close()


def test_ask_on_empty_store_says_nothing_is_ingested(tmp_path: Path) -> None:
    service = build_service(tmp_path / "store", [])
    response = service.ask(AskRequest(question="泗阳县办结了多少件行政复议案件？"))
    assert response.answerable is False and "导入" in response.answer
    service.close()

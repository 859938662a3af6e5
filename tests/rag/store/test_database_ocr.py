"""OCR provenance in the store: kept per chunk and metric row, and added to a store made before it existed."""

import sqlite3

from rag.schema import MetricRow
from rag.store.database import SCHEMA, ChunkRow, Store
from tests.conftest import all_chunks


def _doc() -> dict:
    return {"doc_id": "d1", "source": "d1.pdf", "sha256": "a" * 64, "fmt": "pdf", "pipeline": "1",
            "title": "标题", "region": "甲县", "year": 2023, "pages": 3, "ocr_pages": 2, "text": "正文"}


def test_provenance_round_trips(tmp_path) -> None:
    store = Store(tmp_path)
    chunks = [ChunkRow("d1:0", "d1", 0, "一、成效", "文字", 0, 2, ("文字",), 1, False, None),
              ChunkRow("d1:1", "d1", 1, "一、成效", "扫描", 2, 4, ("扫描",), 2, True, 0.93)]
    row = MetricRow(metric="m", label="指标", value=5, unit="件", doc_id="d1", ocr_low_confidence=True)
    store.replace_document(_doc(), chunks, [row])
    assert [(c.page, c.ocr, c.ocr_confidence) for c in all_chunks(store)] == [(1, False, None), (2, True, 0.93)]
    assert store.metric_rows()[0].ocr_low_confidence is True
    assert store.list_documents()[0].ocr_pages == 2


def test_a_store_from_before_ocr_gains_the_columns_and_keeps_its_rows(tmp_path) -> None:
    # SCHEMA is the catalogue as first released; the OCR columns are added by Store on open.
    assert "ocr_confidence" not in SCHEMA
    db = sqlite3.connect(tmp_path / "catalog.sqlite")
    db.executescript(SCHEMA)
    db.execute("INSERT INTO documents(doc_id, source, sha256, text) VALUES('old', 'old.txt', 'b', '正文')")
    db.execute('INSERT INTO chunks(chunk_id, doc_id, ord, section, text, start, "end", tokens) '
               "VALUES('old:0', 'old', 0, '', '正文', 0, 2, '正文')")
    db.commit()
    db.close()
    store = Store(tmp_path)
    assert [(c.chunk_id, c.page, c.ocr, c.ocr_confidence) for c in all_chunks(store)] == [("old:0", None, False, None)]
    store.replace_document(_doc(), [ChunkRow("d1:0", "d1", 0, "", "扫描", 0, 2, ("扫描",), 1, True, 0.9)], [])
    assert {c.chunk_id: c.ocr for c in all_chunks(store)} == {"d1:0": True, "old:0": False}

"""A full or failing store disk: clear 507/503 answers, never a 500 or an empty 200; nothing lost."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from rag.store.database import StorageError, Store
from tests.conftest import build_service
from tests.corpus import report_text

ADMIN = {"Authorization": "Bearer test-token"}


def _fill(db: sqlite3.Connection, table: str | None = None) -> None:
    """Fill the database at its size (and `table`'s pages): SQLite then fails writes with SQLITE_FULL,
    as on a full disk."""
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0] + 8}")
    db.execute("CREATE TABLE IF NOT EXISTS filler(x BLOB)")
    n = 0
    for size in (4000, 500, 50, 1):
        with pytest.raises(sqlite3.OperationalError, match="full"):
            while True:
                db.execute("INSERT INTO filler VALUES(randomblob(?))", (size,))
        if table is None:
            continue
        with pytest.raises(sqlite3.OperationalError, match="full"):
            while True:
                n += 1
                db.execute(f"INSERT INTO {table}(id, context, updated) VALUES(?, ?, 0)", (f"filler{n}", "x" * size))


def _free(db: sqlite3.Connection, table: str | None = None) -> None:
    db.execute("DROP TABLE IF EXISTS filler")
    if table:
        db.execute(f"DELETE FROM {table} WHERE id LIKE 'filler%'")
    db.execute("PRAGMA max_page_count = 1073741823")


def test_a_full_disk_write_is_a_storage_error_not_cannot_rollback(tmp_path) -> None:
    # SQLite rolls a transaction back itself when the disk fills; the store's own ROLLBACK then raised
    # "cannot rollback - no transaction is active", hiding the cause and making every door answer 500.
    store = Store(tmp_path)
    doc = {"doc_id": "a", "source": "a.txt", "sha256": "a" * 64, "fmt": "txt", "pipeline": "1", "title": "标题",
           "region": "甲县", "level": "县", "year": 2023, "text": "正文"}
    store.replace_document(doc, [], [])
    _fill(store._db)
    with pytest.raises(StorageError) as raised:
        store.replace_document({**doc, "doc_id": "b", "sha256": "b" * 64, "text": "正文" * 200_000}, [], [])
    assert raised.value.full and "disk is full" in raised.value.reason
    assert [d.doc_id for d in store.list_documents()] == ["a"]  # nothing half-written, nothing lost
    _free(store._db)
    store.replace_document({**doc, "doc_id": "b", "sha256": "b" * 64}, [], [])  # recovers once space is freed
    assert [d.doc_id for d in store.list_documents()] == ["a", "b"]


def test_a_full_disk_answers_507_with_a_clear_message_never_a_500_or_an_empty_stream(tmp_path) -> None:
    service = build_service(tmp_path)
    with TestClient(create_app(service.settings, service), raise_server_exceptions=False) as client:
        before = client.get("/api/documents").json()
        _fill(service.store._db)
        _fill(service.sessions._db, "sessions")
        big = ("\n".join([report_text("siyang-2023")] * 20)).encode()
        upload = client.post("/api/documents", files={"file": ("new.txt", big, "text/plain")}, headers=ADMIN)
        assert upload.status_code == 507 and "disk is full" in upload.json()["detail"]
        question = {"question": "泗阳县办结了多少件行政复议案件？", "session_id": "full-disk"}
        for route in ("/api/ask", "/api/chat"):
            answer = client.post(route, json=question)
            assert answer.status_code == 507, (route, answer.status_code, answer.text[:200])
            assert "disk is full" in answer.json()["detail"]
        assert client.get("/api/documents").json() == before  # nothing lost
        _free(service.store._db)
        _free(service.sessions._db, "sessions")
        assert client.post("/api/documents", files={"file": ("new.txt", big, "text/plain")},
                           headers=ADMIN).status_code == 200
        assert client.post("/api/ask", json=question).status_code == 200
    service.close()

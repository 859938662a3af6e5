"""The audit trail's table in the catalogue: written without touching the store version, refusals bounded,
and carried over a restore that replaced the catalogue with an older backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rag.store import audit
from rag.store.database import Store


def test_entries_round_trip_without_bumping_the_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    version = store.version()
    written = store.audit.record("张三", "document.correct", "d1", actor_id="ab12", request_id="r1",
                                 before={"year": 2023}, after={"year": 2021}, detail={"sent": {"year": 2021}})
    assert store.audit.entries() == [written] and store.version() == version
    assert store.audit.entries(action="document") == [written] and store.audit.entries(action="doc") == []
    assert store.audit.entries(action="document_") == []  # LIKE wildcards in a filter are literal
    assert store.audit.entries(actor="ab12") == store.audit.entries(actor="张三") == [written]
    store.close()


def test_only_the_newest_refusals_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "MAX_REFUSED", 3)
    store = Store(tmp_path / "s")
    kept = store.audit.record("张三", "document.upload", "d1")
    for n in range(5):
        store.audit.record("(unidentified)", "document.delete", f"/api/documents/{n}", outcome="refused")
    refused = store.audit.entries(outcome="refused")
    assert [e.target for e in refused] == ["/api/documents/4", "/api/documents/3", "/api/documents/2"]
    assert store.audit.entries(outcome="ok") == [kept]  # accepted actions are never pruned
    store.close()


def test_a_restore_keeps_what_happened_after_the_backup(tmp_path: Path) -> None:
    live = Store(tmp_path / "live")
    live.audit.record("张三", "document.upload", "d1", request_id="a")
    backup = tmp_path / "backup"
    backup.mkdir()
    with sqlite3.connect(backup / "catalog.sqlite") as copy:
        live._db.backup(copy)  # what a backup holds: the trail as it was
    live.audit.record("李四", "document.delete", "d1", request_id="b", before={"region": "立山区"})
    live.audit.record("李四", "document.upload", "d2", request_id="c")
    before_restore = live.audit.entries(limit=None)
    live.close()

    restored = Store(backup)
    assert len(restored.audit.entries()) == 1
    assert restored.audit.carry_over(before_restore) == 2
    assert restored.audit.carry_over(before_restore) == 0  # idempotent
    assert [e.model_dump(exclude={"id"}) for e in restored.audit.entries()] == [
        e.model_dump(exclude={"id"}) for e in before_restore]
    restored.close()

"""Conversation state: written on every answer, so the write must not wait for the disk."""

from __future__ import annotations

from rag.question.understanding import Context
from rag.store.sessions import Sessions


def test_a_turn_is_committed_without_an_fsync_and_read_back(tmp_path) -> None:
    sessions = Sessions(tmp_path / "sessions.sqlite")
    try:
        assert sessions._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert sessions._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL, not FULL (2)
        sessions.put("s1", Context(question="安吉县2024年新收多少件行政复议案件？", regions=["安吉县"], years=[2024]))
    finally:
        sessions.close()
    reopened = Sessions(tmp_path / "sessions.sqlite")
    try:
        assert reopened.get("s1").regions == ["安吉县"] and reopened.get("s1").years == [2024]
    finally:
        reopened.close()

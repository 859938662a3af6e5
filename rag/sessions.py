"""Conversation state in SQLite, so follow-ups (其中… / 那朝阳区呢？) resolve across requests and restarts."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import asdict
from pathlib import Path

from rag.understand import Context


class Sessions:
    def __init__(self, path: Path, ttl_s: float = 24 * 3600) -> None:
        self._ttl = ttl_s
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, context TEXT NOT NULL, updated REAL NOT NULL)"
        )

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def get(self, session_id: str) -> Context:
        with self._lock:
            row = self._db.execute(
                "SELECT context FROM sessions WHERE id=? AND updated>?", (session_id, time.time() - self._ttl)
            ).fetchone()
        return Context(**json.loads(row[0])) if row else Context()

    def put(self, session_id: str, context: Context) -> None:
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT INTO sessions(id, context, updated) VALUES(?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET context=excluded.context, updated=excluded.updated",
                (session_id, json.dumps(asdict(context), ensure_ascii=False), now),
            )
            self._db.execute("DELETE FROM sessions WHERE updated<?", (now - self._ttl,))

    def close(self) -> None:
        with self._lock:
            self._db.close()

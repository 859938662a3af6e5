"""Remember recently seen delivery ids so a platform's retries are answered once.

Slack retries an event up to three times and WeCom retries a message it got no answer for within
5 s; both send the same id again (`event_id`, `MsgId`). Ids are kept for `ttl_s` in SQLite (a file
in the store, shared by every worker process and kept across restarts), so a retry that reaches
another process, or arrives after a restart, is still recognised. Without a path (tests, one-off
tools) they are kept in memory only.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

DEDUP_FILE = "bot_deliveries.sqlite"  # in the store directory
# Expired ids are swept every this many inserts: a sweep per message would cost a write for nothing.
SWEEP_EVERY = 100


class RecentIds:
    def __init__(self, path: Path | None = None, *, ttl_s: float = 600.0, max_items: int = 100_000,
                 clock: Callable[[], float] = time.time) -> None:
        self._ttl = ttl_s
        self._max = max_items
        self._clock = clock
        self._lock = threading.Lock()
        self._inserts = 0
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # timeout: another process holding the write lock for a moment makes us wait, not fail
        self._db = sqlite3.connect(":memory:" if path is None else str(path), check_same_thread=False,
                                   isolation_level=None, timeout=10)
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, at REAL NOT NULL)")
        self._db.execute("CREATE INDEX IF NOT EXISTS seen_at ON seen(at)")

    def first_time(self, key: str) -> bool:
        """True the first time `key` is offered within the TTL; False for a repeat (in any process)."""
        now = self._clock()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT at FROM seen WHERE key=?", (key,)).fetchone()
                fresh = row is None or now - row[0] > self._ttl
                if fresh:
                    self._db.execute("INSERT OR REPLACE INTO seen(key, at) VALUES(?, ?)", (key, now))
                    self._inserts += 1
                    if self._inserts % SWEEP_EVERY == 0:
                        self._sweep(now)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return fresh

    def _sweep(self, now: float) -> None:
        self._db.execute("DELETE FROM seen WHERE at < ?", (now - self._ttl,))
        self._db.execute("DELETE FROM seen WHERE key IN (SELECT key FROM seen ORDER BY at DESC LIMIT -1 OFFSET ?)",
                         (self._max,))

    def __len__(self) -> int:
        with self._lock:
            self._sweep(self._clock())
            return int(self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

"""Conversation state in SQLite, so follow-ups (其中… / 那朝阳区呢？) resolve across requests and restarts.

The doors never take a conversation id a client made up: `mint(client)` issues `<random>.<signature>`,
the signature an HMAC over the random part and the client (its API key id, or "" for an anonymous
widget, whose id is then a bearer token nobody else has), and `minted(id, client)` checks it. The key
is kept in the same database, so ids stay valid across restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
import time
import uuid
from dataclasses import asdict
from pathlib import Path

from rag.question.understanding import Context
from rag.schema import MAX_SESSION_ID

# Every this many writes the table is trimmed to `max_rows` (oldest first), whatever clients send.
TRIM_EVERY = 100


class Sessions:
    def __init__(self, path: Path, ttl_s: float = 24 * 3600, max_rows: int = 100_000) -> None:
        self._ttl = ttl_s
        self._max_rows = max_rows
        self._writes = 0
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # Every answer writes its conversation turn: in WAL mode NORMAL commits without waiting for fsync
        # (3.5 ms an answer here, FULL). A power cut may lose the last turns, never the file.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, context TEXT NOT NULL, updated REAL NOT NULL)"
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS signing_key (id INTEGER PRIMARY KEY CHECK (id = 1), key TEXT)")
        self._db.execute("INSERT OR IGNORE INTO signing_key VALUES (1, ?)", (secrets.token_hex(32),))
        self._key = bytes.fromhex(self._db.execute("SELECT key FROM signing_key").fetchone()[0])

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def _sign(self, token: str, client: str) -> str:
        return hmac.new(self._key, f"{client}\0{token}".encode(), hashlib.sha256).hexdigest()[:32]

    def mint(self, client: str = "") -> str:
        """A new conversation id bound to `client` (an API key id, or "")."""
        token = uuid.uuid4().hex
        return f"{token}.{self._sign(token, client)}"

    def minted(self, session_id: str, client: str = "") -> bool:
        """Whether this server issued `session_id` to `client`."""
        token, _, signature = session_id.partition(".")
        return bool(token) and hmac.compare_digest(signature.encode(errors="replace"),
                                                   self._sign(token, client).encode())

    def get(self, session_id: str) -> Context:
        if len(session_id) > MAX_SESSION_ID:  # never stored, so never found
            return Context()
        with self._lock:
            row = self._db.execute(
                "SELECT context FROM sessions WHERE id=? AND updated>?", (session_id, time.time() - self._ttl)
            ).fetchone()
        return Context(**json.loads(row[0])) if row else Context()

    def put(self, session_id: str, context: Context) -> None:
        if len(session_id) > MAX_SESSION_ID:
            raise ValueError(f"session id longer than {MAX_SESSION_ID} characters")
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT INTO sessions(id, context, updated) VALUES(?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET context=excluded.context, updated=excluded.updated",
                (session_id, json.dumps(asdict(context), ensure_ascii=False), now),
            )
            self._writes += 1
            if self._writes % TRIM_EVERY == 1:  # the first write after start-up trims too
                self._db.execute("DELETE FROM sessions WHERE updated<?", (now - self._ttl,))
                self._db.execute("DELETE FROM sessions WHERE id IN "
                                 "(SELECT id FROM sessions ORDER BY updated DESC LIMIT -1 OFFSET ?)", (self._max_rows,))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

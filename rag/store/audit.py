"""The audit trail (审计记录): who did which admin action to what, when, and how it ended.

Its table lives in the catalogue (`audit` in `database.SCHEMA`), so a backup carries its history; this
module owns its SQL and is handed the Store's connection and lock. Rules it keeps:
- an entry names its actor by token name and id, never by secret; a refused request keeps only the
  first characters of the token it presented (`token_prefix`);
- writing an entry does not bump the store version: an audit line must not invalidate answer caches;
- entries of accepted actions are never pruned (only a valid admin token writes them); refused ones
  are written by anyone, so only the newest `MAX_REFUSED` are kept.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Outcome = Literal["ok", "failed", "refused"]
MAX_REFUSED = 10_000


class AuditEntry(BaseModel):
    id: int
    at: str  # UTC, ISO 8601
    actor: str  # the admin token's name, "admin (settings token)", or "(unidentified)" when refused
    actor_id: str | None = None  # the named token's id; "settings" for GOVQA_ADMIN_TOKEN
    action: str  # e.g. document.upload, document.correct, api_key.revoke
    target: str | None = None  # what it acted on: a document id, a key id, a file name
    outcome: Outcome
    status: int | None = None  # the HTTP status answered
    request_id: str | None = None  # the X-Request-ID of the request, to find its log line
    before: dict[str, Any] | None = None  # for corrections: the changed fields as they were …
    after: dict[str, Any] | None = None  # … and as they are now
    detail: dict[str, Any] = Field(default_factory=dict)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_COLUMNS = ("at", "actor", "actor_id", "action", "target", "outcome", "status", "request_id", "before", "after",
            "detail")
_INSERT = f"INSERT INTO audit({', '.join(_COLUMNS)}) VALUES({', '.join('?' for _ in _COLUMNS)})"


def _values(entry: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(_json(entry[c]) if c in ("before", "after", "detail") else entry[c] for c in _COLUMNS)


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


class AuditTrail:
    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    def record(self, actor: str, action: str, target: str | None = None, *, actor_id: str | None = None,
               outcome: Outcome = "ok", status: int | None = None, request_id: str | None = None,
               before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
               detail: dict[str, Any] | None = None) -> AuditEntry:
        entry = dict(at=now(), actor=actor, actor_id=actor_id, action=action, target=target, outcome=outcome,
                     status=status, request_id=request_id, before=before, after=after, detail=detail or {})
        with self._lock:  # autocommit, outside the versioned transaction on purpose (see the module's rules)
            cursor = self._db.execute(_INSERT, _values(entry))
            if outcome == "refused":
                self._db.execute("DELETE FROM audit WHERE outcome='refused' AND id IN (SELECT id FROM audit "
                                 "WHERE outcome='refused' ORDER BY id DESC LIMIT -1 OFFSET ?)", (MAX_REFUSED,))
        return AuditEntry(id=int(cursor.lastrowid or 0), **entry)

    def entries(self, *, actor: str | None = None, action: str | None = None, since: str | None = None,
                until: str | None = None, outcome: str | None = None, limit: int | None = 200) -> list[AuditEntry]:
        """Newest first; `limit=None` reads them all. `actor` matches a token's name or id; `action` an action
        or its family (`document` matches document.upload and document.delete); `since` inclusive, `until`
        exclusive."""
        where: list[str] = []
        args: list[Any] = []
        if actor:
            where.append("(actor = ? OR actor_id = ?)")
            args += [actor, actor]
        if action:
            where.append("(action = ? OR action LIKE ? ESCAPE '\\')")
            args += [action, action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"]
        if since:
            where.append("at >= ?")
            args.append(since)
        if until:
            where.append("at < ?")
            args.append(until)
        if outcome:
            where.append("outcome = ?")
            args.append(outcome)
        sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, (*args, -1 if limit is None else limit)).fetchall()
        return [_entry(r) for r in rows]

    def carry_over(self, entries: Sequence[AuditEntry]) -> int:
        """Append the entries this trail lacks, oldest first: after a restore replaced the catalogue (and its
        trail) with a backup's, pass the trail read before the restore, so who did what since the backup is
        not lost. An entry is already here when its time, actor, action, target and request id match.
        Returns how many were added."""
        added = 0
        same = ("SELECT 1 FROM audit WHERE at=? AND actor=? AND action=? AND target IS ? AND request_id IS ? "
                "AND outcome=?")
        with self._lock:
            for e in sorted(entries, key=lambda e: e.id):
                if self._db.execute(same, (e.at, e.actor, e.action, e.target, e.request_id, e.outcome)).fetchone():
                    continue
                self._db.execute(_INSERT, _values(e.model_dump()))
                added += 1
        return added

    def actors(self) -> list[str]:
        """Every actor name in the trail, for the console's filter."""
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT DISTINCT actor FROM audit ORDER BY actor")]


def _loads(text: str | None) -> Any:
    return json.loads(text) if text else None


def _entry(r: sqlite3.Row) -> AuditEntry:
    return AuditEntry(id=r["id"], at=r["at"], actor=r["actor"], actor_id=r["actor_id"], action=r["action"],
                      target=r["target"], outcome=r["outcome"], status=r["status"], request_id=r["request_id"],
                      before=_loads(r["before"]), after=_loads(r["after"]), detail=_loads(r["detail"]) or {})


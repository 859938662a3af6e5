"""Recording admin actions in the audit trail, and the routes that show and export it.

A route that changes something calls `record(request, action, target, ...)` once it knows the outcome,
or wraps its work in `with audited(request, target) as entry:` (recorded "ok" on return, "failed" with
the reason on an error). The actor and the request id come from the request: the admin guard
(bot/admin_auth.py) put the actor there, the request middleware the id. The trail itself (SQL, rules)
is rag/store/audit.py.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError

from bot.csv_safe import safe_cell
from bot.errors import ErrorBody
from rag.store.audit import AuditEntry, Outcome

log = logging.getLogger("govqa.audit")

SETTINGS_ACTOR = "admin (settings token)"  # GOVQA_ADMIN_TOKEN: one shared secret, so no one in particular
UNIDENTIFIED = "(unidentified)"  # a refused request: its token matched nobody
# Admin routes whose use is recorded, by method and route path; a refused request on any admin route
# is recorded too, under this name or else "METHOD path".
ACTIONS = {
    ("POST", "/api/documents"): "document.upload",
    ("DELETE", "/api/documents/{doc_id}"): "document.delete",
    ("PATCH", "/api/documents/{doc_id}"): "document.correct",
    ("POST", "/api/admin/keys"): "api_key.create",
    ("DELETE", "/api/admin/keys/{key_id}"): "api_key.revoke",
    ("POST", "/api/admin/tokens"): "admin_token.create",
    ("DELETE", "/api/admin/tokens/{token_id}"): "admin_token.revoke",
    ("GET", "/api/feedback/export"): "feedback.export",
    ("GET", "/api/admin/audit.csv"): "audit.export",
    ("POST", "/api/admin/backups"): "backup",
    ("POST", "/api/admin/backups/{name}/restore"): "restore",
}
CSV_FIELDS = ("id", "at", "actor", "actor_id", "action", "target", "outcome", "status", "request_id",
              "before", "after", "detail")
MAX_LIST = 1000  # entries one GET /api/admin/audit returns at most
MAX_EXPORT = 100_000  # rows one CSV export holds at most


@dataclass
class Actor:
    name: str
    id: str | None  # the named token's id, "settings" for the settings token


@dataclass
class Pending:
    """What a route learns while it works, written when it ends."""

    target: str | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def action_of(request: Request) -> str:
    path = getattr(request.scope.get("route"), "path", request.url.path)
    return ACTIONS.get((request.method, path), f"{request.method} {path}")


def record(request: Request, action: str | None = None, target: str | None = None, *, outcome: Outcome = "ok",
           status: int | None = None, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    """Write one entry for this admin request: who (from the admin guard), what (`action`, by default the
    route's name in ACTIONS), the target, the outcome and what changed. The one call an admin route makes."""
    actor: Actor | None = getattr(request.state, "admin_actor", None)
    store = request.app.state.service.store
    return store.audit.record(actor.name if actor else UNIDENTIFIED, action or action_of(request), target,
                              actor_id=actor.id if actor else None, outcome=outcome, status=status,
                              request_id=getattr(request.state, "request_id", None), before=before, after=after,
                              detail=detail)


@contextmanager
def audited(request: Request, target: str | None = None, action: str | None = None) -> Iterator[Pending]:
    """Records the work in the block: "ok" when it returns, "failed" with the status and reason when it raises."""
    pending = Pending(target)
    try:
        yield pending
    except HTTPException as exc:
        record(request, action, pending.target, outcome="failed", status=exc.status_code, before=pending.before,
               after=pending.after, detail={**pending.detail, "reason": str(exc.detail)})
        raise
    except Exception as exc:
        record(request, action, pending.target, outcome="failed", status=500, before=pending.before,
               after=pending.after, detail={**pending.detail, "reason": type(exc).__name__})
        raise
    record(request, action, pending.target, before=pending.before, after=pending.after, detail=pending.detail)


def refused(request: Request, status: int, reason: str, token_prefix: str | None) -> None:
    """A request on an admin route without a valid token: recorded with the presented token's prefix only.
    Best effort: a store that cannot write (full disk) must not turn the refusal into a 507."""
    try:
        record(request, target=request.url.path, outcome="refused", status=status,
               detail={"reason": reason, "token_prefix": token_prefix})
    except (sqlite3.Error, OSError) as exc:
        log.warning("could not record a refused admin request on %s: %s", request.url.path, exc)


def _bound(text: str | None, *, end: bool, name: str) -> str | None:
    """A filter bound as the trail writes times (UTC ISO). A date alone means the whole day, so `until` a
    date runs to the end of it; a time without a zone is UTC."""
    if not text:
        return None
    try:
        if len(text) == len("2026-01-31"):
            day = date.fromisoformat(text)
            value = datetime.combine(day + timedelta(days=1) if end else day, time(), UTC)
        else:
            value = datetime.fromisoformat(text)
    except ValueError as exc:  # a 422 in FastAPI's own shape, as for any other invalid parameter
        raise RequestValidationError([{"type": "value_error", "loc": ("query", name), "input": text,
                                       "msg": "not an ISO date (2026-12-31) or time (2026-12-31T08:00:00Z)"}]) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def audit_csv(entries: Sequence[AuditEntry]) -> str:
    """UTF-8 with BOM so spreadsheet programs read the Chinese; JSON in before/after/detail; no cell a formula."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for e in entries:
        row = e.model_dump(mode="json")
        for key in ("before", "after", "detail"):
            row[key] = json.dumps(row[key], ensure_ascii=False) if row[key] else ""
        writer.writerow({k: safe_cell(row[k]) for k in CSV_FIELDS})
    return "\ufeff" + buffer.getvalue()


def audit_router(admin: Callable[..., None]) -> APIRouter:
    router = APIRouter(tags=["admin"], dependencies=[Depends(admin)])
    refusals: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody, "description": "admin token"}
                                                  for code in (401, 403)}

    def query(request: Request, actor: str | None, action: str | None, since: str | None,
              until: str | None, outcome: Outcome | None, limit: int) -> list[AuditEntry]:
        return request.app.state.service.store.audit.entries(
            actor=actor, action=action, since=_bound(since, end=False, name="since"),
            until=_bound(until, end=True, name="until"), outcome=outcome, limit=limit)

    Since = Query(default=None, max_length=40, description="from this ISO time or date (UTC), inclusive")
    Until = Query(default=None, max_length=40,
                  description="up to this ISO time (exclusive), or to the end of this date (UTC)")

    @router.get("/api/admin/audit", response_model=list[AuditEntry], responses={
        **refusals, 200: {"content": {"application/json": {}, "text/csv": {}}}})
    def audit(request: Request, actor: str | None = Query(default=None, max_length=100,
                                                          description="a token's name or id"),
              action: str | None = Query(default=None, max_length=60,
                                         description="an action, or its family: document"),
              since: str | None = Since, until: str | None = Until,
              outcome: Outcome | None = None, limit: int = Query(default=200, ge=1, le=MAX_LIST),
              format: str | None = None) -> list[AuditEntry] | Response:
        """Newest first. `format=csv` is the export (as /api/admin/audit.csv)."""
        if format == "csv":
            return export(request, actor, action, since, until, outcome, MAX_EXPORT)
        return query(request, actor, action, since, until, outcome, limit)

    @router.get("/api/admin/audit.csv", response_class=Response, responses={
        **refusals, 200: {"content": {"text/csv": {}}, "description": "the filtered trail, newest first"}})
    def export(request: Request, actor: str | None = Query(default=None, max_length=100),
               action: str | None = Query(default=None, max_length=60), since: str | None = Since,
               until: str | None = Until, outcome: Outcome | None = None,
               limit: int = Query(default=MAX_EXPORT, ge=1, le=MAX_EXPORT)) -> Response:
        entries = query(request, actor, action, since, until, outcome, limit)
        filters = {k: str(v) for k, v in {"actor": actor, "action": action, "since": since, "until": until,
                                           "outcome": outcome}.items() if v}
        record(request, "audit.export", None, detail={"filters": filters, "rows": len(entries)})
        return Response(audit_csv(entries), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="audit.csv"'})

    return router

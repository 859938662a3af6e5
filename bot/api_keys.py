"""API keys per application: created, named and revoked in the admin console; stored hashed.

A key is shown once, when it is created; SQLite (`api_keys.sqlite` in the store) keeps only its
sha256, a short prefix to recognise it by, and its usage per route. `/v1/*`, `/api/ask` and
`/api/chat` accept a key as `Authorization: Bearer <key>` or `X-API-Key: <key>`. A revoked key is
refused (401) even when keys are optional, so a revoked application notices. With
`GOVQA_REQUIRE_API_KEY` a request without a valid key is refused; without it, a key we did not issue
(chat front-ends send a placeholder "sk-…") counts as no key. The rate limiter counts per key
(`api_key_id`) instead of per address when a key is presented.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field

from bot.errors import ErrorBody
from rag.settings import Settings

PREFIX = "gqk_"
DB_NAME = "api_keys.sqlite"


class KeyInfo(BaseModel):
    id: str
    name: str
    prefix: str  # the key's first characters, to tell keys apart; the key itself is never stored
    created_at: str
    revoked_at: str | None = None
    last_used_at: str | None = None
    uses: int = 0
    usage: dict[str, int] = Field(default_factory=dict)  # requests per route


class NewKey(BaseModel):
    name: str = Field(min_length=1, max_length=80)


class CreatedKey(KeyInfo):
    key: str  # shown once


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ApiKeys:
    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
                         "hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at TEXT NOT NULL, "
                         "revoked_at TEXT, last_used_at TEXT)")
        self._db.execute("CREATE TABLE IF NOT EXISTS api_key_usage (key_id TEXT NOT NULL, route TEXT NOT NULL, "
                         "count INTEGER NOT NULL, PRIMARY KEY (key_id, route))")

    def create(self, name: str) -> CreatedKey:
        secret = PREFIX + secrets.token_urlsafe(32)
        key_id = secrets.token_hex(6)
        info = CreatedKey(id=key_id, name=name.strip(), prefix=secret[: len(PREFIX) + 6], created_at=_now(),
                          key=secret)
        with self._lock:
            self._db.execute("INSERT INTO api_keys(id, name, hash, prefix, created_at) VALUES(?,?,?,?,?)",
                             (key_id, info.name, _hash(secret), info.prefix, info.created_at))
        return info

    def list(self) -> list[KeyInfo]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM api_keys ORDER BY created_at, id").fetchall()
            usage = self._db.execute("SELECT key_id, route, count FROM api_key_usage").fetchall()
        by_key: dict[str, dict[str, int]] = {}
        for u in usage:
            by_key.setdefault(u["key_id"], {})[u["route"]] = u["count"]
        return [KeyInfo(id=r["id"], name=r["name"], prefix=r["prefix"], created_at=r["created_at"],
                        revoked_at=r["revoked_at"], last_used_at=r["last_used_at"],
                        usage=by_key.get(r["id"], {}), uses=sum(by_key.get(r["id"], {}).values())) for r in rows]

    def revoke(self, key_id: str) -> bool:
        with self._lock:
            cur = self._db.execute("UPDATE api_keys SET revoked_at=? WHERE id=? AND revoked_at IS NULL",
                                   (_now(), key_id))
            return cur.rowcount > 0 or self._db.execute(
                "SELECT 1 FROM api_keys WHERE id=?", (key_id,)).fetchone() is not None

    def resolve(self, secret: str) -> tuple[str, bool] | None:
        """(key id, revoked) for a key we issued, else None. Only the hash is compared, in SQL."""
        with self._lock:
            row = self._db.execute("SELECT id, revoked_at FROM api_keys WHERE hash=?", (_hash(secret),)).fetchone()
        return (row["id"], row["revoked_at"] is not None) if row else None

    def record(self, key_id: str, route: str) -> None:
        with self._lock:
            self._db.execute("UPDATE api_keys SET last_used_at=? WHERE id=?", (_now(), key_id))
            self._db.execute("INSERT INTO api_key_usage(key_id, route, count) VALUES(?,?,1) "
                             "ON CONFLICT(key_id, route) DO UPDATE SET count=count+1", (key_id, route))

    def close(self) -> None:
        with self._lock:
            self._db.close()


class KeyStore:
    """Opens the key table on first use, in the served store's directory; one per app."""

    def __init__(self, root: Callable[[Request], Path]) -> None:
        self._root = root
        self._keys: ApiKeys | None = None
        self._lock = threading.Lock()

    def get(self, request: Request) -> ApiKeys:
        with self._lock:
            if self._keys is None:
                self._keys = ApiKeys(self._root(request) / DB_NAME)
            return self._keys

    def close(self) -> None:
        with self._lock:
            if self._keys is not None:
                self._keys.close()
                self._keys = None


def presented_key(request: Request) -> str | None:
    """The key a request carries: `X-API-Key`, or a bearer token that looks like one of ours."""
    if key := request.headers.get("x-api-key", "").strip():
        return key
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        token = auth[7:].strip()
        return token or None
    return None


def api_key_id(request: Request) -> str | None:
    """The id of the valid, unrevoked key this request presents, else None: for rate limits and logs.
    Works before or after the key check (a middleware may call it); the lookup is done once a request."""
    if hasattr(request.state, "api_key_id"):
        return request.state.api_key_id
    store: KeyStore | None = getattr(request.app.state, "api_key_store", None)
    secret = presented_key(request)
    found = store.get(request).resolve(secret) if store is not None and secret else None
    return found[0] if found is not None and not found[1] else None


def key_check(settings: Settings, store: KeyStore) -> Callable[[Request], None]:
    """A dependency for the question routes: resolves the presented key, refuses a bad one (401),
    refuses a missing one when keys are required, and counts the request against the key."""

    def check(request: Request) -> None:
        secret = presented_key(request)
        request.state.api_key_id = None
        if secret is None:
            if settings.require_api_key:
                raise HTTPException(401, "an API key is required: send Authorization: Bearer <key> or X-API-Key",
                                    headers={"WWW-Authenticate": "Bearer"})
            return
        keys = store.get(request)
        found = keys.resolve(secret)
        if found is not None and found[1]:
            raise HTTPException(401, "this API key has been revoked", headers={"WWW-Authenticate": "Bearer"})
        if found is None:
            # Chat front-ends always send some key ("sk-…"); while keys are optional, one we did not
            # issue is treated as none. Required, it is refused.
            if settings.require_api_key:
                raise HTTPException(401, "unknown API key", headers={"WWW-Authenticate": "Bearer"})
            return
        key_id = found[0]
        request.state.api_key_id = key_id
        route = getattr(request.scope.get("route"), "path", request.url.path)
        keys.record(key_id, route)

    return check


def keys_router(store: KeyStore, admin: Callable[..., None]) -> APIRouter:
    router = APIRouter(tags=["admin"], dependencies=[Depends(admin)])
    refusals: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody, "description": "admin token"}
                                                  for code in (401, 403)}

    @router.get("/api/admin/keys", response_model=list[KeyInfo], responses=refusals)
    def list_keys(request: Request) -> list[KeyInfo]:
        return store.get(request).list()

    @router.post("/api/admin/keys", response_model=CreatedKey, status_code=201, responses=refusals)
    def create_key(body: NewKey, request: Request) -> CreatedKey:
        return store.get(request).create(body.name)

    @router.delete("/api/admin/keys/{key_id}", status_code=204, responses={**refusals, 404: {"model": ErrorBody}})
    def revoke_key(key_id: str, request: Request) -> Response:
        if not store.get(request).revoke(key_id):
            raise HTTPException(404, f"no API key {key_id}")
        return Response(status_code=204)

    return router


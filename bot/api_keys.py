"""API keys per application: created, named and revoked in the admin console; stored hashed.

A key is shown once, when it is created; SQLite (`api_keys.sqlite` in the store) keeps only its
sha256, a short prefix to recognise it by, and its usage per route. `/v1/*`, `/api/ask` and
`/api/chat` accept a key as `Authorization: Bearer <key>` or `X-API-Key: <key>`. A revoked key is
refused (401) even when keys are optional, so a revoked application notices. With
`GOVQA_REQUIRE_API_KEY` a request without a valid key is refused; without it, a key we did not issue
(chat front-ends send a placeholder "sk-…") counts as no key. The rate limiter counts per key
(`api_key_id`) instead of per address when a key is presented.

Named admin tokens (bot/admin_auth.py) are made, kept and revoked by the same rule (`Secrets`), in
their own table of the same file, with their own prefix (`gqa_`).
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

from bot.audit import audited
from bot.errors import ErrorBody
from rag.settings import Settings

PREFIX = "gqk_"
ADMIN_PREFIX = "gqa_"  # named admin tokens: same rule, their own table, never accepted as an API key
DB_NAME = "api_keys.sqlite"


class TokenInfo(BaseModel):
    id: str
    name: str
    prefix: str  # the secret's first characters, to tell secrets apart; the secret itself is never stored
    created_at: str
    revoked_at: str | None = None
    last_used_at: str | None = None


class KeyInfo(TokenInfo):
    uses: int = 0
    usage: dict[str, int] = Field(default_factory=dict)  # requests per route


class NewKey(BaseModel):
    name: str = Field(min_length=1, max_length=80)


class CreatedKey(KeyInfo):
    key: str  # shown once


class CreatedToken(TokenInfo):
    token: str  # shown once


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def shown_prefix(secret: str) -> str:
    """What may be written down about a secret: our prefix and 6 characters, or 4 of a secret not ours."""
    ours = secret.startswith((PREFIX, ADMIN_PREFIX))
    return secret[: len(PREFIX) + 6] if ours else secret[:4]


class Secrets:
    """Named secrets in one table: created (shown once), kept as sha256 with a short prefix, revoked.
    The one rule for API keys and admin tokens alike."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock, table: str, prefix: str) -> None:
        self._db, self._lock, self._table, self._prefix = db, lock, table, prefix
        self._db.execute(f"CREATE TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
                         "hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at TEXT NOT NULL, "
                         "revoked_at TEXT, last_used_at TEXT)")

    def _create(self, name: str) -> tuple[TokenInfo, str]:
        secret = self._prefix + secrets.token_urlsafe(32)
        info = TokenInfo(id=secrets.token_hex(6), name=name.strip(), prefix=shown_prefix(secret), created_at=_now())
        with self._lock:
            self._db.execute(f"INSERT INTO {self._table}(id, name, hash, prefix, created_at) VALUES(?,?,?,?,?)",
                             (info.id, info.name, _hash(secret), info.prefix, info.created_at))
        return info, secret

    def _rows(self) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(f"SELECT * FROM {self._table} ORDER BY created_at, id").fetchall()

    def get(self, secret_id: str) -> TokenInfo | None:
        with self._lock:
            row = self._db.execute(f"SELECT * FROM {self._table} WHERE id=?", (secret_id,)).fetchone()
        return _info(row) if row else None

    def revoke(self, secret_id: str) -> bool:
        """True when the id exists (revoked now or before)."""
        with self._lock:
            cur = self._db.execute(f"UPDATE {self._table} SET revoked_at=? WHERE id=? AND revoked_at IS NULL",
                                   (_now(), secret_id))
            return cur.rowcount > 0 or self._db.execute(
                f"SELECT 1 FROM {self._table} WHERE id=?", (secret_id,)).fetchone() is not None

    def lookup(self, secret: str) -> TokenInfo | None:
        """The secret we issued, revoked or not, else None. Only the hash is compared, in SQL."""
        with self._lock:
            row = self._db.execute(f"SELECT * FROM {self._table} WHERE hash=?", (_hash(secret),)).fetchone()
        return _info(row) if row else None

    def touch(self, secret_id: str) -> None:
        with self._lock:
            self._db.execute(f"UPDATE {self._table} SET last_used_at=? WHERE id=?", (_now(), secret_id))

    def any_active(self) -> bool:
        with self._lock:
            return self._db.execute(f"SELECT 1 FROM {self._table} WHERE revoked_at IS NULL LIMIT 1").fetchone() \
                is not None


def _info(r: sqlite3.Row) -> TokenInfo:
    return TokenInfo(id=r["id"], name=r["name"], prefix=r["prefix"], created_at=r["created_at"],
                     revoked_at=r["revoked_at"], last_used_at=r["last_used_at"])


class AdminTokens(Secrets):
    """Named admin tokens (管理令牌): each admin's own, so the audit trail can say who acted."""

    def create(self, name: str) -> CreatedToken:
        info, secret = self._create(name)
        return CreatedToken(**info.model_dump(), token=secret)

    def list(self) -> list[TokenInfo]:
        return [_info(r) for r in self._rows()]


class ApiKeys(Secrets):
    def __init__(self, path: Path) -> None:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        super().__init__(db, threading.Lock(), "api_keys", PREFIX)
        self._db.execute("CREATE TABLE IF NOT EXISTS api_key_usage (key_id TEXT NOT NULL, route TEXT NOT NULL, "
                         "count INTEGER NOT NULL, PRIMARY KEY (key_id, route))")
        # Admin tokens share the file and the lock, in their own table.
        self.admin_tokens = AdminTokens(self._db, self._lock, "admin_tokens", ADMIN_PREFIX)

    def create(self, name: str) -> CreatedKey:
        info, secret = self._create(name)
        return CreatedKey(**info.model_dump(), key=secret)

    def list(self) -> list[KeyInfo]:
        rows = self._rows()
        with self._lock:
            usage = self._db.execute("SELECT key_id, route, count FROM api_key_usage").fetchall()
        by_key: dict[str, dict[str, int]] = {}
        for u in usage:
            by_key.setdefault(u["key_id"], {})[u["route"]] = u["count"]
        return [KeyInfo(**_info(r).model_dump(), usage=by_key.get(r["id"], {}),
                        uses=sum(by_key.get(r["id"], {}).values())) for r in rows]

    def resolve(self, secret: str) -> tuple[str, bool] | None:
        """(key id, revoked) for a key we issued, else None."""
        found = self.lookup(secret)
        return (found.id, found.revoked_at is not None) if found else None

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
        with audited(request) as entry:
            created = store.get(request).create(body.name)
            entry.target, entry.detail = created.id, {"name": created.name, "prefix": created.prefix}
        return created

    @router.delete("/api/admin/keys/{key_id}", status_code=204, responses={**refusals, 404: {"model": ErrorBody}})
    def revoke_key(key_id: str, request: Request) -> Response:
        with audited(request, key_id) as entry:
            keys = store.get(request)
            info = keys.get(key_id)
            if info is None or not keys.revoke(key_id):
                raise HTTPException(404, f"no API key {key_id}")
            entry.detail = {"name": info.name, "prefix": info.prefix}
        return Response(status_code=204)

    return router


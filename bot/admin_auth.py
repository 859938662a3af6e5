"""Who is the admin: the guard on every admin route, and the routes that issue named admin tokens.

An admin route accepts `Authorization: Bearer <token>` where the token is GOVQA_ADMIN_TOKEN (the actor is
then "admin (settings token)", as before named tokens existed) or a named admin token issued here and not
revoked (the actor is its name and id). The guard puts the actor on the request for the audit trail, and
records every refusal there with the presented token's prefix only. Admin routes are disabled (403) while
neither a settings token nor an unrevoked named token exists.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response

from bot.api_keys import CreatedToken, KeyStore, NewKey, TokenInfo, shown_prefix
from bot.audit import SETTINGS_ACTOR, Actor, audited, refused
from bot.errors import ErrorBody
from rag.settings import Settings


def admin_enabled(settings: Settings, keys: KeyStore, request: Request) -> bool:
    return bool(settings.admin_token) or keys.get(request).admin_tokens.any_active()


def admin_guard(settings: Settings, keys: KeyStore) -> Callable[..., None]:
    def admin(request: Request, authorization: str | None = Header(default=None)) -> None:
        scheme, _, given = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer":  # the bare token is refused: it must come as the Bearer scheme
            given = ""
        given = given.strip()
        setting = settings.admin_token
        if given and setting and secrets.compare_digest(given.encode(errors="replace"), setting.encode()):
            request.state.admin_actor = Actor(SETTINGS_ACTOR, "settings")
            return
        tokens = keys.get(request).admin_tokens
        found = tokens.lookup(given) if given else None
        if found is not None and found.revoked_at is None:
            tokens.touch(found.id)
            request.state.admin_actor = Actor(found.name, found.id)
            return
        prefix = shown_prefix(given) if given else None
        if not admin_enabled(settings, keys, request):
            refused(request, 403, "admin routes disabled", prefix)
            raise HTTPException(403, "admin routes are disabled: set GOVQA_ADMIN_TOKEN")
        if found is not None:
            refused(request, 401, f"revoked admin token {found.name} ({found.id})", prefix)
            raise HTTPException(401, "this admin token has been revoked")
        refused(request, 401, "unknown admin token" if given else "no admin token", prefix)
        raise HTTPException(401, "bad or missing admin token")

    return admin


def tokens_router(keys: KeyStore, admin: Callable[..., None]) -> APIRouter:
    router = APIRouter(tags=["admin"], dependencies=[Depends(admin)])
    refusals: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody, "description": "admin token"}
                                                  for code in (401, 403)}

    @router.get("/api/admin/tokens", response_model=list[TokenInfo], responses=refusals)
    def list_tokens(request: Request) -> list[TokenInfo]:
        return keys.get(request).admin_tokens.list()

    @router.post("/api/admin/tokens", response_model=CreatedToken, status_code=201, responses=refusals)
    def create_token(body: NewKey, request: Request) -> CreatedToken:
        """A named admin token, shown this once; only its hash is kept."""
        with audited(request) as entry:
            created = keys.get(request).admin_tokens.create(body.name)
            entry.target, entry.detail = created.id, {"name": created.name, "prefix": created.prefix}
        return created

    @router.delete("/api/admin/tokens/{token_id}", status_code=204, responses={**refusals, 404: {"model": ErrorBody}})
    def revoke_token(token_id: str, request: Request) -> Response:
        with audited(request, token_id) as entry:
            tokens = keys.get(request).admin_tokens
            info = tokens.get(token_id)
            if info is None or not tokens.revoke(token_id):
                raise HTTPException(404, f"no admin token {token_id}")
            entry.detail = {"name": info.name, "prefix": info.prefix}
        return Response(status_code=204)

    return router

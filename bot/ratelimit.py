"""Rate limits on the question routes, so one client cannot starve everyone else (the `limits` library).

Who a client is: its API key (`Authorization: Bearer …` or `X-API-Key`, kept only as a hash), else
its widget session (`session_id`). That key gets `per_minute` questions a minute and at most
`burst` in any 10 s. Every question also counts against its address, under a coarse cap
(`per_address_per_minute`) sized for an office: fifty staff behind one NAT address each keep their
own session limit, and their first questions (which have no session yet) share the address cap,
so one address asking without sessions, or minting session after session, stays bounded.

The address is the socket peer; `X-Forwarded-For` counts only with GOVQA_TRUST_FORWARDED_FOR, and
`govqa serve` then also lets uvicorn read it (never otherwise: uvicorn trusts loopback by default).
A new session id from an address that already holds `max_sessions` live ones is refused (429), so
the session table cannot be grown without bound. State is in memory, per process.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cachetools import TTLCache
from fastapi import HTTPException, Request
from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from bot.api_keys import api_key_id
from rag.schema import MAX_SESSION_ID

BURST_WINDOW_S = 10


@dataclass(frozen=True)
class Caller:
    address: str
    key: str | None  # "key:<hash>", "session:<id>", or None: only the address cap applies
    session_id: str | None = None


class RateLimiter:
    def __init__(self, per_minute: float, burst: int, *, per_address_per_minute: float = 0,
                 max_sessions: int = 0, session_ttl_s: float = 24 * 3600, max_addresses: int = 10_000) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_key: list[RateLimitItem] = []
        if per_minute > 0:
            self._per_key = [RateLimitItemPerMinute(max(1, round(per_minute))),
                             RateLimitItemPerSecond(max(1, burst), BURST_WINDOW_S)]
        self._per_address = (
            [RateLimitItemPerMinute(max(1, round(per_address_per_minute)))] if per_address_per_minute > 0 else []
        )
        self._max_sessions = max_sessions
        # address -> the session ids it opened recently (their own TTL); bounded both ways.
        self._sessions: TTLCache[str, TTLCache[str, bool]] = TTLCache(max_addresses, session_ttl_s)
        self._session_ttl = session_ttl_s

    def take(self, caller: Caller) -> float:
        """Count one question; 0.0 when allowed, else the seconds until the caller may ask again."""
        checks = [(item, "key", caller.key) for item in self._per_key if caller.key is not None]
        checks += [(item, "address", caller.address) for item in self._per_address]
        # Test every window before hitting any, so a refused question is not counted against the others.
        for item, space, who in checks:
            if not self._limiter.test(item, space, who):
                reset = self._limiter.get_window_stats(item, space, who).reset_time
                return max(0.5, reset - time.time())
        for item, space, who in checks:
            self._limiter.hit(item, space, who)
        return 0.0

    def admit_session(self, caller: Caller) -> bool:
        """False when the caller's address already holds `max_sessions` live sessions and this one is new."""
        if not self._max_sessions or caller.session_id is None:
            return True
        opened = self._sessions.get(caller.address)
        if opened is None:
            opened = self._sessions[caller.address] = TTLCache(self._max_sessions, self._session_ttl)
        if caller.session_id in opened:
            opened[caller.session_id] = True  # refreshes its time
            return True
        opened.expire()
        if len(opened) >= self._max_sessions:
            return False
        opened[caller.session_id] = True
        return True


def client_address(request: Request, trust_forwarded_for: bool) -> str:
    """The socket peer, or the left-most X-Forwarded-For address behind a trusted proxy."""
    if trust_forwarded_for and (forwarded := request.headers.get("x-forwarded-for")):
        first = forwarded.split(",")[0].strip()
        if first:
            return first
    return request.client.host if request.client else "unknown"


def client_key(request: Request, trust_forwarded_for: bool) -> str:
    """The address a caller is counted under (kept for callers of the earlier per-address limiter)."""
    return client_address(request, trust_forwarded_for)


def presented_key(request: Request) -> str | None:
    """The API key a caller presents, if any (checked elsewhere; here only who is asking)."""
    key = request.headers.get("x-api-key") or ""
    auth = request.headers.get("authorization") or ""
    if not key and auth[:7].lower() == "bearer ":
        key = auth[7:]
    return key.strip() or None


async def caller_of(request: Request, trust_forwarded_for: bool) -> Caller:
    address = client_address(request, trust_forwarded_for)
    session_id = None
    try:
        body = await request.json()  # Starlette caches it; the route reads the same parsed body
    except Exception:  # not JSON: the route's validation answers 422
        body = None
    given = body.get("session_id") if isinstance(body, dict) else None
    # An over-long id is refused by validation (422) after this; it must not be remembered first.
    if isinstance(given, str) and 0 < len(given) <= MAX_SESSION_ID:
        session_id = body["session_id"]
    if (key_id := api_key_id(request)) is not None:  # a managed key (bot/api_keys.py resolved it)
        return Caller(address, f"key:{key_id}", session_id)
    if (api_key := presented_key(request)) is not None:  # any other presented key, kept only as a hash
        digest = hashlib.sha256(api_key.encode()).hexdigest()[:32]
        return Caller(address, f"key:{digest}", session_id)
    if session_id is not None:
        return Caller(address, f"session:{session_id}", session_id)
    return Caller(address, None)


def limit_dependency(limiter: RateLimiter, trust_forwarded_for: bool) -> Callable[[Request], Awaitable[None]]:
    """A FastAPI dependency: 429 (with Retry-After) over a limit or for a session too many."""

    async def check(request: Request) -> None:
        caller = await caller_of(request, trust_forwarded_for)
        if not limiter.admit_session(caller):
            raise HTTPException(429, "too many conversations from this address: continue an existing one "
                                     "(send its session_id) or retry tomorrow", headers={"Retry-After": "3600"})
        wait = limiter.take(caller)
        if wait:
            seconds = max(1, math.ceil(wait))
            raise HTTPException(429, f"too many questions from this client: retry in {seconds} s",
                                headers={"Retry-After": str(seconds)})

    return check

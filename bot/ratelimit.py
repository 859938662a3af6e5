"""Rate limits on the question routes, so one client cannot starve everyone else (the `limits` library).

Who a client is: its API key (`Authorization: Bearer …` or `X-API-Key`, kept only as a hash), else
its widget session (`session_id`). That key gets `per_minute` questions a minute and at most
`burst` in any 10 s. Every question also counts against its address, under a coarse cap
(`per_address_per_minute`) sized for an office: fifty staff behind one NAT address each keep their
own session limit, and their first questions (which have no session yet) share the address cap,
so one address asking without sessions, or minting session after session, stays bounded.

The address is the socket peer; `X-Forwarded-For` counts only with GOVQA_TRUST_FORWARDED_FOR, and
`govqa serve` then also lets uvicorn read it (never otherwise: uvicorn trusts loopback by default).
Conversations: a request continues one only with an id this server minted for the same client
(`Sessions.minted`: bound to its API key, or a bearer token for anonymous widgets); any other request
opens a new one, minted here and counted against its address (`max_sessions` a day, then 429), so
neither made-up ids nor requests without one grow the session table past the cap, and a minted id
is never refused later. A key we did not issue (a placeholder "sk-…") identifies nobody: such a
request is counted as an anonymous one. The route reads the id from `request.state.session_id`.
State is in memory, per process.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request
from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

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
                 max_sessions: int = 0, session_ttl_s: float = 24 * 3600) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_key: list[RateLimitItem] = []
        if per_minute > 0:
            self._per_key = [RateLimitItemPerMinute(max(1, round(per_minute))),
                             RateLimitItemPerSecond(max(1, burst), BURST_WINDOW_S)]
        self._per_address = (
            [RateLimitItemPerMinute(max(1, round(per_address_per_minute)))] if per_address_per_minute > 0 else []
        )
        # New conversations per address: a counter a day (a moving window would keep every hit).
        self._session_counter = FixedWindowRateLimiter(MemoryStorage())
        self._sessions_item = (RateLimitItemPerSecond(max_sessions, round(session_ttl_s)) if max_sessions > 0
                               else None)

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

    def open_session(self, address: str) -> bool:
        """Count a new conversation against its address; False when it already opened `max_sessions` today."""
        if self._sessions_item is None:
            return True
        return self._session_counter.hit(self._sessions_item, "sessions", address)


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


async def caller_of(request: Request, trust_forwarded_for: bool) -> Caller:
    """Who asks: an issued key, else a conversation this server minted for the caller, else only an address.
    `session_id` is that conversation's id, or None when the request opens a new one."""
    address = client_address(request, trust_forwarded_for)
    try:
        body = await request.json()  # Starlette caches it; the route reads the same parsed body
    except Exception:  # not JSON: the route's validation answers 422
        body = None
    given = body.get("session_id") if isinstance(body, dict) else None
    key_id = api_key_id(request)
    sessions = request.app.state.service.sessions
    session_id = None
    # An over-long id is refused by validation (422) after this; it is never looked at.
    if isinstance(given, str) and 0 < len(given) <= MAX_SESSION_ID and sessions.minted(given, key_id or ""):
        session_id = given
    if key_id is not None:  # an issued key: counted under its id
        return Caller(address, f"key:{key_id}", session_id)
    if session_id is not None:
        return Caller(address, f"session:{session_id}", session_id)
    return Caller(address, None)


def limit_dependency(limiter: RateLimiter, trust_forwarded_for: bool) -> Callable[[Request], Awaitable[None]]:
    """A FastAPI dependency: 429 (with Retry-After) over a limit or for a conversation too many; sets
    `request.state.session_id` to the conversation the question belongs to (minted when new)."""

    async def check(request: Request) -> None:
        caller = await caller_of(request, trust_forwarded_for)
        wait = limiter.take(caller)
        if wait:
            seconds = max(1, math.ceil(wait))
            raise HTTPException(429, f"too many questions from this client: retry in {seconds} s",
                                headers={"Retry-After": str(seconds)})
        session_id = caller.session_id
        if session_id is None:
            if not limiter.open_session(caller.address):
                raise HTTPException(429, "too many conversations from this address: continue an existing one "
                                         "(send its session_id) or retry tomorrow", headers={"Retry-After": "3600"})
            session_id = request.app.state.service.sessions.mint(api_key_id(request) or "")
        request.state.session_id = session_id

    return check

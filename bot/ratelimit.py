"""Per-client token buckets for the question routes, so one client cannot starve everyone else.

Each client (its IP, or the first X-Forwarded-For hop when a trusted proxy sets it) has a bucket
of `burst` tokens that refills at `per_minute / 60` tokens a second; a question takes one token.
An empty bucket means 429 with `Retry-After` (whole seconds until a token is back). State is in
memory and per process: a restart forgets it, which at worst lets one client ask a burst early.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from fastapi import HTTPException, Request

from bot.api_keys import api_key_id


class RateLimiter:
    def __init__(self, per_minute: float, burst: int, *, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self._max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, at)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, client: str) -> float:
        """Take one token for `client`; 0.0 when granted, else the seconds until one is available."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
            if not wait:
                tokens -= 1.0
            self._buckets[client] = (tokens, now)  # most recent last, so the oldest is evicted first
            while len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
        return wait


def client_key(request: Request, trust_forwarded_for: bool) -> str:
    """Who is asking: the API key (bot/api_keys.py has resolved it), else the socket peer, or the
    left-most X-Forwarded-For address behind a trusted proxy."""
    if key_id := api_key_id(request):
        return f"key:{key_id}"
    if trust_forwarded_for and (forwarded := request.headers.get("x-forwarded-for")):
        first = forwarded.split(",")[0].strip()
        if first:
            return first
    return request.client.host if request.client else "unknown"


def limit_dependency(limiter: RateLimiter, trust_forwarded_for: bool):
    """A FastAPI dependency that raises 429 (with Retry-After) when the caller's bucket is empty."""

    def check(request: Request) -> None:
        wait = limiter.take(client_key(request, trust_forwarded_for))
        if wait:
            seconds = max(1, math.ceil(wait))
            raise HTTPException(429, f"too many questions from this client: retry in {seconds} s",
                                headers={"Retry-After": str(seconds)})

    return check

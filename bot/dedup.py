"""Remember recently seen delivery ids so a platform's retries are answered once.

Slack retries an event up to three times and WeCom retries a message it got no answer for within
5 s; both send the same id again (`event_id`, `MsgId`). Ids are kept for a bounded time and count,
in memory: a restart forgets them, which at worst answers one retried message twice.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class RecentIds:
    def __init__(self, ttl_s: float = 600.0, max_items: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_s
        self._max = max_items
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True the first time `key` is offered within the TTL; False for a repeat."""
        now = self._clock()
        with self._lock:
            while self._seen:
                oldest, at = next(iter(self._seen.items()))
                if now - at <= self._ttl and len(self._seen) < self._max:
                    break
                self._seen.pop(oldest)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True

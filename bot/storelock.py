"""One writer per store: `govqa serve` holds an exclusive lock; the CLI then talks to it over HTTP.

Chroma's embedded store is single-process (a second process on the same directory can hang), so
the CLI must never open a store that a running server owns. The lock is a `filelock` on
`.serve.lock` (released by the OS when the process dies); who holds it is written beside it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_NAME = ".serve.lock"
OWNER_NAME = ".serve.owner.json"


@dataclass(frozen=True)
class Owner:
    pid: int
    url: str


class StoreLock:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / LOCK_NAME
        self._lock: FileLock | None = None

    def acquire(self, url: str) -> None:
        """Take the lock for this process; raises RuntimeError naming the owner if it is taken."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.path), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            owner = read_owner(self.root)
            raise RuntimeError(f"store {self.root} is in use by pid {owner.pid if owner else '?'}") from None
        (self.root / OWNER_NAME).write_text(json.dumps({"pid": os.getpid(), "url": url}), encoding="utf-8")
        self._lock = lock

    def release(self) -> None:
        if self._lock is not None:
            (self.root / OWNER_NAME).unlink(missing_ok=True)
            self._lock.release()
            self._lock = None


def read_owner(root: Path) -> Owner | None:
    """The server that holds the store, or None when no live process holds it."""
    root = Path(root)
    if not (root / LOCK_NAME).exists():
        return None
    probe = FileLock(str(root / LOCK_NAME), timeout=0)
    try:
        probe.acquire()
    except Timeout:
        try:
            data = json.loads((root / OWNER_NAME).read_text(encoding="utf-8") or "{}")
        except (OSError, json.JSONDecodeError):
            data = {}
        return Owner(int(data.get("pid", 0)), str(data.get("url", "")))
    probe.release()
    return None

"""One writer per store: `govqa serve` holds an exclusive lock; the CLI then talks to it over HTTP.

Chroma's embedded store is single-process (a second process on the same directory can hang), so
the CLI must never open a store that a running server owns.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

LOCK_NAME = ".serve.lock"


@dataclass(frozen=True)
class Owner:
    pid: int
    url: str


class StoreLock:
    def __init__(self, root: Path) -> None:
        self.path = Path(root) / LOCK_NAME
        self._handle: IO[str] | None = None

    def acquire(self, url: str) -> None:
        """Take the lock for this process; raises RuntimeError naming the owner if it is taken."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            owner = read_owner(self.path.parent)
            raise RuntimeError(f"store {self.path.parent} is in use by pid {owner.pid if owner else '?'}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "url": url}))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def read_owner(root: Path) -> Owner | None:
    """The server that holds the store, or None when no live process holds it."""
    path = Path(root) / LOCK_NAME
    if not path.exists():
        return None
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            try:
                data = json.loads(handle.read() or "{}")
            except json.JSONDecodeError:
                data = {}
            return Owner(int(data.get("pid", 0)), str(data.get("url", "")))
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None

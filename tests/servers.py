"""A real `govqa serve` on a free loopback port, for tests that need the whole process (browser, load)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
GOVQA = Path(sys.executable).parent / "govqa"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def govqa_serve(store: Path, env: dict[str, str | None] | None = None, *, timeout_s: float = 60) -> Iterator[str]:
    """Yields the base URL once /healthz answers; stops the server after. `env` adds GOVQA_ settings
    (None removes one); dense retrieval is off unless asked for, and this checkout's code is run."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "GOVQA_EMBEDDING_MODEL": "none", "GOVQA_STORE": str(store)}
    for key, value in (env or {}).items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    proc = subprocess.Popen([str(GOVQA), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)],
                            env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"govqa serve did not start: {proc.communicate()[1].decode(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

"""A real `govqa serve` on a free loopback port, for tests that need the whole process (browser, load)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright import sync_api

ROOT = Path(__file__).resolve().parents[1]
GOVQA = Path(sys.executable).parent / "govqa"


def screenshots_dir() -> Path:
    """Where browser tests save screenshots: a temporary folder, so `make test` never rewrites tracked
    files; `make screenshots` points GOVQA_SCREENSHOTS at evals/reports to refresh the README's."""
    chosen = os.environ.get("GOVQA_SCREENSHOTS")
    path = Path(chosen) if chosen else Path(tempfile.gettempdir()) / f"govqa-screenshots-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(command: list[str], health_url: str, env: dict[str, str] | None = None, *,
            timeout_s: float = 60, stderr: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Starts `command`, waits until `health_url` answers 200 (failing the test with the process's
    stderr if it exits or times out first), and stops it afterwards. `stderr` keeps its output in that file."""
    # stderr goes to a file, not a pipe: a chatty server (a log line per request) would fill a pipe and stall.
    with stderr.open("w+b") if stderr else tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    if httpx.get(health_url, timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    log.seek(0)
                    error = log.read().decode(errors="replace")[-2000:]
                    pytest.fail(f"{Path(command[0]).name} did not start: {error}")
                time.sleep(0.2)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def govqa_serve(store: Path, env: dict[str, str | None] | None = None, *, timeout_s: float = 60,
                stderr: Path | None = None) -> Iterator[str]:
    """Yields the base URL once /healthz answers; stops the server after. `env` adds GOVQA_ settings
    (None removes one); dense retrieval is off unless asked for, and this checkout's code is run.
    `stderr` keeps the server's log (its stderr) in that file."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # This checkout first; whatever else PYTHONPATH named stays after it.
    python_path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    environ = {**os.environ, "PYTHONPATH": python_path, "GOVQA_EMBEDDING_MODEL": "none", "GOVQA_STORE": str(store)}
    for key, value in (env or {}).items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    command = [str(GOVQA), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)]
    with running(command, f"{url}/healthz", environ, timeout_s=timeout_s, stderr=stderr):
        yield url


# Debian's Chromium, headless, with nothing that reaches for the network (the machine's is closed).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def chromium() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()

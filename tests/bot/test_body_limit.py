"""One body-size limit, enforced while reading, before authentication and parsing, on every route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from rag.service import Service
from rag.settings import Settings

MB = 1024 * 1024


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    service = Service(Settings(store=tmp_path / "store", embedding_model="none", admin_token="test-token",
                               max_upload_mb=2, max_body_kb=64))
    with TestClient(create_app(service.settings, service)) as c:
        yield c
    service.close()


def _post_chunks(client: TestClient, path: str, head: bytes, total_mb: int, content_type: str) -> tuple[int, int]:
    """POST `head` and then `total_mb` MB in 256 KB chunks, without a Content-Length, straight into the ASGI app
    (TestClient would read the whole body first): the status, and how many bytes the server pulled."""
    pulled, status = 0, 0
    chunk = b"a" * (256 * 1024)

    async def receive() -> dict:
        nonlocal pulled
        if pulled >= total_mb * MB:
            return {"type": "http.disconnect"}
        body = head if pulled == 0 else chunk
        pulled += len(body) or 1
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"content-type", content_type.encode()), (b"host", b"testserver")],
             "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    assert client.portal is not None
    client.portal.call(client.app, scope, receive, send)
    return status, pulled


@pytest.mark.parametrize("path", ["/api/ask", "/api/chat", "/v1/chat/completions", "/api/feedback"])
def test_a_json_body_over_the_limit_is_refused_while_read_not_parsed_first(client: TestClient, path: str) -> None:
    """300 MB of JSON was read into memory before the 422."""
    status, pulled = _post_chunks(client, path, b'{"question": "', 100, "application/json")
    assert status == 413
    assert pulled < 1 * MB  # the server stopped pulling at the limit


def test_a_declared_length_over_the_limit_is_refused_at_once(client: TestClient) -> None:
    reply = client.post("/api/ask", content=b"x" * (65 * 1024), headers={"Content-Type": "application/json"})
    assert reply.status_code == 413 and "larger than" in reply.json()["detail"]


def test_an_upload_without_a_token_is_not_spooled_past_the_limit(client: TestClient) -> None:
    """A 1 GB multipart POST without a token was spooled to disk before the 401."""
    head = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
            b"Content-Type: text/plain\r\n\r\n")
    status, pulled = _post_chunks(client, "/api/documents", head, 200, "multipart/form-data; boundary=b")
    assert status == 413
    assert pulled < 4 * MB


def test_small_bodies_still_pass(client: TestClient) -> None:
    assert client.post("/api/ask", json={"question": "你好"}).status_code == 200
    files = {"file": ("r.txt", "泗阳县2023年法治政府建设年度报告\n办结行政复议案件174件。".encode())}
    assert client.post("/api/documents", files=files, headers={"Authorization": "Bearer test-token"}).status_code == 200

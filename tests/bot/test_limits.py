"""Bounds on what one client can make the server keep or repeat: session ids, sessions, rate, 422 echoes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from rag.question.understanding import Context
from rag.service import Service
from rag.settings import Settings
from rag.store.sessions import Sessions


@pytest.fixture()
def empty_service(tmp_path: Path) -> Iterator[Service]:
    """An empty store: every question is answered at once (a refusal), so only the limits are tested."""
    service = Service(Settings(store=tmp_path / "store", embedding_model="none", admin_token="test-token"))
    yield service
    service.close()


def _client(service: Service, **update) -> TestClient:
    return TestClient(create_app(service.settings.model_copy(update=update), service))


def test_session_id_longer_than_128_is_refused_and_not_stored(empty_service: Service) -> None:
    with _client(empty_service, rate_limit_per_minute=0) as c:
        ok = c.post("/api/ask", json={"question": "你好", "session_id": "s" * 128})
        assert ok.status_code == 200 and ok.json()["session_id"] == "s" * 128
        long = c.post("/api/ask", json={"question": "你好", "session_id": "x" * 5_000_000})
        assert long.status_code == 422
        assert len(long.content) < 2000  # the 5 MB id is not echoed back
    assert empty_service.sessions.count() == 1


def test_an_address_cannot_open_sessions_without_bound(empty_service: Service) -> None:
    with _client(empty_service, rate_limit_per_minute=0, max_sessions_per_address=3) as c:
        codes = [c.post("/api/ask", json={"question": "你好", "session_id": f"s{i}"}).status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]
        # Conversations already open go on.
        assert c.post("/api/ask", json={"question": "你好", "session_id": "s1"}).status_code == 200
    assert empty_service.sessions.count() == 3


def test_session_table_is_trimmed_to_its_cap(tmp_path: Path) -> None:
    sessions = Sessions(tmp_path / "s.sqlite", max_rows=50)
    for i in range(250):
        sessions.put(f"id-{i}", Context(question="问"))
    assert sessions.count() <= 50 + 100  # trimmed every 100 writes
    assert sessions.get("id-249").question == "问"
    with pytest.raises(ValueError):
        sessions.put("x" * 129, Context())
    sessions.close()


def test_validation_errors_do_not_echo_the_whole_input(empty_service: Service) -> None:
    with _client(empty_service, rate_limit_per_minute=0) as c:
        reply = c.post("/api/ask", json={"question": "问" * 100_000})
        assert reply.status_code == 422
        assert len(reply.content) < 2000
        error = reply.json()["detail"][0]
        assert error["loc"] == ["body", "question"] and error["input"].startswith("问" * 200)


def test_fifty_staff_behind_one_address_can_all_ask_with_the_defaults(empty_service: Service) -> None:
    """Each widget session has its own limit; the address cap is far above an office's use."""
    with _client(empty_service) as c:  # default limits
        codes = [c.post("/api/ask", json={"question": "你好", "session_id": f"staff-{i}"}).status_code
                 for i in range(50) for _ in range(3)]
        assert codes.count(200) == len(codes)
        # One session asking in a burst is still limited.
        burst = [c.post("/api/ask", json={"question": "你好", "session_id": "staff-0"}).status_code
                 for _ in range(empty_service.settings.rate_limit_burst)]
        assert burst[-1] == 429


def test_api_keys_have_their_own_limits_and_the_address_cap_covers_everyone(empty_service: Service) -> None:
    with _client(empty_service, rate_limit_per_minute=6, rate_limit_burst=2,
                 rate_limit_per_address_per_minute=7) as c:
        a = [c.post("/api/ask", json={"question": "你好"}, headers={"X-API-Key": "key-a"}).status_code
             for _ in range(3)]
        b = [c.post("/api/ask", json={"question": "你好"}, headers={"Authorization": "Bearer key-b"}).status_code
             for _ in range(3)]
        assert a == [200, 200, 429] and b == [200, 200, 429]
        # Three more sessions of one question each: the address has then asked 7 times (4 + 3).
        fresh = [c.post("/api/ask", json={"question": "你好", "session_id": f"n{i}"}).status_code for i in range(4)]
        assert fresh == [200, 200, 200, 429]
        assert 1 <= int(c.post("/api/ask", json={"question": "你好"}).headers["Retry-After"]) <= 60

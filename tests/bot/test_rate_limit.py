"""Rate limits on the question routes: per key or session, a coarse cap per address, 429 with Retry-After."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.ratelimit import Caller, RateLimiter
from rag.service import Service


def test_a_key_gets_its_burst_then_waits_and_keys_are_independent() -> None:
    limiter = RateLimiter(per_minute=60, burst=3)
    a, b = Caller("10.0.0.1", "session:a", "a"), Caller("10.0.0.1", "session:b", "b")
    assert [limiter.take(a) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.take(a)
    assert 0 < wait <= 10  # the burst window is 10 s
    assert limiter.take(b) == 0.0  # another session has its own limit


def test_the_address_cap_covers_every_key_and_anonymous_callers() -> None:
    limiter = RateLimiter(per_minute=60, burst=10, per_address_per_minute=3)
    callers = [Caller("10.0.0.1", f"session:{i}", str(i)) for i in range(2)] + [Caller("10.0.0.1", None)]
    assert [limiter.take(c) for c in callers] == [0.0, 0.0, 0.0]
    assert limiter.take(Caller("10.0.0.1", "session:new", "new")) > 0
    assert limiter.take(Caller("10.0.0.2", None)) == 0.0  # another address


def test_a_refused_question_is_not_counted() -> None:
    limiter = RateLimiter(per_minute=60, burst=1, per_address_per_minute=2)
    a = Caller("10.0.0.1", "session:a", "a")
    assert limiter.take(a) == 0.0
    assert limiter.take(a) > 0  # refused by the burst: must not use up the address cap
    assert limiter.take(Caller("10.0.0.1", "session:b", "b")) == 0.0


def test_zero_disables() -> None:
    limiter = RateLimiter(0, 1)
    assert all(limiter.take(Caller("a", "session:a", "a")) == 0.0 for _ in range(100))


def _client(service: Service, **update) -> TestClient:
    settings = service.settings.model_copy(update={"rate_limit_per_minute": 6, "rate_limit_burst": 2, **update})
    return TestClient(create_app(settings, service))


@pytest.mark.parametrize("route", ["/api/ask", "/api/chat"])
def test_route_answers_429_with_retry_after_once_the_limit_is_reached(corpus_service: Service, route: str) -> None:
    with _client(corpus_service) as c:
        session = c.post("/api/ask", json={"question": "你好"}).json()["session_id"]  # a first question
        ask = {"question": "你好", "session_id": session}
        codes = [c.post(route, json=ask).status_code for _ in range(2)]
        limited = c.post(route, json=ask)
        assert codes == [200, 200]
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 10  # two in any 10 s
        assert "retry in" in limited.json()["detail"]
        assert c.get("/api/documents").status_code == 200  # other routes are not limited


def test_forwarded_for_is_a_client_key_only_behind_a_trusted_proxy(corpus_service: Service) -> None:
    ask = {"question": "你好"}
    with _client(corpus_service, rate_limit_per_address_per_minute=1) as c:
        assert c.post("/api/ask", json=ask, headers={"X-Forwarded-For": "10.0.0.1"}).status_code == 200
        # Untrusted: a made-up header does not buy a fresh limit.
        assert c.post("/api/ask", json=ask, headers={"X-Forwarded-For": "10.0.0.2"}).status_code == 429
    with _client(corpus_service, rate_limit_per_address_per_minute=1, trust_forwarded_for=True) as c:
        assert c.post("/api/ask", json=ask, headers={"X-Forwarded-For": "10.0.0.1, 172.16.0.1"}).status_code == 200
        assert c.post("/api/ask", json=ask, headers={"X-Forwarded-For": "10.0.0.2"}).status_code == 200
        assert c.post("/api/ask", json=ask, headers={"X-Forwarded-For": "10.0.0.1"}).status_code == 429


def test_defaults_are_on_and_generous() -> None:
    from rag.settings import Settings

    settings = Settings(_env_file=None)
    assert settings.rate_limit_per_minute >= 20 and settings.rate_limit_burst >= 5
    assert settings.rate_limit_per_address_per_minute >= 50 * 6  # fifty staff, a question every 10 s each

"""Token bucket per client on the question routes: 429 with Retry-After, refill, isolation, off switch."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.ratelimit import RateLimiter
from rag.service import Service


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_burst_then_refills_at_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(1.0)  # one token a second
    clock.now += 0.5
    assert limiter.take("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.take("a") == 0.0
    assert limiter.take("b") == 0.0  # another client has its own bucket


def test_bucket_never_holds_more_than_the_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock)
    limiter.take("a")
    clock.now += 3600
    assert [limiter.take("a") for _ in range(3)][-1] > 0


def test_zero_disables_and_client_table_is_bounded() -> None:
    assert all(RateLimiter(0, 1).take("a") == 0.0 for _ in range(100))
    limiter = RateLimiter(60, 1, max_clients=5)
    for i in range(50):
        limiter.take(f"client-{i}")
    assert len(limiter._buckets) == 5


def _client(service: Service, **update) -> TestClient:
    settings = service.settings.model_copy(update={"rate_limit_per_minute": 6, "rate_limit_burst": 2, **update})
    return TestClient(create_app(settings, service))


@pytest.mark.parametrize("route", ["/api/ask", "/api/chat"])
def test_route_answers_429_with_retry_after_once_the_bucket_is_empty(corpus_service: Service, route: str) -> None:
    with _client(corpus_service) as c:
        codes = [c.post(route, json={"question": "你好"}).status_code for _ in range(2)]
        limited = c.post(route, json={"question": "你好"})
        assert codes == [200, 200]
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 10  # 6/min: a token every 10 s
        assert "retry in" in limited.json()["detail"]
        assert c.get("/api/documents").status_code == 200  # other routes are not limited


def test_forwarded_for_is_a_client_key_only_behind_a_trusted_proxy(corpus_service: Service) -> None:
    ask = {"question": "你好"}
    with _client(corpus_service, rate_limit_burst=1) as c:
        assert c.post("/api/ask", json=ask, headers={"X-Forwarded-For": "10.0.0.1"}).status_code == 200
        # Untrusted: a made-up header does not buy a fresh bucket.
        assert c.post("/api/ask", json=ask, headers={"X-Forwarded-For": "10.0.0.2"}).status_code == 429
    with _client(corpus_service, rate_limit_burst=1, trust_forwarded_for=True) as c:
        assert c.post("/api/ask", json=ask, headers={"X-Forwarded-For": "10.0.0.1, 172.16.0.1"}).status_code == 200
        assert c.post("/api/ask", json=ask, headers={"X-Forwarded-For": "10.0.0.2"}).status_code == 200
        assert c.post("/api/ask", json=ask, headers={"X-Forwarded-For": "10.0.0.1"}).status_code == 429


def test_defaults_are_on_and_generous() -> None:
    from rag.settings import Settings

    settings = Settings(_env_file=None)
    assert settings.rate_limit_per_minute >= 20 and settings.rate_limit_burst >= 5

"""API keys through the ASGI app: created and revoked by the admin, stored hashed, checked on the
question routes, counted per route, and used as the rate-limit key."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.api_keys import DB_NAME
from bot.app import create_app
from rag.service import Service

ADMIN = {"Authorization": "Bearer test-token"}


def _question(service: Service) -> dict[str, str]:
    doc = service.store.list_documents()[0]
    return {"question": f"{doc.region}{doc.year}年办结了多少件行政复议案件？"}


@pytest.fixture
def open_client(corpus_service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(corpus_service.settings, corpus_service)) as c:
        yield c


@pytest.fixture
def strict_client(corpus_service: Service) -> Iterator[TestClient]:
    settings = corpus_service.settings.model_copy(update={"require_api_key": True})
    with TestClient(create_app(settings, corpus_service)) as c:
        yield c


def test_key_management_needs_the_admin_token(open_client: TestClient) -> None:
    assert open_client.get("/api/admin/keys").status_code == 401
    wrong = {"Authorization": "Bearer no"}
    assert open_client.post("/api/admin/keys", json={"name": "x"}, headers=wrong).status_code == 401
    assert open_client.post("/api/admin/keys", json={"name": ""}, headers=ADMIN).status_code == 422


def test_keys_are_stored_hashed_and_shown_once(open_client: TestClient, corpus_service: Service) -> None:
    created = open_client.post("/api/admin/keys", json={"name": "dify"}, headers=ADMIN).json()
    secret = created["key"]
    listed = {k["id"]: k for k in open_client.get("/api/admin/keys", headers=ADMIN).json()}
    assert "key" not in listed[created["id"]] and secret.startswith(listed[created["id"]]["prefix"])
    raw = (corpus_service.store.root / DB_NAME).read_bytes()
    assert secret.encode() not in raw
    with sqlite3.connect(corpus_service.store.root / DB_NAME) as db:
        hashes = {row[0] for row in db.execute("SELECT hash FROM api_keys")}
    assert hashlib.sha256(secret.encode()).hexdigest() in hashes


def test_open_by_default_a_key_is_counted_and_a_revoked_key_refused(open_client: TestClient,
                                                                    corpus_service: Service) -> None:
    body = _question(corpus_service)
    assert open_client.post("/api/ask", json=body).status_code == 200  # no key: open as before
    created = open_client.post("/api/admin/keys", json={"name": "intranet"}, headers=ADMIN).json()
    assert open_client.post("/api/ask", json=body, headers={"X-API-Key": created["key"]}).status_code == 200
    with open_client.stream("POST", "/api/chat", json=body,
                            headers={"Authorization": f"Bearer {created['key']}"}) as r:
        assert r.status_code == 200 and "event: done" in "".join(r.iter_text())
    key = next(k for k in open_client.get("/api/admin/keys", headers=ADMIN).json() if k["id"] == created["id"])
    assert key["usage"] == {"/api/ask": 1, "/api/chat": 1} and key["uses"] == 2 and key["last_used_at"]
    assert open_client.delete(f"/api/admin/keys/{created['id']}", headers=ADMIN).status_code == 204
    refused = open_client.post("/api/ask", json=body, headers={"X-API-Key": created["key"]})
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert open_client.delete("/api/admin/keys/nope", headers=ADMIN).status_code == 404


def test_required_keys_refuse_requests_without_a_valid_one(strict_client: TestClient,
                                                           corpus_service: Service) -> None:
    body = _question(corpus_service)
    for headers in ({}, {"X-API-Key": "gqk_made_up"}, {"Authorization": "Bearer sk-placeholder"}):
        r = strict_client.post("/api/ask", json=body, headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert strict_client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "x"}]}
                              ).status_code == 401
    assert strict_client.get("/v1/models").status_code == 401
    key = strict_client.post("/api/admin/keys", json={"name": "app"}, headers=ADMIN).json()["key"]
    assert strict_client.post("/api/ask", json=body, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert strict_client.get("/v1/models", headers={"X-API-Key": key}).json()["data"][0]["id"] == "govqa"
    # Routes that were open stay open: documents, health, the widget.
    assert strict_client.get("/api/documents").status_code == 200


def test_rate_limit_counts_per_key(corpus_service: Service) -> None:
    settings = corpus_service.settings.model_copy(update={"rate_limit_per_minute": 1.0, "rate_limit_burst": 1})
    with TestClient(create_app(settings, corpus_service)) as c:
        body = _question(corpus_service)
        one = c.post("/api/admin/keys", json={"name": "one"}, headers=ADMIN).json()["key"]
        two = c.post("/api/admin/keys", json={"name": "two"}, headers=ADMIN).json()["key"]
        assert c.post("/api/ask", json=body, headers={"X-API-Key": one}).status_code == 200
        assert c.post("/api/ask", json=body, headers={"X-API-Key": one}).status_code == 429
        # Same address, another key: its own bucket.
        assert c.post("/api/ask", json=body, headers={"X-API-Key": two}).status_code == 200
        assert c.post("/api/ask", json=body).status_code == 200  # the address's bucket is untouched too

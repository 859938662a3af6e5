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
from rag.store.feedback import FeedbackIn, FeedbackStore
from rag.store.sessions import Sessions

ADMIN = {"Authorization": "Bearer test-token"}


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
        assert ok.status_code == 200 and ok.json()["session_id"] != "s" * 128  # not one the server minted
        long = c.post("/api/ask", json={"question": "你好", "session_id": "x" * 500_000})
        assert long.status_code == 422
        assert len(long.content) < 2000  # the 500 KB id is not echoed back
        huge = c.post("/api/ask", json={"question": "你好", "session_id": "x" * 5_000_000})
        assert huge.status_code == 413  # over the body limit: never read, let alone parsed
    assert empty_service.sessions.count() == 1


def test_an_address_cannot_open_sessions_without_bound(empty_service: Service) -> None:
    with _client(empty_service, rate_limit_per_minute=0, max_sessions_per_address=3) as c:
        replies = [c.post("/api/ask", json={"question": "你好", "session_id": f"s{i}"}) for i in range(4)]
        assert [r.status_code for r in replies] == [200, 200, 200, 429]
        # Conversations already open go on.
        minted = replies[1].json()["session_id"]
        assert c.post("/api/ask", json={"question": "你好", "session_id": minted}).status_code == 200
    assert empty_service.sessions.count() == 3


def test_requests_without_a_session_id_open_sessions_beyond_the_address_cap(empty_service: Service) -> None:
    """Only client-named sessions were counted: /api/ask without one and /v1 minted sessions without bound."""
    with _client(empty_service, rate_limit_per_minute=0, max_sessions_per_address=3) as c:
        codes = [c.post("/api/ask", json={"question": "你好"}).status_code for _ in range(2)]
        hello = {"messages": [{"role": "user", "content": "你好"}]}
        v1 = c.post("/v1/chat/completions", json=hello)
        assert [*codes, v1.status_code] == [200, 200, 200]
        assert c.post("/v1/chat/completions", json=hello).status_code == 429
        assert c.post("/api/ask", json={"question": "你好"}).status_code == 429
    assert empty_service.sessions.count() == 3


def test_server_minted_sessions_get_429_on_their_first_follow_up_once_the_cap_is_full(empty_service: Service) -> None:
    with _client(empty_service, rate_limit_per_minute=0, max_sessions_per_address=2) as c:
        minted = c.post("/api/ask", json={"question": "你好"}).json()["session_id"]
        others = [c.post("/api/ask", json={"question": "你好", "session_id": f"mine-{i}"}).status_code
                  for i in range(2)]
        assert others == [200, 429]  # the minted one counted when it was opened
        assert c.post("/api/ask", json={"question": "你好", "session_id": minted}).status_code == 200


def test_api_ask_refuses_a_session_id_it_did_not_mint_for_that_client(empty_service: Service) -> None:
    """Any id was accepted: a client could name (or, for /v1, compute) another's and write into it."""
    with _client(empty_service, rate_limit_per_minute=0) as c:
        assert c.post("/api/ask", json={"question": "你好", "session_id": "someone-else"}).json()["session_id"] \
            != "someone-else"
        minted = c.post("/api/ask", json={"question": "你好"}).json()["session_id"]
        assert c.post("/api/ask", json={"question": "你好", "session_id": minted}).json()["session_id"] == minted
        forged = minted.split(".")[0] + "." + "0" * 32
        assert c.post("/api/ask", json={"question": "你好", "session_id": forged}).json()["session_id"] != forged
        # A conversation minted for one API key is not continued under another.
        keys = [c.post("/api/admin/keys", json={"name": n}, headers=ADMIN).json()["key"] for n in ("a", "b")]
        mine = c.post("/api/ask", json={"question": "你好"}, headers={"X-API-Key": keys[0]}).json()["session_id"]
        theirs = c.post("/api/ask", json={"question": "你好", "session_id": mine}, headers={"X-API-Key": keys[1]})
        assert theirs.json()["session_id"] != mine
        assert c.post("/api/ask", json={"question": "你好", "session_id": mine},
                      headers={"X-API-Key": keys[0]}).json()["session_id"] == mine


def test_v1_session_id_is_not_derived_from_the_conversation(empty_service: Service) -> None:
    """The /v1 id was a hash of the user messages: a second client with the same history got the same id."""
    body = {"messages": [{"role": "user", "content": "泗阳县2023年办结了多少件行政复议案件？"},
                         {"role": "assistant", "content": "……"}, {"role": "user", "content": "那2022年呢？"}]}
    with _client(empty_service, rate_limit_per_minute=0) as c:
        first, second = (c.post("/v1/chat/completions", json=body).json()["govqa"]["session_id"] for _ in range(2))
        assert first != second and not first.startswith("history:")
        # A client that sends its id back continues its conversation.
        again = c.post("/v1/chat/completions", json={**body, "session_id": first}).json()["govqa"]["session_id"]
        assert again == first


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
        sessions = [c.post("/api/ask", json={"question": "你好"}).json()["session_id"] for _ in range(50)]
        codes = [c.post("/api/ask", json={"question": "你好", "session_id": s}).status_code
                 for s in sessions for _ in range(2)]
        assert codes.count(200) == len(codes)
        # One session asking in a burst is still limited.
        burst = [c.post("/api/ask", json={"question": "你好", "session_id": sessions[0]}).status_code
                 for _ in range(empty_service.settings.rate_limit_burst)]
        assert burst[-1] == 429


def test_api_keys_have_their_own_limits_and_the_address_cap_covers_everyone(empty_service: Service) -> None:
    with _client(empty_service, rate_limit_per_minute=6, rate_limit_burst=2,
                 rate_limit_per_address_per_minute=7) as c:
        key_a, key_b = (c.post("/api/admin/keys", json={"name": n}, headers=ADMIN).json()["key"] for n in "ab")
        a = [c.post("/api/ask", json={"question": "你好"}, headers={"X-API-Key": key_a}).status_code
             for _ in range(3)]
        b = [c.post("/api/ask", json={"question": "你好"}, headers={"Authorization": f"Bearer {key_b}"}).status_code
             for _ in range(3)]
        assert a == [200, 200, 429] and b == [200, 200, 429]
        # Three more questions: the address has then asked 7 times (4 + 3).
        fresh = [c.post("/api/ask", json={"question": "你好"}).status_code for i in range(4)]
        assert fresh == [200, 200, 200, 429]
        assert 1 <= int(c.post("/api/ask", json={"question": "你好"}).headers["Retry-After"]) <= 60


def test_a_fresh_placeholder_key_per_request_does_not_escape_the_client_limit(empty_service: Service) -> None:
    """A key we did not issue was counted under its own hash: a new one each request was a new client."""
    with _client(empty_service, rate_limit_per_minute=6, rate_limit_burst=2) as c:
        session = c.post("/api/ask", json={"question": "你好"}).json()["session_id"]
        codes = [c.post("/api/ask", json={"question": "你好", "session_id": session},
                        headers={"Authorization": f"Bearer sk-placeholder-{i}"}).status_code for i in range(3)]
        assert codes[-1] == 429


def test_admin_token_without_the_bearer_scheme_is_refused(empty_service: Service) -> None:
    with _client(empty_service) as c:
        assert c.get("/api/feedback", headers={"Authorization": "test-token"}).status_code == 401
        assert c.get("/api/feedback", headers={"Authorization": "Basic test-token"}).status_code == 401
        assert c.get("/api/feedback", headers=ADMIN).status_code == 200


def test_anonymous_feedback_cannot_fill_the_disk(empty_service: Service, tmp_path: Path) -> None:
    """No rate limit and unbounded citation text: five posts grew the feedback store to 716 MB."""
    item = {"session_id": "s", "question": "问", "answer": "答", "rating": "down",
            "citations": [{"n": 1, "doc_id": "d", "text": "文" * 5000}]}
    with _client(empty_service, feedback_per_minute=4) as c:  # the refused post counts too
        assert c.post("/api/feedback", json=item).status_code == 422  # one citation's text over 4,000
        item["citations"] = [{"n": 1, "doc_id": "d", "text": "文" * 4000}]
        codes = [c.post("/api/feedback", json=item).status_code for _ in range(4)]
        assert codes == [201, 201, 201, 429]
    # The store keeps its newest rows only.
    store = FeedbackStore(tmp_path / "f.sqlite", max_rows=5)
    for i in range(12):
        store.add(FeedbackIn(session_id="s", question=f"问{i}", answer="答", rating="up"))
    kept = store.list()
    assert len(kept) == 5 and kept[0].question == "问11"
    store.close()


@pytest.mark.parametrize("path, body", [
    ("/api/ask", b'{"question": "\\ud800"}'),
    ("/api/chat", b'{"question": "a\\udc00b"}'),
    ("/v1/chat/completions", b'{"messages": [{"role": "user\\ud800", "content": "a"}]}'),
    ("/api/feedback", b'{"session_id": "\\ud800", "question": "q", "answer": "a", "rating": "up"}'),
])
def test_a_lone_surrogate_in_json_is_a_4xx_not_a_500(empty_service: Service, path: str, body: bytes) -> None:
    """The 422 handler echoed text it could not encode as UTF-8."""
    with TestClient(create_app(empty_service.settings.model_copy(update={"rate_limit_per_minute": 0}), empty_service),
                    raise_server_exceptions=False) as c:
        reply = c.post(path, content=body, headers={"Content-Type": "application/json"})
    assert 400 <= reply.status_code < 500 and reply.json()["detail"]


def test_an_upload_racing_a_delete_of_its_document_is_a_409_not_a_500(
        empty_service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.app

    real_ingest = bot.app.ingest

    def ingest_then_deleted(store, paths, **kw):  # the DELETE lands between the ingest and the route's read
        results = real_ingest(store, paths, **kw)
        store.delete_document(results[0].doc_id)
        return results

    monkeypatch.setattr(bot.app, "ingest", ingest_then_deleted)
    files = {"file": ("r.txt", "泗阳县2023年法治政府建设年度报告\n办结行政复议案件174件。".encode())}
    with _client(empty_service) as c:
        reply = c.post("/api/documents", files=files, headers=ADMIN)
    assert reply.status_code == 409 and "deleted" in reply.json()["detail"]

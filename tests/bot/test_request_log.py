"""`govqa serve`'s request log as an operator sees it: JSON lines on the real process's stderr."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.servers import govqa_serve

QUESTION = "泗阳县2023年1-11月办结了多少件行政复议案件？"
ADMIN = {"Authorization": "Bearer test-token"}


def _json_lines(log: Path) -> list[dict[str, Any]]:
    """Every JSON object line of the log; the one plain start-up line ("govqa serving …") is skipped."""
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("{")]


def _requests(log: Path) -> list[dict[str, Any]]:
    return [r for r in _json_lines(log) if r.get("logger") == "govqa.http" and "request_id" in r]


def test_one_json_line_per_request_with_key_id_and_no_question(tmp_path: Path) -> None:
    store = tmp_path / "store"  # empty: the log, not the answer, is under test
    log = tmp_path / "serve.log"
    with govqa_serve(store, {"GOVQA_ADMIN_TOKEN": "test-token"}, stderr=log) as url:
        key = httpx.post(f"{url}/api/admin/keys", json={"name": "ops"}, headers=ADMIN, timeout=30).json()
        asked = httpx.post(f"{url}/api/ask", json={"question": QUESTION}, timeout=60,
                           headers={"Authorization": f"Bearer {key['key']}", "X-Request-ID": "ops-a-ask"})
        assert asked.status_code == 200, asked.text
        assert httpx.get(f"{url}/api/documents", timeout=30).status_code == 200
        assert httpx.get(f"{url}/nowhere", timeout=30).status_code == 404

    lines = _json_lines(log)
    assert lines and all({"time", "level", "logger", "message"} <= set(r) for r in lines)
    requests = _requests(log)
    by_route = {(r["method"], r["route"]): r for r in requests}
    ask = by_route[("POST", "/api/ask")]
    assert ask["request_id"] == "ops-a-ask" and ask["status"] == 200 and ask["duration_ms"] > 0
    assert ask["key_id"] == key["id"]
    assert by_route[("GET", "/api/documents")]["key_id"] is None
    assert by_route[("GET", "unmatched")]["status"] == 404
    assert len([r for r in requests if r["route"] == "/api/ask"]) == 1  # one line, not uvicorn's access line too
    text = log.read_text(encoding="utf-8")
    assert key["key"] not in text and "test-token" not in text
    assert "泗阳县2023年" not in text  # no question text unless GOVQA_LOG_QUESTIONS is on


def test_questions_logged_when_asked_for_and_text_format(tmp_path: Path) -> None:
    store = tmp_path / "store"  # empty: the log, not the answer, is under test
    log = tmp_path / "serve.log"
    with govqa_serve(store, {"GOVQA_LOG_QUESTIONS": "true", "GOVQA_LOG_LEVEL": "warning"}, stderr=log) as url:
        assert httpx.post(f"{url}/api/ask", json={"question": QUESTION}, timeout=60).status_code == 200
    assert _requests(log) == []  # INFO lines are below the WARNING level asked for

    with govqa_serve(store, {"GOVQA_LOG_QUESTIONS": "true"}, stderr=log) as url:
        assert httpx.post(f"{url}/api/ask", json={"question": QUESTION}, timeout=60).status_code == 200
        chat = {"messages": [{"role": "user", "content": "先问一句"}, {"role": "user", "content": QUESTION}]}
        assert httpx.post(f"{url}/v1/chat/completions", json=chat, timeout=60).status_code == 200
    [ask] = [r for r in _requests(log) if r["route"] == "/api/ask"]
    assert ask["question"] == QUESTION  # kept readable, not \\u-escaped
    [openai] = [r for r in _requests(log) if r["route"] == "/v1/chat/completions"]
    assert openai["question"] == QUESTION  # the last user message: the question asked, not the history
    assert QUESTION in log.read_text(encoding="utf-8")

    with govqa_serve(store, {"GOVQA_LOG_FORMAT": "text"}, stderr=log) as url:
        assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200
    assert _json_lines(log) == []
    assert any(" INFO govqa.http: GET /healthz 200 " in line for line in log.read_text(encoding="utf-8").splitlines())

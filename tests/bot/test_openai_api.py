"""The /v1 door's bounds: every message of a conversation is bounded before any of it is understood."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from rag.service import Service
from rag.settings import Settings


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    service = Service(Settings(store=tmp_path / "store", embedding_model="none", rate_limit_per_minute=0))
    with TestClient(create_app(service.settings, service)) as c:
        yield c
    service.close()


def _chat(*users: str) -> dict[str, object]:
    messages = []
    for text in users:
        messages += [{"role": "user", "content": text}, {"role": "assistant", "content": "好的"}]
    return {"model": "govqa", "messages": messages[:-1]}


def test_v1_earlier_message_of_any_length_is_refused_before_understanding(client: TestClient) -> None:
    """Only the last message was length-checked: a 200k-character earlier turn went through understanding."""
    reply = client.post("/v1/chat/completions", json=_chat("泗阳县" * 70_000, "那2022年呢？"))
    assert reply.status_code == 400 and "characters" in reply.json()["detail"]


def test_v1_conversation_over_the_total_limit_is_refused(client: TestClient) -> None:
    turns = ["泗阳县2023年办结了多少件行政复议案件？" + "问" * 1900] * 9  # each under 2,000, 17k in all
    reply = client.post("/v1/chat/completions", json=_chat(*turns))
    assert reply.status_code == 400 and "conversation too long" in reply.json()["detail"]
    assert client.post("/v1/chat/completions", json=_chat(*turns[:3])).status_code == 200

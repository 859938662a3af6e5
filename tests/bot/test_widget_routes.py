"""The widget's static routes, served from package data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from rag.service import Service


@pytest.fixture(scope="module")
def client(corpus_service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(corpus_service.settings, corpus_service)) as c:
        yield c


def test_widget_js_is_javascript_that_talks_to_the_chat_route(client: TestClient) -> None:
    r = client.get("/widget.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/javascript")
    assert "/api/chat" in r.text and "attachShadow" in r.text
    assert "innerHTML" not in r.text  # answers carry document text: only text nodes


def test_demo_page_embeds_the_widget_with_one_tag(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text.count("<script") == 1
    assert '<script src="/widget.js" data-title="法治报告问答"></script>' in r.text

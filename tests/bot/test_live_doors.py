"""A real `govqa serve` with a scripted OpenAI-compatible LLM: live tokens on /api/chat, and the
OpenAI-compatible door driven by the official `openai` client, streamed and not.

The LLM answers with what it was shown: a figure from passage 1 of its prompt (or, when told to, a
figure no passage holds), so nothing here depends on a particular report's numbers.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from tests.conftest import build_service
from tests.fakes.openai_server import FakeOpenAI, fake_openai
from tests.servers import govqa_serve

BAD_FIGURE = "987654件"
LEAD = ["根据", "所给", "资料", "，", "报告", "显示", "：", "全年", "相关", "工作", "有序", "开展", "，"]


def _figure(body: dict[str, Any]) -> str:
    user = body["messages"][-1]["content"]
    passage = user.split('<passage n="1"', 1)[1].split("</passage>", 1)[0]
    match = re.search(r"(?<![\d.])\d+(?:\.\d+)?(?:件|人次|人|项|次|个|%)", passage)
    assert match, passage
    return match.group(0)


class Script:
    """What the fake LLM says next: grounded (a figure from passage 1) or not."""

    bad = False

    def __call__(self, body: dict[str, Any]) -> list[str]:
        if body["messages"][0]["content"].startswith("把用户的追问改写"):
            return ["报告中没有相关内容"]  # no rewrite: the rule-based follow-up resolution stands
        return [*LEAD, BAD_FIGURE if self.bad else _figure(body), "[1]", "。"]  # 16 tokens


@pytest.fixture(scope="module")
def script() -> Script:
    return Script()


@pytest.fixture(scope="module")
def llm(script: Script) -> Iterator[FakeOpenAI]:
    with fake_openai([script]) as fake:
        yield fake


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, llm: FakeOpenAI) -> Iterator[str]:
    store = tmp_path_factory.mktemp("live-doors") / "store"
    build_service(store).close()
    env = {"GOVQA_LLM_MODEL": "scripted", "GOVQA_LLM_BASE_URL": llm.url, "GOVQA_LLM_API_KEY": "k",
           "GOVQA_RATE_LIMIT_PER_MINUTE": "0", "GOVQA_ADMIN_TOKEN": "live-admin"}
    with govqa_serve(store, env) as url:
        yield url


@pytest.fixture
def question(server: str) -> str:
    # A report that states the closed count (another may give only a combined figure, and then the
    # right answer is a refusal, with nothing for the LLM to say).
    row = httpx.get(f"{server}/api/metrics", params={"metric": "reconsideration_closed"}).json()[0]
    return f"{row['region']}{row['year']}年办结了多少件行政复议案件？"


def _events(server: str, question: str) -> tuple[list[tuple[float, str, Any]], float]:
    """(seconds after the request, event, data) for each SSE event, and the request's start."""
    events = []
    start = time.perf_counter()
    with httpx.stream("POST", f"{server}/api/chat", json={"question": question}, timeout=60) as r:
        assert r.status_code == 200
        kind = "message"
        for line in r.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((time.perf_counter() - start, kind, json.loads(line.split(":", 1)[1].strip())))
    return events, start


def test_first_token_arrives_long_before_the_llm_finishes(server: str, llm: FakeOpenAI, script: Script,
                                                          question: str) -> None:
    script.bad, llm.token_delay_s = False, 0.2
    try:
        events, _ = _events(server, question)
    finally:
        llm.token_delay_s = 0.0
    kinds = [k for _, k, _ in events]
    assert kinds[-2:] == ["citations", "done"] and set(kinds[:-2]) == {"token"}
    first_token = next(t for t, k, _ in events if k == "token")
    length = events[-1][0]
    print(f"\nfirst token at {first_token:.2f} s of a {length:.2f} s stream ({first_token / length:.0%})")
    assert length > 15 * 0.2  # the scripted model really took its time
    assert first_token < 0.6 * length
    done = events[-1][2]
    assert "".join(d["text"] for _, k, d in events if k == "token") == done["answer"]
    assert done["citations"][0]["n"] == 1 and done["answer"].endswith("[1]。")


def test_an_ungrounded_answer_ends_in_replace(server: str, script: Script, question: str) -> None:
    script.bad = True
    try:
        events, _ = _events(server, question)
    finally:
        script.bad = False
    kinds = [k for _, k, _ in events]
    assert kinds[0] == "token" and kinds[-3:] == ["replace", "citations", "done"]
    assert BAD_FIGURE not in "".join(d["text"] for _, k, d in events if k == "token")
    replace, done = events[-3][2], events[-1][2]
    assert replace["text"] == done["answer"] and BAD_FIGURE not in done["answer"]
    assert done["citations"] and done["answerable"]


# --- the OpenAI-compatible door, through the official client ---------------------------------------

def _client(server: str, key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server}/v1", api_key=key, max_retries=0)


def test_models_lists_govqa(server: str) -> None:
    assert [m.id for m in _client(server).models.list()] == ["govqa"]


def test_completion_carries_a_numbered_source_list_and_the_govqa_field(server: str, question: str) -> None:
    completion = _client(server).chat.completions.create(
        model="govqa", messages=[{"role": "system", "content": "你是助手"}, {"role": "user", "content": question}])
    content = completion.choices[0].message.content
    extra = completion.model_extra["govqa"]
    assert completion.choices[0].finish_reason == "stop"
    assert content.startswith(extra["answer"]) and "来源：" in content
    first = extra["citations"][0]
    assert f"[{first['n']}] " in content.split("来源：", 1)[1]
    figure = re.search(r"\d+(?:\.\d+)?", extra["answer"]).group(0)
    assert figure in first["text"]


def test_streamed_completion_assembles_the_same_cited_answer(server: str, question: str) -> None:
    chunks = list(_client(server).chat.completions.create(
        model="govqa", messages=[{"role": "user", "content": question}], stream=True))
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    extra = last.model_extra["govqa"]
    assert content.startswith(extra["answer"]) and "来源：" in content and extra["citations"]
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 2  # really streamed


def test_a_withdrawn_stream_is_followed_by_the_marked_correction(server: str, script: Script, question: str) -> None:
    script.bad = True
    try:
        chunks = list(_client(server).chat.completions.create(
            model="govqa", messages=[{"role": "user", "content": question}], stream=True))
    finally:
        script.bad = False
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    extra = chunks[-1].model_extra["govqa"]
    live, correction = content.split("（更正：", 1)
    assert live.startswith("根据所给资料") and BAD_FIGURE not in content
    assert extra["answer"] in correction and "来源：" in correction


def test_earlier_messages_are_the_session(server: str, question: str) -> None:
    client = _client(server)
    first = client.chat.completions.create(model="govqa", messages=[{"role": "user", "content": question}])
    region = first.model_extra["govqa"]["citations"][0]["region"]
    follow = client.chat.completions.create(model="govqa", messages=[
        {"role": "user", "content": question},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "其中直接纠错了几件？"},
    ])
    extra = follow.model_extra["govqa"]
    # The follow-up names no region: it was carried over from the earlier message, so every passage it
    # cites is that region's (the scripted LLM's wording does not name the region itself).
    assert extra["citations"] and all(c["region"] == region for c in extra["citations"])
    assert extra["session_id"] != first.model_extra["govqa"]["session_id"]


def test_bad_requests_are_4xx(server: str) -> None:
    with pytest.raises(openai.BadRequestError):
        _client(server).chat.completions.create(model="govqa", messages=[{"role": "system", "content": "只有系统"}])
    r = httpx.post(f"{server}/v1/chat/completions", json={"model": "govqa", "messages": []})
    assert r.status_code == 422


def test_keys_gate_the_openai_door(server: str, question: str) -> None:
    admin = {"Authorization": "Bearer live-admin"}
    created = httpx.post(f"{server}/api/admin/keys", json={"name": "open-webui"}, headers=admin).json()
    ok = _client(server, created["key"]).chat.completions.create(
        model="govqa", messages=[{"role": "user", "content": question}])
    assert ok.model_extra["govqa"]["answerable"]
    keys = {k["id"]: k for k in httpx.get(f"{server}/api/admin/keys", headers=admin).json()}
    assert keys[created["id"]]["usage"] == {"/v1/chat/completions": 1}
    assert httpx.delete(f"{server}/api/admin/keys/{created['id']}", headers=admin).status_code == 204
    with pytest.raises(openai.AuthenticationError):
        _client(server, created["key"]).models.list()
    _client(server, "sk-anything").models.list()  # keys are optional here: a key not ours is no key


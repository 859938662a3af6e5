"""The Slack door end to end: real signed requests through the ASGI app, answers posted to a local fake Slack.

Lazy listeners answer after the ack, on the app's event loop, so the tests poll the fake server
for what it received. Questions are built from the ingested documents' metadata, and expected
citations come from the same `Service.ask` the bot calls: the tests check the door, not the answers.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier

from bot import slack_blocks
from bot.app import create_app
from bot.slack import session_id
from bot.slack_blocks import escape
from rag.schema import AskRequest, AskResponse
from rag.service import Service
from tests.fakes.slack_api import (
    BOT_ID,
    BOT_USER_ID,
    RESPONSE_URL_USES,
    TEAM_ID,
    FakeSlack,
    block_errors,
    fake_slack,
)

SECRET = "test-signing-secret-0123456789abcdef"
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    with fake_slack() as fake:
        yield fake


@pytest.fixture(scope="module")
def client(corpus_service: Service, slack: FakeSlack) -> Iterator[TestClient]:
    settings = corpus_service.settings.model_copy(update={
        "slack_bot_token": "xoxb-test-token", "slack_signing_secret": SECRET, "slack_api_base": slack.api_base})
    with TestClient(create_app(settings, corpus_service)) as c:
        yield c


@pytest.fixture(scope="module")
def question(corpus_service: Service) -> str:
    """A question about a real ingested report, from its own metadata."""
    doc = next(d for d in corpus_service.store.list_documents() if d.region and d.year)
    return f"{doc.region}{doc.year}年行政复议案件办理情况如何？"


def signed(body: str, content_type: str = "application/json", secret: str = SECRET,
           timestamp: int | None = None, **extra: str) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, **extra}


def envelope(event: dict[str, object], event_id: str | None = None) -> str:
    return json.dumps({
        "token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0GOVQA", "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}", "event_time": int(time.time()), "event": event,
    }, ensure_ascii=False)


def new_ts() -> str:
    return f"{time.time():.6f}{next(_ids)}"


def mention(text: str, channel: str, ts: str, thread_ts: str | None = None) -> dict[str, object]:
    event = {"type": "app_mention", "user": "UASKER1", "text": f"<@{BOT_USER_ID}> {text}", "ts": ts,
             "channel": channel, "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def posted_to(slack: FakeSlack, channel: str, thread_ts: str | None = None) -> list[dict[str, object]]:
    return [r.body for r in slack.posts("/api/chat.postMessage")
            if r.body.get("channel") == channel and r.body.get("thread_ts") == thread_ts]


def wait_posted(slack: FakeSlack, channel: str, thread_ts: str | None = None, timeout_s: float = 90.0
                ) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := posted_to(slack, channel, thread_ts):
            return found
        time.sleep(0.05)
    raise AssertionError(f"nothing posted to {channel}/{thread_ts}: {slack.posts('/api/chat.postMessage')}")


def block_texts(message: dict[str, object]) -> str:
    texts = []
    for block in message["blocks"]:  # type: ignore[union-attr]
        if block["type"] == "section":
            texts.append(block["text"]["text"])
        texts += [e["text"] for e in block.get("elements", []) if e.get("type") == "mrkdwn"]
    return "\n".join(texts)


def test_slack_known_answer_signature_vector() -> None:
    """Slack's own documented example: our signing helper must produce exactly its signature."""
    body = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
            "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
            "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRs"
            "kXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
    secret, ts = "8f742231b10e8888abcd99yyyzzz85a5", "1531420618"
    expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    assert SignatureVerifier(secret).generate_signature(timestamp=ts, body=body) == expected
    by_hand = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    assert f"v0={by_hand}" == expected


def test_url_verification_returns_the_challenge(client: TestClient) -> None:
    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    r = client.post("/slack/events", content=body, headers=signed(body))
    assert r.status_code == 200
    assert r.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_bad_signature_is_refused_and_nothing_is_answered(client: TestClient, slack: FakeSlack, question: str) -> None:
    channel = "CBADSIG01"
    body = envelope(mention(question, channel, new_ts()))
    assert client.post("/slack/events", content=body, headers=signed(body, secret="not-the-secret")).status_code == 401
    tampered = signed(body)
    altered = body.replace(question, "改过的问题")
    assert client.post("/slack/events", content=altered, headers=tampered).status_code == 401
    unsigned = {"Content-Type": "application/json"}
    assert client.post("/slack/events", content=body, headers=unsigned).status_code == 401
    time.sleep(0.5)
    assert posted_to(slack, channel) == [] and all(channel not in json.dumps(r.body) for r in slack.requests)


def test_stale_timestamp_is_refused_even_when_correctly_signed(client: TestClient) -> None:
    body = json.dumps({"token": "legacy", "challenge": "stale", "type": "url_verification"})
    stale = signed(body, timestamp=int(time.time()) - 301)
    assert client.post("/slack/events", content=body, headers=stale).status_code == 401
    fresh_enough = signed(body, timestamp=int(time.time()) - 200)
    assert client.post("/slack/events", content=body, headers=fresh_enough).status_code == 200


def test_slacks_documented_request_is_refused_as_replayed(corpus_service: Service, slack: FakeSlack) -> None:
    """Slack's example request carries a 2018 timestamp: a valid signature, but a replay today."""
    body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fgovqa&text=hi"
    settings = corpus_service.settings.model_copy(update={
        "slack_bot_token": "xoxb-t", "slack_signing_secret": "8f742231b10e8888abcd99yyyzzz85a5",
        "slack_api_base": slack.api_base})
    with TestClient(create_app(settings, corpus_service)) as c:
        headers = signed(body, "application/x-www-form-urlencoded", "8f742231b10e8888abcd99yyyzzz85a5", 1531420618)
        assert c.post("/slack/events", content=body, headers=headers).status_code == 401


def test_mention_round_trip_posts_the_answer_with_its_citations_in_the_thread(
        client: TestClient, slack: FakeSlack, corpus_service: Service, question: str) -> None:
    channel, ts = "CROUND001", new_ts()
    body = envelope(mention(question, channel, ts))
    r = client.post("/slack/events", content=body, headers=signed(body))
    assert r.status_code == 200
    messages = wait_posted(slack, channel, ts)
    expected = corpus_service.ask(AskRequest(question=question))
    assert expected.answerable and expected.citations
    posted = "\n".join(block_texts(m) for m in messages)
    assert escape(expected.answer.strip()[:60]) in posted
    for citation in expected.citations:
        assert f"*[{citation.n}]*" in posted
        assert escape((citation.quote or citation.text).strip()) in posted
        assert escape(citation.region or "") in posted and f"{citation.year}年" in posted
    for m in messages:
        assert m["text"] and block_errors(m) == []
    auth = [rec for rec in slack.posts("/api/chat.postMessage") if rec.body.get("channel") == channel]
    assert all(rec.headers["Authorization"] == "Bearer xoxb-test-token" for rec in auth)
    # The thread's session remembers the question, so a follow-up in the thread can build on it.
    assert corpus_service.sessions.get(session_id(TEAM_ID, channel, ts)).question


def test_the_ack_does_not_wait_for_the_answer(client: TestClient, slack: FakeSlack, corpus_service: Service,
                                              question: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slack's 3 s deadline: the request is answered while `Service.ask` is still held back."""
    gate, real_ask = threading.Event(), corpus_service.ask

    def held_ask(request: AskRequest) -> AskResponse:
        assert gate.wait(60), "the test never opened the gate"
        return real_ask(request)

    monkeypatch.setattr(corpus_service, "ask", held_ask)
    channel, ts = "CACKFAST1", new_ts()
    body = envelope(mention(question, channel, ts))
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    assert posted_to(slack, channel, ts) == []
    gate.set()
    assert wait_posted(slack, channel, ts)


def test_follow_ups_in_a_thread_share_one_session(client: TestClient, slack: FakeSlack, corpus_service: Service,
                                                  question: str) -> None:
    region = next(d.region for d in corpus_service.store.list_documents() if d.region and d.region in question)
    follow_up = "其中行政诉讼案件有多少件？"
    channel, parent, reply, elsewhere = "CFOLLOW01", new_ts(), new_ts(), new_ts()
    body = envelope(mention(question, channel, parent))
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    answered = len(wait_posted(slack, channel, parent))
    body = envelope(mention(follow_up, channel, reply, thread_ts=parent))
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    deadline = time.monotonic() + 90
    while len(posted_to(slack, channel, parent)) == answered:  # the session is saved before the answer is posted
        assert time.monotonic() < deadline, "the follow-up was never answered"
        time.sleep(0.05)
    assert corpus_service.sessions.get(session_id(TEAM_ID, channel, parent)).regions == [region]
    body = envelope(mention(follow_up, channel, elsewhere))
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    wait_posted(slack, channel, elsewhere)
    assert corpus_service.sessions.get(session_id(TEAM_ID, channel, elsewhere)).regions == []


def test_mention_inside_a_thread_answers_in_that_thread(client: TestClient, slack: FakeSlack, question: str) -> None:
    channel, parent, reply = "CTHREAD01", new_ts(), new_ts()
    body = envelope(mention(question, channel, reply, thread_ts=parent))
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    assert wait_posted(slack, channel, parent)
    assert posted_to(slack, channel, reply) == []


def test_a_retried_event_is_answered_once(client: TestClient, slack: FakeSlack, question: str) -> None:
    channel, ts = "CRETRY001", new_ts()
    body = envelope(mention(question, channel, ts), event_id="EvRETRY0001")
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    for n in (1, 2, 3):
        retry = signed(body, **{"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"})
        assert client.post("/slack/events", content=body, headers=retry).status_code == 200
    wait_posted(slack, channel, ts)
    # A later, different event in the same channel is answered after the retries would have been.
    later = new_ts()
    other = envelope(mention(question, channel, later))
    assert client.post("/slack/events", content=other, headers=signed(other)).status_code == 200
    wait_posted(slack, channel, later)
    first_answer = posted_to(slack, channel, ts)
    assert len(first_answer) == len(posted_to(slack, channel, later))
    assert len({json.dumps(m["blocks"], ensure_ascii=False) for m in first_answer}) == len(first_answer)


def test_direct_message_is_answered_in_the_dm(client: TestClient, slack: FakeSlack, question: str) -> None:
    channel = "DDIRECT01"
    event = {"type": "message", "channel_type": "im", "user": "UASKER2", "text": question, "ts": new_ts(),
             "channel": channel}
    body = envelope(event)
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    messages = wait_posted(slack, channel, None)
    assert any("*[1]*" in block_texts(m) for m in messages)


def test_bad_input_and_failures_are_said_plainly(client: TestClient, slack: FakeSlack, corpus_service: Service,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def dm(text: str, channel: str) -> dict[str, object]:
        body = envelope({"type": "message", "channel_type": "im", "user": "UASKER5", "text": text, "ts": new_ts(),
                         "channel": channel})
        assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
        (message,) = wait_posted(slack, channel, None)
        return message

    assert "问题太长" in dm("问" * 2001, "DTOOLONG1")["text"]

    def broken(request: AskRequest) -> AskResponse:
        raise RuntimeError("store went away")

    monkeypatch.setattr(corpus_service, "ask", broken)
    assert "出错" in dm("任何问题", "DBROKEN01")["text"]


def test_bot_messages_and_edits_are_not_answered(client: TestClient, slack: FakeSlack, question: str) -> None:
    channel = "DBOTLOOP1"
    own = {"type": "message", "channel_type": "im", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": question,
           "ts": new_ts(), "channel": channel}
    other_bot = {"type": "message", "channel_type": "im", "subtype": "bot_message", "bot_id": "BOTHER",
                 "text": question, "ts": new_ts(), "channel": channel}
    edit = {"type": "message", "channel_type": "im", "subtype": "message_changed", "ts": new_ts(), "channel": channel,
            "message": {"type": "message", "user": "UASKER2", "text": question, "ts": new_ts()}}
    for event in (own, other_bot, edit):
        body = envelope(event)
        assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    # A human message sent afterwards is answered; by then the ignored ones would have been too.
    human = {"type": "message", "channel_type": "im", "user": "UASKER2", "text": question, "ts": new_ts(),
             "channel": channel}
    body = envelope(human)
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    first = wait_posted(slack, channel, None)
    time.sleep(0.3)
    assert len(posted_to(slack, channel, None)) == len(first)
    assert all(r.body.get("thread_ts") is None for r in slack.posts("/api/chat.postMessage")
               if r.body.get("channel") == channel)


def test_messages_in_channels_are_left_to_mentions(client: TestClient, slack: FakeSlack, question: str) -> None:
    channel = "CPLAIN001"
    event = {"type": "message", "channel_type": "channel", "user": "UASKER3", "text": question, "ts": new_ts(),
             "channel": channel}
    body = envelope(event)
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    time.sleep(1.0)
    assert posted_to(slack, channel) == []


def test_other_events_are_acknowledged_so_slack_does_not_retry_them(client: TestClient, slack: FakeSlack) -> None:
    body = envelope({"type": "reaction_added", "user": "UASKER3", "reaction": "thumbsup",
                     "item": {"type": "message", "channel": "CREACT001", "ts": new_ts()}})
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    time.sleep(0.3)
    assert posted_to(slack, "CREACT001") == []


def test_a_bare_mention_gets_usage_help(client: TestClient, slack: FakeSlack) -> None:
    channel, ts = "CBARE0001", new_ts()
    body = envelope(mention("", channel, ts))
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    (help_message,) = wait_posted(slack, channel, ts)
    assert "/govqa" in help_message["text"] and block_errors(help_message) == []


def command_body(slack: FakeSlack, text: str, name: str) -> str:
    return urlencode({"token": "legacy", "team_id": TEAM_ID, "team_domain": "govqa", "channel_id": "CCMD00001",
                      "channel_name": "general", "user_id": "UASKER4", "user_name": "asker", "command": "/govqa",
                      "text": text, "response_url": slack.response_url(name), "trigger_id": "1.2.3"})


def test_slash_command_acks_at_once_then_answers_through_the_response_url(
        client: TestClient, slack: FakeSlack, corpus_service: Service, question: str) -> None:
    body = command_body(slack, question, "cmd-answer")
    r = client.post("/slack/events", content=body, headers=signed(body, "application/x-www-form-urlencoded"))
    assert r.status_code == 200 and "正在查找" in r.text
    replies = slack.wait_for("/response/cmd-answer", timeout_s=90)
    first = replies[0].body
    assert first["response_type"] == "in_channel" and first["text"]
    posted = "\n".join(block_texts(rec.body) for rec in replies)
    assert escape(question) in posted  # the question is echoed: others do not see a slash command's text
    expected = corpus_service.ask(AskRequest(question=question))
    assert all(escape((c.quote or c.text).strip()) in posted for c in expected.citations)
    assert all(block_errors(rec.body) == [] for rec in replies)


def test_a_slash_command_answer_longer_than_five_messages_continues_in_the_channel(
        client: TestClient, slack: FakeSlack, corpus_service: Service, question: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Slack takes five posts per response_url; with a tiny message budget a real answer needs more."""
    monkeypatch.setattr(slack_blocks, "MAX_MESSAGE_CHARS", 120)
    body = command_body(slack, question, "cmd-long")
    assert client.post("/slack/events", content=body,
                       headers=signed(body, "application/x-www-form-urlencoded")).status_code == 200
    slack.wait_for("/response/cmd-long", count=RESPONSE_URL_USES, timeout_s=90)
    wait_posted(slack, "CCMD00001", None)
    time.sleep(0.5)
    via_url, rest = [r.body for r in slack.posts("/response/cmd-long")], posted_to(slack, "CCMD00001", None)
    assert len(via_url) == RESPONSE_URL_USES and rest
    assert all(block_errors(m) == [] and m["text"] for m in via_url + rest)
    expected = corpus_service.ask(AskRequest(question=question))
    last = expected.citations[-1]
    assert f"*[{last.n}]*" in "\n".join(block_texts(m) for m in rest)  # the sources come last, in the channel
    assert rest[-1]["blocks"][-1]["type"] == "actions"


def test_slash_command_without_a_question_gets_usage_help(client: TestClient, slack: FakeSlack) -> None:
    body = command_body(slack, "   ", "cmd-empty")
    r = client.post("/slack/events", content=body, headers=signed(body, "application/x-www-form-urlencoded"))
    assert r.status_code == 200 and "/govqa" in r.text
    time.sleep(0.5)
    assert slack.posts("/response/cmd-empty") == []


def test_feedback_button_records_a_rating(client: TestClient, slack: FakeSlack, corpus_service: Service,
                                          question: str) -> None:
    channel, ts = "CFEEDBK01", new_ts()
    body = envelope(mention(question, channel, ts))
    client.post("/slack/events", content=body, headers=signed(body))
    messages = wait_posted(slack, channel, ts)
    actions = [b for b in messages[-1]["blocks"] if b["type"] == "actions"]
    assert actions, "the last message carries the feedback buttons"
    down = next(e for e in actions[0]["elements"] if e["action_id"].endswith("down"))
    before = len(corpus_service.feedback.list("down"))
    payload = {"type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": "UASKER1"},
               "channel": {"id": channel}, "container": {"type": "message", "channel_id": channel},
               "message": {"type": "message", "ts": ts, "text": messages[-1]["text"]},
               "response_url": slack.response_url("feedback"), "trigger_id": "1.2.3",
               "actions": [{**down, "block_id": "govqa_feedback", "action_ts": ts}]}
    form = urlencode({"payload": json.dumps(payload, ensure_ascii=False)})
    r = client.post("/slack/events", content=form, headers=signed(form, "application/x-www-form-urlencoded"))
    assert r.status_code == 200
    slack.wait_for("/response/feedback")
    after = corpus_service.feedback.list("down")
    assert len(after) == before + 1
    assert after[0].question == question and after[0].session_id == session_id(TEAM_ID, channel, ts)


def test_no_slack_route_without_slack_settings(corpus_service: Service) -> None:
    settings = corpus_service.settings.model_copy(update={"slack_bot_token": None, "slack_signing_secret": None})
    with TestClient(create_app(settings, corpus_service)) as c:
        assert c.post("/slack/events", content="{}").status_code == 404


def test_an_unsigned_body_that_is_not_json_is_refused_not_a_500(client: TestClient) -> None:
    r = client.post("/slack/events", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 401
    body = "{not json"
    assert client.post("/slack/events", content=body, headers=signed(body)).status_code == 400


def test_a_replayed_slash_command_is_answered_once(client: TestClient, slack: FakeSlack, question: str) -> None:
    """Within Slack's 5-minute window the same signed command was answered each time it was sent."""
    body = command_body(slack, question, "cmd-replay")
    headers = signed(body, "application/x-www-form-urlencoded")
    assert client.post("/slack/events", content=body, headers=headers).status_code == 200
    slack.wait_for("/response/cmd-replay", timeout_s=90)
    replayed = client.post("/slack/events", content=body, headers=headers)
    assert replayed.status_code == 200 and "正在查找" not in replayed.text
    time.sleep(1.0)
    first = slack.posts("/response/cmd-replay")[0].body
    assert sum(1 for r in slack.posts("/response/cmd-replay") if r.body == first) == 1

"""The WeCom callback through the ASGI app: real encryption in, real HTTP out to a fake WeCom API."""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from bot import wecom_crypto
from bot.app import create_app
from bot.plain_format import render
from bot.wecom_crypto import WeComCrypto, signature
from bot.wecom_format import MAX_BYTES, split_message
from rag.schema import AskRequest, AskResponse
from rag.service import Service
from rag.settings import Settings
from tests.bot.test_wecom_crypto import AES_KEY, CORP_ID, MESSAGE, TOKEN, VERIFY
from tests.fakes.openai_server import fake_openai
from tests.fakes.wecom_api import FakeWeCom, fake_wecom

SECRET, AGENT_ID = "app-secret", "1000002"
OFFICIAL = {"wecom_corp_id": CORP_ID, "wecom_token": TOKEN, "wecom_aes_key": AES_KEY}


def _settings(base: Settings, fake: FakeWeCom | None = None, **extra: object) -> Settings:
    update: dict[str, object] = dict(OFFICIAL)
    if fake is not None:
        update |= {"wecom_secret": SECRET, "wecom_agent_id": AGENT_ID, "wecom_api_base": fake.url}
    return base.model_copy(update=update | extra)


def _inner(content: str, user: str = "zhangsan", msg_id: str = "1001", msg_type: str = "text",
           chat_id: str | None = None, extra: str = "") -> str:
    chat = f"<ChatId><![CDATA[{chat_id}]]></ChatId>" if chat_id else ""
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId><AgentID>{AGENT_ID}</AgentID>"
            f"{chat}{extra}</xml>")


def _post(client: TestClient, inner_xml: str, crypto: WeComCrypto | None = None, nonce: str = "nonce1"):
    """Encrypt and sign `inner_xml` as WeCom does, and POST the envelope to the callback."""
    encrypt = (crypto or WeComCrypto(TOKEN, AES_KEY, CORP_ID)).encrypt(inner_xml)
    timestamp = str(int(time.time()))
    query = {"msg_signature": signature(TOKEN, timestamp, nonce, encrypt), "timestamp": timestamp, "nonce": nonce}
    body = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt>"
            f"<AgentID><![CDATA[{AGENT_ID}]]></AgentID></xml>")
    return client.post(f"/wecom/callback?{urlencode(query)}", content=body.encode(),
                       headers={"Content-Type": "text/xml"})


def _summary_question(service: Service) -> str:
    """A question built from whatever the store holds, so it is tied to no gold item."""
    doc = service.store.list_documents()[0]
    return f"{doc.region}{doc.year}年法治政府建设的主要举措和成效有哪些？"


@pytest.fixture
def wecom(corpus_service: Service) -> Iterator[tuple[TestClient, FakeWeCom]]:
    with fake_wecom(CORP_ID, SECRET) as fake, \
            TestClient(create_app(_settings(corpus_service.settings, fake), corpus_service)) as client:
        yield client, fake


# --- URL verification and rejected requests ---------------------------------------------------------

def test_not_mounted_without_wecom_settings(corpus_service: Service) -> None:
    with TestClient(create_app(corpus_service.settings, corpus_service)) as client:
        assert client.get("/wecom/callback", params=VERIFY).status_code == 404


def test_official_url_verification_vector(corpus_service: Service) -> None:
    with TestClient(create_app(_settings(corpus_service.settings), corpus_service)) as client:
        r = client.get("/wecom/callback", params=VERIFY)
    assert r.status_code == 200 and r.text == "1616140317555161061"
    assert r.headers["content-type"].startswith("text/plain")


def test_url_verification_reads_the_url_encoded_query(corpus_service: Service) -> None:
    """The echostr has + and /, which WeCom sends URL-encoded; a raw + would read as a space."""
    with TestClient(create_app(_settings(corpus_service.settings), corpus_service)) as client:
        r = client.get(f"/wecom/callback?{urlencode(VERIFY)}")
    assert r.text == "1616140317555161061"


@pytest.mark.parametrize("field", ["nonce", "timestamp", "msg_signature"])
def test_tampered_verification_is_a_4xx(corpus_service: Service, field: str) -> None:
    params = dict(VERIFY)
    params[field] = params[field][:-1] + ("0" if params[field][-1] != "0" else "1")
    with TestClient(create_app(_settings(corpus_service.settings), corpus_service)) as client:
        r = client.get("/wecom/callback", params=params)
    assert r.status_code == 401 and "msg_signature" in r.json()["detail"]


def test_missing_params_are_a_4xx(corpus_service: Service) -> None:
    with TestClient(create_app(_settings(corpus_service.settings), corpus_service)) as client:
        assert client.get("/wecom/callback", params={"echostr": VERIFY["echostr"]}).status_code == 422
        assert client.post("/wecom/callback", content=b"<xml/>").status_code == 422


def _post_official_message(client: TestClient, **override: str):
    m = MESSAGE | override
    query = {k: m[k] for k in ("msg_signature", "timestamp", "nonce")}
    body = f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{m['encrypt']}]]></Encrypt></xml>"
    return client.post(f"/wecom/callback?{urlencode(query)}", content=body.encode())


def test_official_message_vector_is_accepted(corpus_service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    # The vector was signed in 2014: the replay window is checked at that moment.
    monkeypatch.setattr(wecom_crypto, "time", SimpleNamespace(time=lambda: int(MESSAGE["timestamp"]) + 10))
    with TestClient(create_app(_settings(corpus_service.settings), corpus_service)) as client:
        r = _post_official_message(client)
    assert r.status_code == 200 and r.content == b""


def test_the_official_message_replayed_today_is_refused(corpus_service: Service) -> None:
    with TestClient(create_app(_settings(corpus_service.settings), corpus_service)) as client:
        r = _post_official_message(client)
    assert r.status_code == 401 and "stale" in r.json()["detail"]


def test_message_for_another_corp_id_is_a_4xx_that_says_so(corpus_service: Service) -> None:
    settings = _settings(corpus_service.settings, wecom_corp_id="wwanothercorp0001")
    with TestClient(create_app(settings, corpus_service), raise_server_exceptions=False) as client:
        r = _post_official_message(client)
    assert r.status_code == 403 and "corp id" in r.json()["detail"]


def test_message_with_tampered_nonce_is_a_4xx(corpus_service: Service) -> None:
    with TestClient(create_app(_settings(corpus_service.settings), corpus_service)) as client:
        r = _post_official_message(client, nonce="1372623148")
    assert r.status_code == 401


@pytest.mark.parametrize("body", [
    b"not xml at all",
    b"<xml><ToUserName>x</ToUserName></xml>",  # no <Encrypt>
    b'<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><xml><Encrypt>&b;</Encrypt></xml>',
    b'<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Encrypt>&x;</Encrypt></xml>',
])
def test_malformed_or_hostile_xml_is_a_400(corpus_service: Service, body: bytes) -> None:
    with TestClient(create_app(_settings(corpus_service.settings), corpus_service),
                    raise_server_exceptions=False) as client:
        r = client.post("/wecom/callback?msg_signature=a&timestamp=1&nonce=n", content=body)
    assert r.status_code == 400 and r.json()["detail"]


def test_signed_but_undecryptable_ciphertext_is_a_400(corpus_service: Service) -> None:
    encrypt = "QUJDRA=="  # base64, but not a whole AES block
    query = {"msg_signature": signature(TOKEN, "1", "n", encrypt), "timestamp": "1", "nonce": "n"}
    with TestClient(create_app(_settings(corpus_service.settings), corpus_service),
                    raise_server_exceptions=False) as client:
        r = client.post(f"/wecom/callback?{urlencode(query)}",
                        content=f"<xml><Encrypt>{encrypt}</Encrypt></xml>".encode())
    assert r.status_code == 400 and "decrypt" in r.json()["detail"]


# --- answering ------------------------------------------------------------------------------------

class _Gated:
    """The real Service, held at `ask` until the test opens the gate (to see the reply come first)."""

    def __init__(self, service: Service) -> None:
        self._service = service
        self.store, self.embedder = service.store, None  # the app's embedding worker reads these
        self.gate = threading.Event()

    def ask(self, request: AskRequest) -> AskResponse:
        assert self.gate.wait(60)
        return self._service.ask(request)

    def close(self) -> None:
        pass


def test_round_trip_replies_at_once_then_pushes_the_answer_with_citations(corpus_service: Service) -> None:
    question = _summary_question(corpus_service)
    expected = corpus_service.ask(AskRequest(question=question))
    assert expected.answerable and expected.citations  # the question must exercise citations
    gated = _Gated(corpus_service)
    with fake_wecom(CORP_ID, SECRET) as fake, \
            TestClient(create_app(_settings(corpus_service.settings, fake), gated)) as client:  # type: ignore[arg-type]
        r = _post(client, _inner(question, user="lisi", msg_id="2001"))
        assert r.status_code == 200 and r.content == b""
        assert fake.sends() == []  # answered later, not on WeCom's 5-second clock
        gated.gate.set()
        sends = fake.wait_for_sends(1)
    body = sends[0].body
    assert body is not None
    assert body["touser"] == "lisi" and body["agentid"] == int(AGENT_ID) and body["msgtype"] == "text"
    content = "\n".join(s.body["text"]["content"] for s in sends if s.body)
    assert content.replace("\n", "") == render(expected).replace("\n", "")
    for c in expected.citations:
        assert f"[{c.n}] {c.region} · {c.year}年" in content
    assert [q.path for q in fake.requests[:2]] == ["/cgi-bin/gettoken", "/cgi-bin/message/send"]


def test_retries_of_one_msgid_are_answered_once(corpus_service: Service) -> None:
    question = _summary_question(corpus_service)
    with fake_wecom(CORP_ID, SECRET) as fake:
        with TestClient(create_app(_settings(corpus_service.settings, fake), corpus_service)) as client:
            for nonce in ("n1", "n2", "n3"):  # WeCom re-sends with a fresh nonce and signature
                assert _post(client, _inner(question, user="wangwu", msg_id="3001"), nonce=nonce).status_code == 200
            assert _post(client, _inner(question, user="wangwu", msg_id="3002")).status_code == 200
        # leaving the client stops the app, which waits for every queued answer
        per_message = [s for s in fake.sends() if s.body and s.body["touser"] == "wangwu"]
    pieces = split_message(render(corpus_service.ask(AskRequest(question=question))))
    assert len(per_message) == 2 * len(pieces)  # message 3001 once (not three times), then 3002


def test_access_token_is_cached_and_refreshed_once_on_42001(wecom: tuple[TestClient, FakeWeCom]) -> None:
    client, fake = wecom
    _post(client, _inner("你好", user="u1", msg_id="4001"))
    fake.wait_for_sends(1)
    _post(client, _inner("你好", user="u2", msg_id="4002"))
    fake.wait_for_sends(2)
    assert fake.tokens_issued == 1  # the second send reused the cached token

    fake.expire_next_send = 1
    _post(client, _inner("你好", user="u3", msg_id="4003"))
    sends = fake.wait_for_sends(3)
    assert fake.tokens_issued == 2
    rejected = [r for r in fake.requests if r.reply.get("errcode") == 42001]
    assert len(rejected) == 1 and rejected[0].query["access_token"] == "tok-1"
    assert sends[-1].query["access_token"] == "tok-2" and sends[-1].body and sends[-1].body["touser"] == "u3"


def test_long_answers_are_split_into_messages_within_2048_bytes(corpus_service: Service) -> None:
    """An LLM that quotes every passage it was given: a real, long, grounded answer."""
    def quote_everything(body: dict) -> str:
        prompt = body["messages"][-1]["content"]
        passages = re.findall(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', prompt, re.S)
        return "".join(f"{text}[{n}]\n" for n, text in passages)

    with fake_openai([quote_everything]) as llm, fake_wecom(CORP_ID, SECRET) as fake:
        settings = _settings(corpus_service.settings, fake, llm_model="fake", llm_base_url=llm.url,
                             llm_api_key="k")
        service = Service(settings, store=corpus_service.store, embedder=corpus_service.embedder,
                          tokenizer=corpus_service.tokenizer)
        try:
            with TestClient(create_app(settings, service)) as client:
                assert _post(client, _inner(_summary_question(service), user="zhao", msg_id="5001")).status_code \
                    == 200
            sends = fake.sends()
        finally:  # the store belongs to corpus_service; close only what this Service opened
            service.sessions.close()
            service.feedback.close()
    contents = [s.body["text"]["content"] for s in sends if s.body]
    assert llm.requests, "the LLM was never asked"
    assert len(contents) >= 2
    assert all(0 < len(c.encode("utf-8")) <= MAX_BYTES for c in contents)
    assert "来源" in contents[-1] and "[1]" in contents[-1]  # sources come last, after the split answer


def test_group_chat_message_with_mention_goes_to_the_chat_with_one_session_per_chat(
        wecom: tuple[TestClient, FakeWeCom], corpus_service: Service) -> None:
    client, fake = wecom
    question = _summary_question(corpus_service)
    _post(client, _inner(f"@govqa {question}", user="qian", msg_id="6001", chat_id="wrChat01"))
    sends = fake.wait_for_sends(1, path="appchat/send")
    assert sends[0].body and sends[0].body["chatid"] == "wrChat01"
    stored = corpus_service.sessions.get("wecom:chat:wrChat01").question  # the service keeps it NFKC-normalised
    assert stored == unicodedata.normalize("NFKC", question)  # "@govqa" stripped


def test_one_session_per_member_carries_follow_ups(wecom: tuple[TestClient, FakeWeCom],
                                                   corpus_service: Service) -> None:
    client, fake = wecom
    question = _summary_question(corpus_service)
    _post(client, _inner(question, user="sun", msg_id="7001"))
    fake.wait_for_sends(1)
    assert corpus_service.sessions.get("wecom:user:sun").question == unicodedata.normalize("NFKC", question)


def test_non_text_gets_a_polite_reply_and_events_get_none(wecom: tuple[TestClient, FakeWeCom]) -> None:
    client, fake = wecom
    event = _inner("", user="li", msg_id="", msg_type="event", extra="<Event><![CDATA[enter_agent]]></Event>")
    assert _post(client, event).status_code == 200
    assert _post(client, _inner("", user="zhou", msg_id="8001", msg_type="image")).status_code == 200
    sends = fake.wait_for_sends(1)
    assert sends[0].body and sends[0].body["touser"] == "zhou" and "文字" in sends[0].body["text"]["content"]
    assert not [s for s in fake.requests if s.body and s.body.get("touser") == "li"]

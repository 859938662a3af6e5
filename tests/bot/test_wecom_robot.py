"""The WeCom intelligent robot (智能机器人) callback through the ASGI app, with requests encrypted and
signed as WeCom sends them (JSON `{"encrypt"}`, empty receiveid) and replies decrypted as WeCom would."""

from __future__ import annotations

import base64
import json
import struct
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.wecom_crypto import WeComCrypto, signature
from rag.service import Service
from tests.bot.test_wecom_crypto import AES_KEY, TOKEN
from tests.fakes.openai_server import fake_openai

ROBOT = {"wecom_robot_token": TOKEN, "wecom_robot_aes_key": AES_KEY}
SEALER = WeComCrypto(TOKEN, AES_KEY, "")  # what WeCom does for a robot: receiveid is empty


def _text_message(content: str, msgid: str, chattype: str = "group") -> dict[str, Any]:
    return {"msgid": msgid, "aibotid": "AIBOTID", "chatid": "CHAT-1" if chattype == "group" else None,
            "chattype": chattype, "from": {"userid": "zhangsan"}, "response_url": "https://example.invalid/r",
            "msgtype": "text", "text": {"content": content}}


def _refresh(stream_id: str) -> dict[str, Any]:
    return {"msgid": f"refresh-{time.monotonic_ns()}", "aibotid": "AIBOTID", "chatid": "CHAT-1", "chattype": "group",
            "from": {"userid": "zhangsan"}, "msgtype": "stream", "stream": {"id": stream_id}}


def _post(client: TestClient, message: dict[str, Any], nonce: str = "n0nce", timestamp: str | None = None):
    encrypt = SEALER.encrypt(json.dumps(message, ensure_ascii=False))
    timestamp = timestamp or str(int(time.time()))
    query = {"msg_signature": signature(TOKEN, timestamp, nonce, encrypt), "timestamp": timestamp, "nonce": nonce}
    return client.post(f"/wecom/robot?{urlencode(query)}", json={"encrypt": encrypt})


def _open(reply: dict[str, Any]) -> dict[str, Any]:
    """Check the reply's signature and decrypt it, as WeCom does."""
    assert reply["msgsignature"] == signature(TOKEN, str(reply["timestamp"]), reply["nonce"], reply["encrypt"])
    return json.loads(SEALER.decrypt(reply["encrypt"]))


def _until_finished(client: TestClient, first: dict[str, Any]) -> list[dict[str, Any]]:
    replies = [first]
    deadline = time.monotonic() + 60
    while not replies[-1]["stream"]["finish"]:
        assert time.monotonic() < deadline, replies[-1]
        time.sleep(0.1)
        r = _post(client, _refresh(first["stream"]["id"]))
        assert r.status_code == 200
        replies.append(_open(r.json()))
    return replies


@pytest.fixture
def client(corpus_service: Service) -> Iterator[TestClient]:
    settings = corpus_service.settings.model_copy(update=ROBOT)
    with TestClient(create_app(settings, corpus_service)) as c:
        yield c


def _question(service: Service) -> str:
    doc = service.store.list_documents()[0]
    return f"@政务问答 {doc.region}{doc.year}年办结了多少件行政复议案件？"


def test_not_mounted_without_robot_settings(corpus_service: Service) -> None:
    with TestClient(create_app(corpus_service.settings, corpus_service)) as c:
        assert c.post("/wecom/robot", json={"encrypt": "x"}).status_code == 404


def test_url_verification_echoes_the_decrypted_echostr(client: TestClient) -> None:
    echostr = SEALER.encrypt("4242424242")
    timestamp, nonce = "1700000000", "abc"
    r = client.get("/wecom/robot", params={"msg_signature": signature(TOKEN, timestamp, nonce, echostr),
                                           "timestamp": timestamp, "nonce": nonce, "echostr": echostr})
    assert r.status_code == 200 and r.text == "4242424242"


def test_a_group_mention_gets_a_cited_answer_as_a_stream(client: TestClient, corpus_service: Service) -> None:
    question = _question(corpus_service)
    r = _post(client, _text_message(question, "MSG-group-1"))
    assert r.status_code == 200
    first = _open(r.json())
    assert first["msgtype"] == "stream" and first["stream"]["id"]
    replies = _until_finished(client, first)
    final = replies[-1]["stream"]["content"]
    expected = corpus_service.ask(_strip(question))
    assert final.startswith(expected.answer) and "来源：" in final and "[1]" in final
    assert expected.citations[0].region in final
    # A stream already finished keeps answering its refreshes with the finished content.
    again = _open(_post(client, _refresh(first["stream"]["id"])).json())
    assert again["stream"] == {"id": first["stream"]["id"], "finish": True, "content": final}


def _strip(question: str):
    from rag.schema import AskRequest

    return AskRequest(question=question.split(" ", 1)[1])


def test_a_retried_message_is_answered_from_the_same_stream(client: TestClient, corpus_service: Service) -> None:
    message = _text_message(_question(corpus_service), "MSG-retry-1", chattype="single")
    first = _open(_post(client, message).json())
    retry = _open(_post(client, message, nonce="other").json())
    assert retry["stream"]["id"] == first["stream"]["id"]


def test_live_llm_tokens_show_in_refreshes_and_a_replace_swaps_the_content(corpus_service: Service) -> None:
    bad = ["根据", "资料", "，", "全年", "工作", "有序", "开展", "，", "共计", "987654件", "[1]", "。"]
    with fake_openai([bad], token_delay_s=0.15) as fake:
        settings = corpus_service.settings.model_copy(update={**ROBOT, "llm_model": "x", "llm_base_url": fake.url})
        service = Service(settings, store=corpus_service.store, embedder=corpus_service.embedder)
        with TestClient(create_app(settings, service)) as c:
            first = _open(_post(c, _text_message(_question(corpus_service), "MSG-llm-1")).json())
            replies = _until_finished(c, first)
    partial = [r["stream"]["content"] for r in replies if not r["stream"]["finish"] and r["stream"]["content"]]
    assert partial and partial[0].startswith("根据")  # tokens reached WeCom before the answer was finished
    final = replies[-1]["stream"]["content"]
    assert "987654" not in final and "来源：" in final and not final.startswith("根据资料")


def test_non_text_and_empty_mentions_finish_at_once_with_a_hint(client: TestClient) -> None:
    image = {**_text_message("", "MSG-img"), "msgtype": "image", "image": {"url": "https://example.invalid/i"}}
    reply = _open(_post(client, image).json())
    assert reply["stream"]["finish"] and "文字" in reply["stream"]["content"]
    empty = _open(_post(client, _text_message("@政务问答", "MSG-empty")).json())
    assert empty["stream"]["finish"] and "请直接输入问题" in empty["stream"]["content"]


def test_forged_or_mangled_requests_are_4xx(client: TestClient) -> None:
    encrypt = SEALER.encrypt(json.dumps(_text_message("hi", "MSG-forged")))
    query = {"msg_signature": "0" * 40, "timestamp": "1", "nonce": "n"}
    assert client.post(f"/wecom/robot?{urlencode(query)}", json={"encrypt": encrypt}).status_code == 401
    assert client.post(f"/wecom/robot?{urlencode(query)}", content=b"<xml/>").status_code == 400
    assert client.post(f"/wecom/robot?{urlencode(query)}", json={"nothing": 1}).status_code == 400
    # Sealed for a corp id (the app callback's format) instead of the robot's empty receiveid.
    app_sealed = WeComCrypto(TOKEN, AES_KEY, "wwcorp").encrypt(json.dumps(_text_message("hi", "MSG-corp")))
    ts = "1700000000"
    query = {"msg_signature": signature(TOKEN, ts, "n", app_sealed), "timestamp": ts, "nonce": "n"}
    assert client.post(f"/wecom/robot?{urlencode(query)}", json={"encrypt": app_sealed}).status_code == 403


def test_sealer_matches_the_published_layout() -> None:
    """The test's own encryption is WeCom's: random(16) + length + message + empty receiveid, 32-byte PKCS#7."""
    sealed = base64.b64decode(SEALER.encrypt("{}", random16=b"r" * 16))
    key = base64.b64decode(AES_KEY + "=")
    d = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = d.update(sealed) + d.finalize()
    assert plain[:16] == b"r" * 16 and struct.unpack(">I", plain[16:20])[0] == 2 and plain[20:22] == b"{}"
    assert plain[22:] == bytes([plain[-1]]) * plain[-1] and len(plain) % 32 == 0


def test_a_robot_callback_outside_the_replay_window_is_refused(client: TestClient) -> None:
    """The robot callback had no timestamp window: a captured callback could be replayed for ever."""
    old = str(int(time.time()) - 3600)
    assert _post(client, _text_message("hi", "MSG-replayed"), timestamp=old).status_code == 401
    ahead = str(int(time.time()) + 3600)
    assert _post(client, _text_message("hi", "MSG-ahead"), timestamp=ahead).status_code == 401


@pytest.mark.parametrize("field, value", [("text", "a string, not an object"), ("from", ["zhangsan"]),
                                          ("mixed", {"msg_item": "x"}), ("text", {"content": {"nested": 1}})])
def test_a_stream_finishes_whatever_type_a_signed_field_has(client: TestClient, field: str, value: object) -> None:
    """A signed message with an unexpected field type killed the worker: the stream never said finish."""
    message = {**_text_message("hi", f"MSG-type-{field}-{time.monotonic_ns()}"), field: value}
    if field == "mixed":
        message["msgtype"] = "mixed"
    first = _post(client, message)
    assert first.status_code == 200
    replies = _until_finished(client, _open(first.json()))
    assert replies[-1]["stream"]["finish"] is True
    refresh = _post(client, {**_refresh("x"), "stream": "not an object"})
    assert refresh.status_code == 200 and _open(refresh.json())["stream"]["finish"] is True

"""WeCom intelligent robot (智能机器人) callback at /wecom/robot: @-mentions in group chats and single chats.

A self-built app only hears one-to-one messages; the robot is what staff can @ in a group. Its callback
differs from the app's: the body is JSON `{"encrypt": …}`, the receiveid inside the ciphertext is empty,
and the reply is encrypted JSON `{"encrypt", "msgsignature", "timestamp", "nonce"}` in the response
to the same request (passive reply), so no access token or outbound API is needed.

Replies stream, pulled by WeCom: the first reply is `{"msgtype": "stream", "stream": {"id", "finish",
"content"}}`; until a reply says `finish: true`, WeCom calls back with `msgtype: "stream"` (stream
refresh) and the same id, and each reply carries the whole content so far (markdown, ≤ 20,480 bytes).
The answer runs in a worker as `rag.streaming` events: tokens are appended, a `replace` swaps the
content, and the finished content is the answer with its numbered sources. A retry of a message
(same msgid) is answered from the same stream instead of asking again.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from cachetools import TTLCache
from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from bot.plain_format import render
from bot.wecom import EMPTY, FAILED, NOT_TEXT, TOO_LONG
from bot.wecom_crypto import BadReceiveId, BadSignature, MalformedCiphertext, WeComCrypto, fresh, signature
from bot.wecom_format import strip_mentions
from rag import streaming
from rag.schema import MAX_SESSION_ID, AskRequest
from rag.service import Service
from rag.settings import Settings

log = logging.getLogger("govqa.wecom_robot")

MAX_BODY_BYTES = 256 * 1024
MAX_CONTENT_BYTES = 20_480  # WeCom's limit for a stream reply's content
STREAM_TTL_S = 7 * 60  # WeCom refreshes a stream for at most 6 minutes
FIRST_REPLY_WAIT_S = 1.0  # a quick (extractive) answer goes out finished in the first reply


@dataclass
class StreamState:
    """One answer being produced; refreshed by WeCom until `finished`."""

    id: str
    content: str = ""
    finished: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> tuple[str, bool]:
        with self.lock:
            return self.content, self.finished

    def update(self, content: str, finished: bool = False) -> None:
        with self.lock:
            self.content, self.finished = _fit(content), finished
        if finished:
            self.done.set()


def _fit(text: str, limit: int = MAX_CONTENT_BYTES) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 6].decode("utf-8", errors="ignore") + "\n……"


def _field(value: Any) -> dict[str, Any]:
    """A nested object of a message, or {} when it has another type (signed is not well-formed)."""
    return value if isinstance(value, dict) else {}


def session_of(message: dict[str, Any]) -> str:
    """One govqa session per group chat, else per member, so follow-up questions work."""
    if message.get("chattype") == "group" and message.get("chatid"):
        return f"wecom-robot:chat:{message['chatid']}"[:MAX_SESSION_ID]
    return f"wecom-robot:user:{_field(message.get('from')).get('userid', '')}"[:MAX_SESSION_ID]


class WeComRobot:
    def __init__(self, crypto: WeComCrypto, workers: int = 2) -> None:
        self.crypto = crypto
        self.streams: TTLCache[str, StreamState] = TTLCache(maxsize=10_000, ttl=STREAM_TTL_S)
        self.by_msgid: TTLCache[str, str] = TTLCache(maxsize=10_000, ttl=STREAM_TTL_S)
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wecom-robot")

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def reply(self, plain: dict[str, Any]) -> JSONResponse:
        """Encrypt a reply as WeCom expects it: the JSON inside `encrypt`, signed with a fresh nonce."""
        encrypt = self.crypto.encrypt(json.dumps(plain, ensure_ascii=False))
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        signed = signature(self.crypto.token, timestamp, nonce, encrypt)
        return JSONResponse({"encrypt": encrypt, "msgsignature": signed, "timestamp": int(timestamp), "nonce": nonce})

    def stream_reply(self, state: StreamState) -> JSONResponse:
        content, finished = state.snapshot()
        return self.reply({"msgtype": "stream", "stream": {"id": state.id, "finish": finished, "content": content}})

    def handle(self, message: dict[str, Any], service: Service) -> Response:
        msgtype = message.get("msgtype")
        if msgtype == "stream":
            stream_id = str(_field(message.get("stream")).get("id", ""))
            with self._lock:
                state = self.streams.get(stream_id)
            if state is None:  # expired or never ours: end it rather than be polled for minutes
                state = StreamState(stream_id, "这条回答已过期，请重新提问。", True)
            return self.stream_reply(state)
        if msgtype == "event":
            return Response(status_code=200)  # enter_chat, feedback …: nothing was asked
        msgid = str(message.get("msgid") or "")
        with self._lock:
            known = self.streams.get(self.by_msgid.get(msgid, "")) if msgid else None
            if known is None:
                state = StreamState(secrets.token_hex(12))
                self.streams[state.id] = state
                if msgid:
                    self.by_msgid[msgid] = state.id
        if known is not None:
            log.info("wecom robot: retry of %s answered from its stream", msgid)
            return self.stream_reply(known)
        self._pool.submit(self._answer, state, message, service)
        state.done.wait(FIRST_REPLY_WAIT_S)
        return self.stream_reply(state)

    @staticmethod
    def _question(message: dict[str, Any]) -> str | None:
        if message.get("msgtype") == "text":
            return str(_field(message.get("text")).get("content", ""))
        if message.get("msgtype") == "mixed":  # text and images: answer the text
            items = _field(message.get("mixed")).get("msg_item")
            items = [_field(i) for i in items] if isinstance(items, list) else []
            return "".join(str(_field(i.get("text")).get("content", "")) for i in items if i.get("msgtype") == "text")
        return None

    def _answer(self, state: StreamState, message: dict[str, Any], service: Service) -> None:
        """Answer into `state`; whatever happens, the stream is finished (WeCom would poll it for minutes)."""
        try:
            self._answer_into(state, message, service)
        except Exception:
            log.exception("wecom robot: answering %s failed", message.get("msgid"))
        if not state.done.is_set():
            state.update(state.snapshot()[0] or FAILED, True)

    def _answer_into(self, state: StreamState, message: dict[str, Any], service: Service) -> None:
        raw = self._question(message)
        if raw is None:
            state.update(NOT_TEXT, True)
            return
        question = strip_mentions(raw)
        if not question:
            state.update(EMPTY, True)
            return
        try:
            request = AskRequest(question=question, session_id=session_of(message))
        except ValidationError:
            state.update(TOO_LONG, True)
            return
        shown = ""
        try:
            for event in streaming.stream(service, request):
                if event.kind == "token":
                    shown += event.data["text"]
                    state.update(shown)
                elif event.kind == "replace":
                    shown = event.data["text"]
                    state.update(shown)
                elif event.kind == "done":
                    state.update(render(event.data), True)
        except Exception:
            log.exception("wecom robot: answering %s failed", message.get("msgid"))
            state.update(FAILED, True)
        if not state.done.is_set():
            state.update(shown or FAILED, True)


def _verified(crypto: WeComCrypto, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """Decrypted text, or the 4xx that names what was wrong."""
    try:
        return crypto.verify_and_decrypt(msg_signature, timestamp, nonce, encrypt)
    except BadSignature as exc:
        raise HTTPException(401, f"bad msg_signature: {exc}: check GOVQA_WECOM_ROBOT_TOKEN") from exc
    except BadReceiveId as exc:
        raise HTTPException(403, "sealed for a corp id, not for a robot (whose receiveid is empty): "
                                 "is this the self-built app's callback? That one is /wecom/callback") from exc
    except MalformedCiphertext as exc:
        raise HTTPException(400, f"cannot decrypt: {exc}: check GOVQA_WECOM_ROBOT_AES_KEY") from exc


def _message(crypto: WeComCrypto, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> dict[str, Any]:
    try:
        envelope = json.loads(body)
    except ValueError as exc:
        raise HTTPException(400, f"body is not JSON: {exc}") from exc
    encrypt = envelope.get("encrypt") if isinstance(envelope, dict) else None
    if not isinstance(encrypt, str) or not encrypt:
        raise HTTPException(400, 'body has no "encrypt" field')
    plain = _verified(crypto, msg_signature, timestamp, nonce, encrypt)
    if not fresh(timestamp):
        raise HTTPException(401, "stale timestamp: a callback more than 5 minutes old or ahead is a replay")
    try:
        message = json.loads(plain)
    except ValueError as exc:
        raise HTTPException(400, f"decrypted message is not JSON: {exc}") from exc
    if not isinstance(message, dict) or not message.get("msgtype"):
        raise HTTPException(400, "decrypted message has no msgtype")
    return message


def mount_wecom_robot(app: FastAPI, settings: Settings) -> Callable[[], None]:
    """Add GET/POST /wecom/robot; returns the function that stops the robot's workers."""
    if not (settings.wecom_robot_token and settings.wecom_robot_aes_key):
        raise ValueError("the WeCom robot needs GOVQA_WECOM_ROBOT_TOKEN and GOVQA_WECOM_ROBOT_AES_KEY")
    crypto = WeComCrypto(settings.wecom_robot_token, settings.wecom_robot_aes_key, "")  # robots: receiveid ""
    robot = WeComRobot(crypto)
    router = APIRouter(tags=["wecom"])

    @router.get("/wecom/robot", response_class=PlainTextResponse)
    def verify_url(msg_signature: str = Query(...), timestamp: str = Query(...), nonce: str = Query(...),
                   echostr: str = Query(...)) -> PlainTextResponse:
        """URL verification when the robot's API mode is saved: echo the decrypted echostr."""
        return PlainTextResponse(_verified(crypto, msg_signature, timestamp, nonce, echostr))

    @router.post("/wecom/robot")
    async def callback(request: Request, msg_signature: str = Query(...), timestamp: str = Query(...),
                       nonce: str = Query(...)) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, f"body larger than {MAX_BODY_BYTES} bytes")
        message = _message(crypto, body, msg_signature, timestamp, nonce)
        return await run_in_threadpool(robot.handle, message, request.app.state.service)

    app.include_router(router)
    return robot.close

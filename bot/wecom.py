"""WeCom (企业微信) self-built app callback at /wecom/callback: a door onto `Service.ask`.

GET answers WeCom's URL verification with the decrypted echostr. POST carries an encrypted XML
message: it is signature-checked and decrypted, answered 200 with an empty body at once (WeCom retries
after 5 s, 3 tries in all, and a retry is dropped by MsgId), and the answer is pushed afterwards through
`message/send` (or `appchat/send` when the message names a group chat), split to WeCom's 2,048 bytes.

What a self-built app receives: one-to-one messages members send to the app. WeCom does not deliver
ordinary group-chat messages to a self-built app; an app group chat (`appchat/create`) is send-only.
So a `ChatId` is honoured when present (reply to the chat, one session per chat) and "@name" mentions
are stripped from every question, but the usual case is a member talking to the app directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import ValidationError

from bot.dedup import DEDUP_FILE, RecentIds
from bot.plain_format import render
from bot.wecom_api import WeComApi
from bot.wecom_crypto import BadReceiveId, BadSignature, MalformedCiphertext, WeComCrypto, fresh
from bot.wecom_format import split_message, strip_mentions
from rag.schema import AskRequest, AskResponse
from rag.service import Service
from rag.settings import Settings

log = logging.getLogger("govqa.wecom")

MAX_BODY_BYTES = 256 * 1024  # a text message is at most 2,048 bytes; the envelope adds little
NOT_TEXT = "目前只能回答文字问题，请用文字提问。"
EMPTY = "请直接输入问题，例如：某区2023年办结了多少件行政复议案件？"
TOO_LONG = "问题太长了，请缩短后再问。"
FAILED = "抱歉，回答时出错了，请稍后再试。"


@dataclass(frozen=True)
class Inbound:
    """The fields of a decrypted WeCom message that the bot uses."""

    msg_type: str
    from_user: str
    create_time: str
    msg_id: str | None = None
    content: str = ""
    chat_id: str | None = None
    event: str | None = None

    @property
    def delivery_id(self) -> str:
        """MsgId for messages; events have none, so sender + time identifies their retries."""
        return self.msg_id or f"{self.from_user}:{self.create_time}:{self.event or ''}"

    @property
    def session_id(self) -> str:
        """One govqa session per group chat, else per member, so follow-up questions work."""
        return f"wecom:chat:{self.chat_id}" if self.chat_id else f"wecom:user:{self.from_user}"


def _parse_xml(data: bytes | str, what: str) -> Element:
    """Parse without entity expansion, DTDs or network access; any failure is the sender's error."""
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as exc:
        raise HTTPException(400, f"{what} is not acceptable XML: {exc}") from exc


def parse_inbound(xml: str) -> Inbound:
    root = _parse_xml(xml, "decrypted message")
    msg_type = (root.findtext("MsgType") or "").strip()
    from_user = (root.findtext("FromUserName") or "").strip()
    if not msg_type or not from_user:
        raise HTTPException(400, "decrypted message lacks MsgType or FromUserName")
    return Inbound(msg_type=msg_type, from_user=from_user, create_time=(root.findtext("CreateTime") or "").strip(),
                   msg_id=(root.findtext("MsgId") or "").strip() or None, content=root.findtext("Content") or "",
                   chat_id=(root.findtext("ChatId") or "").strip() or None,
                   event=(root.findtext("Event") or "").strip() or None)


def _verified(crypto: WeComCrypto, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """Decrypted text, or the 4xx that names what was wrong."""
    try:
        return crypto.verify_and_decrypt(msg_signature, timestamp, nonce, encrypt)
    except BadSignature as exc:
        raise HTTPException(401, f"bad msg_signature: {exc}") from exc
    except BadReceiveId as exc:
        raise HTTPException(403, f"{exc}: check GOVQA_WECOM_CORP_ID") from exc
    except MalformedCiphertext as exc:
        raise HTTPException(400, f"cannot decrypt: {exc}") from exc


class WeComBot:
    """Answers messages off the request path, in a small thread pool owned by the app."""

    def __init__(self, api: WeComApi | None, workers: int = 2, seen: RecentIds | None = None) -> None:
        self.api = api
        self.seen = seen or RecentIds()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wecom")

    def close(self) -> None:
        """On shutdown: answers already accepted are finished and sent (the pool drains) before the store closes."""
        self._pool.shutdown(wait=True)
        if self.api is not None:
            self.api.close()
        self.seen.close()

    def accept(self, message: Inbound, service: Service) -> None:
        """Queue the reply to a first delivery; retries and events are dropped here."""
        if message.msg_type == "event":
            return  # subscribe / enter_agent / menu clicks: nothing was asked, so nothing is said
        if not self.seen.first_time(message.delivery_id):
            log.info("wecom: retry of %s ignored", message.delivery_id)
            return
        self._pool.submit(self._reply, message, service)

    def _reply(self, message: Inbound, service: Service) -> None:
        try:
            self.deliver(message, self.compose(message, service))
        except Exception:  # a worker thread has no caller to report to: log it with the delivery id
            log.exception("wecom: replying to %s failed", message.delivery_id)

    @staticmethod
    def compose(message: Inbound, service: Service) -> str:
        if message.msg_type != "text":
            return NOT_TEXT  # image, voice, video, file, location, link
        question = strip_mentions(message.content)
        if not question:
            return EMPTY
        try:
            request = AskRequest(question=question, session_id=message.session_id)
        except ValidationError:  # the only limit left once the question is non-empty is its length
            return TOO_LONG
        try:
            response: AskResponse = service.ask(request)
        except Exception:
            log.exception("wecom: ask failed for %s", message.delivery_id)
            return FAILED
        return render(response)

    def deliver(self, message: Inbound, text: str) -> None:
        if self.api is None:
            log.error("wecom: cannot reply to %s: set GOVQA_WECOM_SECRET and GOVQA_WECOM_AGENT_ID",
                      message.delivery_id)
            return
        for piece in split_message(text):
            if message.chat_id:
                self.api.send_chat_text(message.chat_id, piece)
            else:
                self.api.send_text(message.from_user, piece)


def mount_wecom(app: FastAPI, settings: Settings) -> Callable[[], None]:
    """Add GET/POST /wecom/callback; returns the function that stops the bot's workers."""
    corp_id, token, aes_key = settings.wecom_corp_id, settings.wecom_token, settings.wecom_aes_key
    if not (corp_id and token and aes_key):
        raise ValueError("WeCom needs GOVQA_WECOM_CORP_ID, GOVQA_WECOM_TOKEN and GOVQA_WECOM_AES_KEY")
    crypto = WeComCrypto(token, aes_key, corp_id)
    api = None
    if settings.wecom_secret and settings.wecom_agent_id:
        if not settings.wecom_agent_id.strip().isdigit():
            raise ValueError(f"GOVQA_WECOM_AGENT_ID must be the app's numeric AgentId, not {settings.wecom_agent_id!r}")
        api = WeComApi(settings.wecom_api_base, corp_id, settings.wecom_secret, int(settings.wecom_agent_id))
    bot = WeComBot(api, seen=RecentIds(settings.store / DEDUP_FILE))
    router = APIRouter(tags=["wecom"])

    @router.get("/wecom/callback", response_class=PlainTextResponse)
    def verify_url(msg_signature: str = Query(...), timestamp: str = Query(...), nonce: str = Query(...),
                   echostr: str = Query(...)) -> PlainTextResponse:
        """URL verification when the callback is saved in the admin console: echo the decrypted echostr."""
        return PlainTextResponse(_verified(crypto, msg_signature, timestamp, nonce, echostr))

    @router.post("/wecom/callback")
    async def callback(request: Request, msg_signature: str = Query(...), timestamp: str = Query(...),
                       nonce: str = Query(...)) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, f"body larger than {MAX_BODY_BYTES} bytes")
        encrypt = (_parse_xml(body, "body").findtext("Encrypt") or "").strip()
        if not encrypt:
            raise HTTPException(400, "body has no <Encrypt> element")
        plain = _verified(crypto, msg_signature, timestamp, nonce, encrypt)
        if not fresh(timestamp):  # MsgId deduplication forgets after 10 minutes; a replay must not outlive it
            raise HTTPException(401, "stale timestamp: a callback more than 5 minutes old or ahead is a replay")
        message = parse_inbound(plain)
        bot.accept(message, request.app.state.service)
        return Response(status_code=200)  # empty body: WeCom then expects nothing more on this request

    app.include_router(router)
    return bot.close

"""The Slack door: Bolt listeners that ask the app's one `Service` and post Block Kit answers.

Slack wants an acknowledgement within 3 s and retries otherwise, while an answer can take longer,
so every listener acks at once and answers from a Bolt lazy listener. Retries that still arrive
(`X-Slack-Retry-Num`) carry the same envelope `event_id` and are dropped before any listener runs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot import slack_blocks
from bot.dedup import DEDUP_FILE, RecentIds
from rag.schema import AskRequest, AskResponse
from rag.service import Service
from rag.settings import Settings
from rag.store.feedback import FeedbackIn

log = logging.getLogger("govqa.slack")

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
# AskRequest's own limit, read from the model so the two cannot drift apart.
MAX_QUESTION_CHARS: int = next(m.max_length for m in AskRequest.model_fields["question"].metadata
                               if getattr(m, "max_length", None))
# Slack accepts at most five posts to one slash command's response_url; later parts go through chat.postMessage.
RESPONSE_URL_USES = 5
USAGE = ("用法：`/govqa 问题`，例如 `/govqa 某区2023年办理了多少件行政复议案件？`。"
         "也可以在频道里 @我 提问，或直接私信我；同一话题串里可以接着追问。")


def question_text(text: str) -> str:
    """The question in a message: mentions of users or of the bot removed, whitespace tidied."""
    return " ".join(_MENTION.sub(" ", text or "").split())


def session_id(team: str | None, channel: str, thread: str | None) -> str:
    """One govqa session per Slack thread (or per DM / per user's slash commands), so follow-ups work."""
    return f"slack:{team or '-'}:{channel}:{thread or '-'}"


def wants_answer(event: dict[str, Any]) -> bool:
    """Plain human messages only: edits, joins, bot posts (our own included) never get an answer."""
    return not event.get("subtype") and not event.get("bot_id") and bool(event.get("user"))


async def _ask(service: Service, question: str, session: str) -> AskResponse | slack_blocks.Message:
    """The answer, or a notice saying plainly why there is none (nothing is lost silently)."""
    if not question:
        return slack_blocks.notice(USAGE)
    if len(question) > MAX_QUESTION_CHARS:
        return slack_blocks.notice(f"问题太长（{len(question)} 字），请控制在 {MAX_QUESTION_CHARS} 字以内。")
    try:
        return await asyncio.to_thread(service.ask, AskRequest(question=question, session_id=session))
    except Exception:
        log.exception("slack: answering failed for session %s", session)
        return slack_blocks.notice("抱歉，回答时出错了，请稍后再试。")


def _messages(result: AskResponse | slack_blocks.Message, question: str, echo: bool) -> list[slack_blocks.Message]:
    if isinstance(result, AskResponse):
        return slack_blocks.render(result, question, echo_question=echo, feedback=True)
    return [result]


def create_slack_app(settings: Settings, service: Callable[[], Service]) -> AsyncApp:
    """The Bolt app; `service` is called per request because the FastAPI lifespan opens it later."""
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_base)
    bolt = AsyncApp(signing_secret=settings.slack_signing_secret, client=client, name="govqa")
    seen = RecentIds(settings.store / DEDUP_FILE)  # shared by the store's processes, kept across restarts

    @bolt.middleware
    async def drop_retries(req: AsyncBoltRequest, resp: BoltResponse, next: Callable) -> BoltResponse:
        """Runs after Bolt's signature check. Retried events are dropped by `event_id`; any request whose
        signature was seen before (a slash command or click replayed within Slack's 5-minute window) by it."""
        event_id = req.body.get("event_id")
        if event_id and not seen.first_time(str(event_id)):
            retry = req.headers.get("x-slack-retry-num", ["?"])[0]
            log.info("slack: dropped repeat of %s (retry %s)", event_id, retry)
            return BoltResponse(status=200, body="")
        signature = (req.headers.get("x-slack-signature") or [""])[0]
        if signature and not seen.first_time(f"signature:{signature}"):
            log.info("slack: dropped a replayed request")
            return BoltResponse(status=200, body="")
        return await next()

    async def ack_event(ack: Callable) -> None:
        await ack()

    async def post(client: AsyncWebClient, channel: str, thread_ts: str | None,
                   messages: list[slack_blocks.Message]) -> None:
        for message in messages:
            try:
                await client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False, **message)
            except SlackApiError as exc:
                # Later parts would read out of order without this one: stop and leave a trace.
                log.error("slack: chat.postMessage to %s failed: %s", channel, exc.response.get("error"))
                return

    async def answer_mention(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if not wants_answer(event):
            return
        thread_ts = event.get("thread_ts") or event["ts"]
        question = question_text(event.get("text", ""))
        result = await _ask(service(), question, session_id(body.get("team_id"), event["channel"], thread_ts))
        await post(client, event["channel"], thread_ts, _messages(result, question, echo=False))

    async def answer_direct(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("channel_type") != "im" or not wants_answer(event):
            return
        thread_ts = event.get("thread_ts")
        question = question_text(event.get("text", ""))
        result = await _ask(service(), question, session_id(body.get("team_id"), event["channel"], thread_ts))
        await post(client, event["channel"], thread_ts, _messages(result, question, echo=False))

    bolt.event("app_mention")(ack=ack_event, lazy=[answer_mention])
    # Every message event is acked (an unacked one would be retried); only DMs get an answer.
    bolt.event("message")(ack=ack_event, lazy=[answer_direct])

    async def ack_command(ack: Callable, command: dict[str, Any]) -> None:
        question = question_text(command.get("text", ""))
        if not question:
            await ack(**slack_blocks.notice(USAGE))
        else:
            await ack(text=f"正在查找：{slack_blocks.escape(question)}")

    async def answer_command(command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        question = question_text(command.get("text", ""))
        if not question:
            return
        session = session_id(command.get("team_id"), command.get("channel_id", "-"),
                             f"cmd-{command.get('user_id', '-')}")
        result = await _ask(service(), question, session)
        messages = _messages(result, question, echo=True)
        for message in messages[:RESPONSE_URL_USES]:
            reply = await respond(response_type="in_channel", replace_original=False, **message)
            if reply.status_code != 200:
                log.error("slack: response_url refused a message: %s %s", reply.status_code, reply.body)
        # Needs the bot in the channel; the error is logged (the first parts already reached the user).
        await post(client, command.get("channel_id", ""), None, messages[RESPONSE_URL_USES:])

    bolt.command("/govqa")(ack=ack_command, lazy=[answer_command])
    # Any other subscribed event gets a 200 (Bolt would say 404 and Slack would retry it for nothing).
    bolt.event(re.compile(".*"))(ack_event)

    async def ack_feedback(ack: Callable) -> None:
        await ack()

    async def record_feedback(body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond) -> None:
        try:
            value = json.loads(action.get("value") or "{}")
        except json.JSONDecodeError:
            return
        answer = (body.get("message") or {}).get("text") or ""
        rating = "up" if action.get("action_id") == slack_blocks.FEEDBACK_ACTIONS[0] else "down"
        item = FeedbackIn(session_id=str(value.get("s", ""))[:200], question=str(value.get("q") or "?"),
                          answer=answer[:20000], rating=rating, comment=f"slack:{body.get('user', {}).get('id', '')}")
        await asyncio.to_thread(service().feedback.add, item)
        await respond(response_type="ephemeral", replace_original=False, text="谢谢反馈！")

    for action_id in slack_blocks.FEEDBACK_ACTIONS:
        bolt.action(action_id)(ack=ack_feedback, lazy=[record_feedback])
    return bolt


def mount_slack(app: FastAPI, settings: Settings) -> None:
    """`POST /slack/events` for events, slash commands and button clicks (one Request URL in Slack's settings)."""
    handler = AsyncSlackRequestHandler(create_slack_app(settings, lambda: app.state.service))
    verifier = SignatureVerifier(settings.slack_signing_secret or "")

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        # Bolt parses the body before it checks the signature: an unsigned body that is not JSON was a 500.
        if not verifier.is_valid_request(await request.body(), dict(request.headers)):
            return Response("invalid request signature", status_code=401)
        try:
            return await handler.handle(request)
        except ValueError:  # signed, yet not the JSON or form body it declares
            return Response("unreadable body", status_code=400)

"""The OpenAI-compatible door: `POST /v1/chat/completions` (plain and streamed) and `GET /v1/models`.

Chat front-ends (Open WebUI, LobeChat, Dify's OpenAI-compatible provider) and bot frameworks speak
this protocol. The last user message is the question; the user messages before it are the session
(bot/conversation.py: a new one each time, unless the client sends back the `session_id` govqa minted
for it). The content ends with a numbered source list, and the full AskResponse rides
along in an extra `govqa` field (of the response, or of the last streamed chunk).

Streamed, the LLM's tokens are forwarded as `rag.streaming` releases them. The protocol cannot take
text back, so when govqa withdraws a streamed answer (`replace`) the correction follows it, marked as
such; numbers are checked before they are released, so what stands above it holds no unchecked figure.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.params import Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from bot.conversation import session_for
from bot.errors import ErrorBody
from bot.plain_format import after_answer, render
from rag import streaming
from rag.schema import AskRequest, AskResponse
from rag.service import Service
from rag.settings import Settings

# The longest question AskRequest takes; every earlier user message is held to it too.
MAX_QUESTION = next(m.max_length for m in AskRequest.model_fields["question"].metadata if hasattr(m, "max_length"))
CORRECTION = "\n\n（更正：上面的回答未通过核对，以下为报告原文摘录。）\n"


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, top_p … are accepted and ignored
    model: str | None = None
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    user: str | None = None
    session_id: str | None = None  # continues the conversation govqa minted for this client


def _ask_request(body: ChatCompletionRequest, service: Service, minted: str, max_chars: int) -> AskRequest:
    users = [m.text().strip() for m in body.messages if m.role == "user"]
    users = [u for u in users if u]
    if not users:
        raise HTTPException(400, "messages hold no user message to answer")
    # Earlier turns are understood too (bot/conversation.py): every one is bounded, before any is read.
    if (total := sum(len(u) for u in users)) > max_chars:
        raise HTTPException(400, f"conversation too long: its user messages hold {total} characters "
                                 f"(at most {max_chars}); start a new conversation")
    if (longest := max(len(u) for u in users)) > MAX_QUESTION:
        raise HTTPException(400, f"a user message holds {longest} characters (at most {MAX_QUESTION})")
    question = users[-1]
    # The id the rate limit resolved: the client's own conversation when it sent one we minted for it.
    session_id = session_for(service, minted, users[:-1], continued=minted == body.session_id)
    try:
        return AskRequest(question=question, session_id=session_id)
    except ValidationError as exc:
        raise HTTPException(400, f"question not acceptable: {exc.errors()[0]['msg']}") from exc


def _chunk(cid: str, model: str, delta: dict[str, Any], finish: str | None = None,
           extra: dict[str, Any] | None = None) -> str:
    payload = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **(extra or {})}
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


def _stream(service: Service, request: AskRequest, cid: str, model: str) -> Iterator[str]:
    yield _chunk(cid, model, {"role": "assistant", "content": ""})
    for event in streaming.stream(service, request):
        if event.kind == "token":
            yield _chunk(cid, model, {"content": event.data["text"]})
        elif event.kind == "replace":
            yield _chunk(cid, model, {"content": CORRECTION + event.data["text"]})
        elif event.kind == "done":
            response: AskResponse = event.data
            if tail := after_answer(response):
                yield _chunk(cid, model, {"content": tail})
            yield _chunk(cid, model, {}, "stop", {"govqa": response.model_dump(mode="json")})
    yield "data: [DONE]\n\n"


_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "API key revoked, or missing while keys are required"},
    429: {"model": ErrorBody, "description": "rate limited; see Retry-After"},
}


def openai_router(settings: Settings, guards: list[Depends]) -> APIRouter:
    router = APIRouter(tags=["openai"])

    def svc(request: Request) -> Service:
        return request.app.state.service

    @router.get("/v1/models", dependencies=guards[:1], responses={401: _REFUSALS[401]})
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": settings.openai_model_name, "object": "model", "created": 0,
                                            "owned_by": "govqa"}]}

    @router.post("/v1/chat/completions", dependencies=guards,
                 responses={200: {"content": {"application/json": {}, "text/event-stream": {}}},
                            400: {"model": ErrorBody, "description": "no user message, or a question too long"},
                            **_REFUSALS})
    async def chat_completions(body: ChatCompletionRequest, request: Request) -> Any:
        service = svc(request)
        ask = await run_in_threadpool(_ask_request, body, service, request.state.session_id,
                                      settings.max_conversation_chars)
        request.state.question = ask.question  # for the request log, when GOVQA_LOG_QUESTIONS is on
        cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        model = body.model or settings.openai_model_name
        if body.stream:
            return StreamingResponse(iterate_in_threadpool(_stream(service, ask, cid, model)),
                                     media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
        response = await run_in_threadpool(service.ask, ask)
        content = render(response)
        return {
            "id": cid, "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            # Characters, not tokens: the client's tokenizer is unknown here; clients only display these.
            "usage": {"prompt_tokens": len(ask.question), "completion_tokens": len(content),
                      "total_tokens": len(ask.question) + len(content)},
            "govqa": response.model_dump(mode="json"),
        }

    return router

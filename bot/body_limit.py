"""One limit on request bodies, enforced while they are read: before authentication and before parsing.

A declared `Content-Length` over the limit is refused at once (413). Otherwise the body is counted as it
arrives: small routes have it read here (at most `limit` bytes held) and replayed to the app; the upload
route, whose limit is large, is counted chunk by chunk as the multipart parser pulls it, and the read
stops with 413 at the first byte over. No route, door or bot reads more than its limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _too_large(limit: int) -> str:
    return f"request body larger than {limit} bytes"


class BodyLimit:
    """ASGI middleware: `limit_for(path)` bytes per request body."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int], streamed: Callable[[str], bool]) -> None:
        self.app, self.limit_for, self.streamed = app, limit_for, streamed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.limit_for(path)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send, limit)
            return
        if self.streamed(path):
            await self.app(scope, _counted(receive, limit), send)
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await _refuse(send, limit)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: wait for the disconnect as Starlette expects
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)


def _counted(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counting() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:  # FastAPI re-raises an HTTPException met while reading the body
                raise HTTPException(413, _too_large(limit))
        return message

    return counting


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": _too_large(limit)}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
